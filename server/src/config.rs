//! Settings, from command-line flags or the environment (every flag has an env variable).

use std::{net::SocketAddr, path::PathBuf};

use app::server::store::{StoreMode, StoreSchema};
use clap::{Args, Parser, Subcommand};

use crate::logging::LogFormat;

/// Orderpane: a customer's orders and billing beside the helpdesk conversation.
#[derive(Debug, Parser)]
#[command(version, about)]
pub struct Cli {
    /// What to do; serving the app when omitted.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Settings for serving the app.
    #[command(flatten)]
    pub serve: ServeConfig,
    /// How log lines are written to standard error: `text` for people, `json` (one object a
    /// line) for a log collector. `RUST_LOG` filters both.
    #[arg(
        long,
        env = "ORDERPANE_LOG_FORMAT",
        value_enum,
        default_value_t = LogFormat::Text,
        global = true
    )]
    pub log_format: LogFormat,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the app (the default).
    Serve,
    /// Print the newest audit events (who looked at which customer, from where).
    Audit {
        /// Only this install's events.
        #[arg(long)]
        install: Option<String>,
        /// How many events.
        #[arg(long, default_value_t = 50)]
        limit: i64,
    },
    /// The store: check that the connected database serves Orderpane well.
    Store {
        /// What to do.
        #[command(subcommand)]
        action: StoreAction,
    },
    /// Load store data (customers, orders, items, shipments, invoices, payments, refunds,
    /// subscriptions) into the managed store from JSON Lines or CSV files.
    Import(crate::import::ImportArgs),
    /// Manage a detached embedded Postgres cluster (for tests and `cargo sqlx`).
    Db {
        /// What to do with the cluster.
        #[command(subcommand)]
        action: DbAction,
    },
}

/// Actions on the store.
#[derive(Debug, Subcommand)]
pub enum StoreAction {
    /// Report whether the store contract's relations and columns are all there with usable
    /// types, whether identities are normalised, whether every lookup the panel makes is
    /// served by an index, and whether store changes reach open panels. Exits with status 0
    /// only when nothing blocks.
    Check,
}

/// Actions on a detached embedded cluster.
#[derive(Debug, Subcommand)]
pub enum DbAction {
    /// Start the cluster in the folder (creating it if needed) and print its `DATABASE_URL`.
    Up {
        /// The folder that holds the cluster.
        #[arg(long, default_value = "target/dev-db")]
        dir: PathBuf,
    },
    /// Stop the cluster in the folder.
    Down {
        /// The folder that holds the cluster.
        #[arg(long, default_value = "target/dev-db")]
        dir: PathBuf,
    },
}

/// Settings for serving the app. The site address and asset paths come from Leptos's own
/// settings (`LEPTOS_SITE_ADDR`, `LEPTOS_SITE_ROOT`), which cargo-leptos sets.
#[derive(Debug, Clone, Args)]
pub struct ServeConfig {
    /// The store's Postgres. When unset, an embedded cluster is started in `--data-dir`
    /// (and, in development builds, filled with the demo store).
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,

    /// Where the embedded cluster lives (only used without `DATABASE_URL`).
    #[arg(long, env = "ORDERPANE_DATA_DIR", default_value = ".orderpane")]
    pub data_dir: PathBuf,

    /// The installs file (TOML): every helpdesk allowed to use this Orderpane, with its kind,
    /// origin and secret. Required, except in a development build on the embedded database,
    /// where the host simulator registers its own installs.
    #[arg(long, env = "ORDERPANE_INSTALLS")]
    pub installs: Option<PathBuf>,

    /// The key that signs page sessions (at least 32 characters). Set it when several servers
    /// share the load or sessions must survive a restart; otherwise a random one is made.
    #[arg(long, env = "ORDERPANE_SESSION_KEY", hide_env_values = true)]
    pub session_key: Option<String>,

