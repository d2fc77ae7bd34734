//! Money and dates written the way an agent's locale writes them, from a small table of CLDR
//! (version 45) data instead of the browser's `Intl`.
//!
//! The server renders the page and the browser hydrates it, so both must print the very same
//! string; `Intl` differs between browsers and is absent on the server. A few dozen table rows
//! cover the languages the app serves and keep the wasm small. Anything the table does not know
//! falls back to English (en-US) rather than failing.
//!
//! Simplifications, on purpose:
//! - A currency's symbol is CLDR's international one ("US$", "CA$", "CHF"), except in the
//!   country that uses it, where it is the local one ("$" in the US, "kr" in Sweden); CLDR's
//!   per-language symbol lists ("$US" in French) are not carried.
//! - Spanish and Portuguese outside Spain, Portugal and Brazil, and English in India, use the
//!   language's main conventions.
//! - Month names exist for English and German only; other languages write months as numbers.

use crate::money::Money;

/// The no-break space CLDR puts between an amount and its symbol.
const NBSP: char = '\u{a0}';
/// The narrow no-break space French groups thousands with.
const NNBSP: char = '\u{202f}';
/// A tag longer than this is cut: language and region sit at its start, and parsing stays cheap
/// whatever a header holds.
const MAX_TAG_BYTES: usize = 32;

/// A language and region to format for, such as German in Switzerland.
///
/// Only languages in the table are kept; any other tag gives [`Locale::default`] (en-US), so
/// that every value formats predictably.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Locale {
    /// A language from [`LANGUAGES`], lower case.
    language: &'static str,
    /// The ISO 3166 region, two upper-case ASCII letters.
    region: [u8; 2],
}

impl Default for Locale {
    /// English as written in the United States.
    fn default() -> Self {
        Self {
            language: "en",
            region: *b"US",
        }
    }
}

/// The languages in the table, each with the region assumed when a tag names none.
const LANGUAGES: &[(&str, &str)] = &[
    ("en", "US"),
    ("de", "DE"),
    ("fr", "FR"),
    ("es", "ES"),
    ("it", "IT"),
    ("nl", "NL"),
    ("pt", "BR"),
    ("sv", "SE"),
    ("da", "DK"),
    ("nb", "NO"),
    ("pl", "PL"),
    ("ja", "JP"),
    ("zh", "CN"),
    ("ko", "KR"),
];

/// How one language, or one language in one region, writes amounts and dates.
struct Style {
    language: &'static str,
    /// Empty for the row that serves every other region of the language.
    region: &'static str,
    decimal: char,
    group: char,
    /// Digits the leftmost group needs before grouping starts (CLDR minimumGroupingDigits):
    /// with 2, Spanish writes 1234 but 12.345.
    min_grouping: usize,
    /// Currency patterns for amounts from zero up and below zero: `¤` is the symbol, `#` the
    /// number, anything else is written as it stands (CLDR's minus sign included).
    positive: &'static str,
    negative: &'static str,
    /// Date pattern: `Y` year, `M`/`D` two-digit month/day, `m`/`d` unpadded, `b` the month's
    /// abbreviated name.
    date: &'static str,
    /// Month-and-year pattern for chart axes, in the same letters.
    month: &'static str,
}

/// Builds a [`Style`] row; keeps the table one line per locale.
macro_rules! style {
    ($language:literal, $region:literal, $decimal:literal, $group:expr, $min:literal,
     $positive:literal, $negative:literal, $date:literal, $month:literal) => {
        Style {
            language: $language,
            region: $region,
            decimal: $decimal,
            group: $group,
            min_grouping: $min,
            positive: $positive,
            negative: $negative,
            date: $date,
            month: $month,
        }
    };
}

