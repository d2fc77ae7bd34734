//! `server import` against a real Postgres: JSON Lines and CSV, idempotence, the panel's
//! normalisation of contacts, money, bad lines with `--on-error stop` and `skip`, unknown
//! references, a 10,000-line file, and the real binary's exit status and output.

mod common;

use std::{
    path::{Path, PathBuf},
    time::{Duration, Instant},
};

use server::import::{self, Entity, ImportError, OnError, Options, Summary};
use sqlx::PgPool;

/// A fixture file of this test suite.
fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import")
        .join(name)
}

/// Writes `text` into a fresh file of this test and returns its path.
fn file(test: &str, name: &str, text: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("import")
        .join(test);
    std::fs::create_dir_all(&dir).expect("test folder");
    let path = dir.join(name);
    std::fs::write(&path, text).expect("test file");
    path
}

/// Imports `files` with the command line's defaults, adjusted by `adjust`.
async fn import_with(
    pool: &PgPool,
    files: &[PathBuf],
    adjust: impl FnOnce(&mut Options),
) -> Result<Summary, ImportError> {
    let mut options = Options::new(files.iter().cloned());
    adjust(&mut options);
    import::import_files(pool, &common::store(), &options).await
}

async fn import(pool: &PgPool, files: &[PathBuf]) -> Summary {
    import_with(pool, files, |options| {
        options.phone_region = Some("DE".into())
    })
    .await
    .expect("imports")
}

async fn count(pool: &PgPool, table: &str) -> i64 {
    sqlx::query_scalar(&format!("select count(*) from orderpane_store.{table}"))
        .fetch_one(pool)
        .await
        .expect("count")
}

/// The whole store, row by row (with each row's xmin), to compare before and after.
async fn snapshot(pool: &PgPool) -> Vec<String> {
    let mut rows = Vec::new();
    for table in [
        "stores",
        "customers",
        "customer_identities",
        "orders",
        "order_items",
        "shipments",
        "invoices",
        "payments",
        "refunds",
        "subscriptions",
    ] {
        let table_rows: Vec<(String,)> = sqlx::query_as(&format!(
            "select '{table} ' || t.xmin::text || ' ' || row_to_json(t)::text \
             from orderpane_store.{table} t order by id"
        ))
        .fetch_all(pool)
        .await
        .expect("rows");
        rows.extend(table_rows.into_iter().map(|(row,)| row));
    }
    rows
}

#[sqlx::test(migrations = false)]
async fn good_jsonl_and_csv_files_import(pool: PgPool) {
    common::migrate(&pool).await;
    // customers.csv and order_items.csv need their type: import them on their own.
    let customers = import_with(&pool, &[fixture("customers.csv")], |o| {
        o.entity = Some(Entity::Customers);
        o.phone_region = Some("DE".into());
    })
    .await
    .expect("customers import");
    assert_eq!(customers.counts(Entity::Customers).read, 3);
    assert_eq!(customers.counts(Entity::Customers).inserted, 2);
    assert_eq!(customers.counts(Entity::CustomerIdentities).inserted, 6);
    let store = import(&pool, &[fixture("store.jsonl")]).await;
    assert_eq!(store.bad_lines, 0, "{}", store.error_report());
    assert_eq!(store.counts(Entity::Orders).inserted, 2);
    assert_eq!(store.counts(Entity::OrderItems).inserted, 3);
    assert_eq!(store.counts(Entity::Shipments).inserted, 1);
    for entity in [
        Entity::Invoices,
        Entity::Payments,
        Entity::Refunds,
        Entity::Subscriptions,
    ] {
        assert_eq!(store.counts(entity).inserted, 1, "{entity}");
    }
    let items = import_with(&pool, &[fixture("order_items.csv")], |o| {
        o.entity = Some(Entity::OrderItems)
    })
    .await
    .expect("items import");
    assert_eq!(items.counts(Entity::OrderItems).inserted, 1);

    assert_eq!(count(&pool, "stores").await, 1, "one default store");
    assert_eq!(count(&pool, "customers").await, 3);
    assert_eq!(count(&pool, "order_items").await, 4);
    let (sku, name, quantity, price): (String, String, i32, i64) = sqlx::query_as(
        "select sku, name, quantity, unit_price_minor from orderpane_store.order_items \
         where external_id = 'L-10'",
    )
    .fetch_one(&pool)
    .await
    .expect("item");
    assert_eq!(
        (sku.as_str(), name.as_str(), quantity, price),
        ("CABLE", "USB cable, 2 m", 3, 500)
    );
    // Nested items take their position as external id; a tab survives COPY.
    let positions: Vec<(String, String)> = sqlx::query_as(
        "select i.external_id, i.name from orderpane_store.order_items i \
         join orderpane_store.orders o on o.id = i.order_id where o.number = '1001' order by 1",
    )
    .fetch_all(&pool)
    .await
    .expect("items");
    assert_eq!(
        positions,
        [("1".into(), "Mug".into()), ("2".into(), "Tea\ttin".into())]
    );
    let (refund_payment,): (String,) = sqlx::query_as(
        "select p.external_id from orderpane_store.refunds r \
         join orderpane_store.payments p on p.id = r.payment_id",
    )
    .fetch_one(&pool)
    .await
    .expect("refund");
    assert_eq!(refund_payment, "pi_1");
}

