-- Billing: what the customer was asked to pay (invoices), what they paid or tried to
-- (payments), what came back (refunds), and what renews (subscriptions). Money is integer minor
-- units plus an ISO 4217 code. Every row names its customer, so a panel reads each kind with
-- one index probe, and its trigger can notify that customer's open panels.

-- Where an order goes; shown with its details. Null for digital goods.
alter table orders add column shipping_address text;

create table invoices (
    id                 bigint generated always as identity primary key,
    store_id           bigint not null references stores (id),
    customer_id        bigint not null references customers (id),
    -- Null for an invoice that belongs to no order (a subscription period, a fee).
    order_id           bigint references orders (id),
    number             text not null,
    status             text not null check (status in ('draft', 'open', 'paid', 'void', 'uncollectible')),
    currency           char(3) not null,
    amount_due_minor   bigint not null check (amount_due_minor >= 0),
    amount_paid_minor  bigint not null default 0 check (amount_paid_minor >= 0),
    issued_at          timestamptz not null,
    due_at             timestamptz,
    -- The PDF the customer received, where the billing system keeps one.
    pdf_url            text,
    created_at         timestamptz not null default now(),
    updated_at         timestamptz not null default now(),
    unique (store_id, number)
);
create index invoices_customer_id_issued_at on invoices (customer_id, issued_at desc, id desc);
-- Invoice numbers mentioned in a conversation are looked up by number alone.
create index invoices_number on invoices (number);

create table payments (
    id              bigint generated always as identity primary key,
    customer_id     bigint not null references customers (id),
    order_id        bigint references orders (id),
    invoice_id      bigint references invoices (id),
    currency        char(3) not null,
    amount_minor    bigint not null check (amount_minor >= 0),
    -- card, paypal, bank_transfer, klarna, … as the payment provider names it.
    method          text not null,
    card_brand      text,
    card_last4      char(4),
    status          text not null check (status in ('pending', 'succeeded', 'failed')),
    -- Why a failed payment failed, in the provider's words ("card declined: insufficient funds").
    failure_reason  text,
    attempted_at    timestamptz not null,
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now()
);
create index payments_customer_id_attempted_at on payments (customer_id, attempted_at desc, id desc);
-- An order's payment state is read from its payments and refunds.
create index payments_order_id on payments (order_id);

create table refunds (
    id           bigint generated always as identity primary key,
    customer_id  bigint not null references customers (id),
    order_id     bigint references orders (id),
    payment_id   bigint references payments (id),
    currency     char(3) not null,
    amount_minor bigint not null check (amount_minor > 0),
    reason       text not null,
    status       text not null check (status in ('pending', 'succeeded', 'failed')),
    refunded_at  timestamptz not null,
    created_at   timestamptz not null default now(),
    updated_at   timestamptz not null default now()
);
create index refunds_customer_id_refunded_at on refunds (customer_id, refunded_at desc, id desc);
create index refunds_order_id on refunds (order_id);

create table subscriptions (
    id                  bigint generated always as identity primary key,
    customer_id         bigint not null references customers (id),
    plan                text not null,
    status              text not null check (status in ('trialing', 'active', 'past_due', 'paused', 'cancelled')),
    currency            char(3) not null,
    amount_minor        bigint not null check (amount_minor >= 0),
    billing_interval    text not null check (billing_interval in ('week', 'month', 'year')),
    started_at          timestamptz not null,
    -- The next renewal while it runs.
    current_period_end  timestamptz,
    -- When it ends or ended: a cancellation at period end, or the day it was cancelled.
    cancel_at           timestamptz,
    created_at          timestamptz not null default now(),
    updated_at          timestamptz not null default now()
);
create index subscriptions_customer_id on subscriptions (customer_id, started_at desc, id desc);

-- Open panels hear of billing changes like order changes (see notify_customer_changes).
create trigger invoices_notify after insert or update or delete on invoices
    for each row execute function orderpane_notify_customer();
create trigger payments_notify after insert or update or delete on payments
    for each row execute function orderpane_notify_customer();
create trigger refunds_notify after insert or update or delete on refunds
    for each row execute function orderpane_notify_customer();
create trigger subscriptions_notify after insert or update or delete on subscriptions
    for each row execute function orderpane_notify_customer();
