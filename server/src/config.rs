//! Settings, from command-line flags or the environment (every flag has an env variable).

use std::{net::SocketAddr, path::PathBuf};

use clap::{Args, Parser, Subcommand};

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
    /// Manage a detached embedded Postgres cluster (for tests and `cargo sqlx`).
    Db {
        /// What to do with the cluster.
        #[command(subcommand)]
        action: DbAction,
    },
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
    /// The store's Postgres. When unset, an embedded development cluster is started in
    /// `--data-dir` and filled with the demo store.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,

    /// Where the embedded development cluster lives (only used without `DATABASE_URL`).
    #[arg(long, env = "ORDERPANE_DATA_DIR", default_value = ".orderpane")]
    pub data_dir: PathBuf,

    /// The installs file (TOML): every helpdesk allowed to use this Orderpane, with its kind,
    /// origin and secret. Required with `DATABASE_URL`; without it the embedded development
    /// setup registers only the host simulator.
    #[arg(long, env = "ORDERPANE_INSTALLS")]
    pub installs: Option<PathBuf>,

    /// The key that signs page sessions (at least 32 characters). Set it when several servers
    /// share the load or sessions must survive a restart; otherwise a random one is made.
    #[arg(long, env = "ORDERPANE_SESSION_KEY", hide_env_values = true)]
    pub session_key: Option<String>,

    /// Serve the host simulator on this address. Defaults to 127.0.0.1:3100 with the
    /// embedded database; off otherwise. Set to `off` to disable.
    #[arg(long, env = "ORDERPANE_SIMULATOR_ADDR")]
    pub simulator_addr: Option<String>,

    /// Load the demo store into an empty database. Defaults to true with the embedded
    /// database and false with `DATABASE_URL`.
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

    /// Most database connections the server keeps open.
    #[arg(long, env = "ORDERPANE_DB_MAX_CONNECTIONS", default_value_t = 16)]
    pub db_max_connections: u32,
}

impl ServeConfig {
    /// True when the server runs its own development database.
    pub fn uses_embedded_db(&self) -> bool {
        self.database_url.is_none()
    }

    /// The simulator's address, if it should run.
    pub fn simulator_addr(&self) -> Result<Option<SocketAddr>, String> {
        match self.simulator_addr.as_deref().map(str::trim) {
            Some("off" | "") => Ok(None),
            Some(addr) => addr.parse().map(Some).map_err(|_| {
                format!("ORDERPANE_SIMULATOR_ADDR {addr:?} is not an address like 127.0.0.1:3100")
            }),
            None if self.uses_embedded_db() => Ok(Some(SocketAddr::from(([127, 0, 0, 1], 3100)))),
            None => Ok(None),
        }
    }

    /// Whether to load the demo store into an empty database.
    pub fn load_demo_data(&self) -> bool {
        self.demo_data.unwrap_or(self.uses_embedded_db())
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

    #[test]
    fn embedded_db_turns_on_simulator_and_demo_data_by_default() {
        let config = ServeConfig {
            database_url: None,
            ..config(&[])
        };
        assert_eq!(
            config.simulator_addr(),
            Ok(Some(SocketAddr::from(([127, 0, 0, 1], 3100))))
        );
        assert!(config.load_demo_data());
    }

    #[test]
    fn database_url_turns_development_extras_off() {
        let config = ServeConfig {
            database_url: Some("postgres://db/store".into()),
            ..config(&[])
        };
        assert_eq!(config.simulator_addr(), Ok(None));
        assert!(!config.load_demo_data());
    }

    #[test]
    fn a_bad_simulator_address_is_a_clear_error() {
        let config = config(&["--simulator-addr", "localhost"]);
        assert!(config
            .simulator_addr()
            .unwrap_err()
            .contains("not an address"));
    }
}
