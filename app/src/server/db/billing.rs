//! The SQL behind the billing part of the panel: the customer's invoices, payments, refunds
//! and subscriptions, the summary with its monthly chart, and what orders were paid.

use std::collections::HashMap;

use orderpane::money::Money;
use sqlx::{types::Json, PgConnection, PgExecutor};

use crate::model::attention::Attention;
use crate::model::billing::{
    Billing, BillingTotals, Invoice, MonthTotal, Payment, Refund, Subscription, Summary,
    BILLING_LIST_LEN, CHART_MONTHS,
};
use crate::server::attention::AttentionThresholds;
use crate::server::store::StoreSchema;

/// Customer `$1`'s invoices, payments, refunds and subscriptions (at most `$2` of each), their
/// counts, and what needs attention over the whole history (a refund pending more than `$3`
/// days, an order paid but not shipped after `$4` days, a shipment in transit more than `$5`
/// days; see [`crate::model::attention::AttentionKind`]), as JSON.
pub const BILLING_SQL: &str = r#"
        select
          (select coalesce(json_agg(l order by l.issued_at desc, l.id desc), '[]')
             from (select i.id, i.issued_at, i.number, o.number as order_number, i.status,
                          to_char(i.issued_at at time zone 'UTC', 'YYYY-MM-DD') as issued_on,
                          to_char(i.due_at at time zone 'UTC', 'YYYY-MM-DD') as due_on,
                          json_build_object('minor', i.amount_due_minor,
                                            'currency', i.currency) as amount_due,
                          json_build_object('minor', i.amount_paid_minor,
                                            'currency', i.currency) as amount_paid,
                          i.pdf_url,
                          (i.status = 'open' and i.due_at < now()) is true as overdue
                     from {store}.invoices i
                     left join {store}.orders o on o.id = i.order_id
                    where i.customer_id = $1
                    order by i.issued_at desc, i.id desc
                    limit $2) l) as invoices,
          (select coalesce(json_agg(l order by l.attempted_at desc, l.id desc), '[]')
             from (select p.id, p.attempted_at,
                          to_char(p.attempted_at at time zone 'UTC', 'YYYY-MM-DD') as attempted_on,
                          json_build_object('minor', p.amount_minor,
                                            'currency', p.currency) as amount,
                          p.method, p.card_brand, p.card_last4, p.status, p.failure_reason,
                          o.number as order_number, i.number as invoice_number
                     from {store}.payments p
                     left join {store}.orders o on o.id = p.order_id
                     left join {store}.invoices i on i.id = p.invoice_id
                    where p.customer_id = $1
                    order by p.attempted_at desc, p.id desc
                    limit $2) l) as payments,
          (select coalesce(json_agg(l order by l.refunded_at desc, l.id desc), '[]')
             from (select r.id, r.refunded_at,
                          to_char(r.refunded_at at time zone 'UTC', 'YYYY-MM-DD') as refunded_on,
                          json_build_object('minor', r.amount_minor,
                                            'currency', r.currency) as amount,
                          r.reason, r.status, o.number as order_number
                     from {store}.refunds r
                     left join {store}.orders o on o.id = r.order_id
                    where r.customer_id = $1
                    order by r.refunded_at desc, r.id desc
                    limit $2) l) as refunds,
          (select coalesce(json_agg(l order by l.running desc, l.started_at desc, l.id desc),
                           '[]')
             from (select id, started_at, status in ('trialing', 'active', 'past_due') as running,
                          plan, status, billing_interval as interval,
                          json_build_object('minor', amount_minor, 'currency', currency) as amount,
                          to_char(started_at at time zone 'UTC', 'YYYY-MM-DD') as started_on,
                          -- A cancelled plan does not renew, whatever its last period said.
                          case when status <> 'cancelled'
                               then to_char(current_period_end at time zone 'UTC', 'YYYY-MM-DD')
                          end as renews_on,
                          to_char(cancel_at at time zone 'UTC', 'YYYY-MM-DD') as ends_on
                     from {store}.subscriptions
                    where customer_id = $1
                    order by status in ('trialing', 'active', 'past_due') desc,
                             started_at desc, id desc
                    limit $2) l) as subscriptions,
          -- Counts: the whole lists by their customer index, the overdue and failed ones by
          -- partial indexes (see the migration `index_billing_lookups`).
          json_build_object(
            'invoices', (select count(*) from {store}.invoices where customer_id = $1),
            'overdue_invoices', (select count(*) from {store}.invoices
                                  where customer_id = $1 and status = 'open' and due_at < now()),
            'payments', (select count(*) from {store}.payments where customer_id = $1),
            'failed_payments', (select count(*) from {store}.payments
                                 where customer_id = $1 and status = 'failed'),
            'refunds', (select count(*) from {store}.refunds where customer_id = $1),
            'subscriptions', (select count(*) from {store}.subscriptions where customer_id = $1))
            as totals,
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
               from {store}.orders o
               cross join lateral (
                     select coalesce(sum(x.amount_minor), 0)::bigint as minor, count(*) as payments
                       from (select amount_minor from {store}.payments
                              where order_id = o.id and status = 'succeeded'
                             union all
                             select p.amount_minor from {store}.invoices i
                               join {store}.payments p on p.invoice_id = i.id and p.order_id is null
                              where i.order_id = o.id and p.status = 'succeeded') x) paid
               left join lateral (
                     select sum(amount_minor)::bigint as minor from {store}.refunds
                      where order_id = o.id and status = 'succeeded') back on true
              where o.customer_id = $1 and o.total_minor > 0
                and paid.minor - coalesce(back.minor, 0) > o.total_minor)
            union all
            -- ...or an invoice of no order paid more than was due.
            (select 1, 'overcharged', null, i.number, null, null,
                    json_build_object('minor', paid.minor - i.amount_due_minor, 'currency', i.currency),
                    null, paid.payments, i.issued_at
               from {store}.invoices i
               cross join lateral (
                     select coalesce(sum(amount_minor), 0)::bigint as minor, count(*) as payments
                       from {store}.payments
                    where invoice_id = i.id and order_id is null and status = 'succeeded') paid
              where i.customer_id = $1 and i.order_id is null and i.amount_due_minor > 0
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
                       from {store}.payments p where p.customer_id = $1 and p.status = 'failed') f
               left join {store}.orders o on o.id = f.order_id
               left join {store}.invoices i on i.id = f.invoice_id
              where not exists (
                     select 1 from {store}.payments s
                      where s.customer_id = $1 and s.status = 'succeeded' and s.attempted_at > f.attempted_at
                        and (s.order_id = f.order_id or s.invoice_id = f.invoice_id
                             or (f.target is not null and s.order_id is null and s.invoice_id is null
                                 and s.currency = f.currency and s.amount_minor = f.amount_minor)))
              order by f.order_id, f.invoice_id, f.target, f.attempted_at desc)
            union all
            (select 3, 'past_due_subscription', null, null, s.plan, null,
                    json_build_object('minor', s.amount_minor, 'currency', s.currency), null, null,
                    s.started_at
               from {store}.subscriptions s where s.customer_id = $1 and s.status = 'past_due')
            union all
            (select 4, 'overdue_invoice', o.number, i.number, null, null,
                    json_build_object('minor', greatest(i.amount_due_minor - i.amount_paid_minor, 0),
                                      'currency', i.currency),
                    extract(day from now() - i.due_at)::bigint, null, i.due_at
               from {store}.invoices i left join {store}.orders o on o.id = i.order_id
              where i.customer_id = $1 and i.status = 'open' and i.due_at < now())
            union all
            (select 5, 'refund_pending', o.number, null, null, null,
                    json_build_object('minor', r.amount_minor, 'currency', r.currency),
                    extract(day from now() - r.refunded_at)::bigint, null, r.refunded_at
               from {store}.refunds r left join {store}.orders o on o.id = r.order_id
              where r.customer_id = $1 and r.status = 'pending'
                and r.refunded_at < now() - make_interval(days => $3::int))
            union all
            -- Paid in full, going somewhere, and still not shipped.
            (select 6, 'not_shipped', o.number, null, null, null, null,
                    extract(day from now() - o.placed_at)::bigint, null, o.placed_at
               from {store}.orders o
              where o.customer_id = $1 and o.status in ('pending', 'processing')
                and o.shipping_address is not null and o.total_minor > 0
                and o.placed_at < now() - make_interval(days => $4::int)
                and not exists (select 1 from {store}.shipments s where s.order_id = o.id)
                and (select coalesce(sum(x.amount_minor), 0)
                       from (select amount_minor from {store}.payments
                              where order_id = o.id and status = 'succeeded'
                             union all
                             select p.amount_minor from {store}.invoices i
                               join {store}.payments p on p.invoice_id = i.id and p.order_id is null
                              where i.order_id = o.id and p.status = 'succeeded') x) >= o.total_minor)
            union all
            (select 7, 'long_in_transit', o.number, null, null, s.carrier, null,
                    extract(day from now() - s.shipped_at)::bigint, null, s.shipped_at
               from {store}.orders o join {store}.shipments s on s.order_id = o.id
              where o.customer_id = $1 and o.status not in ('cancelled', 'refunded', 'delivered')
                and s.delivered_at is null and s.shipped_at < now() - make_interval(days => $5::int))
          ) a) as attention
        "#;

