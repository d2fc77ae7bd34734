//! Who the contact is in the store.

use leptos::prelude::*;

use super::super::hooks::act;
use super::presentation;
use crate::model::panel::{CustomerMatch, MatchBasis};

/// The shown customer's name, store reference and how they were matched, and the other
/// customers the contact also matches (so that a choice can be revisited).
#[component]
pub fn CustomerHeader(customer: CustomerMatch, others: Vec<CustomerMatch>) -> impl IntoView {
    let reference = customer.reference.clone();
    // A unique external-id match is the business's (or a confirmed) link; otherwise, among
    // several matches, the server shows the agent's choice.
    let linked = customer.basis == MatchBasis::Linked;
    let chosen_by_agent = !matches!(customer.basis, MatchBasis::ExternalId | MatchBasis::Linked)
        && !others.is_empty()
        && presentation().chosen.as_ref() == Some(&customer.reference);
    // A link an agent made (customer search) can be undone from here.
    let unlink = linked.then(|| {
        let label = format!("Unlink {} from this contact", customer.name);
        view! {
            " "
            <button
                class="unlink"
                aria-label=label
                data-do=act::UNLINK
                data-customer-id=customer.id.to_string()
                data-name=customer.name.clone()
            >
                "Unlink"
            </button>
        }
    });
    let basis = if linked {
        customer.basis.label().to_string()
    } else if chosen_by_agent {
        "chosen by you".to_string()
    } else {
        format!("matched by {}", customer.basis.label())
    };
    let also = (!others.is_empty()).then(|| {
        let names = others
            .iter()
            .map(|c| format!("{} ({}, {})", c.name, c.reference, c.basis.label()))
            .collect::<Vec<_>>()
            .join("; ");
        let change = chosen_by_agent.then(|| {
            view! {
                <button class="link" data-do=act::CHOOSE_AGAIN>
                    "Choose again"
                </button>
            }
        });
        view! {
            <p class="also muted" data-state="also-matches">
                "Also matches: " {names} " " {change}
            </p>
        }
    });
    view! {
        <header class="customer" data-customer=reference>
            <h1>{customer.name}</h1>
            <p class="muted">{customer.reference} " · " {basis} {unlink}</p>
            {also}
        </header>
    }
}

/// Several customers match: list each with the key that matched, and let the agent say
/// which one this contact is; never pick one silently.
#[component]
pub fn CandidateList(candidates: Vec<CustomerMatch>) -> impl IntoView {
    view! {
        <section class="candidates" data-state="several-matches">
            <p class="state">
                {format!("{} customers match this contact. Which one is it?", candidates.len())}
            </p>
            <ul>
                {candidates
                    .into_iter()
                    .map(|c| {
                        let reference = c.reference.clone();
                        view! {
                            <li data-customer=c.reference.clone()>
                                <strong>{c.name}</strong>
                                " "
                                <span class="muted">
                                    {c.reference.clone()} " · " {c.basis.label()}
                                </span>
                                " "
                                <button class="choose" data-do=act::CHOOSE data-reference=reference>
                                    "This is the customer"
                                </button>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}
