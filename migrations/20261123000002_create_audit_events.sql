-- Who looked at what: one row per lookup or action, written before the answer is sent.
create table audit_events (
    id               bigint generated always as identity primary key,
    at               timestamptz not null default now(),
    install          text not null,
    session_id       text not null,
    -- As the host reported them; "verified" says whether the server checked them itself.
    agent_id         text,
    agent_name       text,
    conversation_id  text,
    verified         boolean not null default false,
    action           text not null,
    customer_ids     bigint[] not null default '{}',
    remote_addr      text,
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now()
);
create index audit_events_at on audit_events (at desc);
create index audit_events_install_at on audit_events (install, at desc);
