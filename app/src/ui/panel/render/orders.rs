//! The customer's orders, newest first, and each order's details: what was ordered, how it
//! travels, and the agent's actions on it.
//!
//! An order's details wait closed in a `<template>` beside its row (not part of the page until
//! opened), with the summary an agent puts into a reply written into the reply button's
//! `data-*` attributes; the browser opens, closes and acts on them (`super::super::body`).

use leptos::prelude::*;
use orderpane::host_actions::TextFormat;

use super::super::hooks::act;
use super::{presentation, Format};
use crate::model::panel::{MentionedOrder, OrderRow};

/// Orders the conversation names, pinned above everything else; an order of another
/// customer than the one shown is flagged.
#[component]
pub fn MentionedOrders(mentioned: Vec<MentionedOrder>) -> impl IntoView {
    (!mentioned.is_empty()).then(|| {
        view! {
            <table class="orders mentioned" data-state="mentioned">
                <caption>"Mentioned in this conversation"</caption>
                {mentioned
                    .into_iter()
                    .map(|m| {
                        let owner = m
                            .other_customer
                            .then(|| format!("{} ({})", m.customer_name, m.customer_reference));
                        view! { <OrderRows order=m.order other_owner=owner pinned=true /> }
                    })
                    .collect_view()}
            </table>
        }
    })
}

/// The shown customer's orders: a compact table (number, date, state, total), newest first,
/// a page at a time. Choosing a row opens its details; "Show more orders" (when `more` names
/// where the next page starts) adds the next page's rows.
#[component]
pub fn OrderList(orders: Vec<OrderRow>, more: Option<String>) -> impl IntoView {
    if orders.is_empty() {
        return view! { <p class="state" data-state="no-orders">"No orders yet."</p> }.into_any();
    }
    let more_button = more.map(|_| {
        view! {
            <button class="more" data-do=act::MORE>
                "Show more orders"
            </button>
        }
    });
    view! {
        <table class="orders">
            <caption>"Orders"</caption>
            <thead>
                <tr>
                    <th scope="col">"Order"</th>
                    <th scope="col">"Date"</th>
                    <th scope="col">"Status"</th>
                    <th scope="col" class="num">"Total"</th>
                </tr>
            </thead>
            {orders.into_iter().map(|order| view! { <OrderRows order /> }).collect_view()}
        </table>
        {more_button}
    }
    .into_any()
}

/// One order's row, and its details waiting in a template. `other_owner` names the customer
/// an order belongs to when that is not the customer shown; a `pinned` row (mentioned in the
/// conversation) opens on its own, not together with the same order in the history.
#[component]
pub fn OrderRows(
    order: OrderRow,
    #[prop(default = None)] other_owner: Option<String>,
    #[prop(default = false)] pinned: bool,
) -> impl IntoView {
    // What the page remembers as open while this row is.
    let key = if pinned {
        format!("pinned:{}", order.number)
    } else {
        order.number.clone()
    };
    let fmt = Format::current();
    let status_class = format!("status status-{}", order.status);
    let placed_on = order.placed_on.clone();
    let states = format!("{} · {}", order.payment_state, order.fulfilment);
    let flag = other_owner.map(|owner| {
        view! {
            <span class="flag" data-state="other-customer" title="Not this contact's customer">
                "⚠ belongs to " {owner}
            </span>
        }
    });
    view! {
        // A row group per order keeps each order's details next to it for screen readers.
        <tbody class="order-group">
            <tr class="order" data-order=order.number.clone()>
                <td>
                    <button class="link" aria-expanded="false" data-do=act::TOGGLE data-detail=key.clone()>
                        {order.number.clone()}
                    </button>
                    // Shown by the page when the conversation records this order (Lime).
                    <span class="badge" data-state="discussed" hidden>
                        "discussed"
                    </span>
                    {flag}
                </td>
                <td>
                    <time datetime=placed_on>{fmt.date(&order.placed_on)}</time>
                </td>
                <td>
                    <span class=status_class>{order.status.clone()}</span>
                    <span class="states muted" data-state="order-states">{states}</span>
                </td>
                <td class="num">{fmt.money(&order.total)}</td>
            </tr>
            <template>
                <OrderDetails order detail_key=key />
            </template>
        </tbody>
    }
}

