-- Orderpane's own state, in its own schema `orderpane`: who looked at what (the audit log)
-- and which helpdesk contact an agent linked to which store customer. Nothing here is the
-- store's: the store is read through the contract relations in the store schema (see
-- docs/store-contract.md). The server runs these migrations with `search_path` set to
-- `orderpane` alone, so sqlx's own bookkeeping table lands here too.

-- Who looked at what: one row per lookup or action, written before the answer is sent.
create table audit_events (
    id                bigint generated always as identity primary key,
    at                timestamptz not null default now(),
    install           text not null,
    session_id        text not null,
    -- As the host reported them; the *_verified columns say what the server checked itself:
    -- the agent (Lime Connect's signed token, or the helpdesk's API) and the contact (only
    -- the helpdesk's API). `verified` says "both".
    agent_id          text,
    agent_name        text,
    conversation_id   text,
    verified          boolean not null default false,
    agent_verified    boolean not null default false,
    contact_verified  boolean not null default false,
    action            text not null,
    -- The store's customer ids (contract `customers.id`) the event concerns.
    customer_ids      bigint[] not null default '{}',
    remote_addr       text,
    created_at        timestamptz not null default now(),
    updated_at        timestamptz not null default now()
);
create index audit_events_at on audit_events (at desc);
create index audit_events_install_at on audit_events (install, at desc);

-- Agents link a helpdesk contact to a store customer when no key of the contact finds them
-- (search, then "Link to this contact"). The link is Orderpane's own record, per install: a
-- contact id means nothing outside its helpdesk. Later lookups of that contact find the
-- customer by it first.
--
-- `customer_id` names a customer of the store contract. It has no foreign key: the store's
-- customers may be a view over the shop's own tables (a mapped store). A link whose customer
-- is gone finds nothing and is ignored by lookups; the agent can link again.
create table contact_links (
    id                    bigint generated always as identity primary key,
    -- The install's name (installs file), whose helpdesk the contact id belongs to.
    install               text not null,
    -- The helpdesk's contact id, as text (Chatwoot: a number; Lime Connect: a string).
    contact_id            text not null check (char_length(contact_id) between 1 and 200),
    customer_id           bigint not null,
    -- Who made the link, as the host reported (or, when verified, confirmed) them.
    linked_by_agent_id    text,
    linked_by_agent_name  text,
    created_at            timestamptz not null default now(),
    updated_at            timestamptz not null default now(),
    -- One customer per contact: the unique index is also the lookup by contact.
    unique (install, contact_id)
);
create index contact_links_customer_id on contact_links (customer_id);

-- Open panels of that contact hear of a new, changed or removed link and reload. The payload
-- names the install and the contact (JSON, since a contact id may hold any character).
create function notify_contact_link() returns trigger language plpgsql as $$
begin
    if tg_op <> 'INSERT' then
        perform pg_notify('orderpane_contact_link_changed',
            json_build_object('install', old.install, 'contact', old.contact_id)::text);
    end if;
    if tg_op <> 'DELETE' then
        perform pg_notify('orderpane_contact_link_changed',
            json_build_object('install', new.install, 'contact', new.contact_id)::text);
    end if;
    return null;
end
$$;
create trigger contact_links_notify after insert or update or delete on contact_links
    for each row execute function notify_contact_link();
