//! Money and dates in the agent's locale (the language the page sent with its request).
//! Formatting is pure Rust (`orderpane::locale`) and runs on the server only: the browser
//! receives the text as written here.

use leptos::prelude::*;
use orderpane::{locale::Locale, money::Money};

/// Formats for the agent's locale, shared with the panel's parts through context while the
/// server renders a panel.
#[derive(Debug, Clone, Default)]
pub struct Format(Locale);

impl Format {
    /// The formatter for a language tag (the default locale for an empty or unknown one).
    pub fn for_language(language: &str) -> Self {
        Self(Locale::parse(language))
    }

    /// The formatter in context, or the default locale outside a render.
    pub fn current() -> Self {
        use_context::<Format>().unwrap_or_default()
    }

    /// An amount with its currency: "€1,234.50", "1.234,50 €".
    pub fn money(&self, money: &Money) -> String {
        self.0.money(money)
    }

    /// Several amounts (one per currency) on one line; "none" for no amount.
    pub fn amounts(&self, amounts: &[Money]) -> String {
        if amounts.is_empty() {
            return "none".into();
        }
        amounts
            .iter()
            .map(|m| self.money(m))
            .collect::<Vec<_>>()
            .join(" · ")
    }

    /// A `YYYY-MM-DD` day: "Nov 20, 2026", "20.11.2026".
    pub fn date(&self, day: &str) -> String {
        self.0.date(day)
    }

    /// A month for the chart: "Nov 2026".
    pub fn month(&self, year: i32, month: u32) -> String {
        self.0.month(year, month)
    }
}