/// The customer's invoices, payments, refunds and subscriptions, at most [`BILLING_LIST_LEN`]
/// of each, newest first (running subscriptions first, in SQL so that the limit never drops
/// one), and how many there are in all. One statement, one round trip: each part is an index
/// probe by customer, built as JSON in the shape of the `crate::model::billing` types (unknown keys,
/// such as the sort keys, are ignored when it is read).
///
/// The panel's lookup reads this as part of one statement (`SHOWN_CUSTOMER_SQL` in
/// [`super::panel`]); on its own it is what that statement is checked against.
#[tracing::instrument(skip_all)]
pub async fn billing(
    db: impl PgExecutor<'_>,
    store: &StoreSchema,
    customer_id: i64,
    thresholds: &AttentionThresholds,
) -> sqlx::Result<Billing> {
    let row: BillingRow = sqlx::query_as(&store.sql(BILLING_SQL))
        .bind(customer_id)
        .bind(BILLING_LIST_LEN)
        .bind(i64::from(thresholds.refund_pending_days))
        .bind(i64::from(thresholds.not_shipped_days))
        .bind(i64::from(thresholds.in_transit_days))
        .fetch_one(db)
        .await?;
    Ok(row.into())
}

/// Customer `$1`'s totals, one figure a row, with monthly spending from `$2` to `$3`.
pub const SUMMARY_SQL: &str = r#"
        select 'since' as kind, null::text as currency, null::text as month,
               extract(epoch from c.created_at)::bigint as amount,
               to_char(c.created_at at time zone 'UTC', 'YYYY-MM-DD') as day
          from {store}.customers c where c.id = $1
        union all
        select 'orders', null, null, count(*), null from {store}.orders where customer_id = $1
        union all
        select 'spent', currency, null, sum(total_minor)::bigint, null
          from {store}.orders where customer_id = $1 and status <> 'cancelled' group by currency
        union all
        select 'refunded', currency, null, sum(amount_minor)::bigint, null
          from {store}.refunds where customer_id = $1 and status = 'succeeded' group by currency
        union all
        select 'open', currency, null, sum(amount_due_minor - amount_paid_minor)::bigint, null
          from {store}.invoices where customer_id = $1 and status = 'open' group by currency
        union all
        select 'subscriptions', null, null, count(*), null
          from {store}.subscriptions
         where customer_id = $1 and status in ('trialing', 'active')
        union all
        select 'month', currency, to_char(placed_at at time zone 'UTC', 'YYYY-MM'),
               sum(total_minor)::bigint, null
          from {store}.orders
         where customer_id = $1 and status <> 'cancelled'
           and placed_at >= $2 and placed_at < $3
         group by currency, 3
        "#;

