//! The panel's types: what the page asks for, what the server assembles, and what it answers.
//!
//! The server renders the panel's HTML itself (`ui::panel::render`, on the server only), so the
//! browser receives a [`PanelView`]: that HTML and the few facts its interactive parts need.
//! The assembled [`Panel`] (orders, billing, summary…) never travels: the browser's wasm
//! neither deserializes nor renders it, which keeps the wasm every agent downloads small.

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

/// Everything the panel shows for one contact, as the server assembles it (and renders it:
/// it never travels to the browser).
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
    /// The agent's language (a BCP 47 tag such as `de-DE`): the server writes money and dates
    /// in its locale. `None`: the default locale.
    #[serde(default)]
    pub language: Option<String>,
}

/// What identifies a lookup (see [`PanelRequest::lookup_key`]).
#[derive(Serialize)]
struct LookupKey<'a> {
    agent: Option<&'a Agent>,
    conversation_id: Option<&'a str>,
    contact_id: Option<&'a str>,
    keys: &'a ContactKeys,
    chosen: Option<&'a str>,
    mentioned: &'a [String],
    language: Option<&'a str>,
}

/// The longest language tag a request may carry (BCP 47 tags in use are far shorter).
pub const MAX_LANGUAGE_LEN: usize = 35;

impl PanelRequest {
    /// The lookup the page makes for a context the host sent: its keys (with the install's
    /// customer field), agent, conversation, contact and the order numbers its messages
    /// mention; no choice yet; rendered in `language`. The browser builds its first request
    /// like this, and the server does for the early lookup (`api::panel::early_panel`), so the
    /// two can be compared.
    pub fn for_context(
        session: SessionProof,
        host: &orderpane::host::HostContext,
        customer_field: Option<&str>,
        language: Option<String>,
    ) -> Self {
        Self {
            context: AgentContext::new(session, Some(host), None),
            keys: host.contact.lookup_keys(customer_field),
            chosen: None,
            mentioned: first_mentions(orderpane::references::mentioned_numbers(&host.transcript)),
            language,
        }
    }

    /// What identifies the panel this asks for (the session token and Lime's JWT aside), as
    /// one string: two requests with the same key ask for the same panel. The early lookup's
    /// answer carries the key of the request the server read ([`PanelView::asked`]), so the
    /// page compares strings rather than reading the request back.
    pub fn lookup_key(&self) -> String {
        let key = LookupKey {
            agent: self.context.agent.as_ref(),
            conversation_id: self.context.conversation_id.as_deref(),
            contact_id: self.context.contact_id.as_deref(),
            keys: &self.keys,
            chosen: self.chosen.as_deref(),
            mentioned: &self.mentioned,
            language: self.language.as_deref(),
        };
        serde_json::to_string(&key).unwrap_or_default()
    }

    /// True when `other` asks for the same panel (the session token and Lime's JWT aside).
    pub fn same_lookup(&self, other: &PanelRequest) -> bool {
        self.lookup_key() == other.lookup_key()
    }

    /// Checks what the browser controls beyond the keys; the message is for the agent.
    pub fn validate(&self) -> Result<(), String> {
        use orderpane::references::{MAX_REFERENCES, MAX_REFERENCE_LEN};
        if !valid_language(self.language.as_deref()) {
            return Err("the agent's language is not a language tag".into());
        }
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

/// True for no language, or a short tag of letters, digits, `-` and `_` (what a browser or a
/// host names a locale with).
pub fn valid_language(language: Option<&str>) -> bool {
    language.is_none_or(|tag| {
        tag.len() <= MAX_LANGUAGE_LEN
            && tag
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    })
}

/// The order numbers a lookup sends: each once, in the order given, at most `MAX_REFERENCES`.
pub fn first_mentions(numbers: impl IntoIterator<Item = String>) -> Vec<String> {
    // A short list, so a scan rather than a hash set (which the browser's wasm would carry).
    let mut first = Vec::new();
    for number in numbers {
        if first.len() == orderpane::references::MAX_REFERENCES {
            break;
        }
        if !first.contains(&number) {
            first.push(number);
        }
    }
    first
}

/// The panel as the server answers a lookup: its HTML, rendered on the server in the agent's
/// locale by the page's own components, and the few facts the page's interactive parts need.
/// Read through a JSON value (see [`super::wire`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "serde_json::Value")]
pub struct PanelView {
    /// The panel's body as the page shows it (the page's toolbar and states are its own).
    pub html: String,
    /// The database id of the customer whose history the panel shows, if any (its orders can
    /// be paged through, see [`MoreOrdersRequest`]).
    #[serde(default)]
    pub customer_id: Option<i64>,
    /// Where the next page of that customer's orders starts, when there is one.
    #[serde(default)]
    pub more_orders: Option<String>,
    /// The ticket for this panel's push connection (live updates), and what it watches.
    #[serde(default)]
    pub live: Option<LiveTicket>,
    /// The early lookup only (`api::panel::early_panel`): the key of the request the server
    /// read from the host's message ([`PanelRequest::lookup_key`]). The page adopts the answer
    /// only when its own first request has the same key.
    #[serde(default)]
    pub asked: Option<String>,
}

/// How the server renders a panel for the agent who asked: plain data the server works out
/// from the request and the install, read by the panel's components on the server.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Presentation {
    /// The agent's language tag (empty: the default locale), for money and dates.
    pub language: String,
    /// True where the host takes text into the agent's reply itself (Lime Connect): orders
    /// offer "Insert into reply" and carry their summary in markdown too.
    pub inserts_into_reply: bool,
    /// True where the order being discussed is recorded in a conversation field (Lime Connect
    /// with the install's order field): orders offer "Mark as discussed".
    pub records_discussed: bool,
    /// The customer reference the agent chose among several matches, if they chose one.
    pub chosen: Option<String>,
}

/// What the panel asks for the next page of a customer's orders.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MoreOrdersRequest {
    /// The page's session.
    pub session: SessionProof,
    /// The panel's signed ticket ([`PanelView::live`]): it names the customers this panel
    /// shows, so a page can only page through a customer it was given.
    pub ticket: String,
    /// The customer whose orders to page through ([`PanelView::customer_id`]).
    pub customer_id: i64,
    /// Where the page starts: [`PanelView::more_orders`] or the previous page's `next`.
    pub after: String,
    /// How many pages at once, 1 to [`MAX_PAGES_AT_ONCE`]: more than one when a panel that a
    /// live change rebuilt opens again the pages the agent had open.
    #[serde(default = "one_page")]
    pub pages: u8,
    /// The agent's language, as in [`PanelRequest::language`].
    #[serde(default)]
    pub language: Option<String>,
}

