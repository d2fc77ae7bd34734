-- Agents link a helpdesk contact to a store customer when no key of the contact finds them
-- (search, then "Link to this contact"). The link is Orderpane's own record, per install: a
-- contact id means nothing outside its helpdesk. Later lookups of that contact find the
-- customer by it first. Also: the indexes the agent's customer search reads.

create table contact_links (
    id              bigint generated always as identity primary key,
    -- The install's name (installs file), whose helpdesk the contact id belongs to.
    install         text not null,
    -- The helpdesk's contact id, as text (Chatwoot: a number; Lime Connect: a string).
    contact_id      text not null check (char_length(contact_id) between 1 and 200),
    customer_id     bigint not null references customers (id) on delete cascade,
    -- Who made the link, as the host reported (or, when verified, confirmed) them.
    linked_by_agent_id    text,
    linked_by_agent_name  text,
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    -- One customer per contact: the unique index is also the lookup by contact.
    unique (install, contact_id)
);
-- A deleted customer takes their links along (on delete cascade) without a table scan.
create index contact_links_customer_id on contact_links (customer_id);

-- Open panels of that contact hear of a new, changed or removed link and reload. The payload
-- names the install and the contact (JSON, since a contact id may hold any character).
create function orderpane_notify_contact_link() returns trigger language plpgsql as $$
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
    for each row execute function orderpane_notify_contact_link();

-- Search by email prefix ("jane" finds jane@example.com): a byte-wise (text_pattern_ops)
-- index serves range and LIKE 'prefix%' lookups whatever the database's collation.
-- Identities keep emails lower-cased already.
create index customer_identities_email_prefix on customer_identities (value text_pattern_ops)
    where kind = 'email';

-- Search by name, case-insensitively, anywhere in it ("doe" finds "Jane Doe"): a trigram
-- index on the lower-cased name serves LIKE '%text%'. pg_trgm ships with Postgres (contrib)
-- and is a trusted extension since Postgres 13: the database's owner may create it.
create extension if not exists pg_trgm;
create index customers_name_trigram on customers using gin (lower(name) gin_trgm_ops);
