//! How fast the panel lookup answers through the real HTTP endpoint: `--concurrency` clients
//! each call `POST /api/panel` (the `load_panel` server function) back to back, for a random
//! existing customer by email each time, for `--seconds` after a `--warmup`. Prints the
//! median and 99th-percentile latency and the requests per second of every level.
//!
//! The server limits calls per session (10 a second, bursts of 30) and per network address
//! (50 a second, bursts of 100). Rather than lifting those limits, the load is spread the way
//! a large office's panels would spread it: over `--sessions` page sessions (each opened
//! with a real page load) and `--addresses` loopback source addresses (127.1.x.y), taken in
//! turn. Any answer other than 200 is counted, so a limit that still bites shows as errors.

use std::{
    net::IpAddr,
    path::PathBuf,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc,
    },
    time::{Duration, Instant},
};

use anyhow::{bail, Context};
use bench::{millis, open_session, percentile, CpuSample, Levels};
use clap::Parser;

#[derive(Parser)]
struct Args {
    /// The running server's base URL.
    #[arg(long, default_value = "http://127.0.0.1:3410")]
    url: String,
    /// A registered install.
    #[arg(long)]
    install: String,
    /// That install's key (its secret).
    #[arg(long)]
    key: String,
    /// The store and the load levels.
    #[command(flatten)]
    levels: Levels,
    /// Page sessions to spread calls over (each may make 10 calls a second).
    #[arg(long, default_value_t = 1000)]
    sessions: usize,
    /// Loopback source addresses to spread calls over (each may make 50 calls a second).
    #[arg(long, default_value_t = 250)]
    addresses: usize,
    /// The server's and Postgres's process ids: their CPU time is the benchmark's own, the
    /// rest of the machine's is other work (reported per level).
    #[arg(long, value_delimiter = ',')]
    watch_pid: Vec<u32>,
    /// Where to write the figures as JSON.
    #[arg(long)]
    json: Option<PathBuf>,
}

/// What one measured level gave.
struct Level {
    concurrency: usize,
    requests: usize,
    seconds: f64,
    median_ms: f64,
    p99_ms: f64,
    mean_ms: f64,
    rejected_429: u64,
    other_errors: u64,
    /// Cores' worth of CPU that other processes used meanwhile.
    others_cores: Option<f64>,
}

/// Everything the clients share.
struct Load {
    args: Args,
    clients: Vec<reqwest::Client>,
    tokens: Vec<String>,
    /// Which client and session the next call takes.
    turn: AtomicU64,
    rejected_429: AtomicU64,
    other_errors: AtomicU64,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if args.levels.customers == 0 || args.sessions == 0 || args.addresses == 0 {
        bail!("--customers, --sessions and --addresses must be at least 1");
    }
    if args.addresses > 250 * 250 {
        bail!("--addresses can be at most 62,500");
    }
    if args.levels.concurrency.contains(&0) {
        bail!("--concurrency levels must be at least 1");
    }
    let clients = (0..args.addresses)
        .map(|i| {
            let address: IpAddr = format!("127.1.{}.{}", i / 250, 1 + i % 250).parse()?;
            Ok(reqwest::Client::builder()
                .local_address(address)
                .timeout(Duration::from_secs(30))
                .build()?)
        })
        .collect::<anyhow::Result<Vec<_>>>()?;

    // Page loads are not rate-limited; open the sessions a few at a time.
    let mut tokens = Vec::with_capacity(args.sessions);
    for batch in (0..args.sessions).collect::<Vec<_>>().chunks(16) {
        let opening = batch.iter().map(|i| {
            open_session(
                &clients[i % clients.len()],
                &args.url,
                &args.install,
                &args.key,
            )
        });
        for token in futures_util::future::join_all(opening).await {
            tokens.push(token?);
        }
    }
    let load = Arc::new(Load {
        args,
        clients,
        tokens,
        turn: AtomicU64::new(0),
        rejected_429: AtomicU64::new(0),
        other_errors: AtomicU64::new(0),
    });
    // One call to check that the store and the server agree before measuring anything.
    if !matches!(call(&load, 1, true).await?, Answer::Panel(true)) {
        bail!(
            "customer 1 of {} was not found: is the server using the seeded store?",
            load.args.levels.label
        );
    }

