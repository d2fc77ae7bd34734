//! What helpdesks post to the framed app, parsed into typed values.
//!
//! Every host message goes through [`parse_message`], which never panics: a message it cannot
//! use comes back as an [`Ignored`] reason that the caller logs and drops.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::contact_keys::ContactKeys;
use crate::json_read::{field, int, text};

/// The string a Chatwoot-family app posts to `window.parent` to be sent the context again.
pub const CHATWOOT_FETCH_INFO: &str = "chatwoot-dashboard-app:fetch-info";

/// Which helpdesk product an install is, which decides the protocol it speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HostKind {
    /// Chatwoot itself.
    Chatwoot,
    /// Akece, a re-branded Chatwoot (its own fetch-info key).
    Akece,
    /// Voxys Connect, a re-branded Chatwoot.
    Voxys,
    /// Lime Connect custom add-ons.
    Lime,
}

impl HostKind {
    /// Every kind of host.
    pub const ALL: [HostKind; 4] = [
        HostKind::Chatwoot,
        HostKind::Akece,
        HostKind::Voxys,
        HostKind::Lime,
    ];

    /// The kind's name as installs and pages write it: its serde name (`chatwoot`, `akece`,
    /// `voxys`, `lime`).
    pub fn name(self) -> &'static str {
        match self {
            HostKind::Chatwoot => "chatwoot",
            HostKind::Akece => "akece",
            HostKind::Voxys => "voxys",
            HostKind::Lime => "lime",
        }
    }

    /// The kind called `name` ([`HostKind::name`]). The browser reads its page's host kind
    /// with this rather than serde, whose enum code would cost its wasm more.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.name() == name)
    }

    /// The string that asks a Chatwoot-family host for the context again; `None` for Lime.
    pub fn fetch_info_key(self) -> Option<&'static str> {
        match self {
            HostKind::Chatwoot | HostKind::Voxys => Some(CHATWOOT_FETCH_INFO),
            HostKind::Akece => Some(AKECE_FETCH_INFO),
            HostKind::Lime => None,
        }
    }
}

/// The string Akece documents for asking the context again.
pub const AKECE_FETCH_INFO: &str = "akece-dashboard-app:fetch-info";

/// Everything the panel knows about the conversation it sits beside, whatever the host.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct HostContext {
    /// The conversation, when the host named one.
    pub conversation: Option<Conversation>,
    /// The contact the conversation is with.
    pub contact: Contact,
    /// The agent looking at the panel, when known.
    pub agent: Option<Agent>,
    /// The host's colour theme, when it says.
    pub theme: Option<Theme>,
    /// The messages the agent's screen has loaded, oldest first.
    pub transcript: Vec<TranscriptLine>,
}

/// A helpdesk conversation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conversation {
    /// The id the host shows and uses in URLs (Chatwoot's display id).
    pub id: Option<String>,
    /// The host's account the conversation belongs to.
    pub account_id: Option<i64>,
    /// The host's status word ("open", "resolved", …).
    pub status: Option<String>,
    /// Lime Connect: the conversation's custom fields (where the order being discussed is
    /// recorded).
    #[serde(default)]
    pub custom_fields: CustomFields,
}

/// A contact's or conversation's custom fields (Chatwoot `custom_attributes`, Lime
/// `customFieldData`), reduced to text: the first string of a list, numbers and booleans
/// written out. Bounded in count and length, since they come from an untrusted page.
pub type CustomFields = BTreeMap<String, String>;

/// At most this many custom fields are kept from one object (generous: a configured
/// customer-id field must not be crowded out by the others).
pub const MAX_CUSTOM_FIELDS: usize = 256;
/// Custom field names and values longer than this (in characters) are dropped.
pub const MAX_CUSTOM_FIELD_LEN: usize = 256;

/// A helpdesk contact and its lookup keys.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    /// The host's id of the contact.
    pub id: Option<String>,
    /// The contact's display name.
    pub name: Option<String>,
    /// The normalised keys a customer can be found by (the external id here is the host's
    /// own identifier field; see [`Contact::lookup_keys`] for a configured custom field).
    pub keys: ContactKeys,
    /// The contact's custom fields.
    #[serde(default)]
    pub custom_fields: CustomFields,
}

