//! Who the contact is in the store.

use leptos::prelude::*;

use crate::api::CustomerMatch;

/// The matched customer's name, store reference and how they were matched.
#[component]
pub fn CustomerHeader(customer: CustomerMatch) -> impl IntoView {
    let reference = customer.reference.clone();
    view! {
        <header class="customer" data-customer=reference>
            <h1>{customer.name}</h1>
            <p class="muted">
                {customer.reference} " · matched by " {customer.basis.label()}
            </p>
        </header>
    }
}

/// Several customers match: list each with the key that matched, never pick one silently.
#[component]
pub fn CandidateList(candidates: Vec<CustomerMatch>) -> impl IntoView {
    view! {
        <section class="candidates" data-state="several-matches">
            <p class="state">
                {format!("{} customers match this contact:", candidates.len())}
            </p>
            <ul>
                {candidates
                    .into_iter()
                    .map(|c| {
                        view! {
                            <li>
                                <strong>{c.name}</strong>
                                " "
                                <span class="muted">
                                    {c.reference} " · " {c.basis.label()}
                                </span>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}
