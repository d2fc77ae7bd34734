//! The panel's wire types: what the page asks for and what the server answers.

use orderpane::{contact_keys::ContactKeys, host::Agent, money::Money};
use serde::{Deserialize, Serialize};

use super::live::LiveTicket;
use super::session::SessionProof;
pub use super::verified::Verified;

/// Why a customer was matched to the contact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MatchBasis {
    /// An agent linked this contact to the customer (see `crate::api::customers`). Ranks
    /// first: a person decided it.
    Linked,
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
            MatchBasis::Linked => "linked by an agent",
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
    /// How far it is paid: "paid", "partially refunded", "payment failed", …
    pub payment_state: String,
    /// How far it has travelled: "not shipped", "in transit", "delivered", "cancelled".
    pub fulfilment: String,
    /// Where it goes, when it goes somewhere.
    pub shipping_address: Option<String>,
    /// What was ordered.
    pub items: Vec<OrderItem>,
    /// How it travels, oldest shipment first.
    pub shipments: Vec<Shipment>,
    /// Money given back for it, oldest first.
    pub refunds: Vec<super::billing::Refund>,
}

impl OrderRow {
    /// The summary an agent inserts into a reply: the first tracking link, if any.
    pub fn summary(&self) -> orderpane::order_summary::OrderSummary {
        orderpane::order_summary::OrderSummary {
            number: self.number.clone(),
            status: self.status.clone(),
            placed_on: self.placed_on.clone(),
            items: self
                .items
                .iter()
                .map(|item| (i64::from(item.quantity), item.name.clone()))
                .collect(),
            total: self.total.display(),
            tracking_url: self.shipments.iter().find_map(|s| s.tracking_url.clone()),
        }
    }
}

/// An order named in the conversation, with whose it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MentionedOrder {
    /// The order.
    pub order: OrderRow,
    /// Its customer's database id.
    pub customer_id: i64,
    /// The store reference of its customer.
    pub customer_reference: String,
    /// Its customer's name.
    pub customer_name: String,
    /// True when it is not the customer the panel shows (or none is shown yet).
    pub other_customer: bool,
}

/// One line of an order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderItem {
    /// The store's stock-keeping unit.
    pub sku: String,
    /// The product name.
    pub name: String,
    /// How many.
    pub quantity: i32,
    /// The price of one, in the order's currency.
    pub unit_price: Money,
}

/// One parcel of an order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shipment {
    /// The carrier's name.
    pub carrier: String,
    /// The carrier's tracking number.
    pub tracking_number: String,
    /// The carrier's tracking page, when it has one.
    pub tracking_url: Option<String>,
    /// The day it left (UTC), as `YYYY-MM-DD`.
    pub shipped_on: String,
    /// The day it arrived, once it has.
    pub delivered_on: Option<String>,
}

/// Everything the panel shows for one contact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Panel {
    /// Every customer the contact's keys match (none, one, or several).
    pub matches: Vec<CustomerMatch>,
    /// The customer the panel shows: the only match, the one match by external id (a link an
    /// agent or the business made), or the one the agent chose. `None` while the agent
    /// still has to choose between several.
    pub customer: Option<CustomerMatch>,
    /// The totals an agent reads first about `customer`.
    pub summary: Option<super::billing::Summary>,
    /// The orders of `customer`, newest first, one page of [`ORDER_PAGE_SIZE`].
    pub orders: Vec<OrderRow>,
    /// Where the next page of orders starts, when there is one (see `api::panel::more_orders`).
    pub more_orders: Option<String>,
    /// The invoices, payments, refunds and subscriptions of `customer`.
    pub billing: super::billing::Billing,
    /// Orders the conversation mentions, newest mention first, whoever they belong to.
    #[serde(default)]
    pub mentioned: Vec<MentionedOrder>,
    /// What the server checked itself rather than taking the browser's word for it.
    pub verified: Verified,
    /// The ticket for this panel's push connection (live updates).
    #[serde(default)]
    pub live: Option<LiveTicket>,
}

/// How many orders the panel shows at once.
pub const ORDER_PAGE_SIZE: i64 = 20;

