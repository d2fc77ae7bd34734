//! Where the app meets the browser and the helpdesk around it.

/// Copying text inside an iframe that has no clipboard permission.
pub mod clipboard;
/// Receives the helpdesk's messages, including those sent before hydration.
pub mod host;
/// The page's session as the browser holds it.
pub mod session;
