//! What needs attention about the customer shown, above the orders: one short line each,
//! each taking the agent to the row it is about (the page does that, by the selector written
//! into the line's `data-target`).

use leptos::prelude::*;

use super::super::hooks::act;
use super::Format;
use crate::model::attention::{Attention, AttentionKind};

/// The attention list; nothing when all is well.
#[component]
pub fn AttentionList(items: Vec<Attention>) -> impl IntoView {
    if items.is_empty() {
        return ().into_any();
    }
    let fmt = Format::current();
    let lines = items
        .into_iter()
        .map(|item| {
            let text = line(&fmt, &item);
            let target = target(&item);
            let kind = kind_name(item.kind);
            view! {
                <li data-kind=kind data-order=item.order_number.clone() data-invoice=item.invoice_number.clone()>
                    <button
                        type="button"
                        class="link"
                        data-do=act::REVEAL
                        data-target=target.selector
                        data-open=target.section
                    >
                        {text}
                    </button>
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="attention" aria-label="Needs attention">
            <ul>{lines}</ul>
        </section>
    }
    .into_any()
}

/// The `data-kind` of a line (tests and styles find lines by it).
fn kind_name(kind: AttentionKind) -> &'static str {
    match kind {
        AttentionKind::Overcharged => "overcharged",
        AttentionKind::FailedPayment => "failed-payment",
        AttentionKind::PastDueSubscription => "past-due-subscription",
        AttentionKind::OverdueInvoice => "overdue-invoice",
        AttentionKind::RefundPending => "refund-pending",
        AttentionKind::NotShipped => "not-shipped",
        AttentionKind::LongInTransit => "long-in-transit",
    }
}

/// What the item is about, as an agent names it: "order 1042", "invoice INV-7", or both.
fn subject(item: &Attention) -> String {
    match (&item.order_number, &item.invoice_number) {
        (Some(order), Some(invoice)) => format!("order {order} (invoice {invoice})"),
        (Some(order), None) => format!("order {order}"),
        (None, Some(invoice)) => format!("invoice {invoice}"),
        (None, None) => "a payment of no order".into(),
    }
}

fn days(n: Option<i64>) -> String {
    match n.unwrap_or_default() {
        1 => "1 day".into(),
        n => format!("{n} days"),
    }
}

/// The line's text.
fn line(fmt: &Format, item: &Attention) -> String {
    let amount = item
        .amount
        .as_ref()
        .map(|m| fmt.money(m))
        .unwrap_or_default();
    let what = subject(item);
    match item.kind {
        AttentionKind::Overcharged => {
            let times = match item.payments.unwrap_or_default() {
                2 => "twice".to_string(),
                n if n > 2 => format!("{n} times"),
                _ => "more than due".to_string(),
            };
            format!("Charged {times}: {what}, {amount} more than due")
        }
        AttentionKind::FailedPayment
            if item.order_number.is_none() && item.invoice_number.is_none() =>
        {
            format!("Payment of {amount} failed and not retried successfully (a renewal?)")
        }
        AttentionKind::FailedPayment => {
            format!("Payment failed, not recovered since: {what}, {amount}")
        }
        AttentionKind::PastDueSubscription => format!(
            "Subscription past due: {}, {amount}",
            item.plan.as_deref().unwrap_or("a plan")
        ),
        AttentionKind::OverdueInvoice => format!(
            "Overdue for {}: {}, {amount} open",
            days(item.days),
            match &item.invoice_number {
                Some(invoice) => format!("invoice {invoice}"),
                None => what,
            }
        ),
        AttentionKind::RefundPending => {
            format!("Refund pending for {}: {what}, {amount}", days(item.days))
        }
        AttentionKind::NotShipped => {
            format!("Paid but not shipped after {}: {what}", days(item.days))
        }
        AttentionKind::LongInTransit => format!(
            "In transit for {}: {what}{}",
            days(item.days),
            item.carrier
                .as_deref()
                .map(|c| format!(" ({c})"))
                .unwrap_or_default()
        ),
    }
}

/// Where a line takes the agent: the order's row, or the billing section and record.
#[derive(Debug, Clone)]
struct Target {
    /// The billing section to open first, if the record is in one.
    section: Option<&'static str>,
    /// The element to bring into view.
    selector: String,
}

fn target(item: &Attention) -> Target {
    let order = |number: &String| Target {
        section: None,
        selector: format!("table.orders:not(.mentioned) tr.order[data-order=\"{number}\"]"),
    };
    let invoice = |number: &String| Target {
        section: Some("invoices"),
        selector: format!("details[data-section=invoices] li[data-id=\"{number}\"]"),
    };
    let section = |name: &'static str| Target {
        section: Some(name),
        selector: format!("details[data-section={name}]"),
    };
    match item.kind {
        AttentionKind::OverdueInvoice => item.invoice_number.as_ref().map(invoice),
        AttentionKind::PastDueSubscription => Some(section("subscriptions")),
        AttentionKind::FailedPayment if item.order_number.is_none() => Some(
            item.invoice_number
                .as_ref()
                .map_or_else(|| section("payments"), invoice),
        ),
        _ => item
            .order_number
            .as_ref()
            .map(order)
            .or_else(|| item.invoice_number.as_ref().map(invoice)),
    }
    .unwrap_or_else(|| section("payments"))
}
