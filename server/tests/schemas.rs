//! Orderpane keeps to its own schemas: it starts on a shop's database without touching the
//! shop's tables, the managed store refuses values that would break matching, the store
//! schema is a setting, and a store that breaks the contract stops the server at start.

mod common;

use std::{
    collections::BTreeSet,
    io::Read,
    path::PathBuf,
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use app::server::store::{StoreMode, StoreSchema};
use orderpane::contact_keys::ContactKeys;
use server::schema::{migrate, StoreSettings};
use sqlx::PgPool;

/// The shop's own application, already in `public`: tables named like Orderpane's, with rows,
/// an index, a function and a trigger.
const SHOP_SCHEMA: &str = "
    create table public.users (id serial primary key, email text not null);
    create table public.customers (id serial primary key, user_id int references public.users,
                                   name text not null);
    create table public.orders (id serial primary key, customer_id int references public.customers,
                                total numeric(10, 2) not null, state text not null);
    create index orders_state on public.orders (state);
    create function public.touch() returns trigger language plpgsql as
        'begin new.state := lower(new.state); return new; end';
    create trigger orders_touch before insert or update on public.orders
        for each row execute function public.touch();
    insert into public.users (email) values ('Owner@Shop.example'), ('clerk@shop.example');
    insert into public.customers (user_id, name) values (1, 'First Customer'), (2, 'Second');
    insert into public.orders (customer_id, total, state) values (1, 19.99, 'PAID'), (2, 5, 'new');
";

/// Everything outside Orderpane's two schemas, as text: every relation with its columns and
/// kind, every index, function and trigger, and each shop table's rows.
async fn outside_orderpane(pool: &PgPool) -> String {
    let catalog: String = sqlx::query_scalar(
        "select string_agg(line, E'\\n' order by line) from (
             select format('rel %s.%s %s: %s', n.nspname, c.relname, c.relkind,
                           (select string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod), ', '
                                              order by a.attnum)
                              from pg_attribute a where a.attrelid = c.oid and a.attnum > 0
                                                    and not a.attisdropped)) as line
               from pg_class c join pg_namespace n on n.oid = c.relnamespace
              where n.nspname not in ('orderpane', 'orderpane_store', 'information_schema')
                and n.nspname not like 'pg\\_%'
             union all
             select format('fn %s.%s %s', n.nspname, p.proname, md5(p.prosrc))
               from pg_proc p join pg_namespace n on n.oid = p.pronamespace
              where n.nspname not in ('orderpane', 'orderpane_store', 'information_schema')
                and n.nspname not like 'pg\\_%'
             union all
             select format('trigger %s on %s.%s', t.tgname, n.nspname, c.relname)
               from pg_trigger t
               join pg_class c on c.oid = t.tgrelid
               join pg_namespace n on n.oid = c.relnamespace
              where not t.tgisinternal
                and n.nspname not in ('orderpane', 'orderpane_store')
             union all
             select format('schema %s', nspname) from pg_namespace
         ) lines",
    )
    .fetch_one(pool)
    .await
    .expect("catalog");
    let mut rows = String::new();
    for table in ["users", "customers", "orders"] {
        let content: String = sqlx::query_scalar(&format!(
            "select string_agg(t::text, ';' order by t::text) from public.{table} t"
        ))
        .fetch_one(pool)
        .await
        .expect("rows");
        rows.push_str(&format!("\n{table}: {content}"));
    }
    catalog + &rows
}

/// The real server binary on the test database, with one install and the given settings.
fn server(database: &str, name: &str, settings: &[(&str, &str)]) -> (Command, u16) {
    let installs = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}.installs.toml"));
    std::fs::write(
        &installs,
        "[[install]]\nname = \"test\"\nkind = \"chatwoot\"\n\
         host_origin = \"https://helpdesk.example\"\nsecret = \"test-install-key-0123456789\"\n",
    )
    .expect("installs file");
    let port = common::free_port();
    let mut command = Command::new(env!("CARGO_BIN_EXE_server"));
    command
        .env("DATABASE_URL", common::database_url_of(database))
        .env("ORDERPANE_INSTALLS", &installs)
        .env("ORDERPANE_SIMULATOR_ADDR", "off")
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null());
    for (key, value) in settings {
        command.env(key, value);
    }
    (command, port)
}

