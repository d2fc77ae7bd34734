-- A payment may name only the invoice it settles (a bank transfer quoting the invoice number,
-- a billing system that records payments per invoice). An order's payment state counts those
-- too, reached through the order's invoices: both hops need an index.
create index invoices_order_id on invoices (order_id) where order_id is not null;
create index payments_invoice_id on payments (invoice_id) where order_id is null;
