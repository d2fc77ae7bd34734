//! Why an import failed as a whole.

use super::summary::Summary;

/// An import that wrote nothing.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The options do not make sense (an unknown format, region or store).
    #[error("{0}")]
    Usage(String),
    /// An input could not be opened or read.
    #[error("reading {input}: {source}")]
    Io {
        /// The file (or `stdin`).
        input: String,
        /// What went wrong.
        source: std::io::Error,
    },
    /// The database refused a statement.
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    /// `--on-error stop` and some lines were bad: the summary lists them, nothing was written.
    #[error("{} bad lines, nothing written (--on-error skip would write the rest):\n{}", .0.bad_lines, .0.error_report())]
    Rejected(Box<Summary>),
}