impl Contact {
    /// The keys to look the contact up by. When the install names a custom field that holds
    /// the store's customer id (`customer_field`), and the contact has it, that value is the
    /// external id: an admin who configured it means it to win over the generic identifier.
    pub fn lookup_keys(&self, customer_field: Option<&str>) -> ContactKeys {
        let mut keys = self.keys.clone();
        let configured = customer_field
            .and_then(|name| self.custom_fields.get(name))
            .map(|value| value.trim())
            .filter(|value| !value.is_empty());
        if let Some(value) = configured {
            keys.external_id = Some(value.to_owned());
        }
        keys
    }
}

/// The agent using the panel.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agent {
    /// The host's id of the agent.
    pub id: Option<String>,
    /// The agent's name.
    pub name: Option<String>,
    /// The agent's email.
    pub email: Option<String>,
    /// The agent's locale as the host reports it (Lime Connect's `en_US`), when it does.
    #[serde(default)]
    pub locale: Option<String>,
}

/// Light or dark, as the host draws itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Theme {
    /// Dark text on a light background.
    Light,
    /// Light text on a dark background.
    Dark,
}

/// One message of the conversation as text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TranscriptLine {
    /// True when the contact wrote it, false for agents, bots and activity lines.
    pub from_contact: bool,
    /// True for internal notes the contact never sees.
    pub private: bool,
    /// The message text.
    pub text: String,
    /// True when the text is Lime Connect's `markdown_v1` rather than plain text.
    #[serde(default)]
    pub markdown: bool,
}

/// A host message, understood.
#[derive(Debug, Clone, PartialEq)]
pub enum HostEvent {
    /// A Chatwoot-family `appContext`: the whole context, replacing any earlier one.
    AppContext(Box<HostContext>),
    /// Lime Connect `contact_information`: the contact, replacing the earlier one.
    LimeContact(Contact),
    /// Lime Connect `conversation_information`.
    LimeConversation(Conversation),
    /// Lime Connect `operator_information`: the agent.
    LimeOperator(Agent),
    /// Lime Connect `transcript`: the messages the operator can see.
    LimeTranscript(Vec<TranscriptLine>),
    /// Lime Connect `jwt_token`: a token, or the host's reason for not giving one.
    LimeJwt(Result<String, String>),
}

impl HostEvent {
    /// Folds this event into `context` (Lime Connect sends the context in parts, any number
    /// of times, in any order). A `LimeJwt` carries no context and changes nothing.
    pub fn apply_to(self, context: &mut HostContext) {
        match self {
            HostEvent::AppContext(whole) => *context = *whole,
            HostEvent::LimeContact(contact) => context.contact = contact,
            HostEvent::LimeConversation(conversation) => context.conversation = Some(conversation),
            HostEvent::LimeOperator(agent) => context.agent = Some(agent),
            HostEvent::LimeTranscript(lines) => context.transcript = lines,
            HostEvent::LimeJwt(_) => {}
        }
    }
}

/// A Lime Connect action or event object: `{name, payload}`.
pub fn lime_message(name: &str, payload: Value) -> Value {
    let mut message = serde_json::Map::new();
    message.insert("name".into(), Value::String(name.into()));
    message.insert("payload".into(), payload);
    Value::Object(message)
}

/// Why a message was not used. Callers log it at debug level and drop the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ignored {
    /// Not JSON at all (other scripts on the host page post all sorts of strings).
    NotJson,
    /// JSON, but not an event this app listens to.
    UnknownEvent(String),
    /// An `appContext` without a `data` object, or a Lime event without a `payload` object.
    MissingData,
}

impl std::fmt::Display for Ignored {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Ignored::NotJson => f.write_str("message is not JSON"),
            // Quoted by hand: `{:?}` would cost the browser's wasm the Unicode escaping tables.
            Ignored::UnknownEvent(name) => write!(f, "unknown event \"{name}\""),
            Ignored::MissingData => f.write_str("an event without its data or payload object"),
        }
    }
}

/// Parses a message posted by a host, given as the string it was sent as.
///
/// Chatwoot-family hosts post a JSON *string*; a caller holding a structured-cloned object
/// serialises it to JSON first, so both forms arrive here.
pub fn parse_message(raw: &str) -> Result<HostEvent, Ignored> {
    // From bytes: the browser's wasm reads every other JSON so, and a second reader type would
    // be a second copy of the parser.
    let value: Value = serde_json::from_slice(raw.as_bytes()).map_err(|_| Ignored::NotJson)?;
    parse_value(&value)
}