/// The customer's totals and monthly spending: one statement, each part an index probe by
/// customer. `None` when the customer does not exist.
///
/// The panel's lookup reads this as part of one statement (`SHOWN_CUSTOMER_SQL` in
/// [`super::panel`]); on its own it is what that statement is checked against.
#[tracing::instrument(skip_all)]
pub async fn summary(
    db: impl PgExecutor<'_>,
    store: &StoreSchema,
    customer_id: i64,
) -> sqlx::Result<Option<Summary>> {
    let today = chrono::Utc::now().date_naive();
    let window = chart_window(today);
    let rows: Vec<SummaryRow> = sqlx::query_as(&store.sql(SUMMARY_SQL))
        .bind(customer_id)
        .bind(window.0)
        .bind(window.1)
        .fetch_all(db)
        .await?;
    Ok(summary_from(rows, today))
}

/// The summary [`SUMMARY_SQL`]'s rows make, with the chart's months up to `today`'s; `None`
/// when the customer does not exist (no `since` row).
pub(super) fn summary_from(rows: Vec<SummaryRow>, today: chrono::NaiveDate) -> Option<Summary> {
    // Each row is one figure: (kind, currency, month, amount). `since` and `subscriptions`
    // come once; the money kinds once per currency; `month` once per month and currency.
    let mut summary = Summary {
        customer_since: String::new(),
        order_count: 0,
        spent: Vec::new(),
        refunded: Vec::new(),
        open_balance: Vec::new(),
        active_subscriptions: 0,
        chart_currency: None,
        monthly: Vec::new(),
    };
    let mut found = false;
    let mut months: HashMap<(String, String), i64> = HashMap::new();
    for row in rows {
        let money = || Money::new(row.amount, row.currency.clone().unwrap_or_default());
        match row.kind.as_str() {
            "since" => {
                found = true;
                summary.customer_since = row.day.clone().unwrap_or_default();
            }
            "orders" => summary.order_count = row.amount,
            "spent" => summary.spent.push(money()),
            "refunded" => summary.refunded.push(money()),
            "open" if row.amount != 0 => summary.open_balance.push(money()),
            "subscriptions" => summary.active_subscriptions = row.amount,
            "month" => {
                if let (Some(currency), Some(month)) = (row.currency.clone(), row.month.clone()) {
                    months.insert((currency, month), row.amount);
                }
            }
            _ => {}
        }
    }
    if !found {
        return None;
    }
    for list in [
        &mut summary.spent,
        &mut summary.refunded,
        &mut summary.open_balance,
    ] {
        list.sort_by(|a, b| a.currency.cmp(&b.currency));
    }
    let (currency, monthly) = chart(&months, today);
    summary.chart_currency = currency;
    summary.monthly = monthly;
    Some(summary)
}

