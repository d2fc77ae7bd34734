//! How the server's connections to Postgres are made and checked.

use std::time::Duration;

use app::server::{db::panel::prepare_lookup, store::StoreSchema};
use sqlx::postgres::PgPoolOptions;
use sqlx::{Connection, Executor};

/// How long a pooled connection may sit unused before it is checked (pinged) when taken
/// again: by then Postgres may have restarted, or a proxy dropped it. A busy server takes its
/// connections back well within this, so a lookup does not pay a round trip for each
/// connection it takes, as with sqlx's default of checking every time.
pub const PING_AFTER_IDLE: Duration = Duration::from_secs(1);

/// How long a request waits for a free connection before it fails (503).
pub const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(3);

/// The pool's options, for a store in `store`.
///
/// Each new connection plans a statement once, for any values (`plan_cache_mode`): the
/// lookup's statements select by keys and ids through indexes whatever the values, so a plan
/// for particular values is no better, and Postgres's default would plan the lookup's 17 KB
/// statement anew for its first five runs on every connection, and the matching customers on
/// every run (plans for particular values fold its null keys away and look cheaper). Then it
/// prepares the lookup's statements ([`prepare_lookup`]), so that no agent's lookup waits for
/// that; where it cannot (the store's relations are not there yet, before the first
/// migration) the connection is used as it is and prepares them on first use.
pub fn options(max_connections: u32, store: StoreSchema) -> PgPoolOptions {
    PgPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .after_connect(move |conn, _| {
            let store = store.clone();
            Box::pin(async move {
                conn.execute("set plan_cache_mode = force_generic_plan")
                    .await?;
                if let Err(error) = prepare_lookup(conn, &store).await {
                    tracing::debug!(%error, "a new connection left the lookup's statements to its first lookup");
                }
                Ok(())
            })
        })
        .test_before_acquire(false)
        .before_acquire(|conn, meta| {
            Box::pin(async move {
                if meta.idle_for >= PING_AFTER_IDLE {
                    conn.ping().await?;
                }
                Ok(true)
            })
        })
}
