//! The demo store: a handful of customers chosen so that each panel state can be seen, and
//! a demo conversation for each in the host simulator.
//!
//! Deterministic: the same rows, numbers and dates every time, so screenshots and browser
//! tests can name them.

use app::server::store::StoreSchema;
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
    /// Where their parcels go.
    address: &'static str,
    /// How they pay: (method, card brand, last four).
    pays_with: (&'static str, Option<&'static str>, Option<&'static str>),
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
        address: "Jane Doe\nHohenzollernring 1\n50672 Köln\nGermany",
        pays_with: ("card", Some("visa"), Some("4242")),
    },
    DemoCustomer {
        reference: "C-1002",
        name: "Omar Haddad",
        emails: &[],
        phones: &["+447700900123"],
        external_ids: &[],
        currency: "GBP",
        orders: &[(5, "pending", 1_500), (60, "delivered", 22_000)],
        address: "Omar Haddad\n221B Baker Street\nLondon NW1 6XE\nUnited Kingdom",
        pays_with: ("card", Some("mastercard"), Some("4444")),
    },
    DemoCustomer {
        reference: "C-1003",
        name: "Lena Fischer",
        emails: &["lena@example.com"],
        phones: &[],
        external_ids: &[],
        currency: "EUR",
        orders: &[(10, "delivered", 3_990)],
        address: "Lena Fischer\nTorstraße 12\n10119 Berlin\nGermany",
        pays_with: ("paypal", None, None),
    },
    DemoCustomer {
        reference: "C-1004",
        name: "Lena Fischer (old account)",
        emails: &["lena@example.com"],
        phones: &[],
        external_ids: &[],
        currency: "EUR",
        orders: &[(700, "delivered", 1_990)],
        address: "Lena Fischer\nKastanienallee 3\n10435 Berlin\nGermany",
        pays_with: ("bank_transfer", None, None),
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
        address: "佐藤 健二\n東京都渋谷区神南1-1-1\n150-0041\nJapan",
        pays_with: ("card", Some("jcb"), Some("0005")),
    },
    DemoCustomer {
        reference: "C-1006",
        name: "Ana Costa",
        emails: &["ana@example.com"],
        phones: &[],
        external_ids: &[],
        currency: "USD",
        orders: &[],
        address: "Ana Costa\n350 Fifth Avenue\nNew York, NY 10118\nUSA",
        pays_with: ("card", Some("amex"), Some("8431")),
    },
];

/// The demo's "today", fixed so that every run writes the same dates.
const DEMO_TODAY: &str = "2026-11-20T10:00:00Z";

/// Loads the demo store when the store schema has no store yet. Returns whether it did.
/// Writes into the managed store in `store` (its statements name the relations unqualified:
/// the transaction's search_path is that schema alone).
pub async fn load_if_empty(pool: &PgPool, store: &StoreSchema) -> sqlx::Result<bool> {
    let mut tx = pool.begin().await?;
    sqlx::query(&format!("set local search_path to {}", store.quoted()))
        .execute(&mut *tx)
        .await?;
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
    for customer in CUSTOMERS.iter().chain([&MANY_ORDERS]) {
        let orders: Vec<(i32, &str, i64, &str)> = if customer.reference == MANY_ORDERS.reference {
            many_orders()
        } else {
            customer
                .orders
                .iter()
                .map(|&(days, status, total)| (days, status, total, customer.currency))
                .collect()
        };
        insert_customer(tx, store_id, customer, &orders, &mut order_number).await?;
    }
    billing_cases(tx).await
}

/// A customer with two years of orders in two currencies: more than a page of orders.
const MANY_ORDERS: DemoCustomer = DemoCustomer {
    reference: "C-1007",
    name: "Marco Rossi",
    emails: &["marco@example.it"],
    phones: &["+390612345678"],
    external_ids: &[],
    currency: "EUR",
    orders: &[],
    address: "Marco Rossi\nVia del Corso 10\n00186 Roma\nItaly",
    pays_with: ("card", Some("visa"), Some("1881")),
};

