//! The reading side of an import, on its own thread: reads the inputs record by record,
//! checks and converts each into staging rows, and hands full batches to the writing side
//! through a bounded channel. Reading and writing so run at the same time (one core parses
//! while Postgres merges on the other), and at most a few batches are ever in memory.

use tokio::sync::mpsc::Sender;

use super::{
    entity::Entity,
    error::ImportError,
    options::{Format, Options},
    progress::Progress,
    read,
    record::Record,
    rows::{self, index_of, LineContext, LineRows},
    summary::{LineError, Summary},
};

/// Rows of one kind, ready for COPY.
pub struct Batch {
    /// Their kind.
    pub entity: Entity,
    /// The rows, in COPY text format.
    pub rows: String,
    /// How many.
    pub count: u64,
}

/// Reads every input in order and sends its batches; returns what it counted (records read,
/// bad lines). Stops early, without error, when the writing side has hung up.
pub fn produce(
    options: &Options,
    formats: &[Format],
    sender: Sender<Batch>,
    progress: Progress,
) -> Result<Summary, ImportError> {
    let mut producer = Producer {
        buffers: Default::default(),
        buffer_rows: [0; 9],
        batch_rows: options.batch_rows.max(1) as u64,
        sender,
        summary: Summary::default(),
        line: LineRows::default(),
        hung_up: false,
    };
    let mut done_bytes = 0;
    let mut records = 0u64;
    for (file_no, (input, format)) in options.inputs.iter().zip(formats).enumerate() {
        let name = input.name();
        let mut last_offset = 0;
        read::read(input, *format, options.entity, |read| {
            if producer.hung_up {
                return;
            }
            records += 1;
            last_offset = read.offset;
            if records.is_multiple_of(512) {
                progress.set(done_bytes + read.offset, records);
            }
            let context = LineContext {
                file_no,
                line_no: read.line_no,
                phone_region: options.phone_region.as_deref(),
            };
            producer.record(&name, &context, read.record);
        })
        .map_err(|source| ImportError::Io {
            input: name.clone(),
            source,
        })?;
        done_bytes += input.size().unwrap_or(last_offset);
        progress.set(done_bytes, records);
    }
    producer.flush_all();
    Ok(producer.summary)
}

struct Producer {
    /// COPY text waiting per kind, indexed like `Entity::ALL`.
    buffers: [String; 9],
    /// Rows in each buffer.
    buffer_rows: [u64; 9],
    batch_rows: u64,
    sender: Sender<Batch>,
    summary: Summary,
    line: LineRows,
    hung_up: bool,
}

impl Producer {
    fn record(
        &mut self,
        file: &str,
        context: &LineContext,
        record: Result<(Entity, Record), (Option<Entity>, String)>,
    ) {
        let bad = |summary: &mut Summary, entity: Option<Entity>, reason: String| {
            match entity {
                Some(entity) => {
                    let counts = summary.counts_mut(entity);
                    counts.read += 1;
                    counts.skipped += 1;
                }
                None => summary.unreadable += 1,
            }
            summary.bad_line(LineError {
                file: file.to_owned(),
                line: context.line_no,
                reason,
            });
        };
        let (entity, record) = match record {
            Ok(read) => read,
            Err((entity, reason)) => return bad(&mut self.summary, entity, reason),
        };
        self.line.clear();
        if let Err(reason) = rows::stage(entity, record, context, &mut self.line) {
            return bad(&mut self.summary, Some(entity), reason);
        }
        let mut full = false;
        for entity in Entity::ALL {
            let index = index_of(entity);
            let rows = self.line.rows[index];
            if rows == 0 {
                continue;
            }
            self.summary.counts_mut(entity).read += rows;
            self.buffers[index].push_str(&self.line.text[index]);
            self.buffer_rows[index] += rows;
            full |= self.buffer_rows[index] >= self.batch_rows
                || self.buffers[index].len() > MAX_BATCH_BYTES;
        }
        if full {
            self.flush_all();
        }
    }

    /// Sends every waiting batch, lower ranks first, so that whatever a row names (an item's
    /// order, an order's customer) is written before it.
    fn flush_all(&mut self) {
        let mut order = Entity::ALL;
        order.sort_by_key(|entity| (entity.rank(), index_of(*entity)));
        for entity in order {
            let index = index_of(entity);
            if self.buffers[index].is_empty() || self.hung_up {
                continue;
            }
            let rows = std::mem::take(&mut self.buffers[index]);
            let count = std::mem::take(&mut self.buffer_rows[index]);
            let batch = Batch {
                entity,
                rows,
                count,
            };
            if self.sender.blocking_send(batch).is_err() {
                // The writing side failed and will report why.
                self.hung_up = true;
            }
        }
    }
}

/// A batch is also sent when its text grows past this, whatever its row count (a file of
/// orders with hundreds of items each should not hold gigabytes).
const MAX_BATCH_BYTES: usize = 32 << 20;
