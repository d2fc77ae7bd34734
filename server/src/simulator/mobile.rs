//! The simulator's mobile mode: the app opened top-level, as Chatwoot's mobile app opens it in
//! a WebView (HOSTS.md, "Chatwoot's mobile app"), with the context injected into the page
//! itself. Development only (cargo feature `dev`).
//!
//! The simulator's page links to the app's registered URL with `&simulate=mobile&conversation=N`.
//! For such a request the app server (through [`with_webview`]) adds one script to the page,
//! `/dev/webview.js`, which plays the native side: after `load` it fetches the conversation's
//! context in the mobile app's shape ([`mobile_context`]: keys snake_cased deeply, `contact`
//! being `conversation.meta.sender`, no theme, no attribute definitions) and injects
//! `window.postMessage(JSON.stringify(…))`; and it defines `window.ReactNativeWebView`, whose
//! `postMessage('chatwoot-dashboard-app:fetch-info')` injects the context again.

use axum::{
    body::Body,
    extract::Query,
    http::{header, Request, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
    routing::get,
    Router,
};
use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::demo_data;

/// Where the WebView stand-in is served.
pub const WEBVIEW_SCRIPT_PATH: &str = "/dev/webview.js";
/// Where it reads a conversation's context.
pub const CONTEXT_PATH: &str = "/dev/mobile-context";

/// `text` with its words joined by underscores: `currentAgent` → `current_agent`.
fn snake_case(text: &str) -> String {
    let mut snake = String::with_capacity(text.len() + 4);
    for (i, c) in text.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                snake.push('_');
            }
            snake.push(c.to_ascii_lowercase());
        } else {
            snake.push(c);
        }
    }
    snake
}

/// `value` with every object key snake_cased, at every depth (the mobile app runs its store
/// through a deep snake_case conversion before injecting it).
fn snake_keys(value: &Value) -> Value {
    match value {
        Value::Object(object) => Value::Object(
            object
                .iter()
                .map(|(key, value)| (snake_case(key), snake_keys(value)))
                .collect::<Map<_, _>>(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(snake_keys).collect()),
        other => other.clone(),
    }
}

/// The `data` of a web appContext as the mobile app sends it: the conversation and the agent
/// with snake_cased keys, the contact being the conversation's `meta.sender` (the mobile app
/// has no full contact), and neither `theme` nor `customAttributes` definitions.
pub fn mobile_context(web: &Value) -> Value {
    let conversation = snake_keys(web.get("conversation").unwrap_or(&Value::Null));
    let contact = conversation
        .get("meta")
        .and_then(|meta| meta.get("sender"))
        .cloned()
        .unwrap_or_else(|| json!({}));
    let agent = snake_keys(web.get("currentAgent").unwrap_or(&Value::Null));
    json!({"conversation": conversation, "contact": contact, "current_agent": agent})
}

#[derive(Deserialize)]
struct ContextQuery {
    conversation: String,
}

/// The appContext message (a JSON string) of a demo conversation, in the mobile app's shape.
async fn context(Query(query): Query<ContextQuery>) -> Response {
    let found = demo_data::conversations()
        .into_iter()
        .find(|c| query.conversation.parse::<i64>().ok() == c.data["conversation"]["id"].as_i64());
    match found {
        Some(conversation) => {
            let message =
                json!({"event": "appContext", "data": mobile_context(&conversation.data)});
            (
                [(header::CONTENT_TYPE, "application/json")],
                message.to_string(),
            )
                .into_response()
        }
        None => (StatusCode::NOT_FOUND, "no such demo conversation").into_response(),
    }
}

/// The WebView stand-in's routes on the app's own origin (so that the page's policy allows
/// them as `'self'`).
pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route(
            WEBVIEW_SCRIPT_PATH,
            get(|| async {
                (
                    [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
                    include_str!("../../simulator/webview.js"),
                )
            }),
        )
        .route(CONTEXT_PATH, get(context))
}

/// Adds the WebView stand-in to a panel page asked for with `simulate=mobile`; every other
/// response passes untouched. The script carries the page's nonce (read from its policy).
pub async fn with_webview(mut request: Request<Body>, next: Next) -> Response {
    let mobile = request.uri().path() == "/"
        && request
            .uri()
            .query()
            .is_some_and(|q| q.split('&').any(|pair| pair == "simulate=mobile"));
    if mobile {
        // The page is edited as text below: ask the compression layer inside for none.
        request.headers_mut().remove(header::ACCEPT_ENCODING);
    }
    let response = next.run(request).await;
    if !mobile || response.status() != StatusCode::OK {
        return response;
    }
    let nonce = response
        .headers()
        .get(header::CONTENT_SECURITY_POLICY)
        .and_then(|policy| policy.to_str().ok())
        .and_then(|policy| policy.split("'nonce-").nth(1))
        .and_then(|rest| rest.split('\'').next())
        .map(str::to_owned);
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 4 * 1024 * 1024).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let html = String::from_utf8_lossy(&bytes);
    let nonce = nonce.map(|n| format!(" nonce=\"{n}\"")).unwrap_or_default();
    let tag = format!("<script{nonce} src=\"{WEBVIEW_SCRIPT_PATH}\"></script></head>");
    let html = html.replacen("</head>", &tag, 1);
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(html))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mobile_context_is_snake_cased_with_the_sender_as_contact() {
        let web = json!({
            "conversation": {"id": 7, "meta": {"sender": {"id": 17, "email": "jane@example.com",
                             "customAttributes": {"a": 1}}}, "allMessagesLoaded": true},
            "contact": {"id": 17, "email": "jane@example.com", "phone_number": "+49"},
            "currentAgent": {"id": 1, "name": "Sam"},
            "theme": "dark",
            "customAttributes": [{"key": "store_customer_id"}]
        });
        let mobile = mobile_context(&web);
        assert_eq!(mobile["current_agent"]["name"], "Sam");
        assert_eq!(mobile["conversation"]["all_messages_loaded"], true);
        assert_eq!(mobile["contact"]["id"], 17);
        assert_eq!(mobile["contact"]["custom_attributes"]["a"], 1);
        assert!(mobile.get("theme").is_none());
        assert!(mobile.get("customAttributes").is_none());
        assert!(mobile.get("currentAgent").is_none());
    }

    #[test]
    fn every_demo_conversation_reads_as_the_same_contact_on_mobile() {
        for conversation in demo_data::conversations() {
            let message =
                json!({"event": "appContext", "data": mobile_context(&conversation.data)});
            let web = json!({"event": "appContext", "data": conversation.data});
            let read = |m: &Value| match orderpane::host::parse_message(&m.to_string()) {
                Ok(orderpane::host::HostEvent::AppContext(context)) => *context,
                other => panic!("{}: {other:?}", conversation.title),
            };
            let (mobile, web) = (read(&message), read(&web));
            assert_eq!(mobile.contact.id, web.contact.id, "{}", conversation.title);
            assert_eq!(mobile.agent, web.agent, "{}", conversation.title);
            assert_eq!(mobile.transcript, web.transcript, "{}", conversation.title);
        }
    }
}
