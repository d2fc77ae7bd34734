//! Audit rows as server functions write them: who (as checked), in which session, from
//! which address, did what to which customers.

use orderpane::host::Agent;
use sqlx::PgExecutor;

use super::client_addr::TrustedProxies;
use super::db::audit::{self, AuditEvent};
use super::error::ServerResult;
use super::trust::Session;
use crate::model::panel::Verified;

/// Who an audit row names, and what of it the server checked.
#[derive(Debug, Clone, Copy)]
pub struct Audited<'a> {
    /// The agent.
    pub agent: Option<&'a Agent>,
    /// The conversation.
    pub conversation_id: Option<&'a str>,
    /// What was verified.
    pub verified: Verified,
}

/// The audit row for `action` on `customer_ids` in this session.
pub async fn audit_event<'a>(
    session: &'a Session,
    who: Audited<'a>,
    action: &'a str,
    customer_ids: Vec<i64>,
) -> AuditEvent<'a> {
    AuditEvent {
        install: &session.install.name,
        session_id: &session.id,
        agent_id: who.agent.and_then(|a| a.id.as_deref()),
        agent_name: who.agent.and_then(|a| a.name.as_deref()),
        conversation_id: who.conversation_id,
        verified: who.verified,
        action,
        customer_ids,
        remote_addr: client_address().await,
    }
}

/// Writes `event`. No answer goes out without its audit row: if the log cannot be written,
/// the caller answers with the error instead.
pub async fn record(db: impl PgExecutor<'_>, event: &AuditEvent<'_>) -> ServerResult<()> {
    Ok(audit::record(db, event).await?)
}

/// The caller's address: the peer's, or behind a trusted reverse proxy the one it forwarded
/// (see [`TrustedProxies`]). `None` when the server was started without connection info.
pub async fn client_address() -> Option<String> {
    use axum::extract::ConnectInfo;
    use std::net::SocketAddr;

    let (ConnectInfo(peer), headers) =
        leptos_axum::extract::<(ConnectInfo<SocketAddr>, axum::http::HeaderMap)>()
            .await
            .ok()?;
    let proxies = leptos::prelude::use_context::<TrustedProxies>().unwrap_or_default();
    Some(proxies.client_ip(peer.ip(), &headers).to_string())
}
