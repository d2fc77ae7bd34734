//! Every lookup path is indexed: the panel's own queries run with sequential scans disabled
//! (so the planner takes any usable index), and Postgres's statistics must show no sequential
//! scan of a store table, and a use of each lookup index. On the demo's few rows a scan would be
//! cheap; on a real store it is what makes a lookup slow, so this fails on one whatever the
//! table's size. (Statistics, not EXPLAIN: they see the real queries, written once.)

mod common;

use app::{model::panel::ORDER_PAGE_SIZE, server::db::panel as queries};
use orderpane::contact_keys::ContactKeys;
use sqlx::{
    postgres::{PgConnectOptions, PgPoolOptions},
    PgPool,
};

/// The tables that grow with the store (the store table itself has a row or two).
const STORE_TABLES: &[&str] = &[
    "customers",
    "customer_identities",
    "orders",
    "order_items",
    "shipments",
    "invoices",
    "payments",
    "refunds",
    "subscriptions",
];

/// The index behind each lookup path: identity keys, the customer reference, a customer's
/// newest orders, mentioned order and invoice numbers, an order's items, shipments, payments
/// (by order, and through its invoices) and refunds, overdue invoices and failed payments
/// counted, and a customer's invoices, payments, refunds and subscriptions.
const LOOKUP_INDEXES: &[&str] = &[
    "customer_identities_kind_value_customer_id_key",
    "customers_reference",
    "orders_customer_id_placed_at",
    "orders_number",
    "order_items_order_id",
    "shipments_order_id",
    "invoices_customer_id_issued_at",
    "invoices_number",
    "invoices_open_customer_id_due_at",
    "invoices_order_id",
    "payments_customer_id_attempted_at",
    "payments_failed_customer_id",
    "payments_invoice_id",
    "payments_order_id",
    "refunds_customer_id_refunded_at",
    "refunds_order_id",
    "subscriptions_customer_id",
];

/// Scans of each of the indexes named `$1` so far (a dropped index is simply missing).
const INDEX_SCANS: &str = "select indexrelname::text, coalesce(idx_scan, 0) \
                           from pg_stat_user_indexes where indexrelname = any($1) \
                           order by indexrelname";

/// Sequential scans of each of the tables named `$1` so far.
const TABLE_SCANS: &str = "select relname::text, coalesce(seq_scan, 0) from pg_stat_user_tables \
                           where relname = any($1) order by relname";

/// Scans of each lookup index so far.
async fn index_scans(pool: &PgPool) -> Vec<(String, i64)> {
    statistics(pool, INDEX_SCANS, LOOKUP_INDEXES).await
}

/// Sequential scans of each store table so far.
async fn sequential_scans(pool: &PgPool) -> Vec<(String, i64)> {
    statistics(pool, TABLE_SCANS, STORE_TABLES).await
}

/// The most connections one panel lookup holds, and so the size of the test's pool.
const LOOKUP_CONNECTIONS: u32 = 2;

/// One statistics view's counts for `names`, after every connection flushed its own.
async fn statistics(pool: &PgPool, sql: &str, names: &[&str]) -> Vec<(String, i64)> {
    // The lookups ran on the pool's connections: each flushes its pending statistics (at
    // the end of this statement), then this connection reads a fresh snapshot.
    let mut connections = Vec::new();
    for _ in 0..LOOKUP_CONNECTIONS {
        connections.push(pool.acquire().await.expect("connection"));
    }
    for connection in &mut connections {
        sqlx::query("select pg_stat_force_next_flush()")
            .execute(&mut **connection)
            .await
            .expect("flush");
    }
    drop(connections);
    sqlx::query("select pg_stat_clear_snapshot()")
        .execute(pool)
        .await
        .expect("snapshot");
    sqlx::query_as(sql)
        .bind(names)
        .fetch_all(pool)
        .await
        .expect("statistics")
}

/// A pool (of as many connections as one lookup holds) on the demo store, on which the planner takes any usable index over a
/// sequential scan (so a scan it still makes means there was no index to use), and whose
/// statistics therefore see every query of the test.
async fn demo_store_without_seqscans(pool: PgPoolOptions, connect: PgConnectOptions) -> PgPool {
    let pool = pool
        .max_connections(LOOKUP_CONNECTIONS)
        .connect_with(connect.options([("enable_seqscan", "off")]))
        .await
        .expect("pool");
    common::migrate(&pool).await;
    assert!(server::demo_data::load_if_empty(&pool, &Default::default())
        .await
        .expect("demo data"));
    pool
}

/// The tables (or indexes) scanned between two readings.
fn scanned(before: &[(String, i64)], after: &[(String, i64)]) -> Vec<String> {
    after
        .iter()
        .filter(|(table, count)| {
            before
                .iter()
                .any(|(was, earlier)| was == table && count > earlier)
        })
        .map(|(table, _)| table.clone())
        .collect()
}

