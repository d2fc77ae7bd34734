//! The audit log: every lookup and action, who made it and from where.

use sqlx::PgExecutor;

use crate::model::verified::Verified;

/// One audited event.
#[derive(Debug, Clone, Default)]
pub struct AuditEvent<'a> {
    /// The install the session belongs to.
    pub install: &'a str,
    /// The session's random id.
    pub session_id: &'a str,
    /// The agent's id as the host reported it.
    pub agent_id: Option<&'a str>,
    /// The agent's name as the host reported it.
    pub agent_name: Option<&'a str>,
    /// The conversation's id as the host reported it.
    pub conversation_id: Option<&'a str>,
    /// What the server checked itself: the agent, the contact.
    pub verified: Verified,
    /// What happened, e.g. `panel.lookup`.
    pub action: &'a str,
    /// The customers whose data was shown or changed.
    pub customer_ids: Vec<i64>,
    /// The caller's network address.
    pub remote_addr: Option<String>,
}

/// Writes one event.
#[tracing::instrument(skip_all)]
pub async fn record(db: impl PgExecutor<'_>, event: &AuditEvent<'_>) -> sqlx::Result<()> {
    sqlx::query!(
        r#"
        insert into orderpane.audit_events
            (install, session_id, agent_id, agent_name, conversation_id, verified,
             agent_verified, contact_verified, action, customer_ids, remote_addr)
        values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
        "#,
        event.install,
        event.session_id,
        event.agent_id,
        event.agent_name,
        event.conversation_id,
        event.verified.fully(),
        event.verified.agent,
        event.verified.contact,
        event.action,
        &event.customer_ids,
        event.remote_addr,
    )
    .execute(db)
    .await?;
    Ok(())
}

/// One row of the audit log as an admin reads it.
#[derive(Debug, Clone)]
pub struct AuditRow {
    /// When, as `YYYY-MM-DD HH:MM:SS` UTC.
    pub at: String,
    /// The install.
    pub install: String,
    /// The agent, as `id name`.
    pub agent: String,
    /// The conversation id.
    pub conversation_id: Option<String>,
    /// Whether both the agent and the contact were checked.
    pub verified: bool,
    /// Whether the agent was checked (Lime's token or the helpdesk's API).
    pub agent_verified: bool,
    /// Whether the contact was checked (the helpdesk's API).
    pub contact_verified: bool,
    /// What happened.
    pub action: String,
    /// The customers involved.
    pub customer_ids: Vec<i64>,
    /// From where.
    pub remote_addr: Option<String>,
}

/// The newest events, newest first, optionally of one install.
#[tracing::instrument(skip_all)]
pub async fn newest(
    db: impl PgExecutor<'_>,
    install: Option<&str>,
    limit: i64,
) -> sqlx::Result<Vec<AuditRow>> {
    let rows = sqlx::query!(
        r#"
        select to_char(at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS') as "at!",
               install, agent_id, agent_name, conversation_id, verified, agent_verified,
               contact_verified, action, customer_ids, remote_addr
          from orderpane.audit_events
         where $1::text is null or install = $1
         order by at desc, id desc
         limit $2
        "#,
        install,
        limit,
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| AuditRow {
            at: row.at,
            install: row.install,
            agent: [row.agent_id, row.agent_name]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" "),
            conversation_id: row.conversation_id,
            verified: row.verified,
            agent_verified: row.agent_verified,
            contact_verified: row.contact_verified,
            action: row.action,
            customer_ids: row.customer_ids,
            remote_addr: row.remote_addr,
        })
        .collect())
}
