//! Whether every lookup the panel makes is served by an index.

use app::server::store::StoreSchema;
use sqlx::PgPool;

use super::check::{Finding, Section};

/// Runs each lookup with sequential scans discouraged and reads its plan.
pub async fn check(pool: &PgPool, schema: &StoreSchema) -> sqlx::Result<Section> {
    let _ = pool;
    Ok(Section {
        title: format!("Lookups in `{schema}` served by indexes"),
        findings: vec![Finding::warning("not checked yet")],
    })
}
