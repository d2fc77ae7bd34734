//! When something about a customer counts as needing the agent's attention (settings).

/// How long before a pending refund, an unshipped order or a shipment in transit is flagged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttentionThresholds {
    /// A refund still pending after this many days.
    pub refund_pending_days: u16,
    /// An order paid in full but not shipped after this many days.
    pub not_shipped_days: u16,
    /// A shipment in transit for more than this many days.
    pub in_transit_days: u16,
}

impl Default for AttentionThresholds {
    fn default() -> Self {
        Self {
            refund_pending_days: 3,
            not_shipped_days: 2,
            in_transit_days: 7,
        }
    }
}
