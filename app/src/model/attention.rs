//! What needs the agent's attention about the customer shown, at first glance: computed by the
//! server over the customer's whole history (not just the rows the panel lists) in the same
//! statement as the billing lists.

use orderpane::money::Money;
use serde::{Deserialize, Serialize};

/// What kind of problem a line of the attention list is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttentionKind {
    /// An order, or an invoice of no order, paid more than was due (net of refunds): a double
    /// charge.
    Overcharged,
    /// A failed payment with no successful one for the same order or invoice since (for a
    /// payment of neither, such as a renewal: none of the same amount since).
    FailedPayment,
    /// A subscription whose renewal is past due.
    PastDueSubscription,
    /// An open invoice past its due day.
    OverdueInvoice,
    /// A refund still pending after the configured number of days.
    RefundPending,
    /// An order paid in full but not shipped after the configured number of days.
    NotShipped,
    /// A shipment in transit for longer than the configured number of days.
    LongInTransit,
}

/// One line of the attention list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attention {
    /// What it is.
    pub kind: AttentionKind,
    /// The order it concerns (its row is linked), when it concerns one.
    pub order_number: Option<String>,
    /// The invoice it concerns, when it concerns one.
    pub invoice_number: Option<String>,
    /// The subscription's plan, for a past-due subscription.
    pub plan: Option<String>,
    /// The carrier, for a shipment.
    pub carrier: Option<String>,
    /// The money involved: paid too much, failed, overdue or still to refund.
    pub amount: Option<Money>,
    /// For how many days it has been so (overdue, pending, unshipped, in transit).
    pub days: Option<i64>,
    /// How many successful payments (for a double charge).
    pub payments: Option<i64>,
}
