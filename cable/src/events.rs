//! Turns a broadcast's `message` (`{"event": name, "data": {…}}`) into a [`HostEvent`].
//!
//! Payload shapes, from Chatwoot's `ActionCableListener#broadcast` (which merges `account_id`
//! into every payload):
//! - `message.created`: `Message#push_event_data`: the message's columns (`content`,
//!   `message_type` as an integer, `private`, `sender_type`/`sender_id`, or `contact_id` on old
//!   versions), `conversation_id` replaced by the conversation's display id, and `sender` (a
//!   contact's `push_event_data` has `"type": "contact"`).
//! - `conversation.*`: `Conversations::EventDataPresenter#push_data`: `id` is the display id,
//!   `status`, `meta.sender` is the (new) contact, `contact_inbox` is the `ContactInbox` row.
//! - `contact.updated` / `contact.merged`: `Contact#push_event_data`; for a merge it is the
//!   surviving (base) contact.
//!
//! Any value may be missing, null, or (in some forks) an id written as a string, so fields are
//! read leniently and only what an event cannot do without makes it `None`.

use serde_json::Value;

use crate::HostEvent;

/// Parses one event frame's `message`; `None` for events we ignore or malformed ones.
///
/// The event name is checked first, so the frequent events a panel does not need (typing,
/// presence, notifications) cost one string comparison each.
pub fn parse_event(message: &Value) -> Option<HostEvent> {
    let name = message.get("event")?.as_str()?;
    let parse: fn(&Value, i64) -> Option<HostEvent> = match name {
        "message.created" => message_created,
        "contact.updated" => contact_updated,
        "contact.merged" => contact_merged,
        "conversation.contact_changed" => contact_changed,
        "conversation.status_changed" => status_changed,
        _ => return None,
    };
    let data = message.get("data").filter(|data| data.is_object())?;
    let account_id = id(data.get("account_id"))?;
    parse(data, account_id)
}

fn message_created(data: &Value, account_id: i64) -> Option<HostEvent> {
    let sender = data.get("sender").filter(|sender| sender.is_object());
    let sender_is_contact = sender
        .and_then(|sender| sender.get("type"))
        .and_then(Value::as_str)
        .is_some_and(|kind| kind.eq_ignore_ascii_case("contact"))
        || data
            .get("sender_type")
            .and_then(Value::as_str)
            .is_some_and(|kind| kind.eq_ignore_ascii_case("contact"));
    let contact_id = if sender_is_contact {
        id(sender.and_then(|sender| sender.get("id"))).or_else(|| id(data.get("sender_id")))
    } else {
        None
    }
    // Older Chatwoot had a `contact_id` column on messages; some forks put it on `contact_inbox`.
    .or_else(|| id(data.get("contact_id")))
    .or_else(|| id(data.pointer("/conversation/contact_inbox/contact_id")));

    Some(HostEvent::MessageCreated {
        account_id,
        conversation_id: id(data.get("conversation_id"))?,
        contact_id,
        text: data
            .get("content")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        from_contact: is_incoming(data.get("message_type")) || sender_is_contact,
        private: data
            .get("private")
            .and_then(Value::as_bool)
            .unwrap_or(false),
    })
}

/// `message_type` 0 (or `"incoming"`, as webhooks write it) is a message from the contact.
fn is_incoming(message_type: Option<&Value>) -> bool {
    match message_type {
        Some(Value::String(kind)) => kind == "incoming",
        other => id(other) == Some(0),
    }
}

fn contact_updated(data: &Value, account_id: i64) -> Option<HostEvent> {
    Some(HostEvent::ContactUpdated {
        account_id,
        contact_id: id(data.get("id"))?,
    })
}

fn contact_merged(data: &Value, account_id: i64) -> Option<HostEvent> {
    Some(HostEvent::ContactMerged {
        account_id,
        contact_id: id(data.get("id"))?,
    })
}

fn contact_changed(data: &Value, account_id: i64) -> Option<HostEvent> {
    Some(HostEvent::ContactChanged {
        account_id,
        conversation_id: id(data.get("id"))?,
        contact_id: id(data.pointer("/meta/sender/id"))
            .or_else(|| id(data.pointer("/contact_inbox/contact_id"))),
    })
}