/// The table. Region rows come before their language's row; the first row is the fallback.
#[rustfmt::skip]
const STYLES: &[Style] = &[
    style!("en", "US", '.', ',', 1, "¤#", "-¤#", "b d, Y", "b Y"),
    style!("en", "CA", '.', ',', 1, "¤#", "-¤#", "b d, Y", "b Y"),
    style!("en", "", '.', ',', 1, "¤#", "-¤#", "d b Y", "b Y"),
    style!("de", "CH", '.', '’', 1, "¤\u{a0}#", "¤-#", "D.M.Y", "b Y"),
    style!("de", "AT", ',', '.', 1, "¤\u{a0}#", "-¤\u{a0}#", "D.M.Y", "b Y"),
    style!("de", "", ',', '.', 1, "#\u{a0}¤", "-#\u{a0}¤", "D.M.Y", "b Y"),
    style!("fr", "CA", ',', NBSP, 1, "#\u{a0}¤", "-#\u{a0}¤", "Y-M-D", "M/Y"),
    style!("fr", "", ',', NNBSP, 1, "#\u{a0}¤", "-#\u{a0}¤", "D/M/Y", "M/Y"),
    style!("es", "", ',', '.', 2, "#\u{a0}¤", "-#\u{a0}¤", "D/M/Y", "M/Y"),
    style!("it", "", ',', '.', 1, "#\u{a0}¤", "-#\u{a0}¤", "D/M/Y", "M/Y"),
    style!("nl", "", ',', '.', 1, "¤\u{a0}#", "¤\u{a0}-#", "D-M-Y", "M-Y"),
    style!("pt", "PT", ',', NBSP, 2, "#\u{a0}¤", "-#\u{a0}¤", "D/M/Y", "M/Y"),
    style!("pt", "", ',', '.', 1, "¤\u{a0}#", "-¤\u{a0}#", "D/M/Y", "M/Y"),
    style!("sv", "", ',', NBSP, 1, "#\u{a0}¤", "\u{2212}#\u{a0}¤", "Y-M-D", "Y-M"),
    style!("da", "", ',', '.', 1, "#\u{a0}¤", "-#\u{a0}¤", "D.M.Y", "M.Y"),
    style!("nb", "", ',', NBSP, 1, "#\u{a0}¤", "\u{2212}#\u{a0}¤", "D.M.Y", "M.Y"),
    style!("pl", "", ',', NBSP, 2, "#\u{a0}¤", "-#\u{a0}¤", "D.M.Y", "M.Y"),
    style!("ja", "", '.', ',', 1, "¤#", "-¤#", "Y/M/D", "Y/m"),
    style!("zh", "", '.', ',', 1, "¤#", "-¤#", "Y/m/d", "Y/m"),
    style!("ko", "", '.', ',', 1, "¤#", "-¤#", "Y. m. d.", "Y. m."),
];

/// Abbreviated month names, January first, separated by spaces (CLDR stand-alone forms).
const MONTH_NAMES: &[(&str, &str)] = &[
    ("en", "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec"),
    ("de", "Jan Feb Mär Apr Mai Jun Jul Aug Sep Okt Nov Dez"),
];

/// International currency symbols (CLDR root/English); a code not listed is written as is.
const SYMBOLS: &[(&str, &str)] = &[
    ("EUR", "€"),
    ("USD", "US$"),
    ("GBP", "£"),
    ("JPY", "¥"),
    ("CNY", "CN¥"),
    ("CAD", "CA$"),
    ("AUD", "A$"),
    ("NZD", "NZ$"),
    ("HKD", "HK$"),
    ("TWD", "NT$"),
    ("MXN", "MX$"),
    ("BRL", "R$"),
    ("INR", "₹"),
    ("KRW", "₩"),
    ("ILS", "₪"),
    ("VND", "₫"),
    ("PHP", "₱"),
];

/// Symbols a region uses for its own money (and, in China, to tell the yen from the yuan).
const LOCAL_SYMBOLS: &[(&str, &str, &str)] = &[
    ("US", "USD", "$"),
    ("CA", "CAD", "$"),
    ("AU", "AUD", "$"),
    ("NZ", "NZD", "$"),
    ("TW", "TWD", "$"),
    ("SE", "SEK", "kr"),
    ("NO", "NOK", "kr"),
    ("DK", "DKK", "kr."),
    ("PL", "PLN", "zł"),
    ("JP", "JPY", "￥"),
    ("CN", "CNY", "¥"),
    ("CN", "JPY", "JP¥"),
];

