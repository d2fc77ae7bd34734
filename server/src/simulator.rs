//! The host simulator: a Chatwoot-style agent screen on its own origin that frames the app and
//! speaks the Chatwoot dashboard-app protocol exactly as HOSTS.md §1 describes (the
//! appContext as a JSON string, target `"*"`, posted on the iframe's `load` event; the same
//! message again on `chatwoot-dashboard-app:fetch-info`).
//!
//! It is development tooling: `make run` and the browser tests use it; production does not.

use std::net::SocketAddr;

use axum::{response::Html, routing::get, Router};
use serde_json::json;

use crate::demo_data;

/// The origin a person opens the simulator at: `localhost`, so that it is a different site
/// from the app on `127.0.0.1`, as a real helpdesk is.
pub fn public_origin(addr: SocketAddr) -> String {
    format!("http://localhost:{}", addr.port())
}

/// The simulator's router; `app_url` is the URL it frames.
pub fn router(app_url: &str) -> Router {
    let page = render_page(app_url);
    Router::new().route("/", get(move || async move { Html(page) }))
}

fn render_page(app_url: &str) -> String {
    let conversations: Vec<_> = demo_data::conversations()
        .into_iter()
        .map(|c| {
            let id = c.data["conversation"]["id"].clone();
            json!({"id": id, "title": c.title, "data": c.data})
        })
        .collect();
    let config = json!({"appUrl": app_url, "conversations": conversations}).to_string();
    // The JSON sits inside a <script> element: "</" must not end it early.
    let config = config.replace("</", "<\\/");
    include_str!("../simulator/index.html").replace("__SIMULATOR_CONFIG__", &config)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_embeds_app_url_and_every_demo_conversation() {
        let page = render_page("http://127.0.0.1:3000/");
        assert!(page.contains(r#""appUrl":"http://127.0.0.1:3000/""#));
        for conversation in demo_data::conversations() {
            assert!(page.contains(conversation.title), "{}", conversation.title);
        }
        assert!(!page.contains("__SIMULATOR_CONFIG__"));
    }

    #[test]
    fn public_origin_uses_localhost() {
        assert_eq!(
            public_origin(SocketAddr::from(([127, 0, 0, 1], 3100))),
            "http://localhost:3100"
        );
    }
}