#[sqlx::test(migrations = false)]
async fn every_panel_lookup_uses_an_index(pool: PgPoolOptions, connect: PgConnectOptions) {
    let pool = demo_store_without_seqscans(pool, connect).await;
    let keys = |id: Option<&str>, email: Option<&str>, phone: Option<&str>| {
        ContactKeys::from_raw(id, email, phone)
    };
    let before = sequential_scans(&pool).await;
    let indexes_before = index_scans(&pool).await;
    let lookups = [
        // Every key at once, with order numbers mentioned (one of another customer).
        (
            keys(
                Some("C-1001"),
                Some("jane@example.com"),
                Some("+49 221 1234567"),
            ),
            None,
            vec!["1004".to_owned(), "1008".to_owned(), "INV-1010".to_owned()],
        ),
        // An external id that is the store's customer reference.
        (keys(Some("C-1003"), None, None), None, vec![]),
        // Several matches by email, and the agent's choice among them.
        (
            keys(None, Some("lena@example.com"), None),
            Some("C-1004"),
            vec![],
        ),
        // Phone only; nothing matching at all.
        (keys(None, None, Some("+44 7700 900123")), None, vec![]),
        (keys(None, Some("nobody@example.org"), None), None, vec![]),
    ];
    for (keys, chosen, mentioned) in &lookups {
        queries::lookup(&pool, &Default::default(), keys, None, *chosen, mentioned)
            .await
            .expect("lookup");
    }
    // The next page of a customer with more than a page of orders.
    let marco = queries::lookup(
        &pool,
        &Default::default(),
        &keys(None, Some("marco@example.it"), None),
        None,
        None,
        &[],
    )
    .await
    .expect("lookup");
    let after = marco.more_orders.expect("a second page").parse().ok();
    let customer = marco.customer.expect("customer").id;
    queries::orders_page(
        &mut pool.acquire().await.expect("a connection"),
        &Default::default(),
        customer,
        after,
        ORDER_PAGE_SIZE,
    )
    .await
    .expect("page");
    let after = sequential_scans(&pool).await;
    assert_eq!(
        after.len(),
        STORE_TABLES.len(),
        "statistics for every table"
    );
    assert_eq!(scanned(&before, &after), Vec::<String>::new());
    let mut used = scanned(&indexes_before, &index_scans(&pool).await);
    used.sort();
    let mut expected: Vec<String> = LOOKUP_INDEXES.iter().map(|i| i.to_string()).collect();
    expected.sort();
    assert_eq!(used, expected, "every lookup index is used");

    // The check itself sees a scan when there is one (no index on an order's status).
    sqlx::query("select count(*) from orderpane_store.orders where status = 'pending'")
        .execute(&pool)
        .await
        .expect("scan");
    let scan = sequential_scans(&pool).await;
    assert_eq!(scanned(&after, &scan), vec!["orders".to_owned()]);
}

/// The tables a customer search or a contact link reads.
const SEARCH_TABLES: &[&str] = &[
    "customers",
    "customer_identities",
    "orders",
    "invoices",
    "contact_links",
];

/// The index behind each search path: customer reference, order and invoice numbers, phone
/// (the identity key), email prefix, name, and a contact's link.
const SEARCH_INDEXES: &[&str] = &[
    "customers_reference",
    "orders_number",
    "invoices_number",
    "customer_identities_kind_value_customer_id_key",
    "customer_identities_email_prefix",
    "customers_name_trigram",
    "contact_links_install_contact_id_key",
];

#[sqlx::test(migrations = false)]
async fn every_customer_search_uses_an_index(pool: PgPoolOptions, connect: PgConnectOptions) {
    use app::server::{db::customers::HelpdeskContact, search_terms::SearchTerms};

    let pool = demo_store_without_seqscans(pool, connect).await;
    let link = "insert into orderpane.contact_links (install, contact_id, customer_id) \
                select 'test', '16', id from orderpane_store.customers where reference = 'C-1002'";
    sqlx::query(link).execute(&pool).await.expect("a link");
    let before = statistics(&pool, TABLE_SCANS, SEARCH_TABLES).await;
    let indexes_before = statistics(&pool, INDEX_SCANS, SEARCH_INDEXES).await;
    // Each kind once, with the install's region for national phones; a two-character name
    // start; and more than six runs of one kind, after which Postgres may plan generically.
    let searches = [
        "jane@example.com",
        "lena",
        "0221 1234567",
        "+44 7700 900123",
        "Fischer",
        "An",
        "#1008",
        "INV-2026-0042",
        "C-1005",
        "ja",
        "je",
        "ji",
        "jo",
        "ju",
        "jy",
        "jz",
    ];
    for query in searches {
        let terms = SearchTerms::read(query, Some("DE"));
        app::server::db::customers::search(&pool, &Default::default(), &terms)
            .await
            .expect(query);
    }
    // The panel's lookup of a linked contact.
    let contact = HelpdeskContact {
        install: "test",
        contact_id: "16",
    };
    let keys = ContactKeys::from_raw(None, Some("nobody@example.org"), None);
    let panel = queries::lookup(&pool, &Default::default(), &keys, Some(contact), None, &[])
        .await
        .expect("lookup");
    assert!(panel.customer.is_some(), "the linked customer");

    let after = statistics(&pool, TABLE_SCANS, SEARCH_TABLES).await;
    assert_eq!(
        after.len(),
        SEARCH_TABLES.len(),
        "statistics for every table"
    );
    assert_eq!(scanned(&before, &after), Vec::<String>::new());
    let mut used = scanned(
        &indexes_before,
        &statistics(&pool, INDEX_SCANS, SEARCH_INDEXES).await,
    );
    used.sort();
    let mut expected: Vec<String> = SEARCH_INDEXES.iter().map(|i| i.to_string()).collect();
    expected.sort();
    assert_eq!(used, expected, "every search index is used");
}
