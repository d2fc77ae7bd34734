//! The development extras (the host simulator and the demo store) as the server's start sees
//! them. A build with the cargo feature `dev` starts what the settings ask for; any other
//! build contains neither and refuses, at start-up, settings that ask for them, so that a
//! production server never silently runs without something its operator asked for.
//!
//! `main` reaches the extras through this module only, so it needs no `#[cfg]` of its own.

use std::net::SocketAddr;

use app::server::install::Install;
use sqlx::PgPool;

use crate::config::ServeConfig;
#[cfg(feature = "dev")]
use crate::{demo_data, simulator::Simulator};

/// The development extras the settings asked for, ready to run.
pub struct DevExtras {
    /// The host simulator, when it should run.
    #[cfg(feature = "dev")]
    simulator: Option<Simulator>,
    /// Whether to load the demo store into an empty database.
    #[cfg(feature = "dev")]
    demo_data: bool,
}

/// The extras that run beside the app, until [`Running::stop`].
pub struct Running {
    /// The simulator's server task.
    #[cfg(feature = "dev")]
    simulator: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

impl DevExtras {
    /// Checks the settings against this build (an error names a setting this build cannot
    /// honour) and prepares what they ask for: the simulator is bound and its helpdesk socket
    /// started, its installs' URLs pointing at the app on `app_addr`.
    pub async fn start(config: &ServeConfig, app_addr: SocketAddr) -> anyhow::Result<Self> {
        let built_in = cfg!(feature = "dev");
        let simulator_addr = config
            .simulator_addr(built_in)
            .map_err(anyhow::Error::msg)?;
        let demo_data = config
            .load_demo_data(built_in)
            .map_err(anyhow::Error::msg)?;
        #[cfg(feature = "dev")]
        {
            let simulator = match simulator_addr {
                Some(addr) => Some(Simulator::start(addr, app_addr).await?),
                None => None,
            };
            Ok(Self {
                simulator,
                demo_data,
            })
        }
        #[cfg(not(feature = "dev"))]
        {
            // Without the extras the checks above allow no simulator and no demo store, so
            // there is nothing to start.
            let _ = (simulator_addr, demo_data, app_addr);
            Ok(Self {})
        }
    }

    /// The installs the extras register beside those of the installs file (the simulator's).
    pub fn installs(&self) -> Vec<Install> {
        #[cfg(feature = "dev")]
        if let Some(simulator) = &self.simulator {
            return simulator.installs().to_vec();
        }
        Vec::new()
    }

    /// Loads the demo store when asked and the database has no store yet.
    pub async fn load_demo_data(
        &self,
        pool: &PgPool,
        store: &crate::schema::StoreSettings,
    ) -> anyhow::Result<()> {
        #[cfg(feature = "dev")]
        if self.demo_data {
            if store.mode != app::server::store::StoreMode::Managed {
                anyhow::bail!(
                    "the demo store is loaded into a managed store, but ORDERPANE_STORE_MODE is \
                     {}: set ORDERPANE_DEMO_DATA=false, or use the managed mode",
                    store.mode
                );
            }
            if demo_data::load_if_empty(pool, &store.schema).await? {
                tracing::info!(schema = %store.schema, "loaded the demo store into the empty store schema");
            }
        }
        #[cfg(not(feature = "dev"))]
        let _ = (pool, store);
        Ok(())
    }

    /// The app's router with what the extras add to the app's own origin: with the simulator,
    /// its mobile mode's WebView stand-in (`simulator::mobile`). Unchanged otherwise.
    pub fn extend_app(&self, app: axum::Router) -> axum::Router {
        #[cfg(feature = "dev")]
        if self.simulator.is_some() {
            use crate::simulator::mobile;
            return app
                .merge(mobile::routes())
                .layer(axum::middleware::from_fn(mobile::with_webview));
        }
        app
    }

    /// Starts serving the extras in the background (the simulator, when it runs).
    pub fn serve(self) -> std::io::Result<Running> {
        #[cfg(feature = "dev")]
        {
            let simulator = match self.simulator {
                Some(simulator) => Some(simulator.serve()?),
                None => None,
            };
            Ok(Running { simulator })
        }
        #[cfg(not(feature = "dev"))]
        Ok(Running {})
    }
}

impl Running {
    /// Stops the extras once the app has stopped: the simulator would otherwise keep the
    /// process alive for as long as a browser holds a connection open.
    pub fn stop(self) {
        #[cfg(feature = "dev")]
        if let Some(task) = self.simulator {
            task.abort();
        }
    }
}