/// What was ordered, how it travels, and what the agent can do with it. `detail_key` tells this
/// order's details apart from a pinned copy's.
#[component]
fn OrderDetails(order: OrderRow, detail_key: String) -> impl IntoView {
    let shown = presentation();
    let fmt = Format::current();
    let number = order.number.clone();
    let reply_label = if shown.inserts_into_reply {
        "Insert into reply"
    } else {
        "Copy summary"
    };
    // The summary as the agent's reply takes it; markdown only where the host may want it.
    let summary = order.summary();
    let text = summary.render(TextFormat::Plain);
    let markdown = shown
        .inserts_into_reply
        .then(|| summary.render(TextFormat::Markdown));
    let discuss = shown.records_discussed.then(|| {
        view! {
            <button class="discuss" data-do=act::DISCUSS data-number=number.clone()>
                "Mark as discussed"
            </button>
        }
    });
    let items = order
        .items
        .iter()
        .map(|item| {
            view! {
                <li>
                    {item.quantity} " × " {item.name.clone()} " "
                    <span class="muted">{item.sku.clone()} " · " {fmt.money(&item.unit_price)}</span>
                </li>
            }
        })
        .collect_view();
    let shipments = order
        .shipments
        .iter()
        .map(|s| {
            // Only a web link: a stored `javascript:` URL must never become clickable.
            let web_link = s
                .tracking_url
                .as_ref()
                .filter(|url| url.starts_with("https://") || url.starts_with("http://"));
            let tracking = match web_link {
                Some(url) => view! {
                    <a href=url.clone() target="_blank" rel="noopener noreferrer">
                        {s.tracking_number.clone()}
                    </a>
                }
                .into_any(),
                None => view! { <span>{s.tracking_number.clone()}</span> }.into_any(),
            };
            let delivered = s
                .delivered_on
                .as_ref()
                .map(|day| format!(", delivered {}", fmt.date(day)))
                .unwrap_or_default();
            view! {
                <li>
                    {s.carrier.clone()} " " {tracking}
                    <span class="muted">" · shipped " {fmt.date(&s.shipped_on)} {delivered}</span>
                </li>
            }
        })
        .collect_view();
    let no_shipments =
        (order.shipments.is_empty() && order.fulfilment == "not shipped").then(|| {
            view! { <li class="muted">"Not shipped yet."</li> }
        });
    let address = order.shipping_address.clone().map(|address| {
        view! {
            <h2>"Ships to"</h2>
            <address>{address}</address>
        }
    });
    let refunds = (!order.refunds.is_empty()).then(|| {
        let lines = order
            .refunds
            .iter()
            .map(|r| {
                view! {
                    <li>
                        {fmt.money(&r.amount)} " · " {r.reason.clone()}
                        <span class="muted">
                            " · " {fmt.date(&r.refunded_on)} " · " {r.status.clone()}
                        </span>
                    </li>
                }
            })
            .collect_view();
        view! {
            <h2>"Refunds"</h2>
            <ul class="refunds">{lines}</ul>
        }
    });
    view! {
        <tr class="order-detail" data-order-detail=detail_key>
            <td colspan="4">
                <h2>"Items"</h2>
                <ul class="items">{items}</ul>
                {address}
                <h2>"Shipments"</h2>
                <ul class="shipments">{shipments} {no_shipments}</ul>
                {refunds}
                <div class="actions">
                    <button
                        class="reply"
                        data-do=act::REPLY
                        data-number=number
                        data-text=text
                        data-markdown=markdown
                    >
                        {reply_label}
                    </button>
                    {discuss}
                </div>
            </td>
        </tr>
    }
}