/// Who asks, in which conversation and about which contact, as the host reported it. The
/// server believes none of it unchecked: Lime's token names the agent when the install has a
/// JWT key, and with the helpdesk API configured the server asks the helpdesk instead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentContext {
    /// The page's session.
    pub session: SessionProof,
    /// The agent, as the host gave it (written to the audit log and to links).
    #[serde(default)]
    pub agent: Option<Agent>,
    /// The conversation id, as the host gave it (audit log; with the helpdesk API, where the
    /// contact and messages are read from).
    #[serde(default)]
    pub conversation_id: Option<String>,
    /// The helpdesk's contact id, as the host gave it (live updates, links).
    #[serde(default)]
    pub contact_id: Option<String>,
    /// Lime Connect: the JWT the host gave (`generate_jwt_token`), checked by the server.
    #[serde(default)]
    pub host_token: Option<String>,
}

impl AgentContext {
    /// What the page knows: its session, the host's latest context and Lime's token.
    pub fn new(
        session: SessionProof,
        host: Option<&orderpane::host::HostContext>,
        host_token: Option<String>,
    ) -> Self {
        Self {
            session,
            agent: host.and_then(|c| c.agent.clone()),
            conversation_id: host
                .and_then(|c| c.conversation.as_ref())
                .and_then(|c| c.id.clone()),
            contact_id: host.and_then(|c| c.contact.id.clone()),
            host_token,
        }
    }
}

/// What the panel asks the server for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PanelRequest {
    /// Who asks, about which conversation and contact (its fields sit at the top level of
    /// the JSON, beside these).
    #[serde(flatten)]
    pub context: AgentContext,
    /// The contact's keys, as the host gave them.
    pub keys: ContactKeys,
    /// The reference of the customer the agent chose among several matches. Honoured only
    /// when it is one of the matches, so it can never open another customer.
    #[serde(default)]
    pub chosen: Option<String>,
    /// Order numbers found in the conversation (see `orderpane::references`), at most
    /// `MAX_REFERENCES` of at most `MAX_REFERENCE_LEN` characters each.
    #[serde(default)]
    pub mentioned: Vec<String>,
}

impl PanelRequest {
    /// The lookup the page makes for a context the host sent: its keys (with the install's
    /// customer field), agent, conversation, contact and the order numbers its messages
    /// mention; no choice yet. The browser builds its first request like this, and the
    /// server does for the early lookup (`api::panel::early_panel`), so the two can be compared.
    pub fn for_context(
        session: SessionProof,
        host: &orderpane::host::HostContext,
        customer_field: Option<&str>,
    ) -> Self {
        Self {
            context: AgentContext::new(session, Some(host), None),
            keys: host.contact.lookup_keys(customer_field),
            chosen: None,
            mentioned: first_mentions(orderpane::references::mentioned_numbers(&host.transcript)),
        }
    }

    /// True when `other` asks for the same panel (the session token and Lime's JWT aside).
    pub fn same_lookup(&self, other: &PanelRequest) -> bool {
        let who = |r: &PanelRequest| {
            (
                r.context.agent.clone(),
                r.context.conversation_id.clone(),
                r.context.contact_id.clone(),
            )
        };
        self.keys == other.keys
            && self.chosen == other.chosen
            && self.mentioned == other.mentioned
            && who(self) == who(other)
    }

    /// Checks what the browser controls beyond the keys; the message is for the agent.
    pub fn validate(&self) -> Result<(), String> {
        use orderpane::references::{MAX_REFERENCES, MAX_REFERENCE_LEN};
        if self.mentioned.len() > MAX_REFERENCES {
            return Err(format!(
                "at most {MAX_REFERENCES} mentioned orders are looked up"
            ));
        }
        let national_phone = self.keys.phone_national.as_deref().unwrap_or_default();
        if national_phone.len() > orderpane::contact_keys::MAX_NATIONAL_PHONE_LEN {
            return Err("the contact's phone number is too long".into());
        }
        if self
            .mentioned
            .iter()
            .any(|n| n.is_empty() || n.chars().count() > MAX_REFERENCE_LEN)
        {
            return Err("a mentioned order number is empty or too long".into());
        }
        Ok(())
    }
}

