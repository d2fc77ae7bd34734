//! What an import did: per kind of record, how many were read, inserted, updated, left as
//! they were and skipped; and the bad lines, with file, line number and reason.

use std::{fmt, time::Duration};

use super::{entity::Entity, rows::index_of};

/// How many bad lines are kept (and printed); the rest are only counted, so that a file of
/// two million bad lines does not fill the memory or the terminal.
pub const MAX_REPORTED_ERRORS: usize = 100;

/// The counts of one kind of record.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Records read (nested items and identities each count as one).
    pub read: u64,
    /// Rows that were not in the store.
    pub inserted: u64,
    /// Rows that were, with other values.
    pub updated: u64,
    /// Records left out because their line was bad.
    pub skipped: u64,
}

impl Counts {
    /// Records whose row was already exactly so (also an earlier line overridden by a later
    /// one with the same key in the same batch).
    pub fn unchanged(&self) -> u64 {
        self.read
            .saturating_sub(self.inserted + self.updated + self.skipped)
    }
}

/// One line that could not be imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    /// The file (or `stdin`).
    pub file: String,
    /// The line number (1-based; for CSV the line the record starts on, the header being 1).
    pub line: u64,
    /// Why.
    pub reason: String,
}

impl fmt::Display for LineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.reason)
    }
}

/// The outcome of an import.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    counts: [Counts; 9],
    /// Bad lines whose kind of record could not be told (not JSON, no `type`).
    pub unreadable: u64,
    /// The first [`MAX_REPORTED_ERRORS`] bad lines, in the order found.
    pub errors: Vec<LineError>,
    /// Every bad line, counted.
    pub bad_lines: u64,
    /// Whether the rows were committed (false after `--on-error stop` found a bad line).
    pub written: bool,
    /// How long it took.
    pub elapsed: Duration,
}

impl Summary {
    /// The counts of one kind of record.
    pub fn counts(&self, entity: Entity) -> Counts {
        self.counts[index_of(entity)]
    }

    /// The counts of one kind, to change.
    pub fn counts_mut(&mut self, entity: Entity) -> &mut Counts {
        &mut self.counts[index_of(entity)]
    }

    /// Records one bad line (kept when there is room, always counted).
    pub fn bad_line(&mut self, error: LineError) {
        self.bad_lines += 1;
        if self.errors.len() < MAX_REPORTED_ERRORS {
            self.errors.push(error);
        }
    }

    /// Every record read, of every kind.
    pub fn records_read(&self) -> u64 {
        self.counts.iter().map(|c| c.read).sum::<u64>() + self.unreadable
    }

    /// The bad lines as printed: one a line, then how many more there were.
    pub fn error_report(&self) -> String {
        let mut report = String::new();
        for error in &self.errors {
            report.push_str(&error.to_string());
            report.push('\n');
        }
        let more = self.bad_lines - self.errors.len() as u64;
        if more > 0 {
            report.push_str(&format!("… and {more} more bad lines\n"));
        }
        report
    }
}

impl fmt::Display for Summary {
    /// A table of the counts (kinds with nothing read are left out), the bad lines, the rate.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.error_report())?;
        writeln!(
            f,
            "{:<20} {:>10} {:>10} {:>10} {:>10} {:>10}",
            "", "read", "inserted", "updated", "unchanged", "skipped"
        )?;
        for entity in Entity::ALL {
            let c = self.counts(entity);
            if c.read == 0 {
                continue;
            }
            writeln!(
                f,
                "{:<20} {:>10} {:>10} {:>10} {:>10} {:>10}",
                entity.name(),
                c.read,
                c.inserted,
                c.updated,
                c.unchanged(),
                c.skipped
            )?;
        }
        if self.unreadable > 0 {
            writeln!(
                f,
                "{:<20} {:>10} {:>10} {:>10} {:>10} {:>10}",
                "(unreadable)", self.unreadable, "", "", "", self.unreadable
            )?;
        }
        let seconds = self.elapsed.as_secs_f64().max(1e-3);
        writeln!(
            f,
            "{} records in {:.1} s ({:.0} records/s); {} bad lines; {}",
            self.records_read(),
            seconds,
            self.records_read() as f64 / seconds,
            self.bad_lines,
            if self.written {
                "written"
            } else {
                "nothing written"
            }
        )
    }
}
