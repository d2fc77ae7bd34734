//! The site's `/pkg` assets (wasm, JS, CSS): content-hashed names, so they are cached for a
//! year as immutable; precompressed brotli/gzip files are served when the build made them.
//!
//! Chatwoot rebuilds the iframe for every conversation, so each conversation is a cold page
//! load: only the cache makes the second one fast.

use axum::{
    handler::HandlerWithoutStateExt,
    http::{header, HeaderValue, StatusCode},
    middleware,
    response::{Html, Response},
    Router,
};
use leptos::config::LeptosOptions;
use tower_http::services::ServeDir;

/// The `Cache-Control` of hashed assets.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// A router serving `/<site-pkg-dir>/…` from the site root.
pub fn router<S: Clone + Send + Sync + 'static>(options: &LeptosOptions) -> Router<S> {
    let dir = std::path::Path::new(&*options.site_root).join(&*options.site_pkg_dir);
    let files = ServeDir::new(dir).precompressed_br().precompressed_gzip();
    // Without hashed names (a development build may lack them) a file changes in place, so
    // the browser must revalidate it.
    let cache_control = HeaderValue::from_static(if options.hash_files {
        IMMUTABLE
    } else {
        "no-cache"
    });
    Router::new()
        .nest_service(&format!("/{}", options.site_pkg_dir), files)
        .layer(middleware::map_response(move |mut response: Response| {
            let cache_control = cache_control.clone();
            async move {
                // A 404 must not be cached for a year: the file may appear with the next build.
                if response.status().is_success() {
                    response
                        .headers_mut()
                        .insert(header::CACHE_CONTROL, cache_control);
                }
                response
            }
        }))
}

/// Everything else: the site's other files (the icon), else a plain 404. The app has one
/// page, served at `/` by the page handler; there is no client-side router to show a "not
/// found" page, so the server says it.
pub fn site_files(options: &LeptosOptions) -> Router {
    let files = ServeDir::new(&*options.site_root).not_found_service(not_found.into_service());
    Router::new().fallback_service(files)
}

/// The answer to a path the app does not have.
async fn not_found() -> (StatusCode, Html<&'static str>) {
    (
        StatusCode::NOT_FOUND,
        Html("<!DOCTYPE html><title>Orderpane</title><p>This page does not exist.</p>"),
    )
}
