//! The SQL behind the panel. Each helper takes `impl PgExecutor` so it runs on the pool or
//! inside a transaction alike.

use std::collections::HashMap;
use std::sync::LazyLock;

use orderpane::{contact_keys::ContactKeys, money::Money};
use sqlx::{types::Json, PgConnection, PgExecutor, PgPool};

use super::billing;
use super::customers::HelpdeskContact;
use crate::model::billing::{Billing, Summary, BILLING_LIST_LEN};
use crate::model::panel::{
    CustomerMatch, MatchBasis, MentionedOrder, OrderItem, OrderRow, Shipment, ORDER_PAGE_SIZE,
};
use crate::server::attention::AttentionThresholds;
use crate::server::store::StoreSchema;

/// What the store says about one contact (the panel's data, before who asked is added).
#[derive(Debug, Default)]
pub struct Found {
    /// Every customer the contact's keys match.
    pub matches: Vec<CustomerMatch>,
    /// The one shown (see [`shown_customer`]).
    pub customer: Option<CustomerMatch>,
    /// Its totals.
    pub summary: Option<Summary>,
    /// Its first page of orders, newest first.
    pub orders: Vec<OrderRow>,
    /// Where the next page starts, when there is one.
    pub more_orders: Option<String>,
    /// Its invoices, payments, refunds and subscriptions.
    pub billing: Billing,
    /// The orders the conversation mentions, whoever they belong to.
    pub mentioned: Vec<MentionedOrder>,
}

/// Everything the panel shows for one contact: its matching customers (with the one an agent
/// linked to `linked_to`, when there is one), and the orders and billing of the one it shows
/// (see [`shown_customer`]; several matches are for the agent to choose between, never
/// guessed), and the orders the conversation mentions.
///
/// What needs attention is judged by the default thresholds; the server uses [`lookup_with`].
///
/// Holds at most two pool connections: the shown customer's reads run one after another on
/// one, the mentioned orders on the other. A wider fan-out made a wave of reloads take the
/// whole pool.
pub async fn lookup(
    pool: &PgPool,
    store: &StoreSchema,
    keys: &ContactKeys,
    linked_to: Option<HelpdeskContact<'_>>,
    chosen: Option<&str>,
    mentioned: &[String],
) -> sqlx::Result<Found> {
    let thresholds = AttentionThresholds::default();
    let mut conn = pool.acquire().await?;
    lookup_with(
        &mut conn,
        pool,
        store,
        &thresholds,
        keys,
        linked_to,
        chosen,
        mentioned,
    )
    .await
}

/// [`lookup`] on `conn`, which the caller goes on using (the server writes the lookup's audit
/// row on it: each connection taken from the pool costs a round trip when it goes back), with
/// what needs attention judged by `thresholds` (the server's settings). The mentioned orders
/// are read on a second connection from `pool`.
#[tracing::instrument(skip_all)]
#[allow(clippy::too_many_arguments)]
pub async fn lookup_with(
    conn: &mut PgConnection,
    pool: &PgPool,
    store: &StoreSchema,
    thresholds: &AttentionThresholds,
    keys: &ContactKeys,
    linked_to: Option<HelpdeskContact<'_>>,
    chosen: Option<&str>,
    mentioned: &[String],
) -> sqlx::Result<Found> {
    let matches = matching_customers(&mut *conn, store, keys, linked_to).await?;
    let customer = shown_customer(&matches, chosen);
    let shown_id = customer.as_ref().map(|c| c.id);
    let shown = async {
        let Some(id) = shown_id else {
            return Ok((None, OrderPage::default(), Billing::default()));
        };
        shown_customer_reads(conn, store, id, thresholds).await
    };
    let mentioned = async {
        if mentioned.is_empty() {
            return Ok(Vec::new());
        }
        let mut other = pool.acquire().await?;
        mentioned_orders(&mut other, store, mentioned, shown_id).await
    };
    let ((summary, page, billing), mentioned) = tokio::try_join!(shown, mentioned)?;
    Ok(Found {
        matches,
        customer,
        summary,
        orders: page.orders,
        more_orders: page.next,
        billing,
        mentioned,
    })
}

