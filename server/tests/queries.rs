//! Database tests of the panel's queries and the demo store, each on a fresh database.

mod common;

use app::model::panel::MatchBasis;
use app::{model::panel::ORDER_PAGE_SIZE, server::db::panel as queries};
use orderpane::contact_keys::ContactKeys;
use sqlx::PgPool;

async fn demo(pool: &PgPool) {
    assert!(server::demo_data::load_if_empty(pool, &Default::default())
        .await
        .expect("demo data"));
}

fn keys(external_id: Option<&str>, email: Option<&str>, phone: Option<&str>) -> ContactKeys {
    ContactKeys::from_raw(external_id, email, phone)
}

#[sqlx::test(migrations = false)]
async fn a_customer_matched_by_several_keys_appears_once_with_the_strongest(pool: PgPool) {
    common::migrate(&pool).await;
    demo(&pool).await;
    let found = queries::matching_customers(
        &pool,
        &Default::default(),
        &keys(
            Some("C-1001"),
            Some("JANE@example.com "),
            Some("+49 221 1234567"),
        ),
        None,
    )
    .await
    .expect("query");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].reference, "C-1001");
    assert_eq!(found[0].basis, MatchBasis::ExternalId);
}

#[sqlx::test(migrations = false)]
async fn each_key_alone_finds_its_customer(pool: PgPool) {
    common::migrate(&pool).await;
    demo(&pool).await;
    let cases = [
        (
            keys(Some("C-1005"), None, None),
            "C-1005",
            MatchBasis::ExternalId,
        ),
        (
            keys(None, Some("Kenji@Example.jp"), None),
            "C-1005",
            MatchBasis::Email,
        ),
        (
            keys(None, None, Some("0044 7700 900123")),
            "C-1002",
            MatchBasis::Phone,
        ),
    ];
    for (keys, reference, basis) in cases {
        let found = queries::matching_customers(&pool, &Default::default(), &keys, None)
            .await
            .expect("query");
        assert_eq!(found.len(), 1, "{keys:?}");
        assert_eq!(found[0].reference, reference);
        assert_eq!(found[0].basis, basis);
    }
}

#[sqlx::test(migrations = false)]
async fn unknown_keys_match_nobody(pool: PgPool) {
    common::migrate(&pool).await;
    demo(&pool).await;
    let found = queries::matching_customers(
        &pool,
        &Default::default(),
        &keys(Some("C-9999"), Some("nobody@example.org"), None),
        None,
    )
    .await
    .expect("query");
    assert!(found.is_empty());
}

#[sqlx::test(migrations = false)]
async fn the_panel_never_guesses_between_several_matches(pool: PgPool) {
    common::migrate(&pool).await;
    demo(&pool).await;
    let single = queries::lookup(
        &pool,
        &Default::default(),
        &keys(None, Some("jane@example.com"), None),
        None,
        None,
        &[],
    )
    .await
    .expect("query");
    assert_eq!(single.orders.len(), 5);
    assert_eq!(
        single.customer.map(|c| c.reference).as_deref(),
        Some("C-1001")
    );

    let lena = keys(None, Some("lena@example.com"), None);
    let several = queries::lookup(&pool, &Default::default(), &lena, None, None, &[])
        .await
        .expect("query");
    assert_eq!(several.matches.len(), 2);
    assert_eq!(several.customer, None);
    assert!(several.orders.is_empty());
}

#[sqlx::test(migrations = false)]
async fn the_agents_choice_is_shown_only_when_it_is_one_of_the_matches(pool: PgPool) {
    common::migrate(&pool).await;
    demo(&pool).await;
    let lena = keys(None, Some("lena@example.com"), None);
    let chosen = queries::lookup(&pool, &Default::default(), &lena, None, Some("C-1004"), &[])
        .await
        .expect("query");
    assert_eq!(
        chosen.customer.map(|c| c.reference).as_deref(),
        Some("C-1004")
    );
    assert_eq!(chosen.orders.len(), 1);
    assert_eq!(chosen.matches.len(), 2, "the other match stays listed");

    // Another customer's reference opens nothing: the keys do not point at Jane.
    let forged = queries::lookup(&pool, &Default::default(), &lena, None, Some("C-1001"), &[])
        .await
        .expect("query");
    assert_eq!(forged.customer, None);
    assert!(forged.orders.is_empty());
}

