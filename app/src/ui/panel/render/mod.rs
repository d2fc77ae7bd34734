//! The panel rendered on the server: every lookup's answer carries the panel's body as HTML
//! (`api::panel::load_panel`, `early_panel`, `more_orders`), written by these components.
//!
//! This module is compiled into the server only. The browser's wasm never renders orders,
//! billing or the summary: it receives this HTML, shows it (`super::body`), and makes it
//! interactive by the `data-*` attributes of [`super::hooks`]. So the wasm carries neither
//! these components nor the types they read (`model::panel::Panel` and its parts), nor the
//! locale's formatting: money and dates are written here, in the agent's locale.
//!
//! The server binary provides [`prerender`], [`order_rows`] and [`search_results`] to server
//! functions as `server::context::PanelRenderer`, so that `api` does not import `ui`.

use leptos::prelude::*;
use leptos::tachys::view::RenderHtml;

use crate::model::panel::{OrderRow, Panel, Presentation};
use crate::model::search::SearchResults;

/// What needs attention, above the orders.
mod attention;
/// Invoices, payments, refunds and subscriptions.
mod billing;
/// The customer header and the candidate list.
mod customer;
/// Money and dates in the agent's locale.
mod format;
/// The order list and an order's details.
mod orders;
/// The customer search and its results.
mod search;
/// The customer's totals and spending chart.
mod summary;

use attention::AttentionList;
use billing::BillingSections;
use customer::{CandidateList, CustomerHeader};
use format::Format;
use orders::{MentionedOrders, OrderList, OrderRows};
use search::{CustomerSearch, SearchOffer};
use summary::SummaryCard;

/// `panel` as the page shows it, as HTML: the panel's body, under the page's toolbar.
pub fn prerender(panel: &Panel, presentation: &Presentation) -> String {
    let panel = panel.clone();
    rendered(presentation, move || panel_view(panel))
}

/// `orders` as rows of the order list (one `<tbody>` each), for the next pages of it.
pub fn order_rows(orders: &[OrderRow], presentation: &Presentation) -> String {
    let orders = orders.to_vec();
    rendered(presentation, move || {
        orders
            .into_iter()
            .map(|order| view! { <OrderRows order /> })
            .collect_view()
            .into_any()
    })
}

/// The results of a customer search for `text` (as the search box shows them).
pub fn search_results(text: &str, results: &SearchResults) -> String {
    let (text, results) = (text.to_owned(), results.clone());
    rendered(&Presentation::default(), move || {
        search::found_view(&text, results)
    })
}

/// Renders `view` to HTML under the contexts the components read: the presentation and the
/// agent's locale.
fn rendered(presentation: &Presentation, view: impl FnOnce() -> AnyView) -> String {
    let owner = Owner::new();
    let html = owner.with(|| {
        provide_context(presentation.clone());
        provide_context(Format::for_language(&presentation.language));
        view().to_html()
    });
    owner.cleanup();
    html
}

