//! Customer search and contact links: when no customer matches a contact (or the wrong one
//! does), the agent searches the store by email, phone, name, customer, order or invoice
//! number, and links the customer they pick to the helpdesk contact.
//!
//! The link is kept in Postgres (`contact_links`, one per install and contact), so every
//! later lookup of that contact finds the customer first (`MatchBasis::Linked`). On
//! Chatwoot-family installs with the helpdesk API configured it is also written to the
//! contact's custom attribute (`customer_field`), so the helpdesk itself knows it; a failed
//! write is reported, never fatal. Lime Connect has no server API: there the link stays in
//! Orderpane.
//!
//! The server functions behind it; their types are in [`crate::model::search`].

use leptos::prelude::*;
use server_fn::codec::Json;

use crate::model::error::PanelError;
use crate::model::panel::AgentContext;
use crate::model::search::{LinkOutcome, UnlinkOutcome};
use crate::model::wire::Text;

/// Finds store customers by what the agent typed: email, phone, name, customer, order or
/// invoice number; answers with the results as HTML, rendered by the server as the search box
/// shows them (as it renders the panel). At most `MAX_RESULTS`; each lookup uses an index.
/// Audited as `customer.search`.
#[server(prefix = "/api", endpoint = "customers/search", input = Json)]
pub async fn search_customers(context: AgentContext, query: String) -> Result<Text, PanelError> {
    Ok(Text(
        crate::server::customers::search_view(&context, &query).await?,
    ))
}

/// Links customer `customer_id` to the contact (replacing any earlier link), and writes its
/// reference to the helpdesk contact where the install allows. Audited as `customer.link`.
#[server(prefix = "/api", endpoint = "customers/link", input = Json)]
pub async fn link_customer(
    context: AgentContext,
    customer_id: i64,
) -> Result<LinkOutcome, PanelError> {
    Ok(crate::server::customers::link(&context, customer_id).await?)
}

/// Removes the contact's link to customer `customer_id` (a wrong link can be undone), and
/// clears the helpdesk contact's attribute when it still names that customer. Audited as
/// `customer.unlink`.
#[server(prefix = "/api", endpoint = "customers/unlink", input = Json)]
pub async fn unlink_customer(
    context: AgentContext,
    customer_id: i64,
) -> Result<UnlinkOutcome, PanelError> {
    Ok(crate::server::customers::unlink(&context, customer_id).await?)
}
