//! The customer's orders, newest first.

use leptos::prelude::*;

use crate::api::OrderRow;

/// A compact table of orders: number, date, status, total.
#[component]
pub fn OrderList(orders: Vec<OrderRow>) -> impl IntoView {
    if orders.is_empty() {
        return view! { <p class="state" data-state="no-orders">"No orders yet."</p> }.into_any();
    }
    view! {
        <table class="orders">
            <caption>"Orders"</caption>
            <thead>
                <tr>
                    <th scope="col">"Order"</th>
                    <th scope="col">"Date"</th>
                    <th scope="col">"Status"</th>
                    <th scope="col" class="num">"Total"</th>
                </tr>
            </thead>
            <tbody>
                {orders
                    .into_iter()
                    .map(|order| {
                        let status_class = format!("status status-{}", order.status);
                        let number = order.number.clone();
                        let placed_on = order.placed_on.clone();
                        view! {
                            <tr class="order" data-order=number>
                                <td>{order.number}</td>
                                <td>
                                    <time datetime=placed_on>{order.placed_on}</time>
                                </td>
                                <td>
                                    <span class=status_class>{order.status}</span>
                                </td>
                                <td class="num">{order.total.display()}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
