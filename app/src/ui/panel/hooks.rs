//! The names the server's panel HTML and the browser's behaviours agree on.
//!
//! The panel's body is HTML the server renders (`render`, server only); the browser makes it
//! interactive (`body`) by reading these attributes, so both sides name them from here.

/// The attribute naming what a button in the server's HTML does (one of [`act`]). (The
/// server's components write the attribute names literally: `view!` takes no constants there.)
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
pub const DO: &str = "data-do";

/// The values of [`DO`].
pub mod act {
    /// Opens or closes an order's details (`data-detail`: the detail's key).
    pub const TOGGLE: &str = "toggle";
    /// Puts an order's summary into the reply (`data-number`, `data-text`, `data-markdown`).
    pub const REPLY: &str = "reply";
    /// Records the order as discussed (`data-number`).
    pub const DISCUSS: &str = "discuss";
    /// Chooses a customer among several matches (`data-reference`).
    pub const CHOOSE: &str = "choose";
    /// Takes the agent's choice back.
    pub const CHOOSE_AGAIN: &str = "choose-again";
    /// Unlinks the customer an agent linked (`data-customer-id`, `data-name`).
    pub const UNLINK: &str = "unlink";
    /// Shows the next page of orders.
    pub const MORE: &str = "more";
    /// Brings an attention line's record into view (`data-target`: a selector; `data-open`:
    /// the billing section to open first).
    pub const REVEAL: &str = "reveal";
    /// Opens or closes the customer search under the button (it waits in a template).
    pub const OFFER_SEARCH: &str = "offer-search";
    /// On the search box's form: sends the search.
    pub const SEARCH: &str = "search";
    /// Links a found customer to the contact (`data-customer-id`).
    pub const LINK: &str = "link";
}
