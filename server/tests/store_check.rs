//! `server store check` on real databases: the managed store, the mapped example of
//! docs/examples (the shop's tables with the contract as views), and that example broken in
//! each way the check reports: a view without a column, a column of the wrong type, a lookup
//! without its index, a table without its notify trigger. And the command itself: its exit
//! status and output.

mod common;

use app::server::store::StoreMode;
use server::{
    schema::StoreSettings,
    store::check::{self, Report, Severity},
};
use sqlx::PgPool;

/// The shop's own tables, with a few rows.
const SHOP: &str = include_str!("../../docs/examples/mapped-shop.sql");
/// The contract as views over them, the indexes the lookups need, the notify triggers.
const STORE: &str = include_str!("../../docs/examples/mapped-store.sql");

/// The mapped store in the default store schema.
fn mapped() -> StoreSettings {
    StoreSettings {
        schema: Default::default(),
        mode: StoreMode::Mapped,
    }
}

/// Orderpane's own schema (nothing in the store schema) and the README's example.
async fn mapped_example(pool: &PgPool) {
    server::schema::migrate(pool, &mapped())
        .await
        .expect("migrations");
    sqlx::raw_sql(SHOP).execute(pool).await.expect("the shop");
    sqlx::raw_sql(STORE).execute(pool).await.expect("the views");
}

/// The findings of this severity.
fn findings(report: &Report, severity: Severity) -> Vec<String> {
    report
        .sections
        .iter()
        .flat_map(|s| &s.findings)
        .filter(|f| f.severity == severity)
        .map(|f| f.text.clone())
        .collect()
}

/// Whether some finding of this severity contains every one of `parts`.
fn has(report: &Report, severity: Severity, parts: &[&str]) -> bool {
    findings(report, severity)
        .iter()
        .any(|text| parts.iter().all(|part| text.contains(part)))
}

/// The orders view again, as `select` says (the example's other views stay).
async fn replace_orders_view(pool: &PgPool, select: &str) {
    sqlx::raw_sql(&format!(
        "drop view orderpane_store.orders; create view orderpane_store.orders as {select}"
    ))
    .execute(pool)
    .await
    .expect("the orders view");
}

#[sqlx::test(migrations = false)]
async fn the_managed_store_with_the_demo_data_serves_orderpane_well(pool: PgPool) {
    common::migrate(&pool).await;
    assert!(server::demo_data::load_if_empty(&pool, &Default::default())
        .await
        .expect("demo data"));
    sqlx::query("analyze")
        .execute(&pool)
        .await
        .expect("analyze");
    let report = check::full(&pool, &StoreSettings::default())
        .await
        .expect("check");
    println!("{report}");
    assert!(!report.blocks(), "{report}");
    assert_eq!(findings(&report, Severity::Warning), Vec::<String>::new());
    assert_eq!(
        report.sections.len(),
        4,
        "contract, identities, lookups, live"
    );
    assert!(report
        .to_string()
        .contains("Ready: the store serves Orderpane well."));
}

#[sqlx::test(migrations = false)]
async fn the_mapped_example_serves_orderpane_well(pool: PgPool) {
    mapped_example(&pool).await;
    let report = check::full(&pool, &mapped()).await.expect("check");
    println!("{report}");
    assert!(!report.blocks(), "{report}");
    assert_eq!(findings(&report, Severity::Warning), Vec::<String>::new());
    assert!(has(
        &report,
        Severity::Ok,
        &["customers matching a contact: served by indexes"]
    ));
    assert!(has(
        &report,
        Severity::Ok,
        &["orderpane_store.order_items: changes are announced"]
    ));
}

#[sqlx::test(migrations = false)]
async fn a_view_without_a_contract_column_blocks(pool: PgPool) {
    mapped_example(&pool).await;
    replace_orders_view(
        &pool,
        "select id, 1::bigint as store_id, user_id as customer_id, order_no as number,
                state as status, currency::text as currency,
                round(total * 100)::bigint as total_minor, created_at as placed_at
           from public.orders",
    )
    .await;
    let report = check::full(&pool, &mapped()).await.expect("check");
    assert!(report.blocks());
    assert!(
        has(
            &report,
            Severity::Blocking,
            &["orderpane_store.orders.shipping_address: missing; expected text"]
        ),
        "{report}"
    );
    // The same problem stops the server at start.
    let start = check::columns(&pool, &Default::default())
        .await
        .expect("columns")
        .into_result()
        .expect_err("blocks");
    assert!(
        start.contains("orderpane_store.orders.shipping_address"),
        "{start}"
    );
}

#[sqlx::test(migrations = false)]
async fn a_column_of_the_wrong_type_names_what_was_expected_and_found(pool: PgPool) {
    mapped_example(&pool).await;
    // Money as the shop keeps it (numeric), not in minor units.
    replace_orders_view(
        &pool,
        "select id, 1::bigint as store_id, user_id as customer_id, order_no as number,
                state as status, currency::text as currency, total as total_minor,
                created_at as placed_at, ship_to as shipping_address
           from public.orders",
    )
    .await;
    let report = check::full(&pool, &mapped()).await.expect("check");
    assert!(report.blocks());
    assert!(
        has(
            &report,
            Severity::Blocking,
            &["orderpane_store.orders.total_minor: expected bigint, found numeric(12,2)"]
        ),
        "{report}"
    );
    // Everything else of the contract is as it should be.
    assert_eq!(findings(&report, Severity::Blocking).len(), 1, "{report}");
}

