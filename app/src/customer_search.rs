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
//! Types here are plain data shared by both builds; the function bodies run on the server.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use server_fn::codec::Json;

pub use crate::api::AgentContext;
use crate::api::{CustomerMatch, PanelError};

#[cfg(feature = "ssr")]
mod store;
#[cfg(feature = "ssr")]
mod terms;

#[cfg(feature = "ssr")]
pub use store::search;
#[cfg(feature = "ssr")]
pub use terms::SearchTerms;

/// The shortest search, in characters (one letter would list half the store).
pub const MIN_QUERY_CHARS: usize = 2;
/// The longest search, in characters.
pub const MAX_QUERY_CHARS: usize = 100;
/// The most customers one search returns.
pub const MAX_RESULTS: usize = 20;
/// The contact custom attribute a link is written to when the install names none.
pub const DEFAULT_CUSTOMER_FIELD: &str = "orderpane_customer";
/// The longest helpdesk contact id kept (the column's limit too).
pub const MAX_CONTACT_ID_CHARS: usize = 200;

/// A helpdesk contact as links name it: the install whose helpdesk it belongs to, and that
/// helpdesk's id for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HelpdeskContact<'a> {
    /// The install's name.
    pub install: &'a str,
    /// The helpdesk's contact id.
    pub contact_id: &'a str,
}

/// What a search result matched on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum SearchBasis {
    /// The store's customer number, exactly.
    Reference,
    /// One of the customer's order numbers, exactly.
    OrderNumber,
    /// One of the customer's invoice numbers, exactly.
    InvoiceNumber,
    /// One of the customer's email addresses, exactly.
    Email,
    /// One of the customer's phone numbers (read as E.164 with the install's region).
    Phone,
    /// One of the customer's email addresses starts with the search.
    EmailPrefix,
    /// The customer's name contains the search (case-insensitively).
    Name,
}

impl SearchBasis {
    /// The words shown to the agent before the matched value.
    pub fn label(self) -> &'static str {
        match self {
            SearchBasis::Reference => "customer number",
            SearchBasis::OrderNumber => "order",
            SearchBasis::InvoiceNumber => "invoice",
            SearchBasis::Email | SearchBasis::EmailPrefix => "email",
            SearchBasis::Phone => "phone",
            SearchBasis::Name => "name",
        }
    }
}

/// One customer a search found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchHit {
    /// The customer's database id (what a link names).
    pub id: i64,
    /// The store's own customer number.
    pub reference: String,
    /// The customer's name.
    pub name: String,
    /// The strongest thing that matched.
    pub basis: SearchBasis,
    /// The value that matched (the email, order number, …), to show the agent why.
    pub matched: String,
}

/// What a search found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchResults {
    /// At most [`MAX_RESULTS`] customers, strongest match first, then by name.
    pub hits: Vec<SearchHit>,
    /// True when there were more: the agent should type more to narrow it down.
    pub more: bool,
}

/// Whether the link reached the helpdesk's own contact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum WriteBack {
    /// This host or install has no helpdesk API to write to (Lime Connect, or no API token):
    /// the link is kept in Orderpane only.
    NotAvailable,
    /// The contact's custom attribute `field` now says it (or, after unlinking, no longer).
    Written {
        /// The custom attribute's key.
        field: String,
    },
    /// Unlinking left the custom attribute alone: it did not name that customer (any more).
    LeftAlone {
        /// The custom attribute's key.
        field: String,
    },
    /// The helpdesk refused or did not answer; the link in Orderpane stands.
    Failed {
        /// The custom attribute's key.
        field: String,
    },
}

impl WriteBack {
    /// A line for the agent when something did not reach the helpdesk, else `None`.
    pub fn problem(&self) -> Option<String> {
        match self {
            WriteBack::Failed { field } => Some(format!(
                "The helpdesk did not accept the change to the contact's \"{field}\" attribute, \
                 so only Orderpane knows it. It still works here; an admin can set the attribute \
                 by hand."
            )),
            _ => None,
        }
    }
}

/// What linking did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkOutcome {
    /// The customer now linked to the contact (basis `Linked`).
    pub customer: CustomerMatch,
    /// Whether the helpdesk's contact says so too.
    pub write_back: WriteBack,
}

/// What unlinking did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnlinkOutcome {
    /// False when the contact was not linked to that customer (already undone elsewhere).
    pub unlinked: bool,
    /// Whether the helpdesk's contact was cleared too.
    pub write_back: WriteBack,
}

/// The search as it will run, or the reason it cannot, in words for the agent.
pub fn checked_query(query: &str) -> Result<&str, String> {
    let query = query.trim();
    let chars = query.chars().count();
    if chars < MIN_QUERY_CHARS {
        return Err(format!(
            "Type at least {MIN_QUERY_CHARS} characters: an email, phone, name, customer, order or invoice number."
        ));
    }
    if chars > MAX_QUERY_CHARS {
        return Err(format!(
            "A search can be at most {MAX_QUERY_CHARS} characters long."
        ));
    }
    if query.chars().any(char::is_control) {
        return Err("The search contains control characters; type it again.".into());
    }
    Ok(query)
}

