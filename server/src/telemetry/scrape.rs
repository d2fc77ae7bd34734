//! `GET /metrics` on the metrics address: the recorder's counters and histograms, plus gauges
//! read at the moment of the scrape (the database pool, open push connections), so they are
//! never stale.

use std::net::SocketAddr;

use axum::{extract::State, http::header, response::IntoResponse, routing::get, Router};
use metrics_exporter_prometheus::PrometheusHandle;
use sqlx::PgPool;
use tokio::net::TcpListener;

use crate::{live::LiveHub, shutdown::Shutdown};

/// Connections in the pool, by `state`: `idle` or `in_use`.
pub const POOL_CONNECTIONS: &str = "orderpane_db_pool_connections";
/// The pool's configured maximum (`ORDERPANE_DB_MAX_CONNECTIONS`).
pub const POOL_MAX: &str = "orderpane_db_pool_max_connections";
/// Open push connections (server-sent events) of browsers' panels.
pub const PUSH_CONNECTIONS: &str = "orderpane_push_connections";

/// What a scrape reads.
#[derive(Clone)]
pub struct Scrape {
    /// Renders the recorder's metrics.
    pub handle: PrometheusHandle,
    /// The app's database pool.
    pub pool: PgPool,
    /// The live-event hub (its listeners are the open push connections).
    pub hub: LiveHub,
}

/// The metrics address's router: `/metrics` and nothing else (404).
pub fn router(scrape: Scrape) -> Router {
    Router::new()
        .route("/metrics", get(metrics))
        .with_state(scrape)
}

/// Serves [`router`] on `listener` until `shutdown`.
pub async fn serve(
    listener: TcpListener,
    scrape: Scrape,
    shutdown: Shutdown,
) -> std::io::Result<()> {
    let addr: SocketAddr = listener.local_addr()?;
    tracing::info!(url = %format!("http://{addr}/metrics"), "serving metrics");
    axum::serve(listener, router(scrape))
        .with_graceful_shutdown(shutdown.begun())
        .await
}

async fn metrics(State(scrape): State<Scrape>) -> impl IntoResponse {
    let size = scrape.pool.size();
    // `num_idle` and `size` are read one after the other; never report a negative use.
    let idle = u32::try_from(scrape.pool.num_idle())
        .unwrap_or(u32::MAX)
        .min(size);
    metrics::gauge!(POOL_CONNECTIONS, "state" => "idle").set(f64::from(idle));
    metrics::gauge!(POOL_CONNECTIONS, "state" => "in_use").set(f64::from(size - idle));
    metrics::gauge!(POOL_MAX).set(f64::from(scrape.pool.options().get_max_connections()));
    metrics::gauge!(PUSH_CONNECTIONS).set(scrape.hub.listeners() as f64);
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        scrape.handle.render(),
    )
}

/// The `# HELP` lines of these gauges.
pub fn describe() {
    use metrics::describe_gauge;
    describe_gauge!(
        POOL_CONNECTIONS,
        "Database connections open in the pool, by state (idle, in_use); in_use at the maximum means lookups wait for a connection."
    );
    describe_gauge!(POOL_MAX, "Most database connections the pool opens.");
    describe_gauge!(
        PUSH_CONNECTIONS,
        "Open push connections (panels listening for live updates)."
    );
}