/// Runs the lookup's statements once, for no one, on a new connection: Postgres parses and
/// plans them there (the lookup's own statement takes milliseconds to), and sqlx keeps them
/// prepared, before an agent's lookup needs them.
pub async fn prepare_lookup(conn: &mut PgConnection, store: &StoreSchema) -> sqlx::Result<()> {
    matching_customers(&mut *conn, store, &ContactKeys::default(), None).await?;
    shown_customer_reads(conn, store, 0, &AttentionThresholds::default()).await?;
    mentioned_orders(conn, store, &[String::new()], None).await?;
    Ok(())
}

/// Everything the panel shows of one customer, `$1`, in one statement: the summary (its
/// chart from `$3` to `$4`), the first page of orders (`$2` read: one more than a page, to
/// tell whether another follows) with their items, shipments, payments and refunds, and the
/// billing lists (`$5` of each; what needs attention by the thresholds `$6` to `$8`).
///
/// Composed of the statements each part runs on its own ([`ORDERS_PAGE_SQL`],
/// [`ORDER_ITEMS_SQL`], …, which `server store check` explains one by one), each part as a
/// JSON column, so that a lookup costs one round trip and one statement instead of seven.
/// The details are read for the ids of the page's orders.
static SHOWN_CUSTOMER_SQL: LazyLock<String> = LazyLock::new(|| {
    let page = with_params(ORDERS_PAGE_SQL, &["$1", "null::bigint", "$2"]);
    let ids = ["array(select id from order_page)"];
    let items = with_params(ORDER_ITEMS_SQL, &ids);
    let shipments = with_params(ORDER_SHIPMENTS_SQL, &ids);
    let payments = with_params(billing::ORDER_PAYMENTS_SQL, &ids);
    let refunds = with_params(billing::ORDER_REFUNDS_SQL, &ids);
    let summary = with_params(billing::SUMMARY_SQL, &["$1", "$3", "$4"]);
    let billing = with_params(billing::BILLING_SQL, &["$1", "$5", "$6", "$7", "$8"]);
    // Each list is aggregated in the order its own statement returns it (`json_agg` keeps
    // no order of its own).
    format!(
        r#"
        with order_page as materialized ({page})
        select (select coalesce(json_agg(s), '[]') from ({summary}) s) as summary,
               (select coalesce(json_agg(p order by p.placed_at desc, p.id desc), '[]')
                  from order_page p) as orders,
               (select coalesce(json_agg(x order by x.order_id, x.id), '[]')
                  from ({items}) x) as order_items,
               (select coalesce(json_agg(x order by x.order_id, x.shipped_at, x.id), '[]')
                  from ({shipments}) x) as order_shipments,
               (select coalesce(json_agg(x), '[]') from ({payments}) x) as order_payments,
               (select coalesce(json_agg(x order by x.order_id, x.refunded_at, x.id), '[]')
                  from ({refunds}) x) as order_refunds,
               b.*
          from ({billing}) b
        "#
    )
});

/// `sql` with its parameters `$1`, `$2`, … replaced by `params[0]`, `params[1]`, … in one
/// pass (a replacement is never replaced again).
fn with_params(sql: &str, params: &[&str]) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut rest = sql;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let digits = rest[at + 1..]
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len() - at - 1);
        let number: Option<usize> = rest[at + 1..at + 1 + digits].parse().ok();
        match number.and_then(|n| params.get(n.checked_sub(1)?)) {
            Some(param) => out.push_str(param),
            None => out.push_str(&rest[at..at + 1 + digits]),
        }
        rest = &rest[at + 1 + digits..];
    }
    out.push_str(rest);
    out
}

/// [`SHOWN_CUSTOMER_SQL`]'s one row.
#[derive(sqlx::FromRow)]
struct ShownRow {
    summary: Json<Vec<billing::SummaryRow>>,
    orders: Json<Vec<OrderHeadRow>>,
    order_items: Json<Vec<ItemRow>>,
    order_shipments: Json<Vec<ShipmentRow>>,
    order_payments: Json<Vec<billing::PaidRow>>,
    order_refunds: Json<Vec<billing::OrderRefundRow>>,
    #[sqlx(flatten)]
    billing: billing::BillingRow,
}

