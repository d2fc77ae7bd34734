//! Every store lookup the panel makes, by the same SQL it runs, with sample parameters and the
//! index each relation it reads needs. `server store check` explains each one with
//! sequential scans discouraged and reports the tables a lookup would still read whole.

use super::{billing, customers, panel};

/// A parameter of a lookup, as the check binds it (the values only have to be of the right
/// type: with sequential scans discouraged the planner takes any usable index whatever the
/// value).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Param {
    /// A customer or order id (`bigint`).
    Id(i64),
    /// Several ids (`bigint[]`).
    Ids(&'static [i64]),
    /// A null id (`bigint`): "no cursor", "no link".
    NoId,
    /// A text.
    Text(&'static str),
    /// A null text: "no agent name".
    NoText,
    /// Several texts (`text[]`).
    Texts(&'static [&'static str]),
    /// A row count (`bigint`).
    Count(i64),
    /// The instant this many days before now (`timestamptz`; negative: after now).
    DaysAgo(i64),
}

/// An index a lookup needs, in contract terms: on `relation`, the index elements `columns`
/// (as in `create index … (columns)`, each element a contract column or an expression of
/// them, optionally followed by `desc` or an operator class), by `method` (btree when `None`).
/// For a mapped store the check translates it into the shop's own table and columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndexNeed {
    /// The contract relation.
    pub relation: &'static str,
    /// The index elements, comma-separated.
    pub columns: &'static str,
    /// The index method, when not btree (`gin`).
    pub method: Option<&'static str>,
}

/// One lookup the panel makes.
#[derive(Debug, Clone, Copy)]
pub struct Lookup {
    /// What it finds, as the report names it.
    pub name: &'static str,
    /// Its SQL template (`{store}` for the store schema).
    pub sql: &'static str,
    /// Sample values for `$1`, `$2`, ….
    pub params: &'static [Param],
    /// The indexes it is served by.
    pub indexes: &'static [IndexNeed],
}

const fn btree(relation: &'static str, columns: &'static str) -> IndexNeed {
    IndexNeed {
        relation,
        columns,
        method: None,
    }
}

use Param::{Count, DaysAgo, Id, Ids, NoId, NoText, Text, Texts};

/// The rows a list of the panel holds: a limit of the lookups.
const LIMIT: Param = Param::Count(21);