fn status_changed(data: &Value, account_id: i64) -> Option<HostEvent> {
    Some(HostEvent::StatusChanged {
        account_id,
        conversation_id: id(data.get("id"))?,
        status: data.get("status")?.as_str()?.to_owned(),
    })
}

/// An id written as a JSON integer or as a string of digits.
fn id(value: Option<&Value>) -> Option<i64> {
    match value? {
        Value::Number(number) => number.as_i64(),
        Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A `message.created` broadcast as Chatwoot sends it for an incoming WhatsApp message.
    fn incoming_message() -> Value {
        serde_json::from_str(
            r#"{"event":"message.created","data":{
                "id":4012,"content":"Order #1001: fish \u0026 chips \u003e 2","account_id":1,
                "inbox_id":3,"conversation_id":57,"message_type":0,"created_at":1717171717,
                "updated_at":"2024-05-31T16:08:37.123Z","private":false,"status":"sent",
                "source_id":"wamid.HBgL","content_type":"text","content_attributes":{},
                "sender_type":"Contact","sender_id":88,"external_source_ids":{},
                "additional_attributes":{},"processed_message_content":"Order #1001",
                "sentiment":{},
                "conversation":{"assignee_id":5,"unread_count":1,"last_activity_at":1717171717,
                    "contact_inbox":{"source_id":"5511999990000"}},
                "sender":{"additional_attributes":{},"custom_attributes":{},"email":null,"id":88,
                    "identifier":null,"name":"Ana","phone_number":"+5511999990000",
                    "thumbnail":"","type":"contact"}}}"#,
        )
        .unwrap()
    }

    #[test]
    fn message_created_from_a_contact_unescapes_text() {
        assert_eq!(
            parse_event(&incoming_message()),
            Some(HostEvent::MessageCreated {
                account_id: 1,
                conversation_id: 57,
                contact_id: Some(88),
                text: "Order #1001: fish & chips > 2".into(),
                from_contact: true,
                private: false,
            })
        );
    }

    #[test]
    fn message_created_by_an_agent_as_a_private_note() {
        let message = json!({"event": "message.created", "data": {
            "id": 4013, "content": "Refund sent", "account_id": 1, "conversation_id": 57,
            "message_type": 1, "private": true, "sender_type": "User", "sender_id": 5,
            "conversation": {"assignee_id": 5, "contact_inbox": {"source_id": "x"}},
            "sender": {"id": 5, "name": "Bea", "available_name": "Bea", "type": "user",
                       "avatar_url": "", "availability_status": "online", "thumbnail": ""}}});
        assert_eq!(
            parse_event(&message),
            Some(HostEvent::MessageCreated {
                account_id: 1,
                conversation_id: 57,
                contact_id: None,
                text: "Refund sent".into(),
                from_contact: false,
                private: true,
            })
        );
    }

    #[test]
    fn message_created_tolerates_old_and_forked_shapes() {
        // Old Chatwoot: `contact_id` column, no `sender` for contacts; ids as strings in forks.
        let old = json!({"event": "message.created", "data": {
            "content": null, "account_id": "1", "conversation_id": "57", "message_type": 0,
            "contact_id": 88}});
        assert_eq!(
            parse_event(&old),
            Some(HostEvent::MessageCreated {
                account_id: 1,
                conversation_id: 57,
                contact_id: Some(88),
                text: String::new(),
                from_contact: true,
                private: false,
            })
        );
        let forked = json!({"event": "message.created", "data": {
            "content": "hi", "account_id": 1, "conversation_id": 57, "message_type": 2,
            "conversation": {"contact_inbox": {"contact_id": 90}}}});
        let Some(HostEvent::MessageCreated {
            contact_id,
            from_contact,
            ..
        }) = parse_event(&forked)
        else {
            panic!("not parsed");
        };
        assert_eq!((contact_id, from_contact), (Some(90), false));
    }

    #[test]
    fn contact_updated_and_merged_carry_the_contact_id() {
        let contact = json!({"additional_attributes": {"company_name": "Acme"},
            "custom_attributes": {}, "email": "ana@example.com", "id": 88,
            "identifier": "cus_1", "name": "Ana", "phone_number": "+5511999990000",
            "thumbnail": "", "type": "contact", "account_id": 1});
        assert_eq!(
            parse_event(&json!({"event": "contact.updated", "data": contact})),
            Some(HostEvent::ContactUpdated {
                account_id: 1,
                contact_id: 88
            })
        );
        assert_eq!(
            parse_event(&json!({"event": "contact.merged", "data": contact})),
            Some(HostEvent::ContactMerged {
                account_id: 1,
                contact_id: 88
            })
        );
    }

    /// `Conversations::EventDataPresenter#push_data` (trimmed) plus the listener's `account_id`.
    fn conversation(status: &str, contact_id: i64) -> Value {
        json!({"additional_attributes": {}, "can_reply": true, "channel": "Channel::Whatsapp",
            "contact_inbox": {"id": 301, "contact_id": contact_id, "inbox_id": 3,
                              "source_id": "5511999990000", "hmac_verified": false,
                              "pubsub_token": "secret"},
            "id": 57, "inbox_id": 3, "messages": [], "labels": ["vip"],
            "meta": {"sender": {"id": contact_id, "name": "Ana", "type": "contact"},
                     "assignee": null, "team": null, "hmac_verified": false},
            "status": status, "custom_attributes": {}, "snoozed_until": null,
            "unread_count": 0, "agent_last_seen_at": 0, "timestamp": 1717171717,
            "account_id": 1})
    }

    #[test]
    fn status_changed_uses_the_display_id() {
        assert_eq!(
            parse_event(
                &json!({"event": "conversation.status_changed", "data": conversation("resolved", 88)})
            ),
            Some(HostEvent::StatusChanged {
                account_id: 1,
                conversation_id: 57,
                status: "resolved".into()
            })
        );
    }

    #[test]
    fn contact_changed_names_the_new_contact() {
        assert_eq!(
            parse_event(
                &json!({"event": "conversation.contact_changed", "data": conversation("open", 91)})
            ),
            Some(HostEvent::ContactChanged {
                account_id: 1,
                conversation_id: 57,
                contact_id: Some(91)
            })
        );
        let mut data = conversation("open", 91);
        data["meta"] = json!({});
        assert_eq!(
            parse_event(&json!({"event": "conversation.contact_changed", "data": data})),
            Some(HostEvent::ContactChanged {
                account_id: 1,
                conversation_id: 57,
                contact_id: Some(91)
            })
        );
    }

    #[test]
    fn other_events_are_ignored() {
        for name in [
            "presence.update",
            "conversation.typing_on",
            "message.updated",
            "conversation.created",
            "notification.created",
        ] {
            assert_eq!(
                parse_event(&json!({"event": name, "data": conversation("open", 88)})),
                None
            );
        }
    }

    #[test]
    fn malformed_messages_are_none_not_panics() {
        let cases = [
            json!(null),
            json!("message.created"),
            json!([]),
            json!({}),
            json!({"event": 5, "data": {}}),
            json!({"event": "message.created"}),
            json!({"event": "message.created", "data": "{}"}),
            json!({"event": "message.created", "data": {"conversation_id": 1}}),
            json!({"event": "message.created", "data": {"account_id": 1}}),
            json!({"event": "message.created", "data": {"account_id": 1.5, "conversation_id": 1}}),
            json!({"event": "contact.updated", "data": {"account_id": 1, "id": null}}),
            json!({"event": "contact.merged", "data": {"account_id": 1, "id": "abc"}}),
            json!({"event": "conversation.status_changed", "data": {"account_id": 1, "id": 5}}),
            json!({"event": "conversation.status_changed",
                   "data": {"account_id": 1, "id": 5, "status": 1}}),
            json!({"event": "conversation.contact_changed", "data": {"account_id": 1}}),
        ];
        for case in cases {
            assert_eq!(parse_event(&case), None, "{case}");
        }
    }
}
