//! `make soak`: a measurement, not a test. `--clients` panels (256) use the release server for
//! `--seconds` (600) the way agents' panels do: each loads the page (a new session per
//! conversation, as Chatwoot rebuilds the frame), asks for the panel, holds a push connection,
//! and every one to three seconds refreshes the panel, pages through more orders or searches;
//! after a few actions it moves on to another conversation. In the middle the database is
//! stopped for `--outage-seconds` (10) and started again.
//!
//! Prints, every 10 s and at the end: requests per second, p50/p99 latency per kind of call,
//! answers by status (per phase: before, during and after the outage), the server's memory
//! (RSS) at start, middle and end, and its database connections and open push connections (read
//! from its `/metrics`). Each client has a loopback address of its own (127.3.x.y), so the
//! per-address rate limit never bites; a 429 in the figures is a real one.

use std::{
    collections::BTreeMap,
    net::IpAddr,
    path::PathBuf,
    sync::{
        atomic::{AtomicBool, AtomicU64, Ordering},
        Arc, Mutex,
    },
    time::{Duration, Instant},
};

use anyhow::{bail, Context};
use clap::Parser;
use serde_json::{json, Value};

#[derive(Parser)]
struct Args {
    /// The running server's base URL.
    #[arg(long, default_value = "http://127.0.0.1:3420")]
    url: String,
    /// The server's metrics URL (`ORDERPANE_METRICS_ADDR` + `/metrics`).
    #[arg(long, default_value = "http://127.0.0.1:3421/metrics")]
    metrics_url: String,
    /// A registered install.
    #[arg(long)]
    install: String,
    /// That install's key.
    #[arg(long)]
    key: String,
    /// The server's process id (its memory is read from /proc).
    #[arg(long)]
    pid: u32,
    /// Panels at once.
    #[arg(long, default_value_t = 256)]
    clients: usize,
    /// How long, in seconds.
    #[arg(long, default_value_t = 600)]
    seconds: u64,
    /// How long the database is down, in seconds (0: no outage).
    #[arg(long, default_value_t = 10)]
    outage_seconds: u64,
    /// Shell command that stops the database.
    #[arg(long)]
    stop_db: Option<String>,
    /// Shell command that starts it again.
    #[arg(long)]
    start_db: Option<String>,
    /// Where to write the figures as JSON.
    #[arg(long)]
    json: Option<PathBuf>,
}

/// The demo store's customers (and one nobody has), as panels ask for them.
const EMAILS: &[&str] = &[
    "jane@example.com",
    "marco@example.it",
    "lena@example.com",
    "kenji@example.jp",
    "ana@example.com",
    "nobody@example.com",
];
/// What agents type into the customer search.
const SEARCHES: &[&str] = &["jane", "marco", "fischer", "+49", "example.com"];
/// How long after the outage ends its phase still lasts (reconnecting, catching up).
const RECOVERY: Duration = Duration::from_secs(20);
/// How often a line of figures is printed.
const SAMPLE: Duration = Duration::from_secs(10);

/// Latencies and answers of one kind of call in one phase.
#[derive(Default)]
struct Calls {
    latencies_ms: Vec<f64>,
    /// By status code, or `transport` when no answer came.
    answers: BTreeMap<String, u64>,
}

/// What the answers that were not a success say about the outage.
#[derive(Default)]
struct Failures {
    count: u64,
    slowest_ms: f64,
    last_at_s: f64,
}

/// One sample of the server's state.
struct Sample {
    at_s: f64,
    rss_kib: Option<u64>,
    pool_idle: Option<f64>,
    pool_in_use: Option<f64>,
    push: Option<f64>,
    requests_per_s: f64,
}

