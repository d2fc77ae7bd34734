//! The customer panel: waits for the host's context, looks the contact up, shows the result,
//! and offers the agent's actions on it.

use leptos::prelude::*;
use orderpane::{
    contact_keys::ContactKeys,
    host::{HostKind, Theme},
    host_actions::ToastStatus,
    references::mentioned_numbers,
};

use crate::api::panel::{load_panel, renew_session};
use crate::model::error::PanelError;
use crate::model::panel::{first_mentions, AgentContext, Panel, PanelRequest};
use crate::model::session::SessionProof;
use crate::ui::bridge::host::{use_host_bridge, HostBridge};

/// The agent's actions and the state they share.
mod actions;
/// What needs attention, above the orders.
mod attention;
/// Invoices, payments, refunds and subscriptions.
mod billing;
/// The customer header and the candidate list.
mod customer;
/// Money and dates in the agent's locale.
mod format;
/// The push connection that keeps the panel live.
mod live_updates;
/// The order list and an order's details.
mod orders;
/// The customer search, linking and unlinking.
mod search;
/// The customer's totals and spending chart.
mod summary;
/// What the agent was looking at, per conversation, across page loads.
mod view_memory;

use actions::PanelActions;
use attention::AttentionList;
use billing::BillingSections;
use customer::{CandidateList, CustomerHeader};
use format::AgentLocale;
use live_updates::{follow_live_updates, LiveState};
use orders::{MentionedOrders, OrderList};
use search::{CustomerSearch, SearchContext, SearchOffer};
use summary::SummaryCard;
use view_memory::ViewMemory;

/// The page the helpdesk frames: one panel for the contact of the current conversation.
#[component]
pub fn PanelPage() -> impl IntoView {
    let bridge = use_host_bridge();
    let context = bridge.context;
    let actions = PanelActions::new(bridge);
    provide_context(actions);
    let host_locale =
        Memo::new(move |_| context.with(|c| c.as_ref()?.agent.as_ref()?.locale.clone()));
    let locale = AgentLocale::new(host_locale);
    provide_context(locale);

    // `None` until the host has said who the contact is (Lime sends the contact in its own
    // event; a Chatwoot contact may be `{}` while the host loads it).
    let keys = Memo::new(move |_| {
        let field = bridge
            .session
            .with(|s| s.as_ref().and_then(|s| s.customer_field.clone()));
        context.with(|c| {
            let contact = &c.as_ref()?.contact;
            let keys = contact.lookup_keys(field.as_deref());
            (contact.id.is_some() || !keys.is_empty()).then_some(keys)
        })
    });
    let dark = move || context.with(|c| c.as_ref().and_then(|c| c.theme) == Some(Theme::Dark));

    remember_the_view(bridge, actions);

    // The lookup runs in the browser only: the context comes from the host by postMessage, so
    // the server render always shows the waiting state. `None` while a lookup is in flight.
    let panel = RwSignal::new(None::<Result<Panel, PanelError>>);
    let retry = actions.reload;
    let live = LiveState::new();
    look_up_on_every_change(bridge, keys, actions, live, retry, panel);
    follow_live_updates(bridge, panel, live, retry);
    // Lime Connect shows problems as toasts too, where the operator looks.
    Effect::new(move |_| {
        if let Some(Err(error)) = panel.get() {
            bridge.send_lime(orderpane::host_actions::LimeAction::Toast {
                status: ToastStatus::Error,
                message: error.to_string(),
            });
        }
    });

    let body = move || {
        // Rebuilt in the agent's locale when the host reports it after the data arrived.
        locale.0.track();
        let Some(keys) = keys.get() else {
            return state(
                "waiting",
                "Waiting for the helpdesk to say which conversation this is…",
            );
        };
        if keys.is_empty() {
            return state(
                "no-keys",
                "This contact has no email, phone or customer id yet. Add one in the helpdesk, then refresh, to see their orders.",
            );
        }
        match panel.get() {
            None => state("loading", "Looking up the customer…"),
            Some(Err(error)) => error_view(error, move || retry.notify()),
            Some(Ok(panel)) => panel_view(panel),
        }
    };
    let refresh = move |_| {
        actions.refresh();
        retry.notify();
    };
    let notice = move || {
        actions
            .notice
            .get()
            .map(|text| view! { <p class="notice" role="status">{text}</p> })
    };

    let status = move || {
        live.status
            .get()
            .or_else(|| context.with(|c| c.as_ref()?.conversation.as_ref()?.status.clone()))
    };
    let offline = move || {
        live.offline.get().then(|| {
            view! {
                <p class="offline muted" data-state="offline" role="status">
                    "Offline: live updates paused, reconnecting…"
                </p>
            }
        })
    };

    view! {
        <main
            class="panel"
            class:dark=dark
            data-live=move || if live.connected.get() { "open" } else { "closed" }
        >
            <div class="toolbar">
                <button class="refresh" title="Ask the helpdesk again and reload" on:click=refresh>
                    "Refresh"
                </button>
                {move || {
                    status()
                        .map(|status| {
                            let text = format!("Conversation {status}");
                            view! {
                                <span class="conversation-status muted" data-status=status>
                                    {text}
                                </span>
                            }
                        })
                }}
            </div>
            {offline}
            {notice}
            {body}
        </main>
    }
}

