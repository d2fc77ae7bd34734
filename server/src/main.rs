//! The `server` binary: serves Orderpane, or manages the embedded development database.

use std::{path::Path, process::ExitCode, time::Duration};

use anyhow::Context;
use clap::Parser;
use std::sync::Arc;

use app::server::{
    client_addr::TrustedProxies,
    secret::{random_id, Secret},
    trust::Trust,
};
use server::{
    config::{Cli, Command, DbAction, ServeConfig, StoreAction},
    db_pool,
    dev_extras::DevExtras,
    embedded_db::{EmbeddedPostgres, Lifetime},
    import, installs, live,
    schema::{self, StoreSettings},
    shutdown::{Shutdown, POOL_CLOSE},
    startup::{self, AppState},
    store, telemetry,
};
use sqlx::{postgres::PgPoolOptions, PgPool};

#[tokio::main]
async fn main() -> ExitCode {
    // Settings first: they say how to log (a bad flag is reported by clap itself).
    let cli = Cli::parse();
    server::logging::init(cli.log_format);
    // The helpdesk sockets (wss://) need one process-wide TLS provider; name it rather than
    // rely on which one the dependencies happen to enable.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let result = match cli.command {
        None | Some(Command::Serve) => serve(cli.serve).await,
        Some(Command::Db { action }) => db(action).await,
        Some(Command::Audit { install, limit }) => audit(cli.serve, install, limit).await,
        Some(Command::Store {
            action: StoreAction::Check,
        }) => store_check(cli.serve).await,
        Some(Command::Import(args)) => import_files(cli.serve, args).await,
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

    // The host simulator and the demo store (cargo feature `dev`); a build without them
    // stops here when a setting asks for them.
    let extras = DevExtras::start(&config, leptos_options.site_addr).await?;
    let trust = trust(&config, extras.installs())?;

    let trusted_proxies =
        TrustedProxies::parse(&config.trusted_proxies).map_err(anyhow::Error::msg)?;
    let (pool, _embedded) = connect(&config).await?;
    let store = store_settings(&config);
    schema::migrate(&pool, &store).await?;
    extras.load_demo_data(&pool, &store).await?;
    // The fast part of `server store check`: a contract the panel cannot read stops the
    // server here, with the same message, rather than at the first agent's lookup.
    store::check::columns(&pool, &store.schema)
        .await?
        .into_result()
        .map_err(anyhow::Error::msg)?;

    let app_listener = tokio::net::TcpListener::bind(leptos_options.site_addr)
        .await
        .with_context(|| format!("binding {}", leptos_options.site_addr))?;
    // Installed before anything records, so that no early count is lost.
    let metrics = match config.metrics_addr {
        Some(addr) => {
            let listener = tokio::net::TcpListener::bind(addr)
                .await
                .with_context(|| format!("binding ORDERPANE_METRICS_ADDR {addr}"))?;
            Some((listener, telemetry::install()?))
        }
        None => None,
    };
    tracing::info!(installs = ?trust, "registered helpdesk installs");
    let trust = Arc::new(trust);
    let hub = live::LiveHub::new();
    let store_changes = live::store_changes::spawn(pool.clone(), hub.clone());
    live::host_sockets::spawn_all(trust.installs(), &hub);
    let shutdown = Shutdown::on_signal();
    // Push connections never end by themselves: end them when the server stops, so that the
    // browsers reconnect (to another server, behind a load balancer) and the graceful
    // shutdown does not wait for them.
    let closing = hub.clone();
    let signal = shutdown.clone();
    tokio::spawn(async move {
        signal.begun().await;
        closing.close();
    });
    if let Some((listener, handle)) = metrics {
        let scrape = telemetry::scrape::Scrape {
            handle,
            pool: pool.clone(),
            hub: hub.clone(),
        };
        let stop = shutdown.clone();
        tokio::spawn(async move {
            if let Err(error) = telemetry::scrape::serve(listener, scrape, stop).await {
                tracing::error!(%error, "the metrics listener failed");
            }
        });
    }
    let app = startup::app_router(AppState {
        leptos_options,
        pool: pool.clone(),
        store: store.schema.clone(),
        attention: config.attention(),
        trust,
        live: hub,
        trusted_proxies,
    })
    .map_err(anyhow::Error::msg)?;
    let app = extras.extend_app(app);
    let extras = extras.serve()?;
    let grace = Duration::from_secs(config.shutdown_grace_seconds);
    startup::serve(app_listener, app, shutdown, grace).await?;
    extras.stop();
    // The listener holds a pooled connection until it is dropped; closing the pool would wait
    // for it.
    store_changes.abort();
    if tokio::time::timeout(POOL_CLOSE, pool.close())
        .await
        .is_err()
    {
        tracing::warn!("database connections still in use at exit were dropped");
    }
    tracing::info!("stopped");
    Ok(())
}

