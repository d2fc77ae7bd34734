//! A panel served from a mapped store: the example of docs/examples (the shop's own `users`,
//! `orders`, `order_lines` and `payments`, with the store contract as views over them), read
//! live over HTTP, and a change in the shop's own tables announced to open panels.
//!
//! Also, ignored (a measurement, not a test; `make bench-mapped`): the panel lookup on the
//! mapped example against the managed store with the same data.

mod common;

use std::time::{Duration, Instant};

use app::server::{
    db::panel as queries,
    store::{StoreMode, StoreSchema},
};
use common::{between, text_of, Answer, TestApp};
use orderpane::contact_keys::ContactKeys;
use serde_json::json;
use server::schema::StoreSettings;
use sqlx::{postgres::PgListener, PgPool};

const SHOP: &str = include_str!("../../docs/examples/mapped-shop.sql");
const STORE: &str = include_str!("../../docs/examples/mapped-store.sql");

fn mapped() -> StoreSettings {
    StoreSettings {
        schema: Default::default(),
        mode: StoreMode::Mapped,
    }
}

async fn panel_of(response: axum::http::Response<axum::body::Body>) -> Answer {
    Answer::of(response).await
}

#[sqlx::test(migrations = false)]
async fn the_panel_reads_the_shops_own_tables_through_the_views(pool: PgPool) {
    server::schema::migrate(&pool, &mapped())
        .await
        .expect("migrations");
    sqlx::raw_sql(SHOP).execute(&pool).await.expect("the shop");
    sqlx::raw_sql(STORE)
        .execute(&pool)
        .await
        .expect("the views");
    let app = TestApp::new(pool.clone(), "mapped_panel");

    // The shop keeps "Jane.Doe@Example.com"; the contact's email is normalised.
    let panel = panel_of(app.panel(json!({"email": "jane.doe@example.com"})).await).await;
    assert_eq!(
        (panel.customer().as_deref(), panel.name().as_deref()),
        (Some("1"), Some("Jane Doe"))
    );
    assert_eq!(
        panel.orders(),
        ["A-10003", "A-10002", "A-10001"],
        "newest first"
    );
    let html = panel.html();
    let row = |number: &str| {
        let start = format!(r#"<tr data-order="{number}""#);
        text_of(between(html, &start, "</tr>").expect("the order's row"))
    };
    // The shop's states, mapped.
    assert!(row("A-10003").contains("cancelled"), "{}", row("A-10003"));
    assert!(row("A-10002").contains("shipped"), "{}", row("A-10002"));
    // numeric(12,2) euros, read as cents.
    let first = row("A-10001");
    assert!(first.contains("delivered"), "{first}");
    assert!(first.contains("€59.90"), "{first}");
    assert!(first.contains("paid"), "{first}");
    let details = between(html, r#"data-order-detail="A-10001""#, "</tr>").expect("details");
    let items = between(details, r#"<ul class="items">"#, "</ul>").map(text_of);
    let items = items.expect("items");
    assert!(
        items.contains("2 × ") && items.contains("MUG-01 · €14.95"),
        "{items}"
    );
    assert!(
        items.contains("3 × ") && items.contains("TEA-10 · €10.00"),
        "{items}"
    );
    let spent = between(html, r#"data-state="spent">"#, "</dd>").map(text_of);
    assert_eq!(
        spent.as_deref(),
        Some("€84.40"),
        "the cancelled order is not spent"
    );
    let count = between(html, r#"data-state="order-count">"#, "</dd>").map(text_of);
    assert_eq!(count.as_deref(), Some("3"));
    // The shop's payments, as the contract's.
    let payments = between(html, r#"data-section="payments""#, "</details>").expect("payments");
    assert_eq!(
        payments.matches("<strong>Card</strong>").count(),
        2,
        "{payments}"
    );

    // A national phone number in the shop, found by its E.164 form.
    let panel = panel_of(app.panel(json!({"phone": "+492217654321"})).await).await;
    assert_eq!(panel.name().as_deref(), Some("Marco Rossi"));
    let newest = panel.orders()[0].clone();
    let start = format!(r#"<tr data-order="{newest}""#);
    let row = text_of(between(panel.html(), &start, "</tr>").expect("row"));
    assert!(
        row.contains("paid ·"),
        "a declined card, then PayPal: {row}"
    );
}

/// The next notification's payload, within five seconds.
async fn next(listener: &mut PgListener) -> String {
    tokio::time::timeout(Duration::from_secs(5), listener.recv())
        .await
        .expect("a notification in time")
        .expect("a notification")
        .payload()
        .to_string()
}

#[sqlx::test(migrations = false)]
async fn a_change_in_the_shops_tables_is_announced(pool: PgPool) {
    server::schema::migrate(&pool, &mapped())
        .await
        .expect("migrations");
    sqlx::raw_sql(SHOP).execute(&pool).await.expect("the shop");
    sqlx::raw_sql(STORE)
        .execute(&pool)
        .await
        .expect("the views");
    let mut listener = PgListener::connect_with(&pool).await.expect("listener");
    listener
        .listen("orderpane_customer_changed")
        .await
        .expect("listen");

    // An order's state, in the shop's own words.
    sqlx::query("update public.orders set state = 'delivered' where order_no = 'A-10002'")
        .execute(&pool)
        .await
        .expect("update");
    assert_eq!(next(&mut listener).await, "1", "Jane's id");
    // A line of Marco's order: the customer is the order's.
    sqlx::query(
        "insert into public.order_lines (order_id, sku, title, qty, price)
         select id, 'CUP-1', 'Cup', 1, 5.00 from public.orders where order_no = 'A-10004'",
    )
    .execute(&pool)
    .await
    .expect("insert");
    assert_eq!(next(&mut listener).await, "2", "Marco's id");
}

/// Lookups timed on each store (after as many to warm up).
const RUNS: usize = 400;

/// The shop's tables grown to a size where indexes matter: 20,000 more users, 100,000 orders
/// with two lines and a payment each. Run before the views' triggers exist.
const GROW_SHOP: &str = r#"
insert into public.users (email, full_name, phone, created_at)
select format('  Customer.%s@Example.COM', g), format('Customer %s', g),
       case g % 3 when 0 then format('+49 221 %s', lpad(g::text, 7, '0'))
                  when 1 then format('0221 %s', lpad(g::text, 7, '0')) end,
       now() - (g % 1000) * interval '1 day'
  from generate_series(1, 20000) g;
insert into public.orders (user_id, order_no, state, currency, total, created_at, ship_to)
select 4 + g % 20000, format('B-%s', g),
       (array['new', 'paid', 'packed', 'sent', 'delivered', 'cancelled', 'returned'])[1 + g % 7],
       'EUR', (g % 10000) / 100.0 + 1, now() - (g % 700) * interval '1 day' - g * interval '1 second',
       format('Street %s, 50667 Köln', g)
  from generate_series(1, 100000) g;
insert into public.order_lines (order_id, sku, title, qty, price)
select o.id, format('SKU-%s', n), format('Item %s', n), n, o.total / 2 / n
  from public.orders o cross join generate_series(1, 2) n;
insert into public.payments (order_id, user_id, amount, currency, provider, status, created_at)
select id, user_id, total, 'EUR', 'card', case when id % 10 = 0 then 'declined' else 'captured' end,
       created_at + interval '1 minute'
  from public.orders;
"#;

/// The managed store filled from the views: the same rows, in Orderpane's own tables.
const COPY_TO_MANAGED: &str = r#"
set session_replication_role = replica;
insert into managed_store.stores (id, name) select id, name from orderpane_store.stores;
insert into managed_store.customers (id, store_id, reference, name, created_at)
select id, store_id, reference, name, created_at from orderpane_store.customers;
insert into managed_store.customer_identities (customer_id, kind, value)
select customer_id, kind, value from orderpane_store.customer_identities;
insert into managed_store.orders
       (id, store_id, customer_id, number, status, currency, total_minor, placed_at,
        shipping_address)
select id, store_id, customer_id, number, status, currency, total_minor, placed_at,
       shipping_address
  from orderpane_store.orders;
insert into managed_store.order_items (id, order_id, sku, name, quantity, unit_price_minor)
select id, order_id, sku, name, quantity, unit_price_minor from orderpane_store.order_items;
insert into managed_store.payments
       (id, customer_id, order_id, invoice_id, currency, amount_minor, method, card_brand,
        card_last4, status, failure_reason, attempted_at)
select id, customer_id, order_id, invoice_id, currency, amount_minor, method, card_brand,
       card_last4, status, failure_reason, attempted_at
  from orderpane_store.payments;
set session_replication_role = origin;
"#;

/// The median and 99th percentile, in milliseconds.
fn figures(mut times: Vec<Duration>) -> (f64, f64) {
    times.sort();
    let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize].as_secs_f64() * 1e3;
    (at(0.5), at(0.99))
}

/// `make bench-mapped`: the panel lookup (`app::server::db::panel::lookup`, by email) for
/// the same customers on the mapped example and on the managed store with the same rows,
/// in one database, alternating. Prints the median and 99th percentile of each.
#[sqlx::test(migrations = false)]
#[ignore = "a measurement: run by scripts/bench-mapped.sh"]
async fn measure_mapped_against_managed_lookup_latency(pool: PgPool) {
    let started = Instant::now();
    server::schema::migrate(&pool, &mapped())
        .await
        .expect("migrations");
    sqlx::raw_sql(SHOP).execute(&pool).await.expect("the shop");
    sqlx::raw_sql(GROW_SHOP).execute(&pool).await.expect("grow");
    sqlx::raw_sql(STORE)
        .execute(&pool)
        .await
        .expect("the views");
    let managed = StoreSettings {
        schema: StoreSchema::new("managed_store").expect("a schema name"),
        mode: StoreMode::Managed,
    };
    server::schema::migrate(&pool, &managed)
        .await
        .expect("managed migrations");
    sqlx::raw_sql(COPY_TO_MANAGED)
        .execute(&pool)
        .await
        .expect("copy");
    sqlx::query("analyze")
        .execute(&pool)
        .await
        .expect("analyze");
    let sizes: (i64, i64, i64) = sqlx::query_as(
        "select (select count(*) from orderpane_store.customers),
                (select count(*) from orderpane_store.orders),
                (select count(*) from managed_store.orders)",
    )
    .fetch_one(&pool)
    .await
    .expect("sizes");
    println!(
        "store: {} customers, {} orders (managed copy: {} orders), ready in {:.1} s",
        sizes.0,
        sizes.1,
        sizes.2,
        started.elapsed().as_secs_f64()
    );

    // What `server store check` says of the lookups on each store at this size.
    for settings in [mapped(), managed.clone()] {
        let report = server::store::check::full(&pool, &settings)
            .await
            .expect("check");
        for section in report
            .sections
            .iter()
            .filter(|s| s.title.contains("lookups"))
        {
            println!("{} ({} store)", section.title, settings.mode);
            for finding in section
                .findings
                .iter()
                .filter(|f| f.severity != server::store::check::Severity::Ok)
            {
                println!("  {:?}: {}", finding.severity, finding.text);
            }
        }
    }

    // Customers spread over the store, each with about five orders.
    let emails: Vec<String> = sqlx::query_scalar(
        "select value from orderpane_store.customer_identities
          where kind = 'email' and customer_id % 47 = 0 order by customer_id limit $1",
    )
    .bind(RUNS as i64)
    .fetch_all(&pool)
    .await
    .expect("emails");
    assert_eq!(emails.len(), RUNS);
    let stores = [
        (
            "mapped (views over the shop's tables)",
            StoreSchema::default(),
        ),
        ("managed (Orderpane's tables)", managed.schema.clone()),
    ];
    let mut times: Vec<Vec<Duration>> = vec![Vec::new(), Vec::new()];
    for warm_up in [true, false] {
        for email in &emails {
            let keys = ContactKeys::from_raw(None, Some(email), None);
            for (i, (_, schema)) in stores.iter().enumerate() {
                let start = Instant::now();
                let found = queries::lookup(&pool, schema, &keys, None, None, &[])
                    .await
                    .expect("lookup");
                let took = start.elapsed();
                assert!(found.customer.is_some(), "{email}");
                assert!(!found.orders.is_empty(), "{email}");
                if !warm_up {
                    times[i].push(took);
                }
            }
        }
    }
    println!("panel lookup by email, {RUNS} customers, one at a time:");
    for ((name, _), times) in stores.iter().zip(times) {
        let (median, p99) = figures(times);
        println!("  {name:<40} median {median:6.2} ms   p99 {p99:6.2} ms");
    }
}