/// The chart's months as UTC instants: from the first day of the oldest month to the first
/// day of the month after `today` (the same `today` labels the months).
pub(super) fn chart_window(
    today: chrono::NaiveDate,
) -> (chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>) {
    use chrono::{Datelike, Months, NaiveDate};
    let this_month = NaiveDate::from_ymd_opt(today.year(), today.month(), 1).unwrap_or(today);
    let start = this_month - Months::new(CHART_MONTHS as u32 - 1);
    let end = this_month + Months::new(1);
    let instant = |day: NaiveDate| day.and_time(chrono::NaiveTime::MIN).and_utc();
    (instant(start), instant(end))
}

/// The chart's currency (the one spent in during the most months; ties by amount, then code) and its
/// months, oldest first, quiet months as zero.
fn chart(
    months: &HashMap<(String, String), i64>,
    today: chrono::NaiveDate,
) -> (Option<String>, Vec<MonthTotal>) {
    use chrono::Datelike;
    // Amounts in different currencies do not compare (5,000 yen is less than 100 euros), so
    // the chart shows the currency of the most months with spending; ties by amount.
    let mut per_currency: HashMap<&str, (usize, i64)> = HashMap::new();
    for ((currency, _), minor) in months {
        let entry = per_currency.entry(currency).or_default();
        entry.0 += 1;
        entry.1 += minor;
    }
    let currency = per_currency
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(a.0)))
        .map(|(currency, _)| currency.to_string());
    let (mut year, mut month) = (today.year(), today.month());
    let mut monthly = Vec::with_capacity(CHART_MONTHS);
    for _ in 0..CHART_MONTHS {
        let key = format!("{year:04}-{month:02}");
        let minor = currency
            .as_ref()
            .and_then(|c| months.get(&(c.clone(), key)))
            .copied()
            .unwrap_or_default();
        monthly.push(MonthTotal { year, month, minor });
        (year, month) = if month == 1 {
            (year - 1, 12)
        } else {
            (year, month - 1)
        };
    }
    monthly.reverse();
    (currency, monthly)
}