/// Finds store customers by what the agent typed (see [`SearchTerms`] for how it is read).
/// At most [`MAX_RESULTS`]; each lookup uses an index. Audited as `customer.search`.
#[server(prefix = "/api", endpoint = "customers/search", input = Json)]
pub async fn search_customers(
    context: AgentContext,
    query: String,
) -> Result<SearchResults, PanelError> {
    use crate::api::server::{authorize, fail, record, vouched_agent};

    let (session, pool) = authorize(&context.session)?;
    let query = match checked_query(&query) {
        Ok(query) => query,
        Err(problem) => return fail(PanelError::BadRequest(problem)),
    };
    // A search does not depend on the contact, so the helpdesk is not asked.
    let asker = vouched_agent(&session, &context)?;
    let terms = SearchTerms::read(query, session.install.phone_region.as_deref());
    let results = match store::search(&pool, &terms).await {
        Ok(results) => results,
        Err(error) => {
            tracing::error!(%error, "customer search failed");
            return fail(PanelError::DatabaseUnavailable);
        }
    };
    let found = results.hits.iter().map(|hit| hit.id).collect();
    let event = asker.audit_event(&session, "customer.search", found).await;
    record(&pool, &event).await?;
    Ok(results)
}

/// Links customer `customer_id` to the contact (replacing any earlier link), and writes its
/// reference to the helpdesk contact where the install allows. Audited as `customer.link`.
#[server(prefix = "/api", endpoint = "customers/link", input = Json)]
pub async fn link_customer(
    context: AgentContext,
    customer_id: i64,
) -> Result<LinkOutcome, PanelError> {
    use crate::api::server::fail;

    let (session, pool, asker, contact_id) = store::linking(&context).await?;
    let contact = HelpdeskContact {
        install: &session.install.name,
        contact_id: &contact_id,
    };
    let agent = asker.agent.as_ref();
    let event = asker
        .audit_event(&session, "customer.link", vec![customer_id])
        .await;
    let customer = match store::link(&pool, contact, customer_id, agent, &event).await {
        Ok(Some(customer)) => customer,
        Ok(None) => {
            return fail(PanelError::BadRequest(
                "That customer is no longer in the store. Search again.".into(),
            ))
        }
        Err(error) => {
            tracing::error!(%error, "linking a customer failed");
            return fail(PanelError::DatabaseUnavailable);
        }
    };
    let write_back = store::write_back(&session, &contact_id, &customer.reference).await;
    Ok(LinkOutcome {
        customer,
        write_back,
    })
}

/// Removes the contact's link to customer `customer_id` (a wrong link can be undone), and
/// clears the helpdesk contact's attribute when it still names that customer. Audited as
/// `customer.unlink`.
#[server(prefix = "/api", endpoint = "customers/unlink", input = Json)]
pub async fn unlink_customer(
    context: AgentContext,
    customer_id: i64,
) -> Result<UnlinkOutcome, PanelError> {
    use crate::api::server::fail;

    let (session, pool, asker, contact_id) = store::linking(&context).await?;
    let contact = HelpdeskContact {
        install: &session.install.name,
        contact_id: &contact_id,
    };
    let event = asker
        .audit_event(&session, "customer.unlink", vec![customer_id])
        .await;
    let reference = match store::unlink(&pool, contact, customer_id, &event).await {
        Ok(reference) => reference,
        Err(error) => {
            tracing::error!(%error, "unlinking a customer failed");
            return fail(PanelError::DatabaseUnavailable);
        }
    };
    let write_back = match &reference {
        Some(reference) => store::clear_write_back(&session, &contact_id, reference).await,
        None => WriteBack::NotAvailable,
    };
    Ok(UnlinkOutcome {
        unlinked: reference.is_some(),
        write_back,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_are_trimmed_and_bounded() {
        assert_eq!(checked_query("  jane  "), Ok("jane"));
        assert_eq!(checked_query("ab"), Ok("ab"));
        assert!(checked_query(" a ").unwrap_err().contains("at least 2"));
        assert!(checked_query("").is_err());
        let longest = "é".repeat(MAX_QUERY_CHARS);
        assert_eq!(checked_query(&longest), Ok(longest.as_str()));
        let too_long = "x".repeat(MAX_QUERY_CHARS + 1);
        assert!(checked_query(&too_long)
            .unwrap_err()
            .contains("at most 100"));
        assert!(checked_query("ja\u{0}ne").is_err());
    }

    #[test]
    fn only_a_failed_write_back_is_a_problem() {
        let field = || "store_customer_id".to_string();
        assert!(WriteBack::Failed { field: field() }
            .problem()
            .is_some_and(|text| text.contains("store_customer_id")));
        for fine in [
            WriteBack::NotAvailable,
            WriteBack::Written { field: field() },
            WriteBack::LeftAlone { field: field() },
        ] {
            assert_eq!(fine.problem(), None);
        }
    }
}
