//! What a customer was billed, paid and refunded, what renews, and the totals an agent reads
//! first. Plain data the server reads (as JSON rows from Postgres) and renders into the panel's
//! HTML; it does not travel to the browser.

use orderpane::money::Money;
use serde::{Deserialize, Serialize};

/// How many invoices, payments and refunds the panel lists (newest first).
pub const BILLING_LIST_LEN: i64 = 20;

/// How many months the spending chart covers, this one included.
pub const CHART_MONTHS: usize = 12;

/// An invoice sent to the customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invoice {
    /// The invoice number the customer sees.
    pub number: String,
    /// The order it bills, when it bills one.
    pub order_number: Option<String>,
    /// `draft`, `open`, `paid`, `void` or `uncollectible`.
    pub status: String,
    /// The day it was issued (UTC), `YYYY-MM-DD`.
    pub issued_on: String,
    /// The day payment is due, when there is one.
    pub due_on: Option<String>,
    /// What the customer was asked to pay.
    pub amount_due: Money,
    /// What they have paid of it.
    pub amount_paid: Money,
    /// The PDF they received, where the billing system keeps one.
    pub pdf_url: Option<String>,
    /// True while it is open past its due day (decided by the server's clock).
    pub overdue: bool,
}

/// A payment, or an attempt at one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payment {
    /// The day it was attempted (UTC), `YYYY-MM-DD`.
    pub attempted_on: String,
    /// How much.
    pub amount: Money,
    /// `card`, `paypal`, `bank_transfer`, … as the provider names it.
    pub method: String,
    /// For cards: the brand ("visa").
    pub card_brand: Option<String>,
    /// For cards: the last four digits.
    pub card_last4: Option<String>,
    /// `pending`, `succeeded` or `failed`.
    pub status: String,
    /// Why it failed, in the provider's words.
    pub failure_reason: Option<String>,
    /// The order it paid for, if any.
    pub order_number: Option<String>,
    /// The invoice it paid, if any.
    pub invoice_number: Option<String>,
}

impl Payment {
    /// "Visa •••• 4242", "PayPal", "Bank transfer": how an agent names the way it was paid.
    pub fn means(&self) -> String {
        let method = match self.method.as_str() {
            "card" => "Card",
            "paypal" => "PayPal",
            "bank_transfer" => "Bank transfer",
            "klarna" => "Klarna",
            "sepa_debit" => "SEPA debit",
            other => other,
        };
        match (&self.card_brand, &self.card_last4) {
            (Some(brand), Some(last4)) => format!("{} •••• {last4}", capitalised(brand)),
            (None, Some(last4)) => format!("{method} •••• {last4}"),
            (Some(brand), None) => capitalised(brand),
            (None, None) => method.to_string(),
        }
    }
}

/// Money given back to the customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refund {
    /// The day it was made (UTC), `YYYY-MM-DD`.
    pub refunded_on: String,
    /// How much.
    pub amount: Money,
    /// Why, as the agent or system recorded it.
    pub reason: String,
    /// `pending`, `succeeded` or `failed`.
    pub status: String,
    /// The order it refunds, if any.
    pub order_number: Option<String>,
}

/// A plan that renews.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subscription {
    /// The plan's name.
    pub plan: String,
    /// `trialing`, `active`, `past_due`, `paused` or `cancelled`.
    pub status: String,
    /// What each period costs.
    pub amount: Money,
    /// `week`, `month` or `year`.
    pub interval: String,
    /// The day it started (UTC), `YYYY-MM-DD`.
    pub started_on: String,
    /// The next renewal while it runs.
    pub renews_on: Option<String>,
    /// When it ends or ended.
    pub ends_on: Option<String>,
}

impl Subscription {
    /// True while it runs in good standing (a trial counts; a past-due plan does not: it is
    /// shown as past due, and in the attention list).
    pub fn is_active(&self) -> bool {
        matches!(self.status.as_str(), "trialing" | "active")
    }

    /// True while its renewal is past due.
    pub fn is_past_due(&self) -> bool {
        self.status == "past_due"
    }
}

/// The customer's billing records, newest first, each list at most [`BILLING_LIST_LEN`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Billing {
    /// Invoices by issue day.
    pub invoices: Vec<Invoice>,
    /// Payments and attempts by day.
    pub payments: Vec<Payment>,
    /// Refunds by day.
    pub refunds: Vec<Refund>,
    /// Every subscription, running ones first.
    pub subscriptions: Vec<Subscription>,
    /// How many there are in all: the lists hold only the newest [`BILLING_LIST_LEN`].
    #[serde(default)]
    pub totals: BillingTotals,
    /// What needs attention, over the whole history, most pressing first.
    #[serde(default)]
    pub attention: Vec<super::attention::Attention>,
}

/// The customer's whole billing history counted, for the section headings.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillingTotals {
    /// Every invoice.
    pub invoices: i64,
    /// Open invoices past their due date.
    pub overdue_invoices: i64,
    /// Every payment and attempt.
    pub payments: i64,
    /// Failed payment attempts.
    pub failed_payments: i64,
    /// Every refund.
    pub refunds: i64,
    /// Every subscription.
    pub subscriptions: i64,
}

/// What one month's orders came to, in the chart's currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthTotal {
    /// The year.
    pub year: i32,
    /// The month, 1–12.
    pub month: u32,
    /// The total of the month's orders (cancelled ones left out), minor units.
    pub minor: i64,
}

/// The first lines an agent reads about a customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// The day they became a customer (UTC), `YYYY-MM-DD`.
    pub customer_since: String,
    /// How many orders they placed, all time.
    pub order_count: i64,
    /// What their orders came to, per currency (cancelled ones left out).
    pub spent: Vec<Money>,
    /// What was refunded to them, per currency.
    pub refunded: Vec<Money>,
    /// What open invoices still wait for, per currency.
    pub open_balance: Vec<Money>,
    /// How many subscriptions still bill.
    pub active_subscriptions: i64,
    /// The currency the chart is in: the one spent in during the most of its months.
    pub chart_currency: Option<String>,
    /// The last [`CHART_MONTHS`] months, oldest first, every month present (zero when quiet).
    pub monthly: Vec<MonthTotal>,
}

/// The first letter upper case: "visa" → "Visa".
fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn payment(method: &str, brand: Option<&str>, last4: Option<&str>) -> Payment {
        Payment {
            attempted_on: "2026-11-01".into(),
            amount: Money::new(100, "EUR"),
            method: method.into(),
            card_brand: brand.map(Into::into),
            card_last4: last4.map(Into::into),
            status: "succeeded".into(),
            failure_reason: None,
            order_number: None,
            invoice_number: None,
        }
    }

    #[test]
    fn payment_means_name_the_card_or_the_method() {
        assert_eq!(
            payment("card", Some("visa"), Some("4242")).means(),
            "Visa •••• 4242"
        );
        assert_eq!(
            payment("card", None, Some("0005")).means(),
            "Card •••• 0005"
        );
        assert_eq!(payment("paypal", None, None).means(), "PayPal");
        assert_eq!(payment("giropay", None, None).means(), "giropay");
    }
}
