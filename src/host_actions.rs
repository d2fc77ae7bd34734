//! What the app asks of its host: every Lime Connect action, built here so that the browser
//! code only posts what this module returns.

use serde_json::{json, Map, Value};

use crate::host::{lime_message, TranscriptLine};

/// The text format of Lime Connect's chat input (`textFormat`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextFormat {
    /// `plain_text`.
    Plain,
    /// `markdown_v1`.
    Markdown,
}

impl TextFormat {
    /// The word Lime Connect uses for it.
    pub fn as_str(self) -> &'static str {
        match self {
            TextFormat::Plain => "plain_text",
            TextFormat::Markdown => "markdown_v1",
        }
    }

    /// The format the operator writes in, as the host tells it: the format of the operator's
    /// latest message in the transcript, plain text when they have written nothing yet (plain
    /// text reads correctly in either editor; stray markdown does not).
    pub fn of_operator(transcript: &[TranscriptLine]) -> Self {
        match transcript.iter().rev().find(|line| !line.from_contact) {
            Some(line) if line.markdown => TextFormat::Markdown,
            _ => TextFormat::Plain,
        }
    }
}

/// How a Lime Connect toast looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToastStatus {
    /// Neutral information.
    Info,
    /// Something failed.
    Error,
    /// Something was done.
    Success,
    /// Something needs attention.
    Warning,
}

impl ToastStatus {
    fn as_str(self) -> &'static str {
        match self {
            ToastStatus::Info => "info",
            ToastStatus::Error => "error",
            ToastStatus::Success => "success",
            ToastStatus::Warning => "warning",
        }
    }
}

/// An action the add-on sends to Lime Connect (seed 003, "Actions"; `ready` too).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LimeAction {
    /// Version 2's handshake: the host sends nothing before it.
    Ready,
    /// Asks for a `jwt_token` event.
    GenerateJwtToken,
    /// Replaces the operator's chat input with `message`.
    ReplaceChatInput {
        /// Plain text or markdown.
        format: TextFormat,
        /// The text.
        message: String,
    },
    /// Shows a toast in the host.
    Toast {
        /// Its colour.
        status: ToastStatus,
        /// Its text.
        message: String,
    },
    /// Sets one custom field of the contact (a partial update: nothing else changes).
    UpdateContactField {
        /// The custom field's id.
        field: String,
        /// Its new value.
        value: String,
    },
    /// Sets one custom field of the conversation.
    UpdateConversationField {
        /// The custom field's id.
        field: String,
        /// Its new value.
        value: String,
    },
}

impl LimeAction {
    /// The action's `name`.
    pub fn name(&self) -> &'static str {
        match self {
            LimeAction::Ready => "ready",
            LimeAction::GenerateJwtToken => "generate_jwt_token",
            LimeAction::ReplaceChatInput { .. } => "replace_chat_input",
            LimeAction::Toast { .. } => "toast",
            LimeAction::UpdateContactField { .. } => "update_contact_information",
            LimeAction::UpdateConversationField { .. } => "update_conversation_information",
        }
    }

    /// The `{name, payload}` object to post to the host.
    pub fn to_message(&self) -> Value {
        let payload = match self {
            LimeAction::Ready | LimeAction::GenerateJwtToken => json!({}),
            LimeAction::ReplaceChatInput { format, message } => {
                json!({"textFormat": format.as_str(), "message": message})
            }
            LimeAction::Toast { status, message } => {
                json!({"status": status.as_str(), "message": message})
            }
            LimeAction::UpdateContactField { field, value }
            | LimeAction::UpdateConversationField { field, value } => {
                let mut fields = Map::new();
                fields.insert(field.clone(), Value::String(value.clone()));
                json!({ "customFieldData": fields })
            }
        };
        lime_message(self.name(), payload)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(from_contact: bool, markdown: bool) -> TranscriptLine {
        TranscriptLine {
            from_contact,
            private: false,
            text: "x".into(),
            markdown,
        }
    }

    #[test]
    fn actions_have_the_seeds_shapes() {
        assert_eq!(
            LimeAction::Ready.to_message(),
            json!({"name": "ready", "payload": {}})
        );
        assert_eq!(
            LimeAction::GenerateJwtToken.to_message(),
            json!({"name": "generate_jwt_token", "payload": {}})
        );
        assert_eq!(
            LimeAction::ReplaceChatInput {
                format: TextFormat::Markdown,
                message: "**Order 1005**".into()
            }
            .to_message(),
            json!({"name": "replace_chat_input",
                   "payload": {"textFormat": "markdown_v1", "message": "**Order 1005**"}})
        );
        assert_eq!(
            LimeAction::Toast {
                status: ToastStatus::Error,
                message: "An unexpected error has occurred.".into()
            }
            .to_message(),
            json!({"name": "toast", "payload": {"status": "error",
                   "message": "An unexpected error has occurred."}})
        );
        assert_eq!(
            LimeAction::UpdateContactField {
                field: "dd23-4dfd".into(),
                value: "C-1001".into()
            }
            .to_message(),
            json!({"name": "update_contact_information",
                   "payload": {"customFieldData": {"dd23-4dfd": "C-1001"}}})
        );
        assert_eq!(
            LimeAction::UpdateConversationField {
                field: "order".into(),
                value: "1005".into()
            }
            .to_message(),
            json!({"name": "update_conversation_information",
                   "payload": {"customFieldData": {"order": "1005"}}})
        );
    }

    #[test]
    fn the_reply_format_follows_the_operators_latest_message() {
        assert_eq!(TextFormat::of_operator(&[]), TextFormat::Plain);
        assert_eq!(
            TextFormat::of_operator(&[line(false, true), line(true, false)]),
            TextFormat::Markdown,
            "the contact's messages do not decide"
        );
        assert_eq!(
            TextFormat::of_operator(&[line(false, true), line(false, false)]),
            TextFormat::Plain
        );
    }
}