/// Marco's 45 orders: every 16 days, every third in Swiss francs (he orders for the office
/// in Lugano too), the newest still processing.
fn many_orders() -> Vec<(i32, &'static str, i64, &'static str)> {
    (0..45)
        .map(|i| {
            let days = 3 + i * 16;
            let status = if i == 0 { "processing" } else { "delivered" };
            let currency = if i % 3 == 1 { "CHF" } else { "EUR" };
            (days, status, 1_990 + i64::from(i) * 175, currency)
        })
        .collect()
}

/// Inserts one demo customer with their identities and orders (each with its items,
/// shipment, invoice, payment and refund as its status implies).
async fn insert_customer(
    tx: &mut Transaction<'_, Postgres>,
    store_id: i64,
    customer: &DemoCustomer,
    orders: &[(i32, &str, i64, &str)],
    order_number: &mut i32,
) -> sqlx::Result<()> {
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
    for &(days_ago, status, total, currency) in orders.iter().rev() {
        *order_number += 1;
        let order_id: i64 = sqlx::query_scalar(
            "insert into orders (store_id, customer_id, number, status, currency, total_minor,
                                 placed_at, shipping_address)
             values ($1, $2, $3, $4, $5, $6, $7::timestamptz - make_interval(days => $8), $9)
             returning id",
        )
        .bind(store_id)
        .bind(customer_id)
        .bind(order_number.to_string())
        .bind(status)
        .bind(currency)
        .bind(total)
        .bind(DEMO_TODAY)
        .bind(days_ago)
        .bind(customer.address)
        .fetch_one(&mut **tx)
        .await?;
        insert_items_and_shipment(tx, order_id, *order_number, status, total, days_ago).await?;
        insert_invoice_and_payment(tx, store_id, customer, order_id, *order_number).await?;
    }
    Ok(())
}

