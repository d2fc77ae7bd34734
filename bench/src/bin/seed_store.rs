//! Seeds a benchmark store into its own database: `--customers` customers with identities
//! (email, E.164 phone, some external ids), ten orders each on average with items, shipments,
//! invoices, payments and refunds, and some subscriptions. Shows a progress bar (one step per
//! chunk) and prints how long it took.
//!
//! The rows are made inside Postgres (`insert … select … from generate_series`), chunk by
//! chunk on one connection per core. Every value comes from a hash of the row's number, so
//! the same arguments always make the same store, and benchmark clients can name existing
//! customers without asking the database: customer `g` has the email `c<g>@bench.example`.
//!
//! A database that was completely seeded with the same arguments, seed version and
//! migrations (the marker in the database's comment), and still has that many customers and
//! orders, is reused; anything else is dropped and seeded again.

use std::{
    path::PathBuf,
    str::FromStr,
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc,
    },
    time::{Duration, Instant},
};

use anyhow::{bail, Context};
use clap::Parser;
use indicatif::{ProgressBar, ProgressStyle};
use sqlx::{
    postgres::{PgConnectOptions, PgConnection},
    Connection, Executor,
};

#[derive(Parser)]
struct Args {
    /// A URL of the cluster (any database in it; `server db up` prints one). The store goes
    /// into `--database` of the same cluster.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    url: String,
    /// The database to seed (created when missing).
    #[arg(long)]
    database: String,
    /// How many customers (orders are ten times as many).
    #[arg(long, default_value_t = 200_000)]
    customers: i64,
    /// Connections that seed at once (one per core keeps both busy).
    #[arg(long, default_value_t = 2)]
    jobs: usize,
    /// Where to write what was seeded, as JSON.
    #[arg(long)]
    json: Option<PathBuf>,
}

/// Bump when the generated data changes, so that older benchmark databases are seeded again.
const SEED_VERSION: u32 = 2;
/// Orders per customer, on average.
const ORDERS_PER_CUSTOMER: i64 = 10;
/// Customers per chunk (one progress step).
const CUSTOMER_CHUNK: i64 = 20_000;
/// Orders per chunk (one progress step): each also makes its items, shipments and billing.
const ORDER_CHUNK: i64 = 50_000;
/// The tables of the store, for index rebuilding, vacuuming and counting.
const STORE_TABLES: [&str; 10] = [
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
];
/// Tables whose ids are given explicitly: their identity sequences are moved past them.
const EXPLICIT_ID_TABLES: [&str; 6] = [
    "stores",
    "customers",
    "orders",
    "invoices",
    "payments",
    "refunds",
];

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if args.customers < 1 || args.customers > 9_999_999 {
        bail!("--customers must be between 1 and 9,999,999 (phone numbers have 7 digits)");
    }
    if args.jobs == 0 {
        bail!("--jobs must be at least 1");
    }
    if !args
        .database
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    {
        bail!("--database must be lower-case letters, digits and _");
    }
    let cluster = PgConnectOptions::from_str(&args.url).context("reading --url")?;
    // The seeding statements name the managed store's tables unqualified.
    let target = cluster
        .clone()
        .database(&args.database)
        .options([("search_path", "orderpane_store,orderpane")]);
    let orders = args.customers * ORDERS_PER_CUSTOMER;
    let marker = marker(args.customers, orders);

    let started = Instant::now();
    tune(&cluster).await?;
    // A complete earlier seeding with the same marker, and still the expected size.
    let earlier = match seeded(&cluster, &args.database, &marker).await? {
        Some(earlier) if has_size(&target, args.customers, orders).await? => Some(earlier),
        _ => None,
    };
    let reused = earlier.is_some();
    let seeding_seconds = match earlier {
        Some(earlier) => {
            println!(
                "{}: already seeded with {} customers and {} orders (reused; seeding took {})",
                args.database,
                args.customers,
                orders,
                earlier.map_or("?".into(), minutes)
            );
            earlier
        }
        None => {
            println!(
                "{}: seeding {} customers and {} orders on {} connections",
                args.database, args.customers, orders, args.jobs
            );
            recreate(&cluster, &args.database).await?;
            seed(&target, args.customers, orders, args.jobs).await?;
            let seconds = started.elapsed().as_secs_f64();
            let mut db = PgConnection::connect_with(&target).await?;
            let comment = format!("{marker}; seeded in {seconds:.1} s");
            db.execute(format!("comment on database {} is '{comment}'", args.database).as_str())
                .await?;
            Some(seconds)
        }
    };

    let mut db = PgConnection::connect_with(&target).await?;
    let mut counts = serde_json::Map::new();
    for table in STORE_TABLES {
        let count: i64 = sqlx::query_scalar(&format!("select count(*) from {table}"))
            .fetch_one(&mut db)
            .await?;
        counts.insert(table.to_owned(), count.into());
    }
    let size: i64 = sqlx::query_scalar("select pg_database_size(current_database())")
        .fetch_one(&mut db)
        .await?;
    if !reused {
        println!(
            "{}: seeded in {} ({:.1} GB on disk)",
            args.database,
            seeding_seconds.map_or("?".into(), minutes),
            size as f64 / 1e9
        );
    }
    if let Some(path) = &args.json {
        let figures = serde_json::json!({
            "database": args.database,
            "reused": reused,
            // How long seeding took: in this run, or when the reused database was made.
            "seconds": seeding_seconds,
            "size_bytes": size,
            "rows": counts,
        });
        std::fs::write(path, serde_json::to_string_pretty(&figures)?)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}