/// Parses a message that is already JSON.
pub fn parse_value(value: &Value) -> Result<HostEvent, Ignored> {
    if let Some(name) = value.get("name").and_then(Value::as_str) {
        return parse_lime(name, value.get("payload"));
    }
    let event = value.get("event").and_then(Value::as_str).unwrap_or("");
    match event {
        "appContext" => {
            let data = value
                .get("data")
                .filter(|d| d.is_object())
                .ok_or(Ignored::MissingData)?;
            Ok(HostEvent::AppContext(Box::new(chatwoot_context(data))))
        }
        other => Err(Ignored::UnknownEvent(other.chars().take(64).collect())),
    }
}

/// Parses a Lime Connect event object.
fn parse_lime(name: &str, payload: Option<&Value>) -> Result<HostEvent, Ignored> {
    let known = matches!(
        name,
        "contact_information"
            | "conversation_information"
            | "operator_information"
            | "transcript"
            | "jwt_token"
    );
    if !known {
        return Err(Ignored::UnknownEvent(name.chars().take(64).collect()));
    }
    let payload = payload
        .filter(|p| p.is_object())
        .ok_or(Ignored::MissingData)?;
    let get = |key: &str| text(payload.get(key));
    Ok(match name {
        "contact_information" => HostEvent::LimeContact(Contact {
            id: get("id"),
            name: get("name"),
            keys: ContactKeys::from_raw(
                None,
                get("email").as_deref(),
                get("mobileNumber")
                    .or_else(|| get("phoneNumber"))
                    .as_deref(),
            ),
            custom_fields: lime_custom_fields(payload),
        }),
        "conversation_information" => HostEvent::LimeConversation(Conversation {
            id: get("id"),
            account_id: None,
            status: None,
            custom_fields: lime_custom_fields(payload),
        }),
        "operator_information" => HostEvent::LimeOperator(Agent {
            id: get("id"),
            name: get("name"),
            email: get("email"),
            locale: get("locale"),
        }),
        "transcript" => HostEvent::LimeTranscript(lime_transcript(payload.get("transcript"))),
        _ => HostEvent::LimeJwt(match get("type").as_deref() {
            Some("success") => get("token").ok_or_else(|| "the host sent an empty token".into()),
            _ => Err(get("error").unwrap_or_else(|| "the host gave no reason".into())),
        }),
    })
}

/// Lime Connect's custom fields, under either spelling (the documentation's type says
/// `customFieldData`, its own example `custom_field_data`).
fn lime_custom_fields(payload: &Value) -> CustomFields {
    custom_fields(
        payload
            .get("customFieldData")
            .filter(|v| v.is_object())
            .or_else(|| payload.get("custom_field_data")),
    )
}

/// Reads a custom-field object leniently (see [`CustomFields`]); anything else gives none.
fn custom_fields(value: Option<&Value>) -> CustomFields {
    let Some(object) = value.and_then(Value::as_object) else {
        return CustomFields::new();
    };
    let fields = object
        .iter()
        .filter(|(name, _)| name.chars().count() <= MAX_CUSTOM_FIELD_LEN)
        .filter_map(|(name, value)| {
            let value = match value {
                Value::Array(items) => items.iter().find_map(|item| text(Some(item))),
                Value::Bool(b) => Some(b.to_string()),
                other => text(Some(other)),
            }?;
            (value.chars().count() <= MAX_CUSTOM_FIELD_LEN).then(|| (name.clone(), value))
        })
        .take(MAX_CUSTOM_FIELDS);
    // Inserted one by one, not collected: collecting into a map sorts the pairs first, and
    // that sort costs the browser's wasm about 2 KB (the object's keys are unique already).
    let mut custom = CustomFields::new();
    for (name, value) in fields {
        custom.insert(name, value);
    }
    custom
}

/// The text messages of a Lime Connect transcript.
fn lime_transcript(messages: Option<&Value>) -> Vec<TranscriptLine> {
    let Some(messages) = messages.and_then(Value::as_array) else {
        return Vec::new();
    };
    messages
        .iter()
        .filter_map(|message| {
            let sender = text(field(message.get("sender"), "type"));
            Some(TranscriptLine {
                from_contact: sender.as_deref() == Some("contact"),
                private: false,
                text: text(message.get("body"))?,
                markdown: text(message.get("textFormat")).as_deref() == Some("markdown_v1"),
            })
        })
        .collect()
}

