//! The checks and plumbing every server function shares: the session, who is asking (as
//! the helpdesk or the host's token vouches), the audit row, and the HTTP status of an error.

use std::sync::Arc;

use leptos::prelude::*;
use leptos_axum::ResponseOptions;
use orderpane::host::{Agent, HostContext};
use server_fn::http_export::StatusCode;

use super::{AgentContext, Panel, PanelError, PanelRequest};
use crate::audit::{self, AuditEvent};
use crate::host_api::HostApiError;
use crate::page_session::SessionProof;
use crate::trust::{Session, Trust, TrustError};

/// Verifies the session (the one place every server function is checked) and hands out
/// the database pool.
pub(crate) fn authorize(proof: &SessionProof) -> Result<(Session, sqlx::PgPool), PanelError> {
    let (Some(trust), Some(pool)) = (use_context::<Arc<Trust>>(), use_context::<sqlx::PgPool>())
    else {
        tracing::error!("server function context lacks the trust registry or the pool");
        return fail(PanelError::DatabaseUnavailable);
    };
    match trust.authorize(&proof.install, &proof.token) {
        Ok(session) => Ok((session, pool)),
        Err(TrustError::TooManyRequests) => fail(PanelError::TooManyRequests),
        Err(error) => {
            tracing::info!(install = %proof.install, %error, "refused a server-function call");
            fail(PanelError::Unauthorized)
        }
    }
}

/// Who is asking, about which conversation and contact, as far as the server could check it.
#[derive(Debug, Clone)]
pub(crate) struct Asker {
    /// The agent: from Lime's signed token when the install has a JWT key, else as reported.
    pub agent: Option<Agent>,
    /// The conversation, as the page reported it (the helpdesk API checked it when set up).
    pub conversation_id: Option<String>,
    /// The helpdesk contact: from the helpdesk's API when configured, else as reported.
    pub contact_id: Option<String>,
    /// The conversation as the helpdesk's API returned it (contact and messages), when the
    /// install has the API configured.
    pub helpdesk: Option<HostContext>,
    /// True when the helpdesk's API or Lime's signed token vouched for the agent.
    pub verified: bool,
}

impl Asker {
    /// The audit row for `action` on `customer_ids` by this asker.
    pub(crate) async fn audit_event<'a>(
        &'a self,
        session: &'a Session,
        action: &'a str,
        customer_ids: Vec<i64>,
    ) -> AuditEvent<'a> {
        audit_event(
            session,
            self.agent.as_ref(),
            self.conversation_id.as_deref(),
            self.verified,
            action,
            customer_ids,
        )
        .await
    }
}

/// The agent as the server can vouch for it, without asking the helpdesk: on Lime Connect
/// with a JWT key, the operator the host's token names (a missing or bad token is refused);
/// elsewhere the page's word, unverified.
pub(crate) fn vouched_agent(
    session: &Session,
    context: &AgentContext,
) -> Result<Asker, PanelError> {
    let (agent, verified) = match session.install.host_jwt() {
        Some(checker) => match checker.verify(context.host_token.as_deref()) {
            Ok(operator) => (Some(operator), true),
            Err(error) => {
                tracing::info!(install = %session.install.name, %error, "refused a host token");
                return fail(PanelError::HostTokenInvalid);
            }
        },
        None => (context.agent.clone(), false),
    };
    Ok(Asker {
        agent,
        conversation_id: context.conversation_id.clone(),
        contact_id: context.contact_id.clone(),
        helpdesk: None,
        verified,
    })
}

/// [`vouched_agent`], then, with the helpdesk's API configured, the conversation as the
/// helpdesk knows it: the agent must be in the account, and the contact and messages are
/// the helpdesk's, not the browser's (which could otherwise name any contact or order).
/// The panel, links and unlinks all start here.
pub(crate) async fn verified_context(
    session: &Session,
    context: &AgentContext,
) -> Result<Asker, PanelError> {
    let mut asker = vouched_agent(session, context)?;
    let Some(api) = session.install.host_api() else {
        return Ok(asker);
    };
    let conversation = context.conversation_id.as_deref().unwrap_or_default();
    let agent_id = asker.agent.as_ref().and_then(|a| a.id.as_deref());
    match api.verify(conversation, agent_id).await {
        Ok(helpdesk) => {
            asker.contact_id = helpdesk.contact.id.clone();
            asker.helpdesk = Some(helpdesk);
            asker.verified = true;
            Ok(asker)
        }
        Err(HostApiError::NotInAccount) => {
            tracing::warn!(install = %session.install.name, conversation, "context refused by the helpdesk");
            fail(PanelError::NotInAccount)
        }
        Err(error) => {
            tracing::warn!(install = %session.install.name, %error, "helpdesk API unavailable");
            fail(PanelError::HostUnavailable)
        }
    }
}

/// The audit row for `action` on `customer_ids` in this session.
pub(crate) async fn audit_event<'a>(
    session: &'a Session,
    agent: Option<&'a Agent>,
    conversation_id: Option<&'a str>,
    verified: bool,
    action: &'a str,
    customer_ids: Vec<i64>,
) -> AuditEvent<'a> {
    AuditEvent {
        install: &session.install.name,
        session_id: &session.id,
        agent_id: agent.and_then(|a| a.id.as_deref()),
        agent_name: agent.and_then(|a| a.name.as_deref()),
        conversation_id,
        verified,
        action,
        customer_ids,
        remote_addr: remote_addr().await,
    }
}