impl Locale {
    /// The locale a BCP 47 or POSIX tag names: "de-DE", "de_DE.UTF-8", "EN-gb", "pt",
    /// "zh-Hant-TW", or the first entry of an Accept-Language header. A missing region is the
    /// language's main one ("pt" is pt-BR); an unknown language or garbage gives the default.
    pub fn parse(tag: &str) -> Self {
        let bytes = &tag.as_bytes()[..tag.len().min(MAX_TAG_BYTES)];
        let start = bytes
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .unwrap_or(bytes.len());
        // The tag ends at the first byte no subtag holds: ".UTF-8", "@euro", ",en;q=0.8".
        let tag = &bytes[start..];
        let end = tag
            .iter()
            .position(|&b| !(b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
            .unwrap_or(tag.len());
        let mut subtags = tag[..end].split(|&b| b == b'-' || b == b'_');

        let first = subtags.next().unwrap_or_default().to_ascii_lowercase();
        let wanted: &[u8] = match first.as_slice() {
            // Norwegian is filed as Bokmål; Nynorsk writes numbers and dates the same way.
            b"no" | b"nn" => b"nb",
            other => other,
        };
        let Some(&(language, home)) = LANGUAGES.iter().find(|(code, _)| code.as_bytes() == wanted)
        else {
            return Self::default();
        };

        // A script subtag ("Hant") may come first; a numeric region ("419") is not kept.
        let region = subtags
            .take(2)
            .find(|s| s.len() == 2 && s.iter().all(u8::is_ascii_alphabetic))
            .map(|s| [s[0].to_ascii_uppercase(), s[1].to_ascii_uppercase()]);
        let home = home.as_bytes();
        Self {
            language,
            region: region.unwrap_or([home[0], home[1]]),
        }
    }

    /// The normalised tag, language and region: "de-DE", "en-US".
    pub fn tag(&self) -> String {
        let mut tag = String::with_capacity(5);
        tag.push_str(self.language);
        tag.push('-');
        tag.extend(self.region.iter().map(|&b| char::from(b)));
        tag
    }

    /// `money` with the locale's separators, symbol and sign placement: "$1,234.50" in
    /// en-US, "1.234,50 €" in German, "CHF 1’234.50" in de-CH, "￥1,235" in Japanese. The
    /// currency's own number of decimals is kept; an unknown code stands for its symbol.
    pub fn money(&self, money: &Money) -> String {
        let style = self.style();
        let symbol = self.symbol(&money.currency);
        let number = style.number(money.minor.unsigned_abs(), money.exponent());
        let pattern = if money.minor < 0 {
            style.negative
        } else {
            style.positive
        };

        let mut out = String::with_capacity(number.len() + symbol.len() + 4);
        let mut previous = None;
        let mut chars = pattern.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '¤' => {
                    // CLDR currency spacing: a letter of the symbol never touches a digit
                    // ("CHF 12.00", but "$12.00").
                    if previous == Some('#') && symbol.chars().next().is_some_and(needs_space) {
                        out.push(NBSP);
                    }
                    out.push_str(symbol);
                    if chars.peek() == Some(&'#')
                        && symbol.chars().next_back().is_some_and(needs_space)
                    {
                        out.push(NBSP);
                    }
                }
                '#' => out.push_str(&number),
                other => out.push(other),
            }
            previous = Some(c);
        }
        out
    }

    /// A "YYYY-MM-DD" day as the locale writes a date: "Nov 20, 2026" in en-US, "20.11.2026"
    /// in German, "2026/11/20" in Japanese. Anything that is not a real day comes back as it
    /// was, so a surprise from the server still shows.
    pub fn date(&self, iso_day: &str) -> String {
        match parse_day(iso_day) {
            Some((year, month, day)) => self.render(self.style().date, year, month, day),
            None => iso_day.to_string(),
        }
    }

    /// A month as a short chart-axis label: "Nov 2026" in English, "Nov 2026" in German,
    /// "11/2026" in French. A month outside 1–12 is written "2026-13" rather than guessed.
    pub fn month(&self, year: i32, month: u32) -> String {
        if (1..=12).contains(&month) {
            self.render(self.style().month, year, month, 1)
        } else {
            format!("{year}-{month:02}")
        }
    }