#[sqlx::test(migrations = false)]
async fn a_second_import_of_the_same_files_changes_nothing(pool: PgPool) {
    common::migrate(&pool).await;
    let files = [fixture("store.jsonl")];
    let setup = file(
        "idempotent",
        "customers.jsonl",
        "{\"type\":\"customer\",\"reference\":\"C-1\",\"name\":\"Jane\"}\n\
         {\"type\":\"customer\",\"reference\":\"C-2\",\"name\":\"Omar\"}\n",
    );
    let mut all = vec![setup];
    all.extend(files);
    let first = import(&pool, &all).await;
    assert!(first.counts(Entity::Orders).inserted > 0);
    let before = snapshot(&pool).await;
    let second = import(&pool, &all).await;
    for entity in Entity::ALL {
        let counts = second.counts(entity);
        assert_eq!((counts.inserted, counts.updated), (0, 0), "{entity}");
        assert_eq!(counts.unchanged(), first.counts(entity).read, "{entity}");
    }
    assert_eq!(
        snapshot(&pool).await,
        before,
        "same rows, same xmin: nothing rewritten"
    );

    // A changed value is an update, and only of that row.
    let changed = file(
        "idempotent",
        "changed.jsonl",
        "{\"type\":\"customer\",\"reference\":\"C-2\",\"name\":\"Omar H.\"}\n",
    );
    let third = import(&pool, &[changed]).await;
    assert_eq!(third.counts(Entity::Customers).updated, 1);
    assert_eq!(third.counts(Entity::Customers).inserted, 0);
}

#[sqlx::test(migrations = false)]
async fn contacts_are_normalised_as_the_panel_reads_them(pool: PgPool) {
    common::migrate(&pool).await;
    let path = file(
        "normalise",
        "customers.jsonl",
        "{\"reference\":\"C-1\",\"name\":\"Jane\",\"emails\":[\"  Jane.DOE@Example.COM \"],\
         \"phones\":[\"0221 1234567\", \"+49 (221) 123-4567\"]}\n",
    );
    let summary = import_with(&pool, std::slice::from_ref(&path), |o| {
        o.entity = Some(Entity::Customers);
        o.phone_region = Some("DE".into());
    })
    .await
    .expect("imports");
    // The two spellings of one phone are one identity.
    assert_eq!(summary.counts(Entity::CustomerIdentities).inserted, 2);
    let identities: Vec<(String, String)> =
        sqlx::query_as("select kind, value from orderpane_store.customer_identities order by kind")
            .fetch_all(&pool)
            .await
            .expect("identities");
    assert_eq!(
        identities,
        [
            ("email".into(), "jane.doe@example.com".into()),
            ("phone".into(), "+492211234567".into())
        ]
    );

    // Without a region the national phone cannot be read: the line is bad, and says why.
    let error = import_with(&pool, &[path], |o| o.entity = Some(Entity::Customers))
        .await
        .expect_err("national phone without region");
    let ImportError::Rejected(summary) = error else {
        panic!("rejected, not {error}");
    };
    assert_eq!(summary.errors[0].line, 1);
    assert!(
        summary.errors[0].reason.contains("--phone-region"),
        "{}",
        summary.errors[0]
    );
}

#[sqlx::test(migrations = false)]
async fn a_float_amount_is_refused_with_its_line_number(pool: PgPool) {
    common::migrate(&pool).await;
    let path = file(
        "float",
        "orders.jsonl",
        "{\"type\":\"customer\",\"reference\":\"C-1\",\"name\":\"Jane\"}\n\
         {\"type\":\"order\",\"number\":\"1\",\"customer\":\"C-1\",\"status\":\"pending\",\
         \"currency\":\"EUR\",\"total\":12.34,\"placed_at\":\"2024-05-01T10:00:00Z\"}\n",
    );
    let error = import_with(&pool, std::slice::from_ref(&path), |_| {})
        .await
        .expect_err("float refused");
    let ImportError::Rejected(summary) = &error else {
        panic!("rejected, not {error}");
    };
    assert_eq!(summary.bad_lines, 1);
    let bad = &summary.errors[0];
    assert_eq!((bad.file.as_str(), bad.line), (path.to_str().unwrap(), 2));
    assert!(bad.reason.contains("floating-point"), "{bad}");
    assert!(error.to_string().contains("orders.jsonl:2:"), "{error}");
    assert_eq!(count(&pool, "customers").await, 0, "nothing written");
}

