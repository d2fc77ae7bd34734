-- What an order contains and how it travels: line items and shipments with tracking.

create table order_items (
    id               bigint generated always as identity primary key,
    order_id         bigint not null references orders (id) on delete cascade,
    sku              text not null,
    name             text not null,
    quantity         integer not null check (quantity > 0),
    -- In the order's currency, integer minor units.
    unit_price_minor bigint not null,
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now()
);
-- The panel reads an order's items by order.
create index order_items_order_id on order_items (order_id, id);

create table shipments (
    id               bigint generated always as identity primary key,
    order_id         bigint not null references orders (id) on delete cascade,
    carrier          text not null,
    tracking_number  text not null,
    -- Where the customer follows the parcel; null when the carrier has no tracking page.
    tracking_url     text,
    shipped_at       timestamptz not null,
    delivered_at     timestamptz,
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now()
);
create index shipments_order_id on shipments (order_id, shipped_at);