/// The context in a Chatwoot conversation object as its REST API returns it: the contact
/// from `meta.sender` and the transcript from `messages`, read with the same lenient rules
/// as an appContext.
pub fn chatwoot_conversation_context(conversation: &Value) -> HostContext {
    let mut data = serde_json::Map::new();
    data.insert("conversation".into(), conversation.clone());
    chatwoot_context(&Value::Object(data))
}

/// Builds the context from the `data` of a Chatwoot-family appContext.
fn chatwoot_context(data: &Value) -> HostContext {
    let conversation = data.get("conversation").filter(|c| c.is_object());
    // `contact` is the full contact but may be `{}` while the host is still loading it;
    // `conversation.meta.sender` is the list's copy. Take each field from the first that has it.
    let contact = data.get("contact");
    let sender = field(field(conversation, "meta"), "sender");
    let pick = |key: &str| text(field(contact, key)).or_else(|| text(field(sender, key)));

    HostContext {
        conversation: conversation.map(|c| Conversation {
            id: text(c.get("id")),
            account_id: int(c.get("account_id")),
            status: text(c.get("status")),
            custom_fields: custom_fields(c.get("custom_attributes")),
        }),
        contact: Contact {
            id: pick("id"),
            name: pick("name"),
            keys: ContactKeys::from_raw(
                pick("identifier").as_deref(),
                pick("email").as_deref(),
                pick("phone_number").as_deref(),
            ),
            custom_fields: {
                let own = custom_fields(field(contact, "custom_attributes"));
                if own.is_empty() {
                    custom_fields(field(sender, "custom_attributes"))
                } else {
                    own
                }
            },
        },
        // Chatwoot's web frame says `currentAgent`; its mobile app converts every key to
        // snake_case before injecting the context, so there it is `current_agent`.
        agent: ["currentAgent", "current_agent"]
            .iter()
            .find_map(|key| data.get(*key).filter(|a| a.is_object()))
            .map(|a| Agent {
                id: text(a.get("id")),
                name: text(a.get("name")),
                email: text(a.get("email")),
                locale: None,
            }),
        theme: match data.get("theme").and_then(Value::as_str) {
            Some("dark") => Some(Theme::Dark),
            Some("light") => Some(Theme::Light),
            _ => None,
        },
        transcript: chatwoot_transcript(field(conversation, "messages")),
    }
}