#[sqlx::test(migrations = false)]
async fn a_mapped_lookup_without_its_index_names_the_shops_table_and_the_index(pool: PgPool) {
    mapped_example(&pool).await;
    sqlx::raw_sql(
        "drop index public.orders_user_id_created_at; drop index public.users_email_lookup;
         drop index public.users_reference_lookup;",
    )
    .execute(&pool)
    .await
    .expect("drop the indexes");
    let report = check::full(&pool, &mapped()).await.expect("check");
    println!("{report}");
    // Slow, not wrong: the panel still works.
    assert!(!report.blocks(), "{report}");
    assert!(
        has(
            &report,
            Severity::Warning,
            &[
                "public.orders (under orderpane_store.orders) is read whole",
                "the customer's orders, first page",
                "`create index on public.orders (user_id, created_at desc, id desc)`",
            ]
        ),
        "{report}"
    );
    assert!(
        has(
            &report,
            Severity::Warning,
            &[
                "public.users (under orderpane_store.customer_identities",
                "customers matching a contact",
                "`create index on public.users (lower(btrim(email)))`",
            ]
        ),
        "{report}"
    );
    // Search reads emails by prefix: the index it needs is a pattern one.
    assert!(
        has(
            &report,
            Severity::Warning,
            &[
                "customer search",
                "`create index on public.users (lower(btrim(email)) text_pattern_ops)`",
            ]
        ),
        "{report}"
    );
    // On three users the planner reads the primary key whole rather than the table: that
    // counts too, as no index leads with the reference.
    assert!(
        has(
            &report,
            Severity::Warning,
            &[
                "public.users (under orderpane_store.customer_identities, \
                 orderpane_store.customers) is read whole",
                "`create index on public.users (((id)::text))`",
            ]
        ),
        "{report}"
    );
    assert!(has(
        &report,
        Severity::Ok,
        &["order items: served by indexes"]
    ));
    // The statements it names are the fix.
    sqlx::raw_sql(
        "create index on public.orders (user_id, created_at desc, id desc);
         create index on public.users (lower(btrim(email)) text_pattern_ops);
         create index on public.users (((id)::text));",
    )
    .execute(&pool)
    .await
    .expect("the indexes");
    let report = check::full(&pool, &mapped()).await.expect("check");
    assert_eq!(findings(&report, Severity::Warning), Vec::<String>::new());
}

#[sqlx::test(migrations = false)]
async fn a_table_without_its_notify_trigger_is_reported(pool: PgPool) {
    mapped_example(&pool).await;
    sqlx::query("drop trigger orderpane_notify on public.orders")
        .execute(&pool)
        .await
        .expect("drop the trigger");
    let report = check::full(&pool, &mapped()).await.expect("check");
    assert!(!report.blocks(), "{report}");
    assert!(
        has(
            &report,
            Severity::Warning,
            &[
                "orderpane_store.orders: changes to public.orders are not announced",
                "pg_notify('orderpane_customer_changed'",
            ]
        ),
        "{report}"
    );
    let live = report.sections.last().expect("the live section");
    assert_eq!(live.title, "Live updates (mapped store): partly off");
}

/// The URL of the test's own database (the server's DATABASE_URL with its name).
fn database_url(pool: &PgPool) -> String {
    common::database_url_of(&common::test_database(pool))
}

/// Runs `server store check` on the test's database as a mapped store.
async fn store_check(pool: &PgPool) -> (bool, String) {
    let url = database_url(pool);
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .args(["store", "check"])
        .env("DATABASE_URL", url)
        .env("ORDERPANE_STORE_MODE", "mapped")
        .env_remove("ORDERPANE_STORE_SCHEMA")
        .env("RUST_LOG", "warn")
        .output()
        .await
        .expect("the server runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

#[sqlx::test(migrations = false)]
async fn the_command_exits_non_zero_only_when_something_blocks(pool: PgPool) {
    mapped_example(&pool).await;
    let (ok, output) = store_check(&pool).await;
    assert!(ok, "{output}");
    assert!(
        output.contains("Ready: the store serves Orderpane well."),
        "{output}"
    );

    // A warning alone still exits 0.
    sqlx::query("drop trigger orderpane_notify on public.payments")
        .execute(&pool)
        .await
        .expect("drop the trigger");
    let (ok, output) = store_check(&pool).await;
    assert!(ok, "{output}");
    assert!(output.contains("[warn]"), "{output}");

    replace_orders_view(
        &pool,
        "select id, 1::bigint as store_id, user_id as customer_id, order_no as number,
                state as status, currency::text as currency, total as total_minor,
                created_at as placed_at, ship_to as shipping_address
           from public.orders",
    )
    .await;
    let (ok, output) = store_check(&pool).await;
    assert!(!ok, "{output}");
    assert!(
        output.contains(
            "[FAIL] orderpane_store.orders.total_minor: expected bigint, found numeric(12,2)"
        ),
        "{output}"
    );
    assert!(output.contains("Blocked"), "{output}");
}