/// The installs registry: from the installs file, plus `extra` (the development extras' own).
fn trust(config: &ServeConfig, extra: Vec<app::server::install::Install>) -> anyhow::Result<Trust> {
    let mut installs = match &config.installs {
        Some(path) => installs::load(path).map_err(anyhow::Error::msg)?,
        None => Vec::new(),
    };
    installs.extend(extra);
    if installs.is_empty() {
        config
            .allow_no_installs(cfg!(feature = "dev"))
            .map_err(anyhow::Error::msg)?;
        tracing::warn!("no helpdesk installs are registered: no one can open the panel");
    }
    let session_key = match &config.session_key {
        Some(key) => Secret::new(key.clone()),
        None => {
            tracing::warn!(
                "ORDERPANE_SESSION_KEY is unset: using a random key, so sessions end when the \
                 server restarts and cannot be shared between servers"
            );
            Secret::new(format!("{}{}", random_id(), random_id()))
        }
    };
    if config.session_max_age_hours == 0 {
        anyhow::bail!("ORDERPANE_SESSION_MAX_AGE_HOURS must be at least 1");
    }
    let max_age = Duration::from_secs(config.session_max_age_hours.saturating_mul(3600));
    Ok(Trust::new(installs, session_key)
        .map_err(anyhow::Error::msg)?
        .with_session_max_age(max_age))
}

/// Connects to `DATABASE_URL`, or starts the embedded cluster and connects to it. Keep the
/// returned cluster alive as long as the pool: dropping it stops the cluster.
async fn connect(config: &ServeConfig) -> anyhow::Result<(PgPool, Option<EmbeddedPostgres>)> {
    Ok(match &config.database_url {
        Some(url) => {
            let pool = pool_options(config)
                .connect(url)
                .await
                .context("connecting to DATABASE_URL")?;
            (pool, None)
        }
        None => {
            let db = EmbeddedPostgres::start(&config.data_dir, Lifetime::TiedToThisProcess).await?;
            let pool = pool_options(config)
                .connect_with(db.connect_options())
                .await
                .context("connecting to the embedded Postgres")?;
            (pool, Some(db))
        }
    })
}

fn pool_options(config: &ServeConfig) -> PgPoolOptions {
    db_pool::options(config.db_max_connections, config.store_schema.clone())
}

/// The store's schema and mode, as configured.
fn store_settings(config: &ServeConfig) -> StoreSettings {
    StoreSettings {
        schema: config.store_schema.clone(),
        mode: config.store_mode,
    }
}

/// `server store check`: prints the report; fails when something blocks.
async fn store_check(config: ServeConfig) -> anyhow::Result<()> {
    let (pool, _embedded) = connect(&config).await?;
    let store = store_settings(&config);
    schema::migrate(&pool, &store).await?;
    let report = store::check::full(&pool, &store).await?;
    print!("{report}");
    pool.close().await;
    if report.blocks() {
        anyhow::bail!("the store does not serve Orderpane yet: see the problems above");
    }
    Ok(())
}

/// `server import`: loads files into the managed store.
async fn import_files(config: ServeConfig, args: import::ImportArgs) -> anyhow::Result<()> {
    let (pool, _embedded) = connect(&config).await?;
    let store = store_settings(&config);
    if store.mode != app::server::store::StoreMode::Managed {
        anyhow::bail!(
            "`server import` fills the managed store, but ORDERPANE_STORE_MODE is {}: a mapped \
             store is read from the shop's own tables",
            store.mode
        );
    }
    schema::migrate(&pool, &store).await?;
    let outcome = import::run(&pool, &store.schema, &args).await;
    pool.close().await;
    outcome
}

async fn db(action: DbAction) -> anyhow::Result<()> {
    match action {
        DbAction::Up { dir } => {
            let db = EmbeddedPostgres::start(&dir, Lifetime::Detached).await?;
            let pool = PgPoolOptions::new()
                .max_connections(1)
                .connect_with(db.connect_options())
                .await?;
            schema::migrate(&pool, &StoreSettings::default()).await?;
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

async fn audit(config: ServeConfig, install: Option<String>, limit: i64) -> anyhow::Result<()> {
    let (pool, _embedded) = connect(&config).await?;
    schema::migrate(&pool, &store_settings(&config)).await?;
    let rows = app::server::db::audit::newest(&pool, install.as_deref(), limit).await?;
    println!(
        "{:<19}  {:<14}  {:<18}  {:<12}  {:<14}  {:<12}  from",
        "when (UTC)", "install", "agent", "conversation", "action", "customers"
    );
    for row in rows {
        let customers: Vec<String> = row.customer_ids.iter().map(i64::to_string).collect();
        println!(
            "{:<19}  {:<14}  {:<18}  {:<12}  {:<14}  {:<12}  {}",
            row.at,
            row.install,
            row.agent,
            row.conversation_id.unwrap_or_default(),
            row.action,
            customers.join(","),
            row.remote_addr.unwrap_or_default()
        );
    }
    pool.close().await;
    Ok(())
}
