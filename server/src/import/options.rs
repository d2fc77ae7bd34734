//! What an import is asked to do: the command line (`ImportArgs`) and the same settings for
//! the library function (`Options`), which the tests call directly.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::{entity::Entity, read::Input};

/// How a file is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// JSON Lines: one JSON object a line.
    Jsonl,
    /// CSV with a header row.
    Csv,
}

/// What to do with a line that cannot be read or names a record that does not exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum OnError {
    /// Report every bad line and write nothing at all.
    #[default]
    Stop,
    /// Report every bad line, leave it out, and write the rest.
    Skip,
}

/// `server import`: what to import, and how.
#[derive(Debug, Clone, Args)]
pub struct ImportArgs {
    /// The files to read, in this order (`-` is standard input). A record may name records
    /// read before it, in earlier lines or files, or already in the store.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// The kind of record: customers, orders, order_items, shipments, invoices, payments,
    /// refunds or subscriptions. Needed for CSV, and for JSON lines without a `type` field.
    #[arg(long = "type", value_name = "TYPE", value_parser = parse_entity)]
    pub entity: Option<Entity>,
    /// How the files are written; by default from their extension (.jsonl/.ndjson/.json or
    /// .csv), JSON Lines on standard input.
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// The region (ISO 3166 code, like DE) that phones in national form are read in, as the
    /// panel reads a contact's phone; without it a national phone is a bad line.
    #[arg(long, value_name = "REGION")]
    pub phone_region: Option<String>,
    /// What a bad line does: `stop` reports every bad line and writes nothing, `skip`
    /// reports and leaves them out and writes the rest.
    #[arg(long, value_enum, default_value_t = OnError::Stop)]
    pub on_error: OnError,
    /// The store the records belong to, by name (created when missing). By default the only
    /// store there is, or one named "Store" in an empty database.
    #[arg(long, value_name = "NAME")]
    pub store: Option<String>,
    /// Rows sent to the database at once, per kind of record.
    #[arg(long, default_value_t = super::DEFAULT_BATCH_ROWS, hide = true)]
    pub batch_rows: usize,
}

fn parse_entity(text: &str) -> Result<Entity, String> {
    match text.parse()? {
        Entity::CustomerIdentities => {
            Err("identities are imported inside customers (emails, phones, external_ids)".into())
        }
        entity => Ok(entity),
    }
}

/// The settings of one import, as the library takes them.
#[derive(Debug, Clone)]
pub struct Options {
    /// The inputs, read in this order.
    pub inputs: Vec<Input>,
    /// The kind of records without a `type` (`--type`).
    pub entity: Option<Entity>,
    /// The format of every input, instead of guessing it from the name (`--format`).
    pub format: Option<Format>,
    /// `--phone-region`.
    pub phone_region: Option<String>,
    /// `--on-error`.
    pub on_error: OnError,
    /// `--store`.
    pub store: Option<String>,
    /// Rows per batch and kind of record.
    pub batch_rows: usize,
    /// Whether to draw a progress bar on standard error.
    pub progress: bool,
}

impl Options {
    /// Settings for these files, with the defaults of the command line and no progress bar.
    pub fn new(files: impl IntoIterator<Item = impl Into<PathBuf>>) -> Self {
        Self {
            inputs: files
                .into_iter()
                .map(|file| Input::from_arg(&file.into()))
                .collect(),
            entity: None,
            format: None,
            phone_region: None,
            on_error: OnError::Stop,
            store: None,
            batch_rows: super::DEFAULT_BATCH_ROWS,
            progress: false,
        }
    }
}

impl From<&ImportArgs> for Options {
    fn from(args: &ImportArgs) -> Self {
        Self {
            entity: args.entity,
            format: args.format,
            phone_region: args.phone_region.clone(),
            on_error: args.on_error,
            store: args.store.clone(),
            batch_rows: args.batch_rows,
            ..Self::new(args.files.iter().cloned())
        }
    }
}
