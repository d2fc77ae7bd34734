//! Database tests of the billing part of the panel against the demo store: the summary and
//! its chart, invoices, payments, refunds and subscriptions, order payment states, paging.

mod common;

use app::{model::panel::ORDER_PAGE_SIZE, server::db::panel as queries};
use orderpane::{contact_keys::ContactKeys, money::Money};
use sqlx::PgPool;

async fn demo(pool: &PgPool) {
    assert!(server::demo_data::load_if_empty(pool, &Default::default())
        .await
        .expect("demo data"));
}

/// The panel of the customer with this store reference.
async fn panel_of(pool: &PgPool, reference: &str) -> queries::Found {
    let keys = ContactKeys::from_raw(Some(reference), None, None);
    let panel = queries::lookup(pool, &Default::default(), &keys, None, None, &[])
        .await
        .expect("query");
    assert_eq!(
        panel.customer.as_ref().map(|c| c.reference.as_str()),
        Some(reference)
    );
    panel
}

#[sqlx::test(migrations = false)]
async fn the_summary_adds_up_orders_refunds_balance_and_subscriptions(pool: PgPool) {
    common::migrate(&pool).await;
    demo(&pool).await;
    let panel = panel_of(&pool, "C-1001").await;
    let summary = panel.summary.expect("summary");
    assert_eq!(summary.customer_since, "2024-09-11");
    assert_eq!(summary.order_count, 5);
    // 49.90 + 129.50 + 25.99 + 80.00 + 1,234.50: the refunded order was still bought.
    assert_eq!(summary.spent, [Money::new(151_989, "EUR")]);
    // The refunded order in full, and 5.00 of a chipped mug.
    assert_eq!(summary.refunded, [Money::new(8_500, "EUR")]);
    assert!(summary.open_balance.is_empty());
    assert_eq!(summary.active_subscriptions, 1);
}

#[sqlx::test(migrations = false)]
async fn an_unpaid_order_shows_as_open_balance_overdue_invoice_and_failed_payment(pool: PgPool) {
    common::migrate(&pool).await;
    demo(&pool).await;
    let panel = panel_of(&pool, "C-1002").await;
    let summary = panel.summary.expect("summary");
    assert_eq!(summary.open_balance, [Money::new(1_500, "GBP")]);
    let open = &panel.billing.invoices[0];
    assert_eq!(
        (open.number.as_str(), open.status.as_str()),
        ("INV-1007", "open")
    );
    assert!(
        open.overdue,
        "due three days after an order placed five days ago"
    );
    let failed = &panel.billing.payments[0];
    assert_eq!(failed.status, "failed");
    assert_eq!(
        failed.failure_reason.as_deref(),
        Some("Card declined: insufficient funds")
    );
    assert_eq!(failed.means(), "Mastercard •••• 4444");
    let totals = panel.billing.totals;
    assert_eq!((totals.overdue_invoices, totals.failed_payments), (1, 1));
    assert_eq!(panel.orders[0].payment_state, "payment failed");
    assert_eq!(panel.orders[0].fulfilment, "not shipped");
}

#[sqlx::test(migrations = false)]
async fn a_payment_that_names_only_the_invoice_counts_for_its_order(pool: PgPool) {
    common::migrate(&pool).await;
    demo(&pool).await;
    // Omar pays overdue INV-1007 (15.00) in two halves by bank transfer, quoting only the
    // invoice.
    let pay_half_by_invoice = || async {
        sqlx::query(
            "insert into orderpane_store.payments (customer_id, invoice_id, currency, amount_minor, method,
                                   status, attempted_at)
             select customer_id, id, currency, 750, 'bank_transfer', 'succeeded', now()
               from orderpane_store.invoices where number = 'INV-1007'",
        )
        .execute(&pool)
        .await
        .expect("payment");
    };
    pay_half_by_invoice().await;
    let panel = panel_of(&pool, "C-1002").await;
    assert_eq!(panel.orders[0].number, "1007");
    assert_eq!(panel.orders[0].payment_state, "partially paid");
    // The rest of it, again by invoice only: now the order is paid.
    pay_half_by_invoice().await;
    let panel = panel_of(&pool, "C-1002").await;
    assert_eq!(panel.orders[0].payment_state, "paid");
}

#[sqlx::test(migrations = false)]
async fn orders_say_how_far_they_are_paid_and_what_came_back(pool: PgPool) {
    common::migrate(&pool).await;
    demo(&pool).await;
    let panel = panel_of(&pool, "C-1001").await;
    let state = |number: &str| {
        let order = panel
            .orders
            .iter()
            .find(|o| o.number == number)
            .expect("order");
        (order.payment_state.as_str(), order.fulfilment.as_str())
    };
    // Paid after a declined first card.
    assert_eq!(state("1005"), ("paid", "not shipped"));
    assert_eq!(state("1004"), ("paid", "in transit"));
    assert_eq!(state("1003"), ("partially refunded", "delivered"));
    assert_eq!(state("1002"), ("refunded", "delivered"));
    let chipped = &panel.orders[2].refunds;
    assert_eq!(chipped.len(), 1);
    assert_eq!(chipped[0].reason, "One mug arrived chipped");
    assert_eq!(chipped[0].amount, Money::new(500, "EUR"));
    assert!(panel.orders[0]
        .shipping_address
        .as_deref()
        .is_some_and(|a| a.contains("Köln")));
    // Both attempts at 1005 are listed, newest first.
    let attempts: Vec<_> = panel
        .billing
        .payments
        .iter()
        .filter(|p| p.order_number.as_deref() == Some("1005"))
        .map(|p| p.status.as_str())
        .collect();
    assert_eq!(attempts, ["succeeded", "failed"]);
}

