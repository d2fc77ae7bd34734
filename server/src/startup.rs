//! Assembles the app's router and serves it (and the host simulator) until shutdown.

use std::{net::SocketAddr, time::Duration};

use app::{shell, App};
use axum::{extract::FromRef, routing::get, Router};
use leptos::{config::LeptosOptions, prelude::provide_context};
use leptos_axum::{generate_route_list, LeptosRoutes};
use sqlx::PgPool;
use tokio::net::TcpListener;
use tower_http::{
    compression::CompressionLayer, limit::RequestBodyLimitLayer, timeout::TimeoutLayer,
    trace::TraceLayer,
};

use crate::{health, security_headers, simulator, static_assets};

/// Largest request body accepted; server-function calls are small JSON documents.
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// A request that takes longer than this is answered with 408.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(15);

/// What every handler and server function can reach.
#[derive(Clone, FromRef)]
pub struct AppState {
    /// Leptos's settings (site root, asset names, addresses).
    pub leptos_options: LeptosOptions,
    /// The store's database.
    pub pool: PgPool,
}

/// The app's complete router: pages, server functions, assets, health, security headers.
pub fn app_router(state: AppState, frame_ancestors: &[String]) -> Result<Router, String> {
    let routes = generate_route_list(App);
    let pool = state.pool.clone();
    let options = state.leptos_options.clone();
    let router = Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .leptos_routes_with_context(
            &state,
            routes,
            move || provide_context(pool.clone()),
            move || shell(options.clone()),
        )
        .merge(static_assets::router(&state.leptos_options))
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .with_state(state)
        .layer(CompressionLayer::new())
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        // Spans name the path only: query strings may carry secrets and are never logged.
        .layer(TraceLayer::new_for_http().make_span_with(
            |request: &axum::http::Request<axum::body::Body>| {
                tracing::info_span!("request", method = %request.method(), path = %request.uri().path())
            },
        ));
    security_headers::apply(router, frame_ancestors)
}

/// The URL a browser on this machine uses to reach the app at `addr`.
pub fn local_url(addr: SocketAddr) -> String {
    let ip = if addr.ip().is_unspecified() {
        std::net::IpAddr::from([127, 0, 0, 1])
    } else {
        addr.ip()
    };
    format!("http://{}/", SocketAddr::new(ip, addr.port()))
}

/// Serves the app on `app_listener` and, when given, the simulator on its listener, until
/// Ctrl-C or SIGTERM.
pub async fn serve(
    app_listener: TcpListener,
    app: Router,
    simulator_listener: Option<TcpListener>,
) -> std::io::Result<()> {
    let app_addr = app_listener.local_addr()?;
    tracing::info!(url = %local_url(app_addr), "serving Orderpane");
    let simulator_task = match simulator_listener {
        Some(listener) => {
            let addr = listener.local_addr()?;
            tracing::info!(
                url = %format!("{}/", simulator::public_origin(addr)),
                "serving the host simulator: open this URL in a browser"
            );
            let router = simulator::router(&local_url(app_addr));
            Some(tokio::spawn(async move {
                axum::serve(listener, router)
                    .with_graceful_shutdown(shutdown_signal())
                    .await
            }))
        }
        None => None,
    };
    axum::serve(app_listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    if let Some(task) = simulator_task {
        task.abort();
    }
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
