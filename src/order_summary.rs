//! The short order summary an agent inserts into a reply: number, status, items, total and
//! tracking link, as plain text or as markdown.

use crate::host_actions::TextFormat;

/// What a reply needs to say about one order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderSummary {
    /// The order number the customer knows.
    pub number: String,
    /// The status word.
    pub status: String,
    /// The day it was placed, as shown in the panel.
    pub placed_on: String,
    /// The items, as quantity and name.
    pub items: Vec<(i64, String)>,
    /// The total, formatted with its currency.
    pub total: String,
    /// Where the customer can follow the parcel, when it has shipped.
    pub tracking_url: Option<String>,
}

impl OrderSummary {
    /// The summary in `format`. Markdown escapes the store's own text (item names may hold
    /// `*` or `_`), and never links anything but an `http(s)` URL.
    pub fn render(&self, format: TextFormat) -> String {
        let md = format == TextFormat::Markdown;
        let esc = |text: &str| {
            if md {
                escape_markdown(text)
            } else {
                text.to_owned()
            }
        };
        let mut lines = Vec::with_capacity(self.items.len() + 3);
        lines.push(if md {
            format!(
                "**Order {}** · {} · placed {}",
                esc(&self.number),
                esc(&self.status),
                esc(&self.placed_on)
            )
        } else {
            format!(
                "Order {} · {} · placed {}",
                self.number, self.status, self.placed_on
            )
        });
        for (quantity, name) in &self.items {
            let bullet = if md { "- " } else { "" };
            lines.push(format!("{bullet}{quantity} × {}", esc(name)));
        }
        lines.push(format!("Total: {}", esc(&self.total)));
        let tracking = self
            .tracking_url
            .as_deref()
            .filter(|url| url.starts_with("https://") || url.starts_with("http://"));
        if let Some(url) = tracking {
            lines.push(if md {
                format!("Tracking: [{url}]({url})", url = url.replace(')', "%29"))
            } else {
                format!("Tracking: {url}")
            });
        }
        lines.join("\n")
    }
}

/// Backslash-escapes the characters markdown gives a meaning to.
fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '*' | '_' | '`' | '[' | ']' | '(' | ')' | '#' | '<' | '>' | '~' | '|'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order() -> OrderSummary {
        OrderSummary {
            number: "1005".into(),
            status: "shipped".into(),
            placed_on: "2026-11-18".into(),
            items: vec![(2, "Mug *large*".into()), (1, "Tea".into())],
            total: "EUR 49.90".into(),
            tracking_url: Some("https://track.example/1Z999".into()),
        }
    }

    #[test]
    fn plain_text_lists_everything_on_its_own_line() {
        assert_eq!(
            order().render(TextFormat::Plain),
            "Order 1005 · shipped · placed 2026-11-18\n2 × Mug *large*\n1 × Tea\n\
             Total: EUR 49.90\nTracking: https://track.example/1Z999"
        );
    }

    #[test]
    fn markdown_escapes_store_text_and_links_tracking() {
        assert_eq!(
            order().render(TextFormat::Markdown),
            "**Order 1005** · shipped · placed 2026-11-18\n- 2 × Mug \\*large\\*\n- 1 × Tea\n\
             Total: EUR 49.90\nTracking: [https://track.example/1Z999](https://track.example/1Z999)"
        );
    }

    #[test]
    fn no_tracking_line_without_an_http_link() {
        let mut unshipped = order();
        unshipped.tracking_url = None;
        assert!(!unshipped.render(TextFormat::Plain).contains("Tracking"));
        unshipped.tracking_url = Some("javascript:alert(1)".into());
        assert!(!unshipped.render(TextFormat::Markdown).contains("Tracking"));
    }
}
