//! The simulator's fake Chatwoot REST API, for the install that verifies through it
//! (`simulator-api`): the demo conversations and contacts, the account's agents, and contact
//! custom attributes that `PATCH` merges, exactly as HOSTS.md §1 describes:
//!
//! - `GET /api/v1/accounts/{account}/conversations/{display_id}` → the conversation object;
//! - `GET /api/v1/accounts/{account}/agents` → the agents;
//! - `GET /api/v1/accounts/{account}/contacts/{id}` → `{"payload": {…contact}}`;
//! - `PATCH /api/v1/accounts/{account}/contacts/{id}` with `{"custom_attributes": {…}}` →
//!   merged into the contact's custom attributes.
//!
//! Every call needs the `api_access_token` header; a wrong one gets 401, an unknown account,
//! conversation or contact 404. The simulator's page reads a contact's attributes (and so
//! shows what the app wrote) from `GET /helpdesk/contacts/{id}`, without a token, as the
//! helpdesk's own screen would.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use app::server::secret::Secret;
use axum::{
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::get,
    Json, Router,
};
use serde_json::{json, Map, Value};

use super::ACCOUNT_ID;
use crate::demo_data;

/// The fake API's state: the token it accepts, and the custom attributes written so far.
#[derive(Clone)]
pub struct HelpdeskApi {
    token: Secret,
    /// Custom attributes set through `PATCH`, by contact id (merged over the demo's).
    attributes: Arc<Mutex<HashMap<String, Map<String, Value>>>>,
}

impl std::fmt::Debug for HelpdeskApi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HelpdeskApi").finish_non_exhaustive()
    }
}

impl HelpdeskApi {
    /// An API that accepts `token` (an administrator's access token).
    pub fn new(token: Secret) -> Self {
        Self {
            token,
            attributes: Arc::default(),
        }
    }

    /// The routes, to merge into the simulator's router.
    pub fn router(self) -> Router {
        Router::new()
            .route(
                "/api/v1/accounts/{account}/conversations/{id}",
                get(conversation),
            )
            .route("/api/v1/accounts/{account}/agents", get(agents))
            .route(
                "/api/v1/accounts/{account}/contacts/{id}",
                get(contact).patch(update_contact),
            )
            .route("/helpdesk/contacts/{id}", get(contact_for_page))
            .with_state(self)
    }

    /// The demo contact `id` with the attributes written to it, if there is one.
    fn contact(&self, id: &str) -> Option<Value> {
        let mut contact = demo_data::conversations()
            .into_iter()
            .map(|c| c.data["contact"].clone())
            .find(|contact| has_id(contact, id))?;
        self.merge_attributes(&mut contact);
        Some(contact)
    }

    /// The attributes written so far (a panicked writer left nothing half-done: a map insert).
    fn written(&self) -> std::sync::MutexGuard<'_, HashMap<String, Map<String, Value>>> {
        self.attributes
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Puts the attributes written to `contact` into its `custom_attributes`.
    fn merge_attributes(&self, contact: &mut Value) {
        let id = contact["id"].to_string();
        let written = self.written().get(&id).cloned().unwrap_or_default();
        if let Some(own) = contact["custom_attributes"].as_object_mut() {
            own.extend(written);
        }
    }

    /// The answer to a call without the right token or for another account; `None` for a
    /// call that may go on.
    fn refusal(&self, headers: &HeaderMap, account: &str) -> Option<Response> {
        let token = headers
            .get("api_access_token")
            .and_then(|value| value.to_str().ok());
        if token != Some(self.token.expose()) {
            let body = json!({"errors": ["You need to sign in or sign up before continuing."]});
            return Some((StatusCode::UNAUTHORIZED, Json(body)).into_response());
        }
        (account.parse() != Ok(ACCOUNT_ID)).then(not_found)
    }
}

/// Whether the demo object's numeric `id` is `id`.
fn has_id(object: &Value, id: &str) -> bool {
    object["id"]
        .as_i64()
        .is_some_and(|own| id.parse() == Ok(own))
}

fn not_found() -> Response {
    let body = json!({"error": "Resource could not be found"});
    (StatusCode::NOT_FOUND, Json(body)).into_response()
}

