//! `server import`: store data from JSON Lines and CSV files into the managed store.
//!
//! Records name each other by the store's own keys (a customer's reference, an order's
//! number, a payment's provider id) and are upserted by them, so running the same files
//! again changes nothing. The whole import is one transaction: with `--on-error stop` (the
//! default) a single bad line rolls everything back after every bad line has been reported;
//! with `--on-error skip` bad lines are reported and left out.
//!
//! The work is split so that each part can be read alone: [`read`] turns files into
//! records, [`rows`] checks a record and turns it into staging rows (the same normalisation
//! as the panel), [`produce`] batches them on a thread of its own, [`merge`] COPYs a batch
//! into a staging table and merges it with one statement, and this module ties them
//! together in one transaction.

/// COPY text rows.
pub mod copy_text;
/// The kinds of record and the order they are written in.
pub mod entity;
/// Why an import failed as a whole.
pub mod error;
/// Staging tables and the statements that merge them into the store.
pub mod merge;
/// Money: currency exponents and exact decimal conversion.
pub mod money;
/// The command line and the library's settings.
pub mod options;
/// The reading thread: records into batches.
pub mod produce;
/// The progress bar.
pub mod progress;
/// Reading JSON Lines and CSV.
pub mod read;
/// One record and typed access to its fields.
pub mod record;
/// Checking records and turning them into staging rows.
pub mod rows;
/// Counts and bad lines.
pub mod summary;

use std::{collections::HashSet, io::IsTerminal, time::Instant};

use app::server::{phone::is_known_region, store::StoreSchema};
use sqlx::{PgConnection, PgPool};

pub use entity::Entity;
pub use error::ImportError;
pub use options::{Format, ImportArgs, OnError, Options};
pub use read::Input;
pub use summary::{Counts, LineError, Summary};

/// Rows per batch and kind: large enough that a statement's fixed cost is spread thin, small
/// enough that a batch is a few megabytes.
pub const DEFAULT_BATCH_ROWS: usize = 10_000;

/// Batches that may wait between the reading thread and the database: enough to keep both
/// busy, few enough to bound memory.
const CHANNEL_BATCHES: usize = 4;

/// `server import`: imports the files, prints the summary on standard output (bad lines on
/// standard error) and fails when `--on-error stop` found bad lines.
pub async fn run(pool: &PgPool, schema: &StoreSchema, args: &ImportArgs) -> anyhow::Result<()> {
    let options = Options {
        progress: std::io::stderr().is_terminal(),
        ..Options::from(args)
    };
    match import_files(pool, schema, &options).await {
        Ok(summary) => {
            eprint!("{}", summary.error_report());
            print!("{}", summary_table(&summary));
            Ok(())
        }
        Err(ImportError::Rejected(summary)) => {
            eprint!("{}", summary.error_report());
            print!("{}", summary_table(&summary));
            anyhow::bail!(
                "{} bad lines: nothing was written (--on-error skip writes the good lines)",
                summary.bad_lines
            )
        }
        Err(error) => Err(error.into()),
    }
}

/// The summary without its list of bad lines (printed on their own, to standard error).
fn summary_table(summary: &Summary) -> String {
    let mut table = summary.clone();
    table.errors.clear();
    let text = table.to_string();
    // The table's own report of bad lines is just "… and N more": leave it to stderr.
    text.lines()
        .filter(|line| !line.starts_with('…'))
        .map(|line| format!("{line}\n"))
        .collect()
}

/// Imports `options.inputs` into the store in `schema`, in one transaction: committed when
/// every line was good or `--on-error skip` was chosen; rolled back, with
/// [`ImportError::Rejected`] listing the bad lines, otherwise.
pub async fn import_files(
    pool: &PgPool,
    schema: &StoreSchema,
    options: &Options,
) -> Result<Summary, ImportError> {
    let started = Instant::now();
    let formats = check(options)?;
    let mut tx = pool.begin().await?;
    let store_id = store_id(&mut tx, schema, options.store.as_deref()).await?;
    merge::prepare(&mut tx).await?;

    let total = options.inputs.iter().map(Input::size).sum::<Option<u64>>();
    let progress = progress::Progress::new(options.progress, total);
    let (sender, mut receiver) = tokio::sync::mpsc::channel(CHANNEL_BATCHES);
    let reader = {
        let (options, formats, progress) = (options.clone(), formats.clone(), progress.clone());
        std::thread::spawn(move || produce::produce(&options, &formats, sender, progress))
    };

    let names: Vec<String> = options.inputs.iter().map(Input::name).collect();
    let mut written = Summary::default();
    let mut reported = HashSet::new();
    let mut failure = None;
    while let Some(batch) = receiver.recv().await {
        let produce::Batch {
            entity,
            rows,
            count: _,
        } = batch;
        let merged = match merge::apply(&mut tx, schema, store_id, entity, &rows).await {
            Ok(merged) => merged,
            Err(error) => {
                failure = Some(error);
                break;
            }
        };
        let counts = written.counts_mut(entity);
        counts.inserted += merged.inserted as u64;
        counts.updated += merged.updated as u64;
        counts.skipped += merged.unresolved.len() as u64;
        for (file_no, line, reason) in merged.unresolved {
            // An order's items fail with their order: the line is reported once.
            if reported.insert((file_no, line)) {
                written.bad_line(LineError {
                    file: names[file_no as usize].clone(),
                    line: line as u64,
                    reason,
                });
            }
        }
    }
    // Hang up first, so that a reader blocked on a full channel ends.
    drop(receiver);
    let read = reader.join().expect("the reading thread does not panic");
    progress.finish();
    if let Some(error) = failure {
        return Err(error.into());
    }
    let mut summary = combine(read?, written, &names);
    summary.elapsed = started.elapsed();
    if summary.bad_lines > 0 && options.on_error == OnError::Stop {
        tx.rollback().await?;
        return Err(ImportError::Rejected(Box::new(summary)));
    }
    tx.commit().await?;
    summary.written = true;
    summary.elapsed = started.elapsed();
    Ok(summary)
}

