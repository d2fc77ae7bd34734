//! The Orderpane server: configuration, start-up, HTTP plumbing, the embedded database and,
//! with the cargo feature `dev` only, the development extras (demo store, host simulator).

/// Settings from the command line and environment.
pub mod config;
/// How the server's connections to Postgres are made and checked.
pub mod db_pool;
/// The demo store and the demo conversations the host simulator offers (feature `dev`).
#[cfg(feature = "dev")]
pub mod demo_data;
/// The development extras as start-up sees them: started in `dev` builds, refused in others.
pub mod dev_extras;
/// A project-local Postgres cluster, started when `DATABASE_URL` is unset.
pub mod embedded_db;
/// Liveness and readiness endpoints.
pub mod health;
/// `server import`: store data from JSON Lines and CSV into the managed store.
pub mod import;
/// The installs file: the helpdesks this server serves.
pub mod installs;
/// Live updates: store changes and helpdesk events pushed to open panels.
pub mod live;
/// Log output: human-readable text or JSON lines.
pub mod logging;
/// One id per HTTP request, in its log span and its response.
pub mod request_id;
/// Orderpane's schemas and their migrations.
pub mod schema;
/// Security headers added to every response.
pub mod security_headers;
/// The signal to stop, shared by the listeners and the push connections.
pub mod shutdown;
/// A Chatwoot-style helpdesk page that frames the app, for development and browser tests
/// (feature `dev`).
#[cfg(feature = "dev")]
pub mod simulator;
/// Router assembly and serving.
pub mod startup;
/// Long-cached, precompressed static assets.
pub mod static_assets;
/// The store contract and `server store check`.
pub mod store;
/// Metrics for Prometheus, on an address of their own.
pub mod telemetry;