#[sqlx::test(migrations = false)]
async fn decimal_strings_are_converted_by_the_currency(pool: PgPool) {
    common::migrate(&pool).await;
    let order = |number: &str, currency: &str, total: &str| {
        format!(
            "{{\"type\":\"order\",\"number\":\"{number}\",\"customer\":\"C-1\",\
             \"status\":\"pending\",\"currency\":\"{currency}\",\"total\":\"{total}\",\
             \"placed_at\":\"2024-05-01T10:00:00Z\"}}\n"
        )
    };
    let text = format!(
        "{{\"type\":\"customer\",\"reference\":\"C-1\",\"name\":\"Jane\"}}\n{}{}{}{}",
        order("EUR", "EUR", "12.34"),
        order("EUR-whole", "EUR", "12"),
        order("JPY", "JPY", "1234"),
        order("KWD", "KWD", "1.234"),
    );
    import(&pool, &[file("decimal", "orders.jsonl", &text)]).await;
    let totals: Vec<(String, i64)> =
        sqlx::query_as("select number, total_minor from orderpane_store.orders order by number")
            .fetch_all(&pool)
            .await
            .expect("orders");
    assert_eq!(
        totals,
        [
            ("EUR".into(), 1234),
            ("EUR-whole".into(), 1200),
            ("JPY".into(), 1234),
            ("KWD".into(), 1234)
        ]
    );
    // Cents of a yen are refused.
    let error = import_with(
        &pool,
        &[file("decimal", "yen.jsonl", &order("Y2", "JPY", "12.5"))],
        |_| {},
    )
    .await
    .expect_err("too many decimals");
    assert!(
        error.to_string().contains("more decimals than JPY"),
        "{error}"
    );
}

