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
//! It is development tooling, built only with the cargo feature `dev`: `make run`, `make watch`
//! and the browser tests use it; a production build has none of it.

use std::{net::SocketAddr, sync::Arc, time::Duration};

use anyhow::Context;
use app::server::{
    install::Install,
    secret::{random_id, Secret},
};
use axum::{
    extract::{Query, State},
    http::StatusCode,
    response::Html,
    routing::{get, post},
    Json, Router,
};
use cable::fake::FakeCable;
use jsonwebtoken::{encode, get_current_timestamp, EncodingKey, Header};
use orderpane::host::HostKind;
use serde::Deserialize;
use serde_json::json;
use tokio::{net::TcpListener, task::JoinHandle};

use crate::{demo_data, startup};

/// The fake Chatwoot REST API.
pub mod helpdesk_api;
/// The mobile mode: the app top-level with the context injected as Chatwoot's mobile app does.
pub mod mobile;

pub use helpdesk_api::HelpdeskApi;

/// The custom field the simulator's installs keep the store's customer reference in.
pub const CUSTOMER_FIELD: &str = "store_customer_id";
/// The conversation custom field the simulator's Lime install records the discussed order in.
pub const ORDER_FIELD: &str = "discussed_order";

/// The country the simulator's contacts write national phone numbers for.
pub const PHONE_REGION: &str = "DE";
/// The helpdesk account of the simulator's conversations.
pub const ACCOUNT_ID: i64 = 1;

/// The installs the host simulator registers, on the simulator's origin, with secrets made up
/// at start-up: `simulator` (Chatwoot, listening to the simulator's socket at `cable_url` when
/// given), `simulator-akece` (Akece), `simulator-lime` (Lime Connect, whose JWTs the simulator
/// signs with the install's `jwt_secret`) and `simulator-api` (Chatwoot, verifying through the
/// simulator's fake REST API at `api_url` with its `api_token`). All read and write the
/// customer reference in a custom field.
pub fn installs(origin: &str, cable_url: Option<&str>, api_url: &str) -> [Install; 4] {
    let install = |name: &str, kind: HostKind| {
        let mut install = Install::new(name, kind, origin, Secret::new(random_id()));
        install.customer_field = Some(CUSTOMER_FIELD.into());
        install.phone_region = Some(PHONE_REGION.into());
        install
    };
    let mut chatwoot = install("simulator", HostKind::Chatwoot);
    if let Some(url) = cable_url {
        chatwoot.cable_url = Some(url.into());
        chatwoot.account_id = Some(ACCOUNT_ID);
        chatwoot.cable_user_id = Some(1);
        chatwoot.cable_pubsub_token = Some(Secret::new(random_id()));
    }
    let akece = install("simulator-akece", HostKind::Akece);
    let mut lime = install("simulator-lime", HostKind::Lime);
    lime.jwt_secret = Some(Secret::new(random_id()));
    lime.order_field = Some(ORDER_FIELD.into());
    let mut api = install("simulator-api", HostKind::Chatwoot);
    api.api_url = Some(api_url.into());
    api.account_id = Some(ACCOUNT_ID);
    api.api_token = Some(Secret::new(random_id()));
    [chatwoot, akece, lime, api]
}

/// The simulator, ready to serve: its listener bound, its helpdesk socket started, and its
/// installs made up for this run.
pub struct Simulator {
    listener: TcpListener,
    config: SimulatorConfig,
    installs: Vec<Install>,
}

impl Simulator {
    /// Binds the simulator to `addr`, starts its helpdesk socket and makes up its installs,
    /// whose registered URLs point at the app on `app_addr`. A socket that cannot start is
    /// logged and left out: the rest of the simulator works without it.
    pub async fn start(addr: SocketAddr, app_addr: SocketAddr) -> anyhow::Result<Self> {
        let listener = TcpListener::bind(addr)
            .await
            .with_context(|| format!("binding the simulator to {addr}"))?;
        let addr = listener.local_addr()?;
        // Chatwoot pings every 3 s.
        let cable = match FakeCable::start(Duration::from_secs(3)).await {
            Ok(cable) => Some(Arc::new(cable)),
            Err(error) => {
                tracing::warn!(%error, "the simulator's helpdesk socket could not start");
                None
            }
        };
        // The app's server calls the fake REST API where the simulator listens (loopback).
        let [chatwoot, akece, lime, api] = installs(
            &public_origin(addr),
            cable.as_ref().map(|cable| cable.url.as_str()),
            &format!("http://{addr}"),
        );
        let url = |install: &Install| {
            format!(
                "{}?install={}&key={}",
                startup::local_url(app_addr),
                install.name,
                install.secret.expose()
            )
        };
        let config = SimulatorConfig {
            chatwoot_app_url: url(&chatwoot),
            akece_app_url: url(&akece),
            lime_app_url: url(&lime),
            api_app_url: url(&api),
            helpdesk_api: HelpdeskApi::new(api.api_token.clone().unwrap_or_default()),
            lime_jwt_secret: lime.jwt_secret.clone().unwrap_or_default(),
            cable,
        };
        Ok(Self {
            listener,
            config,
            installs: vec![chatwoot, akece, lime, api],
        })
    }

    /// The simulator's installs, to register beside those of the installs file.
    pub fn installs(&self) -> &[Install] {
        &self.installs
    }

    /// Serves the simulator in the background until Ctrl-C or SIGTERM.
    pub fn serve(self) -> std::io::Result<JoinHandle<std::io::Result<()>>> {
        let addr = self.listener.local_addr()?;
        tracing::info!(
            url = %format!("{}/", public_origin(addr)),
            "serving the host simulator: open this URL in a browser"
        );
        let router = router(self.config);
        let listener = self.listener;
        Ok(tokio::spawn(async move {
            axum::serve(listener, router)
                .with_graceful_shutdown(startup::shutdown_signal())
                .await
        }))
    }
}

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
        "customerField": CUSTOMER_FIELD,
        "orderField": ORDER_FIELD,
        "accountId": ACCOUNT_ID,
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
