//! Orderpane's schemas and their migrations: its own state in `orderpane` (always), and the
//! store contract as tables in the store schema (managed store only). Nothing is created or
//! altered outside these two schemas: sqlx's bookkeeping table of each lands in its own
//! schema because the migrations run with `search_path` set to that schema alone.

use anyhow::Context;
use app::server::store::{StoreMode, StoreSchema, OWN_SCHEMA};
use sqlx::{migrate::Migrator, Connection, PgConnection, PgPool};

/// Orderpane's own tables: the audit log and contact links.
static OWN: Migrator = sqlx::migrate!("../migrations/orderpane");
/// The store contract as tables, for the managed store.
static MANAGED_STORE: Migrator = sqlx::migrate!("../migrations/store");

/// Serialises migrations of several servers starting at once (a session advisory lock; any
/// fixed number unlikely to be used by the shop's own software).
const MIGRATION_LOCK: i64 = 0x6f72_6465_7270_616e; // "orderpan"

/// Where the store is and who provides it.
#[derive(Debug, Clone, Default)]
pub struct StoreSettings {
    /// The schema of the contract's relations.
    pub schema: StoreSchema,
    /// Managed (Orderpane's tables) or mapped (the shop's views).
    pub mode: StoreMode,
}

/// Brings Orderpane's schemas up to date: `orderpane` always, the store schema's tables when
/// the store is managed. Safe to run from several servers at once.
pub async fn migrate(pool: &PgPool, store: &StoreSettings) -> anyhow::Result<()> {
    // A connection of its own: its search_path is changed, so it must not go back to the pool.
    let mut conn = pool
        .acquire()
        .await
        .context("connecting to the database to apply migrations")?
        .detach();
    sqlx::query("select pg_advisory_lock($1)")
        .bind(MIGRATION_LOCK)
        .execute(&mut conn)
        .await?;
    let result = migrate_locked(&mut conn, store).await;
    // Closing the connection releases the lock in any case.
    let _ = conn.close().await;
    result
}

async fn migrate_locked(conn: &mut PgConnection, store: &StoreSettings) -> anyhow::Result<()> {
    create_schema(conn, OWN_SCHEMA).await?;
    set_search_path(conn, &[OWN_SCHEMA]).await?;
    OWN.run_direct(conn)
        .await
        .context("applying Orderpane's own migrations (schema `orderpane`)")?;
    if store.mode == StoreMode::Managed {
        let schema = store.schema.name();
        create_schema(conn, schema).await?;
        // The name search's trigram index needs pg_trgm (shipped with Postgres, trusted since
        // Postgres 13). Installed into Orderpane's schema unless the database has it already.
        sqlx::query("create extension if not exists pg_trgm with schema orderpane")
            .execute(&mut *conn)
            .await
            .context("installing the pg_trgm extension (Postgres contrib) for customer search")?;
        let trgm_schema: String = sqlx::query_scalar(
            "select n.nspname::text from pg_extension e \
               join pg_namespace n on n.oid = e.extnamespace where e.extname = 'pg_trgm'",
        )
        .fetch_one(&mut *conn)
        .await?;
        set_search_path(conn, &[schema, &trgm_schema]).await?;
        MANAGED_STORE.run_direct(conn).await.with_context(|| {
            format!("applying the managed store's migrations (schema `{schema}`)")
        })?;
    }
    Ok(())
}

async fn create_schema(conn: &mut PgConnection, name: &str) -> anyhow::Result<()> {
    sqlx::query(&format!("create schema if not exists {}", quote(name)))
        .execute(&mut *conn)
        .await
        .with_context(|| {
            format!(
                "creating the schema `{name}` (the database user needs the CREATE privilege \
                 on the database, or an administrator creates the schema and grants it)"
            )
        })?;
    Ok(())
}

async fn set_search_path(conn: &mut PgConnection, schemas: &[&str]) -> anyhow::Result<()> {
    let path: Vec<String> = schemas.iter().map(|name| quote(name)).collect();
    sqlx::query(&format!("set search_path to {}", path.join(", ")))
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// `name` as a quoted identifier.
fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}