/// Writes `event`. No answer goes out without its audit row: if the log cannot be written,
/// the caller answers with this error instead.
pub(crate) async fn record(pool: &sqlx::PgPool, event: &AuditEvent<'_>) -> Result<(), PanelError> {
    match audit::record(pool, event).await {
        Ok(()) => Ok(()),
        Err(error) => {
            tracing::error!(%error, "audit write failed");
            fail(PanelError::DatabaseUnavailable)
        }
    }
}

/// The panel for `request` in `session`: who asks is checked ([`verified_context`]), the
/// customers are looked up in one go, a push ticket is signed, and the lookup is audited as
/// `action`.
/// Both [`super::load_panel`] and [`super::early_panel`] answer with it.
pub(crate) async fn panel_for(
    session: &Session,
    pool: &sqlx::PgPool,
    request: &PanelRequest,
    action: &str,
) -> Result<Panel, PanelError> {
    use crate::{customer_search::HelpdeskContact, queries};

    if let Err(problem) = request.validate() {
        return fail(PanelError::BadRequest(problem));
    }
    let asker = verified_context(session, &request.context).await?;
    // With the helpdesk's API, the keys and the mentioned orders are the helpdesk's too:
    // the browser's word would open any customer or order.
    let (keys, mentioned) = match &asker.helpdesk {
        Some(helpdesk) => (
            helpdesk
                .contact
                .lookup_keys(session.install.customer_field.as_deref()),
            super::first_mentions(orderpane::references::mentioned_numbers(
                &helpdesk.transcript,
            )),
        ),
        None => (request.keys.clone(), request.mentioned.clone()),
    };
    let keys = crate::phone::with_default_region(keys, session.install.phone_region.as_deref());
    if keys.is_empty() {
        return fail(PanelError::NoContactKeys);
    }
    // The customer an agent linked to this contact (customer search) is found by its id.
    let linked_to = asker
        .contact_id
        .as_deref()
        .map(|contact_id| HelpdeskContact {
            install: &session.install.name,
            contact_id,
        });
    let chosen = request.chosen.as_deref();
    let lookup = queries::panel(pool, &keys, linked_to, chosen, &mentioned);
    let mut panel = match lookup.await {
        Ok(panel) => panel,
        Err(error) => {
            tracing::error!(%error, "panel lookup failed");
            return fail(PanelError::DatabaseUnavailable);
        }
    };
    panel.verified = asker.verified;
    panel.live = live_ticket(session, &panel, &asker);
    let shown = panel.matches.iter().map(|m| m.id);
    let customers = shown.chain(panel.mentioned.iter().map(|m| m.customer_id));
    let event = asker
        .audit_event(session, action, customers.collect())
        .await;
    record(pool, &event).await?;
    Ok(panel)
}

/// The push ticket for a panel: its customers, its conversation and contact. `None` (no
/// live updates, the panel still works) if it cannot be signed.
pub(super) fn live_ticket(
    session: &Session,
    panel: &super::Panel,
    asker: &Asker,
) -> Option<crate::live::LiveTicket> {
    let mut customers: Vec<i64> = panel
        .matches
        .iter()
        .map(|m| m.id)
        .chain(panel.mentioned.iter().map(|m| m.customer_id))
        .collect();
    customers.sort_unstable();
    customers.dedup();
    let watching = crate::live::Watch {
        customers,
        conversation: asker.conversation_id.clone(),
        contact: asker.contact_id.clone(),
        shown: panel.customer.as_ref().map(|c| c.id),
        // Who to audit later calls on this ticket as; no more (the ticket travels in a URL).
        agent: asker.agent.as_ref().map(|agent| Agent {
            id: agent.id.clone(),
            name: agent.name.clone(),
            ..Agent::default()
        }),
        verified: asker.verified,
    };
    let trust = use_context::<Arc<Trust>>()?;
    let ticket = trust.watch_ticket(session, watching.clone()).ok()?;
    Some(crate::live::LiveTicket { ticket, watching })
}

/// What `ticket` grants when it is this session's and its panel shows `customer`: the
/// only customer whose history a page may go on reading (not the other matches, nor the
/// owners of orders a conversation mentions).
pub(super) fn ticket_showing(
    session: &Session,
    ticket: &str,
    customer: i64,
) -> Option<crate::live::Watch> {
    let trust = use_context::<Arc<Trust>>()?;
    match trust.session_watch(session, ticket) {
        Ok(watch) if watch.shown == Some(customer) => Some(watch),
        Ok(_) => None,
        Err(error) => {
            tracing::info!(install = %session.install.name, %error, "refused a panel ticket");
            None
        }
    }
}

/// Answers with `error` and the HTTP status that fits it (the typed error is the body).
pub(crate) fn fail<T>(error: PanelError) -> Result<T, PanelError> {
    let status = match &error {
        PanelError::NoContactKeys | PanelError::BadRequest(_) => StatusCode::BAD_REQUEST,
        PanelError::Unauthorized | PanelError::HostTokenInvalid => StatusCode::UNAUTHORIZED,
        PanelError::NotInAccount => StatusCode::FORBIDDEN,
        PanelError::HostUnavailable => StatusCode::BAD_GATEWAY,
        PanelError::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
        PanelError::DatabaseUnavailable | PanelError::Transport(_) => {
            StatusCode::SERVICE_UNAVAILABLE
        }
    };
    set_status(status);
    Err(error)
}

/// Sets the status of the response being built; false outside a request.
pub(super) fn set_status(status: StatusCode) -> bool {
    use_context::<ResponseOptions>()
        .map(|response| response.set_status(status))
        .is_some()
}

/// The caller's address, when the server was started with connection info.
async fn remote_addr() -> Option<String> {
    leptos_axum::extract::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .await
        .ok()
        .map(|info| info.0.ip().to_string())
}
