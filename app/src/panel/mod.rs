//! The customer panel: waits for the host's context, looks the contact up, shows the result.

use leptos::prelude::*;
use orderpane::host::Theme;

use crate::api::{load_panel, Panel, PanelError};
use crate::host_bridge::use_host_context;

/// The customer header and the candidate list.
mod customer;
/// The order list.
mod orders;

use customer::{CandidateList, CustomerHeader};
use orders::OrderList;

/// The page the helpdesk frames: one panel for the contact of the current conversation.
#[component]
pub fn PanelPage() -> impl IntoView {
    let context = use_host_context();
    let keys = Memo::new(move |_| context.with(|c| c.as_ref().map(|c| c.contact.keys.clone())));
    let dark = move || context.with(|c| c.as_ref().and_then(|c| c.theme) == Some(Theme::Dark));

    let panel = LocalResource::new(move || {
        let keys = keys.get();
        async move {
            match keys {
                Some(keys) if !keys.is_empty() => Some(load_panel(keys).await),
                _ => None,
            }
        }
    });

    let body = move || {
        let Some(keys) = keys.get() else {
            return state("waiting", "Waiting for the helpdesk to say which conversation this is…");
        };
        if keys.is_empty() {
            return state(
                "no-keys",
                "This contact has no email, phone or customer id yet. Add one in the helpdesk to see their orders.",
            );
        }
        match panel.get() {
            None | Some(None) => state("loading", "Looking up the customer…"),
            Some(Some(Err(error))) => error_view(error, move || panel.refetch()),
            Some(Some(Ok(panel))) => panel_view(panel),
        }
    };

    view! {
        <main class="panel" class:dark=dark>
            {body}
        </main>
    }
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