    /// Development builds only (cargo feature `dev`): serve the host simulator on this
    /// address. Defaults to 127.0.0.1:3100 with the embedded database; off otherwise. Set to
    /// `off` to disable.
    #[arg(long, env = "ORDERPANE_SIMULATOR_ADDR")]
    pub simulator_addr: Option<String>,

    /// Development builds only (cargo feature `dev`): load the demo store into an empty
    /// database. Defaults to true with the embedded database and false with `DATABASE_URL`.
    #[arg(long, env = "ORDERPANE_DEMO_DATA")]
    pub demo_data: Option<bool>,

    /// How long a page's session lasts at most, in hours, however often the page renews its
    /// token; a panel left open longer must be reloaded from the registered URL.
    #[arg(long, env = "ORDERPANE_SESSION_MAX_AGE_HOURS", default_value_t = 12)]
    pub session_max_age_hours: u64,

    /// Reverse proxies in front of Orderpane, as addresses or networks separated by commas
    /// (`10.0.0.0/8, 192.0.2.1`). Only from these peers is `X-Forwarded-For` read (the
    /// rightmost address that is not one of them is the client), for rate limits and the
    /// audit log. Empty: the connecting peer is the client.
    #[arg(long, env = "ORDERPANE_TRUSTED_PROXIES", default_value = "")]
    pub trusted_proxies: String,

    /// The schema that holds the store contract's relations (docs/store-contract.md): a
    /// plain lower-case name. Orderpane's own state is always in the schema `orderpane`.
    #[arg(long, env = "ORDERPANE_STORE_SCHEMA", default_value = app::server::store::DEFAULT_STORE_SCHEMA, value_parser = StoreSchema::new)]
    pub store_schema: StoreSchema,

    /// Who provides the store contract's relations: `managed` (Orderpane creates them as
    /// tables and `server import` fills them) or `mapped` (the shop defines them, usually as
    /// views over its own tables, and Orderpane creates nothing in the store schema).
    #[arg(long, env = "ORDERPANE_STORE_MODE", default_value = "managed", value_parser = parse_store_mode)]
    pub store_mode: StoreMode,

    /// The attention list: a refund still pending after this many days is flagged.
    #[arg(
        long,
        env = "ORDERPANE_ATTENTION_REFUND_PENDING_DAYS",
        default_value_t = 3
    )]
    pub attention_refund_pending_days: u16,

    /// The attention list: an order paid in full but not shipped after this many days is
    /// flagged.
    #[arg(
        long,
        env = "ORDERPANE_ATTENTION_NOT_SHIPPED_DAYS",
        default_value_t = 2
    )]
    pub attention_not_shipped_days: u16,

    /// The attention list: a shipment in transit for more than this many days is flagged.
    #[arg(long, env = "ORDERPANE_ATTENTION_IN_TRANSIT_DAYS", default_value_t = 7)]
    pub attention_in_transit_days: u16,

    /// Most database connections the server keeps open.
    #[arg(long, env = "ORDERPANE_DB_MAX_CONNECTIONS", default_value_t = 16)]
    pub db_max_connections: u32,

    /// Where to serve `GET /metrics` (Prometheus's text format), such as `127.0.0.1:9100`:
    /// an address of its own, never the app's. Off when unset.
    #[arg(long, env = "ORDERPANE_METRICS_ADDR")]
    pub metrics_addr: Option<SocketAddr>,

    /// On SIGTERM or Ctrl-C, how many seconds requests in flight get to finish once the server
    /// has stopped accepting connections (push connections end at once).
    #[arg(long, env = "ORDERPANE_SHUTDOWN_GRACE_SECONDS", default_value_t = 10)]
    pub shutdown_grace_seconds: u64,
}

fn parse_store_mode(text: &str) -> Result<StoreMode, String> {
    text.parse()
}

impl ServeConfig {
    /// The attention list's thresholds, as set.
    pub fn attention(&self) -> app::server::attention::AttentionThresholds {
        app::server::attention::AttentionThresholds {
            refund_pending_days: self.attention_refund_pending_days,
            not_shipped_days: self.attention_not_shipped_days,
            in_transit_days: self.attention_in_transit_days,
        }
    }
}

