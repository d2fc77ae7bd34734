-- Open panels keep up with the store: any change to a customer's orders, items or shipments
-- (by Orderpane or anything else: another service, a SQL console) notifies the channel
-- `orderpane_customer_changed` with the customer's id. Every Orderpane server LISTENs, so all
-- of them behind a load balancer hear it. Postgres folds identical notifications of one
-- transaction into one, so a bulk update costs one message per customer.

-- For tables that carry customer_id themselves.
create function orderpane_notify_customer() returns trigger language plpgsql as $$
begin
    if tg_op <> 'INSERT' then
        perform pg_notify('orderpane_customer_changed', old.customer_id::text);
    end if;
    if tg_op <> 'DELETE' then
        perform pg_notify('orderpane_customer_changed', new.customer_id::text);
    end if;
    return null;
end
$$;

-- For tables that belong to an order: the customer is the order's.
create function orderpane_notify_order_customer() returns trigger language plpgsql as $$
declare
    changed_order bigint;
begin
    foreach changed_order in array array_remove(array[
        case when tg_op <> 'INSERT' then old.order_id end,
        case when tg_op <> 'DELETE' then new.order_id end
    ], null) loop
        perform pg_notify('orderpane_customer_changed', customer_id::text)
        from orders where id = changed_order;
    end loop;
    return null;
end
$$;

create trigger orders_notify after insert or update or delete on orders
    for each row execute function orderpane_notify_customer();
create trigger customer_identities_notify after insert or update or delete on customer_identities
    for each row execute function orderpane_notify_customer();
create trigger order_items_notify after insert or update or delete on order_items
    for each row execute function orderpane_notify_order_customer();
create trigger shipments_notify after insert or update or delete on shipments
    for each row execute function orderpane_notify_order_customer();

-- A customer's own row: its id is the customer id.
create function orderpane_notify_customer_row() returns trigger language plpgsql as $$
begin
    perform pg_notify('orderpane_customer_changed',
        case when tg_op = 'DELETE' then old.id else new.id end::text);
    return null;
end
$$;
create trigger customers_notify after update or delete on customers
    for each row execute function orderpane_notify_customer_row();
