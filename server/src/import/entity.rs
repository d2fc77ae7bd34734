//! The kinds of record an import reads, and the order in which they must reach the database.

use std::{fmt, str::FromStr};

/// One kind of record: a table of the managed store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Entity {
    /// `customers`, with their emails, phones and external ids.
    Customers,
    /// `customer_identities`: only ever read inside customer records, counted on their own.
    CustomerIdentities,
    /// `orders`, optionally with nested items and shipments.
    Orders,
    /// `order_items`.
    OrderItems,
    /// `shipments`.
    Shipments,
    /// `invoices`.
    Invoices,
    /// `payments`.
    Payments,
    /// `refunds`.
    Refunds,
    /// `subscriptions`.
    Subscriptions,
}

impl Entity {
    /// Every kind, in the order the summary lists them.
    pub const ALL: [Entity; 9] = [
        Entity::Customers,
        Entity::CustomerIdentities,
        Entity::Orders,
        Entity::OrderItems,
        Entity::Shipments,
        Entity::Invoices,
        Entity::Payments,
        Entity::Refunds,
        Entity::Subscriptions,
    ];

    /// The table's name (also what `--type` and a line's `type` accept).
    pub fn name(self) -> &'static str {
        match self {
            Entity::Customers => "customers",
            Entity::CustomerIdentities => "customer_identities",
            Entity::Orders => "orders",
            Entity::OrderItems => "order_items",
            Entity::Shipments => "shipments",
            Entity::Invoices => "invoices",
            Entity::Payments => "payments",
            Entity::Refunds => "refunds",
            Entity::Subscriptions => "subscriptions",
        }
    }

    /// Where a kind's rows go relative to the others: a batch is only written after every
    /// pending batch of a lower rank, so that a record can name one read before it even when
    /// that one is still waiting in its own batch (an order naming a customer two lines up).
    pub fn rank(self) -> u8 {
        match self {
            Entity::Customers | Entity::CustomerIdentities => 0,
            Entity::Orders | Entity::Subscriptions => 1,
            // Items, shipments and invoices name an order.
            Entity::OrderItems | Entity::Shipments | Entity::Invoices => 2,
            // A payment may name an invoice.
            Entity::Payments => 3,
            // A refund may name a payment.
            Entity::Refunds => 4,
        }
    }
}

impl fmt::Display for Entity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Entity {
    type Err = String;

    /// Accepts the table name and its singular (`order`, `orders`; `item` for an order item).
    /// Identities are not a record of their own: they come inside customers.
    fn from_str(text: &str) -> Result<Self, String> {
        Ok(match text.trim().to_ascii_lowercase().as_str() {
            "customer" | "customers" => Entity::Customers,
            "order" | "orders" => Entity::Orders,
            "order_item" | "order_items" | "item" | "items" => Entity::OrderItems,
            "shipment" | "shipments" => Entity::Shipments,
            "invoice" | "invoices" => Entity::Invoices,
            "payment" | "payments" => Entity::Payments,
            "refund" | "refunds" => Entity::Refunds,
            "subscription" | "subscriptions" => Entity::Subscriptions,
            _ => {
                return Err(format!(
                    "unknown type {text:?}: expected customers, orders, order_items, shipments, \
                     invoices, payments, refunds or subscriptions"
                ))
            }
        })
    }
}
