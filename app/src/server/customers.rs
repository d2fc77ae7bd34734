//! Customer search, and linking a store customer to a helpdesk contact with the link
//! written back to the helpdesk's contact where the install allows.

use super::asker::{verified_context, vouched_agent, Asker};
use super::audit::record;
use super::context::{authorize, Database};
use super::db::customers::{self as sql, HelpdeskContact};
use super::error::ServerResult;
use super::search_terms::SearchTerms;
use super::trust::Session;
use crate::model::error::PanelError;
use crate::model::panel::AgentContext;
use crate::model::search::{
    checked_query, LinkOutcome, SearchResults, UnlinkOutcome, WriteBack, DEFAULT_CUSTOMER_FIELD,
    MAX_CONTACT_ID_CHARS,
};

/// Finds store customers by what the agent typed (see [`SearchTerms`] for how it is read),
/// audited as `customer.search`.
#[tracing::instrument(skip_all)]
pub async fn search(context: &AgentContext, query: &str) -> ServerResult<SearchResults> {
    let (session, db) = authorize(&context.session)?;
    let query = checked_query(query).map_err(PanelError::BadRequest)?;
    // A search does not depend on the contact, so the helpdesk is not asked.
    let asker = vouched_agent(&session, context)?;
    let terms = SearchTerms::read(query, session.install.phone_region.as_deref());
    let results = sql::search(&db.pool, &db.store, &terms).await?;
    let found = results.hits.iter().map(|hit| hit.id).collect();
    let event = asker.audit_event(&session, "customer.search", found).await;
    record(&db.pool, &event).await?;
    Ok(results)
}

/// [`search`], rendered as HTML as the search box shows it.
pub async fn search_view(context: &AgentContext, query: &str) -> ServerResult<String> {
    let results = search(context, query).await?;
    let render = super::context::panel_renderer()?;
    let text = checked_query(query).unwrap_or(query);
    Ok((render.search)(text, &results))
}

/// Links customer `customer_id` to the contact (replacing any earlier link) and writes its
/// reference to the helpdesk contact where the install allows; audited as `customer.link`.
#[tracing::instrument(skip_all)]
pub async fn link(context: &AgentContext, customer_id: i64) -> ServerResult<LinkOutcome> {
    let (session, db, asker, contact_id) = linking(context).await?;
    let contact = HelpdeskContact {
        install: &session.install.name,
        contact_id: &contact_id,
    };
    let agent = asker.agent.as_ref();
    let event = asker
        .audit_event(&session, "customer.link", vec![customer_id])
        .await;
    let Some(customer) =
        sql::link(&db.pool, &db.store, contact, customer_id, agent, &event).await?
    else {
        return Err(PanelError::BadRequest(
            "That customer is no longer in the store. Search again.".into(),
        )
        .into());
    };
    let write_back = write_back(&session, &contact_id, &customer.reference).await;
    Ok(LinkOutcome {
        customer,
        write_back,
    })
}

/// Removes the contact's link to customer `customer_id`, and clears the helpdesk contact's
/// attribute when it still names that customer; audited as `customer.unlink`.
#[tracing::instrument(skip_all)]
pub async fn unlink(context: &AgentContext, customer_id: i64) -> ServerResult<UnlinkOutcome> {
    let (session, db, asker, contact_id) = linking(context).await?;
    let contact = HelpdeskContact {
        install: &session.install.name,
        contact_id: &contact_id,
    };
    let event = asker
        .audit_event(&session, "customer.unlink", vec![customer_id])
        .await;
    let reference = sql::unlink(&db.pool, &db.store, contact, customer_id, &event).await?;
    let write_back = match &reference {
        Some(reference) => clear_write_back(&session, &contact_id, reference).await,
        None => WriteBack::NotAvailable,
    };
    Ok(UnlinkOutcome {
        unlinked: reference.is_some(),
        write_back,
    })
}

/// What every link and unlink starts with: the session, who asks (checked as for the
/// panel's lookup: [`verified_context`]) and the contact it is for. With the helpdesk API
/// that is the conversation's contact as the helpdesk knows it (the browser's word would
/// let a page link any contact); else as the host reported it.
async fn linking(context: &AgentContext) -> ServerResult<(Session, Database, Asker, String)> {
    let (session, db) = authorize(&context.session)?;
    let asker = verified_context(&session, context).await?;
    let contact_id = asker
        .contact_id
        .as_deref()
        .map(str::trim)
        .filter(|id| !id.is_empty() && id.chars().count() <= MAX_CONTACT_ID_CHARS)
        .map(str::to_owned);
    match contact_id {
        Some(contact_id) => Ok((session, db, asker, contact_id)),
        None => Err(PanelError::BadRequest(
            "The helpdesk has not said which contact this is, so nothing can be linked to it. \
             Refresh, then try again."
                .into(),
        )
        .into()),
    }
}

/// The custom attribute a link is written to on this install.
fn customer_field(session: &Session) -> String {
    session
        .install
        .customer_field
        .clone()
        .unwrap_or_else(|| DEFAULT_CUSTOMER_FIELD.to_owned())
}

/// Writes `reference` to the contact's customer attribute on a Chatwoot-family helpdesk
/// with the API configured. A failure is logged and reported, never fatal: the link stands.
async fn write_back(session: &Session, contact_id: &str, reference: &str) -> WriteBack {
    let Some(api) = session.install.host_api() else {
        return WriteBack::NotAvailable;
    };
    let field = customer_field(session);
    match api
        .set_contact_attribute(contact_id, &field, Some(reference))
        .await
    {
        Ok(()) => WriteBack::Written { field },
        Err(error) => {
            tracing::warn!(install = %session.install.name, %error, "the link could not be written to the helpdesk contact");
            WriteBack::Failed { field }
        }
    }
}

/// Clears the contact's customer attribute when it still names `reference` (another value
/// was set by someone else since, and is left alone).
async fn clear_write_back(session: &Session, contact_id: &str, reference: &str) -> WriteBack {
    let Some(api) = session.install.host_api() else {
        return WriteBack::NotAvailable;
    };
    let field = customer_field(session);
    let cleared = match api.contact_attribute(contact_id, &field).await {
        Ok(Some(value)) if value == reference => {
            api.set_contact_attribute(contact_id, &field, None).await
        }
        Ok(_) => return WriteBack::LeftAlone { field },
        Err(error) => Err(error),
    };
    match cleared {
        Ok(()) => WriteBack::Written { field },
        Err(error) => {
            tracing::warn!(install = %session.install.name, %error, "the unlink could not be written to the helpdesk contact");
            WriteBack::Failed { field }
        }
    }
}
