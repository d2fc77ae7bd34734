//! What a server function reaches through Leptos's context: the pool, the trust registry and
//! the request's client address; and the session check every server function starts with.

use std::sync::Arc;

use leptos::prelude::use_context;
use sqlx::PgPool;

use super::attention::AttentionThresholds;
use super::error::{ServerError, ServerResult};
use super::store::StoreSchema;
use super::trust::{Session, Trust, TrustError};
use crate::model::error::PanelError;
use crate::model::panel::{OrderRow, Panel, Presentation};
use crate::model::search::SearchResults;
use crate::model::session::SessionProof;

/// The database pool provided to server functions.
pub fn pool() -> ServerResult<PgPool> {
    use_context::<PgPool>().ok_or(ServerError::MissingContext("the database pool"))
}

/// Where and how server functions read: the pool, the schema of the store's relations, and
/// when something counts as needing attention.
#[derive(Debug, Clone)]
pub struct Database {
    /// The database pool.
    pub pool: PgPool,
    /// The schema that holds the store contract's relations.
    pub store: StoreSchema,
    /// The thresholds of the attention list.
    pub attention: AttentionThresholds,
}

/// The pool and the store schema provided to server functions.
pub fn database() -> ServerResult<Database> {
    let store =
        use_context::<StoreSchema>().ok_or(ServerError::MissingContext("the store schema"))?;
    Ok(Database {
        pool: pool()?,
        store,
        // Provided by the server from its settings; the defaults when it provides none.
        attention: use_context::<AttentionThresholds>().unwrap_or_default(),
    })
}

/// Renders the panel's HTML as the page shows it: the UI's components (`ui::panel::render`),
/// run on the server and provided to server functions by the server binary, because this
/// layer does not import the UI. Every lookup answers with this HTML; the browser's wasm
/// carries none of these components.
#[derive(Debug, Clone, Copy)]
pub struct PanelRenderer {
    /// The panel's body.
    pub panel: fn(&Panel, &Presentation) -> String,
    /// Orders as the order list's rows (for the next pages of a customer's orders).
    pub orders: fn(&[OrderRow], &Presentation) -> String,
    /// The results of a customer search for a text.
    pub search: fn(&str, &SearchResults) -> String,
}

/// The panel renderer provided to server functions.
pub fn panel_renderer() -> ServerResult<PanelRenderer> {
    use_context::<PanelRenderer>().ok_or(ServerError::MissingContext("the panel renderer"))
}

/// The trust registry provided to server functions.
pub fn trust() -> ServerResult<Arc<Trust>> {
    use_context::<Arc<Trust>>().ok_or(ServerError::MissingContext("the trust registry"))
}

/// Verifies the session (the one place every server function is checked) and hands out
/// the database.
#[tracing::instrument(skip_all, fields(install = %proof.install))]
pub fn authorize(proof: &SessionProof) -> ServerResult<(Session, Database)> {
    let (trust, db) = (trust()?, database()?);
    match trust.authorize(&proof.install, &proof.token) {
        Ok(session) => Ok((session, db)),
        Err(TrustError::TooManyRequests) => Err(PanelError::TooManyRequests.into()),
        Err(error) => {
            tracing::info!(%error, "refused a server-function call");
            Err(PanelError::Unauthorized.into())
        }
    }
}