    /// The table row for this locale: its region's row, else its language's, else en-US.
    fn style(&self) -> &'static Style {
        let of_language = |s: &&Style| s.language == self.language;
        STYLES
            .iter()
            .filter(of_language)
            .find(|s| s.region.as_bytes() == self.region)
            .or_else(|| {
                STYLES
                    .iter()
                    .filter(of_language)
                    .find(|s| s.region.is_empty())
            })
            .unwrap_or(&STYLES[0])
    }

    /// The symbol written for `code` here.
    fn symbol<'a>(&self, code: &'a str) -> &'a str {
        let local = LOCAL_SYMBOLS
            .iter()
            .find(|(region, c, _)| region.as_bytes() == self.region && *c == code)
            .map(|&(_, _, symbol)| symbol);
        local
            .or_else(|| SYMBOLS.iter().find(|(c, _)| *c == code).map(|&(_, s)| s))
            .unwrap_or(code)
    }

    /// Writes a date or month `pattern` (see [`Style::date`]).
    fn render(&self, pattern: &str, year: i32, month: u32, day: u32) -> String {
        let names = MONTH_NAMES
            .iter()
            .find(|(language, _)| *language == self.language)
            .zip((month as usize).checked_sub(1))
            .and_then(|((_, names), index)| names.split(' ').nth(index));
        let mut out = String::with_capacity(pattern.len() + 8);
        for c in pattern.chars() {
            match c {
                'Y' => out.push_str(&year.to_string()),
                'M' => out.push_str(&format!("{month:02}")),
                'm' => out.push_str(&month.to_string()),
                'D' => out.push_str(&format!("{day:02}")),
                'd' => out.push_str(&day.to_string()),
                // A language without names in the table writes the month as a number.
                'b' => match names {
                    Some(name) => out.push_str(name),
                    None => out.push_str(&format!("{month:02}")),
                },
                other => out.push(other),
            }
        }
        out
    }
}

impl Style {
    /// The absolute amount `minor` with `exponent` decimals, grouped and with this style's
    /// decimal separator.
    fn number(&self, minor: u64, exponent: u32) -> String {
        let divisor = 10_u64.pow(exponent);
        let units = (minor / divisor).to_string();
        let grouped = units.len() >= 3 + self.min_grouping;
        let mut out = String::with_capacity(units.len() * 2 + exponent as usize + 1);
        for (i, c) in units.chars().enumerate() {
            if grouped && i > 0 && (units.len() - i).is_multiple_of(3) {
                out.push(self.group);
            }
            out.push(c);
        }
        if exponent > 0 {
            out.push(self.decimal);
            out.push_str(&format!(
                "{:0width$}",
                minor % divisor,
                width = exponent as usize
            ));
        }
        out
    }
}

/// Whether a symbol that begins or ends with `c` needs a space before a digit: CLDR inserts
/// one unless `c` is a currency sign or a space.
fn needs_space(c: char) -> bool {
    !(c.is_whitespace()
        || matches!(c, '$' | '¢' | '£' | '¤' | '¥' | '\u{20a0}'..='\u{20cf}' | '\u{ffe0}'..='\u{ffe6}'))
}

