//! The customer's orders, newest first; one of them open with its items, shipments and the
//! agent's actions on it.

use leptos::prelude::*;

use super::actions::PanelActions;
use crate::api::{MentionedOrder, OrderRow};

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

/// A compact table of orders: number, date, status, total. Choosing a row opens its details.
#[component]
pub fn OrderList(orders: Vec<OrderRow>) -> impl IntoView {
    if orders.is_empty() {
        return view! { <p class="state" data-state="no-orders">"No orders yet."</p> }.into_any();
    }
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
    }
    .into_any()
}

/// One order's row, and its details row while it is open. `other_owner` names the customer
/// an order belongs to when that is not the customer shown; a `pinned` row (mentioned in the
/// conversation) opens on its own, not together with the same order in the history.
#[component]
fn OrderRows(
    order: OrderRow,
    #[prop(default = None)] other_owner: Option<String>,
    #[prop(default = false)] pinned: bool,
) -> impl IntoView {
    let actions = expect_context::<PanelActions>();
    // What `selected` holds while this row is open.
    let number = if pinned {
        format!("pinned:{}", order.number)
    } else {
        order.number.clone()
    };
    let is_open = {
        let number = number.clone();
        Memo::new(move |_| actions.selected.with(|s| s.as_ref() == Some(&number)))
    };
    let discussed = {
        let number = order.number.clone();
        move || actions.discussed().as_ref() == Some(&number)
    };
    let toggle = {
        let number = number.clone();
        move |_| {
            actions.selected.update(|s| {
                *s = if s.as_ref() == Some(&number) {
                    None
                } else {
                    Some(number.clone())
                }
            })
        }
    };
    let status_class = format!("status status-{}", order.status);
    let placed_on = order.placed_on.clone();
    let details = order.clone();
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
            <tr class="order" class:open=is_open data-order=order.number.clone()>
                <td>
                    <button class="link" aria-expanded=move || is_open.get().to_string() on:click=toggle>
                        {order.number.clone()}
                    </button>
                    <span class="badge" data-state="discussed" hidden=move || !discussed()>
                        "discussed"
                    </span>
                    {flag}
                </td>
                <td>
                    <time datetime=placed_on>{order.placed_on.clone()}</time>
                </td>
                <td>
                    <span class=status_class>{order.status.clone()}</span>
                </td>
                <td class="num">{order.total.display()}</td>
            </tr>
            <Show when=move || is_open.get()>
                <OrderDetails order=details.clone() detail_key=number.clone() />
            </Show>
        </tbody>
    }
}

/// What was ordered, how it travels, and what the agent can do with it. `detail_key` tells this
/// order's details apart from a pinned copy's.
#[component]
fn OrderDetails(order: OrderRow, detail_key: String) -> impl IntoView {
    let actions = expect_context::<PanelActions>();
    let number = order.number.clone();
    let reply_label = if actions.inserts_into_reply() {
        "Insert into reply"
    } else {
        "Copy summary"
    };
    let reply = {
        let order = order.clone();
        move |_| actions.reply_with(&order)
    };
    let discuss = actions.order_field().map(|_| {
        let number = number.clone();
        view! {
            <button class="discuss" on:click=move |_| actions.mark_discussed(&number)>
                "Mark as discussed"
            </button>
        }
    });
    let copied = {
        let number = number.clone();
        move || {
            let copied = actions.copied.get().filter(|c| c.number == number)?;
            let status = if copied.ok {
                "Copied. Paste it into your reply."
            } else {
                "Copying is blocked here: select the text and press Ctrl+C (⌘C on a Mac)."
            };
            Some(view! {
                <div class="copied">
                    <p role="status">{status}</p>
                    <textarea readonly rows="5" aria-label="Order summary">
                        {copied.text}
                    </textarea>
                </div>
            })
        }
    };
    let items = order
        .items
        .iter()
        .map(|item| {
            view! {
                <li>
                    {item.quantity} " × " {item.name.clone()} " "
                    <span class="muted">{item.sku.clone()} " · " {item.unit_price.display()}</span>
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
                .clone()
                .map(|day| format!(", delivered {day}"))
                .unwrap_or_default();
            view! {
                <li>
                    {s.carrier.clone()} " " {tracking}
                    <span class="muted">" · shipped " {s.shipped_on.clone()} {delivered}</span>
                </li>
            }
        })
        .collect_view();
    let no_shipments = order.shipments.is_empty().then(|| {
        view! { <li class="muted">"Not shipped yet."</li> }
    });
    view! {
        <tr class="order-detail" data-order-detail=detail_key>
            <td colspan="4">
                <h2>"Items"</h2>
                <ul class="items">{items}</ul>
                <h2>"Shipments"</h2>
                <ul class="shipments">{shipments} {no_shipments}</ul>
                <div class="actions">
                    <button class="reply" on:click=reply>{reply_label}</button>
                    {discuss}
                </div>
                {copied}
            </td>
        </tr>
    }
}
