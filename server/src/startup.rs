//! Assembles the app's router and serves it until shutdown.

use std::{future::IntoFuture, net::SocketAddr, sync::Arc, time::Duration};

use app::{
    server::{client_addr::TrustedProxies, trust::Trust},
    shell,
};
use axum::{
    body::Body,
    extract::{FromRef, Query, State},
    http::{header, HeaderValue, Request, StatusCode},
    response::{Html, IntoResponse, Response},
    routing::{get, post},
    Router,
};
use leptos::{config::LeptosOptions, prelude::provide_context};
use serde::Deserialize;
use sqlx::PgPool;
use tokio::net::TcpListener;
use tower_governor::{governor::GovernorConfigBuilder, GovernorLayer};
use tower_http::{
    compression::CompressionLayer,
    limit::RequestBodyLimitLayer,
    timeout::TimeoutLayer,
    trace::{DefaultOnResponse, TraceLayer},
};

use crate::{health, request_id, security_headers, shutdown::Shutdown, static_assets, telemetry};

/// The route of every server function (`/api/panel`, …).
pub const SERVER_FN_ROUTE: &str = "/api/{*server_fn}";

/// Largest request body accepted; server-function calls are small JSON documents.
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// A request that takes longer than this is answered with 408.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(15);
/// Per network address: one server-function call every this many milliseconds on average…
pub const ADDRESS_REFILL_MS: u64 = 20;
/// …with bursts of this many (generous: a whole office of agents may share one address).
pub const ADDRESS_BURST: u32 = 100;

/// What every handler and server function can reach.
#[derive(Clone, FromRef)]
pub struct AppState {
    /// Leptos's settings (site root, asset names, addresses).
    pub leptos_options: LeptosOptions,
    /// The database: Orderpane's own schema and the store's relations.
    pub pool: PgPool,
    /// The schema that holds the store contract's relations.
    pub store: app::server::store::StoreSchema,
    /// When something about a customer counts as needing attention.
    pub attention: app::server::attention::AttentionThresholds,
    /// The registered installs and the session keys.
    pub trust: Arc<Trust>,
    /// Live events on their way to open panels.
    pub live: crate::live::LiveHub,
    /// The reverse proxies whose `X-Forwarded-For` names the client (limits and audit).
    pub trusted_proxies: TrustedProxies,
}

impl AppState {
    /// Provides the pool and the trust registry to server functions and rendering.
    fn provide(&self) -> impl Fn() + Clone + Send + Sync + 'static {
        let pool = self.pool.clone();
        let store = self.store.clone();
        let attention = self.attention;
        let trust = self.trust.clone();
        let proxies = self.trusted_proxies.clone();
        move || {
            provide_context(pool.clone());
            provide_context(store.clone());
            provide_context(attention);
            provide_context(trust.clone());
            provide_context(proxies.clone());
            // Every lookup answers with the panel's HTML, rendered by the UI's components here
            // on the server (see `app::server::context::PanelRenderer`).
            provide_context(app::server::context::PanelRenderer {
                panel: app::ui::panel::prerender,
                orders: app::ui::panel::order_rows,
                search: app::ui::panel::search_results,
            });
        }
    }
}

/// The app's complete router: pages, server functions, assets, health, security headers.
pub fn app_router(state: AppState) -> Result<Router, String> {
    // Leptos renders and runs server functions on this executor (already set up when a second
    // router is built in the same process, which is fine).
    let _ = any_spawner::Executor::init_tokio();
    let default_origins = state.trust.host_origins();
    let proxies = state.trusted_proxies.clone();
    // One limiter for server functions and push connections alike.
    let per_address = Arc::new(
        GovernorConfigBuilder::default()
            .key_extractor(ClientIp(state.trusted_proxies.clone()))
            .per_millisecond(ADDRESS_REFILL_MS)
            .burst_size(ADDRESS_BURST)
            .finish()
            .ok_or("invalid rate limit settings")?,
    );
    let limiter = per_address.limiter().clone();
    // Forget addresses that have been quiet, so the limiter's memory stays flat.
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(60));
        loop {
            tick.tick().await;
            limiter.retain_recent();
        }
    });

    let router = Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/", get(page))
        .route(
            app::model::live::LIVE_PATH,
            get(crate::live::push::live).layer(GovernorLayer::new(per_address.clone())),
        )
        .route(
            SERVER_FN_ROUTE,
            post(server_fn).layer(GovernorLayer::new(per_address)),
        )
        .merge(static_assets::router(&state.leptos_options))
        .fallback_service(static_assets::site_files(&state.leptos_options))
        .with_state(state)
        .layer(CompressionLayer::new())
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        // Outside the timeout, so that requests it cuts off are counted (as 408).
        .layer(axum::middleware::from_fn_with_state(
            telemetry::http::Routes::new(SERVER_FN_ROUTE),
            telemetry::http::record,
        ))
        // Spans name the path only: the page URL carries the install key, never logged. One
        // line per answered request (status, latency), so the request id reaches the log.
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|request: &Request<Body>| {
                    tracing::info_span!(
                        "request",
                        method = %request.method(),
                        path = %request.uri().path(),
                        request_id = %request_id::of(request),
                    )
                })
                .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)),
        );
    let router = security_headers::apply(router, &default_origins)?;
    Ok(request_id::apply(router, proxies))
}