/// The invoice of an order and what was paid for it: cancelled orders' invoices are void,
/// pending ones are open (due three days after the order) and unpaid, the rest paid by the
/// customer's usual means; a refunded order's money went back in full.
async fn insert_invoice_and_payment(
    tx: &mut Transaction<'_, Postgres>,
    store_id: i64,
    customer: &DemoCustomer,
    order_id: i64,
    order_number: i32,
) -> sqlx::Result<()> {
    let invoice_id: i64 = sqlx::query_scalar(
        "insert into invoices (store_id, customer_id, order_id, number, status, currency,
                               amount_due_minor, amount_paid_minor, issued_at, due_at, pdf_url)
         select store_id, customer_id, id, $2,
                case status when 'cancelled' then 'void' when 'pending' then 'open' else 'paid' end,
                currency, total_minor,
                case when status in ('cancelled', 'pending') then 0 else total_minor end,
                placed_at,
                case when status = 'pending' then placed_at + interval '3 days' end,
                'https://billing.example.com/invoices/' || $2 || '.pdf'
           from orders where id = $1 and store_id = $3
         returning id",
    )
    .bind(order_id)
    .bind(format!("INV-{order_number}"))
    .bind(store_id)
    .fetch_one(&mut **tx)
    .await?;
    let (method, brand, last4) = customer.pays_with;
    sqlx::query(
        "insert into payments (customer_id, order_id, invoice_id, currency, amount_minor, method,
                               card_brand, card_last4, status, attempted_at)
         select customer_id, id, $2, currency, total_minor, $3, $4, $5, 'succeeded', placed_at
           from orders where id = $1 and status not in ('cancelled', 'pending')",
    )
    .bind(order_id)
    .bind(invoice_id)
    .bind(method)
    .bind(brand)
    .bind(last4)
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "insert into refunds (customer_id, order_id, payment_id, currency, amount_minor, reason,
                              status, refunded_at)
         select o.customer_id, o.id, p.id, o.currency, o.total_minor,
                'Returned: arrived damaged', 'succeeded', o.placed_at + interval '12 days'
           from orders o join payments p on p.order_id = o.id
          where o.id = $1 and o.status = 'refunded'",
    )
    .bind(order_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The billing cases an agent meets, on top of the ordinary ones: a partial refund, failed
/// payments (retried, and not yet), an overdue invoice, subscriptions in every state, a double
/// charge and a refund left pending.
async fn billing_cases(tx: &mut Transaction<'_, Postgres>) -> sqlx::Result<()> {
    let statements = [
        // Jane: one mug of order 1003 arrived chipped; part of it went back.
        "insert into refunds (customer_id, order_id, payment_id, currency, amount_minor, reason,
                              status, refunded_at)
         select o.customer_id, o.id, p.id, o.currency, 500, 'One mug arrived chipped',
                'succeeded', o.placed_at + interval '6 days'
           from orders o join payments p on p.order_id = o.id where o.number = '1003'",
        // Jane: her first card was declined for order 1005, the second went through.
        "insert into payments (customer_id, order_id, invoice_id, currency, amount_minor, method,
                               card_brand, card_last4, status, failure_reason, attempted_at)
         select o.customer_id, o.id, i.id, o.currency, o.total_minor, 'card', 'mastercard', '0004',
                'failed', 'Card declined: expired card', o.placed_at - interval '5 minutes'
           from orders o join invoices i on i.order_id = o.id where o.number = '1005'",
        // Omar: his card was declined for order 1007, whose invoice is now overdue.
        "insert into payments (customer_id, order_id, invoice_id, currency, amount_minor, method,
                               card_brand, card_last4, status, failure_reason, attempted_at)
         select o.customer_id, o.id, i.id, o.currency, o.total_minor, 'card', 'mastercard', '4444',
                'failed', 'Card declined: insufficient funds', o.placed_at
           from orders o join invoices i on i.order_id = o.id where o.number = '1007'",
        // Omar ("I paid twice I think"): his bank paid invoice INV-1006 a second time, a minute
        // after his card had paid order 1006: a double charge.
        "insert into payments (customer_id, order_id, invoice_id, currency, amount_minor, method,
                               status, attempted_at)
         select o.customer_id, null, i.id, o.currency, o.total_minor, 'bank_transfer',
                'succeeded', o.placed_at + interval '1 minute'
           from orders o join invoices i on i.order_id = o.id where o.number = '1006'",
        // Lena: the refund of her returned order 1008 has been pending for almost a week.
        "insert into refunds (customer_id, order_id, currency, amount_minor, reason, status,
                              refunded_at)
         select o.customer_id, o.id, o.currency, 1990, 'Returned: wrong size', 'pending',
                $1::timestamptz - interval '6 days'
           from orders o where o.number = '1008'",
        // Subscriptions: running, cancelled, and one whose renewal failed.
        "insert into subscriptions (customer_id, plan, status, currency, amount_minor,
                                    billing_interval, started_at, current_period_end, cancel_at)
         select c.id, s.plan, s.status, s.currency, s.amount, s.every,
                $1::timestamptz - make_interval(days => s.started),
                $1::timestamptz + make_interval(days => s.renews),
                $1::timestamptz + make_interval(days => s.ends)
           from (values
                ('C-1001', 'Tea club, monthly', 'active', 'EUR', 1490, 'month', 200, 10, null::int),
                ('C-1005', 'Matcha box', 'cancelled', 'JPY', 3000, 'month', 400, -100, -100),
                ('C-1007', 'Espresso club, yearly', 'active', 'CHF', 12000, 'year', 300, 65, null),
                ('C-1007', 'Tea club, monthly', 'past_due', 'EUR', 1490, 'month', 150, -2, null)
           ) as s (customer, plan, status, currency, amount, every, started, renews, ends)
           join customers c on c.reference = s.customer",
        // Marco: the renewal of his tea club failed.
        "insert into payments (customer_id, currency, amount_minor, method, card_brand, card_last4,
                               status, failure_reason, attempted_at)
         select id, 'EUR', 1490, 'card', 'visa', '1881', 'failed', 'Card declined: do not honor',
                $1::timestamptz - interval '2 days'
           from customers where reference = 'C-1007'",
    ];
    for statement in statements {
        let query = sqlx::query(statement);
        let query = if statement.contains("$1") {
            query.bind(DEMO_TODAY)
        } else {
            query
        };
        query.execute(&mut **tx).await?;
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
        (
            "Marco Rossi: many orders in two currencies, a renewal failed",
            contact(
                19,
                "Marco Rossi",
                json!("marco@example.it"),
                Value::Null,
                Value::Null,
            ),
            "Why did my tea club renewal fail? And please resend invoice INV-1020.",
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
