-- What the server checked, said exactly: the agent (Lime Connect's signed token, or the
-- helpdesk's API) and the contact (only the helpdesk's API). `verified` keeps its meaning for
-- readers of old rows and now says "both"; rows written before this migration only knew one
-- flag, so they are copied into both.
alter table audit_events
    add column agent_verified boolean not null default false,
    add column contact_verified boolean not null default false;
update audit_events set agent_verified = verified, contact_verified = verified;
