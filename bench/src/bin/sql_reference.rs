//! The reference for the panel lookup: the same reads run straight against Postgres with
//! pgbench, no server in between. Each transaction is the panel's reads for one random
//! customer by email, one statement per part, as `store check` explains them
//! (`app/src/server/db/lookups.rs`): the matching customers; the shown customer's summary,
//! first page of orders with their items, shipments, payments and refunds; and their
//! invoices, payments, refunds and subscriptions with their counts. Prints transactions per
//! second and the median and 99th-percentile latency at each concurrency.
//!
//! Differences from the server: the server reads the shown customer's parts in one statement
//! composed of these (`SHOWN_CUSTOMER_SQL` in `app/src/server/db/panel.rs`), so a lookup is
//! two statements where this script runs eight; and the server writes an audit row per
//! lookup, which this script does not.

use std::{
    path::{Path, PathBuf},
    process::Command,
};

use anyhow::{bail, Context};
use bench::{percentile, CpuSample, Levels};
use clap::Parser;

#[derive(Parser)]
struct Args {
    /// The folder of the cluster's Unix socket (or a host name).
    #[arg(long)]
    host: String,
    /// The port (for a socket: the number in its file name).
    #[arg(long, default_value_t = 5432)]
    port: u16,
    /// The database role.
    #[arg(long, default_value = "orderpane")]
    user: String,
    /// The seeded store's database.
    #[arg(long)]
    database: String,
    /// The store and the load levels.
    #[command(flatten)]
    levels: Levels,
    /// The pgbench program.
    #[arg(long, default_value = "pgbench")]
    pgbench: PathBuf,
    /// A folder for the script and pgbench's transaction logs.
    #[arg(long)]
    work_dir: PathBuf,
    /// Postgres's process id: its CPU time (and pgbench's) is the benchmark's own, the rest
    /// of the machine's is other work (reported per level).
    #[arg(long, value_delimiter = ',')]
    watch_pid: Vec<u32>,
    /// Where to write the figures as JSON.
    #[arg(long)]
    json: Option<PathBuf>,
}

/// The panel's reads for one contact known by email, with pgbench variables where the
/// server binds parameters: from app/src/server/db/panel.rs `matching_customers`, then for the one
/// customer shown `orders_page` (the first page: 20 orders and one to see whether more
/// follow) with its `order_items`, `order_shipments` and `billing::order_money` (payments,
/// also through invoices, and refunds), and from app/src/server/db/billing.rs `summary` and
/// `billing` (20 of each list, with their counts and the attention list with the default
/// thresholds, as one JSON statement). The absent keys (external id, phone) and the
/// absent page cursor are nulls, as the server binds them; the contact's link is looked up
/// for install `bench` and the contact id panel_load sends (the customer's number).
///
/// `\aset` keeps the last row's columns: the customer (a contact matching several customers
/// gets no orders, as in the panel) and the ids of the page's orders, gathered with a window
/// aggregate so that they need no second query.
const SCRIPT: &str = r#"\set g random(1, :customers)
\set m_n 0
select distinct on (c.id)
       c.id, c.reference, c.name, m.kind as kind, count(*) over () as n
  from (
        select customer_id, kind
          from customer_identities
         where kind = 'external_id' and value = null::text
        union all
        select customer_id, kind
          from customer_identities
         where kind = 'email' and value = 'c' || :g::text || '@bench.example'
        union all
        select customer_id, kind
          from customer_identities
         where kind = 'phone' and value = null::text
        union all
        select id, 'external_id'
          from customers
         where reference = null::text
        union all
        select customer_id, 'linked'
          from contact_links
         where install = 'bench' and contact_id = :g::text
       ) m
  join customers c on c.id = m.customer_id
 order by c.id,
          case m.kind
               when 'linked' then 0 when 'external_id' then 1 when 'email' then 2
               else 3
          end
\aset m_
\if :m_n = 1
select 'since' as kind, null::text as currency, null::text as month,
       extract(epoch from c.created_at)::bigint as amount,
       to_char(c.created_at at time zone 'UTC', 'YYYY-MM-DD') as day
  from customers c where c.id = :m_id
union all
select 'orders', null, null, count(*), null from orders where customer_id = :m_id
union all
select 'spent', currency, null, sum(total_minor)::bigint, null
  from orders where customer_id = :m_id and status <> 'cancelled' group by currency