/// How to get the development extras, for the errors that ask for them.
const GET_DEV_EXTRAS: &str = "or use a development build (`make run`, `make watch`, or cargo's \
                              `--features dev`)";

impl ServeConfig {
    /// True when the server runs its own embedded database.
    pub fn uses_embedded_db(&self) -> bool {
        self.database_url.is_none()
    }

    /// The simulator's address, if it should run. `dev_extras` says whether this build has
    /// the development extras (cargo feature `dev`); without them the simulator is off by
    /// default and an address is an error, not silently ignored.
    pub fn simulator_addr(&self, dev_extras: bool) -> Result<Option<SocketAddr>, String> {
        match self.simulator_addr.as_deref().map(str::trim) {
            Some("off" | "") => Ok(None),
            Some(addr) if !dev_extras => Err(format!(
                "ORDERPANE_SIMULATOR_ADDR (--simulator-addr) is {addr:?}, but this build lacks \
                 the development extras (host simulator, demo store): it was built without the \
                 cargo feature `dev`. Unset it or set it to off, {GET_DEV_EXTRAS}."
            )),
            Some(addr) => addr.parse().map(Some).map_err(|_| {
                format!("ORDERPANE_SIMULATOR_ADDR {addr:?} is not an address like 127.0.0.1:3100")
            }),
            None if dev_extras && self.uses_embedded_db() => {
                Ok(Some(SocketAddr::from(([127, 0, 0, 1], 3100))))
            }
            None => Ok(None),
        }
    }

    /// Whether to load the demo store into an empty database. `dev_extras` as for
    /// [`Self::simulator_addr`]: without them asking for the demo store is an error.
    pub fn load_demo_data(&self, dev_extras: bool) -> Result<bool, String> {
        match self.demo_data {
            Some(true) if !dev_extras => Err(format!(
                "ORDERPANE_DEMO_DATA (--demo-data) is true, but this build lacks the development \
                 extras (host simulator, demo store): it was built without the cargo feature \
                 `dev`. Unset it or set it to false, {GET_DEV_EXTRAS}."
            )),
            Some(load) => Ok(load),
            None => Ok(dev_extras && self.uses_embedded_db()),
        }
    }

