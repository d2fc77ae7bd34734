-- The store contract (docs/store-contract.md) as views over the shop's own tables of
-- docs/examples/mapped-shop.sql, for ORDERPANE_STORE_MODE=mapped. Orderpane reads these views
-- live: no copy, no import. Three parts:
--   1. the views, in the store schema `orderpane_store` (ORDERPANE_STORE_SCHEMA);
--   2. the indexes on the shop's tables that the panel's lookups need, on the very
--      expressions the views compute (the planner only uses an index on `lower(btrim(email))`
--      for a lookup of `lower(btrim(email))`);
--   3. triggers on the shop's tables that announce changes, so open panels update live.
-- `server store check` says whether all three are right. Safe to run again after a change.

create schema if not exists orderpane_store;

-- Phones as the panel looks them up: E.164. The shop's national numbers are German. Declared
-- immutable so it can be indexed; strict so that the planner keeps it as a call, the same in
-- the view and in the index below.
create or replace function public.shop_phone_e164(phone text) returns text
language sql immutable strict parallel safe as $$
    select case
        when btrim(phone) = '' then null
        when btrim(phone) like '+%' then '+' || regexp_replace(phone, '[^0-9]', '', 'g')
        when btrim(phone) like '00%' then '+' || substr(regexp_replace(phone, '[^0-9]', '', 'g'), 3)
        else '+49' || ltrim(regexp_replace(phone, '[^0-9]', '', 'g'), '0')
    end
$$;

-- 1. The views. Every contract column, named and typed as the contract says: ids bigint,
-- money bigint minor units, instants timestamptz, the rest text.

-- The shop is one store.
create or replace view orderpane_store.stores as
select 1::bigint as id, 'Example Shop'::text as name;

-- The customer's reference (what agents see, and what a helpdesk's customer-id field holds)
-- is the shop's user id as text.
create or replace view orderpane_store.customers as
select u.id,
       1::bigint as store_id,
       u.id::text as reference,
       u.full_name as name,
       u.created_at
  from public.users u;

-- Emails trimmed and lower-cased, phones in E.164: the forms the panel looks up.
create or replace view orderpane_store.customer_identities as
select u.id as customer_id, 'email'::text as kind, lower(btrim(u.email)) as value
  from public.users u
 where btrim(u.email) <> ''
union all
select u.id, 'phone'::text, public.shop_phone_e164(u.phone)
  from public.users u
 where public.shop_phone_e164(u.phone) is not null;

-- The shop's states mapped to the contract's; money in cents.
create or replace view orderpane_store.orders as
select o.id,
       1::bigint as store_id,
       o.user_id as customer_id,
       o.order_no as number,
       case o.state
            when 'new' then 'pending'
            when 'paid' then 'processing'
            when 'packed' then 'processing'
            when 'sent' then 'shipped'
            when 'delivered' then 'delivered'
            when 'cancelled' then 'cancelled'
            when 'returned' then 'refunded'
            else 'pending'
       end as status,
       o.currency::text as currency,
       round(o.total * 100)::bigint as total_minor,
       o.created_at as placed_at,
       o.ship_to as shipping_address
  from public.orders o;

create or replace view orderpane_store.order_items as
select l.id,
       l.order_id,
       l.sku,
       l.title as name,
       l.qty as quantity,
       round(l.price * 100)::bigint as unit_price_minor
  from public.order_lines l;

create or replace view orderpane_store.payments as
select p.id,
       p.user_id as customer_id,
       p.order_id,
       null::bigint as invoice_id,
       p.currency::text as currency,
       round(p.amount * 100)::bigint as amount_minor,
       p.provider as method,
       null::text as card_brand,
       null::text as card_last4,
       case p.status
            when 'captured' then 'succeeded'
            when 'refunded' then 'succeeded'
            when 'declined' then 'failed'
            else 'pending'
       end as status,
       case when p.status = 'declined' then p.provider || ' declined the payment' end
           as failure_reason,
       p.created_at as attempted_at
  from public.payments p;

-- What the shop does not have: empty views with the contract's columns (the panel shows no
-- shipments, invoices, refunds or subscriptions). `where false` costs nothing to read.
create or replace view orderpane_store.shipments as
select null::bigint as id, null::bigint as order_id, null::text as carrier,
       null::text as tracking_number, null::text as tracking_url,
       null::timestamptz as shipped_at, null::timestamptz as delivered_at
 where false;

