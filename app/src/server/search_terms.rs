//! How a search is read: one text, tried as every kind of key at once, each in the form the
//! store keeps it (so every lookup is an index probe).

use orderpane::contact_keys::ContactKeys;

/// The search, in the form each lookup needs. Absent forms are not looked up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchTerms {
    /// Customer, order and invoice numbers, exactly as typed (a leading `#` dropped).
    pub number: String,
    /// Lower-cased, for emails equal to it or starting with it; `None` when it has spaces.
    pub email_prefix: Option<String>,
    /// E.164, when it reads as a phone number (national forms with the install's region).
    pub phone: Option<String>,
    /// A `LIKE` pattern for names: anywhere in the name, or at its start for two characters
    /// (a two-letter substring is in half the names, and the trigram index cannot narrow it).
    pub name_pattern: String,
}

impl SearchTerms {
    /// Reads a checked query (see `checked_query`); `phone_region` is the install's.
    pub fn read(query: &str, phone_region: Option<&str>) -> Self {
        let number = query.strip_prefix('#').unwrap_or(query).trim().to_owned();
        let lower = query.to_lowercase();
        let email_prefix = (!lower.chars().any(char::is_whitespace)).then(|| lower.clone());
        let phone_keys = ContactKeys::from_raw(None, None, Some(query));
        let phone = super::phone::with_default_region(phone_keys, phone_region).phone;
        let escaped = escape_like(&lower);
        let name_pattern = if lower.chars().count() < 3 {
            format!("{escaped}%")
        } else {
            format!("%{escaped}%")
        };
        Self {
            number,
            email_prefix,
            phone,
            name_pattern,
        }
    }
}

/// `text` with LIKE's wildcards (and its escape character) taken literally.
fn escape_like(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '%' | '_') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_email_is_lower_cased_and_also_a_name_substring() {
        let terms = SearchTerms::read("Jane@Example.com", None);
        assert_eq!(terms.email_prefix.as_deref(), Some("jane@example.com"));
        assert_eq!(terms.name_pattern, "%jane@example.com%");
        assert_eq!(terms.phone, None);
        assert_eq!(terms.number, "Jane@Example.com");
    }

    #[test]
    fn phones_become_e164_national_ones_with_the_region() {
        let international = SearchTerms::read("+49 221 123-4567", None);
        assert_eq!(international.phone.as_deref(), Some("+492211234567"));
        let national = SearchTerms::read("0221 1234567", Some("DE"));
        assert_eq!(national.phone.as_deref(), Some("+492211234567"));
        assert_eq!(SearchTerms::read("0221 1234567", None).phone, None);
        // An order number is no valid phone number anywhere.
        assert_eq!(SearchTerms::read("1004", Some("DE")).phone, None);
    }

    #[test]
    fn numbers_lose_a_leading_hash_and_names_with_spaces_are_no_email() {
        assert_eq!(SearchTerms::read("#1004", None).number, "1004");
        let name = SearchTerms::read("Jane Doe", None);
        assert_eq!(name.email_prefix, None);
        assert_eq!(name.name_pattern, "%jane doe%");
    }

    #[test]
    fn short_searches_match_name_starts_and_wildcards_are_literal() {
        assert_eq!(SearchTerms::read("Jo", None).name_pattern, "jo%");
        assert_eq!(
            SearchTerms::read("50%_off", None).name_pattern,
            "%50\\%\\_off%"
        );
        assert_eq!(SearchTerms::read("a\\b", None).name_pattern, "%a\\\\b%");
    }
}
