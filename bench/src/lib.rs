//! What the measuring commands share: percentiles and the machine's load.

use std::time::Duration;

/// The value below which `share` (0–1) of the sorted `values` fall; `None` when empty.
pub fn percentile<T: Copy>(sorted: &[T], share: f64) -> Option<T> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (sorted.len() as f64 * share).ceil() as usize;
    Some(sorted[rank.clamp(1, sorted.len()) - 1])
}

/// A duration in milliseconds.
pub fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e3
}

/// The machine's load average over the last minute (Linux), to show alongside figures
/// taken while other work may have been running; `None` where it cannot be read.
pub fn load_average() -> Option<f64> {
    std::fs::read_to_string("/proc/loadavg")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}