/// The most pages of orders one call returns.
pub const MAX_PAGES_AT_ONCE: u8 = 10;

fn one_page() -> u8 {
    1
}

/// More pages of orders, rendered by the server as the panel's own rows are. Read through a
/// JSON value (see [`super::wire`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "serde_json::Value")]
pub struct OrdersPage {
    /// Up to [`ORDER_PAGE_SIZE`] orders a page, newest first: the order list's row groups
    /// (`<tbody class="order-group">`), to be added at the end of its table.
    pub html: String,
    /// Where the page after this one starts, when there is one.
    pub next: Option<String>,
}

impl TryFrom<serde_json::Value> for PanelView {
    type Error = super::wire::WireError;

    fn try_from(value: serde_json::Value) -> Result<Self, Self::Error> {
        use super::wire::{field, optional_number, optional_text, text};

        let live = match field(&value, "live")? {
            serde_json::Value::Null => None,
            live => Some(LiveTicket::try_from(live.clone())?),
        };
        Ok(Self {
            html: text(&value, "html")?,
            customer_id: optional_number(&value, "customer_id")?,
            more_orders: optional_text(&value, "more_orders")?,
            live,
            asked: optional_text(&value, "asked")?,
        })
    }
}

impl TryFrom<serde_json::Value> for OrdersPage {
    type Error = super::wire::WireError;

    fn try_from(value: serde_json::Value) -> Result<Self, Self::Error> {
        use super::wire::{optional_text, text};

        Ok(Self {
            html: text(&value, "html")?,
            next: optional_text(&value, "next")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use orderpane::host::{parse_message, HostEvent};

    #[test]
    fn answers_read_back_as_they_were_written() {
        let ticket = LiveTicket {
            ticket: "signed".into(),
            watching: super::super::live::Watch {
                customers: vec![3],
                ..Default::default()
            },
        };
        let full = PanelView {
            html: "<p>panel</p>".into(),
            customer_id: Some(3),
            more_orders: Some("2024-01-01|9".into()),
            live: Some(ticket),
            asked: Some("{}".into()),
        };
        let bare = PanelView {
            html: String::new(),
            customer_id: None,
            more_orders: None,
            live: None,
            asked: None,
        };
        for view in [full, bare] {
            let json = serde_json::to_string(&view).unwrap();
            assert_eq!(serde_json::from_str::<PanelView>(&json).unwrap(), view);
        }
        for page in [
            OrdersPage {
                html: "<tbody></tbody>".into(),
                next: Some("x".into()),
            },
            OrdersPage {
                html: String::new(),
                next: None,
            },
        ] {
            let json = serde_json::to_string(&page).unwrap();
            assert_eq!(serde_json::from_str::<OrdersPage>(&json).unwrap(), page);
        }
        // What the derived reader would refuse is refused.
        assert!(serde_json::from_str::<PanelView>(r#"{"customer_id":1}"#).is_err());
        assert!(serde_json::from_str::<PanelView>(r#"{"html":"x","customer_id":"1"}"#).is_err());
        assert!(serde_json::from_str::<PanelView>(r#"{"html":"x","live":{"ticket":1}}"#).is_err());
        assert!(serde_json::from_str::<OrdersPage>(r#"{"next":null}"#).is_err());
        assert!(serde_json::from_str::<OrdersPage>("[]").is_err());
    }

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
        let request = PanelRequest::for_context(proof("a"), &host, None, Some("de-DE".into()));
        assert_eq!(request.mentioned, ["1004", "INV-1010"]);
        assert_eq!(request.context.conversation_id.as_deref(), Some("101"));
        assert_eq!(request.context.contact_id.as_deref(), Some("55"));
        // Another token is the same lookup; another choice or contact is not.
        let same = PanelRequest::for_context(proof("b"), &host, None, Some("de-DE".into()));
        assert!(request.same_lookup(&same));
        let chosen = PanelRequest {
            chosen: Some("C-1004".into()),
            ..same.clone()
        };
        assert!(!request.same_lookup(&chosen));
        let mut elsewhere = same.clone();
        elsewhere.context.contact_id = Some("56".into());
        assert!(!request.same_lookup(&elsewhere));
        // Rendered in another locale, it is another panel.
        let english = PanelRequest {
            language: Some("en-US".into()),
            ..same
        };
        assert!(!request.same_lookup(&english));
    }

    #[test]
    fn a_language_is_a_short_tag() {
        assert!(valid_language(None));
        assert!(valid_language(Some("de-DE")));
        assert!(valid_language(Some("zh_Hant_TW")));
        assert!(!valid_language(Some("de\"><script>")));
        assert!(!valid_language(Some(&"a".repeat(MAX_LANGUAGE_LEN + 1))));
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
