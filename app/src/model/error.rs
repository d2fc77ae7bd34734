//! The one error the server functions answer with, phrased for the agent.

use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

/// A failure an agent can read. Database details never travel in it: they are logged. Read
/// through a JSON value (see [`super::wire`]): the browser reads it with every answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(try_from = "serde_json::Value")]
pub enum PanelError {
    /// The contact has nothing to look a customer up by.
    #[error("This contact has no email, phone or customer id to look up.")]
    NoContactKeys,
    /// The store's database did not answer.
    #[error("The store's database is not answering right now. Try again in a moment.")]
    DatabaseUnavailable,
    /// No valid session: the page was not opened through a registered install's URL, or
    /// its session expired.
    #[error("Your Orderpane session has expired or is not valid here. Reopen the conversation to start a new one.")]
    Unauthorized,
    /// The helpdesk says this conversation or agent is not in the install's account.
    #[error("The helpdesk does not know this conversation or agent in its account, so Orderpane shows nothing.")]
    NotInAccount,
    /// Lime Connect's token was missing, expired or not signed by the configured key.
    #[error("Lime Connect's sign-in token for Orderpane is missing or not valid. Reopen the conversation; if it persists, ask your admin to check the add-on's JWT settings.")]
    HostTokenInvalid,
    /// The helpdesk's API did not answer, so the contact could not be verified.
    #[error("The helpdesk did not answer Orderpane's check in time. Try again in a moment.")]
    HostUnavailable,
    /// Too many calls in a short time.
    #[error("Too many requests from this panel. Wait a few seconds and try again.")]
    TooManyRequests,
    /// The server could not read the request (malformed, wrong shape, too large), or the
    /// browser could not read the server's answer.
    #[error("Orderpane could not read this request or its answer: {0}")]
    BadRequest(String),
    /// Orderpane itself is wired wrong (a bug or a broken deployment); the details are logged.
    #[error("Orderpane hit an internal problem; it was logged for your admin. Try again later.")]
    Internal,
    /// The request never reached the server function or its answer was unreadable.
    #[error("Orderpane could not be reached: {0}")]
    Transport(String),
}

impl PanelError {
    /// The HTTP status the server answers this error with: the one place it is decided.
    pub fn status(&self) -> u16 {
        match self {
            PanelError::NoContactKeys | PanelError::BadRequest(_) => 400,
            PanelError::Unauthorized | PanelError::HostTokenInvalid => 401,
            PanelError::NotInAccount => 403,
            PanelError::TooManyRequests => 429,
            PanelError::Internal => 500,
            PanelError::HostUnavailable => 502,
            PanelError::DatabaseUnavailable | PanelError::Transport(_) => 503,
        }
    }
}

impl TryFrom<serde_json::Value> for PanelError {
    type Error = super::wire::WireError;

    fn try_from(value: serde_json::Value) -> Result<Self, Self::Error> {
        let (name, content) = super::wire::variant(&value)?;
        let detail = || {
            content
                .as_str()
                .map(str::to_owned)
                .ok_or_else(|| format!("`{name}` without its text"))
        };
        Ok(match name {
            "NoContactKeys" => PanelError::NoContactKeys,
            "DatabaseUnavailable" => PanelError::DatabaseUnavailable,
            "Unauthorized" => PanelError::Unauthorized,
            "NotInAccount" => PanelError::NotInAccount,
            "HostTokenInvalid" => PanelError::HostTokenInvalid,
            "HostUnavailable" => PanelError::HostUnavailable,
            "TooManyRequests" => PanelError::TooManyRequests,
            "BadRequest" => PanelError::BadRequest(detail()?),
            "Internal" => PanelError::Internal,
            "Transport" => PanelError::Transport(detail()?),
            other => return Err(format!("unknown error `{other}`")),
        })
    }
}

impl FromServerFnError for PanelError {
    type Encoder = JsonEncoding;

    /// server_fn's own failures. Arguments that cannot be decoded are the caller's fault
    /// (answered 400 by [`PanelError::status`]); in the browser the same kinds mean the
    /// server's answer was unreadable, which the message covers too.
    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(detail)
            | ServerFnErrorErr::MissingArg(detail)
            | ServerFnErrorErr::Deserialization(detail) => PanelError::BadRequest(detail),
            other => PanelError::Transport(other.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_are_4xx_and_outages_5xx() {
        assert_eq!(PanelError::BadRequest("x".into()).status(), 400);
        assert_eq!(PanelError::Unauthorized.status(), 401);
        assert_eq!(PanelError::NotInAccount.status(), 403);
        assert_eq!(PanelError::TooManyRequests.status(), 429);
        assert_eq!(PanelError::Internal.status(), 500);
        assert_eq!(PanelError::DatabaseUnavailable.status(), 503);
    }

    #[test]
    fn every_error_reads_back_as_it_was_written() {
        let all = [
            PanelError::NoContactKeys,
            PanelError::DatabaseUnavailable,
            PanelError::Unauthorized,
            PanelError::NotInAccount,
            PanelError::HostTokenInvalid,
            PanelError::HostUnavailable,
            PanelError::TooManyRequests,
            PanelError::BadRequest("too large".into()),
            PanelError::Internal,
            PanelError::Transport("offline".into()),
        ];
        for error in all {
            let json = serde_json::to_string(&error).unwrap();
            assert_eq!(serde_json::from_str::<PanelError>(&json).unwrap(), error);
        }
        assert!(serde_json::from_str::<PanelError>(r#""Broken""#).is_err());
        assert!(serde_json::from_str::<PanelError>(r#"{"BadRequest":1}"#).is_err());
        assert!(serde_json::from_str::<PanelError>(r#""BadRequest""#).is_err());
    }

    #[test]
    fn undecodable_arguments_are_a_bad_request() {
        let error = PanelError::from_server_fn_error(ServerFnErrorErr::Deserialization(
            "expected a string".into(),
        ));
        assert_eq!(error, PanelError::BadRequest("expected a string".into()));
        assert!(error.to_string().contains("could not read this request"));
    }
}
