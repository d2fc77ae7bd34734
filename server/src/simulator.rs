//! The host simulator: a helpdesk-style agent screen on its own origin that frames the app and
//! speaks each host's protocol exactly as HOSTS.md describes:
//!
//! - Chatwoot (default): the appContext as a JSON string, target `"*"`, posted on the iframe's
//!   `load` event; the same message again on `chatwoot-dashboard-app:fetch-info`.
//! - Akece (`?host=akece`): as Chatwoot, but answers only `akece-dashboard-app:fetch-info`.
//! - Lime Connect (`?host=lime`): nothing until the add-on posts `ready`; then objects
//!   (`contact_information`, `conversation_information`, `operator_information`,
//!   `transcript`) addressed to the app's origin; `jwt_token` in answer to
//!   `generate_jwt_token`, signed here with the simulator install's JWT secret; toasts, the
//!   chat input, and contact and conversation custom fields that the add-on's actions
//!   update (and that the host then sends again, as Lime does).
//!
//! With `?api=1` the page frames the `simulator-api` install instead, which verifies every
//! lookup through the simulator's fake Chatwoot REST API (`helpdesk_api`) and writes links
//! back to it; the page shows the contact's custom attributes as that API holds them.
//!
//! The Chatwoot install also gets the helpdesk's real-time socket: a fake ActionCable server
//! (`cable::fake`, pings every 3 s as Chatwoot does) that the page asks, through `POST
//! /cable/event`, to broadcast the events a real helpdesk would send (a contact's new message,
//! a status change).
//!
//! It is development tooling: `make run` and the browser tests use it; production does not.

use std::{net::SocketAddr, sync::Arc};

use app::server::secret::Secret;
use axum::{
    extract::{Query, State},
    http::StatusCode,
    response::Html,
    routing::{get, post},
    Json, Router,
};
use cable::fake::FakeCable;
use jsonwebtoken::{encode, get_current_timestamp, EncodingKey, Header};
use serde::Deserialize;
use serde_json::json;

use crate::demo_data;

/// The fake Chatwoot REST API.
pub mod helpdesk_api;

pub use helpdesk_api::HelpdeskApi;

/// What the simulator needs to frame the app as each host.
#[derive(Debug, Clone)]
pub struct SimulatorConfig {
    /// The app URL registered for the simulator's Chatwoot install.
    pub chatwoot_app_url: String,
    /// The app URL registered for the simulator's Akece install.
    pub akece_app_url: String,
    /// The app URL registered for the simulator's Lime Connect install.
    pub lime_app_url: String,
    /// The app URL registered for the simulator's install that uses its REST API.
    pub api_app_url: String,
    /// The fake REST API that install verifies with and writes links to.
    pub helpdesk_api: HelpdeskApi,
    /// The secret the Lime Connect install checks host JWTs with.
    pub lime_jwt_secret: Secret,
    /// The helpdesk socket the Chatwoot install listens to, when it could be started.
    pub cable: Option<Arc<FakeCable>>,
}

/// The origin a person opens the simulator at: `localhost`, so that it is a different site
/// from the app on `127.0.0.1`, as a real helpdesk is.
pub fn public_origin(addr: SocketAddr) -> String {
    format!("http://localhost:{}", addr.port())
}

/// The simulator's router.
pub fn router(config: SimulatorConfig) -> Router {
    let page = render_page(&config);
    let helpdesk_api = config.helpdesk_api.clone().router();
    Router::new()
        .route("/", get(move || async move { Html(page) }))
        .route("/jwt", get(jwt))
        .route("/cable/event", post(cable_event))
        .with_state(config)
        .merge(helpdesk_api)
}

#[derive(Deserialize)]
struct JwtQuery {
    /// `1` for an already expired token (to show that the app renews it).
    #[serde(default)]
    expired: u8,
}

/// A JWT as Lime Connect would issue it for the demo operator.
async fn jwt(State(config): State<SimulatorConfig>, Query(query): Query<JwtQuery>) -> String {
    let now = get_current_timestamp();
    let exp = if query.expired == 1 {
        now - 3_600
    } else {
        now + 300
    };
    let claims = json!({
        "sub": "1", "name": "Sam Agent", "email": "sam@helpdesk.example",
        "iat": now, "exp": exp
    });
    encode(
        &Header::default(),
        &claims,
        &EncodingKey::from_secret(config.lime_jwt_secret.expose().as_bytes()),
    )
    .unwrap_or_default()
}

/// An event for the helpdesk socket, shaped by the page as Chatwoot shapes it.
#[derive(Deserialize)]
struct CableEvent {
    event: String,
    data: serde_json::Value,
}

/// Broadcasts an event on the simulator's helpdesk socket.
async fn cable_event(
    State(config): State<SimulatorConfig>,
    Json(event): Json<CableEvent>,
) -> StatusCode {
    match &config.cable {
        Some(cable) => {
            cable.send_event(&event.event, event.data);
            StatusCode::NO_CONTENT
        }
        None => StatusCode::SERVICE_UNAVAILABLE,
    }
}

fn render_page(config: &SimulatorConfig) -> String {
    let conversations: Vec<_> = demo_data::conversations()
        .into_iter()
        .map(|c| {
            let id = c.data["conversation"]["id"].clone();
            json!({"id": id, "title": c.title, "data": c.data})
        })
        .collect();
    let config = json!({
        "appUrl": config.chatwoot_app_url,
        "akeceAppUrl": config.akece_app_url,
        "limeAppUrl": config.lime_app_url,
        "apiAppUrl": config.api_app_url,
        "customerField": crate::installs::SIMULATOR_CUSTOMER_FIELD,
        "orderField": crate::installs::SIMULATOR_ORDER_FIELD,
        "accountId": crate::installs::SIMULATOR_ACCOUNT_ID,
        "conversations": conversations,
    })
    .to_string();
    // The JSON sits inside a <script> element: "</" must not end it early.
    let config = config.replace("</", "<\\/");
    include_str!("../simulator/index.html").replace("__SIMULATOR_CONFIG__", &config)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> SimulatorConfig {
        SimulatorConfig {
            chatwoot_app_url: "http://127.0.0.1:3000/?install=simulator&key=k".into(),
            akece_app_url: "http://127.0.0.1:3000/?install=simulator-akece&key=a".into(),
            lime_app_url: "http://127.0.0.1:3000/?install=simulator-lime&key=l".into(),
            api_app_url: "http://127.0.0.1:3000/?install=simulator-api&key=p".into(),
            helpdesk_api: HelpdeskApi::new(Secret::new("api-token")),
            lime_jwt_secret: Secret::new("jwt-secret"),
            cable: None,
        }
    }

    #[test]
    fn page_embeds_both_app_urls_and_every_demo_conversation() {
        let page = render_page(&config());
        assert!(page.contains(r#""appUrl":"http://127.0.0.1:3000/?install=simulator&key=k""#));
        assert!(
            page.contains(r#""limeAppUrl":"http://127.0.0.1:3000/?install=simulator-lime&key=l""#)
        );
        assert!(
            page.contains(r#""apiAppUrl":"http://127.0.0.1:3000/?install=simulator-api&key=p""#)
        );
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
