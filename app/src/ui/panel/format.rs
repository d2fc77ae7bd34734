//! Money and dates in the agent's locale: Lime Connect's operator locale, else the browser's
//! language. Formatting is pure Rust (`orderpane::locale`), so the server and the browser
//! write the same text for the same locale.

use leptos::prelude::*;
use orderpane::{locale::Locale, money::Money};

/// The agent's locale, shared with the panel's parts through context.
#[derive(Debug, Clone, Copy)]
pub struct AgentLocale(pub Memo<Locale>);

impl AgentLocale {
    /// Follows the host's agent locale when it sends one, else the browser's language.
    pub fn new(host_locale: Memo<Option<String>>) -> Self {
        Self(Memo::new(move |_| match host_locale.get() {
            Some(tag) => Locale::parse(&tag),
            None => Locale::parse(&browser_language()),
        }))
    }
}

/// Formats for the current agent locale (read once: the panel is rebuilt when it changes).
#[derive(Debug, Clone)]
pub struct Format(Locale);

impl Format {
    /// The formatter for the locale in context, or the default locale outside a panel.
    pub fn current() -> Self {
        Self(
            use_context::<AgentLocale>()
                .map(|l| l.0.get_untracked())
                .unwrap_or_default(),
        )
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

/// The browser's preferred language; empty on the server, where the panel's data is never
/// rendered (it arrives after hydration), so both sides agree.
fn browser_language() -> String {
    #[cfg(feature = "hydrate")]
    {
        window().navigator().language().unwrap_or_default()
    }
    #[cfg(not(feature = "hydrate"))]
    String::new()
}
