//! The customer's orders, newest first; one of them open with its items, shipments and the
//! agent's actions on it.

use leptos::prelude::*;

use super::{actions::PanelActions, format::Format};
use crate::api::panel::more_orders;
use crate::model::error::PanelError;
use crate::model::panel::{
    MentionedOrder, MoreOrdersRequest, OrderRow, MAX_PAGES_AT_ONCE, ORDER_PAGE_SIZE,
};

/// Orders a page holds.
const PAGE_LEN: usize = ORDER_PAGE_SIZE as usize;

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
/// a page at a time. Choosing a row opens its details.
#[component]
pub fn OrderList(
    orders: Vec<OrderRow>,
    /// Where the next page starts, when there is one.
    more: Option<String>,
    /// Whose orders these are.
    customer_id: i64,
    /// The panel's signed ticket, which lets it ask for the next pages.
    ticket: Option<String>,
) -> impl IntoView {
    if orders.is_empty() {
        return view! { <p class="state" data-state="no-orders">"No orders yet."</p> }.into_any();
    }
    let actions = expect_context::<PanelActions>();
    let later_pages = RwSignal::new(Vec::<OrderRow>::new());
    let next = RwSignal::new(more);
    let loading = RwSignal::new(false);
    let failed = RwSignal::new(None::<String>);
    // Without a ticket (it could not be signed) the server would refuse every page.
    let can_page = ticket.is_some();
    // Loads the next `pages` pages in one call. The list may be rebuilt (a live change, a
    // renewed ticket) while a call is out: its answer then finds its signals gone and is
    // dropped (the `try_` accessors), so it never panics nor counts for the new list.
    let load = move |pages: usize| {
        let (Some(after), Some(ticket), Some(session)) = (
            next.get_untracked(),
            ticket.clone(),
            actions.proof.get_value(),
        ) else {
            return;
        };
        loading.set(true);
        failed.set(None);
        let request = MoreOrdersRequest {
            session,
            ticket,
            customer_id,
            after,
            pages: u8::try_from(pages)
                .unwrap_or(MAX_PAGES_AT_ONCE)
                .min(MAX_PAGES_AT_ONCE),
        };
        leptos::task::spawn_local(async move {
            let answer = more_orders(request).await;
            if loading.try_set(false).is_some() {
                return; // the list was rebuilt meanwhile
            }
            match answer {
                Ok(page) => {
                    later_pages.update(|orders| orders.extend(page.orders));
                    next.set(page.next);
                    let shown = later_pages.with_untracked(Vec::len).div_ceil(PAGE_LEN);
                    actions.order_pages.set_value(Some((customer_id, shown)));
                }
                // The panel's ticket lasts as long as a session token: past it, reload the
                // panel (which hands out a fresh one) rather than show an error.
                Err(PanelError::Unauthorized) => actions.reload.notify(),
                Err(error) => failed.set(Some(error.to_string())),
            }
        });
    };
    // Rebuilt for the same customer (a live update, a renewed ticket): open the pages the
    // agent had open, fetched afresh in one call so that nothing that moved between pages is
    // lost.
    match actions.order_pages.get_value() {
        Some((customer, pages)) if customer == customer_id && pages > 0 && can_page => {
            load(pages);
        }
        _ => actions.order_pages.set_value(Some((customer_id, 0))),
    }
    let show_more = move |_| load(1);
    let more_button = move || {
        next.get().filter(|_| can_page).map(|_| {
            view! {
                <button class="more" on:click=show_more.clone() disabled=move || loading.get()>
                    {move || if loading.get() { "Loading more orders…" } else { "Show more orders" }}
                </button>
            }
        })
    };
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
            <For
                each=move || later_pages.get()
                key=|order| order.number.clone()
                children=|order| view! { <OrderRows order /> }
            />
        </table>
        {more_button}
        {move || failed.get().map(|text| view! { <p class="state error" role="alert">{text}</p> })}
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
    let fmt = Format::current();
    let status_class = format!("status status-{}", order.status);
    let placed_on = order.placed_on.clone();
    let states = format!("{} · {}", order.payment_state, order.fulfilment);
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
                    <time datetime=placed_on>{fmt.date(&order.placed_on)}</time>
                </td>
                <td>
                    <span class=status_class>{order.status.clone()}</span>
                    <span class="states muted" data-state="order-states">{states}</span>
                </td>
                <td class="num">{fmt.money(&order.total)}</td>
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
    let fmt = Format::current();
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
                    <button class="reply" on:click=reply>{reply_label}</button>
                    {discuss}
                </div>
                {copied}
            </td>
        </tr>
    }
}