/// The shown customer's summary, first page of orders and billing ([`SHOWN_CUSTOMER_SQL`]).
async fn shown_customer_reads(
    conn: &mut PgConnection,
    store: &StoreSchema,
    customer_id: i64,
    thresholds: &AttentionThresholds,
) -> sqlx::Result<(Option<Summary>, OrderPage, Billing)> {
    let today = chrono::Utc::now().date_naive();
    let (chart_from, chart_to) = billing::chart_window(today);
    let row: ShownRow = sqlx::query_as(&store.cached_sql(&SHOWN_CUSTOMER_SQL))
        .bind(customer_id)
        .bind(ORDER_PAGE_SIZE + 1)
        .bind(chart_from)
        .bind(chart_to)
        .bind(BILLING_LIST_LEN)
        .bind(i64::from(thresholds.refund_pending_days))
        .bind(i64::from(thresholds.not_shipped_days))
        .bind(i64::from(thresholds.in_transit_days))
        .fetch_one(&mut *conn)
        .await?;
    let details = OrderDetails {
        items: items_from(row.order_items.0),
        shipments: shipments_from(row.order_shipments.0),
        money: billing::money_from(row.order_payments.0, row.order_refunds.0),
    };
    let page_len = usize::try_from(ORDER_PAGE_SIZE).unwrap_or_default();
    Ok((
        billing::summary_from(row.summary.0, today),
        page_from(row.orders.0, page_len, details),
        row.billing.into(),
    ))
}

/// The orders with the numbers `$1` (text[]), or billed by invoices with those numbers, with
/// their customers and the number that found each.
pub const MENTIONED_ORDERS_SQL: &str = r#"
        select distinct on (o.id)
               o.id, o.number, o.status, o.currency, o.total_minor, o.shipping_address,
               to_char(o.placed_at at time zone 'UTC', 'YYYY-MM-DD') as placed_on,
               c.id as customer_id, c.reference, c.name, m.mentioned
          from (
                select id, number as mentioned from {store}.orders where number = any($1)
                union all
                select order_id, number from {store}.invoices
                 where number = any($1) and order_id is not null
               ) m
          join {store}.orders o on o.id = m.id
          join {store}.customers c on c.id = o.customer_id
         order by o.id, array_position($1, m.mentioned)
        "#;

/// The orders with these numbers, or billed by invoices with these numbers, in the order
/// given, flagged when they are not `shown_customer`'s. Numbers the store does not have are
/// left out.
pub async fn mentioned_orders(
    conn: &mut PgConnection,
    store: &StoreSchema,
    numbers: &[String],
    shown_customer: Option<i64>,
) -> sqlx::Result<Vec<MentionedOrder>> {
    if numbers.is_empty() {
        return Ok(Vec::new());
    }
    // A mentioned invoice number pins the order it bills.
    let rows: Vec<MentionedRow> = sqlx::query_as(&store.cached_sql(MENTIONED_ORDERS_SQL))
        .bind(numbers)
        .fetch_all(&mut *conn)
        .await?;
    let ids: Vec<i64> = rows.iter().map(|row| row.id).collect();
    let mut details = OrderDetails::of(conn, store, &ids).await?;
    let mut found: Vec<(usize, MentionedOrder)> = rows
        .into_iter()
        .map(|row| {
            let position = numbers.iter().position(|n| *n == row.mentioned);
            (
                position.unwrap_or(usize::MAX),
                MentionedOrder {
                    order: details.row(OrderHead {
                        id: row.id,
                        number: row.number,
                        placed_on: row.placed_on,
                        status: row.status,
                        total: Money::new(row.total_minor, row.currency),
                        shipping_address: row.shipping_address,
                    }),
                    customer_id: row.customer_id,
                    customer_reference: row.reference,
                    customer_name: row.name,
                    other_customer: Some(row.customer_id) != shown_customer,
                },
            )
        })
        .collect();
    found.sort_by_key(|(position, _)| *position);
    Ok(found.into_iter().map(|(_, order)| order).collect())
}

/// Which of the matches the panel shows: the one an agent linked to the contact; else the
/// only one; else the one matched by external id (the business's own id is a deliberate
/// link, unlike a shared email); else the agent's choice when it is among the matches; else
/// none, and the agent chooses.
pub fn shown_customer(matches: &[CustomerMatch], chosen: Option<&str>) -> Option<CustomerMatch> {
    // A contact has at most one link (unique per install and contact), made by a person.
    if let Some(linked) = matches.iter().find(|m| m.basis == MatchBasis::Linked) {
        return Some(linked.clone());
    }
    if let [only] = matches {
        return Some(only.clone());
    }
    let mut by_external_id = matches.iter().filter(|m| m.basis == MatchBasis::ExternalId);
    if let (Some(linked), None) = (by_external_id.next(), by_external_id.next()) {
        return Some(linked.clone());
    }
    let chosen = chosen?;
    matches.iter().find(|m| m.reference == chosen).cloned()
}

