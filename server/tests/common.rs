//! Shared helpers for the server's black-box tests: the real router on a test database.

#![allow(dead_code)] // each test file uses a different subset

use std::path::{Path, PathBuf};

use axum::{
    body::Body,
    http::{Request, Response},
    Router,
};
use http_body_util::BodyExt;
use leptos::config::LeptosOptions;
use server::startup::{app_router, AppState};
use sqlx::PgPool;
use tower::ServiceExt;

/// The origin the tests allow to frame the app.
pub const HOST_ORIGIN: &str = "https://helpdesk.example";

/// Leptos settings over a site folder made for the test (no hashed names).
pub fn options(site_root: &Path) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("orderpane")
        .site_root(site_root.to_string_lossy().to_string())
        .site_pkg_dir("pkg")
        .build()
}

/// A fresh, empty site folder under target/ for one test.
pub fn site_root(test_name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("site")
        .join(test_name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("pkg")).expect("site folder");
    dir
}

/// The real router over `pool`, framed by [`HOST_ORIGIN`].
pub fn router(pool: PgPool, site_root: &Path) -> Router {
    app_router(
        AppState {
            leptos_options: options(site_root),
            pool,
        },
        &[HOST_ORIGIN.to_owned()],
    )
    .expect("router")
}

/// Sends one request through the router.
pub async fn send(router: &Router, request: Request<Body>) -> Response<Body> {
    router.clone().oneshot(request).await.expect("infallible")
}

/// A GET request.
pub fn get(path: &str) -> Request<Body> {
    Request::get(path).body(Body::empty()).expect("request")
}

/// A JSON POST request.
pub fn post_json(path: &str, body: serde_json::Value) -> Request<Body> {
    let body = body.to_string();
    // Browsers always send Content-Length with a fetch body; so does this helper.
    Request::post(path)
        .header("content-type", "application/json")
        .header("content-length", body.len())
        .body(Body::from(body))
        .expect("request")
}

/// The whole body as text.
pub async fn text(response: Response<Body>) -> String {
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    String::from_utf8_lossy(&bytes).into_owned()
}
