//! Contact keys: what a helpdesk knows about a contact that can identify a store customer.

use serde::{Deserialize, Serialize};

/// The normalised keys of one helpdesk contact, in the order they are trusted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ContactKeys {
    /// The business's own customer id (Chatwoot `identifier`), exactly as given.
    pub external_id: Option<String>,
    /// The email address, trimmed and lower-cased.
    pub email: Option<String>,
    /// The phone number, reduced to `+` and digits when it is written in international form.
    pub phone: Option<String>,
    /// The phone number as written, when it is in national form ("0221 1234567"): the server
    /// reads it with the install's default region (`phone_region`) into `phone`.
    #[serde(default)]
    pub phone_national: Option<String>,
}

impl ContactKeys {
    /// Builds keys from raw host values, normalising each one and dropping unusable ones.
    pub fn from_raw(external_id: Option<&str>, email: Option<&str>, phone: Option<&str>) -> Self {
        Self {
            external_id: external_id
                .map(str::trim)
                .filter(|id| !id.is_empty())
                .map(str::to_owned),
            email: email.and_then(normalize_email),
            phone: phone.and_then(normalize_international_phone),
            phone_national: phone
                .filter(|raw| normalize_international_phone(raw).is_none())
                .and_then(national_phone_text),
        }
    }

    /// The keys normalised again: what a server makes of keys a browser sent (see
    /// [`normalize_email`]: a browser lower-cases only ASCII letters).
    pub fn normalized(mut self) -> Self {
        self.email = self.email.as_deref().and_then(normalize_email);
        self
    }

    /// True when there is nothing to look a customer up by.
    pub fn is_empty(&self) -> bool {
        self.external_id.is_none()
            && self.email.is_none()
            && self.phone.is_none()
            && self.phone_national.is_none()
    }
}

/// The longest national phone text kept (longer is not a phone number).
pub const MAX_NATIONAL_PHONE_LEN: usize = 32;

/// A phone number in national form, trimmed; `None` unless it is only digits and the usual
/// separators, with at least four digits.
pub fn national_phone_text(raw: &str) -> Option<String> {
    let trimmed = raw.trim();
    let digits = trimmed.chars().filter(char::is_ascii_digit).count();
    let phone_like = trimmed
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '.' | '(' | ')' | '/'));
    (phone_like && digits >= 4 && trimmed.len() <= MAX_NATIONAL_PHONE_LEN)
        .then(|| trimmed.to_owned())
}

/// Trims and lower-cases an email address; `None` when it cannot be an address.
///
/// Lower-casing the local part is technically lossy, but every mainstream provider treats it
/// case-insensitively and stores match that way (the database index is on the same form).
///
/// In the browser's wasm only ASCII letters are lower-cased: Unicode's case tables would cost
/// every agent's download about 7 KB (brotli), and the server normalises the keys a page sends
/// again ([`ContactKeys::normalized`]) before it looks anything up.
pub fn normalize_email(raw: &str) -> Option<String> {
    #[cfg(not(target_arch = "wasm32"))]
    let email = raw.trim().to_lowercase();
    #[cfg(target_arch = "wasm32")]
    let email = raw.trim().to_ascii_lowercase();
    let (local, domain) = email.split_once('@')?;
    let valid = !local.is_empty()
        && !domain.is_empty()
        && !domain.contains('@')
        && !email.chars().any(char::is_whitespace);
    valid.then_some(email)
}

/// Reduces a phone number written in international form ("+49 221 123-4567", "0049 …") to
/// E.164 ("+492211234567"). National forms need a default region, which only the server
/// knows (see `ContactKeys::phone_national`); here they give `None`.
pub fn normalize_international_phone(raw: &str) -> Option<String> {
    let trimmed = raw.trim();
    let rest = if let Some(rest) = trimmed.strip_prefix('+') {
        rest
    } else {
        trimmed.strip_prefix("00")?
    };
    let mut digits = String::with_capacity(rest.len() + 1);
    digits.push('+');
    for c in rest.chars() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '-' | '.' | '(' | ')' | '/' => {}
            _ => return None,
        }
    }
    // E.164 allows at most 15 digits; fewer than 7 is no real subscriber number.
    (8..=16).contains(&digits.len()).then_some(digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_is_trimmed_and_lower_cased() {
        assert_eq!(
            normalize_email("  Jane.Doe@Example.COM "),
            Some("jane.doe@example.com".into())
        );
    }

    #[test]
    fn keys_a_page_sent_are_normalised_again() {
        let sent = ContactKeys {
            email: Some("JÖRG@Example.com".into()),
            ..ContactKeys::default()
        };
        assert_eq!(sent.normalized().email.as_deref(), Some("jörg@example.com"));
    }

    #[test]
    fn email_without_at_or_with_spaces_is_rejected() {
        assert_eq!(normalize_email("jane"), None);
        assert_eq!(normalize_email("ja ne@example.com"), None);
        assert_eq!(normalize_email("@example.com"), None);
        assert_eq!(normalize_email("a@b@c"), None);
    }

    #[test]
    fn international_phone_forms_reduce_to_e164() {
        for raw in ["+49 221 1234567", "00492211234567", "+49 (221) 123-4567"] {
            assert_eq!(
                normalize_international_phone(raw),
                Some("+492211234567".into()),
                "{raw}"
            );
        }
    }

    #[test]
    fn a_national_phone_is_kept_as_written_for_the_server() {
        let keys = ContactKeys::from_raw(None, None, Some(" 0221 123-4567 "));
        assert_eq!(keys.phone, None);
        assert_eq!(keys.phone_national.as_deref(), Some("0221 123-4567"));
        assert!(!keys.is_empty());
        let international = ContactKeys::from_raw(None, None, Some("+49 221 1234567"));
        assert_eq!(international.phone_national, None);
        assert_eq!(
            ContactKeys::from_raw(None, None, Some("call me")).phone_national,
            None
        );
        assert_eq!(
            ContactKeys::from_raw(None, None, Some("12")).phone_national,
            None
        );
    }

    #[test]
    fn national_or_garbage_phone_gives_none() {
        assert_eq!(normalize_international_phone("0221 1234567"), None);
        assert_eq!(normalize_international_phone("+49 abc"), None);
        assert_eq!(normalize_international_phone("+1"), None);
    }

    #[test]
    fn blank_values_are_dropped() {
        let keys = ContactKeys::from_raw(Some("  "), Some(""), None);
        assert!(keys.is_empty());
    }
}
