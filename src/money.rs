//! Money as integer minor units plus an ISO 4217 currency code; never floats.

use serde::{Deserialize, Serialize};

/// An amount of one currency, in that currency's minor units (cents for EUR, yen for JPY).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    /// The amount in minor units; negative for credits.
    pub minor: i64,
    /// The ISO 4217 code, upper case ("EUR").
    pub currency: String,
}

impl Money {
    /// An amount in minor units of `currency`.
    pub fn new(minor: i64, currency: impl Into<String>) -> Self {
        Self {
            minor,
            currency: currency.into(),
        }
    }

    /// How many decimal places the currency's minor unit has (ISO 4217).
    pub fn exponent(&self) -> u32 {
        match self.currency.as_str() {
            "BIF" | "CLP" | "DJF" | "GNF" | "ISK" | "JPY" | "KMF" | "KRW" | "PYG" | "RWF"
            | "UGX" | "UYI" | "VND" | "VUV" | "XAF" | "XOF" | "XPF" => 0,
            "BHD" | "IQD" | "JOD" | "KWD" | "LYD" | "OMR" | "TND" => 3,
            _ => 2,
        }
    }

    /// The amount with its code, independent of locale: "EUR 1,234.50", "JPY 1,200".
    ///
    /// The same string on the server and in the browser, so hydration never disagrees.
    pub fn display(&self) -> String {
        let exponent = self.exponent();
        let divisor = 10_i64.pow(exponent);
        let sign = if self.minor < 0 { "-" } else { "" };
        let abs = self.minor.unsigned_abs();
        let units = group_thousands(abs / divisor.unsigned_abs());
        if exponent == 0 {
            format!("{} {sign}{units}", self.currency)
        } else {
            let fraction = abs % divisor.unsigned_abs();
            format!(
                "{} {sign}{units}.{fraction:0width$}",
                self.currency,
                width = exponent as usize
            )
        }
    }
}

/// Writes a whole number with a comma between each group of three digits.
fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_decimal_currencies_show_cents() {
        assert_eq!(Money::new(123_450, "EUR").display(), "EUR 1,234.50");
        assert_eq!(Money::new(5, "USD").display(), "USD 0.05");
        assert_eq!(Money::new(0, "GBP").display(), "GBP 0.00");
    }

    #[test]
    fn zero_and_three_decimal_currencies() {
        assert_eq!(Money::new(1_200, "JPY").display(), "JPY 1,200");
        assert_eq!(Money::new(1_234, "KWD").display(), "KWD 1.234");
    }

    #[test]
    fn negative_amounts_and_extremes() {
        assert_eq!(Money::new(-2_599, "EUR").display(), "EUR -25.99");
        assert_eq!(
            Money::new(i64::MIN, "EUR").display(),
            "EUR -92,233,720,368,547,758.08"
        );
    }
}
