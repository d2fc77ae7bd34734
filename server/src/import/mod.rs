//! `server import`: store data from JSON Lines and CSV files into the managed store.

use app::server::store::StoreSchema;
use clap::Args;
use sqlx::PgPool;

/// What to import, and how.
#[derive(Debug, Clone, Args)]
pub struct ImportArgs {
    /// The files to read.
    pub files: Vec<std::path::PathBuf>,
}

/// Imports the files.
pub async fn run(pool: &PgPool, schema: &StoreSchema, args: &ImportArgs) -> anyhow::Result<()> {
    let _ = (pool, schema, args);
    anyhow::bail!("import is not written yet")
}