/// The customers a contact's keys point at: `$1` external id, `$2` email, `$3` phone (each
/// normalised, or null), `$4` install and `$5` contact id of an agent's link (or null), with the
/// kind of each match. One branch per key, so that the one plan the server keeps for it (see
/// `plan_cache_mode` in the server's pool) is an index-only probe per key, null or not.
pub const MATCHING_CUSTOMERS_SQL: &str = r#"
        select distinct on (c.id)
               c.id, c.reference, c.name, m.kind
          from (
                select customer_id, kind
                  from {store}.customer_identities
                 where kind = 'external_id' and value = $1
                union all
                select customer_id, kind
                  from {store}.customer_identities
                 where kind = 'email' and value = $2
                union all
                select customer_id, kind
                  from {store}.customer_identities
                 where kind = 'phone' and value = $3
                union all
                select id, 'external_id'
                  from {store}.customers
                 where reference = $1
                union all
                select customer_id, 'linked'
                  from orderpane.contact_links
                 where install = $4 and contact_id = $5
               ) m
          join {store}.customers c on c.id = m.customer_id
         order by c.id,
                  case m.kind
                       when 'linked' then 0 when 'external_id' then 1 when 'email' then 2
                       else 3
                  end
        "#;

/// Every customer one of the contact's keys points at (the external id also names a
/// customer by the store's reference), and the one an agent linked to `linked_to`, each once
/// with its strongest basis (link, external id, email, phone), ordered by that strength and
/// then by name.
pub async fn matching_customers(
    db: impl PgExecutor<'_>,
    store: &StoreSchema,
    keys: &ContactKeys,
    linked_to: Option<HelpdeskContact<'_>>,
) -> sqlx::Result<Vec<CustomerMatch>> {
    // The external id is matched against the customers' external-id identities and against
    // the store's own customer reference (what a customer-id custom field holds).
    let rows: Vec<MatchRow> = sqlx::query_as(&store.cached_sql(MATCHING_CUSTOMERS_SQL))
        .bind(&keys.external_id)
        .bind(&keys.email)
        .bind(&keys.phone)
        .bind(linked_to.map(|contact| contact.install))
        .bind(linked_to.map(|contact| contact.contact_id))
        .fetch_all(db)
        .await?;

    let mut matches: Vec<CustomerMatch> = rows
        .into_iter()
        .filter_map(|row| {
            let basis = match row.kind.as_str() {
                "linked" => MatchBasis::Linked,
                "external_id" => MatchBasis::ExternalId,
                "email" => MatchBasis::Email,
                "phone" => MatchBasis::Phone,
                _ => return None,
            };
            Some(CustomerMatch {
                id: row.id,
                reference: row.reference,
                name: row.name,
                basis,
            })
        })
        .collect();
    matches.sort_by(|a, b| (a.basis as u8, &a.name, a.id).cmp(&(b.basis as u8, &b.name, b.id)));
    Ok(matches)
}

/// One page of a customer's orders, and where the next one starts.
#[derive(Debug, Default)]
pub struct OrderPage {
    /// Up to the orders asked for, newest first, with their details.
    pub orders: Vec<OrderRow>,
    /// The cursor of the next page (the last order's id), when there are more.
    pub next: Option<String>,
}

/// Up to `$3` of customer `$1`'s orders, newest first, after the order `$2` (or from the
/// newest when it is null).
pub const ORDERS_PAGE_SQL: &str = r#"
        select id, number, status, currency, total_minor, shipping_address, placed_at,
               to_char(placed_at at time zone 'UTC', 'YYYY-MM-DD') as placed_on
          from {store}.orders
         where customer_id = $1
           and ($2::bigint is null
                or (placed_at, id) < (select placed_at, id from {store}.orders
                                       where id = $2 and customer_id = $1))
         order by placed_at desc, id desc
         limit $3
        "#;

/// Up to `len` of the customer's orders, newest first, with their items, shipments, payment
/// state and refunds: from the newest, or after the order `after` (its id, from
/// [`OrderPage::next`]). A cursor that is not one of this customer's orders gives no rows.
pub async fn orders_page(
    conn: &mut PgConnection,
    store: &StoreSchema,
    customer_id: i64,
    after: Option<i64>,
    len: i64,
) -> sqlx::Result<OrderPage> {
    // One more than asked for, to know whether another follows.
    let rows: Vec<OrderHeadRow> = sqlx::query_as(&store.cached_sql(ORDERS_PAGE_SQL))
        .bind(customer_id)
        .bind(after)
        .bind(len + 1)
        .fetch_all(&mut *conn)
        .await?;
    let len = usize::try_from(len).unwrap_or_default();
    let ids: Vec<i64> = rows.iter().take(len).map(|row| row.id).collect();
    let details = OrderDetails::of(conn, store, &ids).await?;
    Ok(page_from(rows, len, details))
}