union all
select 'refunded', currency, null, sum(amount_minor)::bigint, null
  from refunds where customer_id = :m_id and status = 'succeeded' group by currency
union all
select 'open', currency, null, sum(amount_due_minor - amount_paid_minor)::bigint, null
  from invoices where customer_id = :m_id and status = 'open' group by currency
union all
select 'subscriptions', null, null, count(*), null
  from subscriptions
 where customer_id = :m_id and status in ('trialing', 'active')
union all
select 'month', currency, to_char(placed_at at time zone 'UTC', 'YYYY-MM'),
       sum(total_minor)::bigint, null
  from orders
 where customer_id = :m_id and status <> 'cancelled'
   and placed_at >= date_trunc('month', now() at time zone 'UTC') at time zone 'UTC'
                    - make_interval(months => 11)
 group by currency, 3;
\set o_n 0
select o.id, o.number, o.status, o.currency, o.total_minor, o.shipping_address, o.placed_on,
       count(*) over () as n,
       (array_agg(o.id) over (order by o.placed_at desc, o.id desc
                              rows between unbounded preceding and unbounded following))[1:20] as ids
  from (select id, number, status, currency, total_minor, shipping_address, placed_at,
               to_char(placed_at at time zone 'UTC', 'YYYY-MM-DD') as placed_on
          from orders
         where customer_id = :m_id
           and (null::bigint is null
                or (placed_at, id) < (select placed_at, id from orders
                                       where id = null::bigint and customer_id = :m_id))
         order by placed_at desc, id desc
         limit 21) o
\aset o_
\if :o_n > 0
select i.order_id, i.sku, i.name, i.quantity, i.unit_price_minor, o.currency
  from order_items i
  join orders o on o.id = i.order_id
 where i.order_id = any(:o_ids::bigint[])
 order by i.order_id, i.id;
select order_id, carrier, tracking_number, tracking_url,
       to_char(shipped_at at time zone 'UTC', 'YYYY-MM-DD') as shipped_on,
       to_char(delivered_at at time zone 'UTC', 'YYYY-MM-DD') as delivered_on
  from shipments
 where order_id = any(:o_ids::bigint[])
 order by order_id, shipped_at, id;
select order_id, status, sum(minor)::bigint as minor
  from (select order_id, status, amount_minor as minor
          from payments
         where order_id = any(:o_ids::bigint[])
        union all
        select i.order_id, p.status, p.amount_minor
          from invoices i
          join payments p on p.invoice_id = i.id and p.order_id is null
         where i.order_id = any(:o_ids::bigint[])) as paid
 group by order_id, status;
select r.order_id, r.currency, r.amount_minor, r.reason, r.status, o.number,
       to_char(r.refunded_at at time zone 'UTC', 'YYYY-MM-DD') as refunded_on
  from refunds r
  join orders o on o.id = r.order_id
 where r.order_id = any(:o_ids::bigint[])
 order by r.order_id, r.refunded_at, r.id;
