//! The first lines an agent reads about a customer: since when, how many orders, what they
//! spent and got back, what is still open, what renews; and a small chart of spending by month.

use leptos::prelude::*;

use super::Format;
use crate::model::billing::{MonthTotal, Summary};

/// The summary card of the shown customer.
#[component]
pub fn SummaryCard(summary: Summary) -> impl IntoView {
    let fmt = Format::current();
    let owes = !summary.open_balance.is_empty();
    let chart = summary.chart_currency.clone().map(|currency| {
        view! { <SpendingChart currency months=summary.monthly.clone() /> }
    });
    let facts = [
        ("Customer since", "since", fmt.date(&summary.customer_since)),
        ("Orders", "order-count", summary.order_count.to_string()),
        ("Spent", "spent", fmt.amounts(&summary.spent)),
        ("Refunded", "refunded", fmt.amounts(&summary.refunded)),
        (
            "Open balance",
            "open-balance",
            fmt.amounts(&summary.open_balance),
        ),
        (
            "Subscriptions",
            "active-subscriptions",
            format!("{} active", summary.active_subscriptions),
        ),
    ];
    // One view shape for every fact: each is a labelled value that tests and styles find by name.
    let facts = facts
        .into_iter()
        .map(|(label, name, value)| {
            let attention = name == "open-balance" && owes;
            view! {
                <div class:attention=attention>
                    <dt>{label}</dt>
                    <dd data-state=name>{value}</dd>
                </div>
            }
        })
        .collect_view();
    view! {
        <section class="summary" aria-label="Customer summary">
            <dl>{facts}</dl>
            {chart}
        </section>
    }
}

/// Chart geometry, in SVG user units: one bar per month, scaled to the busiest month.
const BAR_WIDTH: u32 = 16;
const BAR_GAP: u32 = 4;
const CHART_HEIGHT: u32 = 40;

/// Spending per month as inline SVG bars, each with its amount as a tooltip and the whole
/// described for screen readers.
#[component]
fn SpendingChart(currency: String, months: Vec<MonthTotal>) -> impl IntoView {
    let fmt = Format::current();
    let highest = months.iter().map(|m| m.minor).max().unwrap_or(0).max(1);
    let width = months.len() as u32 * (BAR_WIDTH + BAR_GAP);
    let label = |m: &MonthTotal| fmt.month(m.year, m.month);
    let (first, last) = (
        months.first().map(label).unwrap_or_default(),
        months.last().map(label).unwrap_or_default(),
    );
    // The amounts are in the description too: a screen reader does not read an image's bars.
    let amounts = months
        .iter()
        .filter(|m| m.minor != 0)
        .map(|m| {
            let money = orderpane::money::Money::new(m.minor, currency.clone());
            format!("{}: {}", label(m), fmt.money(&money))
        })
        .collect::<Vec<_>>()
        .join("; ");
    let description = format!("Spending per month in {currency}, {first} to {last}. {amounts}");
    let bars = months
        .iter()
        .enumerate()
        .map(|(i, m)| {
            // Quiet months still get a hairline, so the months can be counted.
            let height = ((m.minor.max(0) as f64 / highest as f64) * f64::from(CHART_HEIGHT))
                .round()
                .max(1.0);
            let x = i as u32 * (BAR_WIDTH + BAR_GAP);
            let money = orderpane::money::Money::new(m.minor, currency.clone());
            let title = format!("{}: {}", label(m), fmt.money(&money));
            view! {
                <rect
                    x=x
                    y=f64::from(CHART_HEIGHT) - height
                    width=BAR_WIDTH
                    height=height
                    class:quiet=m.minor == 0
                >
                    <title>{title}</title>
                </rect>
            }
        })
        .collect_view();
    view! {
        <figure class="chart" data-state="chart">
            <svg
                viewBox=format!("0 0 {width} {CHART_HEIGHT}")
                role="img"
                aria-label=description
                preserveAspectRatio="none"
            >
                {bars}
            </svg>
            <figcaption class="muted">
                <span>{first}</span>
                <span>{currency}</span>
                <span>{last}</span>
            </figcaption>
        </figure>
    }
}