const BAD_FILE: &str = "\
{\"type\":\"customer\",\"reference\":\"C-1\",\"name\":\"Jane\"}
{\"type\":\"customer\",\"reference\":\"C-2\",\"name\":\"Omar\",\"emails\":[\"not an email\"]}
this is not json
{\"type\":\"customer\",\"reference\":\"C-3\",\"name\":\"Lena\"}
";

#[sqlx::test(migrations = false)]
async fn with_stop_a_bad_line_writes_nothing_and_is_named(pool: PgPool) {
    common::migrate(&pool).await;
    let path = file("stop", "customers.jsonl", BAD_FILE);
    let error = import_with(&pool, &[path], |o| o.on_error = OnError::Stop)
        .await
        .expect_err("stops");
    let ImportError::Rejected(summary) = &error else {
        panic!("rejected, not {error}");
    };
    let lines: Vec<u64> = summary.errors.iter().map(|e| e.line).collect();
    assert_eq!(lines, [2, 3], "{}", summary.error_report());
    let text = error.to_string();
    assert!(
        text.contains("customers.jsonl:2: email \"not an email\""),
        "{text}"
    );
    assert!(text.contains("customers.jsonl:3: not valid JSON"), "{text}");
    assert!(!summary.written);
    assert_eq!(count(&pool, "customers").await, 0);
    assert_eq!(
        count(&pool, "stores").await,
        0,
        "not even the default store"
    );
}

#[sqlx::test(migrations = false)]
async fn with_skip_the_good_lines_are_written_and_the_bad_reported(pool: PgPool) {
    common::migrate(&pool).await;
    let path = file("skip", "customers.jsonl", BAD_FILE);
    let summary = import_with(&pool, &[path], |o| o.on_error = OnError::Skip)
        .await
        .expect("skips");
    assert!(summary.written);
    assert_eq!(summary.bad_lines, 2);
    let counts = summary.counts(Entity::Customers);
    assert_eq!((counts.read, counts.inserted, counts.skipped), (3, 2, 1));
    assert_eq!(summary.unreadable, 1);
    let references: Vec<String> =
        sqlx::query_scalar("select reference from orderpane_store.customers order by 1")
            .fetch_all(&pool)
            .await
            .expect("customers");
    assert_eq!(references, ["C-1", "C-3"]);
}

#[sqlx::test(migrations = false)]
async fn an_unknown_customer_is_a_bad_line_with_its_number(pool: PgPool) {
    common::migrate(&pool).await;
    let path = file(
        "unknown",
        "orders.csv",
        "number,customer,status,currency,total,placed_at\n\
         1,C-1,pending,EUR,1.00,2024-05-01T10:00:00Z\n\
         2,C-404,pending,EUR,2.00,2024-05-01T10:00:00Z\n",
    );
    let customers = file(
        "unknown",
        "customers.jsonl",
        "{\"type\":\"customer\",\"reference\":\"C-1\",\"name\":\"Jane\"}\n",
    );
    let summary = import_with(&pool, &[customers, path], |o| {
        o.on_error = OnError::Skip;
        o.entity = Some(Entity::Orders);
    })
    .await
    .expect("skips");
    assert_eq!(summary.bad_lines, 1);
    let bad = &summary.errors[0];
    assert!(bad.file.ends_with("orders.csv"), "{bad}");
    assert_eq!(bad.line, 3, "the header is line 1");
    assert!(bad.reason.contains("no customer C-404"), "{bad}");
    assert_eq!(summary.counts(Entity::Orders).skipped, 1);
    assert_eq!(count(&pool, "orders").await, 1);
}

/// `n` orders of `n / 10` customers, with one to three items each, as JSON Lines.
fn generated(n: usize) -> String {
    let mut text = String::new();
    for c in 0..n / 10 {
        text.push_str(&format!(
            "{{\"type\":\"customer\",\"reference\":\"C{c}\",\"name\":\"Customer {c}\",\
             \"emails\":[\"c{c}@example.com\"]}}\n"
        ));
    }
    for o in 0..n {
        let items: Vec<String> = (0..1 + o % 3)
            .map(|i| {
                format!(
                    "{{\"sku\":\"SKU{i}\",\"name\":\"Item {i}\",\"quantity\":{},\
                     \"unit_price_minor\":{}}}",
                    1 + i,
                    100 * (i + 1)
                )
            })
            .collect();
        text.push_str(&format!(
            "{{\"type\":\"order\",\"number\":\"{o}\",\"customer\":\"C{}\",\
             \"status\":\"delivered\",\"currency\":\"EUR\",\"total\":\"{}.{:02}\",\
             \"placed_at\":\"2024-05-01T10:00:00Z\",\"items\":[{}]}}\n",
            o % (n / 10),
            o % 500,
            o % 100,
            items.join(",")
        ));
    }
    text
}

#[sqlx::test(migrations = false)]
async fn ten_thousand_lines_import_quickly(pool: PgPool) {
    common::migrate(&pool).await;
    let path = file("generated", "orders.jsonl", &generated(10_000));
    let started = Instant::now();
    let summary = import_with(&pool, &[path], |o| o.batch_rows = 2_000)
        .await
        .expect("imports");
    let took = started.elapsed();
    assert_eq!(summary.counts(Entity::Orders).inserted, 10_000);
    assert_eq!(summary.counts(Entity::Customers).inserted, 1_000);
    assert_eq!(summary.counts(Entity::OrderItems).inserted, 19_999);
    assert_eq!(count(&pool, "order_items").await, 19_999);
    // A few hundred milliseconds on a laptop; generous for a busy CI machine.
    assert!(took < Duration::from_secs(20), "took {took:?}");
}

/// The test database's URL, for the binary (over TCP or a Unix socket, as `DATABASE_URL`).
fn database_url(pool: &PgPool) -> String {
    common::database_url_of(&common::test_database(pool))
}

#[sqlx::test(migrations = false)]
async fn the_binary_imports_and_fails_on_a_bad_line(pool: PgPool) {
    common::migrate(&pool).await;
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_server"))
            .arg("import")
            .args(args)
            .env("DATABASE_URL", database_url(&pool))
            .env("RUST_LOG", "warn")
            .output()
            .expect("runs")
    };
    let good = fixture("store.jsonl");
    let customers = fixture("customers.csv");
    let output = run(&[
        "--type",
        "customers",
        "--phone-region",
        "DE",
        customers.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{output:?}");
    let output = run(&[good.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{output:?}");
    assert!(stdout.contains("inserted"), "{stdout}");
    assert!(
        stdout
            .lines()
            .any(|line| line.split_whitespace().collect::<Vec<_>>()
                == ["orders", "2", "2", "0", "0", "0"]),
        "{stdout}"
    );
    assert!(stdout.contains("written"), "{stdout}");

    let bad = file("binary", "bad.jsonl", BAD_FILE);
    let output = run(&["--type", "customers", bad.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "stop fails: {output:?}");
    assert!(stderr.contains("bad.jsonl:2: email"), "{stderr}");
    assert!(stderr.contains("nothing was written"), "{stderr}");
    let output = run(&["--on-error", "skip", bad.to_str().unwrap()]);
    assert!(output.status.success(), "skip succeeds: {output:?}");
    assert!(String::from_utf8_lossy(&output.stderr).contains("bad.jsonl:3: not valid JSON"));
}
