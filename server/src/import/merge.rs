//! Writing a batch: COPY its rows into a temporary staging table, then merge them into the
//! store's table with one set-based `INSERT … SELECT … ON CONFLICT … DO UPDATE … WHERE …
//! IS DISTINCT FROM …`. The `WHERE` leaves rows that would not change alone (no new row
//! version, no trigger, no notification), which is what makes a second run of the same file
//! change nothing, and lets the statement count inserted (`xmax = 0`) and updated rows.
//!
//! References between records (an order's customer) are resolved by the store's own keys in
//! the same statement, each as a scalar subquery: that is one probe of the key's unique index
//! per row whatever the planner believes about the table's size (its statistics are stale
//! while the import fills the table, and as a join it once scanned all customers per row); rows whose reference is not there come back as bad lines, with the
//! file and line number every staging row carries.

use app::server::store::StoreSchema;
use sqlx::{Executor, PgConnection};

use super::entity::Entity;

/// What merging one batch did.
#[derive(Debug, Default)]
pub struct Merged {
    /// Rows inserted.
    pub inserted: i64,
    /// Rows updated (changed values).
    pub updated: i64,
    /// Rows that name something not in the store: (file number, line number, reason).
    pub unresolved: Vec<(i32, i64, String)>,
}

/// A staging table and the statement that merges it.
struct Stage {
    table: &'static str,
    /// Columns after `file_no int, line_no bigint`, in the order rows.rs writes them.
    columns: &'static str,
    /// The merge: `{store}` is the store schema, `$1` the store's id. It returns inserted,
    /// updated, and the unresolved rows' file numbers, line numbers and reasons as arrays
    /// (those that resolve references end with `{report}`: [`REPORT`] over their `written`
    /// and `missing`).
    merge: &'static str,
}

/// The end of a merge that resolves references: what its `written` step inserted and
/// updated, and the rows of its `missing` step, in file and line order.
const REPORT: &str = "select (select count(*) filter (where inserted) from written),
       (select count(*) filter (where not inserted) from written),
       coalesce(array_agg(file_no order by file_no, line_no), '{}'),
       coalesce(array_agg(line_no order by file_no, line_no), '{}'),
       coalesce(array_agg(reason order by file_no, line_no), '{}')
from missing";

