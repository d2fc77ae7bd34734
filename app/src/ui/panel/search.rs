//! The agent's customer search: a search box and its results, each with "Link to this
//! contact"; and "Unlink" for a customer an agent linked (see `crate::api::customers`).
//!
//! The search is a form with states of its own, so it stays a Leptos component in the browser:
//! the server renders it into the panel's HTML where it belongs (so that the early panel looks
//! the same), and the page mounts it live in that place (`super::body`).

use leptos::{html, prelude::*};
use orderpane::host_actions::ToastStatus;

use super::actions::PanelActions;
use crate::api::customers::{link_customer, search_customers, unlink_customer};
use crate::model::error::PanelError;
use crate::model::panel::AgentContext;
use crate::model::search::{checked_query, SearchHit, SearchResults, WriteBack, MAX_QUERY_CHARS};
use crate::model::session::SessionProof;
use crate::ui::bridge::host::HostBridge;

/// What search and links need from the panel, shared through context.
#[derive(Debug, Clone, Copy)]
pub struct SearchContext {
    /// The host's context (agent, conversation, contact) and the page's session.
    pub bridge: HostBridge,
    /// The session proof as the panel keeps it, its token renewed in place.
    pub proof: StoredValue<Option<SessionProof>>,
    /// Looks the contact up again (after a link changed).
    pub reload: Trigger,
}

impl SearchContext {
    /// Who asks, about what, as the host has told this page; `None` before the page is live.
    pub fn agent_context(&self) -> Option<AgentContext> {
        let session = self.bridge.session.get_untracked()?;
        let proof = self.proof.get_value().unwrap_or(session.proof);
        let host_token = self.bridge.host_token.get_untracked().and_then(Result::ok);
        let context = self.bridge.context.get_untracked();
        Some(AgentContext::new(proof, context.as_ref(), host_token))
    }
}

/// Where the search stands.
#[derive(Debug, Clone, PartialEq, Eq)]
enum SearchState {
    /// Nothing searched yet.
    Idle,
    /// A search is under way.
    Searching,
    /// The answer to a search for this text.
    Found(String, SearchResults),
    /// The search could not run; the text says what to do.
    Failed(String),
}

/// A button that opens the search box under it ("Not this customer? Search").
#[component]
pub fn SearchOffer(label: String) -> impl IntoView {
    let open = RwSignal::new(false);
    view! {
        <div class="search-offer">
            <button
                class="link"
                aria-expanded=move || open.get().to_string()
                on:click=move |_| open.update(|o| *o = !*o)
            >
                {label}
            </button>
            <Show when=move || open.get()>
                <CustomerSearch focus=true />
            </Show>
        </div>
    }
}

/// The search box and its results. `focus` puts the cursor in it (when the agent asked for
/// it; never on page load, where it would take the focus from the helpdesk's reply box).
#[component]
pub fn CustomerSearch(#[prop(optional)] focus: bool) -> impl IntoView {
    let search = expect_context::<SearchContext>();
    let actions = expect_context::<PanelActions>();
    let query = RwSignal::new(String::new());
    // Why a search could not be sent (too short, panel not ready); cleared by the next try.
    let problem = RwSignal::new(None::<String>);
    // The search itself: Leptos keeps only the latest dispatch's answer, and an answer that
    // arrives after the search box was closed goes nowhere.
    let run = Action::new_local(|(context, text): &(AgentContext, String)| {
        let (context, text) = (context.clone(), text.clone());
        async move {
            let result = search_customers(context, text.clone()).await;
            (text, result)
        }
    });
    let state = Memo::new(move |_| {
        if let Some(problem) = problem.get() {
            return SearchState::Failed(problem);
        }
        if run.pending().get() {
            return SearchState::Searching;
        }
        match run.value().get() {
            None => SearchState::Idle,
            Some((text, Ok(results))) => SearchState::Found(text, results),
            Some((_, Err(error))) => SearchState::Failed(error.to_string()),
        }
    });
    let input = NodeRef::<html::Input>::new();
    if focus {
        Effect::new(move |_| {
            if let Some(input) = input.get() {
                let _ = input.focus();
            }
        });
    }

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let text = query.get_untracked();
        let text = match checked_query(&text) {
            Ok(text) => text.to_owned(),
            Err(reason) => return problem.set(Some(reason)),
        };
        let Some(context) = search.agent_context() else {
            return problem.set(Some(
                "The panel is still starting. Try again in a moment.".into(),
            ));
        };
        problem.set(None);
        run.dispatch((context, text));
    };

    let status = move || match state.get() {
        SearchState::Idle => view! {
            <p class="search-status muted" data-state="search-idle">
                "Search by email, phone, name, customer number, order or invoice number."
            </p>
        }
        .into_any(),
        SearchState::Searching => view! {
            <p class="search-status muted" data-state="searching">"Searching the store…"</p>
        }
        .into_any(),
        SearchState::Failed(problem) => view! {
            <p class="search-status error" data-state="search-error" role="alert">{problem}</p>
        }
        .into_any(),
        SearchState::Found(text, results) => found_view(&text, results, actions, search),
    };

    view! {
        <section class="search" aria-label="Find a customer">
            <form class="search-form" role="search" on:submit=submit>
                <label for="customer-search">"Find the customer in the store"</label>
                <div class="search-row">
                    <input
                        id="customer-search"
                        type="search"
                        name="q"
                        autocomplete="off"
                        spellcheck="false"
                        maxlength=MAX_QUERY_CHARS.to_string()
                        placeholder="Email, phone, name, order no.…"
                        node_ref=input
                        prop:value=move || query.get()
                        on:input=move |ev| query.set(event_target_value(&ev))
                    />
                    <button type="submit" disabled=move || state.get() == SearchState::Searching>
                        "Search"
                    </button>
                </div>
            </form>
            <div aria-live="polite">{status}</div>
        </section>
    }
}