/// The order numbers a lookup sends: each once, in the order given, at most `MAX_REFERENCES`.
pub fn first_mentions(numbers: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    numbers
        .into_iter()
        .filter(|n| seen.insert(n.clone()))
        .take(orderpane::references::MAX_REFERENCES)
        .collect()
}

/// The answer to the early lookup: the panel, and the request the server read from the
/// host's message, which the page compares with its own before adopting the panel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EarlyAnswer {
    /// What the server looked up (as [`PanelRequest::for_context`] reads the message).
    pub request: PanelRequest,
    /// The panel for it.
    pub panel: Panel,
    /// The panel as the page renders it, rendered by the server: the boot script shows it at
    /// once, before the wasm has started (which then renders the panel itself and takes its
    /// place). Empty when the server could not render it; the wasm never reads it.
    #[serde(default, skip_deserializing)]
    pub html: String,
}

/// What the panel asks for the next page of a customer's orders.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MoreOrdersRequest {
    /// The page's session.
    pub session: SessionProof,
    /// The panel's signed ticket ([`Panel::live`]): it names the customers this panel shows,
    /// so a page can only page through a customer it was given.
    pub ticket: String,
    /// The customer whose orders to page through.
    pub customer_id: i64,
    /// Where the page starts: [`Panel::more_orders`] or the previous page's `next`.
    pub after: String,
    /// How many pages at once, 1 to [`MAX_PAGES_AT_ONCE`]: more than one when a panel that a
    /// live change rebuilt opens again the pages the agent had open.
    #[serde(default = "one_page")]
    pub pages: u8,
}

/// The most pages of orders one call returns.
pub const MAX_PAGES_AT_ONCE: u8 = 10;

fn one_page() -> u8 {
    1
}

/// One more page of orders.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrdersPage {
    /// Up to [`ORDER_PAGE_SIZE`] orders a page, newest first.
    pub orders: Vec<OrderRow>,
    /// Where the page after this one starts, when there is one.
    pub next: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use orderpane::host::{parse_message, HostEvent};

    fn proof(token: &str) -> SessionProof {
        SessionProof {
            install: "demo".into(),
            token: token.into(),
        }
    }

    #[test]
    fn the_early_request_is_the_pages_first_request() {
        let message = r#"{"event":"appContext","data":{
            "contact":{"id":55,"email":" Jane@Example.com ","identifier":"C-1001"},
            "conversation":{"id":101,"messages":[
                {"content":"Where are orders 1004 and 1004 and INV-1010?","message_type":0}]},
            "currentAgent":{"id":7,"name":"Sam Agent"}}}"#;
        let Ok(HostEvent::AppContext(host)) = parse_message(message) else {
            panic!("an appContext");
        };
        let request = PanelRequest::for_context(proof("a"), &host, None);
        assert_eq!(request.mentioned, ["1004", "INV-1010"]);
        assert_eq!(request.context.conversation_id.as_deref(), Some("101"));
        assert_eq!(request.context.contact_id.as_deref(), Some("55"));
        // Another token is the same lookup; another choice or contact is not.
        let same = PanelRequest::for_context(proof("b"), &host, None);
        assert!(request.same_lookup(&same));
        let chosen = PanelRequest {
            chosen: Some("C-1004".into()),
            ..same.clone()
        };
        assert!(!request.same_lookup(&chosen));
        let mut elsewhere = same;
        elsewhere.context.contact_id = Some("56".into());
        assert!(!request.same_lookup(&elsewhere));
    }

    #[test]
    fn mentions_are_sent_once_each_and_at_most_the_limit() {
        let many = (0..100).map(|n| format!("{}", 1000 + n % 40));
        let sent = first_mentions(many);
        assert_eq!(sent.len(), orderpane::references::MAX_REFERENCES.min(40));
        assert_eq!(sent[0], "1000");
        assert_eq!(sent[1], "1001");
    }
}
