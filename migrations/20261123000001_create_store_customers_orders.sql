-- The store, its customers, the identities they are found by, and their orders.
-- Money is integer minor units plus an ISO 4217 code; every table has created_at/updated_at.

create table stores (
    id          bigint generated always as identity primary key,
    name        text not null,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now()
);

create table customers (
    id          bigint generated always as identity primary key,
    store_id    bigint not null references stores (id),
    -- The store's own customer number, shown to agents.
    reference   text not null,
    name        text not null,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now(),
    unique (store_id, reference)
);

-- A customer can have several emails, phones and external ids. Values are stored normalised
-- (lower-cased email, E.164 phone) so that a lookup is one index probe.
create table customer_identities (
    id          bigint generated always as identity primary key,
    customer_id bigint not null references customers (id) on delete cascade,
    kind        text not null check (kind in ('email', 'phone', 'external_id')),
    value       text not null,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now(),
    unique (kind, value, customer_id)
);
create index customer_identities_customer_id on customer_identities (customer_id);

create table orders (
    id           bigint generated always as identity primary key,
    store_id     bigint not null references stores (id),
    customer_id  bigint not null references customers (id),
    number       text not null,
    status       text not null check (status in ('pending', 'processing', 'shipped', 'delivered', 'cancelled', 'refunded')),
    currency     char(3) not null,
    total_minor  bigint not null,
    placed_at    timestamptz not null,
    created_at   timestamptz not null default now(),
    updated_at   timestamptz not null default now(),
    unique (store_id, number)
);
-- The panel lists a customer's orders newest first.
create index orders_customer_id_placed_at on orders (customer_id, placed_at desc, id desc);