/// The results of a search for `text`, or what to try when there are none.
fn found_view(
    text: &str,
    results: SearchResults,
    actions: PanelActions,
    search: SearchContext,
) -> AnyView {
    if results.hits.is_empty() {
        let message = format!(
            "No customer matches \u{201c}{text}\u{201d}. Check the spelling, or try their email, \
             phone or an order number."
        );
        return view! {
            <p class="search-status muted" data-state="search-empty">{message}</p>
        }
        .into_any();
    }
    let count = match results.hits.len() {
        1 => "1 customer found.".to_string(),
        n => format!("{n} customers found."),
    };
    let more = results.more.then(|| {
        view! {
            <p class="search-status muted" data-state="search-more">
                "Only the first ones are shown: add more of the name, or search by email or number."
            </p>
        }
    });
    // Which result is being linked (its buttons wait meanwhile), and what went wrong.
    let linking = RwSignal::new(None::<i64>);
    let problem = RwSignal::new(None::<String>);
    let rows = results
        .hits
        .into_iter()
        .map(|hit| result_row(hit, linking, problem, actions, search))
        .collect_view();
    view! {
        <p class="search-status muted" data-state="search-results">{count}</p>
        {move || {
            problem
                .get()
                .map(|text| view! { <p class="search-status error" role="alert">{text}</p> })
        }}
        <ul class="search-results">{rows}</ul>
        {more}
    }
    .into_any()
}

/// One found customer, why they matched, and the button that links them.
fn result_row(
    hit: SearchHit,
    linking: RwSignal<Option<i64>>,
    problem: RwSignal<Option<String>>,
    actions: PanelActions,
    search: SearchContext,
) -> impl IntoView {
    let id = hit.id;
    let why = format!("{} · {}: {}", hit.reference, hit.basis.label(), hit.matched);
    let label = format!("Link {} ({}) to this contact", hit.name, hit.reference);
    let link = move |_| {
        let Some(context) = search.agent_context() else {
            return;
        };
        linking.set(Some(id));
        problem.set(None);
        leptos::task::spawn_local(async move {
            let result = link_customer(context, id).await;
            linking.set(None);
            match result {
                Ok(outcome) => {
                    let customer = &outcome.customer;
                    // Lime Connect keeps the link in the contact's field too (the server
                    // cannot write to Lime; the page can, through the host).
                    actions.write_customer_field(&customer.reference);
                    let done = format!(
                        "{} ({}) is now linked to this contact.",
                        customer.name, customer.reference
                    );
                    tell_with_write_back(actions, done, &outcome.write_back);
                    search.reload.notify();
                }
                Err(error) => problem.set(Some(error.to_string())),
            }
        });
    };
    view! {
        <li data-customer=hit.reference.clone()>
            <strong>{hit.name}</strong>
            <span class="muted">{why}</span>
            <button
                class="link-customer"
                aria-label=label
                disabled=move || linking.get().is_some()
                on:click=link
            >
                {move || if linking.get() == Some(id) { "Linking…" } else { "Link to this contact" }}
            </button>
        </li>
    }
}

/// Unlinks customer `id` (named `name`), which an agent linked to this contact: undoes a
/// wrong link, tells the agent how it went, and looks the contact up again. Does nothing
/// before the page is live.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))] // clicked in the browser only
pub async fn unlink(search: SearchContext, actions: PanelActions, id: i64, name: String) {
    let Some(context) = search.agent_context() else {
        return;
    };
    match unlink_customer(context, id).await {
        Ok(outcome) => {
            let done = if outcome.unlinked {
                format!("{name} is no longer linked to this contact.")
            } else {
                format!("{name} was not linked to this contact any more.")
            };
            tell_with_write_back(actions, done, &outcome.write_back);
        }
        Err(error) => actions.tell(ToastStatus::Error, unlink_problem(&error)),
    }
    search.reload.notify();
}

/// Tells the agent `done`, and what did not reach the helpdesk, if anything.
fn tell_with_write_back(actions: PanelActions, done: String, write_back: &WriteBack) {
    match write_back.problem() {
        Some(problem) => actions.tell(ToastStatus::Warning, format!("{done} {problem}")),
        None => actions.tell(ToastStatus::Success, done),
    }
}

#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
fn unlink_problem(error: &PanelError) -> String {
    format!("The customer could not be unlinked: {error}")
}