/// What the payments of the orders `$1` (bigint[]) came to, by order and status.
pub const ORDER_PAYMENTS_SQL: &str = r#"
            select order_id, status, sum(minor)::bigint as minor
              from (select order_id, status, amount_minor as minor
                      from {store}.payments
                     where order_id = any($1)
                    union all
                    -- Payments that name only the invoice they settle count for its order.
                    select i.order_id, p.status, p.amount_minor
                      from {store}.invoices i
                      join {store}.payments p on p.invoice_id = i.id and p.order_id is null
                     where i.order_id = any($1)) as paid
             group by order_id, status
            "#;

/// The refunds of the orders `$1` (bigint[]), oldest first.
pub const ORDER_REFUNDS_SQL: &str = r#"
            select r.order_id, r.id, r.refunded_at, r.currency, r.amount_minor, r.reason,
                   r.status, o.number, to_char(r.refunded_at at time zone 'UTC', 'YYYY-MM-DD') as refunded_on
              from {store}.refunds r
              join {store}.orders o on o.id = r.order_id
             where r.order_id = any($1)
             order by r.order_id, r.refunded_at, r.id
            "#;

/// What was paid and refunded for each of these orders, to tell their payment state. A
/// payment counts for an order when it names the order, or names only one of its invoices.
#[tracing::instrument(skip_all)]
pub async fn order_money(
    conn: &mut PgConnection,
    store: &StoreSchema,
    order_ids: &[i64],
) -> sqlx::Result<OrderMoney> {
    let payments: Vec<PaidRow> = sqlx::query_as(&store.sql(ORDER_PAYMENTS_SQL))
        .bind(order_ids)
        .fetch_all(&mut *conn)
        .await?;
    let refunds: Vec<OrderRefundRow> = sqlx::query_as(&store.sql(ORDER_REFUNDS_SQL))
        .bind(order_ids)
        .fetch_all(&mut *conn)
        .await?;
    Ok(money_from(payments, refunds))
}

/// What [`ORDER_PAYMENTS_SQL`]'s and [`ORDER_REFUNDS_SQL`]'s rows say was paid and refunded.
pub(super) fn money_from(payments: Vec<PaidRow>, refunds: Vec<OrderRefundRow>) -> OrderMoney {
    let mut money = OrderMoney::default();
    for row in payments {
        let paid = money.paid.entry(row.order_id).or_default();
        match row.status.as_str() {
            "succeeded" => paid.succeeded += row.minor,
            "pending" => paid.pending = true,
            "failed" => paid.failed = true,
            _ => {}
        }
    }
    for row in refunds {
        money.refunds.entry(row.order_id).or_default().push(Refund {
            refunded_on: row.refunded_on,
            amount: Money::new(row.amount_minor, row.currency),
            reason: row.reason,
            status: row.status,
            order_number: Some(row.number),
        });
    }
    money
}