/// The format of every input; refuses settings that cannot work before anything is read.
fn check(options: &Options) -> Result<Vec<Format>, ImportError> {
    if options.inputs.is_empty() {
        return Err(ImportError::Usage("no files to import".into()));
    }
    if options
        .inputs
        .iter()
        .filter(|input| **input == Input::Stdin)
        .count()
        > 1
    {
        return Err(ImportError::Usage(
            "standard input (-) can be read only once".into(),
        ));
    }
    if let Some(region) = &options.phone_region {
        if !is_known_region(region) {
            return Err(ImportError::Usage(format!(
                "--phone-region {region:?} is not a region code like DE or GB"
            )));
        }
    }
    options
        .inputs
        .iter()
        .map(|input| {
            if let Input::File(path) = input {
                // Say a file is missing now, not after the files before it were read.
                std::fs::metadata(path).map_err(|source| ImportError::Io {
                    input: input.name(),
                    source,
                })?;
            }
            options
                .format
                .or_else(|| input.format_from_name())
                .ok_or_else(|| {
                    ImportError::Usage(format!(
                        "cannot tell the format of {} from its name: give --format jsonl or \
                         --format csv",
                        input.name()
                    ))
                })
        })
        .collect()
}

/// The store the records belong to: `--store` by name (created when missing), else the only
/// one there is, or a new "Store" in an empty database.
async fn store_id(
    conn: &mut PgConnection,
    schema: &StoreSchema,
    name: Option<&str>,
) -> Result<i64, ImportError> {
    if let Some(name) = name {
        let name = name.trim();
        if name.is_empty() {
            return Err(ImportError::Usage("--store is empty".into()));
        }
        sqlx::query(
            &schema
                .sql("insert into {store}.stores (name) values ($1) on conflict (name) do nothing"),
        )
        .bind(name)
        .execute(&mut *conn)
        .await?;
        let (id,): (i64,) =
            sqlx::query_as(&schema.sql("select id from {store}.stores where name = $1"))
                .bind(name)
                .fetch_one(&mut *conn)
                .await?;
        return Ok(id);
    }
    let stores: Vec<(i64, String)> =
        sqlx::query_as(&schema.sql("select id, name from {store}.stores order by id limit 10"))
            .fetch_all(&mut *conn)
            .await?;
    match stores.as_slice() {
        [] => {
            let (id,): (i64,) = sqlx::query_as(
                &schema.sql("insert into {store}.stores (name) values ('Store') returning id"),
            )
            .fetch_one(&mut *conn)
            .await?;
            Ok(id)
        }
        [(id, _)] => Ok(*id),
        several => Err(ImportError::Usage(format!(
            "the database holds several stores ({}): name one with --store",
            several
                .iter()
                .map(|(_, name)| format!("{name:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

/// The reading side's counts (read, bad lines) with the writing side's (inserted, updated,
/// unresolved references); bad lines in file and line order.
fn combine(read: Summary, written: Summary, names: &[String]) -> Summary {
    let mut summary = read;
    for entity in Entity::ALL {
        let from = written.counts(entity);
        let counts = summary.counts_mut(entity);
        counts.inserted += from.inserted;
        counts.updated += from.updated;
        counts.skipped += from.skipped;
    }
    summary.bad_lines += written.bad_lines;
    summary.errors.extend(written.errors);
    let file_no = |name: &str| names.iter().position(|n| n == name);
    summary.errors.sort_by_key(|e| (file_no(&e.file), e.line));
    summary.errors.truncate(summary::MAX_REPORTED_ERRORS);
    summary
}
