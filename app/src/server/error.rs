//! The server functions' internal error: what went wrong, with the details an admin needs,
//! turned into the agent-facing [`PanelError`] in one place (`From`), where it is logged.
//!
//! The HTTP status is not set here: `PanelError::status` decides it, and the server's
//! router applies it to every server-function error response.

use crate::model::error::PanelError;

/// Why a server function could not answer.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// A refusal or problem already phrased for the agent (bad request, not authorized…).
    #[error(transparent)]
    Refused(#[from] PanelError),
    /// The database failed (down, timed out, or a query broke).
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    /// Something the server functions need was not provided to them: a wiring bug.
    #[error("the server functions' context lacks {0}")]
    MissingContext(&'static str),
}

impl From<ServerError> for PanelError {
    fn from(error: ServerError) -> Self {
        match error {
            ServerError::Refused(error) => error,
            ServerError::Database(error) => {
                tracing::error!(%error, "database call failed");
                PanelError::DatabaseUnavailable
            }
            ServerError::MissingContext(what) => {
                tracing::error!(what, "server function context is missing a part");
                PanelError::Internal
            }
        }
    }
}

/// What every server function returns inside the server.
pub type ServerResult<T> = Result<T, ServerError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_failures_become_readable_errors_without_their_details() {
        let database: PanelError = ServerError::Database(sqlx::Error::PoolTimedOut).into();
        assert_eq!(database, PanelError::DatabaseUnavailable);
        assert!(!database.to_string().contains("pool"));
        let wiring: PanelError = ServerError::MissingContext("the pool").into();
        assert_eq!(wiring, PanelError::Internal);
        let refusal: PanelError = ServerError::from(PanelError::Unauthorized).into();
        assert_eq!(refusal, PanelError::Unauthorized);
    }
}