/// The page of at most `len` orders that `rows` (up to one more than `len`, to tell whether
/// another page follows) and their details make.
fn page_from(rows: Vec<OrderHeadRow>, len: usize, mut details: OrderDetails) -> OrderPage {
    let more = rows.len() > len;
    let rows = &rows[..rows.len().min(len)];
    let next = more
        .then(|| rows.last().map(|row| row.id.to_string()))
        .flatten();
    let orders = rows
        .iter()
        .map(|row| {
            details.row(OrderHead {
                id: row.id,
                number: row.number.clone(),
                placed_on: row.placed_on.clone(),
                status: row.status.clone(),
                total: Money::new(row.total_minor, row.currency.clone()),
                shipping_address: row.shipping_address.clone(),
            })
        })
        .collect();
    OrderPage { orders, next }
}

/// A customer who matched a contact, and how.
#[derive(sqlx::FromRow)]
struct MatchRow {
    id: i64,
    reference: String,
    name: String,
    kind: String,
}

/// An order as a page of orders reads it.
#[derive(sqlx::FromRow, serde::Deserialize)]
struct OrderHeadRow {
    id: i64,
    number: String,
    status: String,
    currency: String,
    total_minor: i64,
    shipping_address: Option<String>,
    placed_on: String,
}

/// An order the conversation mentions, with its customer.
#[derive(sqlx::FromRow)]
struct MentionedRow {
    id: i64,
    number: String,
    status: String,
    currency: String,
    total_minor: i64,
    shipping_address: Option<String>,
    placed_on: String,
    customer_id: i64,
    reference: String,
    name: String,
    mentioned: String,
}

/// An order item with its order's currency.
#[derive(sqlx::FromRow, serde::Deserialize)]
struct ItemRow {
    order_id: i64,
    sku: String,
    name: String,
    quantity: i32,
    unit_price_minor: i64,
    currency: String,
}

/// A shipment of an order.
#[derive(sqlx::FromRow, serde::Deserialize)]
struct ShipmentRow {
    order_id: i64,
    carrier: String,
    tracking_number: String,
    tracking_url: Option<String>,
    shipped_on: String,
    delivered_on: Option<String>,
}

/// An order's own columns, before its details are added.
struct OrderHead {
    id: i64,
    number: String,
    placed_on: String,
    status: String,
    total: Money,
    shipping_address: Option<String>,
}

/// The items, shipments, payments and refunds of a set of orders, to complete their rows with.
struct OrderDetails {
    items: HashMap<i64, Vec<OrderItem>>,
    shipments: HashMap<i64, Vec<Shipment>>,
    money: billing::OrderMoney,
}

impl OrderDetails {
    /// Reads the details of the orders `ids`, one kind after another on `conn`.
    async fn of(conn: &mut PgConnection, store: &StoreSchema, ids: &[i64]) -> sqlx::Result<Self> {
        if ids.is_empty() {
            return Ok(Self {
                items: HashMap::new(),
                shipments: HashMap::new(),
                money: billing::OrderMoney::default(),
            });
        }
        let items = order_items(&mut *conn, store, ids).await?;
        let shipments = order_shipments(&mut *conn, store, ids).await?;
        let money = billing::order_money(&mut *conn, store, ids).await?;
        Ok(Self {
            items,
            shipments,
            money,
        })
    }

    /// The complete row of the order `head`.
    fn row(&mut self, head: OrderHead) -> OrderRow {
        let shipments = self.shipments.remove(&head.id).unwrap_or_default();
        let refunds = self.money.refunds.remove(&head.id).unwrap_or_default();
        let paid = self.money.paid.get(&head.id).copied().unwrap_or_default();
        let delivered = shipments
            .iter()
            .filter(|s| s.delivered_on.is_some())
            .count();
        OrderRow {
            payment_state: billing::payment_state(head.total.minor, paid, &refunds).into(),
            fulfilment: billing::fulfilment_state(
                &head.status,
                head.shipping_address.is_some(),
                shipments.len(),
                delivered,
            )
            .into(),
            number: head.number,
            placed_on: head.placed_on,
            status: head.status,
            total: head.total,
            shipping_address: head.shipping_address,
            items: self.items.remove(&head.id).unwrap_or_default(),
            shipments,
            refunds,
        }
    }
}