/// Every store lookup the panel makes: the contact's customers, the shown customer's summary,
/// orders (first and next page) with their items, shipments, payments and refunds, and
/// billing; the orders a conversation mentions; customer search; linking a contact.
pub const LOOKUPS: &[Lookup] = &[
    Lookup {
        name: "customers matching a contact",
        sql: panel::MATCHING_CUSTOMERS_SQL,
        params: &[
            Text("C-1001"),
            Text("jane@example.com"),
            Text("+492211234567"),
            Text("install"),
            Text("contact-1"),
        ],
        indexes: &[
            btree("customer_identities", "kind, value"),
            btree("customers", "reference"),
            btree("customers", "id"),
        ],
    },
    Lookup {
        name: "the customer's summary",
        sql: billing::SUMMARY_SQL,
        params: &[Id(1), DaysAgo(365), DaysAgo(-31)],
        indexes: &[
            btree("customers", "id"),
            btree("orders", "customer_id, placed_at desc, id desc"),
            btree("refunds", "customer_id, refunded_at desc, id desc"),
            btree("invoices", "customer_id, issued_at desc, id desc"),
            btree("subscriptions", "customer_id, started_at desc, id desc"),
        ],
    },
    Lookup {
        name: "the customer's orders, first page",
        sql: panel::ORDERS_PAGE_SQL,
        params: &[Id(1), NoId, LIMIT],
        indexes: &[btree("orders", "customer_id, placed_at desc, id desc")],
    },
    Lookup {
        name: "the customer's orders, next page",
        sql: panel::ORDERS_PAGE_SQL,
        params: &[Id(1), Id(2), LIMIT],
        indexes: &[
            btree("orders", "customer_id, placed_at desc, id desc"),
            btree("orders", "id"),
        ],
    },
    Lookup {
        name: "order items",
        sql: panel::ORDER_ITEMS_SQL,
        params: &[Ids(&[1, 2, 3])],
        indexes: &[btree("order_items", "order_id, id"), btree("orders", "id")],
    },
    Lookup {
        name: "order shipments",
        sql: panel::ORDER_SHIPMENTS_SQL,
        params: &[Ids(&[1, 2, 3])],
        indexes: &[btree("shipments", "order_id, shipped_at")],
    },
    Lookup {
        name: "order payments",
        sql: billing::ORDER_PAYMENTS_SQL,
        params: &[Ids(&[1, 2, 3])],
        indexes: &[
            btree("payments", "order_id"),
            btree("invoices", "order_id"),
            btree("payments", "invoice_id"),
        ],
    },
    Lookup {
        name: "order refunds",
        sql: billing::ORDER_REFUNDS_SQL,
        params: &[Ids(&[1, 2, 3])],
        indexes: &[btree("refunds", "order_id"), btree("orders", "id")],
    },
    Lookup {
        name: "the customer's billing",
        sql: billing::BILLING_SQL,
        params: &[Id(1), LIMIT, Count(3), Count(2), Count(7)],
        indexes: &[
            btree("invoices", "customer_id, issued_at desc, id desc"),
            btree("payments", "customer_id, attempted_at desc, id desc"),
            btree("refunds", "customer_id, refunded_at desc, id desc"),
            btree("subscriptions", "customer_id, started_at desc, id desc"),
            btree("orders", "id"),
            btree("invoices", "id"),
            // The attention list, over the whole history: the customer's orders, and what
            // belongs to each of them.
            btree("orders", "customer_id, placed_at desc, id desc"),
            btree("payments", "order_id"),
            btree("invoices", "order_id"),
            btree("payments", "invoice_id"),
            btree("refunds", "order_id"),
            btree("shipments", "order_id, shipped_at"),
        ],
    },
    Lookup {
        name: "orders mentioned in a conversation",
        sql: panel::MENTIONED_ORDERS_SQL,
        params: &[Texts(&["1001", "INV-1001"])],
        indexes: &[
            btree("orders", "number"),
            btree("invoices", "number"),
            btree("orders", "id"),
            btree("customers", "id"),
        ],
    },
    Lookup {
        name: "customer search",
        sql: customers::SEARCH_SQL,
        params: &[
            Text("C-1001"),
            Text("jane"),
            Text("+492211234567"),
            Text("%jane%"),
            LIMIT,
        ],
        indexes: &[
            btree("customers", "reference"),
            btree("orders", "number"),
            btree("invoices", "number"),
            // The prefix index serves equality too: first, so that the check names it.
            btree("customer_identities", "value text_pattern_ops"),
            btree("customer_identities", "kind, value"),
            IndexNeed {
                relation: "customers",
                columns: "lower(name) gin_trgm_ops",
                method: Some("gin"),
            },
            btree("customers", "id"),
        ],
    },
    Lookup {
        name: "linking a contact",
        sql: customers::LINK_SQL,
        params: &[Text("install"), Text("contact-1"), Id(1), NoText, NoText],
        indexes: &[btree("customers", "id")],
    },
    Lookup {
        name: "unlinking a contact",
        sql: customers::UNLINK_SQL,
        params: &[Text("install"), Text("contact-1"), Id(1)],
        indexes: &[btree("customers", "id")],
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    /// Each lookup is given as many sample values as its SQL has parameters.
    #[test]
    fn every_parameter_has_a_sample() {
        for lookup in LOOKUPS {
            let highest = (1..=9)
                .rev()
                .find(|n| lookup.sql.contains(&format!("${n}")))
                .unwrap_or(0);
            assert_eq!(lookup.params.len(), highest, "{}", lookup.name);
            assert!(lookup.sql.contains("{store}"), "{}", lookup.name);
        }
    }
}