#[sqlx::test(migrations = false)]
async fn a_single_external_id_match_is_the_linked_customer(pool: PgPool) {
    common::migrate(&pool).await;
    demo(&pool).await;
    // A link written back to the host (custom field) plus the shared email.
    let linked = keys(Some("C-1005"), Some("lena@example.com"), None);
    let panel = queries::lookup(&pool, &Default::default(), &linked, None, None, &[])
        .await
        .expect("query");
    assert_eq!(panel.matches.len(), 3);
    assert_eq!(
        panel.customer.map(|c| c.reference).as_deref(),
        Some("C-1005")
    );
}

#[sqlx::test(migrations = false)]
async fn orders_come_with_their_items_and_shipments(pool: PgPool) {
    common::migrate(&pool).await;
    demo(&pool).await;
    let panel = queries::lookup(
        &pool,
        &Default::default(),
        &keys(Some("C-1001"), None, None),
        None,
        None,
        &[],
    )
    .await
    .expect("query");
    for order in &panel.orders {
        let items_total: i64 = order
            .items
            .iter()
            .map(|item| i64::from(item.quantity) * item.unit_price.minor)
            .sum();
        assert_eq!(items_total, order.total.minor, "order {}", order.number);
        assert!(order.items.iter().all(|i| i.unit_price.currency == "EUR"));
    }
    let shipped = panel
        .orders
        .iter()
        .find(|o| o.status == "shipped")
        .expect("a shipped order");
    assert_eq!(shipped.shipments.len(), 1);
    assert!(shipped.shipments[0].delivered_on.is_none());
    let processing = panel
        .orders
        .iter()
        .find(|o| o.status == "processing")
        .expect("processing");
    assert!(processing.shipments.is_empty());
    let summary = shipped
        .summary()
        .render(orderpane::host_actions::TextFormat::Plain);
    assert!(
        summary.contains(&shipped.shipments[0].tracking_number),
        "{summary}"
    );
}

#[sqlx::test(migrations = false)]
async fn orders_are_newest_first(pool: PgPool) {
    common::migrate(&pool).await;
    demo(&pool).await;
    let jane = queries::matching_customers(
        &pool,
        &Default::default(),
        &keys(Some("C-1001"), None, None),
        None,
    )
    .await
    .expect("query")[0]
        .id;
    let page = queries::orders_page(
        &mut pool.acquire().await.expect("a connection"),
        &Default::default(),
        jane,
        None,
        ORDER_PAGE_SIZE,
    )
    .await
    .expect("query");
    let numbers: Vec<_> = page.orders.iter().map(|o| o.number.as_str()).collect();
    assert_eq!(numbers, ["1005", "1004", "1003", "1002", "1001"]);
    assert_eq!(page.next, None, "five orders fit one page");
}

#[sqlx::test(migrations = false)]
async fn the_demo_store_loads_once_and_deterministically(pool: PgPool) {
    common::migrate(&pool).await;
    demo(&pool).await;
    assert!(
        !server::demo_data::load_if_empty(&pool, &Default::default())
            .await
            .expect("second load")
    );
    let (customers, orders): (i64, i64) =
        sqlx::query_as("select (select count(*) from orderpane_store.customers), (select count(*) from orderpane_store.orders)")
            .fetch_one(&pool)
            .await
            .expect("counts");
    assert_eq!((customers, orders), (7, 58));
    let newest: String = sqlx::query_scalar(
        "select to_char(max(placed_at) at time zone 'UTC', 'YYYY-MM-DD HH24:MI') from orderpane_store.orders",
    )
    .fetch_one(&pool)
    .await
    .expect("date");
    assert_eq!(newest, "2026-11-19 10:00");
}

#[sqlx::test(migrations = false)]
async fn an_external_id_also_finds_a_customer_by_the_stores_reference(pool: PgPool) {
    common::migrate(&pool).await;
    demo(&pool).await;
    // Lena has no external-id identity; a custom field holding her reference finds her.
    let found = queries::matching_customers(
        &pool,
        &Default::default(),
        &keys(Some("C-1003"), None, None),
        None,
    )
    .await
    .expect("query");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].reference, "C-1003");
    assert_eq!(found[0].basis, MatchBasis::ExternalId);
}

#[sqlx::test(migrations = false)]
async fn mentioned_orders_are_found_by_number_and_flagged_when_another_customers(pool: PgPool) {
    common::migrate(&pool).await;
    demo(&pool).await;
    // An invoice number pins the order it bills.
    let mentioned = [
        "1013".to_string(),
        "COVID-19".into(),
        "INV-1003".into(),
        "1004".into(),
    ];
    let panel = queries::lookup(
        &pool,
        &Default::default(),
        &keys(Some("C-1005"), None, None),
        None,
        None,
        &mentioned,
    )
    .await
    .expect("query");
    let found: Vec<(&str, bool)> = panel
        .mentioned
        .iter()
        .map(|m| (m.order.number.as_str(), m.other_customer))
        .collect();
    assert_eq!(
        found,
        [("1013", false), ("1003", true), ("1004", true)],
        "in the order mentioned"
    );
    assert_eq!(panel.mentioned[2].customer_reference, "C-1001");
    assert_eq!(panel.mentioned[2].order.items.len(), 2);
}