/// The items of the orders `$1` (bigint[]), with their order's currency.
pub const ORDER_ITEMS_SQL: &str = r#"
        select i.order_id, i.id, i.sku, i.name, i.quantity, i.unit_price_minor, o.currency
          from {store}.order_items i
          join {store}.orders o on o.id = i.order_id
         where i.order_id = any($1)
         order by i.order_id, i.id
        "#;

/// The items of these orders by order id, priced in their order's currency.
async fn order_items(
    db: impl PgExecutor<'_>,
    store: &StoreSchema,
    order_ids: &[i64],
) -> sqlx::Result<HashMap<i64, Vec<OrderItem>>> {
    let rows: Vec<ItemRow> = sqlx::query_as(&store.sql(ORDER_ITEMS_SQL))
        .bind(order_ids)
        .fetch_all(db)
        .await?;
    Ok(items_from(rows))
}

/// [`ORDER_ITEMS_SQL`]'s rows by order id, in their order.
fn items_from(rows: Vec<ItemRow>) -> HashMap<i64, Vec<OrderItem>> {
    group_by_order(rows.into_iter().map(|row| {
        let item = OrderItem {
            sku: row.sku,
            name: row.name,
            quantity: row.quantity,
            unit_price: Money::new(row.unit_price_minor, row.currency),
        };
        (row.order_id, item)
    }))
}

/// The shipments of the orders `$1` (bigint[]), oldest first.
pub const ORDER_SHIPMENTS_SQL: &str = r#"
        select order_id, id, shipped_at, carrier, tracking_number, tracking_url,
               to_char(shipped_at at time zone 'UTC', 'YYYY-MM-DD') as shipped_on,
               to_char(delivered_at at time zone 'UTC', 'YYYY-MM-DD') as delivered_on
          from {store}.shipments
         where order_id = any($1)
         order by order_id, shipped_at, id
        "#;

/// The shipments of these orders by order id, oldest first.
async fn order_shipments(
    db: impl PgExecutor<'_>,
    store: &StoreSchema,
    order_ids: &[i64],
) -> sqlx::Result<HashMap<i64, Vec<Shipment>>> {
    let rows: Vec<ShipmentRow> = sqlx::query_as(&store.sql(ORDER_SHIPMENTS_SQL))
        .bind(order_ids)
        .fetch_all(db)
        .await?;
    Ok(shipments_from(rows))
}

/// [`ORDER_SHIPMENTS_SQL`]'s rows by order id, in their order.
fn shipments_from(rows: Vec<ShipmentRow>) -> HashMap<i64, Vec<Shipment>> {
    group_by_order(rows.into_iter().map(|row| {
        let shipment = Shipment {
            carrier: row.carrier,
            tracking_number: row.tracking_number,
            tracking_url: row.tracking_url,
            shipped_on: row.shipped_on,
            delivered_on: row.delivered_on,
        };
        (row.order_id, shipment)
    }))
}

/// Collects `(order id, value)` pairs into lists per order, keeping their order.
fn group_by_order<T>(pairs: impl Iterator<Item = (i64, T)>) -> HashMap<i64, Vec<T>> {
    let mut by_order: HashMap<i64, Vec<T>> = HashMap::new();
    for (order_id, value) in pairs {
        by_order.entry(order_id).or_default().push(value);
    }
    by_order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_are_renumbered_in_one_pass() {
        let sql = "a = $1 and b = $2 and c = any($1) and d = $10 and e = '$x'";
        assert_eq!(
            with_params(sql, &["$2", "$1"]),
            "a = $2 and b = $1 and c = any($2) and d = $10 and e = '$x'"
        );
        assert_eq!(with_params("limit $3$", &["x", "y", "z"]), "limit z$");
    }

    #[test]
    fn the_one_statement_binds_eight_parameters_and_no_part_keeps_its_own() {
        let sql = &*SHOWN_CUSTOMER_SQL;
        assert!((1..=8).all(|n| sql.contains(&format!("${n}"))), "{sql}");
        assert!(!sql.contains("$9"), "{sql}");
        assert!(sql.contains("any(array(select id from order_page))"));
    }
}
