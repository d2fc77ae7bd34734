//! The demo store: a handful of customers chosen so that each panel state can be seen, and
//! a demo conversation for each in the host simulator.
//!
//! Deterministic: the same rows, numbers and dates every time, so screenshots and browser
//! tests can name them.

use serde_json::{json, Value};
use sqlx::{PgPool, Postgres, Transaction};

/// A demo customer and the orders they placed.
struct DemoCustomer {
    reference: &'static str,
    name: &'static str,
    emails: &'static [&'static str],
    phones: &'static [&'static str],
    external_ids: &'static [&'static str],
    currency: &'static str,
    /// (days before the demo's "today", status, total in minor units); numbers are assigned.
    orders: &'static [(i32, &'static str, i64)],
}

const CUSTOMERS: &[DemoCustomer] = &[
    DemoCustomer {
        reference: "C-1001",
        name: "Jane Doe",
        emails: &["jane@example.com"],
        phones: &["+492211234567"],
        external_ids: &["C-1001"],
        currency: "EUR",
        orders: &[
            (2, "processing", 4_990),
            (15, "shipped", 12_950),
            (40, "delivered", 2_599),
            (95, "refunded", 8_000),
            (300, "delivered", 123_450),
        ],
    },
    DemoCustomer {
        reference: "C-1002",
        name: "Omar Haddad",
        emails: &[],
        phones: &["+447700900123"],
        external_ids: &[],
        currency: "GBP",
        orders: &[(5, "pending", 1_500), (60, "delivered", 22_000)],
    },
    DemoCustomer {
        reference: "C-1003",
        name: "Lena Fischer",
        emails: &["lena@example.com"],
        phones: &[],
        external_ids: &[],
        currency: "EUR",
        orders: &[(10, "delivered", 3_990)],
    },
    DemoCustomer {
        reference: "C-1004",
        name: "Lena Fischer (old account)",
        emails: &["lena@example.com"],
        phones: &[],
        external_ids: &[],
        currency: "EUR",
        orders: &[(700, "delivered", 1_990)],
    },
    DemoCustomer {
        reference: "C-1005",
        name: "Kenji Sato",
        emails: &["kenji@example.jp"],
        phones: &[],
        external_ids: &["C-1005"],
        currency: "JPY",
        orders: &[
            (1, "shipped", 12_800),
            (30, "delivered", 4_500),
            (61, "delivered", 9_900),
            (92, "cancelled", 3_300),
        ],
    },
    DemoCustomer {
        reference: "C-1006",
        name: "Ana Costa",
        emails: &["ana@example.com"],
        phones: &[],
        external_ids: &[],
        currency: "USD",
        orders: &[],
    },
];

/// The demo's "today", fixed so that every run writes the same dates.
const DEMO_TODAY: &str = "2026-11-20T10:00:00Z";

/// Loads the demo store when the database has no store yet. Returns whether it did.
pub async fn load_if_empty(pool: &PgPool) -> sqlx::Result<bool> {
    let mut tx = pool.begin().await?;
    // Two servers starting at once must not both seed: the lock makes the check-then-insert
    // atomic across connections.
    sqlx::query("lock table stores in exclusive mode")
        .execute(&mut *tx)
        .await?;
    let has_store: bool = sqlx::query_scalar("select exists (select 1 from stores)")
        .fetch_one(&mut *tx)
        .await?;
    if has_store {
        return Ok(false);
    }
    load(&mut tx).await?;
    tx.commit().await?;
    Ok(true)
}

async fn load(tx: &mut Transaction<'_, Postgres>) -> sqlx::Result<()> {
    let store_id: i64 = sqlx::query_scalar(
        "insert into stores (name) values ('Orderpane Demo Store') returning id",
    )
    .fetch_one(&mut **tx)
    .await?;
    let mut order_number = 1000;
    for customer in CUSTOMERS {
        let customer_id: i64 = sqlx::query_scalar(
            "insert into customers (store_id, reference, name, created_at)
             values ($1, $2, $3, $4::timestamptz - interval '800 days') returning id",
        )
        .bind(store_id)
        .bind(customer.reference)
        .bind(customer.name)
        .bind(DEMO_TODAY)
        .fetch_one(&mut **tx)
        .await?;

        let identities = customer
            .emails
            .iter()
            .map(|v| ("email", v))
            .chain(customer.phones.iter().map(|v| ("phone", v)))
            .chain(customer.external_ids.iter().map(|v| ("external_id", v)));
        for (kind, value) in identities {
            sqlx::query(
                "insert into customer_identities (customer_id, kind, value) values ($1, $2, $3)",
            )
            .bind(customer_id)
            .bind(kind)
            .bind(value)
            .execute(&mut **tx)
            .await?;
        }

        // Oldest first, so order numbers grow with time as in a real store.
        for (days_ago, status, total) in customer.orders.iter().rev() {
            order_number += 1;
            let order_id: i64 = sqlx::query_scalar(
                "insert into orders (store_id, customer_id, number, status, currency, total_minor, placed_at)
                 values ($1, $2, $3, $4, $5, $6, $7::timestamptz - make_interval(days => $8))
                 returning id",
            )
            .bind(store_id)
            .bind(customer_id)
            .bind(order_number.to_string())
            .bind(status)
            .bind(customer.currency)
            .bind(total)
            .bind(DEMO_TODAY)
            .bind(days_ago)
            .fetch_one(&mut **tx)
            .await?;
            insert_items_and_shipment(tx, order_id, order_number, status, *total, *days_ago)
                .await?;
        }
    }
    Ok(())
}