\endif
select
  (select coalesce(json_agg(l order by l.issued_at desc, l.id desc), '[]')
     from (select i.id, i.issued_at, i.number, o.number as order_number, i.status,
                  to_char(i.issued_at at time zone 'UTC', 'YYYY-MM-DD') as issued_on,
                  to_char(i.due_at at time zone 'UTC', 'YYYY-MM-DD') as due_on,
                  json_build_object('minor', i.amount_due_minor, 'currency', i.currency) as amount_due,
                  json_build_object('minor', i.amount_paid_minor, 'currency', i.currency) as amount_paid,
                  i.pdf_url, (i.status = 'open' and i.due_at < now()) is true as overdue
             from invoices i
             left join orders o on o.id = i.order_id
            where i.customer_id = :m_id
            order by i.issued_at desc, i.id desc
            limit 20) l) as invoices,
  (select coalesce(json_agg(l order by l.attempted_at desc, l.id desc), '[]')
     from (select p.id, p.attempted_at,
                  to_char(p.attempted_at at time zone 'UTC', 'YYYY-MM-DD') as attempted_on,
                  json_build_object('minor', p.amount_minor, 'currency', p.currency) as amount,
                  p.method, p.card_brand, p.card_last4, p.status, p.failure_reason,
                  o.number as order_number, i.number as invoice_number
             from payments p
             left join orders o on o.id = p.order_id
             left join invoices i on i.id = p.invoice_id
            where p.customer_id = :m_id
            order by p.attempted_at desc, p.id desc
            limit 20) l) as payments,
  (select coalesce(json_agg(l order by l.refunded_at desc, l.id desc), '[]')
     from (select r.id, r.refunded_at,
                  to_char(r.refunded_at at time zone 'UTC', 'YYYY-MM-DD') as refunded_on,
                  json_build_object('minor', r.amount_minor, 'currency', r.currency) as amount,
                  r.reason, r.status, o.number as order_number
             from refunds r
             left join orders o on o.id = r.order_id
            where r.customer_id = :m_id
            order by r.refunded_at desc, r.id desc
            limit 20) l) as refunds,
  (select coalesce(json_agg(l order by l.running desc, l.started_at desc, l.id desc), '[]')
     from (select id, started_at, status in ('trialing', 'active', 'past_due') as running,
                  plan, status, billing_interval as interval,
                  json_build_object('minor', amount_minor, 'currency', currency) as amount,
                  to_char(started_at at time zone 'UTC', 'YYYY-MM-DD') as started_on,
                  case when status <> 'cancelled'
                       then to_char(current_period_end at time zone 'UTC', 'YYYY-MM-DD')
                  end as renews_on,
                  to_char(cancel_at at time zone 'UTC', 'YYYY-MM-DD') as ends_on
             from subscriptions
            where customer_id = :m_id
            order by status in ('trialing', 'active', 'past_due') desc, started_at desc, id desc
            limit 20) l) as subscriptions,
  json_build_object(
    'invoices', (select count(*) from invoices where customer_id = :m_id),
    'overdue_invoices', (select count(*) from invoices
                          where customer_id = :m_id and status = 'open' and due_at < now()),
    'payments', (select count(*) from payments where customer_id = :m_id),
    'failed_payments', (select count(*) from payments
                         where customer_id = :m_id and status = 'failed'),
    'refunds', (select count(*) from refunds where customer_id = :m_id),
    'subscriptions', (select count(*) from subscriptions where customer_id = :m_id)) as totals,
      -- What needs attention, most pressing first: each branch reads this customer's rows
      -- by their customer index, and the rows of their orders by order id.
      (select coalesce(json_agg(a order by a.rank, a.since desc), '[]') from (
        -- A double charge: an order paid more than its total, net of refunds (payments that name
        -- only one of its invoices count, as for its payment state)...
        (select 1 as rank, 'overcharged' as kind, o.number as order_number,
                null::text as invoice_number, null::text as plan, null::text as carrier,
                json_build_object('minor', paid.minor - coalesce(back.minor, 0) - o.total_minor,
                                  'currency', o.currency) as amount,
                null::bigint as days, paid.payments, o.placed_at as since
           from orders o
           cross join lateral (
                 select coalesce(sum(x.amount_minor), 0)::bigint as minor, count(*) as payments
                   from (select amount_minor from payments
                          where order_id = o.id and status = 'succeeded'
                         union all
                         select p.amount_minor from invoices i
                           join payments p on p.invoice_id = i.id and p.order_id is null
                          where i.order_id = o.id and p.status = 'succeeded') x) paid
           left join lateral (
                 select sum(amount_minor)::bigint as minor from refunds
                  where order_id = o.id and status = 'succeeded') back on true
          where o.customer_id = :m_id and o.total_minor > 0
            and paid.minor - coalesce(back.minor, 0) > o.total_minor)
        union all
        -- ...or an invoice of no order paid more than was due.
        (select 1, 'overcharged', null, i.number, null, null,
                json_build_object('minor', paid.minor - i.amount_due_minor, 'currency', i.currency),
                null, paid.payments, i.issued_at
           from invoices i
           cross join lateral (
                 select coalesce(sum(amount_minor), 0)::bigint as minor, count(*) as payments
                   from payments
                where invoice_id = i.id and order_id is null and status = 'succeeded') paid
          where i.customer_id = :m_id and i.order_id is null and i.amount_due_minor > 0
            and paid.minor > i.amount_due_minor)
        union all
        -- A failed payment not recovered since: no later successful payment for the same order or
        -- invoice; for one of neither (a renewal), none of the same amount. The latest per target.
        (select distinct on (f.order_id, f.invoice_id, f.target)
                2, 'failed_payment', o.number, i.number, null, null,
                json_build_object('minor', f.amount_minor, 'currency', f.currency), null, null,
                f.attempted_at
           from (select p.*, case when p.order_id is null and p.invoice_id is null
                                  then p.currency || p.amount_minor end as target
                   from payments p where p.customer_id = :m_id and p.status = 'failed') f
           left join orders o on o.id = f.order_id
           left join invoices i on i.id = f.invoice_id
          where not exists (
                 select 1 from payments s
                  where s.customer_id = :m_id and s.status = 'succeeded' and s.attempted_at > f.attempted_at
                    and (s.order_id = f.order_id or s.invoice_id = f.invoice_id
                         or (f.target is not null and s.order_id is null and s.invoice_id is null
                             and s.currency = f.currency and s.amount_minor = f.amount_minor)))
          order by f.order_id, f.invoice_id, f.target, f.attempted_at desc)
        union all
        (select 3, 'past_due_subscription', null, null, s.plan, null,
                json_build_object('minor', s.amount_minor, 'currency', s.currency), null, null,
                s.started_at
           from subscriptions s where s.customer_id = :m_id and s.status = 'past_due')
        union all
        (select 4, 'overdue_invoice', o.number, i.number, null, null,
                json_build_object('minor', greatest(i.amount_due_minor - i.amount_paid_minor, 0),
                                  'currency', i.currency),
                extract(day from now() - i.due_at)::bigint, null, i.due_at
           from invoices i left join orders o on o.id = i.order_id
          where i.customer_id = :m_id and i.status = 'open' and i.due_at < now())
        union all
        (select 5, 'refund_pending', o.number, null, null, null,
                json_build_object('minor', r.amount_minor, 'currency', r.currency),
                extract(day from now() - r.refunded_at)::bigint, null, r.refunded_at
           from refunds r left join orders o on o.id = r.order_id
          where r.customer_id = :m_id and r.status = 'pending'
            and r.refunded_at < now() - make_interval(days => 3))
        union all
        -- Paid in full, going somewhere, and still not shipped.
        (select 6, 'not_shipped', o.number, null, null, null, null,
                extract(day from now() - o.placed_at)::bigint, null, o.placed_at
           from orders o
          where o.customer_id = :m_id and o.status in ('pending', 'processing')
            and o.shipping_address is not null and o.total_minor > 0
            and o.placed_at < now() - make_interval(days => 2)
            and not exists (select 1 from shipments s where s.order_id = o.id)
            and (select coalesce(sum(x.amount_minor), 0)
                   from (select amount_minor from payments
                          where order_id = o.id and status = 'succeeded'
                         union all
                         select p.amount_minor from invoices i
                           join payments p on p.invoice_id = i.id and p.order_id is null
                          where i.order_id = o.id and p.status = 'succeeded') x) >= o.total_minor)
        union all
        (select 7, 'long_in_transit', o.number, null, null, s.carrier, null,
                extract(day from now() - s.shipped_at)::bigint, null, s.shipped_at
           from orders o join shipments s on s.order_id = o.id
          where o.customer_id = :m_id and o.status not in ('cancelled', 'refunded', 'delivered')
            and s.delivered_at is null and s.shipped_at < now() - make_interval(days => 7))
      ) a) as attention;
