//! ActionCable frames (HOSTS.md §1, seed 002): the commands we send and the frames we recognise.
//!
//! ActionCable nests JSON inside JSON: a command's `identifier` and `data` are JSON *strings*,
//! and the server finds the subscription by comparing the identifier string byte for byte, so
//! the same string must be reused for every command on that subscription.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The channel parameters, in the order Chatwoot's own client writes them.
#[derive(Serialize)]
struct RoomIdentifier<'a> {
    channel: &'static str,
    pubsub_token: &'a str,
    account_id: i64,
    user_id: i64,
}

/// A client command; `data` only for `message`.
#[derive(Serialize)]
struct Command<'a> {
    command: &'static str,
    identifier: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    data: Option<&'a str>,
}

/// The `RoomChannel` identifier string for this agent (it contains the token: never log it).
pub(crate) fn identifier(pubsub_token: &str, account_id: i64, user_id: i64) -> String {
    to_json(&RoomIdentifier {
        channel: "RoomChannel",
        pubsub_token,
        account_id,
        user_id,
    })
}

/// `{"command":"subscribe","identifier":"<identifier>"}`.
pub(crate) fn subscribe(identifier: &str) -> String {
    to_json(&Command {
        command: "subscribe",
        identifier,
        data: None,
    })
}

/// The `update_presence` action: ActionCable's `perform` sends `data` as a JSON string holding
/// `{"action": …}`, which is what seed 002 shows too.
pub(crate) fn update_presence(identifier: &str) -> String {
    to_json(&Command {
        command: "message",
        identifier,
        data: Some(r#"{"action":"update_presence"}"#),
    })
}

fn to_json(value: &impl Serialize) -> String {
    // Serialising these plain structs cannot fail (no maps with non-string keys, no I/O).
    serde_json::to_string(value).unwrap_or_default()
}

/// What one server frame means to the connection loop.
#[derive(Debug, PartialEq)]
pub(crate) enum Incoming {
    /// `{"type":"welcome"}`: the socket is open; subscribe now.
    Welcome,
    /// `{"type":"ping","message":<unix time>}`: only proves the socket is alive.
    Ping,
    /// `confirm_subscription`.
    Confirmed,
    /// `reject_subscription` (not sent by Chatwoot itself for a wrong token, but by other servers).
    Rejected,
    /// `{"type":"disconnect","reason":…,"reconnect":…}`; a missing `reconnect` counts as true,
    /// since this client never gives up for good anyway.
    Disconnect { reason: String, reconnect: bool },
    /// `{"identifier":…,"message":{…}}`: a broadcast; the `message` is handed to `parse_event`.
    Message(Value),
    /// A frame of a type this client does not know (skipped).
    Other(String),
}

#[derive(Deserialize)]
struct RawFrame {
    #[serde(rename = "type")]
    kind: Option<Value>,
    message: Option<Value>,
    reason: Option<Value>,
    reconnect: Option<Value>,
}

/// Reads one text frame; `Err` for anything that is not a JSON object.
pub(crate) fn parse(text: &str) -> Result<Incoming, serde_json::Error> {
    let frame: RawFrame = serde_json::from_str(text)?;
    let Some(kind) = frame.kind else {
        return Ok(match frame.message {
            Some(message) => Incoming::Message(message),
            None => Incoming::Other("(no type, no message)".to_owned()),
        });
    };
    Ok(match kind.as_str() {
        Some("welcome") => Incoming::Welcome,
        Some("ping") => Incoming::Ping,
        Some("confirm_subscription") => Incoming::Confirmed,
        Some("reject_subscription") => Incoming::Rejected,
        Some("disconnect") => Incoming::Disconnect {
            reason: match frame.reason {
                Some(Value::String(reason)) => reason,
                Some(other) => other.to_string(),
                None => "(no reason given)".to_owned(),
            },
            reconnect: !matches!(frame.reconnect, Some(Value::Bool(false))),
        },
        Some(other) => Incoming::Other(other.to_owned()),
        None => Incoming::Other(kind.to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_identifier_is_a_json_string_inside_the_command() {
        let id = identifier("tok\"en", 3, 7);
        let parsed: Value = serde_json::from_str(&id).unwrap();
        assert_eq!(
            parsed,
            json!({"channel": "RoomChannel", "pubsub_token": "tok\"en", "account_id": 3, "user_id": 7})
        );
        assert!(id.starts_with(r#"{"channel":"RoomChannel""#));

        let command: Value = serde_json::from_str(&subscribe(&id)).unwrap();
        assert_eq!(command, json!({"command": "subscribe", "identifier": id}));
    }

    #[test]
    fn presence_data_is_a_json_string_with_the_action() {
        let id = identifier("t", 1, 2);
        let command: Value = serde_json::from_str(&update_presence(&id)).unwrap();
        assert_eq!(command["command"], "message");
        assert_eq!(command["identifier"], id.as_str());
        let data: Value = serde_json::from_str(command["data"].as_str().unwrap()).unwrap();
        assert_eq!(data, json!({"action": "update_presence"}));
    }

    #[test]
    fn server_frames_are_recognised() {
        assert_eq!(parse(r#"{"type":"welcome"}"#).unwrap(), Incoming::Welcome);
        assert_eq!(
            parse(r#"{"type":"ping","message":1700000000}"#).unwrap(),
            Incoming::Ping
        );
        assert_eq!(
            parse(r#"{"identifier":"{}","type":"confirm_subscription"}"#).unwrap(),
            Incoming::Confirmed
        );
        assert_eq!(
            parse(r#"{"identifier":"{}","type":"reject_subscription"}"#).unwrap(),
            Incoming::Rejected
        );
        assert_eq!(
            parse(r#"{"type":"disconnect","reason":"unauthorized","reconnect":false}"#).unwrap(),
            Incoming::Disconnect {
                reason: "unauthorized".into(),
                reconnect: false
            }
        );
        assert_eq!(
            parse(r#"{"type":"disconnect","reason":"server_restart","reconnect":true}"#).unwrap(),
            Incoming::Disconnect {
                reason: "server_restart".into(),
                reconnect: true
            }
        );
        assert_eq!(
            parse(r#"{"identifier":"{}","message":{"event":"x","data":{}}}"#).unwrap(),
            Incoming::Message(json!({"event": "x", "data": {}}))
        );
        assert_eq!(
            parse(r#"{"type":"mystery"}"#).unwrap(),
            Incoming::Other("mystery".into())
        );
        assert_eq!(parse(r#"{"type":5}"#).unwrap(), Incoming::Other("5".into()));
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        for text in ["", "not json", "[1,2]", "\"welcome\"", "{\"type\":", "null"] {
            assert!(parse(text).is_err(), "{text:?} parsed");
        }
    }
}
