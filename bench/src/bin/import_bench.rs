//! How fast `server import` is against the fastest way in: generates a store of `--orders`
//! orders (one to three items each) of `--customers` customers as JSON Lines, imports it
//! with the release `server import` into a fresh database, COPYs the very same rows (as
//! COPY text files made at the same time) into the same managed tables of another fresh
//! database, and prints both rates and their ratio. A measurement, not a test.
//!
//! Both databases are made by `server import` of an empty file (migrations and the default
//! store, nothing else), so they start equal; both are dropped at the end. The data is
//! deterministic: the same arguments make the same files, which are reused when present.

use std::{
    fs::File,
    io::{BufWriter, Read, Write},
    path::{Path, PathBuf},
    process::Command,
    str::FromStr,
    time::{Duration, Instant},
};

use anyhow::{bail, Context};
use clap::Parser;
use sqlx::{
    postgres::{PgConnectOptions, PgConnection},
    Connection, Executor,
};

#[derive(Parser)]
struct Args {
    /// A URL of the cluster; the benchmark databases are made beside it.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    url: String,
    /// Orders to import.
    #[arg(long, default_value_t = 2_000_000)]
    orders: u64,
    /// Customers they belong to.
    #[arg(long, default_value_t = 200_000)]
    customers: u64,
    /// The release server binary.
    #[arg(long, default_value = "target/release/server")]
    server: PathBuf,
    /// Where the generated files go.
    #[arg(long, default_value = "target/bench-import")]
    dir: PathBuf,
}

/// The tables COPY fills, with their columns, in the order they must be filled.
const COPY_TABLES: [(&str, &str); 4] = [
    ("customers", "id, store_id, reference, name"),
    ("customer_identities", "customer_id, kind, value"),
    (
        "orders",
        "id, store_id, customer_id, number, status, currency, total_minor, placed_at",
    ),
    (
        "order_items",
        "order_id, external_id, sku, name, quantity, unit_price_minor",
    ),
];

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    std::fs::create_dir_all(&args.dir)?;
    let tag = format!("{}-{}", args.orders, args.customers);
    let jsonl = args.dir.join(format!("store-{tag}.jsonl"));
    let copies: Vec<PathBuf> = COPY_TABLES
        .iter()
        .map(|(table, _)| args.dir.join(format!("{table}-{tag}.copy")))
        .collect();
    let rows = if jsonl.exists() && copies.iter().all(|p| p.exists()) {
        count_rows(&copies)?
    } else {
        let started = Instant::now();
        let rows = generate(&args, &jsonl, &copies)?;
        eprintln!(
            "generated {rows} rows ({:.0} MB of JSON Lines) in {:.1} s",
            std::fs::metadata(&jsonl)?.len() as f64 / 1e6,
            started.elapsed().as_secs_f64()
        );
        rows
    };

    let cluster = PgConnectOptions::from_str(&args.url)?;
    let empty = args.dir.join("empty.jsonl");
    std::fs::write(&empty, "")?;

    // `server import` into its own fresh database.
    let import_db = "bench_import_tool";
    recreate(&cluster, import_db).await?;
    server(&args, &cluster, import_db, &empty)?;
    let started = Instant::now();
    let output = server(&args, &cluster, import_db, &jsonl)?;
    let import_time = started.elapsed();
    print!("{output}");

    // COPY of the same rows into another.
    let copy_db = "bench_import_copy";
    recreate(&cluster, copy_db).await?;
    server(&args, &cluster, copy_db, &empty)?;
    let mut conn = PgConnection::connect_with(&cluster.clone().database(copy_db)).await?;
    let started = Instant::now();
    let mut tx = conn.begin().await?;
    for ((table, columns), path) in COPY_TABLES.iter().zip(&copies) {
        let mut copy = tx
            .copy_in_raw(&format!(
                "copy orderpane_store.{table} ({columns}) from stdin"
            ))
            .await?;
        let mut file = File::open(path)?;
        let mut buffer = vec![0; 1 << 20];
        loop {
            let read = file.read(&mut buffer)?;
            if read == 0 {
                break;
            }
            copy.send(&buffer[..read]).await?;
        }
        copy.finish().await?;
    }
    tx.commit().await?;
    let copy_time = started.elapsed();
    conn.close().await?;

    let imported = counts(&cluster, import_db).await?;
    let copied = counts(&cluster, copy_db).await?;
    if imported != copied {
        bail!("the databases differ: import {imported:?}, COPY {copied:?}");
    }
    let rate = |time: Duration| rows as f64 / time.as_secs_f64();
    println!("rows: {rows} ({imported:?} customers, identities, orders, items)");
    println!(
        "server import: {:>8.1} s {:>10.0} rows/s",
        import_time.as_secs_f64(),
        rate(import_time)
    );
    println!(
        "COPY:          {:>8.1} s {:>10.0} rows/s",
        copy_time.as_secs_f64(),
        rate(copy_time)
    );
    println!(
        "import speed / COPY speed: {:.2}",
        copy_time.as_secs_f64() / import_time.as_secs_f64()
    );
    for db in [import_db, copy_db] {
        drop_database(&cluster, db).await?;
    }
    Ok(())
}