#[sqlx::test(migrations = false)]
async fn subscriptions_list_running_plans_first(pool: PgPool) {
    common::migrate(&pool).await;
    demo(&pool).await;
    let panel = panel_of(&pool, "C-1007").await;
    let plans: Vec<_> = panel
        .billing
        .subscriptions
        .iter()
        .map(|s| (s.plan.as_str(), s.status.as_str()))
        .collect();
    assert_eq!(
        plans,
        [
            ("Tea club, monthly", "past_due"),
            ("Espresso club, yearly", "active")
        ]
    );
    // The past-due plan is not "active": it is listed as past due and needs attention.
    assert_eq!(panel.summary.expect("summary").active_subscriptions, 1);
    let kenji = panel_of(&pool, "C-1005").await;
    let cancelled = &kenji.billing.subscriptions[0];
    assert_eq!(cancelled.status, "cancelled");
    assert_eq!(cancelled.renews_on, None, "a cancelled plan does not renew");
    assert!(cancelled.ends_on.is_some());
}

#[sqlx::test(migrations = false)]
async fn billing_lists_hold_the_newest_and_count_them_all(pool: PgPool) {
    common::migrate(&pool).await;
    demo(&pool).await;
    let marco = panel_of(&pool, "C-1007").await.billing;
    assert_eq!(
        marco.invoices.len() as i64,
        app::model::billing::BILLING_LIST_LEN
    );
    // One invoice and one payment per order, and the failed renewal of his tea club.
    assert_eq!(marco.totals.invoices, 45);
    assert_eq!(marco.totals.payments, 46);
    assert_eq!(marco.totals.failed_payments, 1);
    assert_eq!(marco.totals.subscriptions, 2);
    assert_eq!(marco.totals.refunds, marco.refunds.len() as i64);
    let newest = marco.invoices.first().expect("an invoice");
    let oldest_shown = marco.invoices.last().expect("an invoice");
    assert!(newest.issued_on >= oldest_shown.issued_on, "newest first");
}

#[sqlx::test(migrations = false)]
async fn a_customer_with_two_currencies_gets_totals_per_currency(pool: PgPool) {
    common::migrate(&pool).await;
    demo(&pool).await;
    let summary = panel_of(&pool, "C-1007").await.summary.expect("summary");
    let currencies: Vec<_> = summary.spent.iter().map(|m| m.currency.as_str()).collect();
    assert_eq!(currencies, ["CHF", "EUR"]);
    assert_eq!(summary.order_count, 45);
    assert_eq!(summary.monthly.len(), app::model::billing::CHART_MONTHS);
}

#[sqlx::test(migrations = false)]
async fn orders_come_a_page_at_a_time_without_gaps_or_repeats(pool: PgPool) {
    common::migrate(&pool).await;
    demo(&pool).await;
    let panel = panel_of(&pool, "C-1007").await;
    let customer = panel.customer.as_ref().expect("customer").id;
    let mut numbers: Vec<String> = panel.orders.iter().map(|o| o.number.clone()).collect();
    let mut next = panel.more_orders.clone();
    let mut pages = 1;
    while let Some(after) = next {
        let after: i64 = after.parse().expect("cursor");
        let page = queries::orders_page(
            &mut pool.acquire().await.expect("a connection"),
            &Default::default(),
            customer,
            Some(after),
            ORDER_PAGE_SIZE,
        )
        .await
        .expect("page");
        numbers.extend(page.orders.iter().map(|o| o.number.clone()));
        next = page.next;
        pages += 1;
        assert!(pages <= 3, "45 orders take three pages of 20");
    }
    assert_eq!(pages, 3);
    let mut expected: Vec<String> = numbers.clone();
    expected.sort_by_key(|n| std::cmp::Reverse(n.parse::<i64>().expect("number")));
    expected.dedup();
    assert_eq!(numbers, expected, "newest first, each once");
    assert_eq!(numbers.len(), 45);
}

#[sqlx::test(migrations = false)]
async fn a_cursor_from_another_customer_gives_no_orders(pool: PgPool) {
    common::migrate(&pool).await;
    demo(&pool).await;
    let jane = panel_of(&pool, "C-1001").await;
    let marco = panel_of(&pool, "C-1007").await;
    let marcos_cursor: i64 = marco.more_orders.expect("more").parse().expect("cursor");
    let jane_id = jane.customer.expect("customer").id;
    let page = queries::orders_page(
        &mut pool.acquire().await.expect("a connection"),
        &Default::default(),
        jane_id,
        Some(marcos_cursor),
        ORDER_PAGE_SIZE,
    )
    .await
    .expect("page");
    assert!(page.orders.is_empty());
}