\endif
"#;

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if args.levels.customers == 0 || args.levels.concurrency.contains(&0) {
        bail!("--customers and the --concurrency levels must be at least 1");
    }
    std::fs::create_dir_all(&args.work_dir)
        .with_context(|| format!("creating {}", args.work_dir.display()))?;
    let script = args.work_dir.join("panel.sql");
    std::fs::write(&script, SCRIPT)?;

    let mut levels = Vec::new();
    for &concurrency in &args.levels.concurrency {
        pgbench(&args, &script, concurrency, args.levels.warmup, None)?;
        let prefix = args.work_dir.join(format!("log_{concurrency}"));
        remove_logs(&args.work_dir)?;
        let cpu = CpuSample::take(&args.watch_pid);
        let reported_tps = pgbench(
            &args,
            &script,
            concurrency,
            args.levels.seconds,
            Some(&prefix),
        )?;
        let others_cores = cpu
            .zip(CpuSample::take(&args.watch_pid))
            .and_then(|(before, after)| before.others_cores(&after));
        let mut latencies = read_logs(&args.work_dir)?;
        latencies.sort_unstable();
        // pgbench logs microseconds.
        let ms = |share| percentile(&latencies, share).map_or(f64::NAN, |us| us as f64 / 1e3);
        let (median_ms, p99_ms) = (ms(0.50), ms(0.99));
        let mean_ms = latencies.iter().sum::<u64>() as f64 / latencies.len().max(1) as f64 / 1e3;
        println!(
            "{} SQL reference, {:>2} clients: {:>7.1} transactions/s, median {:>6.2} ms, p99 {:>6.2} ms, other work {} cores",
            args.levels.label,
            concurrency,
            reported_tps,
            median_ms,
            p99_ms,
            others_cores.map_or("?".into(), |c| format!("{c:.2}")),
        );
        levels.push(serde_json::json!({
            "concurrency": concurrency,
            "transactions": latencies.len(),
            "tps": reported_tps,
            "median_ms": median_ms,
            "p99_ms": p99_ms,
            "mean_ms": mean_ms,
            "others_cores": others_cores,
        }));
    }
    remove_logs(&args.work_dir)?;
    if let Some(path) = &args.json {
        let figures = serde_json::json!({
            "store": args.levels.label,
            "customers": args.levels.customers,
            "seconds_per_level": args.levels.seconds,
            "warmup_seconds": args.levels.warmup,
            "script": SCRIPT,
            "levels": levels,
        });
        std::fs::write(path, serde_json::to_string_pretty(&figures)?)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}

