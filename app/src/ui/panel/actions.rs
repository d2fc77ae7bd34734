//! What an agent can do from the panel, on whichever host it is in: put an order's summary
//! into the reply, record the order being discussed, confirm which customer a contact is,
//! and be told how that went (a Lime Connect toast, or a line in the panel elsewhere).

// The actions are taken in the browser; the server's build only renders the page, so much of
// this is unused there.
#![cfg_attr(not(feature = "hydrate"), allow(dead_code))]

use leptos::prelude::*;
use orderpane::{
    host::HostKind,
    host_actions::{LimeAction, TextFormat, ToastStatus},
};

use crate::ui::bridge::{clipboard, host::HostBridge};

/// A summary the agent copied (Chatwoot family), shown under its order so that it can be
/// copied by hand when the browser refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Copied {
    /// The summary text.
    pub text: String,
    /// Whether the browser copied it.
    pub ok: bool,
}

/// An order's summary as the server wrote it into the order's details, in each format the
/// reply may take.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyText {
    /// The order it summarises.
    pub number: String,
    /// Plain text.
    pub plain: String,
    /// Markdown, where the host may take it (Lime Connect).
    pub markdown: Option<String>,
}

/// The panel's actions, shared with its parts through context.
#[derive(Debug, Clone, Copy)]
pub struct PanelActions {
    bridge: HostBridge,
    /// The customer reference the agent chose among several matches.
    pub chosen: RwSignal<Option<String>>,
    /// The order number whose details are open.
    pub selected: RwSignal<Option<String>>,
    /// The latest confirmation or problem, for hosts without toasts.
    pub notice: RwSignal<Option<String>>,
    /// Asks the panel to look the contact up again.
    pub reload: Trigger,
    /// The page's session proof, its token renewed in place while the page stays open.
    pub proof: StoredValue<Option<crate::model::session::SessionProof>>,
    /// How many more pages of orders the agent opened, and for which customer: a panel
    /// rebuilt by a live update opens as many again, so the agent's place is kept.
    pub order_pages: StoredValue<Option<(i64, usize)>>,
}

impl PanelActions {
    /// Actions on `bridge`'s host, with nothing chosen or open yet.
    pub fn new(bridge: HostBridge) -> Self {
        Self {
            bridge,
            chosen: RwSignal::new(None),
            selected: RwSignal::new(None),
            notice: RwSignal::new(None),
            reload: Trigger::new(),
            proof: StoredValue::new(None),
            order_pages: StoredValue::new(None),
        }
    }

    fn host(&self) -> Option<HostKind> {
        self.bridge.session.with(|s| s.as_ref().map(|s| s.host))
    }

    /// True in Lime Connect, which can write into the agent's reply box itself.
    fn inserts_into_reply(&self) -> bool {
        self.host() == Some(HostKind::Lime)
    }

    /// The language the server writes money and dates in for this agent: the host's agent
    /// locale when it sends one (Lime Connect), else the browser's language.
    pub fn language(&self) -> Option<String> {
        self.bridge
            .context
            .with(|c| c.as_ref()?.agent.as_ref()?.locale.clone())
            .or_else(browser_language)
    }

    /// The conversation custom field the discussed order is recorded in, when this host and
    /// install have one.
    pub fn order_field(&self) -> Option<String> {
        self.bridge
            .session
            .with(|s| s.as_ref().and_then(|s| s.order_field.clone()))
            .filter(|_| self.inserts_into_reply())
    }

    /// The order the conversation says is being discussed (Lime conversation custom field).
    pub fn discussed(&self) -> Option<String> {
        let field = self.order_field()?;
        self.bridge.context.with(|c| {
            c.as_ref()?
                .conversation
                .as_ref()?
                .custom_fields
                .get(&field)
                .cloned()
        })
    }

    /// Tells the agent how something went: a Lime Connect toast, or the panel's notice line.
    pub fn tell(&self, status: ToastStatus, message: String) {
        let toast = LimeAction::Toast {
            status,
            message: message.clone(),
        };
        if !self.bridge.send_lime(toast) {
            self.notice.set(Some(message));
        }
    }

    /// Puts an order's summary into the reply: Lime Connect's chat input in the operator's
    /// format, or the clipboard elsewhere. Returns what was copied (for the page to show, so
    /// that the agent can copy it by hand when the browser refused), `None` on Lime Connect.
    pub fn reply_with(&self, reply: ReplyText) -> Option<Copied> {
        if self.inserts_into_reply() {
            let format = self.bridge.context.with_untracked(|c| {
                c.as_ref()
                    .map(|c| TextFormat::of_operator(&c.transcript))
                    .unwrap_or(TextFormat::Plain)
            });
            let message = match (format, reply.markdown) {
                (TextFormat::Markdown, Some(markdown)) => markdown,
                _ => reply.plain,
            };
            self.bridge
                .send_lime(LimeAction::ReplaceChatInput { format, message });
            self.tell(
                ToastStatus::Success,
                format!("Order {} is in your reply.", reply.number),
            );
            return None;
        }
        let ok = clipboard::copy(&reply.plain);
        Some(Copied {
            text: reply.plain,
            ok,
        })
    }

    /// Records `number` as the order this conversation is about (Lime conversation field).
    pub fn mark_discussed(&self, number: &str) {
        let Some(field) = self.order_field() else {
            return;
        };
        self.bridge.send_lime(LimeAction::UpdateConversationField {
            field,
            value: number.to_owned(),
        });
        self.tell(
            ToastStatus::Success,
            format!("Order {number} is recorded on this conversation."),
        );
    }

    /// The agent confirms which customer this contact is: the panel shows them, and on Lime
    /// Connect the customer reference is written to the contact's configured custom field
    /// (so the next lookup finds them by it, in any conversation with this contact).
    pub fn choose(&self, reference: String) {
        let written = self.write_customer_field(&reference);
        let message = if written {
            format!("This contact is now linked to customer {reference}.")
        } else {
            format!("Showing customer {reference} for this conversation.")
        };
        self.chosen.set(Some(reference));
        self.tell(ToastStatus::Success, message);
    }

    /// Lime Connect: writes `reference` into the contact's configured customer field (the host
    /// keeps it, so every conversation with this contact finds the customer by it). False on
    /// other hosts (the server writes Chatwoot's back) or without a configured field.
    pub fn write_customer_field(&self, reference: &str) -> bool {
        let field = self
            .bridge
            .session
            .with_untracked(|s| s.as_ref().and_then(|s| s.customer_field.clone()));
        field.is_some_and(|field| {
            self.bridge.send_lime(LimeAction::UpdateContactField {
                field,
                value: reference.to_owned(),
            })
        })
    }

    /// Chatwoot family: asks the host for the context again; then the panel looks up again.
    pub fn refresh(&self) {
        self.notice.set(None);
        self.bridge.fetch_info();
    }
}

/// The browser's preferred language; `None` on the server (which never looks up).
fn browser_language() -> Option<String> {
    #[cfg(feature = "hydrate")]
    {
        leptos::prelude::window().navigator().language()
    }
    #[cfg(not(feature = "hydrate"))]
    None
}
