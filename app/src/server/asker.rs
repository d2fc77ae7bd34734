//! Who is asking, about which conversation and contact, as far as the server could check it:
//! Lime Connect's signed token for the agent, the helpdesk's REST API for the agent, the
//! contact and the messages; else the page's word, marked unverified.

use orderpane::host::{Agent, HostContext};

use super::audit::{audit_event, Audited};
use super::db::audit::AuditEvent;
use super::error::ServerResult;
use super::helpdesk::api::HostApiError;
use super::trust::Session;
use crate::model::error::PanelError;
use crate::model::panel::{AgentContext, Verified};

/// Who is asking, about which conversation and contact, as far as the server could check it.
#[derive(Debug, Clone)]
pub struct Asker {
    /// The agent: from Lime's signed token when the install has a JWT key, from the page
    /// otherwise (checked against the account when the helpdesk API is set up).
    pub agent: Option<Agent>,
    /// The conversation, as the page reported it (the helpdesk API checked it when set up).
    pub conversation_id: Option<String>,
    /// The helpdesk contact: from the helpdesk's API when configured, else as reported.
    pub contact_id: Option<String>,
    /// The conversation as the helpdesk's API returned it (contact and messages), when the
    /// install has the API configured.
    pub helpdesk: Option<HostContext>,
    /// What of the above the server checked itself.
    pub verified: Verified,
}

impl Asker {
    /// The audit row for `action` on `customer_ids` by this asker.
    pub async fn audit_event<'a>(
        &'a self,
        session: &'a Session,
        action: &'a str,
        customer_ids: Vec<i64>,
    ) -> AuditEvent<'a> {
        audit_event(
            session,
            Audited {
                agent: self.agent.as_ref(),
                conversation_id: self.conversation_id.as_deref(),
                verified: self.verified,
            },
            action,
            customer_ids,
        )
        .await
    }
}

/// The agent as the server can vouch for it, without asking the helpdesk: on Lime Connect
/// with a JWT key, the operator the host's token names (a missing or bad token is refused);
/// elsewhere the page's word, unverified. The contact is never verified here.
pub fn vouched_agent(session: &Session, context: &AgentContext) -> ServerResult<Asker> {
    let (agent, agent_verified) = match session.install.host_jwt() {
        Some(checker) => match checker.verify(context.host_token.as_deref()) {
            Ok(operator) => (Some(operator), true),
            Err(error) => {
                tracing::info!(install = %session.install.name, %error, "refused a host token");
                return Err(PanelError::HostTokenInvalid.into());
            }
        },
        None => (context.agent.clone(), false),
    };
    Ok(Asker {
        agent,
        conversation_id: context.conversation_id.clone(),
        contact_id: context.contact_id.clone(),
        helpdesk: None,
        verified: Verified {
            agent: agent_verified,
            contact: false,
        },
    })
}

/// [`vouched_agent`], then, with the helpdesk's API configured, the conversation as the
/// helpdesk knows it: the agent must be in the account, and the contact and messages are
/// the helpdesk's, not the browser's (which could otherwise name any contact or order).
/// The panel, links and unlinks all start here.
#[tracing::instrument(skip_all, fields(install = %session.install.name))]
pub async fn verified_context(session: &Session, context: &AgentContext) -> ServerResult<Asker> {
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
            asker.verified = Verified {
                agent: true,
                contact: true,
            };
            Ok(asker)
        }
        Err(HostApiError::NotInAccount) => {
            tracing::warn!(conversation, "context refused by the helpdesk");
            Err(PanelError::NotInAccount.into())
        }
        Err(error) => {
            tracing::warn!(%error, "helpdesk API unavailable");
            Err(PanelError::HostUnavailable.into())
        }
    }
}