/// The text messages of a Chatwoot conversation (activity and empty messages left out).
fn chatwoot_transcript(messages: Option<&Value>) -> Vec<TranscriptLine> {
    const INCOMING: i64 = 0;
    const ACTIVITY: i64 = 2;
    let Some(messages) = messages.and_then(Value::as_array) else {
        return Vec::new();
    };
    messages
        .iter()
        .filter_map(|message| {
            let kind = int(message.get("message_type"));
            if kind == Some(ACTIVITY) {
                return None;
            }
            Some(TranscriptLine {
                from_contact: kind == Some(INCOMING),
                private: message.get("private").and_then(Value::as_bool) == Some(true),
                text: text(message.get("content"))?,
                markdown: false,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The appContext of seed 001 with its placeholder types replaced by realistic values.
    fn seed_app_context() -> Value {
        json!({
            "event": "appContext",
            "data": {
                "conversation": {
                    "meta": {
                        "sender": {
                            "additional_attributes": {"company_name": "Acme"},
                            "availability_status": "offline",
                            "email": "jane@example.com",
                            "id": 17,
                            "name": "Jane Doe",
                            "phone_number": "+91 9000000001",
                            "identifier": null,
                            "thumbnail": "",
                            "custom_attributes": {},
                            "last_activity_at": 1_700_000_000
                        },
                        "channel": "Channel::WebWidget",
                        "assignee": {"id": 1, "name": "Agent Smith", "role": "agent"},
                        "hmac_verified": false
                    },
                    "id": 42,
                    "messages": [
                        {"id": 1, "content": "Where is order #1042?", "message_type": 0,
                         "private": false, "created_at": 1_700_000_000},
                        {"id": 2, "content": "Conversation was assigned", "message_type": 2},
                        {"id": 3, "content": "Checking now", "message_type": 1, "private": true}
                    ],
                    "account_id": 3,
                    "status": "open",
                    "labels": [],
                    "snoozed_until": null
                },
                "contact": {
                    "email": "Jane@Example.com ",
                    "id": 17,
                    "name": "Jane Doe",
                    "phone_number": "+91 9000000001",
                    "identifier": "C-1001",
                    "custom_attributes": {}
                },
                "currentAgent": {"email": "agent@example.com", "id": 1, "name": "Agent Smith"}
            }
        })
    }

    fn context_of(value: &Value) -> HostContext {
        match parse_value(value) {
            Ok(HostEvent::AppContext(context)) => *context,
            other => panic!("expected an appContext, got {other:?}"),
        }
    }

    #[test]
    fn a_host_kind_is_named_as_serde_names_it() {
        for kind in HostKind::ALL {
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.name());
            assert_eq!(HostKind::from_name(kind.name()), Some(kind));
        }
        assert_eq!(HostKind::from_name("Lime"), None);
        assert_eq!(HostKind::from_name(""), None);
    }

    #[test]
    fn seed_app_context_string_gives_contact_conversation_and_agent() {
        let raw = seed_app_context().to_string();
        let Ok(HostEvent::AppContext(context)) = parse_message(&raw) else {
            panic!("the seed's appContext string must parse");
        };
        assert_eq!(context.contact.id.as_deref(), Some("17"));
        assert_eq!(
            context.contact.keys.email.as_deref(),
            Some("jane@example.com")
        );
        assert_eq!(context.contact.keys.external_id.as_deref(), Some("C-1001"));
        assert_eq!(context.contact.keys.phone.as_deref(), Some("+919000000001"));
        let conversation = context.conversation.expect("conversation");
        assert_eq!(conversation.id.as_deref(), Some("42"));
        assert_eq!(conversation.account_id, Some(3));
        assert_eq!(conversation.status.as_deref(), Some("open"));
        assert_eq!(
            context.agent.and_then(|a| a.name).as_deref(),
            Some("Agent Smith")
        );
    }

    #[test]
    fn transcript_skips_activity_and_marks_private_notes() {
        let context = context_of(&seed_app_context());
        assert_eq!(context.transcript.len(), 2);
        assert!(context.transcript[0].from_contact);
        assert_eq!(context.transcript[0].text, "Where is order #1042?");
        assert!(context.transcript[1].private);
        assert!(!context.transcript[1].from_contact);
    }

    #[test]
    fn empty_contact_falls_back_to_conversation_sender() {
        let mut message = seed_app_context();
        message["data"]["contact"] = json!({});
        let context = context_of(&message);
        assert_eq!(
            context.contact.keys.email.as_deref(),
            Some("jane@example.com")
        );
        assert_eq!(context.contact.keys.external_id, None);
        assert_eq!(context.contact.name.as_deref(), Some("Jane Doe"));
    }

    #[test]
    fn nulls_and_missing_fields_give_empty_values_not_errors() {
        let message = json!({"event": "appContext", "data": {
            "conversation": null, "contact": {"email": null, "phone_number": null, "identifier": null},
            "currentAgent": null
        }});
        let context = context_of(&message);
        assert_eq!(context.conversation, None);
        assert!(context.contact.keys.is_empty());
        assert_eq!(context.agent, None);
        assert!(context.transcript.is_empty());

        let bare = context_of(&json!({"event": "appContext", "data": {}}));
        assert!(bare.contact.keys.is_empty());
    }

    #[test]
    fn wrong_types_are_read_leniently() {
        let message = json!({"event": "appContext", "data": {
            "conversation": {"id": "42", "account_id": "3", "messages": {"not": "a list"}},
            "contact": {"email": 5, "identifier": ["x"], "id": true, "phone_number": {}},
            "currentAgent": "agent",
            "theme": 7
        }});
        let context = context_of(&message);
        let conversation = context.conversation.expect("conversation");
        assert_eq!(conversation.id.as_deref(), Some("42"));
        assert_eq!(conversation.account_id, Some(3));
        assert_eq!(context.contact.keys.email, None, "5 is no email");
        assert_eq!(context.contact.keys.external_id, None);
        assert_eq!(context.agent, None);
        assert_eq!(context.theme, None);
    }

    #[test]
    fn the_mobile_apps_snake_cased_context_reads_like_the_webs() {
        // Chatwoot's mobile app: keys snake_cased deeply, `contact` is the partial
        // `meta.sender`, no theme and no attribute definitions.
        let message = json!({
            "event": "appContext",
            "data": {
                "conversation": {
                    "id": 7,
                    "account_id": 3,
                    "status": "open",
                    "all_messages_loaded": true,
                    "custom_attributes": {"order": "1003"},
                    "meta": {"sender": {"id": 17, "name": "Jane Doe", "email": "Jane@Example.com",
                                        "phone_number": null, "identifier": "C-1001",
                                        "custom_attributes": {"store_customer_id": "C-1001"}}},
                    "messages": [{"id": 1, "content": "Where is order 1003?", "message_type": 0,
                                  "private": false}]
                },
                "contact": {"id": 17, "name": "Jane Doe", "email": "Jane@Example.com",
                            "identifier": "C-1001",
                            "custom_attributes": {"store_customer_id": "C-1001"}},
                "current_agent": {"id": 1, "name": "Agent Smith", "email": "agent@example.com"}
            }
        });
        let web = context_of(&message);
        assert_eq!(web.contact.id.as_deref(), Some("17"));
        assert_eq!(web.contact.keys.email.as_deref(), Some("jane@example.com"));
        assert_eq!(
            web.agent.as_ref().and_then(|a| a.name.as_deref()),
            Some("Agent Smith")
        );
        assert_eq!(
            web.conversation.as_ref().map(|c| c.id.as_deref()),
            Some(Some("7"))
        );
        assert_eq!(web.transcript.len(), 1);
        assert_eq!(web.theme, None);
    }

    #[test]
    fn theme_is_read_when_present() {
        let mut message = seed_app_context();
        message["data"]["theme"] = json!("dark");
        assert_eq!(context_of(&message).theme, Some(Theme::Dark));
    }

    #[test]
    fn other_messages_are_ignored_with_a_reason() {
        assert_eq!(parse_message("hello"), Err(Ignored::NotJson));
        assert_eq!(parse_message(CHATWOOT_FETCH_INFO), Err(Ignored::NotJson));
        assert_eq!(
            parse_message(r#"{"event":"other"}"#),
            Err(Ignored::UnknownEvent("other".into()))
        );
        assert_eq!(
            parse_message(r#"[1,2]"#),
            Err(Ignored::UnknownEvent(String::new()))
        );
        assert_eq!(
            parse_message(r#"{"event":"appContext","data":"x"}"#),
            Err(Ignored::MissingData)
        );
    }

    fn lime(name: &str, payload: Value) -> HostEvent {
        parse_value(&lime_message(name, payload)).expect("a Lime event")
    }

    #[test]
    fn lime_events_build_the_context_in_any_order_and_replace_on_repeat() {
        let mut context = HostContext::default();
        lime("transcript", json!({"transcript": [
            {"type": "message", "body": "Hello, order 1005?", "textFormat": "plain_text", "sender": {"type": "contact"}},
            {"type": "message", "body": "Checking", "textFormat": "markdown_v1", "sender": {"type": "operator"}}
        ]})).apply_to(&mut context);
        lime(
            "operator_information",
            json!({"id": "1111", "name": "Jane Op", "email": "op@example.com", "locale": "en_US"}),
        )
        .apply_to(&mut context);
        // The seed's own example: nulls, and `custom_field_data` spelled with underscores.
        lime("contact_information", json!({
            "id": "1111", "name": "Jane Doe", "email": "jane@example.com", "locale": "en_US",
            "mobileNumber": "+325920392947", "phoneNumber": "+325920392947", "salutation": "ms",
            "street": "Im Mediapark 8", "city": "Köln", "country": "DE", "company": "Lime Connect",
            "gender": null, "custom_field_data": null
        })).apply_to(&mut context);
        lime("conversation_information", json!({"id": "c-9", "topics": [{"text": "Support"}], "locale": null,
            "subject": null, "customFieldData": null, "widget": {"id": "111", "name": "My widget"}}))
            .apply_to(&mut context);
        assert_eq!(
            context.contact.keys.email.as_deref(),
            Some("jane@example.com")
        );
        assert_eq!(context.contact.keys.phone.as_deref(), Some("+325920392947"));
        assert_eq!(
            context.agent.as_ref().and_then(|a| a.name.as_deref()),
            Some("Jane Op")
        );
        assert_eq!(
            context.conversation.as_ref().and_then(|c| c.id.as_deref()),
            Some("c-9")
        );
        assert_eq!(context.transcript.len(), 2);
        assert!(context.transcript[0].from_contact);

        lime(
            "contact_information",
            json!({"id": "2", "email": "lena@example.com", "mobileNumber": null}),
        )
        .apply_to(&mut context);
        assert_eq!(
            context.contact.keys.email.as_deref(),
            Some("lena@example.com")
        );
        assert_eq!(
            context.contact.keys.phone, None,
            "a repeated contact replaces the old one"
        );
    }

    #[test]
    fn lime_jwt_events_give_the_token_or_the_reason() {
        assert_eq!(
            lime("jwt_token", json!({"type": "success", "token": "a.b.c"})),
            HostEvent::LimeJwt(Ok("a.b.c".into()))
        );
        assert_eq!(
            lime(
                "jwt_token",
                json!({"type": "error", "error": "not allowed"})
            ),
            HostEvent::LimeJwt(Err("not allowed".into()))
        );
    }

    #[test]
    fn other_lime_messages_are_ignored() {
        assert_eq!(
            parse_value(&lime_message("ready", json!({}))),
            Err(Ignored::UnknownEvent("ready".into()))
        );
        assert_eq!(
            parse_value(&json!({"name": "contact_information", "payload": null})),
            Err(Ignored::MissingData)
        );
    }

    #[test]
    fn each_chatwoot_family_host_is_asked_with_its_own_key() {
        assert_eq!(
            HostKind::Chatwoot.fetch_info_key(),
            Some(CHATWOOT_FETCH_INFO)
        );
        assert_eq!(HostKind::Voxys.fetch_info_key(), Some(CHATWOOT_FETCH_INFO));
        assert_eq!(HostKind::Akece.fetch_info_key(), Some(AKECE_FETCH_INFO));
        assert_eq!(HostKind::Lime.fetch_info_key(), None);
    }

    #[test]
    fn lime_custom_fields_are_read_under_both_spellings() {
        let camel = lime(
            "contact_information",
            json!({"id": "1", "customFieldData": {"store-id": "C-1002", "tags": ["vip", "b2b"], "n": 7, "gone": null}}),
        );
        let HostEvent::LimeContact(contact) = camel else {
            panic!("a contact");
        };
        assert_eq!(
            contact.custom_fields.get("store-id").map(String::as_str),
            Some("C-1002")
        );
        assert_eq!(
            contact.custom_fields.get("tags").map(String::as_str),
            Some("vip")
        );
        assert_eq!(
            contact.custom_fields.get("n").map(String::as_str),
            Some("7")
        );
        assert!(!contact.custom_fields.contains_key("gone"));

        let snake = lime(
            "conversation_information",
            json!({"id": "9", "customFieldData": null, "custom_field_data": {"order": "1005"}}),
        );
        let HostEvent::LimeConversation(conversation) = snake else {
            panic!("a conversation");
        };
        assert_eq!(
            conversation.custom_fields.get("order").map(String::as_str),
            Some("1005")
        );
    }

    #[test]
    fn a_configured_customer_field_is_the_external_id() {
        let mut message = seed_app_context();
        message["data"]["contact"]["custom_attributes"] = json!({"store_customer": " C-1003 "});
        let contact = context_of(&message).contact;
        assert_eq!(
            contact
                .lookup_keys(Some("store_customer"))
                .external_id
                .as_deref(),
            Some("C-1003"),
            "the configured field wins over the identifier"
        );
        assert_eq!(
            contact.lookup_keys(None).external_id.as_deref(),
            Some("C-1001")
        );
        assert_eq!(
            contact.lookup_keys(Some("absent")).external_id.as_deref(),
            Some("C-1001")
        );
        // The list's copy of the contact is read when the full contact has none.
        message["data"]["contact"] = json!({});
        message["data"]["conversation"]["meta"]["sender"]["custom_attributes"] =
            json!({"store_customer": "C-1004"});
        let from_sender = context_of(&message).contact;
        assert_eq!(
            from_sender
                .lookup_keys(Some("store_customer"))
                .external_id
                .as_deref(),
            Some("C-1004")
        );
    }

    #[test]
    fn custom_fields_are_bounded() {
        let many: serde_json::Map<String, Value> = (0..500)
            .map(|i| (format!("f{i}"), json!("v")))
            // Sorts first, so only its length can drop it.
            .chain([("a-long".to_string(), json!("x".repeat(10_000)))])
            .collect();
        let HostEvent::LimeContact(contact) =
            lime("contact_information", json!({ "customFieldData": many }))
        else {
            panic!("a contact");
        };
        assert_eq!(contact.custom_fields.len(), MAX_CUSTOM_FIELDS);
        assert!(!contact.custom_fields.contains_key("a-long"));
    }

    #[test]
    fn a_large_realistic_conversation_parses() {
        let mut message = seed_app_context();
        let messages: Vec<Value> = (0..5_000)
            .map(|i| {
                json!({"id": i, "content": format!("message {i} about order 1005"),
                            "message_type": i % 4, "private": i % 7 == 0, "attachments": [],
                            "sender": {"id": i, "name": null}, "extra": {"deep": [null, 1, "x"]}})
            })
            .collect();
        message["data"]["conversation"]["messages"] = Value::Array(messages);
        let context = context_of(&message);
        assert_eq!(
            context.transcript.len(),
            3_750,
            "activity lines are left out"
        );
        assert!(context.transcript.iter().any(|line| line.private));
    }

    mod never_panics {
        use super::super::*;
        use proptest::prelude::*;

        fn any_json() -> impl Strategy<Value = Value> {
            let leaf = prop_oneof![
                Just(Value::Null),
                any::<bool>().prop_map(Value::Bool),
                any::<i64>().prop_map(Value::from),
                any::<f64>().prop_map(Value::from),
                ".{0,20}".prop_map(Value::String),
                prop_oneof![
                    Just("appContext"),
                    Just("conversation"),
                    Just("contact"),
                    Just("meta"),
                    Just("sender"),
                    Just("messages"),
                    Just("email"),
                    Just("id")
                ]
                .prop_map(|s| Value::String(s.into())),
            ];
            leaf.prop_recursive(5, 64, 8, |inner| {
                prop_oneof![
                    prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                    prop::collection::vec(
                        (
                            prop_oneof![
                                Just("event".to_string()),
                                Just("data".to_string()),
                                Just("conversation".to_string()),
                                Just("contact".to_string()),
                                Just("meta".to_string()),
                                Just("sender".to_string()),
                                Just("messages".to_string()),
                                Just("email".to_string()),
                                Just("phone_number".to_string()),
                                Just("identifier".to_string()),
                                Just("currentAgent".to_string()),
                                Just("theme".to_string()),
                                Just("custom_attributes".to_string()),
                                Just("customFieldData".to_string()),
                                Just("custom_field_data".to_string()),
                                Just("transcript".to_string()),
                                Just("mobileNumber".to_string()),
                                Just("body".to_string()),
                                Just("type".to_string()),
                                Just("token".to_string()),
                                "[a-z_]{1,12}"
                            ],
                            inner
                        ),
                        0..8
                    )
                    .prop_map(|pairs| Value::Object(pairs.into_iter().collect())),
                ]
            })
        }

        proptest! {
            #[test]
            fn any_string_parses_or_is_ignored(raw in ".*") {
                let result = parse_message(&raw);
                if serde_json::from_str::<Value>(&raw).is_err() {
                    prop_assert_eq!(result, Err(Ignored::NotJson));
                }
            }

            #[test]
            fn any_lime_payload_parses_or_is_ignored(
                name in prop_oneof![
                    Just("contact_information".to_string()),
                    Just("conversation_information".to_string()),
                    Just("operator_information".to_string()),
                    Just("transcript".to_string()),
                    Just("jwt_token".to_string()),
                    Just("ready".to_string()),
                    "[a-z_]{0,20}"
                ],
                payload in any_json(),
            ) {
                let is_object = payload.is_object();
                let result = parse_value(&lime_message(&name, payload));
                let known = ["contact_information", "conversation_information",
                    "operator_information", "transcript", "jwt_token"].contains(&name.as_str());
                match (known, is_object) {
                    (true, true) => prop_assert!(result.is_ok(), "{result:?}"),
                    (true, false) => prop_assert_eq!(result, Err(Ignored::MissingData)),
                    (false, _) => prop_assert!(matches!(result, Err(Ignored::UnknownEvent(_)))),
                }
            }

            #[test]
            fn any_json_shaped_like_a_context_parses_or_is_ignored(data in any_json()) {
                let is_object = data.is_object();
                let message = serde_json::json!({"event": "appContext", "data": data});
                let result = parse_value(&message);
                if is_object {
                    prop_assert!(result.is_ok(), "{result:?}");
                } else {
                    prop_assert_eq!(result, Err(Ignored::MissingData));
                }
            }
        }
    }
}