/// Looks the contact up whenever its keys, the agent's choice or the Lime token change, and
/// when asked to retry. Only the latest lookup may answer.
fn look_up_on_every_change(
    bridge: HostBridge,
    keys: Memo<Option<ContactKeys>>,
    actions: PanelActions,
    live: LiveState,
    retry: Trigger,
    panel: RwSignal<Option<Result<Panel, PanelError>>>,
) {
    let context = bridge.context;
    // Looked up again only when the set of numbers changes, not on every new message.
    // Numbers pushed live (newest) come before those of the host's transcript.
    let mentioned = Memo::new(move |_| {
        let mut numbers = live.mentioned.get();
        context.with(|c| {
            if let Some(c) = c {
                numbers.extend(mentioned_numbers(&c.transcript));
            }
        });
        first_mentions(numbers)
    });
    let latest_lookup = StoredValue::new(0_u64);
    // The contact the panel on screen was looked up for.
    let shown_for = StoredValue::new(None::<ShownFor>);
    let (chosen, proof) = (actions.chosen, actions.proof);
    Effect::new(move |_| keep_session_fresh(proof));
    // The customer search shares the session proof and reloads the panel after a link.
    provide_context(SearchContext {
        bridge,
        proof,
        reload: retry,
    });
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
        let Some(context) = context.get_untracked() else {
            return;
        };
        // What the page asks for this context before any choice or live mention: the request
        // the boot script's early lookup made (`api::early_panel`).
        let customer_field = session.customer_field.as_deref();
        let first = PanelRequest::for_context(current_proof, &context, customer_field);
        let request = PanelRequest {
            context: AgentContext {
                host_token: host_token.clone(),
                ..first.context.clone()
            },
            keys,
            chosen: chosen.get(),
            mentioned: mentioned.get(),
        };
        // Taken once, by the first lookup; awaited only when it can be this one's answer.
        let early = crate::ui::bridge::host::take_early_lookup();
        let may_adopt = first.same_lookup(&request);
        // Keep what is shown while a new lookup runs for the same contact (a repeated
        // context, the agent's choice, a live change): no flash of "loading". Anything
        // shown for another contact goes at once: an agent must never see one customer's
        // data under another contact.
        let contact = ShownFor::of(&request);
        let same_contact = shown_for.try_get_value().flatten().as_ref() == Some(&contact);
        if !(same_contact && matches!(panel.get_untracked(), Some(Ok(_)))) {
            panel.set(None);
        }
        leptos::task::spawn_local(async move {
            let early = match may_adopt {
                true => early.answer().await,
                false => None,
            };
            // The early answer stands if it asked for what this lookup asks (it was made from
            // the first context; the host may have sent another since).
            let result = match early.filter(|early| early.request.same_lookup(&request)) {
                Some(early) => Ok(early.panel),
                None => load_panel(request).await,
            };
            // The panel may have been torn down while this lookup ran (`try_`: no panic).
            if latest_lookup.try_get_value() != Some(lookup) {
                return;
            }
            // An expired Lime token is renewed without the agent noticing: ask for a new one
            // (once per token) and look up again when it arrives.
            let stale_token = matches!(result, Err(PanelError::HostTokenInvalid))
                && host_token.is_some()
                && renewed_after.try_get_value().flatten() != host_token;
            if stale_token {
                renewed_after.try_set_value(host_token);
                bridge.request_host_token();
                return;
            }
            shown_for.try_set_value(Some(contact));
            panel.try_set(Some(result));
        });
    });
}

/// Who a lookup was for: the contact as the page knows it (its helpdesk id and keys).
#[derive(Debug, Clone, PartialEq, Eq)]
struct ShownFor {
    contact_id: Option<String>,
    keys: ContactKeys,
}

impl ShownFor {
    fn of(request: &PanelRequest) -> Self {
        Self {
            contact_id: request.context.contact_id.clone(),
            keys: request.keys.clone(),
        }
    }
}

