//! The SQL of customer search and contact links (each link and unlink written with its
//! audit row in one transaction).

use orderpane::host::Agent;
use sqlx::PgPool;

use super::audit::{self, AuditEvent};
use crate::model::panel::{CustomerMatch, MatchBasis};
use crate::model::search::{SearchBasis, SearchHit, SearchResults, MAX_RESULTS};
use crate::server::search_terms::SearchTerms;
use crate::server::store::StoreSchema;

/// A helpdesk contact as links name it: the install whose helpdesk it belongs to, and that
/// helpdesk's id for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HelpdeskContact<'a> {
    /// The install's name.
    pub install: &'a str,
    /// The helpdesk's contact id.
    pub contact_id: &'a str,
}

/// Rows each lookup of a search may bring: enough to fill the results and see that there
/// are more, few enough that a common name never reads thousands of rows.
const ROWS_PER_LOOKUP: i64 = MAX_RESULTS as i64 + 1;

/// A customer search: `$1` a number, `$2` an email prefix, `$3` an E.164 phone, `$4` a name
/// pattern, `$5` the rows each branch may bring.
pub const SEARCH_SQL: &str = r#"
        select distinct on (c.id)
               c.id, c.reference, c.name, m.rank, m.matched
          from (
                (select id as customer_id, 0 as rank, reference as matched
                   from {store}.customers where reference = $1 limit $5)
                union all
                (select customer_id, 1, number from {store}.orders where number = $1 limit $5)
                union all
                (select customer_id, 2, number from {store}.invoices where number = $1 limit $5)
                union all
                (select customer_id, 4, value from {store}.customer_identities
                  where kind = 'phone' and value = $3 limit $5)
                union all
                (select customer_id, case when value = $2 then 3 else 5 end, value
                   from {store}.customer_identities
                  where kind = 'email' and value ~>=~ $2 and value ~<~ ($2 || chr(1114111))
                  order by value limit $5)
                union all
                (select id, 6, name from {store}.customers where lower(name) like lower($4) limit $5)
               ) m
          join {store}.customers c on c.id = m.customer_id
         order by c.id, m.rank
        "#;

/// Every customer the search finds, strongest match first, then by name. One statement:
/// each branch is an index probe (see the `create_contact_links` migration and the
/// `index_use` test), limited, so no search reads a large part of the store.
#[tracing::instrument(skip_all)]
pub async fn search(
    pool: &PgPool,
    store: &StoreSchema,
    terms: &SearchTerms,
) -> sqlx::Result<SearchResults> {
    // Branch ranks follow `SearchBasis`; `~>=~`/`~<~` are the byte-wise comparisons the
    // text_pattern_ops index serves, in a form that stays indexable in a generic plan (a
    // `LIKE $1` prefix does not). U+10FFFF sorts after every character that can follow.
    let rows: Vec<SearchRow> = sqlx::query_as(&store.sql(SEARCH_SQL))
        .bind(&terms.number)
        .bind(&terms.email_prefix)
        .bind(&terms.phone)
        .bind(&terms.name_pattern)
        .bind(ROWS_PER_LOOKUP)
        .fetch_all(pool)
        .await?;
    let mut hits: Vec<(i32, SearchHit)> = rows
        .into_iter()
        .filter_map(|row| {
            let basis = match row.rank {
                0 => SearchBasis::Reference,
                1 => SearchBasis::OrderNumber,
                2 => SearchBasis::InvoiceNumber,
                3 => SearchBasis::Email,
                4 => SearchBasis::Phone,
                5 => SearchBasis::EmailPrefix,
                6 => SearchBasis::Name,
                _ => return None,
            };
            let hit = SearchHit {
                id: row.id,
                reference: row.reference,
                name: row.name,
                basis,
                matched: row.matched,
            };
            Some((row.rank, hit))
        })
        .collect();
    hits.sort_by(|(a, x), (b, y)| (a, &x.name, x.id).cmp(&(b, &y.name, y.id)));
    let more = hits.len() > MAX_RESULTS;
    hits.truncate(MAX_RESULTS);
    Ok(SearchResults {
        hits: hits.into_iter().map(|(_, hit)| hit).collect(),
        more,
    })
}

