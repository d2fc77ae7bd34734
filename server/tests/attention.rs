//! What needs attention about a customer: each kind found over the whole history by the
//! panel's own lookup, the thresholds honoured, and what is fine left out.

mod common;

use app::model::attention::{Attention, AttentionKind};
use app::server::{attention::AttentionThresholds, db::panel as queries};
use orderpane::{contact_keys::ContactKeys, money::Money};
use sqlx::PgPool;

async fn attention_of(
    pool: &PgPool,
    reference: &str,
    thresholds: AttentionThresholds,
) -> Vec<Attention> {
    let keys = ContactKeys::from_raw(Some(reference), None, None);
    let mut conn = pool.acquire().await.expect("a connection");
    let store = common::store();
    let found = queries::lookup_with(&mut conn, pool, &store, &thresholds, &keys, None, None, &[])
        .await
        .expect("lookup");
    assert_eq!(
        found.customer.map(|c| c.reference).as_deref(),
        Some(reference)
    );
    found.billing.attention
}

fn kinds(items: &[Attention]) -> Vec<(AttentionKind, Option<&str>)> {
    items
        .iter()
        .map(|a| {
            (
                a.kind,
                a.order_number.as_deref().or(a.invoice_number.as_deref()),
            )
        })
        .collect()
}

#[sqlx::test(migrations = false)]
async fn the_demo_customers_show_what_is_wrong(pool: PgPool) {
    common::migrate(&pool).await;
    server::demo_data::load_if_empty(&pool, &Default::default())
        .await
        .expect("demo");
    let defaults = AttentionThresholds::default();

    // Omar: INV-1006 paid twice (card and bank), 1007's card declined, its invoice overdue.
    let omar = attention_of(&pool, "C-1002", defaults).await;
    assert_eq!(
        kinds(&omar),
        [
            (AttentionKind::Overcharged, Some("1006")),
            (AttentionKind::FailedPayment, Some("1007")),
            (AttentionKind::OverdueInvoice, Some("1007")),
        ],
        "{omar:#?}"
    );
    assert_eq!(omar[0].payments, Some(2));
    assert_eq!(omar[0].amount, Some(Money::new(22_000, "GBP")));
    assert_eq!(omar[2].invoice_number.as_deref(), Some("INV-1007"));
    assert!(omar[2].days.is_some_and(|d| d >= 1));

    // Lena: a refund pending for six days.
    let lena = attention_of(&pool, "C-1003", defaults).await;
    assert_eq!(kinds(&lena), [(AttentionKind::RefundPending, Some("1008"))]);
    assert!(lena[0].days.is_some_and(|d| d >= 6));

    // Marco: a subscription past due, and its failed renewal (a payment of no order).
    let marco = attention_of(&pool, "C-1007", defaults).await;
    let marco_kinds = kinds(&marco);
    assert!(
        marco_kinds.contains(&(AttentionKind::FailedPayment, None)),
        "{marco:#?}"
    );
    let past_due = marco
        .iter()
        .find(|a| a.kind == AttentionKind::PastDueSubscription)
        .expect("past due");
    assert_eq!(past_due.plan.as_deref(), Some("Tea club, monthly"));

    // Jane's declined card was followed by one that went through: recovered, not listed.
    let jane = attention_of(&pool, "C-1001", defaults).await;
    assert!(
        !jane.iter().any(|a| matches!(
            a.kind,
            AttentionKind::FailedPayment | AttentionKind::Overcharged
        )),
        "{jane:#?}"
    );
}

#[sqlx::test(migrations = false)]
async fn a_past_due_subscription_is_not_counted_active(pool: PgPool) {
    common::migrate(&pool).await;
    server::demo_data::load_if_empty(&pool, &Default::default())
        .await
        .expect("demo");
    let keys = ContactKeys::from_raw(Some("C-1007"), None, None);
    let found = queries::lookup(&pool, &common::store(), &keys, None, None, &[])
        .await
        .expect("lookup");
    // The yearly espresso club runs; the monthly tea club is past due.
    assert_eq!(found.summary.expect("summary").active_subscriptions, 1);
}

