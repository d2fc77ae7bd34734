//! The SQL behind the panel. Each helper takes `impl PgExecutor` so it runs on the pool or
//! inside a transaction alike.

use std::collections::HashMap;

use orderpane::{contact_keys::ContactKeys, money::Money};
use sqlx::{PgExecutor, PgPool};

use crate::api::{
    CustomerMatch, MatchBasis, OrderItem, OrderRow, Panel, Shipment, ORDER_PAGE_SIZE,
};

/// The whole panel for one contact: its matching customers, and the orders of the one it
/// shows (see [`shown_customer`]; several matches are for the agent to choose between,
/// never guessed).
pub async fn panel(pool: &PgPool, keys: &ContactKeys, chosen: Option<&str>) -> sqlx::Result<Panel> {
    let matches = matching_customers(pool, keys).await?;
    let customer = shown_customer(&matches, chosen);
    let orders = match &customer {
        Some(customer) => newest_orders(pool, customer.id, ORDER_PAGE_SIZE).await?,
        None => Vec::new(),
    };
    Ok(Panel {
        matches,
        customer,
        orders,
        verified: false,
    })
}

/// Which of the matches the panel shows: the only one; else the one matched by external id
/// (the business's own id is a deliberate link, unlike a shared email); else the agent's
/// choice when it is among the matches; else none, and the agent chooses.
pub fn shown_customer(matches: &[CustomerMatch], chosen: Option<&str>) -> Option<CustomerMatch> {
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

/// Every customer one of the contact's keys points at (the external id also names a
/// customer by the store's reference), each once with its strongest basis
/// (external id, then email, then phone), ordered by that strength and then by name.
pub async fn matching_customers(
    db: impl PgExecutor<'_>,
    keys: &ContactKeys,
) -> sqlx::Result<Vec<CustomerMatch>> {
    // The external id is matched against the customers' external-id identities and against
    // the store's own customer reference (what a customer-id custom field holds).
    let rows = sqlx::query!(
        r#"
        select distinct on (c.id)
               c.id, c.reference, c.name, m.kind as "kind!"
          from (
                select customer_id, kind
                  from customer_identities
                 where (kind, value) in (('external_id', $1), ('email', $2), ('phone', $3))
                union all
                select id, 'external_id'
                  from customers
                 where reference = $1
               ) m
          join customers c on c.id = m.customer_id
         order by c.id,
                  case m.kind when 'external_id' then 0 when 'email' then 1 else 2 end
        "#,
        keys.external_id,
        keys.email,
        keys.phone,
    )
    .fetch_all(db)
    .await?;

    let mut matches: Vec<CustomerMatch> = rows
        .into_iter()
        .filter_map(|row| {
            let basis = match row.kind.as_str() {
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

/// A customer's orders, newest first, with their items and shipments.
pub async fn newest_orders(
    pool: &PgPool,
    customer_id: i64,
    limit: i64,
) -> sqlx::Result<Vec<OrderRow>> {
    let rows = sqlx::query!(
        r#"
        select id, number, status, currency, total_minor,
               to_char(placed_at at time zone 'UTC', 'YYYY-MM-DD') as "placed_on!"
          from orders
         where customer_id = $1
         order by placed_at desc, id desc
         limit $2
        "#,
        customer_id,
        limit,
    )
    .fetch_all(pool)
    .await?;
    let ids: Vec<i64> = rows.iter().map(|row| row.id).collect();
    let (mut items, mut shipments) =
        tokio::try_join!(order_items(pool, &ids), order_shipments(pool, &ids))?;

    Ok(rows
        .into_iter()
        .map(|row| OrderRow {
            number: row.number,
            placed_on: row.placed_on,
            status: row.status,
            items: items.remove(&row.id).unwrap_or_default(),
            shipments: shipments.remove(&row.id).unwrap_or_default(),
            total: Money::new(row.total_minor, row.currency),
        })
        .collect())
}

/// The items of these orders by order id, priced in their order's currency.
async fn order_items(
    db: impl PgExecutor<'_>,
    order_ids: &[i64],
) -> sqlx::Result<HashMap<i64, Vec<OrderItem>>> {
    let rows = sqlx::query!(
        r#"
        select i.order_id, i.sku, i.name, i.quantity, i.unit_price_minor, o.currency
          from order_items i
          join orders o on o.id = i.order_id
         where i.order_id = any($1)
         order by i.order_id, i.id
        "#,
        order_ids,
    )
    .fetch_all(db)
    .await?;
    let mut by_order: HashMap<i64, Vec<OrderItem>> = HashMap::new();
    for row in rows {
        by_order.entry(row.order_id).or_default().push(OrderItem {
            sku: row.sku,
            name: row.name,
            quantity: row.quantity,
            unit_price: Money::new(row.unit_price_minor, row.currency),
        });
    }
    Ok(by_order)
}

/// The shipments of these orders by order id, oldest first.
async fn order_shipments(
    db: impl PgExecutor<'_>,
    order_ids: &[i64],
) -> sqlx::Result<HashMap<i64, Vec<Shipment>>> {
    let rows = sqlx::query!(
        r#"
        select order_id, carrier, tracking_number, tracking_url,
               to_char(shipped_at at time zone 'UTC', 'YYYY-MM-DD') as "shipped_on!",
               to_char(delivered_at at time zone 'UTC', 'YYYY-MM-DD') as delivered_on
          from shipments
         where order_id = any($1)
         order by order_id, shipped_at, id
        "#,
        order_ids,
    )
    .fetch_all(db)
    .await?;
    let mut by_order: HashMap<i64, Vec<Shipment>> = HashMap::new();
    for row in rows {
        by_order.entry(row.order_id).or_default().push(Shipment {
            carrier: row.carrier,
            tracking_number: row.tracking_number,
            tracking_url: row.tracking_url,
            shipped_on: row.shipped_on,
            delivered_on: row.delivered_on,
        });
    }
    Ok(by_order)
}