#[sqlx::test(migrations = false)]
async fn one_lookup_holds_at_most_two_pool_connections(pool: PgPool) {
    common::migrate(&pool).await;
    use std::sync::{
        atomic::{AtomicI64, Ordering},
        Arc,
    };
    demo(&pool).await;
    // The same database through a pool that counts the connections it hands out (new ones
    // after connecting, idle ones before being reused) and takes back.
    let (out, peak) = (Arc::new(AtomicI64::new(0)), Arc::new(AtomicI64::new(0)));
    let handed_out = {
        let (out, peak) = (out.clone(), peak.clone());
        move || {
            let now = out.fetch_add(1, Ordering::SeqCst) + 1;
            peak.fetch_max(now, Ordering::SeqCst);
        }
    };
    let (on_connect, on_acquire, released) = (handed_out.clone(), handed_out, out.clone());
    let counting = sqlx::postgres::PgPoolOptions::new()
        .max_connections(16)
        .after_connect(move |_, _| {
            on_connect();
            Box::pin(async { Ok(()) })
        })
        .before_acquire(move |_, _| {
            on_acquire();
            Box::pin(async { Ok(true) })
        })
        .after_release(move |_, _| {
            released.fetch_sub(1, Ordering::SeqCst);
            Box::pin(async { Ok(true) })
        })
        .connect_with(pool.connect_options().as_ref().clone())
        .await
        .expect("counting pool");
    // Connecting tried one connection; its return to the pool runs in the background. Count
    // from a pool whose connections are all back.
    while counting.num_idle() < counting.size() as usize {
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    out.store(0, Ordering::SeqCst);
    peak.store(0, Ordering::SeqCst);
    // A shown customer with orders, invoices and payments, and mentioned orders of others.
    let mentioned = ["1003".to_string(), "1004".into(), "INV-1003".into()];
    let found = queries::lookup(
        &counting,
        &Default::default(),
        &keys(Some("C-1005"), None, None),
        None,
        None,
        &mentioned,
    )
    .await
    .expect("lookup");
    assert!(!found.orders.is_empty() && !found.mentioned.is_empty());
    let most = peak.load(Ordering::SeqCst);
    assert!(
        (1..=2).contains(&most),
        "one lookup held {most} connections at once"
    );
}

/// The lookup reads the shown customer in one statement composed of the statements each part
/// runs on its own (the next pages of orders, the checks of `store check`): both must give
/// the same panel, for every demo customer.
#[sqlx::test(migrations = false)]
async fn the_one_statement_reads_what_the_parts_read_on_their_own(pool: PgPool) {
    use app::server::db::billing;
    common::migrate(&pool).await;
    demo(&pool).await;
    let store = Default::default();
    let thresholds = Default::default();
    let references: Vec<String> =
        sqlx::query_scalar("select reference from orderpane_store.customers")
            .fetch_all(&pool)
            .await
            .expect("customers");
    assert!(references.len() >= 5, "the demo store has customers");
    let mut orders_seen = 0;
    for reference in references {
        let found = queries::lookup(
            &pool,
            &store,
            &keys(Some(&reference), None, None),
            None,
            None,
            &[],
        )
        .await
        .expect("lookup");
        let customer = found.customer.as_ref().expect("the customer is shown");
        let mut conn = pool.acquire().await.expect("connection");
        let summary = billing::summary(&mut *conn, &store, customer.id)
            .await
            .expect("summary");
        let page = queries::orders_page(&mut conn, &store, customer.id, None, ORDER_PAGE_SIZE)
            .await
            .expect("orders");
        let billing = billing::billing(&mut *conn, &store, customer.id, &thresholds)
            .await
            .expect("billing");
        assert_eq!(found.summary, summary, "{reference}");
        assert_eq!(found.orders, page.orders, "{reference}");
        assert_eq!(found.more_orders, page.next, "{reference}");
        assert_eq!(found.billing, billing, "{reference}");
        orders_seen += found.orders.len();
    }
    assert!(
        orders_seen > 10,
        "the comparison covered orders ({orders_seen})"
    );
}
