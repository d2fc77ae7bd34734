//! Order and invoice numbers mentioned in a conversation, so that the panel can pin them.
//!
//! Generous on purpose: the server keeps only numbers that exist in the store, so a false
//! candidate costs one index probe and is never shown. A bare number counts only after a word
//! that says what it is ("order 1042", "invoice 77"), or with a `#` ("#1042"); a code with
//! letters and digits joined by dashes ("INV-2026-0042") counts on its own.

use crate::host::TranscriptLine;

/// At most this many numbers are taken from one conversation (the newest mentions first).
pub const MAX_REFERENCES: usize = 20;
/// Longer tokens are no order or invoice number.
pub const MAX_REFERENCE_LEN: usize = 40;

/// Words that announce an order or invoice number, in the languages the demo hosts serve.
const CUE_WORDS: &[&str] = &[
    "order",
    "orders",
    "invoice",
    "invoices",
    "bestellung",
    "rechnung",
    "commande",
    "facture",
    "pedido",
    "factura",
    "no",
    "nr",
    "number",
];

/// The numbers mentioned in the transcript, newest message first, each once.
pub fn mentioned_numbers(transcript: &[TranscriptLine]) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for line in transcript.iter().rev() {
        for candidate in candidates(&line.text) {
            if found.len() == MAX_REFERENCES {
                return found;
            }
            if !found.contains(&candidate) {
                found.push(candidate);
            }
        }
    }
    found
}

/// The candidate numbers of one message, in reading order.
fn candidates(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cued = false;
    for raw in text.split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '(' | ')')) {
        let token = raw.trim_matches(|c: char| matches!(c, '.' | ':' | '?' | '!' | '"' | '\''));
        if token.is_empty() {
            continue;
        }
        let (hashed, bare) = match token.strip_prefix('#') {
            Some(rest) => (true, rest),
            None => (false, token),
        };
        let digits_only = !bare.is_empty() && bare.chars().all(|c| c.is_ascii_digit());
        if bare.len() <= MAX_REFERENCE_LEN
            && ((digits_only && (hashed || cued) && bare.len() >= 3) || is_code(bare))
        {
            out.push(bare.to_owned());
        }
        // The cue words are ASCII, so comparing without regard to ASCII case is comparing
        // lower-cased words (and spares the browser's wasm the Unicode case tables).
        let is = |word: &str| token.eq_ignore_ascii_case(word);
        // "order 1042", "order no. 1042", "orders 1006 and 1007" keep the cue alive.
        cued = CUE_WORDS.iter().any(|cue| is(cue)) || (cued && (digits_only || is("and")));
    }
    out
}

/// A code such as `INV-2026-0042` or `SO-1042`: letters, then dash-joined parts with a digit.
fn is_code(token: &str) -> bool {
    let mut parts = token.split('-');
    let Some(prefix) = parts.next() else {
        return false;
    };
    let rest: Vec<&str> = parts.collect();
    (2..=5).contains(&prefix.len())
        && prefix.chars().all(|c| c.is_ascii_uppercase())
        && !rest.is_empty()
        && rest
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric()))
        && rest.iter().any(|p| p.chars().any(|c| c.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(text: &str) -> TranscriptLine {
        TranscriptLine {
            from_contact: true,
            private: false,
            text: text.into(),
            markdown: false,
        }
    }

    fn numbers(texts: &[&str]) -> Vec<String> {
        mentioned_numbers(&texts.iter().map(|t| line(t)).collect::<Vec<_>>())
    }

    #[test]
    fn numbers_with_a_cue_or_a_hash_are_found() {
        assert_eq!(numbers(&["Hi, where is order 1005?"]), ["1005"]);
        assert_eq!(numbers(&["Re #1042: still waiting"]), ["1042"]);
        assert_eq!(numbers(&["Bestellung Nr. 1007 fehlt"]), ["1007"]);
        assert_eq!(numbers(&["orders 1006 and 1007, please"]), ["1006", "1007"]);
        assert_eq!(
            numbers(&["Invoice INV-2026-0042 is wrong"]),
            ["INV-2026-0042"]
        );
    }

    #[test]
    fn other_numbers_are_left_alone() {
        assert!(numbers(&["Call me on 0221 1234567 after 2026"]).is_empty());
        assert!(numbers(&["I am 42 and live at 12 Main St"]).is_empty());
        // Code-shaped words are candidates; the server keeps only numbers the store has.
        assert_eq!(
            numbers(&["COVID-19 delayed it, said the DHL man"]),
            ["COVID-19"]
        );
        assert!(numbers(&["-- ABC- X-1 -"]).is_empty());
    }

    #[test]
    fn newest_mentions_come_first_each_once_and_bounded() {
        assert_eq!(
            numbers(&["order 1001", "order 1002 and order 1001"]),
            ["1002", "1001"]
        );
        let many: Vec<String> = (0..100).map(|i| format!("order {}", 5000 + i)).collect();
        let refs: Vec<&str> = many.iter().map(String::as_str).collect();
        let found = numbers(&refs);
        assert_eq!(found.len(), MAX_REFERENCES);
        assert_eq!(found[0], "5099");
    }
}
