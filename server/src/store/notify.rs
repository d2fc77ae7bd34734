//! Whether store changes reach open panels: a trigger on every table the contract reads
//! (the managed tables, or the shop's own tables under a mapped store's views) must announce
//! the changed customer on the channel `orderpane_customer_changed`.

use sqlx::PgPool;

use super::check::{Finding, Section};
use super::contract::{CHANGE_CHANNEL, RELATIONS};
use crate::schema::StoreSettings;

/// The relations whose changes the panel shows live (stores and their names rarely change).
const LIVE_RELATIONS: &[&str] = &[
    "customers",
    "customer_identities",
    "orders",
    "order_items",
    "shipments",
    "invoices",
    "payments",
    "refunds",
    "subscriptions",
];

/// For each contract relation the panel shows live: the tables it reads (itself, or what its
/// view reads, through views of views), and whether each has a trigger whose function
/// notifies [`CHANGE_CHANNEL`].
pub async fn check(pool: &PgPool, store: &StoreSettings) -> sqlx::Result<Section> {
    // pg_depend records what a view's rewrite rule reads; the recursion follows views of
    // views down to tables.
    let rows: Vec<(String, String, bool)> = sqlx::query_as(
        "with recursive reads(relation, oid) as (
             select c.relname::text, c.oid
               from pg_class c join pg_namespace n on n.oid = c.relnamespace
              where n.nspname = $1 and c.relname = any($2)
             union
             select r.relation, d.refobjid
               from reads r
               join pg_class v on v.oid = r.oid and v.relkind in ('v', 'm')
               join pg_rewrite w on w.ev_class = v.oid
               join pg_depend d on d.objid = w.oid and d.classid = 'pg_rewrite'::regclass
                                and d.refclassid = 'pg_class'::regclass and d.refobjid <> v.oid
         )
         select r.relation, format('%I.%I', n.nspname, c.relname),
                exists (select 1 from pg_trigger t join pg_proc p on p.oid = t.tgfoid
                         where t.tgrelid = c.oid and not t.tgisinternal and t.tgenabled <> 'D'
                           and p.prosrc like '%' || $3 || '%')
           from reads r
           join pg_class c on c.oid = r.oid and c.relkind in ('r', 'p')
           join pg_namespace n on n.oid = c.relnamespace
          order by 1, 2",
    )
    .bind(store.schema.name())
    .bind(LIVE_RELATIONS)
    .bind(CHANGE_CHANNEL)
    .fetch_all(pool)
    .await?;
    let mut findings = Vec::new();
    for relation in RELATIONS
        .iter()
        .filter(|r| LIVE_RELATIONS.contains(&r.name))
    {
        let tables: Vec<&(String, String, bool)> =
            rows.iter().filter(|row| row.0 == relation.name).collect();
        let silent: Vec<&str> = tables
            .iter()
            .filter(|row| !row.2)
            .map(|row| row.1.as_str())
            .collect();
        if tables.is_empty() {
            continue; // missing: the contract section says so
        }
        if silent.is_empty() {
            findings.push(Finding::ok(format!(
                "{}.{}: changes are announced",
                store.schema, relation.name
            )));
        } else {
            findings.push(Finding::warning(format!(
                "{}.{}: changes to {} are not announced, so open panels show them only on \
                 reload; add a trigger that runs `pg_notify('{CHANGE_CHANNEL}', <customer \
                 id>::text)` (docs/store-contract.md, \"Live updates\")",
                store.schema,
                relation.name,
                silent.join(", ")
            )));
        }
    }
    let live = findings
        .iter()
        .all(|f| f.severity == super::check::Severity::Ok);
    findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
    Ok(Section {
        title: format!(
            "Live updates ({} store): {}",
            store.mode,
            if live { "on" } else { "partly off" }
        ),
        findings,
    })
}