    /// Whether the server may start although no helpdesk install is registered (with a
    /// warning): only a development build on the embedded database may, where the host
    /// simulator was turned off on purpose. Anywhere else no one could open the panel, so the
    /// error says how to register installs.
    pub fn allow_no_installs(&self, dev_extras: bool) -> Result<(), String> {
        const SET_INSTALLS: &str = "no helpdesk installs are registered: set ORDERPANE_INSTALLS \
                                    to an installs file (see the README)";
        match (dev_extras, self.uses_embedded_db()) {
            (true, true) => Ok(()),
            (true, false) => Err(format!(
                "{SET_INSTALLS}, or run without DATABASE_URL for the development setup"
            )),
            (false, false) => Err(format!("{SET_INSTALLS}.")),
            (false, true) => Err(format!(
                "{SET_INSTALLS}. This build lacks the development extras (built without the \
                 cargo feature `dev`), so no host simulator registers installs of its own."
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(args: &[&str]) -> ServeConfig {
        let mut argv = vec!["server"];
        argv.extend_from_slice(args);
        Cli::try_parse_from(argv).expect("parses").serve
    }

    fn embedded(args: &[&str]) -> ServeConfig {
        ServeConfig {
            database_url: None,
            ..config(args)
        }
    }

    fn with_database_url(args: &[&str]) -> ServeConfig {
        ServeConfig {
            database_url: Some("postgres://db/store".into()),
            ..config(args)
        }
    }

    #[test]
    fn embedded_db_turns_on_simulator_and_demo_data_by_default_in_a_development_build() {
        let config = embedded(&[]);
        assert_eq!(
            config.simulator_addr(true),
            Ok(Some(SocketAddr::from(([127, 0, 0, 1], 3100))))
        );
        assert_eq!(config.load_demo_data(true), Ok(true));
        assert_eq!(config.allow_no_installs(true), Ok(()));
    }

    #[test]
    fn embedded_db_turns_nothing_on_in_a_production_build() {
        let config = embedded(&[]);
        assert_eq!(config.simulator_addr(false), Ok(None));
        assert_eq!(config.load_demo_data(false), Ok(false));
        let error = config.allow_no_installs(false).unwrap_err();
        assert!(
            error.contains("no helpdesk installs are registered"),
            "{error}"
        );
        assert!(error.contains("ORDERPANE_INSTALLS"), "{error}");
        assert!(error.contains("lacks the development extras"), "{error}");
    }

    #[test]
    fn database_url_turns_development_extras_off() {
        for dev_extras in [true, false] {
            let config = with_database_url(&[]);
            assert_eq!(config.simulator_addr(dev_extras), Ok(None));
            assert_eq!(config.load_demo_data(dev_extras), Ok(false));
            let error = config.allow_no_installs(dev_extras).unwrap_err();
            assert!(error.contains("ORDERPANE_INSTALLS"), "{error}");
        }
    }

    #[test]
    fn asking_a_production_build_for_development_extras_is_a_clear_error() {
        for config in [
            embedded(&["--simulator-addr", "127.0.0.1:3100"]),
            with_database_url(&["--simulator-addr", "127.0.0.1:3100"]),
        ] {
            let error = config.simulator_addr(false).unwrap_err();
            assert!(error.contains("ORDERPANE_SIMULATOR_ADDR"), "{error}");
            assert!(error.contains("lacks the development extras"), "{error}");
            assert!(error.contains("`dev`"), "{error}");
            assert!(config.simulator_addr(true).is_ok());
        }
        for config in [
            embedded(&["--demo-data", "true"]),
            with_database_url(&["--demo-data", "true"]),
        ] {
            let error = config.load_demo_data(false).unwrap_err();
            assert!(error.contains("ORDERPANE_DEMO_DATA"), "{error}");
            assert!(error.contains("lacks the development extras"), "{error}");
            assert_eq!(config.load_demo_data(true), Ok(true));
        }
    }

    #[test]
    fn turning_development_extras_off_is_fine_in_any_build() {
        for dev_extras in [true, false] {
            let config = embedded(&["--simulator-addr", "off", "--demo-data", "false"]);
            assert_eq!(config.simulator_addr(dev_extras), Ok(None));
            assert_eq!(config.load_demo_data(dev_extras), Ok(false));
        }
    }

    #[test]
    fn logs_metrics_and_shutdown_have_production_defaults() {
        let cli = Cli::try_parse_from(["server"]).expect("parses");
        assert_eq!(cli.log_format, LogFormat::Text);
        assert_eq!(cli.serve.metrics_addr, None);
        assert_eq!(cli.serve.shutdown_grace_seconds, 10);
        let cli = Cli::try_parse_from([
            "server",
            "--log-format",
            "json",
            "--metrics-addr",
            "127.0.0.1:9100",
        ])
        .expect("parses");
        assert_eq!(cli.log_format, LogFormat::Json);
        assert_eq!(
            cli.serve.metrics_addr,
            Some(SocketAddr::from(([127, 0, 0, 1], 9100)))
        );
        assert!(Cli::try_parse_from(["server", "--log-format", "xml"]).is_err());
        assert!(Cli::try_parse_from(["server", "--metrics-addr", "localhost"]).is_err());
    }

    #[test]
    fn a_bad_simulator_address_is_a_clear_error() {
        let config = config(&["--simulator-addr", "localhost"]);
        assert!(config
            .simulator_addr(true)
            .unwrap_err()
            .contains("not an address"));
    }
}