fn stage(entity: Entity) -> Stage {
    match entity {
        Entity::Customers => Stage {
            table: "import_customers",
            columns: "reference text, name text",
            merge: r#"
with batch as (
    -- The last line wins when a batch has the same key twice (ON CONFLICT DO UPDATE may
    -- touch a row only once per statement).
    select distinct on (reference) reference, name
    from import_customers order by reference, file_no desc, line_no desc
), written as (
    insert into {store}.customers as t (store_id, reference, name)
    select $1, reference, name from batch
    on conflict (store_id, reference) do update
        set name = excluded.name, updated_at = now()
        where t.name is distinct from excluded.name
    returning (t.xmax = 0) as inserted
)
select count(*) filter (where inserted), count(*) filter (where not inserted),
       '{}'::int[], '{}'::bigint[], '{}'::text[]
from written"#,
        },
        Entity::CustomerIdentities => Stage {
            table: "import_identities",
            columns: "customer_ref text, kind text, value text",
            // Identities are only added: one no longer in the file stays (see the docs).
            // Their customers were merged just before, in the same flush.
            merge: r#"
with batch as (
    select distinct * from (
        select (select c.id from {store}.customers c where c.store_id = $1 and c.reference = s.customer_ref) as customer_id, s.kind, s.value
        from import_identities s
    ) identities where customer_id is not null
), written as (
    insert into {store}.customer_identities (customer_id, kind, value)
    select customer_id, kind, value from batch
    on conflict (kind, value, customer_id) do nothing
    returning 1
)
select count(*), 0::bigint, '{}'::int[], '{}'::bigint[], '{}'::text[] from written"#,
        },
        Entity::Orders => Stage {
            table: "import_orders",
            columns: "number text, customer_ref text, status text, currency text, \
                      total_minor bigint, placed_at timestamptz, shipping_address text",
            merge: r#"
with staged as materialized (
    select s.*, (select c.id from {store}.customers c where c.store_id = $1 and c.reference = s.customer_ref) as customer_id
    from import_orders s
), batch as (
    select distinct on (number) * from staged where customer_id is not null
    order by number, file_no desc, line_no desc
), written as (
    insert into {store}.orders as t
        (store_id, customer_id, number, status, currency, total_minor, placed_at,
         shipping_address)
    select $1, customer_id, number, status, currency, total_minor, placed_at,
           shipping_address
    from batch
    on conflict (store_id, number) do update
        set customer_id = excluded.customer_id, status = excluded.status,
            currency = excluded.currency, total_minor = excluded.total_minor,
            placed_at = excluded.placed_at, shipping_address = excluded.shipping_address,
            updated_at = now()
        where (t.customer_id, t.status, t.currency, t.total_minor, t.placed_at,
               t.shipping_address)
           is distinct from (excluded.customer_id, excluded.status, excluded.currency,
               excluded.total_minor, excluded.placed_at, excluded.shipping_address)
    returning (t.xmax = 0) as inserted
), missing as (
    select file_no, line_no,
           format('order %s: no customer %s in the store or earlier in the import',
                  number, customer_ref) as reason
    from staged where customer_id is null
)
{report}"#,
        },
        Entity::OrderItems => Stage {
            table: "import_order_items",
            columns: "order_number text, external_id text, sku text, name text, \
                      quantity int, unit_price_minor bigint, currency text",
            merge: r#"
with staged as materialized (
    select s.*, (select o.id from {store}.orders o where o.store_id = $1 and o.number = s.order_number) as order_id,
           -- Only a separate item's currency is checked against its order's.
           case when s.currency is not null then
               (select o.currency from {store}.orders o
                where o.store_id = $1 and o.number = s.order_number)
           end as order_currency
    from import_order_items s
), batch as (
    select distinct on (order_id, external_id) * from staged
    where order_id is not null and (currency is null or currency = order_currency)
    order by order_id, external_id, file_no desc, line_no desc
), written as (
    insert into {store}.order_items as t
        (order_id, external_id, sku, name, quantity, unit_price_minor)
    select order_id, external_id, sku, name, quantity, unit_price_minor from batch
    on conflict (order_id, external_id) do update
        set sku = excluded.sku, name = excluded.name, quantity = excluded.quantity,
            unit_price_minor = excluded.unit_price_minor, updated_at = now()
        where (t.sku, t.name, t.quantity, t.unit_price_minor)
           is distinct from (excluded.sku, excluded.name, excluded.quantity,
               excluded.unit_price_minor)
    returning (t.xmax = 0) as inserted
), missing as (
    select file_no, line_no,
           case when order_id is null
                then format('item %s: no order %s in the store or earlier in the import',
                            external_id, order_number)
                else format('item %s: currency %s is not the order''s (%s)',
                            external_id, currency, order_currency)
           end as reason
    from staged
    where order_id is null or (currency is not null and currency <> order_currency)
)
{report}"#,
        },
        Entity::Shipments => Stage {
            table: "import_shipments",
            columns: "order_number text, external_id text, carrier text, \
                      tracking_number text, tracking_url text, shipped_at timestamptz, \
                      delivered_at timestamptz",
            merge: r#"
with staged as materialized (
    select s.*, (select o.id from {store}.orders o where o.store_id = $1 and o.number = s.order_number) as order_id
    from import_shipments s
), batch as (
    select distinct on (order_id, external_id) * from staged where order_id is not null
    order by order_id, external_id, file_no desc, line_no desc
), written as (
    insert into {store}.shipments as t
        (order_id, external_id, carrier, tracking_number, tracking_url, shipped_at,
         delivered_at)
    select order_id, external_id, carrier, tracking_number, tracking_url, shipped_at,
           delivered_at
    from batch
    on conflict (order_id, external_id) do update
        set carrier = excluded.carrier, tracking_number = excluded.tracking_number,
            tracking_url = excluded.tracking_url, shipped_at = excluded.shipped_at,
            delivered_at = excluded.delivered_at, updated_at = now()
        where (t.carrier, t.tracking_number, t.tracking_url, t.shipped_at, t.delivered_at)
           is distinct from (excluded.carrier, excluded.tracking_number,
               excluded.tracking_url, excluded.shipped_at, excluded.delivered_at)
    returning (t.xmax = 0) as inserted
), missing as (
    select file_no, line_no,
           format('shipment %s: no order %s in the store or earlier in the import',
                  external_id, order_number) as reason
    from staged where order_id is null
)
{report}"#,
        },
        Entity::Invoices => Stage {
            table: "import_invoices",
            columns: "number text, customer_ref text, order_number text, status text, \
                      currency text, amount_due_minor bigint, amount_paid_minor bigint, \
                      issued_at timestamptz, due_at timestamptz, pdf_url text",
            merge: r#"
with staged as materialized (
    select s.*, (select c.id from {store}.customers c where c.store_id = $1 and c.reference = s.customer_ref) as customer_id, (select o.id from {store}.orders o where o.store_id = $1 and o.number = s.order_number) as order_id
    from import_invoices s
), batch as (
    select distinct on (number) * from staged
    where customer_id is not null and (order_number is null or order_id is not null)
    order by number, file_no desc, line_no desc
), written as (
    insert into {store}.invoices as t
        (store_id, customer_id, order_id, number, status, currency, amount_due_minor,
         amount_paid_minor, issued_at, due_at, pdf_url)
    select $1, customer_id, order_id, number, status, currency, amount_due_minor,
           amount_paid_minor, issued_at, due_at, pdf_url
    from batch
    on conflict (store_id, number) do update
        set customer_id = excluded.customer_id, order_id = excluded.order_id,
            status = excluded.status, currency = excluded.currency,
            amount_due_minor = excluded.amount_due_minor,
            amount_paid_minor = excluded.amount_paid_minor, issued_at = excluded.issued_at,
            due_at = excluded.due_at, pdf_url = excluded.pdf_url, updated_at = now()
        where (t.customer_id, t.order_id, t.status, t.currency, t.amount_due_minor,
               t.amount_paid_minor, t.issued_at, t.due_at, t.pdf_url)
           is distinct from (excluded.customer_id, excluded.order_id, excluded.status,
               excluded.currency, excluded.amount_due_minor, excluded.amount_paid_minor,
               excluded.issued_at, excluded.due_at, excluded.pdf_url)
    returning (t.xmax = 0) as inserted
), missing as (
    select file_no, line_no,
           format('invoice %s: %s', number, concat_ws('; ',
               case when customer_id is null then format(
                   'no customer %s in the store or earlier in the import', customer_ref) end,
               case when order_number is not null and order_id is null then format(
                   'no order %s in the store or earlier in the import', order_number) end))
               as reason
    from staged
    where customer_id is null or (order_number is not null and order_id is null)
)
{report}"#,
        },
        Entity::Payments => Stage {
            table: "import_payments",
            columns: "external_id text, customer_ref text, order_number text, \
                      invoice_number text, currency text, amount_minor bigint, method text, \
                      card_brand text, card_last4 text, status text, failure_reason text, \
                      attempted_at timestamptz",
            merge: r#"
with staged as materialized (
    select s.*, (select c.id from {store}.customers c where c.store_id = $1 and c.reference = s.customer_ref) as customer_id, (select o.id from {store}.orders o where o.store_id = $1 and o.number = s.order_number) as order_id,
           (select i.id from {store}.invoices i
            where i.store_id = $1 and i.number = s.invoice_number) as invoice_id
    from import_payments s
), batch as (
    select distinct on (external_id) * from staged
    where customer_id is not null and (order_number is null or order_id is not null)
      and (invoice_number is null or invoice_id is not null)
    order by external_id, file_no desc, line_no desc
), written as (
    insert into {store}.payments as t
        (customer_id, order_id, invoice_id, external_id, currency, amount_minor, method,
         card_brand, card_last4, status, failure_reason, attempted_at)
    select customer_id, order_id, invoice_id, external_id, currency, amount_minor, method,
           card_brand, card_last4, status, failure_reason, attempted_at
    from batch
    on conflict (external_id) do update
        set customer_id = excluded.customer_id, order_id = excluded.order_id,
            invoice_id = excluded.invoice_id, currency = excluded.currency,
            amount_minor = excluded.amount_minor, method = excluded.method,
            card_brand = excluded.card_brand, card_last4 = excluded.card_last4,
            status = excluded.status, failure_reason = excluded.failure_reason,
            attempted_at = excluded.attempted_at, updated_at = now()
        where (t.customer_id, t.order_id, t.invoice_id, t.currency, t.amount_minor,
               t.method, t.card_brand, t.card_last4, t.status, t.failure_reason,
               t.attempted_at)
           is distinct from (excluded.customer_id, excluded.order_id, excluded.invoice_id,
               excluded.currency, excluded.amount_minor, excluded.method,
               excluded.card_brand, excluded.card_last4, excluded.status,
               excluded.failure_reason, excluded.attempted_at)
    returning (t.xmax = 0) as inserted
), missing as (
    select file_no, line_no,
           format('payment %s: %s', external_id, concat_ws('; ',
               case when customer_id is null then format(
                   'no customer %s in the store or earlier in the import', customer_ref) end,
               case when order_number is not null and order_id is null then format(
                   'no order %s in the store or earlier in the import', order_number) end,
               case when invoice_number is not null and invoice_id is null then format(
                   'no invoice %s in the store or earlier in the import', invoice_number) end))
               as reason
    from staged
    where customer_id is null or (order_number is not null and order_id is null)
       or (invoice_number is not null and invoice_id is null)
)
{report}"#,
        },
        Entity::Refunds => Stage {
            table: "import_refunds",
            columns: "external_id text, customer_ref text, order_number text, \
                      payment_ref text, currency text, amount_minor bigint, reason text, \
                      status text, refunded_at timestamptz",
            merge: r#"
with staged as materialized (
    select s.*, (select c.id from {store}.customers c where c.store_id = $1 and c.reference = s.customer_ref) as customer_id, (select o.id from {store}.orders o where o.store_id = $1 and o.number = s.order_number) as order_id,
           (select p.id from {store}.payments p where p.external_id = s.payment_ref)
               as payment_id
    from import_refunds s
), batch as (
    select distinct on (external_id) * from staged
    where customer_id is not null and (order_number is null or order_id is not null)
      and (payment_ref is null or payment_id is not null)
    order by external_id, file_no desc, line_no desc
), written as (
    insert into {store}.refunds as t
        (customer_id, order_id, payment_id, external_id, currency, amount_minor, reason,
         status, refunded_at)
    select customer_id, order_id, payment_id, external_id, currency, amount_minor, reason,
           status, refunded_at
    from batch
    on conflict (external_id) do update
        set customer_id = excluded.customer_id, order_id = excluded.order_id,
            payment_id = excluded.payment_id, currency = excluded.currency,
            amount_minor = excluded.amount_minor, reason = excluded.reason,
            status = excluded.status, refunded_at = excluded.refunded_at,
            updated_at = now()
        where (t.customer_id, t.order_id, t.payment_id, t.currency, t.amount_minor,
               t.reason, t.status, t.refunded_at)
           is distinct from (excluded.customer_id, excluded.order_id, excluded.payment_id,
               excluded.currency, excluded.amount_minor, excluded.reason, excluded.status,
               excluded.refunded_at)
    returning (t.xmax = 0) as inserted
), missing as (
    select file_no, line_no,
           format('refund %s: %s', external_id, concat_ws('; ',
               case when customer_id is null then format(
                   'no customer %s in the store or earlier in the import', customer_ref) end,
               case when order_number is not null and order_id is null then format(
                   'no order %s in the store or earlier in the import', order_number) end,
               case when payment_ref is not null and payment_id is null then format(
                   'no payment %s in the store or earlier in the import', payment_ref) end))
               as reason
    from staged
    where customer_id is null or (order_number is not null and order_id is null)
       or (payment_ref is not null and payment_id is null)
)
{report}"#,
        },
        Entity::Subscriptions => Stage {
            table: "import_subscriptions",
            columns: "external_id text, customer_ref text, plan text, status text, \
                      currency text, amount_minor bigint, billing_interval text, \
                      started_at timestamptz, current_period_end timestamptz, \
                      cancel_at timestamptz",
            merge: r#"
with staged as materialized (
    select s.*, (select c.id from {store}.customers c where c.store_id = $1 and c.reference = s.customer_ref) as customer_id
    from import_subscriptions s
), batch as (
    select distinct on (external_id) * from staged where customer_id is not null
    order by external_id, file_no desc, line_no desc
), written as (
    insert into {store}.subscriptions as t
        (customer_id, external_id, plan, status, currency, amount_minor, billing_interval,
         started_at, current_period_end, cancel_at)
    select customer_id, external_id, plan, status, currency, amount_minor,
           billing_interval, started_at, current_period_end, cancel_at
    from batch
    on conflict (external_id) do update
        set customer_id = excluded.customer_id, plan = excluded.plan,
            status = excluded.status, currency = excluded.currency,
            amount_minor = excluded.amount_minor,
            billing_interval = excluded.billing_interval, started_at = excluded.started_at,
            current_period_end = excluded.current_period_end,
            cancel_at = excluded.cancel_at, updated_at = now()
        where (t.customer_id, t.plan, t.status, t.currency, t.amount_minor,
               t.billing_interval, t.started_at, t.current_period_end, t.cancel_at)
           is distinct from (excluded.customer_id, excluded.plan, excluded.status,
               excluded.currency, excluded.amount_minor, excluded.billing_interval,
               excluded.started_at, excluded.current_period_end, excluded.cancel_at)
    returning (t.xmax = 0) as inserted
), missing as (
    select file_no, line_no,
           format('subscription %s: no customer %s in the store or earlier in the import',
                  external_id, customer_ref) as reason
    from staged where customer_id is null
)
{report}"#,
        },
    }
}

