//! The customer panel: waits for the host's context, looks the contact up, shows the result.

use leptos::prelude::*;
use orderpane::host::{HostKind, Theme};

use crate::api::{load_panel, renew_session, Panel, PanelError, PanelRequest};
use crate::host_bridge::use_host_bridge;
use crate::page_session::SessionProof;

/// The customer header and the candidate list.
mod customer;
/// The order list.
mod orders;

use customer::{CandidateList, CustomerHeader};
use orders::OrderList;

/// The page the helpdesk frames: one panel for the contact of the current conversation.
#[component]
pub fn PanelPage() -> impl IntoView {
    let bridge = use_host_bridge();
    let context = bridge.context;
    let keys = Memo::new(move |_| context.with(|c| c.as_ref().map(|c| c.contact.keys.clone())));
    let dark = move || context.with(|c| c.as_ref().and_then(|c| c.theme) == Some(Theme::Dark));

    // The lookup runs in the browser only: the context comes from the host by postMessage, so
    // the server render always shows the waiting state. `None` while a lookup is in flight.
    let panel = RwSignal::new(None::<Result<Panel, PanelError>>);
    let retry = Trigger::new();
    let latest_lookup = StoredValue::new(0_u64);
    // The session proof, its token renewed in place while the page stays open.
    let proof = StoredValue::new(None::<SessionProof>);
    Effect::new(move |_| keep_session_fresh(proof));
    // The Lime token a lookup was already retried for, so an invalid token is renewed once.
    let renewed_after = StoredValue::new(None::<String>);
    Effect::new(move |_| {
        retry.track();
        let Some(keys) = keys.get().filter(|keys| !keys.is_empty()) else {
            return;
        };
        let Some(session) = bridge.session.get() else {
            return;
        };
        let host_token = if session.host == HostKind::Lime {
            match bridge.host_token.get() {
                // Lime answers `generate_jwt_token` shortly; look up once it has.
                None => return panel.set(None),
                Some(Err(_)) => return panel.set(Some(Err(PanelError::HostTokenInvalid))),
                Some(Ok(token)) => Some(token),
            }
        } else {
            None
        };
        let current_proof = proof.get_value().unwrap_or_else(|| {
            proof.set_value(Some(session.proof.clone()));
            session.proof.clone()
        });
        let lookup = latest_lookup.get_value() + 1;
        latest_lookup.set_value(lookup);
        panel.set(None);
        let context = context.get_untracked();
        let request = PanelRequest {
            session: current_proof,
            keys,
            agent: context.as_ref().and_then(|c| c.agent.clone()),
            conversation_id: context
                .as_ref()
                .and_then(|c| c.conversation.as_ref())
                .and_then(|c| c.id.clone()),
            host_token: host_token.clone(),
        };
        leptos::task::spawn_local(async move {
            let result = load_panel(request).await;
            // A newer context may have arrived meanwhile: only the latest lookup may answer.
            if latest_lookup.get_value() != lookup {
                return;
            }
            // An expired Lime token is renewed without the agent noticing: ask for a new one
            // (once per token) and look up again when it arrives.
            let stale_token = matches!(result, Err(PanelError::HostTokenInvalid))
                && host_token.is_some()
                && renewed_after.get_value() != host_token;
            if stale_token {
                renewed_after.set_value(host_token);
                bridge.request_host_token();
                return;
            }
            panel.set(Some(result));
        });
    });

    let body = move || {
        let Some(keys) = keys.get() else {
            return state(
                "waiting",
                "Waiting for the helpdesk to say which conversation this is…",
            );
        };
        if keys.is_empty() {
            return state(
                "no-keys",
                "This contact has no email, phone or customer id yet. Add one in the helpdesk to see their orders.",
            );
        }
        match panel.get() {
            None => state("loading", "Looking up the customer…"),
            Some(Err(error)) => error_view(error, move || retry.notify()),
            Some(Ok(panel)) => panel_view(panel),
        }
    };

    view! {
        <main class="panel" class:dark=dark>
            {body}
        </main>
    }
}

/// Renews the page's session well before it expires, for agents who keep a conversation
/// open for a long time.
fn keep_session_fresh(proof: StoredValue<Option<SessionProof>>) {
    #[cfg(feature = "hydrate")]
    {
        const RENEW_EVERY: std::time::Duration = std::time::Duration::from_secs(10 * 60);
        let handle = set_interval_with_handle(
            move || {
                let Some(current) = proof.get_value() else {
                    return;
                };
                leptos::task::spawn_local(async move {
                    if let Ok(token) = renew_session(current).await {
                        proof.update_value(|p| {
                            if let Some(p) = p {
                                p.token = token;
                            }
                        });
                    }
                });
            },
            RENEW_EVERY,
        );
        if let Ok(handle) = handle {
            on_cleanup(move || handle.clear());
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (proof, renew_session);
}

/// A calm one-line state with a name tests and styles can find.
fn state(name: &'static str, text: &'static str) -> AnyView {
    view! { <p class="state" data-state=name>{text}</p> }.into_any()
}

fn error_view(error: PanelError, retry: impl Fn() + 'static) -> AnyView {
    view! {
        <div class="state error" data-state="error" role="alert">
            <p>{error.to_string()}</p>
            <button on:click=move |_| retry()>"Try again"</button>
        </div>
    }
    .into_any()
}

fn panel_view(panel: Panel) -> AnyView {
    let unverified = (!panel.verified).then(|| {
        view! {
            <p class="unverified muted" data-state="unverified">
                "Unverified: this contact is as the helpdesk page reported it."
            </p>
        }
    });
    view! { {unverified} {match_view(panel)} }.into_any()
}

fn match_view(panel: Panel) -> AnyView {
    match panel.matches.as_slice() {
        [] => state(
            "no-match",
            "No customer in the store matches this contact's email, phone or customer id.",
        ),
        [customer] => {
            let customer = customer.clone();
            view! {
                <CustomerHeader customer />
                <OrderList orders=panel.orders />
            }
            .into_any()
        }
        _ => view! { <CandidateList candidates=panel.matches /> }.into_any(),
    }
}
