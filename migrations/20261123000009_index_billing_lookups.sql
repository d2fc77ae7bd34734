-- What the panel reads about billing beyond a customer's newest rows.
--
-- A payment may name only the invoice it settles (a bank transfer quoting the invoice number,
-- a billing system that records payments per invoice). An order's payment state counts those
-- too, reached through the order's invoices: both hops need an index.
create index invoices_order_id on invoices (order_id) where order_id is not null;
create index payments_invoice_id on payments (invoice_id) where order_id is null;

-- The billing headings count a customer's overdue invoices and failed payments over their
-- whole history; these partial indexes hold just those rows.
create index invoices_open_customer_id_due_at on invoices (customer_id, due_at) where status = 'open';
create index payments_failed_customer_id on payments (customer_id) where status = 'failed';
