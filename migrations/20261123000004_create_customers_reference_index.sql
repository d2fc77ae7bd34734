-- A contact's customer-id custom field holds the store's customer reference: look it up by
-- reference alone (the unique key leads with store_id, so it cannot serve that).
create index customers_reference on customers (reference);