struct Soak {
    args: Args,
    clients: Vec<reqwest::Client>,
    started: Instant,
    deadline: Instant,
    /// When the outage starts and how long its phase lasts.
    outage_at: Duration,
    calls: Mutex<BTreeMap<(&'static str, &'static str), Calls>>,
    /// Every answer that was not a success: the slowest (ms) and when the last one came (s
    /// since the start), to tell how quickly the outage was answered and how soon it ended.
    failures: Mutex<Failures>,
    requests: AtomicU64,
    live_dropped: AtomicU64,
    done: AtomicBool,
}

impl Soak {
    fn phase(&self) -> &'static str {
        let now = self.started.elapsed();
        let outage = Duration::from_secs(self.args.outage_seconds);
        if self.args.outage_seconds == 0 || now < self.outage_at {
            "before"
        } else if now < self.outage_at + outage + RECOVERY {
            "outage"
        } else {
            "after"
        }
    }

    fn record(&self, kind: &'static str, started: Instant, answer: String) {
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        self.requests.fetch_add(1, Ordering::Relaxed);
        let mut calls = self.calls.lock().unwrap_or_else(|e| e.into_inner());
        let entry = calls.entry((self.phase(), kind)).or_default();
        entry.latencies_ms.push(ms);
        if !answer.starts_with('2') {
            let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
            failures.count += 1;
            failures.slowest_ms = failures.slowest_ms.max(ms);
            failures.last_at_s = self.started.elapsed().as_secs_f64();
        }
        *entry.answers.entry(answer).or_default() += 1;
    }

    /// Sends a request, records it as `kind`, and returns the body of a 200.
    async fn call(&self, kind: &'static str, request: reqwest::RequestBuilder) -> Option<String> {
        let started = Instant::now();
        match request.send().await {
            Ok(response) => {
                let status = response.status();
                let body = response.text().await;
                self.record(kind, started, status.as_str().to_owned());
                body.ok().filter(|_| status.is_success())
            }
            Err(_) => {
                self.record(kind, started, "transport".into());
                None
            }
        }
    }

    fn finished(&self) -> bool {
        self.done.load(Ordering::Relaxed) || Instant::now() >= self.deadline
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if args.clients == 0 || args.clients > 250 * 250 {
        bail!("--clients must be 1 to 62,500");
    }
    if args.outage_seconds > 0 && (args.stop_db.is_none() || args.start_db.is_none()) {
        bail!("an outage needs --stop-db and --start-db");
    }
    let clients = (0..args.clients)
        .map(|i| {
            let address: IpAddr = format!("127.3.{}.{}", i / 250, 1 + i % 250).parse()?;
            Ok(reqwest::Client::builder()
                .local_address(address)
                .no_proxy()
                .timeout(Duration::from_secs(30))
                .build()?)
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let started = Instant::now();
    let soak = Arc::new(Soak {
        outage_at: Duration::from_secs(args.seconds / 2),
        deadline: started + Duration::from_secs(args.seconds),
        args,
        clients,
        started,
        calls: Mutex::new(BTreeMap::new()),
        failures: Mutex::new(Failures::default()),
        requests: AtomicU64::new(0),
        live_dropped: AtomicU64::new(0),
        done: AtomicBool::new(false),
    });

    let mut tasks = Vec::new();
    for i in 0..soak.args.clients {
        let soak = soak.clone();
        tasks.push(tokio::spawn(async move {
            // Spread the first page loads over the first ten seconds.
            tokio::time::sleep(Duration::from_millis(rand::random_range(0..10_000))).await;
            panel_client(soak, i).await;
        }));
    }
    let outage = tokio::spawn(outage(soak.clone()));
    let samples = sample_until_done(&soak).await;
    soak.done.store(true, Ordering::Relaxed);
    for task in tasks {
        let _ = task.await;
    }
    let outage = outage.await.context("the outage task")??;
    report(&soak, &samples, &outage)
}

/// One panel after another, as one agent's helpdesk tab would open them.
async fn panel_client(soak: Arc<Soak>, i: usize) {
    let http = &soak.clients[i];
    let url = &soak.args.url;
    let install = &soak.args.install;
    while !soak.finished() {
        let Some(page) = soak
            .call(
                "page",
                http.get(format!("{url}/?install={install}&key={}", soak.args.key)),
            )
            .await
        else {
            tokio::time::sleep(Duration::from_secs(1)).await;
            continue;
        };
        let Some(token) = bench::meta(&page, "orderpane-session") else {
            continue;
        };
        let session = json!({"install": install, "token": token});
        let conversation = rand::random_range(1..100_000u32).to_string();
        let agent = json!({"id": "7", "name": "Soak Agent", "email": null});
        let email = EMAILS[rand::random_range(0..EMAILS.len())];
        let panel_body = json!({"request": {"session": session, "keys": {"email": email},
                                            "agent": agent, "conversation_id": conversation}});
        let panel_request = || http.post(format!("{url}/api/panel")).json(&panel_body);
        let Some(panel) = soak.call("panel", panel_request()).await else {
            tokio::time::sleep(Duration::from_secs(1)).await;
            continue;
        };
        let panel: Value = serde_json::from_str(&panel).unwrap_or_default();
        let ticket = panel["live"]["ticket"].as_str().map(str::to_owned);
        let customer = panel["customer_id"].as_i64();
        let mut after = panel["more_orders"].as_str().map(str::to_owned);
        let live = ticket
            .clone()
            .map(|ticket| tokio::spawn(hold_live(soak.clone(), i, ticket)));

        for _ in 0..rand::random_range(5..15) {
            tokio::time::sleep(Duration::from_millis(rand::random_range(1_000..3_000))).await;
            if soak.finished() {
                break;
            }
            match rand::random_range(0..10) {
                0..=5 => {
                    soak.call("panel", panel_request()).await;
                }
                6 | 7 if after.is_some() && ticket.is_some() && customer.is_some() => {
                    let body = json!({"request": {"session": session, "ticket": ticket,
                                                  "customer_id": customer, "after": after}});
                    let page = soak
                        .call(
                            "more_orders",
                            http.post(format!("{url}/api/orders/more")).json(&body),
                        )
                        .await;
                    let next = page
                        .and_then(|page| serde_json::from_str::<Value>(&page).ok())
                        .and_then(|page| page["next"].as_str().map(str::to_owned));
                    // Back to the first page once the last is reached.
                    after = next.or_else(|| panel["more_orders"].as_str().map(str::to_owned));
                }
                _ => {
                    let query = SEARCHES[rand::random_range(0..SEARCHES.len())];
                    let body = json!({"context": {"session": session, "agent": agent,
                                                  "conversation_id": conversation},
                                      "query": query});
                    soak.call(
                        "search",
                        http.post(format!("{url}/api/customers/search")).json(&body),
                    )
                    .await;
                }
            }
        }
        if let Some(live) = live {
            live.abort();
        }
    }
}

/// A push connection held open until the conversation changes (the task is aborted) or the
/// server ends it.
async fn hold_live(soak: Arc<Soak>, i: usize, ticket: String) {
    let http = &soak.clients[i];
    let url = format!(
        "{}/api/live?install={}&ticket={ticket}",
        soak.args.url, soak.args.install
    );
    let started = Instant::now();
    let mut response = match http
        .get(&url)
        .timeout(Duration::from_secs(3600))
        .send()
        .await
    {
        Ok(response) => response,
        Err(_) => {
            soak.record("live", started, "transport".into());
            return;
        }
    };
    soak.record("live", started, response.status().as_str().to_owned());
    if !response.status().is_success() {
        return;
    }
    while let Ok(Some(_)) = response.chunk().await {}
    if !soak.finished() {
        soak.live_dropped.fetch_add(1, Ordering::Relaxed);
    }
}

/// Stops the database in the middle of the run and starts it again; returns what happened.
async fn outage(soak: Arc<Soak>) -> anyhow::Result<Value> {
    if soak.args.outage_seconds == 0 {
        return Ok(json!(null));
    }
    tokio::time::sleep(soak.outage_at).await;
    let stop = soak.args.stop_db.clone().unwrap_or_default();
    let start = soak.args.start_db.clone().unwrap_or_default();
    let began = soak.started.elapsed();
    println!("-- {:>5.0} s: stopping the database", began.as_secs_f64());
    shell(&stop).await?;
    tokio::time::sleep(Duration::from_secs(soak.args.outage_seconds)).await;
    println!(
        "-- {:>5.0} s: starting the database",
        soak.started.elapsed().as_secs_f64()
    );
    shell(&start).await?;
    let ended = soak.started.elapsed();
    println!("-- {:>5.0} s: the database is up", ended.as_secs_f64());
    Ok(json!({"stopped_at_s": began.as_secs_f64(), "up_again_at_s": ended.as_secs_f64()}))
}

async fn shell(command: &str) -> anyhow::Result<()> {
    let status = tokio::process::Command::new("sh")
        .arg("-c")
        .arg(command)
        .stdout(std::process::Stdio::null())
        .status()
        .await
        .with_context(|| format!("running {command:?}"))?;
    if !status.success() {
        bail!("{command:?} failed: {status}");
    }
    Ok(())
}

/// Samples the server every [`SAMPLE`] until the run is over, printing each.
async fn sample_until_done(soak: &Soak) -> Vec<Sample> {
    let metrics = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap_or_default();
    println!("   time    req/s   RSS MiB   db idle/in use   push");
    let mut samples = Vec::new();
    let mut last_requests = 0;
    let mut last_at = Instant::now();
    loop {
        let requests = soak.requests.load(Ordering::Relaxed);
        let per_s = (requests - last_requests) as f64 / last_at.elapsed().as_secs_f64().max(0.001);
        last_requests = requests;
        last_at = Instant::now();
        let scrape = match metrics.get(&soak.args.metrics_url).send().await {
            Ok(response) => response.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        };
        let sample = Sample {
            at_s: soak.started.elapsed().as_secs_f64(),
            rss_kib: rss_kib(soak.args.pid),
            pool_idle: gauge(&scrape, "orderpane_db_pool_connections{state=\"idle\"}"),
            pool_in_use: gauge(&scrape, "orderpane_db_pool_connections{state=\"in_use\"}"),
            push: gauge(&scrape, "orderpane_push_connections"),
            requests_per_s: if samples.is_empty() { 0.0 } else { per_s },
        };
        let shown = |v: Option<f64>| v.map_or("?".to_owned(), |v| format!("{v:.0}"));
        println!(
            "{:>5.0} s  {:>7.1}  {:>8}  {:>7}/{:<7}  {:>5}",
            sample.at_s,
            sample.requests_per_s,
            sample
                .rss_kib
                .map_or("?".to_owned(), |k| format!("{:.1}", k as f64 / 1024.0)),
            shown(sample.pool_idle),
            shown(sample.pool_in_use),
            shown(sample.push),
        );
        samples.push(sample);
        if Instant::now() >= soak.deadline {
            return samples;
        }
        let left = soak.deadline.saturating_duration_since(Instant::now());
        tokio::time::sleep(SAMPLE.min(left)).await;
    }
}

/// The server's resident memory, from /proc.
fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// A sample's value in a Prometheus text scrape.
fn gauge(scrape: &str, series: &str) -> Option<f64> {
    scrape
        .lines()
        .find_map(|line| line.strip_prefix(series)?.trim().parse().ok())
}

/// The value below which `share` (0–1) of the sorted `values` fall; NaN for none.
fn percentile(sorted: &[f64], share: f64) -> f64 {
    bench::percentile(sorted, share).unwrap_or(f64::NAN)
}

fn report(soak: &Soak, samples: &[Sample], outage: &Value) -> anyhow::Result<()> {
    let seconds = soak.started.elapsed().as_secs_f64();
    let calls = soak.calls.lock().unwrap_or_else(|e| e.into_inner());
    let total: u64 = soak.requests.load(Ordering::Relaxed);
    println!(
        "\n{} clients, {:.0} s: {} requests, {:.1} req/s",
        soak.args.clients,
        seconds,
        total,
        total as f64 / seconds
    );
    let mut kinds: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    let mut answers: BTreeMap<(&str, &str), BTreeMap<String, u64>> = BTreeMap::new();
    for ((phase, kind), call) in calls.iter() {
        kinds
            .entry(kind)
            .or_default()
            .extend(call.latencies_ms.iter().copied());
        let into = answers.entry((phase, kind)).or_default();
        for (answer, count) in &call.answers {
            *into.entry(answer.clone()).or_default() += count;
        }
    }
    println!(
        "{:<12} {:>8} {:>9} {:>9}",
        "call", "count", "p50 ms", "p99 ms"
    );
    let mut latency = serde_json::Map::new();
    for (kind, mut ms) in kinds {
        ms.sort_by(f64::total_cmp);
        let (p50, p99) = (percentile(&ms, 0.50), percentile(&ms, 0.99));
        println!("{kind:<12} {:>8} {p50:>9.1} {p99:>9.1}", ms.len());
        latency.insert(
            kind.to_owned(),
            json!({"count": ms.len(), "p50_ms": p50, "p99_ms": p99}),
        );
    }
    println!(
        "answers by phase (before, during the outage and {} s after, after):",
        RECOVERY.as_secs()
    );
    let mut by_phase = serde_json::Map::new();
    for ((phase, kind), counts) in &answers {
        println!("  {phase:<7} {kind:<12} {counts:?}");
        by_phase.insert(format!("{phase}/{kind}"), json!(counts));
    }
    println!(
        "push connections ended by the server: {}",
        soak.live_dropped.load(Ordering::Relaxed)
    );
    // The outage's two questions: how fast a failed call said so, and how soon after the
    // database was back the last one came.
    let failed = {
        let failures = soak.failures.lock().unwrap_or_else(|e| e.into_inner());
        let back_at = outage["up_again_at_s"].as_f64();
        json!({
            "count": failures.count,
            "slowest_ms": failures.slowest_ms,
            "last_at_s": failures.last_at_s,
            "last_after_database_back_s": back_at.map(|back| failures.last_at_s - back),
        })
    };
    println!("failed answers (any status but 2xx, or none): {failed}");
    let at = |fraction: f64| {
        samples
            .iter()
            .min_by(|a, b| {
                (a.at_s - seconds * fraction)
                    .abs()
                    .total_cmp(&(b.at_s - seconds * fraction).abs())
            })
            .map(|s| {
                json!({"at_s": s.at_s, "rss_kib": s.rss_kib, "db_idle": s.pool_idle,
                       "db_in_use": s.pool_in_use, "push_connections": s.push})
            })
    };
    let points = json!({"start": at(0.0), "middle": at(0.5), "end": at(1.0)});
    println!("server at start, middle, end: {points}");
    let figures = json!({
        "clients": soak.args.clients,
        "seconds": seconds,
        "requests": total,
        "requests_per_s": total as f64 / seconds,
        "latency": latency,
        "answers": by_phase,
        "push_ended_by_server": soak.live_dropped.load(Ordering::Relaxed),
        "failed": failed,
        "server": points,
        "outage": outage,
        "samples": samples.iter().map(|s| json!({"at_s": s.at_s, "rss_kib": s.rss_kib,
            "db_idle": s.pool_idle, "db_in_use": s.pool_in_use, "push": s.push,
            "requests_per_s": s.requests_per_s})).collect::<Vec<_>>(),
    });
    if let Some(path) = &soak.args.json {
        std::fs::write(path, serde_json::to_string_pretty(&figures)?)
            .with_context(|| format!("writing {}", path.display()))?;
        println!("figures written to {}", path.display());
    }
    Ok(())
}