/// A customer whose rows are dated relative to now, on both sides of each threshold.
const TIMELINE: &str = "
    insert into orderpane_store.stores (id, name) values (1, 'Shop');
    insert into orderpane_store.customers (id, store_id, reference, name) values (1, 1, 'T-1', 'Tess');
    insert into orderpane_store.orders (id, store_id, customer_id, number, status, currency,
                                        total_minor, placed_at, shipping_address) values
      (1, 1, 1, 'A-fresh',    'processing', 'EUR', 1000, now() - interval '1 day',  'Street 1'),
      (2, 1, 1, 'A-stale',    'processing', 'EUR', 1000, now() - interval '5 days', 'Street 1'),
      (3, 1, 1, 'A-unpaid',   'pending',    'EUR', 1000, now() - interval '5 days', 'Street 1'),
      (4, 1, 1, 'A-download', 'processing', 'EUR', 1000, now() - interval '5 days', null),
      (5, 1, 1, 'S-recent',   'shipped',    'EUR', 1000, now() - interval '4 days', 'Street 1'),
      (6, 1, 1, 'S-slow',     'shipped',    'EUR', 1000, now() - interval '11 days', 'Street 1'),
      (7, 1, 1, 'D-refunded', 'delivered',  'EUR', 1000, now() - interval '30 days', 'Street 1');
    insert into orderpane_store.payments (customer_id, order_id, currency, amount_minor, method,
                                          status, attempted_at)
    select 1, id, 'EUR', 1000, 'card', 'succeeded', placed_at from orderpane_store.orders
     where number <> 'A-unpaid';
    -- D-refunded was charged twice, and the second charge was refunded: nothing to do.
    insert into orderpane_store.payments (customer_id, order_id, currency, amount_minor, method,
                                          status, attempted_at)
    values (1, 7, 'EUR', 1000, 'card', 'succeeded', now() - interval '30 days');
    insert into orderpane_store.refunds (customer_id, order_id, currency, amount_minor, reason,
                                         status, refunded_at) values
      (1, 7, 'EUR', 1000, 'Charged twice', 'succeeded', now() - interval '29 days'),
      (1, 5, 'EUR', 300, 'Late', 'pending', now() - interval '1 day'),
      (1, 6, 'EUR', 400, 'Late', 'pending', now() - interval '5 days');
    insert into orderpane_store.shipments (order_id, carrier, tracking_number, shipped_at) values
      (5, 'UPS', '1Z1', now() - interval '3 days'),
      (6, 'UPS', '1Z2', now() - interval '10 days');
";

#[sqlx::test(migrations = false)]
async fn the_thresholds_decide_what_is_late(pool: PgPool) {
    common::migrate(&pool).await;
    sqlx::raw_sql(TIMELINE)
        .execute(&pool)
        .await
        .expect("timeline");

    let defaults = attention_of(&pool, "T-1", AttentionThresholds::default()).await;
    assert_eq!(
        kinds(&defaults),
        [
            (AttentionKind::RefundPending, Some("S-slow")),
            (AttentionKind::NotShipped, Some("A-stale")),
            (AttentionKind::LongInTransit, Some("S-slow")),
        ],
        "{defaults:#?}"
    );
    assert_eq!(defaults[2].carrier.as_deref(), Some("UPS"));
    assert_eq!(defaults[2].days, Some(10));

    // Stricter settings flag the recent ones too; laxer ones flag nothing.
    let strict = AttentionThresholds {
        refund_pending_days: 0,
        not_shipped_days: 0,
        in_transit_days: 2,
    };
    let strict = attention_of(&pool, "T-1", strict).await;
    let flagged = kinds(&strict);
    for expected in [
        (AttentionKind::RefundPending, Some("S-recent")),
        (AttentionKind::NotShipped, Some("A-fresh")),
        (AttentionKind::LongInTransit, Some("S-recent")),
    ] {
        assert!(flagged.contains(&expected), "{expected:?} in {flagged:?}");
    }
    // Never flagged: an unpaid order, a download, a double charge refunded.
    for never in ["A-unpaid", "A-download", "D-refunded"] {
        assert!(
            !flagged.iter().any(|(_, n)| *n == Some(never)),
            "{never}: {flagged:?}"
        );
    }
    let lax = AttentionThresholds {
        refund_pending_days: 30,
        not_shipped_days: 30,
        in_transit_days: 30,
    };
    assert_eq!(attention_of(&pool, "T-1", lax).await, []);
}