/// The billing statement's one row: each list and the counts as JSON.
#[derive(sqlx::FromRow)]
pub(super) struct BillingRow {
    invoices: Json<Vec<Invoice>>,
    payments: Json<Vec<Payment>>,
    refunds: Json<Vec<Refund>>,
    subscriptions: Json<Vec<Subscription>>,
    totals: Json<BillingTotals>,
    attention: Json<Vec<Attention>>,
}

impl From<BillingRow> for Billing {
    fn from(row: BillingRow) -> Self {
        Billing {
            invoices: row.invoices.0,
            payments: row.payments.0,
            refunds: row.refunds.0,
            subscriptions: row.subscriptions.0,
            totals: row.totals.0,
            attention: row.attention.0,
        }
    }
}

/// One figure of the summary: what it is, in which currency and month, and how much.
#[derive(sqlx::FromRow, serde::Deserialize)]
pub(super) struct SummaryRow {
    kind: String,
    currency: Option<String>,
    month: Option<String>,
    amount: i64,
    day: Option<String>,
}

/// What an order's payments of one status came to.
#[derive(sqlx::FromRow, serde::Deserialize)]
pub(super) struct PaidRow {
    order_id: i64,
    status: String,
    minor: i64,
}

/// A refund of an order, with the order's number.
#[derive(sqlx::FromRow, serde::Deserialize)]
pub(super) struct OrderRefundRow {
    order_id: i64,
    currency: String,
    amount_minor: i64,
    reason: String,
    status: String,
    number: String,
    refunded_on: String,
}

/// Payments and refunds per order id.
#[derive(Default)]
pub struct OrderMoney {
    /// What each order's payments came to.
    pub paid: HashMap<i64, PaidSoFar>,
    /// Each order's refunds, oldest first.
    pub refunds: HashMap<i64, Vec<Refund>>,
}

/// What an order's payments came to.
#[derive(Default, Clone, Copy)]
pub struct PaidSoFar {
    /// The sum of its succeeded payments, minor units.
    pub succeeded: i64,
    /// Whether a payment is still pending.
    pub pending: bool,
    /// Whether any payment failed.
    pub failed: bool,
}

/// The payment state an agent reads for an order of `total` minor units.
pub fn payment_state(total: i64, paid: PaidSoFar, refunds: &[Refund]) -> &'static str {
    let refunded: i64 = refunds
        .iter()
        .filter(|r| r.status == "succeeded")
        .map(|r| r.amount.minor)
        .sum();
    if total <= 0 && paid.succeeded == 0 {
        "nothing to pay"
    } else if paid.succeeded > 0 && refunded >= paid.succeeded {
        "refunded"
    } else if refunded > 0 {
        "partially refunded"
    } else if paid.succeeded >= total && total > 0 {
        "paid"
    } else if paid.succeeded > 0 {
        "partially paid"
    } else if paid.pending {
        "payment pending"
    } else if paid.failed {
        "payment failed"
    } else {
        "unpaid"
    }
}

