//! The helpdesk's REST API, read by the server so that it need not believe the browser:
//! the conversation (and so its contact) by display id, and the account's agents; and
//! written to record a contact's linked customer in one of its custom attributes.
//!
//! Chatwoot family only (HOSTS.md §1); Lime Connect has no such API and signs a JWT instead.

use std::{sync::OnceLock, time::Duration};

use orderpane::host::{chatwoot_conversation_context, HostContext};
use serde_json::Value;

use crate::server::secret::Secret;

/// How long one call to the helpdesk may take, in all.
pub const TIMEOUT: Duration = Duration::from_secs(3);

/// Why the helpdesk's answer could not vouch for the browser's context.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HostApiError {
    /// The conversation or the agent is not in the install's account (or the id is malformed).
    #[error("the helpdesk does not know this conversation or agent in this account")]
    NotInAccount,
    /// The helpdesk did not answer usefully (timeout, 5xx, bad token, unreadable body).
    #[error("the helpdesk did not answer: {0}")]
    Unavailable(String),
}

/// One install's view of its helpdesk's API.
#[derive(Clone)]
pub struct HostApi {
    base: String,
    account_id: i64,
    token: Secret,
}

impl std::fmt::Debug for HostApi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HostApi")
            .field("base", &self.base)
            .field("account_id", &self.account_id)
            .finish_non_exhaustive()
    }
}

/// One HTTP client for every install: connection pools are per client.
fn client() -> &'static reqwest::Client {
    static CLIENT: OnceLock<reqwest::Client> = OnceLock::new();
    CLIENT.get_or_init(|| {
        reqwest::Client::builder()
            .timeout(TIMEOUT)
            .connect_timeout(Duration::from_secs(2))
            .user_agent(concat!("orderpane/", env!("CARGO_PKG_VERSION")))
            .build()
            .unwrap_or_default()
    })
}

impl HostApi {
    /// The API at `base` (e.g. `https://app.chatwoot.com`) for `account_id`.
    pub fn new(base: &str, account_id: i64, token: Secret) -> Self {
        Self {
            base: base.trim_end_matches('/').to_owned(),
            account_id,
            token,
        }
    }

    /// Reads the conversation and the account's agents, checks that the agent is one of
    /// them, and returns the conversation (contact and messages) as the helpdesk knows it.
    pub async fn verify(
        &self,
        conversation_id: &str,
        agent_id: Option<&str>,
    ) -> Result<HostContext, HostApiError> {
        // Display ids are numbers; anything else could walk the URL path.
        if conversation_id.is_empty() || !conversation_id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(HostApiError::NotInAccount);
        }
        let agent_id = agent_id.ok_or(HostApiError::NotInAccount)?;
        let account = self.account_id;
        let conversation_path =
            format!("/api/v1/accounts/{account}/conversations/{conversation_id}");
        let agents_path = format!("/api/v1/accounts/{account}/agents");
        // Both at once: the panel waits for the slower one only.
        let (conversation, agents) =
            tokio::join!(self.get(&conversation_path), self.get(&agents_path));
        let agents = agents?;
        let agent_known = agents.as_array().is_some_and(|agents| {
            agents
                .iter()
                .any(|agent| id_text(agent.get("id")).as_deref() == Some(agent_id))
        });
        if !agent_known {
            return Err(HostApiError::NotInAccount);
        }
        Ok(chatwoot_conversation_context(&conversation?))
    }

    /// One custom attribute of a contact, as text (`GET …/contacts/{id}` answers
    /// `{"payload": {…contact}}`); `None` when the contact does not have it.
    pub async fn contact_attribute(
        &self,
        contact_id: &str,
        key: &str,
    ) -> Result<Option<String>, HostApiError> {
        let path = self.contact_path(contact_id)?;
        let contact = self.get(&path).await?;
        let value = contact
            .get("payload")
            .and_then(|payload| payload.get("custom_attributes"))
            .and_then(|attributes| attributes.get(key));
        Ok(id_text(value))
    }

    /// Sets one custom attribute of a contact, or clears it with `None`: `PATCH
    /// …/contacts/{id}` with `{"custom_attributes": {key: value}}`, which the helpdesk merges
    /// into the contact's other attributes (HOSTS.md §1).
    pub async fn set_contact_attribute(
        &self,
        contact_id: &str,
        key: &str,
        value: Option<&str>,
    ) -> Result<(), HostApiError> {
        let path = self.contact_path(contact_id)?;
        let mut attributes = serde_json::Map::new();
        attributes.insert(key.to_owned(), value.map_or(Value::Null, Value::from));
        let body = serde_json::json!({ "custom_attributes": attributes });
        let request = client().patch(format!("{}{path}", self.base)).json(&body);
        self.send(request, &path).await.map(drop)
    }

    /// The REST path of contact `contact_id` in this account.
    fn contact_path(&self, contact_id: &str) -> Result<String, HostApiError> {
        // Contact ids are numbers; anything else could walk the URL path.
        if contact_id.is_empty() || !contact_id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(HostApiError::NotInAccount);
        }
        Ok(format!(
            "/api/v1/accounts/{}/contacts/{contact_id}",
            self.account_id
        ))
    }

    async fn get(&self, path: &str) -> Result<Value, HostApiError> {
        let response = self
            .send(client().get(format!("{}{path}", self.base)), path)
            .await?;
        response
            .json()
            .await
            .map_err(|error| HostApiError::Unavailable(without_url(&error)))
    }

    /// Sends `request` with the API token; a 404 means not in this account.
    async fn send(
        &self,
        request: reqwest::RequestBuilder,
        path: &str,
    ) -> Result<reqwest::Response, HostApiError> {
        let response = request
            .header("api_access_token", self.token.expose())
            .send()
            .await
            .map_err(|error| HostApiError::Unavailable(without_url(&error)))?;
        let status = response.status();
        if status == reqwest::StatusCode::NOT_FOUND {
            return Err(HostApiError::NotInAccount);
        }
        if !status.is_success() {
            return Err(HostApiError::Unavailable(format!(
                "{path} answered {status}"
            )));
        }
        Ok(response)
    }
}

/// An id that may arrive as a number or a string.
fn id_text(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) => Some(s.clone()),
        _ => None,
    }
}

/// The error's words without its URL (kept short for logs; the token is never in a URL).
fn without_url(error: &reqwest::Error) -> String {
    if error.is_timeout() {
        "timed out".into()
    } else {
        let mut text = error.to_string();
        if let Some(url) = error.url() {
            text = text.replace(url.as_str(), "");
        }
        text
    }
}