async fn conversation(
    State(api): State<HelpdeskApi>,
    Path((account, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    if let Some(refused) = api.refusal(&headers, &account) {
        return refused;
    }
    let found = demo_data::conversations()
        .into_iter()
        .map(|c| c.data["conversation"].clone())
        .find(|conversation| has_id(conversation, &id));
    match found {
        Some(mut conversation) => {
            api.merge_attributes(&mut conversation["meta"]["sender"]);
            Json(conversation).into_response()
        }
        None => not_found(),
    }
}

async fn agents(
    State(api): State<HelpdeskApi>,
    Path(account): Path<String>,
    headers: HeaderMap,
) -> Response {
    if let Some(refused) = api.refusal(&headers, &account) {
        return refused;
    }
    Json(json!([
        {"id": 1, "account_id": ACCOUNT_ID, "availability_status": "online",
         "auto_offline": true, "confirmed": true, "email": "sam@helpdesk.example",
         "available_name": "Sam Agent", "name": "Sam Agent", "role": "agent", "thumbnail": ""}
    ]))
    .into_response()
}

async fn contact(
    State(api): State<HelpdeskApi>,
    Path((account, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    if let Some(refused) = api.refusal(&headers, &account) {
        return refused;
    }
    match api.contact(&id) {
        Some(contact) => Json(json!({ "payload": contact })).into_response(),
        None => not_found(),
    }
}

/// `PATCH` with `{"custom_attributes": {…}}`: merged into the contact's attributes.
async fn update_contact(
    State(api): State<HelpdeskApi>,
    Path((account, id)): Path<(String, String)>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    if let Some(refused) = api.refusal(&headers, &account) {
        return refused;
    }
    // Attributes are kept under the contact's own id ("016" is contact 16 too).
    let Some(key) = api.contact(&id).map(|contact| contact["id"].to_string()) else {
        return not_found();
    };
    let Some(changes) = body.get("custom_attributes").and_then(Value::as_object) else {
        let body = json!({"message": "custom_attributes must be an object"});
        return (StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response();
    };
    tracing::info!(contact = %id, ?changes, "simulator helpdesk: contact attributes updated");
    api.written()
        .entry(key)
        .or_default()
        .extend(changes.clone());
    match api.contact(&id) {
        Some(contact) => Json(json!({ "payload": contact })).into_response(),
        None => not_found(),
    }
}

/// The contact's custom attributes, for the simulator's own page.
async fn contact_for_page(State(api): State<HelpdeskApi>, Path(id): Path<String>) -> Response {
    match api.contact(&id) {
        Some(contact) => Json(contact["custom_attributes"].clone()).into_response(),
        None => not_found(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::http::Request;
    use http_body_util::BodyExt;
    use tower::ServiceExt;

    async fn call(
        api: &HelpdeskApi,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut request = Request::builder()
            .method(method)
            .uri(path)
            .header("api_access_token", "admin-token");
        let body = match body {
            Some(body) => {
                request = request.header("content-type", "application/json");
                Body::from(body.to_string())
            }
            None => Body::empty(),
        };
        let response = api
            .clone()
            .router()
            .oneshot(request.body(body).expect("request"))
            .await
            .expect("infallible");
        let status = response.status();
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        )
    }

    #[tokio::test]
    async fn a_patch_is_merged_into_the_contact_and_its_conversations() {
        let api = HelpdeskApi::new(Secret::new("admin-token"));
        let patch = json!({"custom_attributes": {"store_customer_id": "C-1002"}});
        let (status, answer) =
            call(&api, "PATCH", "/api/v1/accounts/1/contacts/16", Some(patch)).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            answer["payload"]["custom_attributes"]["store_customer_id"],
            "C-1002"
        );
        let (_, contact) = call(&api, "GET", "/api/v1/accounts/1/contacts/16", None).await;
        assert_eq!(
            contact["payload"]["custom_attributes"]["store_customer_id"],
            "C-1002"
        );
        let (_, conversation) =
            call(&api, "GET", "/api/v1/accounts/1/conversations/106", None).await;
        assert_eq!(
            conversation["meta"]["sender"]["custom_attributes"]["store_customer_id"],
            "C-1002"
        );
        // A null clears it for readers that skip nulls (Chatwoot keeps the key).
        let clear = json!({"custom_attributes": {"store_customer_id": null}});
        call(&api, "PATCH", "/api/v1/accounts/1/contacts/16", Some(clear)).await;
        let (_, page) = call(&api, "GET", "/helpdesk/contacts/16", None).await;
        assert_eq!(page["store_customer_id"], Value::Null);
    }

    #[tokio::test]
    async fn wrong_tokens_accounts_and_ids_are_refused() {
        let api = HelpdeskApi::new(Secret::new("another-token"));
        let (status, _) = call(&api, "GET", "/api/v1/accounts/1/agents", None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        let api = HelpdeskApi::new(Secret::new("admin-token"));
        for path in [
            "/api/v1/accounts/2/agents",
            "/api/v1/accounts/1/contacts/999",
            "/api/v1/accounts/1/conversations/999",
        ] {
            assert_eq!(
                call(&api, "GET", path, None).await.0,
                StatusCode::NOT_FOUND,
                "{path}"
            );
        }
        let bad = json!({"custom_attributes": "C-1002"});
        let (status, _) = call(&api, "PATCH", "/api/v1/accounts/1/contacts/16", Some(bad)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    }
}
