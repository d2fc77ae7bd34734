//! The `server` binary: serves Orderpane, or manages the embedded development database.

use std::{path::Path, process::ExitCode, time::Duration};

use anyhow::Context;
use clap::Parser;
use server::{
    config::{Cli, Command, DbAction, ServeConfig},
    demo_data,
    embedded_db::{EmbeddedPostgres, Lifetime},
    startup::{self, AppState},
};
use sqlx::{postgres::PgPoolOptions, PgPool};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let result = match cli.command {
        None | Some(Command::Serve) => serve(cli.serve).await,
        Some(Command::Db { action }) => db(action).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!("{error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(config: ServeConfig) -> anyhow::Result<()> {
    let mut leptos_options = leptos::config::get_configuration(None)
        .context("reading the Leptos settings (LEPTOS_* environment variables)")?
        .leptos_options;
    // A release build by cargo-leptos writes a hash file beside the binary: its assets have
    // hashed names, whether or not LEPTOS_HASH_FILES was passed on to this process.
    let hash_file = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join(&*leptos_options.hash_file)));
    if hash_file.is_some_and(|file| file.exists()) {
        leptos_options.hash_files = true;
    }

    let simulator_addr = config.simulator_addr().map_err(anyhow::Error::msg)?;
    let frame_ancestors = config.frame_ancestor_origins(simulator_addr);

    // Keep the embedded cluster alive until the server has stopped; dropping it stops it.
    let (pool, _embedded) = match &config.database_url {
        Some(url) => {
            let pool = pool_options(&config)
                .connect(url)
                .await
                .context("connecting to DATABASE_URL")?;
            (pool, None)
        }
        None => {
            let db = EmbeddedPostgres::start(&config.data_dir, Lifetime::TiedToThisProcess).await?;
            let pool = pool_options(&config)
                .connect_with(db.connect_options())
                .await
                .context("connecting to the embedded Postgres")?;
            (pool, Some(db))
        }
    };
    migrate(&pool).await?;
    if config.load_demo_data() && demo_data::load_if_empty(&pool).await? {
        tracing::info!("loaded the demo store into the empty database");
    }

    let app_listener = tokio::net::TcpListener::bind(leptos_options.site_addr)
        .await
        .with_context(|| format!("binding {}", leptos_options.site_addr))?;
    let simulator_listener = match simulator_addr {
        Some(addr) => Some(
            tokio::net::TcpListener::bind(addr)
                .await
                .with_context(|| format!("binding the simulator to {addr}"))?,
        ),
        None => None,
    };
    let app = startup::app_router(
        AppState {
            leptos_options,
            pool: pool.clone(),
        },
        &frame_ancestors,
    )
    .map_err(anyhow::Error::msg)?;
    tracing::info!(frame_ancestors = ?frame_ancestors, "origins allowed to frame the app");
    startup::serve(app_listener, app, simulator_listener).await?;
    pool.close().await;
    Ok(())
}

fn pool_options(config: &ServeConfig) -> PgPoolOptions {
    PgPoolOptions::new()
        .max_connections(config.db_max_connections)
        .acquire_timeout(Duration::from_secs(3))
}

async fn migrate(pool: &PgPool) -> anyhow::Result<()> {
    sqlx::migrate!("../migrations")
        .run(pool)
        .await
        .context("applying the database migrations")
}

async fn db(action: DbAction) -> anyhow::Result<()> {
    match action {
        DbAction::Up { dir } => {
            let db = EmbeddedPostgres::start(&dir, Lifetime::Detached).await?;
            let pool = PgPoolOptions::new()
                .max_connections(1)
                .connect_with(db.connect_options())
                .await?;
            migrate(&pool).await?;
            pool.close().await;
            println!("{}", db.database_url());
            Ok(())
        }
        DbAction::Down { dir } => {
            EmbeddedPostgres::stop_detached(Path::new(&dir))?;
            Ok(())
        }
    }
}