/// The rate limiter's key: the client's address, read through trusted proxies.
#[derive(Debug, Clone)]
struct ClientIp(TrustedProxies);

impl tower_governor::key_extractor::KeyExtractor for ClientIp {
    type Key = std::net::IpAddr;

    fn extract<T>(&self, request: &Request<T>) -> Result<Self::Key, tower_governor::GovernorError> {
        let peer = request
            .extensions()
            .get::<axum::extract::ConnectInfo<SocketAddr>>()
            .map(|info| info.0.ip())
            .ok_or(tower_governor::GovernorError::UnableToExtractKey)?;
        Ok(self.0.client_ip(peer, request.headers()))
    }
}

/// The largest server-function error body read to find its status (they are a few hundred
/// bytes; anything larger is not one of ours and keeps the status it has).
const MAX_ERROR_BODY: usize = 16 * 1024;

/// Gives every server-function error its HTTP status. server_fn answers every error with
/// 500 and the typed error as the JSON body; the status that fits it is decided in one place,
/// [`PanelError::status`](app::model::error::PanelError::status).
async fn error_status(response: Response) -> Response {
    use app::model::error::PanelError;

    if !response.headers().contains_key("serverfnerror") {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let bytes = match axum::body::to_bytes(body, MAX_ERROR_BODY).await {
        Ok(bytes) => bytes,
        Err(error) => {
            tracing::error!(%error, "a server-function error body could not be read");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    if let Ok(error) = serde_json::from_slice::<PanelError>(&bytes) {
        if let Ok(status) = StatusCode::from_u16(error.status()) {
            parts.status = status;
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// The query of the registered URL: `/?install=NAME&key=SECRET`.
#[derive(Deserialize)]
struct PageQuery {
    install: Option<String>,
    key: Option<String>,
}

/// The panel page: only for a registered install with its key; framed only by its host.
async fn page(
    State(state): State<AppState>,
    Query(query): Query<PageQuery>,
    request: Request<Body>,
) -> Response {
    let page = match state
        .trust
        .open_page(query.install.as_deref(), query.key.as_deref())
    {
        Ok(page) => page,
        Err(error) => {
            tracing::info!(install = ?query.install, %error, "refused to open the panel");
            return refused(&error.to_string());
        }
    };
    let provide = state.provide();
    let options = state.leptos_options.clone();
    let render = leptos_axum::render_app_to_stream_with_context(
        move || {
            provide();
            provide_context(page.meta());
        },
        move || shell(options.clone()),
    );
    let mut response = render(request).await.into_response();
    // The page holds a session token: never store it. (Its CSP, naming only this install's
    // host, is set while rendering: it needs the response's script nonce.)
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// A plain page that says why the panel cannot open (shown inside the helpdesk's frame).
fn refused(message: &str) -> Response {
    let body = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Orderpane</title></head>\
         <body><p role=\"alert\">{message}</p></body></html>"
    );
    (
        StatusCode::UNAUTHORIZED,
        [(header::CACHE_CONTROL, "no-store")],
        Html(body),
    )
        .into_response()
}

/// Every server function, with the pool and the trust registry in its context.
/// Errors leave with the status their type gives them ([`error_status`]).
async fn server_fn(State(state): State<AppState>, request: Request<Body>) -> Response {
    let response = leptos_axum::handle_server_fns_with_context(state.provide(), request).await;
    error_status(response.into_response()).await
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

/// Serves the app on `app_listener` until `shutdown`: from then on no connection is
/// accepted (the listener closes) and requests in flight get `grace` to finish; whatever is
/// still running then is dropped. Push connections are not waited for: the live hub ends them
/// on the same signal.
pub async fn serve(
    app_listener: TcpListener,
    app: Router,
    shutdown: Shutdown,
    grace: Duration,
) -> std::io::Result<()> {
    let app_addr = app_listener.local_addr()?;
    tracing::info!(url = %local_url(app_addr), "serving Orderpane");
    let server = axum::serve(
        app_listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown.clone().begun())
    .into_future();
    tokio::pin!(server);
    tokio::select! {
        result = &mut server => return result,
        () = shutdown.begun() => {}
    }
    match tokio::time::timeout(grace, server).await {
        Ok(result) => {
            tracing::info!("every request in flight finished");
            result
        }
        Err(_) => {
            tracing::warn!(
                grace_seconds = grace.as_secs_f64(),
                "requests still in flight after the shutdown grace time were cut off"
            );
            Ok(())
        }
    }
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
