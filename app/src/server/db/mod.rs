//! The SQL: each helper takes `impl PgExecutor` (or a connection, when it runs several
//! statements) so it runs on the pool or inside a transaction alike.

/// The audit log.
pub mod audit;
/// Invoices, payments, refunds, subscriptions and the summary.
pub mod billing;
/// Customer search and contact links.
pub mod customers;
/// Every store lookup the panel makes, for `server store check`.
pub mod lookups;
/// The panel's customers and orders.
pub mod panel;