#[sqlx::test(migrations = false)]
async fn orderpane_starts_on_a_shops_database_and_leaves_its_tables_alone(pool: PgPool) {
    sqlx::raw_sql(SHOP_SCHEMA)
        .execute(&pool)
        .await
        .expect("the shop's schema");
    let before = outside_orderpane(&pool).await;

    // The real server, as an admin would start it on the shop's database, with the demo
    // store loaded into the managed store (which is what fills its tables).
    let (mut command, port) = server(
        &common::test_database(&pool),
        "untouched",
        &[("ORDERPANE_DEMO_DATA", "true")],
    );
    let mut running = command
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("server starts");
    let deadline = Instant::now() + Duration::from_secs(60);
    while common::http_status(port, "/readyz") != Some(200) {
        if Instant::now() > deadline || running.try_wait().expect("status").is_some() {
            let _ = running.kill();
            let mut log = String::new();
            let _ = running
                .stderr
                .take()
                .map(|mut e| e.read_to_string(&mut log));
            panic!("the server did not become ready on the shop's database:\n{log}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = running.kill();
    let _ = running.wait();

    let demo_orders: i64 = sqlx::query_scalar("select count(*) from orderpane_store.orders")
        .fetch_one(&pool)
        .await
        .expect("the managed store");
    assert!(demo_orders > 0, "the demo store went into orderpane_store");
    let migrations: i64 =
        sqlx::query_scalar("select count(*) from orderpane._sqlx_migrations where success")
            .fetch_one(&pool)
            .await
            .expect("Orderpane's own bookkeeping is in its schema");
    assert!(migrations > 0);
    let lines = |text: &str| -> BTreeSet<String> { text.lines().map(str::to_owned).collect() };
    let mut expected = lines(&before);
    expected.insert("schema orderpane".into());
    expected.insert("schema orderpane_store".into());
    assert_eq!(
        lines(&outside_orderpane(&pool).await),
        expected,
        "only the schemas orderpane and orderpane_store were added"
    );
}

#[sqlx::test(migrations = false)]
async fn the_managed_store_refuses_values_that_would_break_matching(pool: PgPool) {
    common::migrate(&pool).await;
    sqlx::raw_sql(
        "insert into orderpane_store.stores (id, name) values (1, 'Shop');
         insert into orderpane_store.customers (id, store_id, reference, name)
         values (1, 1, 'C-1', 'Jane');",
    )
    .execute(&pool)
    .await
    .expect("a store and a customer");
    let identity = "insert into orderpane_store.customer_identities (customer_id, kind, value) \
                    values (1, $1, $2)";
    for (kind, value) in [
        ("email", "jane@example.com"),
        ("phone", "+4915112345678"),
        ("external_id", " Any Form "),
    ] {
        sqlx::query(identity)
            .bind(kind)
            .bind(value)
            .execute(&pool)
            .await
            .unwrap_or_else(|e| panic!("{kind} {value:?} is accepted: {e}"));
    }
    for (kind, value, constraint) in [
        ("email", "Jane@Example.com", "email_is_normalised"),
        ("email", " jane@example.org", "email_is_normalised"),
        ("email", "no-at-sign", "email_is_normalised"),
        ("phone", "0151 12345678", "phone_is_e164"),
        ("phone", "+49 151 12345678", "phone_is_e164"),
        ("phone", "+0151", "phone_is_e164"),
    ] {
        let error = sqlx::query(identity)
            .bind(kind)
            .bind(value)
            .execute(&pool)
            .await
            .expect_err(&format!("{kind} {value:?} is refused"));
        assert!(
            error.to_string().contains(constraint),
            "{kind} {value:?}: {error}"
        );
    }
    let order = "insert into orderpane_store.orders
                   (store_id, customer_id, number, status, currency, total_minor, placed_at)
                 values (1, 1, $1, 'pending', $2, $3, now())";
    sqlx::query(order)
        .bind("1001")
        .bind("EUR")
        .bind(1999_i64)
        .execute(&pool)
        .await
        .expect("a good order");
    for (number, currency, total) in [
        ("1002", "EUR", -1_i64),
        ("1003", "eur", 100),
        ("1004", "EURO", 100),
        ("1005", "€", 100),
    ] {
        let refused = sqlx::query(order)
            .bind(number)
            .bind(currency)
            .bind(total)
            .execute(&pool)
            .await;
        assert!(
            refused.is_err(),
            "an order in {currency:?} of {total} was accepted"
        );
    }
    let refund = sqlx::query(
        "insert into orderpane_store.payments
           (customer_id, currency, amount_minor, method, status, attempted_at)
         values (1, 'EUR', -5, 'card', 'succeeded', now())",
    )
    .execute(&pool)
    .await;
    assert!(refund.is_err(), "a negative payment was accepted");
}

#[sqlx::test(migrations = false)]
async fn the_store_schema_is_a_setting(pool: PgPool) {
    let schema = StoreSchema::new("shop_data").expect("a plain name");
    let settings = StoreSettings {
        schema: schema.clone(),
        mode: StoreMode::Managed,
    };
    migrate(&pool, &settings).await.expect("migrations");
    // Twice: the second run finds everything in place.
    migrate(&pool, &settings).await.expect("migrations again");
    assert!(server::demo_data::load_if_empty(&pool, &schema)
        .await
        .expect("demo data"));
    let default_schema: Option<String> = sqlx::query_scalar(
        "select nspname::text from pg_namespace where nspname = 'orderpane_store'",
    )
    .fetch_optional(&pool)
    .await
    .expect("catalog");
    assert_eq!(
        default_schema, None,
        "nothing was created in the default schema"
    );
    let keys = ContactKeys::from_raw(None, Some("jane@example.com"), None);
    let found = app::server::db::panel::lookup(&pool, &schema, &keys, None, None, &[])
        .await
        .expect("lookup");
    assert_eq!(found.customer.map(|c| c.name).as_deref(), Some("Jane Doe"));
    assert!(!found.orders.is_empty());
    // The same lookup against a schema that is not there fails; it never falls back to
    // another schema's tables.
    let elsewhere = StoreSchema::new("orderpane_store").expect("a plain name");
    assert!(
        app::server::db::panel::lookup(&pool, &elsewhere, &keys, None, None, &[])
            .await
            .is_err()
    );
}

#[sqlx::test(migrations = false)]
async fn a_mapped_store_without_the_contract_stops_the_server_at_start(pool: PgPool) {
    // A mapped store creates nothing in the store schema: the shop defines it.
    let mapped = StoreSettings {
        schema: StoreSchema::default(),
        mode: StoreMode::Mapped,
    };
    migrate(&pool, &mapped).await.expect("migrations");
    let store_schema: Option<String> = sqlx::query_scalar(
        "select nspname::text from pg_namespace where nspname = 'orderpane_store'",
    )
    .fetch_optional(&pool)
    .await
    .expect("catalog");
    assert_eq!(store_schema, None);
    // The shop defines only customers, with a column of the wrong type.
    sqlx::raw_sql(
        "create schema orderpane_store;
         create view orderpane_store.customers as
             select 1::int as id, 1::bigint as store_id, 'C-1'::text as reference,
                    'Jane'::text as name, now() as created_at;",
    )
    .execute(&pool)
    .await
    .expect("a partial mapping");
    let (mut command, _port) = server(
        &common::test_database(&pool),
        "mapped-broken",
        &[("ORDERPANE_STORE_MODE", "mapped")],
    );
    let output = command.output().expect("the server runs");
    let log = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "the server started:\n{log}");
    assert!(
        log.contains("orderpane_store.customers.id: expected bigint, found integer"),
        "{log}"
    );
    assert!(log.contains("orderpane_store.orders: missing"), "{log}");
}