/// The fulfilment state an agent reads for an order: from its status, shipments and whether
/// it goes anywhere (an order without an address, such as a download, is never shipped).
pub fn fulfilment_state(
    status: &str,
    ships: bool,
    shipped: usize,
    delivered: usize,
) -> &'static str {
    match status {
        "cancelled" => "cancelled",
        _ if shipped == 0 && !ships => "no shipping",
        _ if shipped == 0 => "not shipped",
        _ if delivered == shipped => "delivered",
        _ => "in transit",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refund(minor: i64, status: &str) -> Refund {
        Refund {
            refunded_on: "2026-11-01".into(),
            amount: Money::new(minor, "EUR"),
            reason: "damaged".into(),
            status: status.into(),
            order_number: None,
        }
    }

    fn paid(succeeded: i64) -> PaidSoFar {
        PaidSoFar {
            succeeded,
            ..PaidSoFar::default()
        }
    }

    #[test]
    fn payment_states_follow_payments_and_refunds() {
        assert_eq!(payment_state(1000, paid(1000), &[]), "paid");
        assert_eq!(payment_state(1000, paid(400), &[]), "partially paid");
        assert_eq!(
            payment_state(1000, paid(1000), &[refund(300, "succeeded")]),
            "partially refunded"
        );
        assert_eq!(
            payment_state(1000, paid(1000), &[refund(1000, "succeeded")]),
            "refunded"
        );
        // A refund still pending is not money back yet.
        assert_eq!(
            payment_state(1000, paid(1000), &[refund(1000, "pending")]),
            "paid"
        );
        let failed = PaidSoFar {
            failed: true,
            ..PaidSoFar::default()
        };
        assert_eq!(payment_state(1000, failed, &[]), "payment failed");
        let pending = PaidSoFar {
            pending: true,
            failed: true,
            ..PaidSoFar::default()
        };
        assert_eq!(payment_state(1000, pending, &[]), "payment pending");
        assert_eq!(payment_state(1000, PaidSoFar::default(), &[]), "unpaid");
    }

    #[test]
    fn fulfilment_states_follow_shipments() {
        assert_eq!(fulfilment_state("processing", true, 0, 0), "not shipped");
        assert_eq!(fulfilment_state("processing", false, 0, 0), "no shipping");
        assert_eq!(fulfilment_state("shipped", true, 2, 1), "in transit");
        assert_eq!(fulfilment_state("delivered", true, 1, 1), "delivered");
        assert_eq!(fulfilment_state("cancelled", true, 0, 0), "cancelled");
        assert_eq!(
            payment_state(0, PaidSoFar::default(), &[]),
            "nothing to pay"
        );
    }

    #[test]
    fn the_chart_has_every_month_in_the_biggest_currency() {
        let mut months = HashMap::new();
        months.insert(("EUR".to_string(), "2026-11".to_string()), 500);
        months.insert(("EUR".to_string(), "2026-01".to_string()), 700);
        months.insert(("USD".to_string(), "2026-10".to_string()), 1000);
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let (currency, monthly) = chart(&months, today);
        assert_eq!(currency.as_deref(), Some("EUR"));
        assert_eq!(monthly.len(), CHART_MONTHS);
        assert_eq!((monthly[0].year, monthly[0].month), (2025, 12));
        assert_eq!(monthly[1].minor, 700);
        assert_eq!(monthly[10].minor, 0);
        assert_eq!((monthly[11].month, monthly[11].minor), (11, 500));
    }

    #[test]
    fn the_chart_is_in_the_currency_of_most_months_and_spans_whole_months() {
        let mut months = HashMap::new();
        months.insert(("JPY".to_string(), "2026-11".to_string()), 50_000);
        months.insert(("EUR".to_string(), "2026-11".to_string()), 1_000);
        months.insert(("EUR".to_string(), "2026-10".to_string()), 1_000);
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        assert_eq!(chart(&months, today).0.as_deref(), Some("EUR"));
        let (start, end) = chart_window(today);
        assert_eq!(start.to_rfc3339(), "2025-12-01T00:00:00+00:00");
        assert_eq!(end.to_rfc3339(), "2026-12-01T00:00:00+00:00");
    }

    #[test]
    fn a_customer_without_orders_has_no_chart_currency() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 1, 5).unwrap();
        let (currency, monthly) = chart(&HashMap::new(), today);
        assert_eq!(currency, None);
        assert!(monthly.iter().all(|m| m.minor == 0));
        assert_eq!((monthly[0].year, monthly[0].month), (2025, 2));
    }
}
