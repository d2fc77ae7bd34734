//! How much memory idle push connections cost the server: opens `--connections` push
//! connections the way pages do (page load → panel lookup → `GET /api/live` with the panel's
//! ticket), holds them idle, and reads the server's resident memory before and after.
//!
//! Clients spread over many loopback source addresses (127.0.0.2, .3, …), since the server
//! limits calls per address as it would for a real office.

use std::{net::IpAddr, time::Duration};

use anyhow::{bail, Context};
use clap::Parser;

#[derive(Parser)]
struct Args {
    /// The running server's base URL.
    #[arg(long, default_value = "http://127.0.0.1:3400")]
    url: String,
    /// The server's process id (its memory is read from /proc).
    #[arg(long)]
    pid: u32,
    /// A registered install and its key.
    #[arg(long)]
    install: String,
    #[arg(long)]
    key: String,
    /// How many idle push connections to hold.
    #[arg(long, default_value_t = 1000)]
    connections: usize,
    /// Where to write the figures as JSON.
    #[arg(long)]
    json: Option<std::path::PathBuf>,
}

/// Source addresses to spread clients over: each stays well inside the per-address burst.
const ADDRESSES: usize = 50;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let clients = (0..ADDRESSES)
        .map(|i| {
            let address: IpAddr = format!("127.0.0.{}", i + 2).parse()?;
            Ok(reqwest::Client::builder()
                .local_address(address)
                .pool_max_idle_per_host(0)
                .build()?)
        })
        .collect::<anyhow::Result<Vec<_>>>()?;

    // One connection first, so that lazily made things (pools, caches) are not counted.
    let warm = open(&clients[0], &args).await?;
    drop(warm);
    tokio::time::sleep(Duration::from_secs(1)).await;
    let before = resident_kib(args.pid)?;

    let mut held = Vec::with_capacity(args.connections);
    for batch in (0..args.connections).collect::<Vec<_>>().chunks(ADDRESSES) {
        let opening = batch.iter().map(|i| open(&clients[i % ADDRESSES], &args));
        for response in futures_util::future::join_all(opening).await {
            held.push(response?);
        }
        // Stay under the per-address rate (50 calls a second each).
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let after = resident_kib(args.pid)?;
    let growth_mib = (after.saturating_sub(before)) as f64 / 1024.0;
    let per_connection_kib = (after.saturating_sub(before)) as f64 / args.connections as f64;
    println!(
        "idle push connections: {}\nserver resident memory: {:.1} MiB before, {:.1} MiB with them open\ngrowth: {growth_mib:.1} MiB ({per_connection_kib:.1} KiB per connection; target < 50 MiB)",
        held.len(),
        before as f64 / 1024.0,
        after as f64 / 1024.0,
    );
    if let Some(path) = &args.json {
        let figures = serde_json::json!({
            "connections": held.len(),
            "rss_before_kib": before,
            "rss_after_kib": after,
            "growth_mib": growth_mib,
            "per_connection_kib": per_connection_kib,
        });
        std::fs::write(path, serde_json::to_string_pretty(&figures)?)?;
    }
    Ok(())
}

/// Opens one push connection as a page does and returns it once the server has answered.
async fn open(client: &reqwest::Client, args: &Args) -> anyhow::Result<reqwest::Response> {
    let token = bench::open_session(client, &args.url, &args.install, &args.key).await?;
    let panel: serde_json::Value = client
        .post(format!("{}/api/panel", args.url))
        .json(&serde_json::json!({"request": {
            "session": {"install": args.install, "token": token},
            "keys": {"email": "jane@example.com"},
            "conversation_id": "101",
            "contact_id": "1",
        }}))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let Some(ticket) = panel["live"]["ticket"].as_str() else {
        bail!("the panel carries no live ticket: {panel}");
    };
    let mut response = client
        .get(format!("{}/api/live", args.url))
        .query(&[("install", args.install.as_str()), ("ticket", ticket)])
        .send()
        .await?
        .error_for_status()?;
    // The first event (a comment and the retry time) shows the stream is live.
    let _ = tokio::time::timeout(Duration::from_secs(5), response.chunk()).await;
    Ok(response)
}

/// The process's resident set size, in KiB.
fn resident_kib(pid: u32) -> anyhow::Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .context("no VmRSS for the server")
}
