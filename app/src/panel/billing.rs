//! The customer's billing: invoices, payments, refunds and subscriptions, each a section the
//! agent opens (native `<details>`, so keyboard and screen readers work without script), with
//! what needs attention (overdue invoices, failed payments) said in its heading.

use leptos::prelude::*;

use super::format::Format;
use crate::billing::{Billing, Invoice, Payment, Refund, Subscription};

/// The four billing sections of the shown customer.
#[component]
pub fn BillingSections(billing: Billing) -> impl IntoView {
    let fmt = Format::current();
    let overdue = billing.invoices.iter().filter(|i| i.overdue).count();
    let failed = billing
        .payments
        .iter()
        .filter(|p| p.status == "failed")
        .count();
    let active = billing
        .subscriptions
        .iter()
        .filter(|s| s.is_active())
        .count();
    let invoices = list(&billing.invoices, "No invoices.", |i| invoice(&fmt, i));
    let payments = list(&billing.payments, "No payments.", |p| payment(&fmt, p));
    let refunds = list(&billing.refunds, "No refunds.", |r| refund(&fmt, r));
    let subscriptions = list(&billing.subscriptions, "No subscriptions.", |s| {
        subscription(&fmt, s)
    });
    view! {
        <section class="billing" aria-label="Billing">
            <Section
                name="invoices"
                title="Invoices"
                count=billing.invoices.len()
                attention=(overdue > 0).then(|| format!("{overdue} overdue"))
            >
                {invoices}
            </Section>
            <Section
                name="payments"
                title="Payments"
                count=billing.payments.len()
                attention=(failed > 0).then(|| format!("{failed} failed"))
            >
                {payments}
            </Section>
            <Section name="refunds" title="Refunds" count=billing.refunds.len() attention=None>
                {refunds}
            </Section>
            <Section
                name="subscriptions"
                title="Subscriptions"
                count=billing.subscriptions.len()
                attention=None
                note=(active > 0).then(|| format!("{active} active"))
            >
                {subscriptions}
            </Section>
        </section>
    }
}

/// One collapsible section: its title, how many records, and what needs attention.
#[component]
fn Section(
    name: &'static str,
    title: &'static str,
    count: usize,
    attention: Option<String>,
    #[prop(default = None)] note: Option<String>,
    children: Children,
) -> impl IntoView {
    view! {
        <details class="section" data-section=name>
            <summary>
                <span class="title">{title}</span>
                " "
                <span class="muted">{format!("({count})")}</span>
                {attention.map(|text| view! { " " <span class="alert">{text}</span> })}
                {note.map(|text| view! { " " <span class="muted">{text}</span> })}
            </summary>
            {children()}
        </details>
    }
}

/// The records as a list, or a line saying there are none.
fn list<T>(records: &[T], none: &'static str, line: impl Fn(&T) -> AnyView) -> AnyView {
    if records.is_empty() {
        return view! { <p class="muted empty">{none}</p> }.into_any();
    }
    view! { <ul class="records">{records.iter().map(line).collect_view()}</ul> }.into_any()
}

/// A link only to a web page: a stored `javascript:` URL must never become clickable.
fn web_link(url: Option<&String>) -> Option<String> {
    url.filter(|u| u.starts_with("https://") || u.starts_with("http://"))
        .cloned()
}

fn invoice(fmt: &Format, invoice: &Invoice) -> AnyView {
    let due = invoice
        .due_on
        .as_deref()
        .filter(|_| invoice.status == "open")
        .map(|day| format!(" · due {}", fmt.date(day)));
    let status = if invoice.overdue {
        "overdue".to_string()
    } else {
        invoice.status.clone()
    };
    let pdf = web_link(invoice.pdf_url.as_ref()).map(|url| {
        view! {
            " "
            <a href=url target="_blank" rel="noopener noreferrer">
                "PDF"
            </a>
        }
    });
    let order = invoice
        .order_number
        .as_ref()
        .map(|n| format!(" · order {n}"));
    view! {
        <li data-invoice=invoice.number.clone()>
            <div class="line">
                <strong>{invoice.number.clone()}</strong>
                <span class="num">{fmt.money(&invoice.amount_due)}</span>
            </div>
            <div class="muted">
                {fmt.date(&invoice.issued_on)} {order} " · "
                <span class=format!("status status-{status}")>{status.clone()}</span> {due}
                {format!(" · paid {}", fmt.money(&invoice.amount_paid))} {pdf}
            </div>
        </li>
    }
    .into_any()
}

fn payment(fmt: &Format, payment: &Payment) -> AnyView {
    let failure = payment
        .failure_reason
        .clone()
        .filter(|_| payment.status == "failed")
        .map(|reason| view! { <div class="failure">{reason}</div> });
    let target = match (&payment.invoice_number, &payment.order_number) {
        (Some(invoice), _) => format!(" · invoice {invoice}"),
        (None, Some(order)) => format!(" · order {order}"),
        (None, None) => String::new(),
    };
    view! {
        <li data-payment-status=payment.status.clone()>
            <div class="line">
                <span>{payment.means()}</span>
                <span class="num">{fmt.money(&payment.amount)}</span>
            </div>
            <div class="muted">
                {fmt.date(&payment.attempted_on)} {target} " · "
                <span class=format!("status status-{}", payment.status)>
                    {payment.status.clone()}
                </span>
            </div>
            {failure}
        </li>
    }
    .into_any()
}

fn refund(fmt: &Format, refund: &Refund) -> AnyView {
    let order = refund
        .order_number
        .as_ref()
        .map(|n| format!(" · order {n}"));
    view! {
        <li>
            <div class="line">
                <span>{refund.reason.clone()}</span>
                <span class="num">{fmt.money(&refund.amount)}</span>
            </div>
            <div class="muted">
                {fmt.date(&refund.refunded_on)} {order} " · " {refund.status.clone()}
            </div>
        </li>
    }
    .into_any()
}

fn subscription(fmt: &Format, subscription: &Subscription) -> AnyView {
    let when = match (&subscription.ends_on, &subscription.renews_on) {
        (Some(day), _) if subscription.status == "cancelled" => {
            format!(" · ended {}", fmt.date(day))
        }
        (Some(day), _) => format!(" · ends {}", fmt.date(day)),
        (None, Some(day)) => format!(" · renews {}", fmt.date(day)),
        (None, None) => String::new(),
    };
    view! {
        <li data-subscription=subscription.status.clone()>
            <div class="line">
                <strong>{subscription.plan.clone()}</strong>
                <span class="num">
                    {format!("{} / {}", fmt.money(&subscription.amount), subscription.interval)}
                </span>
            </div>
            <div class="muted">
                <span class=format!("status status-{}", subscription.status)>
                    {subscription.status.replace('_', " ")}
                </span>
                {format!(" · since {}", fmt.date(&subscription.started_on))}
                {when}
            </div>
        </li>
    }
    .into_any()
}