create or replace view orderpane_store.invoices as
select null::bigint as id, null::bigint as store_id, null::bigint as customer_id,
       null::bigint as order_id, null::text as number, null::text as status,
       null::text as currency, null::bigint as amount_due_minor,
       null::bigint as amount_paid_minor, null::timestamptz as issued_at,
       null::timestamptz as due_at, null::text as pdf_url
 where false;

create or replace view orderpane_store.refunds as
select null::bigint as id, null::bigint as customer_id, null::bigint as order_id,
       null::bigint as payment_id, null::text as currency, null::bigint as amount_minor,
       null::text as reason, null::text as status, null::timestamptz as refunded_at
 where false;

create or replace view orderpane_store.subscriptions as
select null::bigint as id, null::bigint as customer_id, null::text as plan,
       null::text as status, null::text as currency, null::bigint as amount_minor,
       null::text as billing_interval, null::timestamptz as started_at,
       null::timestamptz as current_period_end, null::timestamptz as cancel_at
 where false;

-- 2. The indexes the panel's lookups need, on the expressions the views compute.

-- A contact's email, exactly or by prefix in search (text_pattern_ops serves both `=` and
-- the prefix range, whatever the database's collation).
create index if not exists users_email_lookup
    on public.users (lower(btrim(email)) text_pattern_ops);
-- A contact's phone.
create index if not exists users_phone_lookup on public.users (public.shop_phone_e164(phone));
-- A customer reference (the helpdesk's customer-id field, search).
create index if not exists users_reference_lookup on public.users ((id::text));
-- Search by name, anywhere in it: a trigram index (pg_trgm ships with Postgres).
create extension if not exists pg_trgm;
create index if not exists users_name_search on public.users using gin (lower(full_name) gin_trgm_ops);
-- A customer's orders newest first, and their payments.
create index if not exists orders_user_id_created_at on public.orders (user_id, created_at desc, id desc);
create index if not exists payments_user_id_created_at on public.payments (user_id, created_at desc, id desc);
-- An order's lines and payments. (Orders by number: the shop's unique key on order_no.)
create index if not exists order_lines_order_id on public.order_lines (order_id, id);
create index if not exists payments_order_id on public.payments (order_id);

-- 3. Live updates: a change to a customer's rows announces the customer's id (the contract's
-- customer id: here the shop's user id) on the channel `orderpane_customer_changed`. Postgres
-- folds identical notifications of one transaction into one.

-- Rows that carry the user id.
create or replace function public.orderpane_notify_user() returns trigger language plpgsql as $$
begin
    if tg_op <> 'INSERT' then
        perform pg_notify('orderpane_customer_changed', old.user_id::text);
    end if;
    if tg_op <> 'DELETE' then
        perform pg_notify('orderpane_customer_changed', new.user_id::text);
    end if;
    return null;
end
$$;

-- The user's own row.
create or replace function public.orderpane_notify_user_row() returns trigger language plpgsql as $$
begin
    perform pg_notify('orderpane_customer_changed',
        case when tg_op = 'DELETE' then old.id else new.id end::text);
    return null;
end
$$;

-- Order lines: the customer is the order's.
create or replace function public.orderpane_notify_order_user() returns trigger language plpgsql as $$
begin
    perform pg_notify('orderpane_customer_changed', o.user_id::text)
       from public.orders o
      where o.id in (case when tg_op <> 'INSERT' then old.order_id end,
                     case when tg_op <> 'DELETE' then new.order_id end);
    return null;
end
$$;

create or replace trigger orderpane_notify after insert or update or delete on public.users
    for each row execute function public.orderpane_notify_user_row();
create or replace trigger orderpane_notify after insert or update or delete on public.orders
    for each row execute function public.orderpane_notify_user();
create or replace trigger orderpane_notify after insert or update or delete on public.order_lines
    for each row execute function public.orderpane_notify_order_user();
create or replace trigger orderpane_notify after insert or update or delete on public.payments
    for each row execute function public.orderpane_notify_user();

-- Orderpane's database role (here `orderpane`) reads the views; a view reads the shop's
-- tables with its owner's rights, so the role needs nothing on them:
--   grant usage on schema orderpane_store to orderpane;
--   grant select on all tables in schema orderpane_store to orderpane;
