//! The SQL behind the panel. Each helper takes `impl PgExecutor` so it runs on the pool or
//! inside a transaction alike.

use orderpane::{contact_keys::ContactKeys, money::Money};
use sqlx::{PgExecutor, PgPool};

use crate::api::{CustomerMatch, MatchBasis, OrderRow, Panel, ORDER_PAGE_SIZE};

/// The whole panel for one contact: its matching customers, and the orders when exactly one
/// customer matched (several matches are for the agent to choose between, never guessed).
pub async fn panel(pool: &PgPool, keys: &ContactKeys) -> sqlx::Result<Panel> {
    let matches = matching_customers(pool, keys).await?;
    let orders = match matches.as_slice() {
        [only] => newest_orders(pool, only.id, ORDER_PAGE_SIZE).await?,
        _ => Vec::new(),
    };
    Ok(Panel {
        matches,
        orders,
        verified: false,
    })
}

/// Every customer one of the contact's keys points at, each once with its strongest basis
/// (external id, then email, then phone), ordered by that strength and then by name.
pub async fn matching_customers(
    db: impl PgExecutor<'_>,
    keys: &ContactKeys,
) -> sqlx::Result<Vec<CustomerMatch>> {
    let rows = sqlx::query!(
        r#"
        select distinct on (c.id)
               c.id, c.reference, c.name, i.kind
          from customer_identities i
          join customers c on c.id = i.customer_id
         where (i.kind, i.value) in (('external_id', $1), ('email', $2), ('phone', $3))
         order by c.id,
                  case i.kind when 'external_id' then 0 when 'email' then 1 else 2 end
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

/// A customer's orders, newest first.
pub async fn newest_orders(
    db: impl PgExecutor<'_>,
    customer_id: i64,
    limit: i64,
) -> sqlx::Result<Vec<OrderRow>> {
    let rows = sqlx::query!(
        r#"
        select number, status, currency, total_minor,
               to_char(placed_at at time zone 'UTC', 'YYYY-MM-DD') as "placed_on!"
          from orders
         where customer_id = $1
         order by placed_at desc, id desc
         limit $2
        "#,
        customer_id,
        limit,
    )
    .fetch_all(db)
    .await?;

    Ok(rows
        .into_iter()
        .map(|row| OrderRow {
            number: row.number,
            placed_on: row.placed_on,
            status: row.status,
            total: Money::new(row.total_minor, row.currency),
        })
        .collect())
}
