//! The report of `make bench`: reads the figures the other steps wrote into `--dir`
//! (seed_*.json, panel_*.json, sql_*.json, navigation.json), measures the site's wasm, JS
//! and CSS (raw, gzip, brotli: the release build is precompressed), prints everything as
//! tables and writes it all to one JSON file. A missing part is reported as missing.

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Parser;
use serde_json::{json, Value};

#[derive(Parser)]
struct Args {
    /// The folder the other steps wrote their figures into.
    #[arg(long, default_value = "target/bench")]
    dir: PathBuf,
    /// The built site's asset folder.
    #[arg(long, default_value = "target/site/pkg")]
    pkg: PathBuf,
    /// The commit measured, for the record.
    #[arg(long, default_value = "")]
    commit: String,
    /// The concurrency compared across store sizes.
    #[arg(long, default_value_t = 16)]
    compare_at: u64,
    /// Where to write everything as one JSON document.
    #[arg(long, default_value = "target/bench/bench.json")]
    json: PathBuf,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let part = |name: &str| read(&args.dir.join(format!("{name}.json")));
    let seeds = [part("seed_large"), part("seed_small")];
    let panel = [part("panel_large"), part("panel_small")];
    let sql = [part("sql_large"), part("sql_small")];
    let navigation = part("navigation");
    let assets = assets(&args.pkg)?;
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());

    println!(
        "\n== Orderpane benchmark{}, {cores} cores ==",
        if args.commit.is_empty() {
            String::new()
        } else {
            format!(" at {}", args.commit)
        }
    );

    println!("\nStores (own embedded Postgres in target/bench-db)");
    let mut rows = vec![row(&[
        "database",
        "customers",
        "orders",
        "items",
        "shipments",
        "invoices",
        "payments",
        "on disk",
        "seeding",
    ])];
    for seed in seeds.iter().flatten() {
        let count = |table: &str| thousands(seed["rows"][table].as_i64());
        rows.push(vec![
            text(&seed["database"]),
            count("customers"),
            count("orders"),
            count("order_items"),
            count("shipments"),
            count("invoices"),
            count("payments"),
            seed["size_bytes"]
                .as_f64()
                .map_or("–".into(), |b| format!("{:.2} GB", b / 1e9)),
            match (seed["reused"].as_bool(), seed["seconds"].as_f64()) {
                (Some(true), Some(seconds)) => format!("{} (earlier run)", duration(seconds)),
                (Some(true), None) => "reused".into(),
                (_, Some(seconds)) => duration(seconds),
                _ => "–".into(),
            },
        ]);
    }
    table(&rows);

    let seconds = panel
        .iter()
        .flatten()
        .find_map(|p| p["seconds_per_level"].as_u64())
        .unwrap_or(0);
    println!(
        "\nPanel lookup through HTTP (POST /api/panel, a random customer by email; {seconds} s per level after a warm-up)"
    );
    let mut rows = vec![row(&[
        "store",
        "customers",
        "clients",
        "requests/s",
        "median",
        "p99",
        "429s",
        "errors",
        "other work",
    ])];
    for run in panel.iter().flatten() {
        for level in run["levels"].as_array().into_iter().flatten() {
            rows.push(vec![
                text(&run["store"]),
                thousands(run["customers"].as_i64()),
                text(&level["concurrency"]),
                number(&level["requests_per_second"], 1),
                millis(&level["median_ms"]),
                millis(&level["p99_ms"]),
                text(&level["rejected_429"]),
                text(&level["other_errors"]),
                share_of_cores(&level["others_cores"]),
            ]);
        }
    }
    table(&rows);

    println!("\nSQL reference (the panel's reads straight against Postgres with pgbench; {seconds} s per level)");
    let mut rows = vec![row(&[
        "store",
        "customers",
        "clients",
        "transactions/s",
        "median",
        "p99",
        "other work",
    ])];
    for run in sql.iter().flatten() {
        for level in run["levels"].as_array().into_iter().flatten() {
            rows.push(vec![
                text(&run["store"]),
                thousands(run["customers"].as_i64()),
                text(&level["concurrency"]),
                number(&level["tps"], 1),
                millis(&level["median_ms"]),
                millis(&level["p99_ms"]),
                share_of_cores(&level["others_cores"]),
            ]);
        }
    }
    table(&rows);
    println!(
        "  other work: cores' worth of CPU that processes other than the benchmark's (server, Postgres, clients) used during the level, of {cores}"
    );

    println!("\nStore size ({} clients)", args.compare_at);
    let mut rows = vec![row(&[
        "customers",
        "panel requests/s",
        "panel median",
        "panel p99",
        "SQL tps",
        "SQL median",
        "SQL p99",
    ])];
    let mut comparison = Vec::new();
    for (panel, sql) in panel.iter().zip(&sql) {
        let at = |run: &Option<Value>| -> Value {
            run.as_ref()
                .and_then(|r| r["levels"].as_array())
                .and_then(|levels| {
                    levels
                        .iter()
                        .find(|l| l["concurrency"].as_u64() == Some(args.compare_at))
                })
                .cloned()
                .unwrap_or(Value::Null)
        };
        let (p, s) = (at(panel), at(sql));
        let customers = panel
            .as_ref()
            .or(sql.as_ref())
            .map_or(Value::Null, |r| r["customers"].clone());
        rows.push(vec![
            thousands(customers.as_i64()),
            number(&p["requests_per_second"], 1),
            millis(&p["median_ms"]),
            millis(&p["p99_ms"]),
            number(&s["tps"], 1),
            millis(&s["median_ms"]),
            millis(&s["p99_ms"]),
        ]);
        comparison.push(json!({"customers": customers, "panel": p, "sql": s}));
    }
    table(&rows);

    match &navigation {
        Some(nav) => {
            println!(
                "\nNavigation in headless Chromium (demo store; simulator → app iframe; median of {} runs, with the spread of the first order row; ms from the frame's navigation start)",
                text(&nav["runs"])
            );
            let mut rows = vec![row(&[
                "",
                "first order row",
                "spread",
                "load event",
                "document",
                "wasm loaded",
                "panel call",
                "transferred",
            ])];
            for page in ["orderpane", "reference"] {
                for kind in ["cold", "warm"] {
                    let s = &nav[page][kind];
                    if s.is_null() {
                        continue;
                    }
                    let samples: Vec<f64> = nav[page][format!("{kind}_samples")]
                        .as_array()
                        .map(|all| {
                            all.iter()
                                .filter_map(|x| x["first_order_row_ms"].as_f64())
                                .collect()
                        })
                        .unwrap_or_default();
                    let low = samples.iter().copied().fold(f64::INFINITY, f64::min);
                    let high = samples.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                    let when = match kind {
                        "cold" => "empty cache",
                        _ => "second conversation",
                    };
                    rows.push(vec![
                        format!("{page} {kind} ({when})"),
                        millis(&s["first_order_row_ms"]),
                        format!("{low:.0}–{high:.0} ms"),
                        millis(&s["load_event_ms"]),
                        millis(&s["document_ms"]),
                        millis(&s["wasm_loaded_ms"]),
                        format!(
                            "{}–{}",
                            number(&s["panel_call_start_ms"], 0),
                            millis(&s["panel_call_end_ms"])
                        ),
                        format!(
                            "{:.1} KiB",
                            s["transfer_bytes"].as_f64().unwrap_or(0.0) / 1024.0
                        ),
                    ]);
                }
            }
            table(&rows);
            for kind in ["cold", "warm"] {
                if let Some(ratio) = nav["ratio"][kind].as_f64() {
                    println!(
                        "{kind}: Orderpane's first order row takes {ratio:.2}× the reference's"
                    );
                }
            }
        }
        None => println!("\nNavigation: no figures (navigation.json is missing)"),
    }

    println!("\nAssets ({})", args.pkg.display());
    let mut rows = vec![row(&["file", "raw", "gzip", "brotli"])];
    for asset in &assets {
        rows.push(vec![
            text(&asset["kind"]),
            kib(&asset["raw"]),
            kib(&asset["gzip"]),
            kib(&asset["brotli"]),
        ]);
    }
    table(&rows);

    let report = json!({
        "commit": args.commit,
        "cores": cores,
        "stores": seeds,
        "panel": panel,
        "sql_reference": sql,
        "store_size_comparison": {"concurrency": args.compare_at, "stores": comparison},
        "navigation": navigation,
        "assets": assets,
    });
    if let Some(parent) = args.json.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(&args.json, serde_json::to_string_pretty(&report)?)
        .with_context(|| format!("writing {}", args.json.display()))?;
    println!("\nAll figures: {}", args.json.display());
    Ok(())
}