/// Brings back what the agent was looking at in this conversation (chosen customer, open
/// order, scroll position), and keeps it up to date as they go.
fn remember_the_view(bridge: HostBridge, actions: PanelActions) {
    let context = bridge.context;
    let memory_key = Memo::new(move |_| {
        let install = bridge
            .session
            .with(|s| s.as_ref().map(|s| s.proof.install.clone()))?;
        let conversation = context.with(|c| c.as_ref()?.conversation.as_ref()?.id.clone())?;
        Some(view_memory::key(&install, &conversation))
    });
    let memory = StoredValue::new(ViewMemory::default());
    let restored_for = StoredValue::new(None::<String>);
    Effect::new(move |_| {
        let Some(key) = memory_key.get() else {
            return;
        };
        if restored_for.get_value().as_ref() == Some(&key) {
            return;
        }
        restored_for.set_value(Some(key.clone()));
        let remembered = view_memory::load(&key);
        actions.chosen.set(remembered.chosen.clone());
        actions.selected.set(remembered.order.clone());
        restore_scroll_once_shown(remembered.scroll);
        memory.set_value(remembered);
    });
    let save = move |change: &dyn Fn(&mut ViewMemory)| {
        if let Some(key) = restored_for.get_value() {
            memory.update_value(|m| change(m));
            memory.with_value(|m| view_memory::save(&key, m));
        }
    };
    Effect::new(move |_| {
        let (chosen, order) = (actions.chosen.get(), actions.selected.get());
        save(&move |m: &mut ViewMemory| {
            m.chosen = chosen.clone();
            m.order = order.clone();
        });
    });
    #[cfg(feature = "hydrate")]
    {
        // Saved at once (scroll events come at most once a frame, and a write is cheap): the
        // host may remove the frame right after the agent stops scrolling.
        let handle = window_event_listener(leptos::ev::scroll, move |_| {
            let y = window().scroll_y().unwrap_or_default();
            save(&move |m: &mut ViewMemory| m.scroll = y);
        });
        on_cleanup(move || handle.remove());
    }
}

/// Scrolls to `y` once the panel is tall enough to (the orders arrive a moment after the
/// context), checking every 100 ms for up to five seconds.
fn restore_scroll_once_shown(y: f64) {
    #[cfg(feature = "hydrate")]
    fn attempt(y: f64, tries_left: u32) {
        let window = window();
        let height = |v: Option<f64>| v.unwrap_or_default();
        let room = height(
            document()
                .document_element()
                .map(|e| f64::from(e.scroll_height())),
        ) - height(window.inner_height().ok().and_then(|h| h.as_f64()));
        if room >= y || tries_left == 0 {
            window.scroll_to_with_x_and_y(0.0, y);
        } else {
            set_timeout(
                move || attempt(y, tries_left - 1),
                std::time::Duration::from_millis(100),
            );
        }
    }
    #[cfg(feature = "hydrate")]
    if y > 0.0 {
        attempt(y, 50);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = y;
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

fn panel_view(mut panel: Panel) -> AnyView {
    // Said exactly: Lime Connect's token vouches for the agent, never for the contact.
    let unverified = (!panel.verified.contact).then(|| {
        let text = match panel.verified.agent {
            true => "Contact unverified: the agent is confirmed by the helpdesk, but this contact is as the helpdesk page reported it.",
            false => "Unverified: this contact is as the helpdesk page reported it.",
        };
        view! {
            <p class="unverified muted" data-state="unverified" data-agent-verified=panel.verified.agent.to_string()>
                {text}
            </p>
        }
    });
    let mentioned = std::mem::take(&mut panel.mentioned);
    view! {
        {unverified}
        <MentionedOrders mentioned />
        {match_view(panel)}
    }
    .into_any()
}

fn match_view(panel: Panel) -> AnyView {
    match panel.customer {
        Some(customer) => {
            let others: Vec<_> = panel
                .matches
                .into_iter()
                .filter(|m| m.id != customer.id)
                .collect();
            let ticket = panel.live.map(|live| live.ticket);
            let summary = panel
                .summary
                .map(|summary| view! { <SummaryCard summary /> });
            let attention = panel.billing.attention.clone();
            view! {
                <CustomerHeader customer=customer.clone() others />
                <SearchOffer label="Not this customer? Search" />
                <AttentionList items=attention />
                {summary}
                <OrderList
                    orders=panel.orders
                    more=panel.more_orders
                    customer_id=customer.id
                    ticket
                />
                <BillingSections billing=panel.billing />
            }
            .into_any()
        }
        None if panel.matches.is_empty() => view! {
            {state(
                "no-match",
                "No customer in the store matches this contact's email, phone or customer id. Search the store and link the right one:",
            )}
            <CustomerSearch />
        }
        .into_any(),
        None => view! {
            <CandidateList candidates=panel.matches />
            <SearchOffer label="None of these? Search" />
        }
        .into_any(),
    }
}
