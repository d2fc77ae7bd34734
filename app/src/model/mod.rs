//! The types the browser and the server exchange, and the panel the server assembles and
//! renders (which no longer travels, see [`panel`]): plain data, the same in both builds.
//! Nothing here depends on the rest of the app.

/// What needs the agent's attention about a customer.
pub mod attention;
/// Invoices, payments, refunds, subscriptions and the customer's summary.
pub mod billing;
/// The one error every server function answers with, and its HTTP status.
pub mod error;
/// What a panel's push connection watches and the events it hears.
pub mod live;
/// The panel lookup: request, answer, orders, paging.
pub mod panel;
/// Customer search and links.
pub mod search;
/// The page's session as it travels.
pub mod session;
/// What the server verified for itself.
pub mod verified;
/// Reading the server's answers from JSON values, cheaply for the browser's wasm.
pub mod wire;