/// A part's figures, or `None` when that step did not write them.
fn read(path: &Path) -> Option<Value> {
    let text = std::fs::read_to_string(path).ok()?;
    serde_json::from_str(&text).ok()
}

/// The wasm, JS and CSS files of the site (the largest of each kind), with the sizes of
/// their precompressed copies, and a total.
fn assets(pkg: &Path) -> anyhow::Result<Vec<Value>> {
    let mut found = Vec::new();
    let entries =
        std::fs::read_dir(pkg).with_context(|| format!("reading the site's {}", pkg.display()))?;
    let mut files: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    files.sort();
    let size = |path: &Path| std::fs::metadata(path).map(|m| m.len()).ok();
    let (mut raw, mut gzip, mut brotli) = (0, 0, 0);
    for kind in ["wasm", "js", "css"] {
        // With hashed names an old build's files may remain: the newest of each kind is the
        // one the server links.
        let newest = files
            .iter()
            .filter(|f| f.extension().and_then(|e| e.to_str()) == Some(kind))
            .max_by_key(|f| std::fs::metadata(f).and_then(|m| m.modified()).ok());
        let Some(file) = newest else {
            continue;
        };
        let with = |suffix: &str| {
            let mut name = file.as_os_str().to_owned();
            name.push(suffix);
            size(Path::new(&name))
        };
        let (r, g, b) = (size(file), with(".gz"), with(".br"));
        raw += r.unwrap_or(0);
        gzip += g.unwrap_or(0);
        brotli += b.unwrap_or(0);
        found.push(json!({
            "kind": kind,
            "file": file.file_name().and_then(|n| n.to_str()),
            "raw": r, "gzip": g, "brotli": b,
        }));
    }
    found.push(json!({"kind": "total", "raw": raw, "gzip": gzip, "brotli": brotli}));
    Ok(found)
}

