//! The user interface: the panel page and its parts, and the bridges to the browser and
//! the helpdesk around it.

/// The names of the site's built assets, and the page's stylesheet.
pub mod assets;
/// Where the app meets the browser: the host's messages, the page's session, the clipboard.
pub mod bridge;
/// The customer panel page and its parts.
pub mod panel;
/// Starts the wasm without holding up the page's `load` event.
pub mod wasm_start;