/// Year, month and day of a valid "YYYY-MM-DD" day.
fn parse_day(iso_day: &str) -> Option<(i32, u32, u32)> {
    let b = iso_day.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let number = |range: std::ops::Range<usize>| {
        b[range].iter().try_fold(0_u32, |n, &d| {
            d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
        })
    };
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    // Four digits always fit an i32.
    (1..=days)
        .contains(&day)
        .then(|| (i32::try_from(year).unwrap_or_default(), month, day))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn money(tag: &str, minor: i64, currency: &str) -> String {
        Locale::parse(tag).money(&Money::new(minor, currency))
    }

    fn date(tag: &str, day: &str) -> String {
        Locale::parse(tag).date(day)
    }

    #[test]
    fn tags_are_parsed_and_normalised() {
        for (raw, tag) in [
            ("de-DE", "de-DE"),
            ("de_DE.UTF-8", "de-DE"),
            ("de_DE@euro", "de-DE"),
            ("en", "en-US"),
            ("EN-gb", "en-GB"),
            ("pt-BR", "pt-BR"),
            ("pt", "pt-BR"),
            ("pt_PT", "pt-PT"),
            ("fr-CA", "fr-CA"),
            ("fr", "fr-FR"),
            ("  sv-SE ", "sv-SE"),
            ("no", "nb-NO"),
            ("nn-NO", "nb-NO"),
            ("zh-Hant-TW", "zh-TW"),
            ("zh-Hans", "zh-CN"),
            ("es-419", "es-ES"),
            ("ja", "ja-JP"),
            ("ko-KR", "ko-KR"),
            ("de-CH,de;q=0.9,en;q=0.8", "de-CH"),
        ] {
            assert_eq!(Locale::parse(raw).tag(), tag, "{raw:?}");
        }
    }

    #[test]
    fn garbage_tags_are_english() {
        for raw in [
            "",
            "   ",
            "C",
            "POSIX",
            "xx-YY",
            "ru-RU",
            "-de",
            "*",
            "d",
            "deu",
            "€€",
            "ünïcödé",
        ] {
            assert_eq!(Locale::parse(raw), Locale::default(), "{raw:?}");
        }
        assert_eq!(Locale::default().tag(), "en-US");
        let long = format!("de-AT{}", "-x".repeat(100_000));
        assert_eq!(Locale::parse(&long).tag(), "de-AT");
    }

    #[test]
    fn english() {
        assert_eq!(money("en-US", 123_450, "EUR"), "€1,234.50");
        assert_eq!(money("en-US", 123_450, "USD"), "$1,234.50");
        assert_eq!(money("en-US", -500, "USD"), "-$5.00");
        assert_eq!(money("en-US", 123_450, "CHF"), "CHF\u{a0}1,234.50");
        assert_eq!(money("en-US", -123_450, "CHF"), "-CHF\u{a0}1,234.50");
        assert_eq!(money("en-US", 999, "CAD"), "CA$9.99");
        assert_eq!(money("en-US", 999, "AUD"), "A$9.99");
        assert_eq!(money("en-US", 999, "INR"), "₹9.99");
        assert_eq!(money("en-US", 999, "CNY"), "CN¥9.99");
        assert_eq!(money("en-US", 999, "SEK"), "SEK\u{a0}9.99");
        assert_eq!(money("en-GB", 123_450, "GBP"), "£1,234.50");
        assert_eq!(money("en-GB", 123_450, "USD"), "US$1,234.50");
        assert_eq!(money("en-CA", 123_450, "CAD"), "$1,234.50");
        assert_eq!(money("en-CA", 123_450, "USD"), "US$1,234.50");
        assert_eq!(money("en-AU", 500, "AUD"), "$5.00");
        assert_eq!(date("en-US", "2026-11-20"), "Nov 20, 2026");
        assert_eq!(date("en-US", "2026-01-05"), "Jan 5, 2026");
        assert_eq!(date("en-GB", "2026-11-20"), "20 Nov 2026");
        assert_eq!(date("en-IE", "2026-01-05"), "5 Jan 2026");
        assert_eq!(date("en-CA", "2026-11-20"), "Nov 20, 2026");
    }

    #[test]
    fn german() {
        assert_eq!(money("de", 123_450, "EUR"), "1.234,50\u{a0}€");
        assert_eq!(money("de-DE", -500, "EUR"), "-5,00\u{a0}€");
        assert_eq!(money("de-DE", 123_450, "USD"), "1.234,50\u{a0}US$");
        assert_eq!(money("de-DE", 123_450, "CHF"), "1.234,50\u{a0}CHF");
        assert_eq!(money("de-CH", 123_450, "CHF"), "CHF\u{a0}1’234.50");
        assert_eq!(money("de-CH", -123_450, "CHF"), "CHF-1’234.50");
        assert_eq!(money("de-CH", 123_450, "EUR"), "€\u{a0}1’234.50");
        assert_eq!(money("de-AT", 123_450, "EUR"), "€\u{a0}1.234,50");
        assert_eq!(money("de-AT", -500, "EUR"), "-€\u{a0}5,00");
        assert_eq!(date("de-DE", "2026-11-20"), "20.11.2026");
        assert_eq!(date("de-CH", "2026-01-05"), "05.01.2026");
    }

    #[test]
    fn french() {
        assert_eq!(money("fr", 123_450, "EUR"), "1\u{202f}234,50\u{a0}€");
        assert_eq!(money("fr-FR", -500, "EUR"), "-5,00\u{a0}€");
        assert_eq!(money("fr-CA", 123_450, "CAD"), "1\u{a0}234,50\u{a0}$");
        assert_eq!(date("fr-FR", "2026-11-20"), "20/11/2026");
        assert_eq!(date("fr-CA", "2026-11-20"), "2026-11-20");
    }

    #[test]
    fn spanish_and_polish_group_only_from_five_digits() {
        assert_eq!(money("es", 123_450, "EUR"), "1234,50\u{a0}€");
        assert_eq!(money("es-ES", 1_234_550, "EUR"), "12.345,50\u{a0}€");
        assert_eq!(money("es", -123_456_789, "EUR"), "-1.234.567,89\u{a0}€");
        assert_eq!(date("es", "2026-11-20"), "20/11/2026");
        assert_eq!(money("pl", 123_450, "PLN"), "1234,50\u{a0}zł");
        assert_eq!(money("pl-PL", 1_234_550, "PLN"), "12\u{a0}345,50\u{a0}zł");
        assert_eq!(money("pl", -500, "EUR"), "-5,00\u{a0}€");
        assert_eq!(date("pl", "2026-11-20"), "20.11.2026");
    }

    #[test]
    fn italian_and_dutch() {
        assert_eq!(money("it-IT", 123_450, "EUR"), "1.234,50\u{a0}€");
        assert_eq!(money("it", -500, "EUR"), "-5,00\u{a0}€");
        assert_eq!(date("it", "2026-11-20"), "20/11/2026");
        assert_eq!(money("nl-NL", 123_450, "EUR"), "€\u{a0}1.234,50");
        assert_eq!(money("nl", -500, "EUR"), "€\u{a0}-5,00");
        assert_eq!(date("nl", "2026-11-20"), "20-11-2026");
    }

    #[test]
    fn portuguese() {
        assert_eq!(money("pt-BR", 123_450, "BRL"), "R$\u{a0}1.234,50");
        assert_eq!(money("pt-BR", -500, "BRL"), "-R$\u{a0}5,00");
        assert_eq!(money("pt-PT", 123_450, "EUR"), "1234,50\u{a0}€");
        assert_eq!(money("pt-PT", 1_234_550, "EUR"), "12\u{a0}345,50\u{a0}€");
        assert_eq!(money("pt-PT", -500, "EUR"), "-5,00\u{a0}€");
        assert_eq!(date("pt-BR", "2026-11-20"), "20/11/2026");
        assert_eq!(date("pt-PT", "2026-11-20"), "20/11/2026");
    }

    #[test]
    fn nordic() {
        assert_eq!(money("sv-SE", 123_450, "SEK"), "1\u{a0}234,50\u{a0}kr");
        assert_eq!(money("sv", -500, "SEK"), "\u{2212}5,00\u{a0}kr");
        assert_eq!(money("sv", 500, "NOK"), "5,00\u{a0}NOK");
        assert_eq!(date("sv", "2026-11-20"), "2026-11-20");
        assert_eq!(money("da-DK", 123_450, "DKK"), "1.234,50\u{a0}kr.");
        assert_eq!(money("da", -500, "EUR"), "-5,00\u{a0}€");
        assert_eq!(date("da", "2026-11-20"), "20.11.2026");
        assert_eq!(money("nb-NO", 123_450, "NOK"), "1\u{a0}234,50\u{a0}kr");
        assert_eq!(money("no", -500, "NOK"), "\u{2212}5,00\u{a0}kr");
        assert_eq!(date("nb", "2026-11-20"), "20.11.2026");
    }

    #[test]
    fn east_asian() {
        assert_eq!(money("ja-JP", 1_235, "JPY"), "￥1,235");
        assert_eq!(money("ja", -1_235, "JPY"), "-￥1,235");
        assert_eq!(money("ja", 123_450, "USD"), "US$1,234.50");
        assert_eq!(money("en-US", 1_235, "JPY"), "¥1,235");
        assert_eq!(date("ja", "2026-11-20"), "2026/11/20");
        assert_eq!(money("zh-CN", 123_450, "CNY"), "¥1,234.50");
        assert_eq!(money("zh", 1_235, "JPY"), "JP¥1,235");
        assert_eq!(money("zh-TW", 123_450, "TWD"), "$1,234.50");
        assert_eq!(date("zh", "2026-11-20"), "2026/11/20");
        assert_eq!(date("zh", "2026-01-05"), "2026/1/5");
        assert_eq!(money("ko-KR", 12_345, "KRW"), "₩12,345");
        assert_eq!(money("ko", -12_345, "KRW"), "-₩12,345");
        assert_eq!(date("ko", "2026-11-20"), "2026. 11. 20.");
        assert_eq!(date("ko", "2026-01-05"), "2026. 1. 5.");
    }

    #[test]
    fn currency_exponents_are_respected() {
        assert_eq!(money("en-US", 0, "JPY"), "¥0");
        assert_eq!(money("de", 1_234_567, "JPY"), "1.234.567\u{a0}¥");
        assert_eq!(money("en-US", 1_234, "KWD"), "KWD\u{a0}1.234");
        assert_eq!(money("de", -1_234_005, "KWD"), "-1.234,005\u{a0}KWD");
        assert_eq!(money("fr", 5, "BHD"), "0,005\u{a0}BHD");
        assert_eq!(money("en-US", 5, "USD"), "$0.05");
        assert_eq!(money("en-US", 0, "EUR"), "€0.00");
    }

    #[test]
    fn unknown_currencies_use_their_code() {
        assert_eq!(money("en-US", 1_200, "XYZ"), "XYZ\u{a0}12.00");
        assert_eq!(money("de", 1_200, "XYZ"), "12,00\u{a0}XYZ");
        assert_eq!(money("nl", -1_200, "XYZ"), "XYZ\u{a0}-12,00");
        assert_eq!(money("en-US", 1_200, ""), "12.00");
    }

    #[test]
    fn extremes() {
        assert_eq!(
            money("en-US", i64::MIN, "EUR"),
            "-€92,233,720,368,547,758.08"
        );
        assert_eq!(
            money("de-CH", i64::MAX, "CHF"),
            "CHF\u{a0}92’233’720’368’547’758.07"
        );
    }

    #[test]
    fn invalid_days_come_back_unchanged() {
        for raw in [
            "",
            "2026-11-31",
            "2026-02-29",
            "2026-13-01",
            "2026-00-10",
            "2026-11-00",
            "2026-1-20",
            "2026/11/20",
            "20-11-2026",
            "2026-11-20T10:00:00Z",
            "+026-11-20",
            "２０２６-11-20",
            "abcd-ef-gh",
        ] {
            assert_eq!(date("de", raw), raw);
        }
        assert_eq!(date("de", "2024-02-29"), "29.02.2024");
        assert_eq!(date("de", "2000-02-29"), "29.02.2000");
        assert_eq!(date("de", "1900-02-29"), "1900-02-29");
    }

    #[test]
    fn month_labels() {
        assert_eq!(Locale::parse("en").month(2026, 11), "Nov 2026");
        assert_eq!(Locale::parse("en-GB").month(2026, 1), "Jan 2026");
        assert_eq!(Locale::parse("de").month(2026, 3), "Mär 2026");
        assert_eq!(Locale::parse("de-CH").month(2026, 12), "Dez 2026");
        assert_eq!(Locale::parse("fr").month(2026, 11), "11/2026");
        assert_eq!(Locale::parse("sv").month(2026, 1), "2026-01");
        assert_eq!(Locale::parse("ja").month(2026, 1), "2026/1");
        assert_eq!(Locale::parse("ko").month(2026, 11), "2026. 11.");
        assert_eq!(Locale::parse("en").month(2026, 0), "2026-00");
        assert_eq!(Locale::parse("en").month(-5, 13), "-5-13");
    }

    mod never_panics {
        use super::super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn any_tag_amount_and_day(
                tag in prop_oneof![".*", "[a-zA-Z]{2,3}([-_][a-zA-Z0-9]{1,8}){0,3}"],
                minor in any::<i64>(),
                currency in prop_oneof![
                    ".{0,6}",
                    Just("EUR".to_string()),
                    Just("JPY".to_string()),
                    Just("KWD".to_string()),
                ],
                day in prop_oneof![".{0,12}", "[0-9]{4}-[0-9]{2}-[0-9]{2}"],
                year in any::<i32>(),
                month in any::<u32>(),
            ) {
                let locale = Locale::parse(&tag);
                let tag = locale.tag();
                prop_assert_eq!(Locale::parse(&tag), locale);
                prop_assert!(!locale.money(&Money::new(minor, currency)).is_empty());
                let _ = locale.date(&day);
                let _ = locale.month(year, month);
            }
        }
    }
}
