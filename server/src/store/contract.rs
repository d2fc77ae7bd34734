//! The store contract (docs/store-contract.md): the relations Orderpane reads in the store
//! schema, with their columns and the types it decodes them as. The panel's SQL names exactly
//! these; `server store check` and the start-up check compare a database against this list.
//!
//! Versioning: a column added in a later Orderpane carries that contract version in `since`,
//! and the check names it ("needed since contract 2"), so an upgrade never fails silently.

/// The contract's current version.
pub const CONTRACT_VERSION: u32 = 1;

/// A family of Postgres types Orderpane decodes a column as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    /// `bigint`: ids and money in minor units.
    BigInt,
    /// `integer`: counts such as an item's quantity.
    Integer,
    /// `text` (`varchar` and `char(n)` read the same).
    Text,
    /// `timestamptz`: an instant. A `timestamp` without time zone is refused: its meaning
    /// depends on the server's time zone.
    Timestamptz,
}

impl ColumnType {
    /// The Postgres type names (`pg_type.typname`) that are read as this type.
    pub fn accepts(self) -> &'static [&'static str] {
        match self {
            Self::BigInt => &["int8"],
            Self::Integer => &["int4"],
            Self::Text => &["text", "varchar", "bpchar"],
            Self::Timestamptz => &["timestamptz"],
        }
    }

    /// The type as the contract document and the check name it.
    pub fn name(self) -> &'static str {
        match self {
            Self::BigInt => "bigint",
            Self::Integer => "integer",
            Self::Text => "text",
            Self::Timestamptz => "timestamptz",
        }
    }
}

/// A column of a contract relation.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// Its name.
    pub name: &'static str,
    /// How it is read.
    pub kind: ColumnType,
    /// Whether it may be null.
    pub nullable: bool,
    /// The contract version that added it.
    pub since: u32,
}

/// A contract relation: a table or view in the store schema.
#[derive(Debug, Clone, Copy)]
pub struct Relation {
    /// Its name.
    pub name: &'static str,
    /// What a row is.
    pub meaning: &'static str,
    /// Its columns (a relation may have more; they are ignored).
    pub columns: &'static [Column],
}

const fn col(name: &'static str, kind: ColumnType) -> Column {
    Column {
        name,
        kind,
        nullable: false,
        since: 1,
    }
}

const fn nullable(name: &'static str, kind: ColumnType) -> Column {
    Column {
        name,
        kind,
        nullable: true,
        since: 1,
    }
}

use ColumnType::{BigInt, Integer, Text, Timestamptz};

/// Every relation of the contract, in the order the document lists them.
pub const RELATIONS: &[Relation] = &[
    Relation {
        name: "stores",
        meaning: "a shop whose customers and orders these are",
        columns: &[col("id", BigInt), col("name", Text)],
    },
    Relation {
        name: "customers",
        meaning: "a customer of the store",
        columns: &[
            col("id", BigInt),
            col("store_id", BigInt),
            col("reference", Text),
            col("name", Text),
            col("created_at", Timestamptz),
        ],
    },
    Relation {
        name: "customer_identities",
        meaning: "an email, phone or external id a customer is found by (normalised)",
        columns: &[
            col("customer_id", BigInt),
            col("kind", Text),
            col("value", Text),
        ],
    },
    Relation {
        name: "orders",
        meaning: "an order a customer placed",
        columns: &[
            col("id", BigInt),
            col("store_id", BigInt),
            col("customer_id", BigInt),
            col("number", Text),
            col("status", Text),
            col("currency", Text),
            col("total_minor", BigInt),
            col("placed_at", Timestamptz),
            nullable("shipping_address", Text),
        ],
    },
    Relation {
        name: "order_items",
        meaning: "a line of an order",
        columns: &[
            col("id", BigInt),
            col("order_id", BigInt),
            col("sku", Text),
            col("name", Text),
            col("quantity", Integer),
            col("unit_price_minor", BigInt),
        ],
    },
    Relation {
        name: "shipments",
        meaning: "a parcel of an order, with its tracking",
        columns: &[
            col("id", BigInt),
            col("order_id", BigInt),
            col("carrier", Text),
            col("tracking_number", Text),
            nullable("tracking_url", Text),
            col("shipped_at", Timestamptz),
            nullable("delivered_at", Timestamptz),
        ],
    },
    Relation {
        name: "invoices",
        meaning: "what a customer was asked to pay",
        columns: &[
            col("id", BigInt),
            col("store_id", BigInt),
            col("customer_id", BigInt),
            nullable("order_id", BigInt),
            col("number", Text),
            col("status", Text),
            col("currency", Text),
            col("amount_due_minor", BigInt),
            col("amount_paid_minor", BigInt),
            col("issued_at", Timestamptz),
            nullable("due_at", Timestamptz),
            nullable("pdf_url", Text),
        ],
    },
    Relation {
        name: "payments",
        meaning: "a payment, or an attempt at one",
        columns: &[
            col("id", BigInt),
            col("customer_id", BigInt),
            nullable("order_id", BigInt),
            nullable("invoice_id", BigInt),
            col("currency", Text),
            col("amount_minor", BigInt),
            col("method", Text),
            nullable("card_brand", Text),
            nullable("card_last4", Text),
            col("status", Text),
            nullable("failure_reason", Text),
            col("attempted_at", Timestamptz),
        ],
    },
    Relation {
        name: "refunds",
        meaning: "money given back",
        columns: &[
            col("id", BigInt),
            col("customer_id", BigInt),
            nullable("order_id", BigInt),
            nullable("payment_id", BigInt),
            col("currency", Text),
            col("amount_minor", BigInt),
            col("reason", Text),
            col("status", Text),
            col("refunded_at", Timestamptz),
        ],
    },
    Relation {
        name: "subscriptions",
        meaning: "a plan that renews",
        columns: &[
            col("id", BigInt),
            col("customer_id", BigInt),
            col("plan", Text),
            col("status", Text),
            col("currency", Text),
            col("amount_minor", BigInt),
            col("billing_interval", Text),
            col("started_at", Timestamptz),
            nullable("current_period_end", Timestamptz),
            nullable("cancel_at", Timestamptz),
        ],
    },
];

/// The channel store changes are announced on, with the changed customer's id as payload.
pub const CHANGE_CHANNEL: &str = "orderpane_customer_changed";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relation_and_column_names_are_unique() {
        let mut relations: Vec<&str> = RELATIONS.iter().map(|r| r.name).collect();
        relations.sort_unstable();
        relations.dedup();
        assert_eq!(relations.len(), RELATIONS.len());
        for relation in RELATIONS {
            let mut columns: Vec<&str> = relation.columns.iter().map(|c| c.name).collect();
            columns.sort_unstable();
            columns.dedup();
            assert_eq!(columns.len(), relation.columns.len(), "{}", relation.name);
        }
    }
}
