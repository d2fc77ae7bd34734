//! Log output: human-readable lines for a terminal (the default), or one JSON object a line
//! for a log collector (`ORDERPANE_LOG_FORMAT=json`). Both go to standard error, filtered by
//! `RUST_LOG`.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

/// The filter when `RUST_LOG` is unset: Orderpane's own lines and one line per HTTP request.
pub const DEFAULT_FILTER: &str = "info,sqlx=warn,tower_http=info";

/// How log lines are written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// Human-readable text, one event a line, with its spans' fields.
    #[default]
    Text,
    /// One JSON object a line: `timestamp`, `level`, `fields`, `target`, the innermost span
    /// as `span` and every open span as `spans` (so a request's `request_id` is on each line
    /// logged while serving it).
    Json,
}

/// Installs the process's log subscriber. Call once, before anything logs.
pub fn init(format: LogFormat) {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        // Colours only for a person at a terminal, never into a journal or a file.
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder
            .json()
            .with_current_span(true)
            .with_span_list(true)
            .init(),
    }
}
