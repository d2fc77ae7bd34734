//! The customer's billing: invoices, payments, refunds and subscriptions, each a section the
//! agent opens (native `<details>`, so keyboard and screen readers work without script), with
//! what needs attention (overdue invoices, failed payments) said in its heading.

use leptos::prelude::*;

use super::Format;
use crate::model::billing::{Billing, Invoice, Payment, Refund, Subscription};

/// The four billing sections of the shown customer.
#[component]
pub fn BillingSections(billing: Billing) -> impl IntoView {
    let fmt = Format::current();
    let totals = billing.totals;
    let (overdue, failed) = (totals.overdue_invoices, totals.failed_payments);
    let active = billing
        .subscriptions
        .iter()
        .filter(|s| s.is_active())
        .count();
    let past_due = billing
        .subscriptions
        .iter()
        .filter(|s| s.is_past_due())
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
                count=counted(billing.invoices.len(), totals.invoices, "newest")
                attention=(overdue > 0).then(|| format!("{overdue} overdue"))
            >
                {invoices}
            </Section>
            <Section
                name="payments"
                title="Payments"
                count=counted(billing.payments.len(), totals.payments, "newest")
                attention=(failed > 0).then(|| format!("{failed} failed"))
            >
                {payments}
            </Section>
            <Section name="refunds" title="Refunds" count=counted(billing.refunds.len(), totals.refunds, "newest")
                attention=None
            >
                {refunds}
            </Section>
            <Section
                name="subscriptions"
                title="Subscriptions"
                count=counted(billing.subscriptions.len(), totals.subscriptions, "running first,")
                attention=(past_due > 0).then(|| format!("{past_due} past due"))
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
    /// "(3)", or "(134, newest 20 shown)".
    count: String,
    attention: Option<String>,
    #[prop(default = None)] note: Option<String>,
    children: Children,
) -> impl IntoView {
    view! {
        <details class="section" data-section=name>
            <summary>
                <span class="title">{title}</span>
                " "
                <span class="muted">{count}</span>
                {attention.map(|text| view! { " " <span class="alert">{text}</span> })}
                {note.map(|text| view! { " " <span class="muted">{text}</span> })}
            </summary>
            {children()}
        </details>
    }
}

/// "(3)" when every record is shown, "(134, newest 20 shown)" when only some are (`which`
/// says which ones).
fn counted(shown: usize, total: i64, which: &str) -> String {
    if total > shown as i64 {
        format!("({total}, {which} {shown} shown)")
    } else {
        format!("({shown})")
    }
}

/// The records as a list, or a line saying there are none.
fn list<T>(records: &[T], none: &'static str, line: impl Fn(&T) -> Record) -> AnyView {
    if records.is_empty() {
        return view! { <p class="muted empty">{none}</p> }.into_any();
    }
    let lines = records.iter().map(|r| line(r).view()).collect_view();
    view! { <ul class="records">{lines}</ul> }.into_any()
}

/// One billing record as the list shows it. Every kind is reduced to this one shape, so the
/// renderer has one list-item view to keep in step rather than one per kind.
struct Record {
    /// What it is: its number, means of payment, reason or plan.
    title: String,
    /// The amount, right-aligned.
    amount: String,
    /// Its status word, styled by `status-<word>`.
    status: String,
    /// Further facts, joined with " · " after the status.
    facts: Vec<String>,
    /// A web link (label, URL), such as an invoice's PDF.
    link: Option<(&'static str, String)>,
    /// A problem worth a line of its own, such as why a payment failed.
    problem: Option<String>,
    /// What tests and styles find it by: its number, when it has one.
    id: Option<String>,
}

impl Record {
    fn view(self) -> AnyView {
        let link = self.link.map(|(label, url)| {
            view! {
                " · "
                <a href=url target="_blank" rel="noopener noreferrer">
                    {label}
                </a>
            }
        });
        let facts = self
            .facts
            .iter()
            .map(|fact| format!(" · {fact}"))
            .collect::<String>();
        view! {
            <li data-id=self.id data-status=self.status.clone()>
                <div class="line">
                    <strong>{self.title}</strong>
                    <span class="num">{self.amount}</span>
                </div>
                <div class="muted">
                    <span class=format!("status status-{}", self.status)>
                        {self.status.replace('_', " ")}
                    </span>
                    {facts}
                    {link}
                </div>
                {self.problem.map(|text| view! { <div class="failure">{text}</div> })}
            </li>
        }
        .into_any()
    }
}

/// A link only to a web page: a stored `javascript:` URL must never become clickable.
fn web_link(url: Option<&String>) -> Option<String> {
    url.filter(|u| u.starts_with("https://") || u.starts_with("http://"))
        .cloned()
}

fn invoice(fmt: &Format, invoice: &Invoice) -> Record {
    let mut facts = vec![format!("issued {}", fmt.date(&invoice.issued_on))];
    if let Some(due) = invoice
        .due_on
        .as_deref()
        .filter(|_| invoice.status == "open")
    {
        facts.push(format!("due {}", fmt.date(due)));
    }
    facts.push(format!("paid {}", fmt.money(&invoice.amount_paid)));
    if let Some(order) = &invoice.order_number {
        facts.push(format!("order {order}"));
    }
    Record {
        title: invoice.number.clone(),
        amount: fmt.money(&invoice.amount_due),
        status: if invoice.overdue {
            "overdue".into()
        } else {
            invoice.status.clone()
        },
        facts,
        link: web_link(invoice.pdf_url.as_ref()).map(|url| ("PDF", url)),
        problem: None,
        id: Some(invoice.number.clone()),
    }
}

fn payment(fmt: &Format, payment: &Payment) -> Record {
    let mut facts = vec![fmt.date(&payment.attempted_on)];
    match (&payment.invoice_number, &payment.order_number) {
        (Some(invoice), _) => facts.push(format!("invoice {invoice}")),
        (None, Some(order)) => facts.push(format!("order {order}")),
        (None, None) => {}
    }
    Record {
        title: payment.means(),
        amount: fmt.money(&payment.amount),
        status: payment.status.clone(),
        facts,
        link: None,
        problem: payment
            .failure_reason
            .clone()
            .filter(|_| payment.status == "failed"),
        id: None,
    }
}

fn refund(fmt: &Format, refund: &Refund) -> Record {
    let mut facts = vec![fmt.date(&refund.refunded_on)];
    if let Some(order) = &refund.order_number {
        facts.push(format!("order {order}"));
    }
    Record {
        title: refund.reason.clone(),
        amount: fmt.money(&refund.amount),
        status: refund.status.clone(),
        facts,
        link: None,
        problem: None,
        id: None,
    }
}

fn subscription(fmt: &Format, subscription: &Subscription) -> Record {
    let mut facts = vec![format!("since {}", fmt.date(&subscription.started_on))];
    match (&subscription.ends_on, &subscription.renews_on) {
        (Some(day), _) if subscription.status == "cancelled" => {
            facts.push(format!("ended {}", fmt.date(day)))
        }
        (Some(day), _) => facts.push(format!("ends {}", fmt.date(day))),
        (None, Some(day)) => facts.push(format!("renews {}", fmt.date(day))),
        (None, None) => {}
    }
    Record {
        title: subscription.plan.clone(),
        amount: format!(
            "{} / {}",
            fmt.money(&subscription.amount),
            subscription.interval
        ),
        status: subscription.status.clone(),
        facts,
        link: None,
        problem: None,
        id: None,
    }
}