/// Header cells.
fn row(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|c| c.to_string()).collect()
}

/// Prints rows with columns padded to their widest cell; the first row is the header.
fn table(rows: &[Vec<String>]) {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|cell| cell.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    for (i, cells) in rows.iter().enumerate() {
        let line: Vec<String> = cells
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(c, (cell, width))| {
                // Names left, figures right.
                if c == 0 {
                    format!("{cell:<width$}")
                } else {
                    format!("{cell:>width$}")
                }
            })
            .collect();
        println!("  {}", line.join("  "));
        if i == 0 {
            println!(
                "  {}",
                "-".repeat(widths.iter().sum::<usize>() + 2 * columns.saturating_sub(1))
            );
        }
    }
}

/// A JSON value as plain text ("–" when missing).
fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => "–".into(),
        other => other.to_string(),
    }
}

/// A number with `decimals` decimals.
fn number(value: &Value, decimals: usize) -> String {
    value
        .as_f64()
        .map_or("–".into(), |n| format!("{n:.decimals$}"))
}

/// Milliseconds, with more decimals for small values.
fn millis(value: &Value) -> String {
    match value.as_f64() {
        Some(ms) if ms < 10.0 => format!("{ms:.2} ms"),
        Some(ms) if ms < 100.0 => format!("{ms:.1} ms"),
        Some(ms) => format!("{ms:.0} ms"),
        None => "–".into(),
    }
}

/// A share of the machine's cores.
fn share_of_cores(value: &Value) -> String {
    value
        .as_f64()
        .map_or("–".into(), |c| format!("{c:.2} cores"))
}

/// Bytes as KiB.
fn kib(value: &Value) -> String {
    value
        .as_f64()
        .map_or("–".into(), |b| format!("{:.1} KiB", b / 1024.0))
}

/// 2000000 as "2,000,000".
fn thousands(value: Option<i64>) -> String {
    let Some(n) = value else {
        return "–".into();
    };
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

/// "2 min 23 s" or "41.2 s".
fn duration(seconds: f64) -> String {
    let whole = seconds.round() as u64;
    if whole >= 60 {
        format!("{} min {} s", whole / 60, whole % 60)
    } else {
        format!("{seconds:.1} s")
    }
}