/// The demo catalogue items are drawn from: (SKU, name).
const PRODUCTS: &[(&str, &str)] = &[
    ("MUG-BLU", "Stoneware mug, blue"),
    ("TEA-EB-250", "English breakfast tea, 250 g"),
    ("KTL-1L", "Glass kettle, 1 l"),
    ("TWL-SET", "Tea towels, set of 3"),
    ("POT-CAST", "Cast-iron teapot"),
];

/// Two items per order that add up to its total, and a shipment once it has shipped.
async fn insert_items_and_shipment(
    tx: &mut Transaction<'_, Postgres>,
    order_id: i64,
    order_number: i32,
    status: &str,
    total: i64,
    days_ago: i32,
) -> sqlx::Result<()> {
    let index = order_number as usize;
    let first = PRODUCTS[index % PRODUCTS.len()];
    let second = PRODUCTS[(index + 2) % PRODUCTS.len()];
    let pair_price = total / 4;
    for (product, quantity, unit_price) in
        [(first, 2, pair_price), (second, 1, total - 2 * pair_price)]
    {
        sqlx::query(
            "insert into order_items (order_id, sku, name, quantity, unit_price_minor)
             values ($1, $2, $3, $4, $5)",
        )
        .bind(order_id)
        .bind(product.0)
        .bind(product.1)
        .bind(quantity)
        .bind(unit_price)
        .execute(&mut **tx)
        .await?;
    }
    if matches!(status, "shipped" | "delivered" | "refunded") {
        let tracking = format!("JD01460000{order_number}");
        sqlx::query(
            "insert into shipments (order_id, carrier, tracking_number, tracking_url, shipped_at, delivered_at)
             values ($1, 'DHL', $2, $3, $4::timestamptz - make_interval(days => $5 - 1),
                     case when $6 then $4::timestamptz - make_interval(days => $5 - 3) end)",
        )
        .bind(order_id)
        .bind(&tracking)
        .bind(format!("https://www.dhl.com/en/express/tracking.html?AWB={tracking}"))
        .bind(DEMO_TODAY)
        .bind(days_ago)
        .bind(status != "shipped")
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// A conversation the host simulator offers, as a Chatwoot appContext's `data` would carry it.
pub struct DemoConversation {
    /// What the simulator's list shows.
    pub title: &'static str,
    /// The appContext `data`: `conversation`, `contact` and `currentAgent`.
    pub data: Value,
}

/// One demo conversation per panel state.
pub fn conversations() -> Vec<DemoConversation> {
    let agent = json!({"id": 1, "name": "Sam Agent", "email": "sam@helpdesk.example"});
    let conversation = |id: i64, contact: &Value, text: &str| {
        json!({
            "id": id,
            "account_id": 1,
            "inbox_id": 1,
            "status": "open",
            "labels": [],
            "custom_attributes": {},
            "meta": {"sender": contact, "channel": "Channel::WebWidget", "hmac_verified": false},
            "messages": [
                {"id": id * 10, "content": text, "message_type": 0, "private": false,
                 "conversation_id": id, "created_at": 1_795_600_000, "sender": contact},
                {"id": id * 10 + 1, "content": "Conversation was assigned to Sam Agent",
                 "message_type": 2, "private": false, "conversation_id": id},
            ],
        })
    };
    let contact = |id: i64, name: &str, email: Value, phone: Value, identifier: Value| {
        json!({
            "id": id, "name": name, "email": email, "phone_number": phone,
            "identifier": identifier, "custom_attributes": {}, "additional_attributes": {},
            "thumbnail": "", "availability_status": "offline", "last_activity_at": 1_795_600_000
        })
    };
    let entries = [
        (
            "Jane Doe: where is my order? (customer id + email)",
            contact(
                11,
                "Jane Doe",
                json!("Jane@Example.com"),
                json!("+49 221 1234567"),
                json!("C-1001"),
            ),
            "Hi, where is order 1005?",
        ),
        (
            "Omar Haddad: phone only",
            contact(
                12,
                "Omar",
                Value::Null,
                json!("+44 7700 900123"),
                Value::Null,
            ),
            "Hello, I paid twice I think",
        ),
        (
            "Lena Fischer: two accounts share her email",
            contact(
                13,
                "Lena Fischer",
                json!("lena@example.com"),
                Value::Null,
                Value::Null,
            ),
            "Can you merge my accounts?",
        ),
        (
            "Kenji Sato: yen orders",
            contact(
                14,
                "Kenji Sato",
                json!("kenji@example.jp"),
                Value::Null,
                json!("C-1005"),
            ),
            "Is my parcel on its way? It is order #1013.",
        ),
        (
            "Ana Costa: no orders, mentions a friend's order",
            contact(
                15,
                "Ana Costa",
                json!("ana@example.com"),
                Value::Null,
                Value::Null,
            ),
            "I want to place an order like my friend's order 1004",
        ),
        (
            "Unknown visitor: no customer matches",
            contact(
                16,
                "Visitor",
                json!("nobody@example.org"),
                Value::Null,
                Value::Null,
            ),
            "Do you ship to Norway?",
        ),
        (
            "Anonymous: no email, phone or id",
            contact(17, "Anonymous", Value::Null, Value::Null, Value::Null),
            "Hi",
        ),
        (
            "Jane Doe: phone written nationally (read with the install's region, DE)",
            contact(
                18,
                "Jane (mobile)",
                Value::Null,
                json!("0221 123-4567"),
                Value::Null,
            ),
            "Hallo, ist meine Bestellung unterwegs?",
        ),
    ];
    entries
        .into_iter()
        .enumerate()
        .map(|(index, (title, contact, text))| {
            let id = 101 + index as i64;
            DemoConversation {
                title,
                data: json!({
                    "conversation": conversation(id, &contact, text),
                    "contact": contact,
                    "currentAgent": agent,
                }),
            }
        })
        .collect()
}
