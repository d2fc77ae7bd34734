//! The customer search as the server renders it: the button that opens it, the search box,
//! and a search's results, each with "Link to this contact". The page's behaviours
//! (`super::super::search`) open the box, send the search and link a customer; the server
//! renders what comes back (`api::customers::search_customers`), as it renders the panel.

use leptos::prelude::*;

use super::super::hooks::act;
use crate::model::search::{SearchResults, MAX_QUERY_CHARS};

/// A button that opens the search box under it ("Not this customer? Search"). The box waits
/// in a template: it is not part of the page until the agent asks for it.
#[component]
pub fn SearchOffer(label: &'static str) -> impl IntoView {
    view! {
        <div class="search-offer">
            <button class="link" aria-expanded="false" data-do=act::OFFER_SEARCH>
                {label}
            </button>
            <template>
                <CustomerSearch />
            </template>
        </div>
    }
}

/// The search box, and where its answer goes.
#[component]
pub fn CustomerSearch() -> impl IntoView {
    view! {
        <section class="search" aria-label="Find a customer">
            <form class="search-form" role="search" data-do=act::SEARCH>
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
                    />
                    <button type="submit">"Search"</button>
                </div>
            </form>
            <div class="search-answer" aria-live="polite">
                <p class="search-status muted" data-state="search-idle">
                    "Search by email, phone, name, customer number, order or invoice number."
                </p>
            </div>
        </section>
    }
}

/// The results of a search for `text`, or what to try when there are none. Each result says
/// why it matched (`data-basis`, `data-matched` say it for machines too).
pub fn found_view(text: &str, results: SearchResults) -> AnyView {
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
    let rows = results
        .hits
        .into_iter()
        .map(|hit| {
            let why = format!("{} · {}: {}", hit.reference, hit.basis.label(), hit.matched);
            let label = format!("Link {} ({}) to this contact", hit.name, hit.reference);
            let basis = serde_json::to_value(hit.basis)
                .ok()
                .and_then(|basis| basis.as_str().map(str::to_owned));
            view! {
                <li data-customer=hit.reference data-basis=basis data-matched=hit.matched>
                    <strong>{hit.name}</strong>
                    <span class="muted">{why}</span>
                    <button
                        class="link-customer"
                        aria-label=label
                        data-do=act::LINK
                        data-customer-id=hit.id.to_string()
                    >
                        "Link to this contact"
                    </button>
                </li>
            }
        })
        .collect_view();
    view! {
        <p class="search-status muted" data-state="search-results">{count}</p>
        <ul class="search-results">{rows}</ul>
        {more}
    }
    .into_any()
}