/// Runs pgbench for `seconds` at `concurrency` and returns the transactions per second it
/// reports. With `log_prefix` it logs every transaction's latency.
fn pgbench(
    args: &Args,
    script: &Path,
    concurrency: usize,
    seconds: u64,
    log_prefix: Option<&Path>,
) -> anyhow::Result<f64> {
    let mut command = Command::new(&args.pgbench);
    command
        .args(["--host", &args.host])
        .args(["--port", &args.port.to_string()])
        .args(["--username", &args.user])
        // Prepared statements, as sqlx uses; no vacuum of pgbench's own tables (none exist).
        .args(["--no-vacuum", "--protocol", "prepared"])
        .args(["--client", &concurrency.to_string()])
        // One thread per core at most: more would only compete with Postgres.
        .args(["--jobs", &concurrency.min(2).to_string()])
        .args(["--time", &seconds.to_string()])
        .args(["--define", &format!("customers={}", args.levels.customers)])
        // The script names the managed store's tables unqualified, as the seeder does.
        .env("PGOPTIONS", "-c search_path=orderpane_store,orderpane")
        .arg("--file")
        .arg(script);
    if let Some(prefix) = log_prefix {
        command.arg("--log").arg("--log-prefix").arg(prefix);
    }
    command.arg(&args.database);
    let output = command
        .output()
        .with_context(|| format!("running {}", args.pgbench.display()))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        bail!(
            "pgbench failed: {}{}",
            stdout,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    // "tps = 1234.567890 (without initial connection time)"
    stdout
        .lines()
        .find_map(|line| line.strip_prefix("tps = "))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|tps| tps.parse().ok())
        .with_context(|| format!("pgbench printed no tps: {stdout}"))
}

/// Every transaction's latency in microseconds from pgbench's logs in `dir`. A line is
/// `client transaction latency script epoch microseconds`.
fn read_logs(dir: &Path) -> anyhow::Result<Vec<u64>> {
    let mut latencies = Vec::new();
    for log in logs(dir)? {
        let text = std::fs::read_to_string(&log)?;
        for line in text.lines() {
            let latency = line
                .split_whitespace()
                .nth(2)
                .and_then(|field| field.parse().ok())
                .with_context(|| format!("{}: unreadable line {line:?}", log.display()))?;
            latencies.push(latency);
        }
    }
    Ok(latencies)
}

/// pgbench's transaction logs in `dir` (`log_<clients>.<pid>[.<thread>]`).
fn logs(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        if name.starts_with("log_") {
            found.push(path);
        }
    }
    Ok(found)
}

/// Removes the logs of an earlier level.
fn remove_logs(dir: &Path) -> anyhow::Result<()> {
    for log in logs(dir)? {
        std::fs::remove_file(&log)?;
    }
    Ok(())
}
