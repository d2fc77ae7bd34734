//! The server functions the panel calls, with the types they exchange.
//!
//! Types here are plain data shared by both builds; the function bodies run on the server.

use leptos::prelude::*;
use orderpane::{contact_keys::ContactKeys, money::Money};
use serde::{Deserialize, Serialize};
use server_fn::codec::{Json, JsonEncoding};
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

/// Why a customer was matched to the contact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MatchBasis {
    /// The contact's external id equals one of the customer's.
    ExternalId,
    /// The contact's email equals one of the customer's (case-insensitively).
    Email,
    /// The contact's phone equals one of the customer's, in E.164.
    Phone,
}

impl MatchBasis {
    /// The words shown to the agent.
    pub fn label(self) -> &'static str {
        match self {
            MatchBasis::ExternalId => "customer id",
            MatchBasis::Email => "email",
            MatchBasis::Phone => "phone",
        }
    }
}

/// A store customer that matches the contact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerMatch {
    /// The customer's database id.
    pub id: i64,
    /// The store's own customer number.
    pub reference: String,
    /// The customer's name.
    pub name: String,
    /// The strongest key that matched.
    pub basis: MatchBasis,
}

/// One order in the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderRow {
    /// The order number the customer sees.
    pub number: String,
    /// The day it was placed (UTC), as `YYYY-MM-DD`.
    pub placed_on: String,
    /// The order's status word.
    pub status: String,
    /// The order total in the order's currency.
    pub total: Money,
}

/// Everything the panel shows for one contact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Panel {
    /// Every customer the contact's keys match (none, one, or several).
    pub matches: Vec<CustomerMatch>,
    /// The orders of the matched customer, newest first, when exactly one matched.
    pub orders: Vec<OrderRow>,
}

/// How many orders the panel shows at once.
pub const ORDER_PAGE_SIZE: i64 = 50;

/// A failure an agent can read. Database details never travel in it: they are logged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum PanelError {
    /// The contact has nothing to look a customer up by.
    #[error("This contact has no email, phone or customer id to look up.")]
    NoContactKeys,
    /// The store's database did not answer.
    #[error("The store's database is not answering right now. Try again in a moment.")]
    DatabaseUnavailable,
    /// The server could not read the request (malformed, wrong shape, too large).
    #[error("Orderpane could not read this request: {0}")]
    BadRequest(String),
    /// The request never reached the server function or its answer was unreadable.
    #[error("Orderpane could not be reached: {0}")]
    Transport(String),
}

impl FromServerFnError for PanelError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(detail)
            | ServerFnErrorErr::MissingArg(detail)
            | ServerFnErrorErr::Deserialization(detail)
                if answer_as_bad_request() =>
            {
                PanelError::BadRequest(detail)
            }
            other => PanelError::Transport(other.to_string()),
        }
    }
}

/// True on the server, where a decoding error means the caller's request could not be read;
/// it also sets the response status to 400 (server_fn would otherwise answer 500).
///
/// This runs inside the request's reactive owner, which holds the `ResponseOptions`. In the
/// browser there are none, and a decoding error there is about the server's answer instead.
fn answer_as_bad_request() -> bool {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(server_fn::http_export::StatusCode::BAD_REQUEST);
        return true;
    }
    false
}

/// Finds the customers matching the contact's keys and, when exactly one matches, their
/// newest orders. One round trip for the whole panel.
#[server(prefix = "/api", endpoint = "panel", input = Json)]
pub async fn load_panel(keys: ContactKeys) -> Result<Panel, PanelError> {
    use crate::queries;
    use leptos_axum::ResponseOptions;

    use server_fn::http_export::StatusCode;

    // The typed error travels in the body; the status tells proxies and tests what happened.
    let respond = |status: StatusCode, error: PanelError| {
        if let Some(response) = use_context::<ResponseOptions>() {
            response.set_status(status);
        }
        Err(error)
    };

    if keys.is_empty() {
        return respond(StatusCode::BAD_REQUEST, PanelError::NoContactKeys);
    }
    let Some(pool) = use_context::<sqlx::PgPool>() else {
        tracing::error!("no database pool in the server function context");
        return respond(
            StatusCode::SERVICE_UNAVAILABLE,
            PanelError::DatabaseUnavailable,
        );
    };
    match queries::panel(&pool, &keys).await {
        Ok(panel) => Ok(panel),
        Err(error) => {
            tracing::error!(%error, "panel lookup failed");
            respond(
                StatusCode::SERVICE_UNAVAILABLE,
                PanelError::DatabaseUnavailable,
            )
        }
    }
}
