-- Order numbers mentioned in a conversation are looked up by number alone (the unique key
-- leads with store_id, so it cannot serve that).
create index orders_number on orders (number);