/// What a completely seeded database says about itself: the seed version, its size and the
/// migrations it was seeded under.
fn marker(customers: i64, orders: i64) -> String {
    let own = sqlx::migrate!("../migrations/orderpane");
    let store = sqlx::migrate!("../migrations/store");
    // FNV-1a over every migration's checksum: a changed or added migration changes it.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for migration in own.iter().chain(store.iter()) {
        for byte in migration.checksum.iter() {
            hash = (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!(
        "orderpane bench store v{SEED_VERSION}: {customers} customers, {orders} orders, migrations {hash:016x}, complete"
    )
}

/// Settings for the benchmark's own cluster (stored with `alter system`). Bulk loading
/// writes a lot of WAL, so fewer checkpoints make it quicker (at once). A store of gigabytes
/// wants more than Postgres's default 128 MB of shared buffers, as any production server
/// would have: enough to hold the large store (about 3.4 GB with its indexes), as a
/// database server sized for its store holds its working set, so that the benchmark measures
/// the lookups and not the disk. It takes effect when the cluster next starts
/// (scripts/bench.sh restarts it after seeding, then reads the stores into it).
async fn tune(cluster: &PgConnectOptions) -> anyhow::Result<()> {
    let mut admin = PgConnection::connect_with(&cluster.clone().database("postgres"))
        .await
        .context("connecting to the cluster")?;
    admin
        .execute("alter system set max_wal_size = '8GB'")
        .await?;
    admin
        .execute("alter system set shared_buffers = '5GB'")
        .await?;
    admin.execute("select pg_reload_conf()").await?;
    Ok(())
}

/// When `database` exists and its comment starts with `marker` (it was seeded completely):
/// `Some`, with how many seconds that seeding took when the comment says.
async fn seeded(
    cluster: &PgConnectOptions,
    database: &str,
    marker: &str,
) -> anyhow::Result<Option<Option<f64>>> {
    let mut admin = PgConnection::connect_with(&cluster.clone().database("postgres"))
        .await
        .context("connecting to the cluster")?;
    let comment: Option<Option<String>> = sqlx::query_scalar(
        "select shobj_description(oid, 'pg_database') from pg_database where datname = $1",
    )
    .bind(database)
    .fetch_optional(&mut admin)
    .await?;
    let Some(rest) = comment
        .flatten()
        .and_then(|c| c.strip_prefix(marker).map(str::to_owned))
    else {
        return Ok(None);
    };
    // "; seeded in 120.3 s"
    let seconds = rest
        .strip_prefix("; seeded in ")
        .and_then(|s| s.strip_suffix(" s"))
        .and_then(|s| s.parse().ok());
    Ok(Some(seconds))
}

/// True when the store has exactly the customers and orders it was seeded with (nobody
/// deleted or added any since).
async fn has_size(target: &PgConnectOptions, customers: i64, orders: i64) -> anyhow::Result<bool> {
    let mut db = PgConnection::connect_with(target).await?;
    let (found_customers, found_orders): (i64, i64) =
        sqlx::query_as("select (select count(*) from customers), (select count(*) from orders)")
            .fetch_one(&mut db)
            .await?;
    Ok(found_customers == customers && found_orders == orders)
}

/// Drops `database` if it exists and creates it empty, with the schema of the migrations.
async fn recreate(cluster: &PgConnectOptions, database: &str) -> anyhow::Result<()> {
    let mut admin = PgConnection::connect_with(&cluster.clone().database("postgres")).await?;
    admin
        .execute(format!("drop database if exists {database} with (force)").as_str())
        .await?;
    admin
        .execute(format!("create database {database}").as_str())
        .await?;
    // As the server migrates (server::schema): Orderpane's own schema, then the managed store
    // in the default store schema, each with its search_path so nothing lands elsewhere.
    let mut db = PgConnection::connect_with(&cluster.clone().database(database)).await?;
    db.execute(
        "create schema orderpane; create schema orderpane_store; \
         create extension if not exists pg_trgm with schema orderpane; \
         set search_path to orderpane",
    )
    .await?;
    sqlx::migrate!("../migrations/orderpane")
        .run_direct(&mut db)
        .await
        .context("applying Orderpane's own migrations")?;
    db.execute("set search_path to orderpane_store, orderpane")
        .await?;
    sqlx::migrate!("../migrations/store")
        .run_direct(&mut db)
        .await
        .context("applying the managed store's migrations")?;
    Ok(())
}

/// One unit of seeding work: a progress step, run on whichever connection is free.
struct Job {
    label: String,
    statements: Vec<String>,
}

/// Seeds the empty store: secondary indexes off, rows in chunks, indexes back, vacuum and
/// analyze, identity sequences past the given ids.
async fn seed(
    target: &PgConnectOptions,
    customers: i64,
    orders: i64,
    jobs: usize,
) -> anyhow::Result<()> {
    let mut db = PgConnection::connect_with(target).await?;
    // Building an index once at the end is much quicker than keeping it up row by row.
    // Indexes that back constraints (keys, unique) stay: their values arrive in order.
    let indexes: Vec<(String, String)> = sqlx::query_as(
        "select i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
           from pg_index i
           join pg_class t on t.oid = i.indrelid
          where t.relnamespace = 'public'::regnamespace
            and t.relname = any($1)
            and not exists (select 1 from pg_constraint c where c.conindid = i.indexrelid)",
    )
    .bind(STORE_TABLES.map(str::to_owned).to_vec())
    .fetch_all(&mut db)
    .await?;
    for (name, _) in &indexes {
        db.execute(format!("drop index {name}").as_str()).await?;
    }
    db.execute(
        "insert into stores (id, name) overriding system value values (1, 'Orderpane Bench Store')",
    )
    .await?;

    let mut load = Vec::new();
    for start in (1..=customers).step_by(CUSTOMER_CHUNK as usize) {
        let end = (start + CUSTOMER_CHUNK - 1).min(customers);
        load.push(Job {
            label: format!("customers {start}–{end}"),
            statements: customer_chunk(start, end, customers),
        });
    }
    for start in (1..=orders).step_by(ORDER_CHUNK as usize) {
        let end = (start + ORDER_CHUNK - 1).min(orders);
        load.push(Job {
            label: format!("orders {start}–{end}"),
            statements: order_chunk(start, end, customers, orders),
        });
    }
    let rebuild: Vec<Job> = indexes
        .into_iter()
        .map(|(name, definition)| Job {
            label: format!("index {name}"),
            statements: vec![definition],
        })
        .collect();
    // Vacuum sets the visibility map and hint bits, as on a store that has been running a
    // while; analyze gives the planner its statistics.
    let vacuum: Vec<Job> = STORE_TABLES
        .iter()
        .map(|table| Job {
            label: format!("vacuum analyze {table}"),
            statements: vec![format!("vacuum (analyze) {table}")],
        })
        .collect();

    let steps = load.len() + rebuild.len() + vacuum.len() + 1;
    let bar = ProgressBar::new(steps as u64);
    bar.set_style(
        ProgressStyle::with_template(
            "{elapsed_precise} [{bar:40.cyan/blue}] {pos}/{len} steps, ETA {eta} {msg}",
        )?
        .progress_chars("=> "),
    );
    bar.enable_steady_tick(Duration::from_millis(500));
    run_jobs(target, load, jobs, &bar).await?;
    run_jobs(target, rebuild, jobs, &bar).await?;
    run_jobs(target, vacuum, jobs, &bar).await?;
    bar.set_message("identity sequences");
    for table in EXPLICIT_ID_TABLES {
        db.execute(
            format!(
                "select setval(pg_get_serial_sequence('{table}', 'id'), (select max(id) from {table}))"
            )
            .as_str(),
        )
        .await?;
    }
    bar.inc(1);
    bar.finish_with_message("done");
    Ok(())
}

/// Runs `jobs` on `connections` connections at once, one progress step each.
async fn run_jobs(
    target: &PgConnectOptions,
    jobs: Vec<Job>,
    connections: usize,
    bar: &ProgressBar,
) -> anyhow::Result<()> {
    let jobs = Arc::new(jobs);
    let next = Arc::new(AtomicUsize::new(0));
    let mut workers = Vec::new();
    for _ in 0..connections.min(jobs.len()) {
        let (jobs, next, bar, target) = (jobs.clone(), next.clone(), bar.clone(), target.clone());
        workers.push(tokio::spawn(async move {
            let mut db = PgConnection::connect_with(&target).await?;
            // Skip the notify and foreign-key triggers while loading: nobody listens yet,
            // and every reference is made consistent by construction.
            db.execute("set session_replication_role = replica").await?;
            db.execute("set maintenance_work_mem = '512MB'").await?;
            while let Some(job) = jobs.get(next.fetch_add(1, Ordering::Relaxed)) {
                bar.set_message(job.label.clone());
                for statement in &job.statements {
                    db.execute(statement.as_str())
                        .await
                        .with_context(|| format!("seeding {}", job.label))?;
                }
                bar.inc(1);
            }
            anyhow::Ok(())
        }));
    }
    for worker in workers {
        worker.await??;
    }
    Ok(())
}

/// A pseudo-random non-negative number from the SQL expression `x` and a salt: the same
/// inputs always give the same number.
fn h(x: &str, salt: u32) -> String {
    format!("(hashint8extended({x}, {salt}) & 9223372036854775807)")
}

/// Seconds between the first and the last order (five years, up to the day of seeding).
const SPAN_SECONDS: f64 = 5.0 * 365.0 * 86_400.0;
/// Seconds between the first and the last customer's sign-up (the year before the orders).
const SIGN_UP_SECONDS: f64 = 365.0 * 86_400.0;

/// Customers `start..=end` of `total`: names, identities and some subscriptions.
fn customer_chunk(start: i64, end: i64, total: i64) -> Vec<String> {
    let step = SIGN_UP_SECONDS / total as f64;
    let first = "array['Anna','Ben','Chloe','David','Elif','Farid','Grace','Hugo','Ines','Jonas',\
        'Kenji','Lea','Marta','Nils','Olga','Pavel','Quinn','Rosa','Sven','Tara']";
    let last = "array['Berger','Costa','Dubois','Evans','Fischer','Garcia','Hansen','Ito',\
        'Jansen','Kowalski','Larsen','Meyer','Novak','Okafor','Petrov','Rossi','Schmidt',\
        'Tanaka','Weber','Young']";
    vec![
        format!(
            "insert into customers (id, store_id, reference, name, created_at, updated_at)
             overriding system value
             select g, 1, 'C' || lpad(g::text, 7, '0'),
                    ({first})[1 + {h1} % 20] || ' ' || ({last})[1 + {h2} % 20],
                    at, at
               from (select g, now() - interval '6 years' + make_interval(secs => g * {step}) as at
                       from generate_series({start}, {end}) g) s",
            h1 = h("g", 20),
            h2 = h("g", 21),
        ),
        // Everyone has an email; a fifth a second one; 60 % a phone; 30 % an external id;
        // every 500th customer shares the previous one's email (a household, a typo merge),
        // so a few lookups find two customers.
        format!(
            "insert into customer_identities (customer_id, kind, value)
             select g, 'email', 'c' || g || '@bench.example' from generate_series({start}, {end}) g
             union all
             select g, 'email', 'c' || g || '.alt@bench.example' from generate_series({start}, {end}) g
              where {h23} % 5 = 0
             union all
             select g, 'phone', '+1555' || lpad(g::text, 7, '0') from generate_series({start}, {end}) g
              where {h24} % 10 < 6
             union all
             select g, 'external_id', 'shop-' || g from generate_series({start}, {end}) g
              where {h25} % 10 < 3
             union all
             select g, 'email', 'c' || (g - 1) || '@bench.example' from generate_series({start}, {end}) g
              where g % 500 = 0",
            h23 = h("g", 23),
            h24 = h("g", 24),
            h25 = h("g", 25),
        ),
        // One customer in twenty subscribes.
        format!(
            "insert into subscriptions (customer_id, plan, status, currency, amount_minor,
                                        billing_interval, started_at, current_period_end, cancel_at)
             select id, (array['Coffee club','Sock of the month','Priority support'])[1 + {hp} % 3],
                    st, {currency}, 499 + ({hp} % 3) * 1000,
                    case when {hi} % 4 = 0 then 'year' else 'month' end,
                    created_at,
                    case when st in ('active','trialing','past_due') then now() + interval '12 days' end,
                    case when st = 'cancelled' then created_at + interval '400 days' end
               from (select id, created_at,
                            (array['active','active','active','active','trialing','past_due','paused','cancelled'])[1 + {hs} % 8] as st
                       from customers where id between {start} and {end} and {hsub} % 20 = 0) c",
            hp = h("id", 31),
            hi = h("id", 32),
            hs = h("id", 33),
            hsub = h("id", 30),
            currency = currency("id"),
        ),
    ]
}

/// The currency of customer `c` (an SQL expression): most pay in euros.
fn currency(c: &str) -> String {
    format!("case {c} % 10 when 0 then 'USD' when 1 then 'GBP' else 'EUR' end")
}

/// How many items order `g` has (an SQL expression, 1 to 4).
fn item_count(g: &str) -> String {
    format!("1 + {} % 4", h(g, 3))
}

/// The product of item `k` of order `g` (an SQL expression, one of 2,000).
fn product(g: &str, k: &str) -> String {
    h(&format!("{g} * 4 + {k}"), 4) + " % 2000"
}

/// The quantity of item `k` of order `g` (an SQL expression): mostly one, sometimes two.
fn quantity(g: &str, k: &str) -> String {
    format!(
        "case when {} % 5 = 0 then 2 else 1 end",
        h(&format!("{g} * 4 + {k}"), 7)
    )
}

/// The unit price of product `p` in minor units (2.99 to 199.98).
fn price(p: &str) -> String {
    format!("(299 + (({p}) * 7919) % 19700)")
}

/// Orders `start..=end` of `total` with their items, shipments, invoices, payments and
/// refunds. A tenth of the orders belong to the most frequent hundredth of customers; the
/// rest are spread over everyone. They are placed one after another over the five years up
/// to now, so that the panel's twelve-month chart has something to show.
fn order_chunk(start: i64, end: i64, customers: i64, total: i64) -> Vec<String> {
    let step = SPAN_SECONDS / total as f64;
    let frequent = (customers / 100).max(1);
    let recent = total - total / 200;
    let customer = format!(
        "case when {} % 10 = 0 then 1 + {h2} % {frequent} else 1 + {h2} % {customers} end",
        h("g", 1),
        h2 = h("g", 2),
    );
    let status = format!(
        "case when g > {recent} then (array['pending','processing','shipped'])[1 + {h6} % 3]
              when {h6} % 100 < 88 then 'delivered'
              when {h6} % 100 < 94 then 'cancelled'
              else 'refunded' end",
        h6 = h("g", 6),
    );
    let streets = "array['Main Street','Station Road','Lindenallee','Rue de la Paix','Via Roma',\
        'High Street','Kirchweg','Elm Avenue']";
    let cities = "array['Berlin','London','Paris','Milan','Hamburg','Leeds','Lyon','Boston']";
    let ha = h("g", 8);
    let total_expr = format!(
        "(select sum({q} * {p}) from generate_series(1, {n}) k)",
        q = quantity("g", "k"),
        p = price(&product("g", "k")),
        n = item_count("g"),
    );
    let products = "array['Merino socks','Espresso cups','Linen shirt','Desk lamp','Rain jacket',\
        'Tea sampler','Notebook','Water bottle','Wool scarf','Phone case','Yoga mat','Backpack']";
    let ho = h("o.id", 9);
    vec![
        format!(
            "insert into orders (id, store_id, customer_id, number, status, currency, total_minor,
                                 placed_at, shipping_address, created_at, updated_at)
             overriding system value
             select g, 1, c, 'B' || lpad(g::text, 8, '0'), {status}, {currency}, {total_expr},
                    placed,
                    case when {ha} % 20 <> 0
                         then (1 + {ha} % 200) || ' ' || ({streets})[1 + {ha} % 8] || ', ' || ({cities})[1 + {ha} % 8] end,
                    placed, placed
               from (select g, {customer} as c,
                            now() - make_interval(secs => ({total} - g) * {step}) as placed
                       from generate_series({start}, {end}) g) s",
            currency = currency("c"),
        ),
        format!(
            "insert into order_items (order_id, sku, name, quantity, unit_price_minor)
             select g, 'SKU-' || lpad(p::text, 5, '0'), ({products})[1 + p % 12] || ' no. ' || (1 + p / 12),
                    {q}, {price}
               from generate_series({start}, {end}) g
              cross join lateral generate_series(1, {n}) k
              cross join lateral (select {p} as p) pp",
            q = quantity("g", "k"),
            price = price("p"),
            n = item_count("g"),
            p = product("g", "k"),
        ),
        // A tenth of the sent orders travel in two parcels; Hermes has no tracking page.
        format!(
            "insert into shipments (order_id, carrier, tracking_number, tracking_url, shipped_at, delivered_at)
             select o.id, (array['DHL','UPS','DPD','Hermes','Royal Mail','USPS'])[ci],
                    'TRK' || lpad(o.id::text, 9, '0') || k,
                    case when ci <> 4 then 'https://tracking.example/' || 'TRK' || lpad(o.id::text, 9, '0') || k end,
                    o.placed_at + interval '1 day' + k * interval '3 hours',
                    case when o.status in ('delivered','refunded')
                         then o.placed_at + interval '3 days' + k * interval '3 hours' end
               from orders o
              cross join lateral generate_series(1, case when {ho} % 10 = 0 then 2 else 1 end) k
              cross join lateral (select 1 + {hc} % 6 as ci) c
              where o.id between {start} and {end} and o.status in ('shipped','delivered','refunded')",
            hc = h("o.id", 10),
        ),
        format!(
            "insert into invoices (id, store_id, customer_id, order_id, number, status, currency,
                                   amount_due_minor, amount_paid_minor, issued_at, due_at, pdf_url)
             overriding system value
             select o.id, o.store_id, o.customer_id, o.id, 'INV-' || lpad(o.id::text, 8, '0'),
                    case o.status when 'cancelled' then 'void' when 'pending' then 'open' else 'paid' end,
                    o.currency, o.total_minor,
                    case when o.status in ('cancelled','pending') then 0 else o.total_minor end,
                    o.placed_at, o.placed_at + interval '14 days',
                    case when {hp} % 10 < 7
                         then 'https://billing.example/invoices/INV-' || lpad(o.id::text, 8, '0') || '.pdf' end
               from orders o where o.id between {start} and {end}",
            hp = h("o.id", 12),
        ),
        // Payment 2g pays order g (it failed when the order was cancelled); 2g − 1 is an
        // earlier failed attempt, for 3 % of the others.
        format!(
            "insert into payments (id, customer_id, order_id, invoice_id, currency, amount_minor,
                                   method, card_brand, card_last4, status, failure_reason, attempted_at)
             overriding system value
             select o.id * 2 - a.earlier, o.customer_id, o.id, o.id, o.currency, o.total_minor,
                    m.method,
                    case when m.method = 'card' then (array['visa','mastercard','amex'])[1 + {hb} % 3] end,
                    case when m.method = 'card' then lpad(({hl} % 10000)::text, 4, '0') end,
                    case when a.earlier = 1 or o.status = 'cancelled' then 'failed'
                         when o.status = 'pending' then 'pending' else 'succeeded' end,
                    case when a.earlier = 1 or o.status = 'cancelled'
                         then (array['card declined: insufficient funds','card declined: expired card',
                                     'authentication failed'])[1 + {hr} % 3] end,
                    o.placed_at + (1 - a.earlier) * interval '2 minutes'
               from orders o
              cross join lateral (select case {hm} % 10 when 6 then 'paypal' when 7 then 'paypal'
                                              when 8 then 'klarna' when 9 then 'bank_transfer'
                                              else 'card' end as method) m
              cross join lateral (select 0 as earlier
                                  union all
                                  select 1 where {hf} % 100 < 3 and o.status <> 'cancelled') a
              where o.id between {start} and {end}",
            hb = h("o.id", 15),
            hl = h("o.id", 16),
            hr = h("o.id", 17),
            hm = h("o.id", 14),
            hf = h("o.id", 13),
        ),
        format!(
            "insert into refunds (id, customer_id, order_id, payment_id, currency, amount_minor,
                                  reason, status, refunded_at)
             overriding system value
             select o.id, o.customer_id, o.id, o.id * 2, o.currency, o.total_minor,
                    (array['damaged in transit','wrong size','changed mind','never arrived'])[1 + {hr} % 4],
                    'succeeded', o.placed_at + interval '10 days'
               from orders o where o.id between {start} and {end} and o.status = 'refunded'",
            hr = h("o.id", 18),
        ),
    ]
}

/// "12 min 5 s" for a duration in seconds.
fn minutes(seconds: f64) -> String {
    let whole = seconds.round() as u64;
    if whole >= 60 {
        format!("{} min {} s", whole / 60, whole % 60)
    } else {
        format!("{seconds:.1} s")
    }
}
