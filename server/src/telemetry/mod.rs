//! Metrics in Prometheus's text format, served on an address of their own
//! (`ORDERPANE_METRICS_ADDR`), never on the app's router: what the app's port answers is
//! public, and counts of requests per route are not for the helpdesk's users.
//!
//! Off by default: without the setting no recorder is installed and every `metrics::` call
//! in the server costs next to nothing.

/// Request counts and latencies per route, method and status.
pub mod http;
/// The scrape endpoint and the gauges read at each scrape.
pub mod scrape;

use std::time::Duration;

use anyhow::Context;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

/// `1`, labelled with the server's version.
pub const BUILD_INFO: &str = "orderpane_build_info";

/// Upper bounds of the request latency buckets, in seconds: a panel lookup takes a few
/// milliseconds, a page a little more; 15 s is the request timeout.
const LATENCY_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 15.0,
];

/// How often histograms' recent samples are folded in (the exporter leaves it to us).
const UPKEEP: Duration = Duration::from_secs(5);

/// Installs the process-wide recorder and returns the handle that renders a scrape. Once
/// per process: a second call fails.
pub fn install() -> anyhow::Result<PrometheusHandle> {
    let handle = PrometheusBuilder::new()
        .set_buckets_for_metric(
            Matcher::Full(http::REQUEST_DURATION.to_owned()),
            LATENCY_BUCKETS,
        )
        .context("the request latency buckets")?
        .install_recorder()
        .context("installing the metrics recorder")?;
    describe();
    metrics::gauge!(BUILD_INFO, "version" => env!("CARGO_PKG_VERSION")).set(1.0);
    let upkeep = handle.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(UPKEEP);
        loop {
            tick.tick().await;
            upkeep.run_upkeep();
        }
    });
    Ok(handle)
}

/// The `# HELP` lines.
fn describe() {
    use metrics::{describe_counter, describe_gauge, describe_histogram, Unit};
    describe_gauge!(
        BUILD_INFO,
        "Always 1; the label `version` is the server's version."
    );
    describe_counter!(
        http::REQUESTS,
        "HTTP requests answered, by route (the server function's path for /api/…), method and status."
    );
    describe_histogram!(
        http::REQUEST_DURATION,
        Unit::Seconds,
        "Time to the response's head (for a push connection: until it opened), by route, method and status."
    );
    scrape::describe();
    crate::live::host_sockets::describe_metrics();
}