/// Runs `server import FILE` on `database`; its standard output, or why it failed.
fn server(
    args: &Args,
    cluster: &PgConnectOptions,
    database: &str,
    file: &Path,
) -> anyhow::Result<String> {
    let url = format!(
        "postgres://{}@{}:{}/{database}",
        cluster.get_username(),
        cluster.get_host(),
        cluster.get_port()
    );
    let output = Command::new(&args.server)
        .args(["import", "--format", "jsonl"])
        .arg(file)
        .env("DATABASE_URL", url)
        .env("RUST_LOG", "warn")
        .output()
        .with_context(|| format!("running {}", args.server.display()))?;
    if !output.status.success() {
        bail!(
            "server import failed: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

async fn recreate(cluster: &PgConnectOptions, database: &str) -> anyhow::Result<()> {
    drop_database(cluster, database).await?;
    let mut admin = PgConnection::connect_with(cluster).await?;
    admin
        .execute(format!("create database {database}").as_str())
        .await?;
    admin.close().await?;
    Ok(())
}

async fn drop_database(cluster: &PgConnectOptions, database: &str) -> anyhow::Result<()> {
    let mut admin = PgConnection::connect_with(cluster).await?;
    admin
        .execute(format!("drop database if exists {database} with (force)").as_str())
        .await?;
    admin.close().await?;
    Ok(())
}

/// Rows per table, in `COPY_TABLES` order.
async fn counts(cluster: &PgConnectOptions, database: &str) -> anyhow::Result<Vec<i64>> {
    let mut conn = PgConnection::connect_with(&cluster.clone().database(database)).await?;
    let mut counts = Vec::new();
    for (table, _) in COPY_TABLES {
        counts.push(
            sqlx::query_scalar(&format!("select count(*) from orderpane_store.{table}"))
                .fetch_one(&mut conn)
                .await?,
        );
    }
    conn.close().await?;
    Ok(counts)
}

fn count_rows(copies: &[PathBuf]) -> anyhow::Result<u64> {
    let mut rows = 0;
    for path in copies {
        let mut file = File::open(path)?;
        let mut buffer = vec![0; 1 << 20];
        loop {
            let read = file.read(&mut buffer)?;
            if read == 0 {
                break;
            }
            rows += buffer[..read].iter().filter(|b| **b == b'\n').count() as u64;
        }
    }
    Ok(rows)
}

/// A time that depends only on `n`.
fn time(n: u64) -> String {
    format!(
        "2024-{:02}-{:02}T{:02}:{:02}:00Z",
        1 + (n / 28) % 12,
        1 + n % 28,
        n % 24,
        n % 60
    )
}

/// Writes the JSON Lines file and the COPY files of the same rows; returns the row count.
/// Store 1 is the default store both databases have; ids are given to COPY explicitly.
fn generate(args: &Args, jsonl: &Path, copies: &[PathBuf]) -> anyhow::Result<u64> {
    let writer = |path: &Path| -> anyhow::Result<BufWriter<File>> {
        Ok(BufWriter::with_capacity(1 << 20, File::create(path)?))
    };
    let mut json = writer(jsonl)?;
    let mut out: Vec<BufWriter<File>> =
        copies.iter().map(|p| writer(p)).collect::<Result<_, _>>()?;
    let mut rows = 0;
    for c in 0..args.customers {
        let id = c + 1;
        writeln!(
            json,
            r#"{{"type":"customer","reference":"C{c}","name":"Customer {c}","emails":["c{c}@bench.example"]}}"#
        )?;
        writeln!(out[0], "{id}\t1\tC{c}\tCustomer {c}")?;
        writeln!(out[1], "{id}\temail\tc{c}@bench.example")?;
        rows += 2;
    }
    for o in 0..args.orders {
        let id = o + 1;
        let customer = (o * 7919) % args.customers;
        let items = 1 + o % 3;
        let mut total = 0;
        let mut item_json = Vec::new();
        for i in 0..items {
            let quantity = 1 + (o + i) % 4;
            let price = 199 + ((o * 31 + i * 17) % 9_800);
            total += quantity * price;
            item_json.push(format!(
                r#"{{"sku":"SKU-{}","name":"Product {}","quantity":{quantity},"unit_price_minor":{price}}}"#,
                (o + i) % 5000,
                (o + i) % 5000
            ));
            writeln!(
                out[3],
                "{id}\t{}\tSKU-{}\tProduct {}\t{quantity}\t{price}",
                i + 1,
                (o + i) % 5000,
                (o + i) % 5000
            )?;
            rows += 1;
        }
        let status = ["pending", "processing", "shipped", "delivered"][(o % 4) as usize];
        writeln!(
            json,
            r#"{{"type":"order","number":"O{o}","customer":"C{customer}","status":"{status}","currency":"EUR","total":"{}.{:02}","placed_at":"{}","items":[{}]}}"#,
            total / 100,
            total % 100,
            time(o),
            item_json.join(",")
        )?;
        writeln!(
            out[2],
            "{id}\t1\t{}\tO{o}\t{status}\tEUR\t{total}\t{}",
            customer + 1,
            time(o)
        )?;
        rows += 1;
    }
    json.flush()?;
    for mut file in out {
        file.flush()?;
    }
    Ok(rows)
}
