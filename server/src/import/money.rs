//! Money as the store keeps it: integer minor units of an ISO 4217 currency. Decimal amounts
//! in a file ("12.34") are converted exactly, by the currency's number of decimals; binary
//! floats are refused, since 0.1 + 0.2 is not 0.3 and a cent lost on import stays lost.

/// How many decimals a currency's minor unit has: 0 for currencies without one (yen, won…),
/// 3 for the dinar-like ones, 2 for the rest (ISO 4217).
pub fn exponent(currency: &str) -> u32 {
    match currency {
        "BIF" | "CLP" | "DJF" | "GNF" | "ISK" | "JPY" | "KMF" | "KRW" | "PYG" | "RWF" | "UGX"
        | "UYI" | "VND" | "VUV" | "XAF" | "XOF" | "XPF" => 0,
        "BHD" | "IQD" | "JOD" | "KWD" | "LYD" | "OMR" | "TND" => 3,
        _ => 2,
    }
}

/// A currency code as the store's check wants it: three capital letters.
pub fn currency(text: &str) -> Result<String, String> {
    let code = text.trim();
    if code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(code.to_owned())
    } else {
        Err(format!(
            "currency {text:?} is not an ISO 4217 code (three capital letters, like EUR)"
        ))
    }
}

/// A decimal amount ("12.34", "12", "-0.5") in minor units of `currency`; more decimals than
/// the currency has, or a value past what the store holds, is an error.
pub fn decimal_to_minor(text: &str, currency: &str) -> Result<i64, String> {
    let decimals = exponent(currency);
    let trimmed = text.trim();
    let (negative, unsigned) = match trimmed.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, trimmed.strip_prefix('+').unwrap_or(trimmed)),
    };
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let digits_only = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !digits_only(whole) || !digits_only(fraction) {
        return Err(format!(
            "amount {text:?} is not a decimal number like \"12.34\""
        ));
    }
    if unsigned.contains('.') && fraction.is_empty() {
        return Err(format!(
            "amount {text:?} is not a decimal number like \"12.34\""
        ));
    }
    if fraction.len() > decimals as usize {
        return Err(format!(
            "amount {text:?} has more decimals than {currency} has ({decimals})"
        ));
    }
    let too_large = || format!("amount {text:?} is too large");
    let mut minor: i64 = whole.parse().map_err(|_| too_large())?;
    for _ in 0..decimals {
        minor = minor.checked_mul(10).ok_or_else(too_large)?;
    }
    if !fraction.is_empty() {
        let scale = 10i64.pow(decimals - fraction.len() as u32);
        let part: i64 = fraction.parse().map_err(|_| too_large())?;
        minor = minor.checked_add(part * scale).ok_or_else(too_large)?;
    }
    Ok(if negative { -minor } else { minor })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_follow_the_currency() {
        assert_eq!(decimal_to_minor("12.34", "EUR"), Ok(1234));
        assert_eq!(decimal_to_minor("12.3", "EUR"), Ok(1230));
        assert_eq!(decimal_to_minor("12", "EUR"), Ok(1200));
        assert_eq!(decimal_to_minor("1234", "JPY"), Ok(1234));
        assert_eq!(decimal_to_minor("1.234", "KWD"), Ok(1234));
        assert_eq!(decimal_to_minor("0.05", "USD"), Ok(5));
        assert_eq!(decimal_to_minor("-1.50", "USD"), Ok(-150));
    }

    #[test]
    fn too_many_decimals_or_no_number_is_an_error() {
        assert!(decimal_to_minor("12.345", "EUR")
            .unwrap_err()
            .contains("more decimals"));
        assert!(decimal_to_minor("12.5", "JPY").is_err());
        for bad in [
            "",
            ".5",
            "12.",
            "1e3",
            "12,34",
            "abc",
            "99999999999999999999",
        ] {
            assert!(decimal_to_minor(bad, "EUR").is_err(), "{bad}");
        }
    }

    #[test]
    fn currencies_are_three_capitals() {
        assert_eq!(currency("EUR"), Ok("EUR".into()));
        assert!(currency("eur").is_err());
        assert!(currency("EURO").is_err());
    }
}
