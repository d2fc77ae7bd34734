//! Phone numbers in national form, read with the install's default region (server only):
//! "0221 1234567" in Germany is "+492211234567", as the store keeps it.

use std::str::FromStr;

use orderpane::contact_keys::ContactKeys;
use phonenumber::{country, Mode};

/// Whether `region` is a country code the phone library knows ("DE", "GB", …).
pub fn is_known_region(region: &str) -> bool {
    country::Id::from_str(region).is_ok()
}

/// The keys with a national phone read in `region` and put into `phone` (E.164) when it is a
/// valid number there; the national text itself is not looked up by.
pub fn with_default_region(mut keys: ContactKeys, region: Option<&str>) -> ContactKeys {
    let national = keys.phone_national.take();
    if keys.phone.is_some() {
        return keys;
    }
    let (Some(national), Some(region)) = (national, region) else {
        return keys;
    };
    let Ok(region) = country::Id::from_str(region) else {
        return keys;
    };
    keys.phone = phonenumber::parse(Some(region), &national)
        .ok()
        .filter(phonenumber::is_valid)
        .map(|number| number.format().mode(Mode::E164).to_string());
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    fn national(raw: &str) -> ContactKeys {
        ContactKeys::from_raw(None, None, Some(raw))
    }

    #[test]
    fn national_forms_become_e164_in_the_default_region() {
        for raw in ["0221 1234567", "(0221) 123-4567", "0221/1234567"] {
            let keys = with_default_region(national(raw), Some("DE"));
            assert_eq!(keys.phone.as_deref(), Some("+492211234567"), "{raw}");
            assert_eq!(keys.phone_national, None);
        }
        let british = with_default_region(national("07911 123456"), Some("GB"));
        assert_eq!(british.phone.as_deref(), Some("+447911123456"));
    }

    #[test]
    fn without_a_region_or_a_valid_number_nothing_is_matched() {
        assert_eq!(
            with_default_region(national("0221 1234567"), None).phone,
            None
        );
        assert_eq!(
            with_default_region(national("0000"), Some("DE")).phone,
            None
        );
        assert_eq!(
            with_default_region(national("0221 1234567"), Some("XX")).phone,
            None
        );
        assert!(with_default_region(national("0221 1234567"), None).is_empty());
    }

    #[test]
    fn an_international_phone_is_left_as_it_is() {
        let keys = ContactKeys::from_raw(None, None, Some("+49 221 1234567"));
        let keys = with_default_region(keys, Some("GB"));
        assert_eq!(keys.phone.as_deref(), Some("+492211234567"));
    }

    #[test]
    fn known_regions() {
        assert!(is_known_region("DE"));
        assert!(!is_known_region("Germany"));
    }
}
