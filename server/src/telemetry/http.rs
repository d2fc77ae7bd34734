//! Counts and times every HTTP request by route, method and status.
//!
//! The route label is the router's pattern (`/healthz`, `/pkg/{*path}`), and for server
//! functions their own path (`/api/panel`), which is a fixed set: anything else a client
//! invents is counted under one label, so that nobody can grow the metrics without bound.

use std::{collections::HashSet, sync::Arc, time::Instant};

use axum::{
    body::Body,
    extract::{MatchedPath, State},
    http::{Method, Request},
    middleware::Next,
    response::Response,
};

/// Requests answered (a counter).
pub const REQUESTS: &str = "orderpane_http_requests_total";
/// Seconds to the response's head (a histogram).
pub const REQUEST_DURATION: &str = "orderpane_http_request_duration_seconds";

/// The label of a server-function path that names no server function.
pub const UNKNOWN_SERVER_FN: &str = "/api/{unknown}";
/// The label of requests no route matched (static files, 404s).
pub const FALLBACK: &str = "fallback";

/// The route labels: the server-function route's pattern and the registered functions' paths.
#[derive(Debug, Clone)]
pub struct Routes {
    server_fn_route: &'static str,
    server_fns: Arc<HashSet<&'static str>>,
}

impl Routes {
    /// Labels for a router that serves server functions under `server_fn_route` (its pattern,
    /// such as `/api/{*server_fn}`), knowing the functions registered in this binary.
    pub fn new(server_fn_route: &'static str) -> Self {
        let server_fns = leptos::server_fn::axum::server_fn_paths()
            .map(|(path, _method)| path)
            .collect();
        Self::with_server_fns(server_fn_route, server_fns)
    }

    /// Labels with the given server-function paths.
    pub fn with_server_fns(
        server_fn_route: &'static str,
        server_fns: HashSet<&'static str>,
    ) -> Self {
        Self {
            server_fn_route,
            server_fns: Arc::new(server_fns),
        }
    }

    /// The route label of a request to `path` that matched `matched`.
    pub fn label(&self, matched: Option<&str>, path: &str) -> String {
        match matched {
            Some(route) if route == self.server_fn_route => {
                if self.server_fns.contains(path) {
                    path.to_owned()
                } else {
                    UNKNOWN_SERVER_FN.to_owned()
                }
            }
            Some(route) => route.to_owned(),
            None => FALLBACK.to_owned(),
        }
    }
}

/// The middleware: records each request once its response's head is ready.
pub async fn record(State(routes): State<Routes>, request: Request<Body>, next: Next) -> Response {
    let route = routes.label(
        request
            .extensions()
            .get::<MatchedPath>()
            .map(MatchedPath::as_str),
        request.uri().path(),
    );
    let method = method_label(request.method());
    let started = Instant::now();
    let response = next.run(request).await;
    let labels = [
        ("route", route),
        ("method", method.to_owned()),
        ("status", response.status().as_str().to_owned()),
    ];
    metrics::counter!(REQUESTS, &labels).increment(1);
    metrics::histogram!(REQUEST_DURATION, &labels).record(started.elapsed().as_secs_f64());
    response
}

/// The method's name, for the methods the app answers; any other is `other` (methods are
/// free text in HTTP, and labels must stay a small set).
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_functions_are_labelled_by_path_and_nothing_else_grows_the_labels() {
        let routes = Routes::with_server_fns("/api/{*server_fn}", HashSet::from(["/api/panel"]));
        assert_eq!(
            routes.label(Some("/api/{*server_fn}"), "/api/panel"),
            "/api/panel"
        );
        assert_eq!(
            routes.label(Some("/api/{*server_fn}"), "/api/made-up-123"),
            UNKNOWN_SERVER_FN
        );
        assert_eq!(routes.label(Some("/healthz"), "/healthz"), "/healthz");
        assert_eq!(routes.label(None, "/anything/at/all"), FALLBACK);
    }

    #[test]
    fn odd_methods_share_one_label() {
        assert_eq!(method_label(&Method::POST), "POST");
        assert_eq!(
            method_label(&Method::from_bytes(b"BREW").expect("method")),
            "other"
        );
    }
}