/// Creates the staging tables for this transaction (dropped at its end, commit or not).
pub async fn prepare(conn: &mut PgConnection) -> Result<(), sqlx::Error> {
    for entity in Entity::ALL {
        let stage = stage(entity);
        conn.execute(
            format!(
                "create temporary table {} (file_no int not null, line_no bigint not null, {}) \
                 on commit drop",
                stage.table, stage.columns
            )
            .as_str(),
        )
        .await?;
    }
    Ok(())
}

/// Writes one batch of `entity` (COPY text, rows as rows.rs makes them) into the store.
pub async fn apply(
    conn: &mut PgConnection,
    schema: &StoreSchema,
    store_id: i64,
    entity: Entity,
    rows: &str,
) -> Result<Merged, sqlx::Error> {
    let stage = stage(entity);
    conn.execute(format!("truncate {}", stage.table).as_str())
        .await?;
    let mut copy = conn
        .copy_in_raw(&format!("copy {} from stdin", stage.table))
        .await?;
    copy.send(rows.as_bytes()).await?;
    copy.finish().await?;
    let (inserted, updated, files, lines, reasons): (i64, i64, Vec<i32>, Vec<i64>, Vec<String>) =
        sqlx::query_as(&schema.sql(&stage.merge.replace("{report}", REPORT)))
            // Planned anew every time: a cached generic plan would be the one made when the
            // store's tables were nearly empty (a scan of the table for every staged row),
            // which gets slower with every batch. Planning costs a millisecond.
            .persistent(false)
            .bind(store_id)
            .fetch_one(&mut *conn)
            .await?;
    let unresolved = files
        .into_iter()
        .zip(lines)
        .zip(reasons)
        .map(|((file, line), reason)| (file, line, reason))
        .collect();
    Ok(Merged {
        inserted,
        updated,
        unresolved,
    })
}