/// The presentation in context (the default outside a render).
fn presentation() -> Presentation {
    use_context::<Presentation>().unwrap_or_default()
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
            let can_page = panel.live.is_some();
            let summary = panel
                .summary
                .map(|summary| view! { <SummaryCard summary /> });
            let attention = panel.billing.attention.clone();
            view! {
                <CustomerHeader customer=customer.clone() others />
                <SearchOffer label="Not this customer? Search" />
                <AttentionList items=attention />
                {summary}
                <OrderList orders=panel.orders more=panel.more_orders.filter(|_| can_page) />
                <BillingSections billing=panel.billing />
            }
            .into_any()
        }
        None if panel.matches.is_empty() => view! {
            <p class="state" data-state="no-match">
                "No customer in the store matches this contact's email, phone or customer id. Search the store and link the right one:"
            </p>
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

#[cfg(test)]
mod tests {
    use super::super::hooks::act;
    use super::*;
    use crate::model::panel::{CustomerMatch, MatchBasis, OrderItem, Verified};
    use orderpane::money::Money;

    fn order(number: &str) -> OrderRow {
        OrderRow {
            number: number.into(),
            placed_on: "2026-11-18".into(),
            status: "processing".into(),
            total: Money::new(4990, "EUR"),
            payment_state: "paid".into(),
            fulfilment: "not shipped".into(),
            shipping_address: None,
            items: vec![OrderItem {
                sku: "MUG-1".into(),
                name: "Mug \"Blue\"".into(),
                quantity: 2,
                unit_price: Money::new(2495, "EUR"),
            }],
            shipments: vec![],
            refunds: vec![],
        }
    }

    fn panel() -> Panel {
        let jane = CustomerMatch {
            id: 7,
            reference: "C-1001".into(),
            name: "Jane Doe".into(),
            basis: MatchBasis::Email,
        };
        Panel {
            matches: vec![jane.clone()],
            customer: Some(jane),
            summary: None,
            orders: vec![order("1005")],
            more_orders: None,
            billing: Default::default(),
            mentioned: vec![],
            verified: Verified::default(),
            live: None,
        }
    }

    #[test]
    fn money_and_dates_are_written_in_the_agents_locale() {
        let german = Presentation {
            language: "de-DE".into(),
            ..Presentation::default()
        };
        let html = prerender(&panel(), &german);
        assert!(html.contains("49,90\u{a0}€"), "{html}");
        assert!(html.contains("18.11.2026"), "{html}");
        let english = prerender(&panel(), &Presentation::default());
        assert!(english.contains("€49.90"), "{english}");
    }

    #[test]
    fn an_orders_details_wait_in_a_template_with_its_summary() {
        let html = prerender(&panel(), &Presentation::default());
        assert!(
            html.contains(r#"<tr data-order="1005" class="order">"#),
            "{html}"
        );
        // Closed: the details row is inert until the page opens it.
        assert!(html.contains("<template"), "{html}");
        assert!(
            html.contains(&format!(r#"data-do="{}""#, act::TOGGLE)),
            "{html}"
        );
        assert!(html.contains("Copy summary"), "{html}");
        assert!(
            html.contains("Order 1005 · processing · placed 2026-11-18"),
            "{html}"
        );
        assert!(!html.contains("Mark as discussed"), "{html}");
        let lime = Presentation {
            inserts_into_reply: true,
            records_discussed: true,
            ..Presentation::default()
        };
        let html = prerender(&panel(), &lime);
        assert!(html.contains("Insert into reply"), "{html}");
        assert!(html.contains("Mark as discussed"), "{html}");
        assert!(html.contains("**Order 1005**"), "{html}");
    }

    #[test]
    fn search_results_say_why_each_matched_and_escape_what_was_typed() {
        use crate::model::search::{SearchBasis, SearchHit};
        let hit = SearchHit {
            id: 12,
            reference: "C-1002".into(),
            name: "Omar <b>Haddad</b>".into(),
            basis: SearchBasis::Name,
            matched: "Omar Haddad".into(),
        };
        let found = SearchResults {
            hits: vec![hit],
            more: false,
        };
        let html = search_results("haddad", &found);
        assert!(html.contains("1 customer found."), "{html}");
        assert!(html.contains(r#"data-basis="Name""#), "{html}");
        assert!(html.contains(r#"data-customer-id="12""#), "{html}");
        assert!(html.contains("Omar &lt;b&gt;Haddad&lt;/b&gt;"), "{html}");
        let none = search_results("<zz>", &SearchResults::default());
        assert!(none.contains(r#"data-state="search-empty""#), "{none}");
        assert!(none.contains("&lt;zz&gt;"), "{none}");
    }

    #[test]
    fn more_pages_are_rows_of_the_same_table() {
        let html = order_rows(&[order("1004"), order("1003")], &Presentation::default());
        assert!(html.starts_with(r#"<tbody class="order-group">"#), "{html}");
        assert_eq!(html.matches(r#"class="order">"#).count(), 2);
    }
}