    let mut levels = Vec::new();
    for &concurrency in &load.args.levels.concurrency {
        run(
            &load,
            concurrency,
            Duration::from_secs(load.args.levels.warmup),
        )
        .await;
        load.rejected_429.store(0, Ordering::Relaxed);
        load.other_errors.store(0, Ordering::Relaxed);
        let cpu = CpuSample::take(&load.args.watch_pid);
        let started = Instant::now();
        let mut latencies = run(
            &load,
            concurrency,
            Duration::from_secs(load.args.levels.seconds),
        )
        .await;
        let seconds = started.elapsed().as_secs_f64();
        let others_cores = cpu
            .zip(CpuSample::take(&load.args.watch_pid))
            .and_then(|(before, after)| before.others_cores(&after));
        latencies.sort_unstable();
        let level = Level {
            concurrency,
            requests: latencies.len(),
            seconds,
            median_ms: ms(percentile(&latencies, 0.50)),
            p99_ms: ms(percentile(&latencies, 0.99)),
            mean_ms: latencies.iter().copied().map(millis).sum::<f64>()
                / latencies.len().max(1) as f64,
            rejected_429: load.rejected_429.load(Ordering::Relaxed),
            other_errors: load.other_errors.load(Ordering::Relaxed),
            others_cores,
        };
        println!(
            "{} panel lookups, {:>2} clients: {:>7.1} requests/s, median {:>6.2} ms, p99 {:>6.2} ms, {} answered 429, {} other errors, other work {} cores",
            load.args.levels.label,
            level.concurrency,
            level.requests as f64 / level.seconds,
            level.median_ms,
            level.p99_ms,
            level.rejected_429,
            level.other_errors,
            level.others_cores.map_or("?".into(), |c| format!("{c:.2}")),
        );
        levels.push(level);
    }

    if let Some(path) = &load.args.json {
        let figures = serde_json::json!({
            "store": load.args.levels.label,
            "customers": load.args.levels.customers,
            "seconds_per_level": load.args.levels.seconds,
            "warmup_seconds": load.args.levels.warmup,
            "sessions": load.tokens.len(),
            "addresses": load.clients.len(),
            "levels": levels.iter().map(|l| serde_json::json!({
                "concurrency": l.concurrency,
                "requests": l.requests,
                "requests_per_second": l.requests as f64 / l.seconds,
                "median_ms": l.median_ms,
                "p99_ms": l.p99_ms,
                "mean_ms": l.mean_ms,
                "rejected_429": l.rejected_429,
                "other_errors": l.other_errors,
                "others_cores": l.others_cores,
            })).collect::<Vec<_>>(),
        });
        std::fs::write(path, serde_json::to_string_pretty(&figures)?)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}

/// Runs `concurrency` clients for `duration` and returns the latencies of the calls that
/// were answered 200.
async fn run(load: &Arc<Load>, concurrency: usize, duration: Duration) -> Vec<Duration> {
    let deadline = Instant::now() + duration;
    let workers: Vec<_> = (0..concurrency)
        .map(|worker| {
            let load = load.clone();
            tokio::spawn(async move {
                // Each client draws its own customers: SplitMix64, seeded per client and
                // level, is plenty for picking rows and needs no dependency.
                let now = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap_or_default();
                let mut state =
                    (worker as u64 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ now.as_nanos() as u64;
                let mut latencies = Vec::new();
                while Instant::now() < deadline {
                    let customer = 1 + splitmix(&mut state) % load.args.levels.customers;
                    let started = Instant::now();
                    // Every 500th answer is read in full to check that it found the customer.
                    let check = latencies.len() % 500 == 0;
                    match call(&load, customer, check).await {
                        Ok(Answer::Panel(_)) => latencies.push(started.elapsed()),
                        Ok(Answer::RateLimited) => {
                            load.rejected_429.fetch_add(1, Ordering::Relaxed);
                        }
                        Err(_) => {
                            load.other_errors.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                }
                latencies
            })
        })
        .collect();
    let mut all = Vec::new();
    for worker in workers {
        if let Ok(latencies) = worker.await {
            all.extend(latencies);
        }
    }
    all
}

/// How the server answered one lookup.
enum Answer {
    /// 200; with a check, whether the answer found the customer (else true).
    Panel(bool),
    /// 429: a rate limit refused the call.
    RateLimited,
}

/// One panel lookup for `customer`, as the panel makes it. With `check`, the answer is read
/// to see whether it found the customer.
async fn call(load: &Load, customer: u64, check: bool) -> anyhow::Result<Answer> {
    let turn = load.turn.fetch_add(1, Ordering::Relaxed) as usize;
    let client = &load.clients[turn % load.clients.len()];
    let token = &load.tokens[turn % load.tokens.len()];
    let response = client
        .post(format!("{}/api/panel", load.args.url))
        .json(&serde_json::json!({"request": {
            "session": {"install": load.args.install, "token": token},
            "keys": {"email": format!("c{customer}@bench.example")},
            "conversation_id": "bench",
            "contact_id": customer.to_string(),
        }}))
        .send()
        .await?;
    let status = response.status();
    if status == reqwest::StatusCode::TOO_MANY_REQUESTS {
        return Ok(Answer::RateLimited);
    }
    if !status.is_success() {
        bail!("the panel answered {status}");
    }
    let body = response.bytes().await?;
    if !check {
        return Ok(Answer::Panel(true));
    }
    let panel: serde_json::Value = serde_json::from_slice(&body)?;
    // A customer found by its email is shown (one match): the panel names it.
    Ok(Answer::Panel(panel["customer_id"].as_i64().is_some()))
}

/// The next number of a SplitMix64 sequence.
fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Milliseconds of a percentile (NaN, written as null, when there were no answers).
fn ms(latency: Option<Duration>) -> f64 {
    latency.map_or(f64::NAN, millis)
}