/// A customer a search found, with the rank of its strongest match and what matched.
#[derive(sqlx::FromRow)]
struct SearchRow {
    id: i64,
    reference: String,
    name: String,
    rank: i32,
    matched: String,
}

/// The customer a contact was just linked to.
#[derive(sqlx::FromRow)]
struct LinkedRow {
    id: i64,
    reference: String,
    name: String,
}

/// Links helpdesk contact `$2` of install `$1` to customer `$3`, by agent `$4`/`$5`, and reads
/// the customer back (no row when there is no such customer).
pub const LINK_SQL: &str = r#"
        with linked as (
            insert into orderpane.contact_links
                   (install, contact_id, customer_id, linked_by_agent_id, linked_by_agent_name)
            select $1, $2, id, $4, $5 from {store}.customers where id = $3
            on conflict (install, contact_id) do update
               set customer_id = excluded.customer_id,
                   linked_by_agent_id = excluded.linked_by_agent_id,
                   linked_by_agent_name = excluded.linked_by_agent_name,
                   updated_at = now()
            returning customer_id
        )
        select c.id, c.reference, c.name
          from linked
          join {store}.customers c on c.id = linked.customer_id
        "#;

/// Links `contact` to customer `customer_id` (replacing its earlier link) and writes `event`
/// in the same transaction: no link without its audit row. `None` when there is no such
/// customer.
#[tracing::instrument(skip_all)]
pub async fn link(
    pool: &PgPool,
    store: &StoreSchema,
    contact: HelpdeskContact<'_>,
    customer_id: i64,
    agent: Option<&Agent>,
    event: &AuditEvent<'_>,
) -> sqlx::Result<Option<CustomerMatch>> {
    let mut tx = pool.begin().await?;
    let linked: Option<LinkedRow> = sqlx::query_as(&store.sql(LINK_SQL))
        .bind(contact.install)
        .bind(contact.contact_id)
        .bind(customer_id)
        .bind(agent.and_then(|a| a.id.as_deref()))
        .bind(agent.and_then(|a| a.name.as_deref()))
        .fetch_optional(&mut *tx)
        .await?;
    let Some(row) = linked else {
        return Ok(None);
    };
    audit::record(&mut *tx, event).await?;
    tx.commit().await?;
    Ok(Some(CustomerMatch {
        id: row.id,
        reference: row.reference,
        name: row.name,
        basis: MatchBasis::Linked,
    }))
}

/// Removes contact `$2` of install `$1`'s link to customer `$3`, and reads the customer's
/// reference (no row when it was not linked to them).
pub const UNLINK_SQL: &str = r#"
        with removed as (
            delete from orderpane.contact_links
             where install = $1 and contact_id = $2 and customer_id = $3
            returning customer_id
        )
        select c.reference
          from removed
          join {store}.customers c on c.id = removed.customer_id
        "#;

/// Removes `contact`'s link to customer `customer_id` and writes `event`, in one
/// transaction. Returns the customer's reference, or `None` when the contact was not linked
/// to that customer (already undone, or since linked to another: that link stays).
#[tracing::instrument(skip_all)]
pub async fn unlink(
    pool: &PgPool,
    store: &StoreSchema,
    contact: HelpdeskContact<'_>,
    customer_id: i64,
    event: &AuditEvent<'_>,
) -> sqlx::Result<Option<String>> {
    let mut tx = pool.begin().await?;
    let reference: Option<String> = sqlx::query_scalar(&store.sql(UNLINK_SQL))
        .bind(contact.install)
        .bind(contact.contact_id)
        .bind(customer_id)
        .fetch_optional(&mut *tx)
        .await?;
    audit::record(&mut *tx, event).await?;
    tx.commit().await?;
    Ok(reference)
}
