//! Lenient readers over `serde_json::Value`.
//!
//! Hosts send loosely typed JSON: ids arrive as numbers or strings, any field may be null,
//! missing or of the wrong type. These helpers turn every such case into `None` instead of an
//! error, so a partly broken payload still yields whatever is usable in it.

use serde_json::Value;

/// A non-empty, trimmed string; numbers are accepted too (ids are sometimes numeric).
pub(crate) fn text(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(s) => {
            let trimmed = s.trim();
            (!trimmed.is_empty()).then(|| trimmed.to_owned())
        }
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// An integer, from a JSON number or a string of digits.
pub(crate) fn int(value: Option<&Value>) -> Option<i64> {
    match value? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// The field `key` of `value` when `value` is an object.
pub(crate) fn field<'a>(value: Option<&'a Value>, key: &str) -> Option<&'a Value> {
    value?.as_object()?.get(key)
}
