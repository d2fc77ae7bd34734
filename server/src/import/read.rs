//! Reading the input files: JSON Lines (one object a line) and CSV (a header row, then one
//! record a row), each record handed on with its line number as soon as it is read, so that
//! memory stays bounded whatever the file's size.

use std::{
    fs::File,
    io::{self, BufRead, BufReader, Read},
    path::{Path, PathBuf},
};

use serde_json::{Map, Value};

use super::{entity::Entity, options::Format, record::Record};

/// One input: a file, or standard input (`-`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// Standard input.
    Stdin,
    /// A file.
    File(PathBuf),
}

impl Input {
    /// `-` is standard input; anything else a file.
    pub fn from_arg(path: &Path) -> Self {
        if path.as_os_str() == "-" {
            Input::Stdin
        } else {
            Input::File(path.to_owned())
        }
    }

    /// How errors name it.
    pub fn name(&self) -> String {
        match self {
            Input::Stdin => "stdin".into(),
            Input::File(path) => path.display().to_string(),
        }
    }

    /// Its size in bytes when known (for the progress bar).
    pub fn size(&self) -> Option<u64> {
        match self {
            Input::Stdin => None,
            Input::File(path) => std::fs::metadata(path).ok().map(|m| m.len()),
        }
    }

    /// The format its name says (`.jsonl`, `.ndjson`, `.json`, `.csv`); standard input is
    /// JSON Lines unless `--format` says otherwise.
    pub fn format_from_name(&self) -> Option<Format> {
        match self {
            Input::Stdin => Some(Format::Jsonl),
            Input::File(path) => {
                let extension = path.extension()?.to_str()?.to_ascii_lowercase();
                match extension.as_str() {
                    "jsonl" | "ndjson" | "json" => Some(Format::Jsonl),
                    "csv" => Some(Format::Csv),
                    _ => None,
                }
            }
        }
    }

    fn open(&self) -> io::Result<Box<dyn Read + Send>> {
        Ok(match self {
            Input::Stdin => Box::new(io::stdin()),
            Input::File(path) => Box::new(File::open(path)?),
        })
    }
}

/// One record read, or why its line could not be read.
pub struct Read1 {
    /// Its line number (1-based; a CSV record's first line).
    pub line_no: u64,
    /// How far into the input the reader is, in bytes (for the progress bar).
    pub offset: u64,
    /// The record and its kind, or the reason (with the kind when it was known).
    pub record: Result<(Entity, Record), (Option<Entity>, String)>,
}

/// Reads `input` record by record, calling `each` for every one (and every unreadable line).
/// Only a failure to read the input at all is an error.
pub fn read(
    input: &Input,
    format: Format,
    default_type: Option<Entity>,
    mut each: impl FnMut(Read1),
) -> io::Result<()> {
    let reader = input.open()?;
    match format {
        Format::Jsonl => read_jsonl(reader, default_type, &mut each),
        Format::Csv => read_csv(reader, default_type, &mut each),
    }
}

fn read_jsonl(
    reader: Box<dyn Read + Send>,
    default_type: Option<Entity>,
    each: &mut impl FnMut(Read1),
) -> io::Result<()> {
    // 1 MiB buffer: lines are read in big gulps, which matters for a gigabyte file.
    let mut reader = BufReader::with_capacity(1 << 20, reader);
    let mut line = String::new();
    let mut line_no = 0;
    let mut offset = 0;
    loop {
        line.clear();
        let read = match reader.read_line(&mut line) {
            Ok(0) => return Ok(()),
            Ok(read) => read,
            // A line that is not UTF-8: report it, skip to the next newline, go on.
            Err(error) if error.kind() == io::ErrorKind::InvalidData => {
                let mut bytes = Vec::new();
                let read = reader.read_until(b'\n', &mut bytes)?;
                line_no += 1;
                offset += read as u64;
                each(Read1 {
                    line_no,
                    offset,
                    record: Err((default_type, "the line is not UTF-8 text".into())),
                });
                continue;
            }
            Err(error) => return Err(error),
        };
        line_no += 1;
        offset += read as u64;
        if line.trim().is_empty() {
            continue;
        }
        let record = match serde_json::from_str::<Value>(&line) {
            Ok(Value::Object(fields)) => typed(fields, default_type),
            Ok(_) => Err((default_type, "the line is not a JSON object".into())),
            Err(error) => Err((default_type, format!("not valid JSON: {error}"))),
        };
        each(Read1 {
            line_no,
            offset,
            record,
        });
    }
}

/// The record's kind from its `type` field, else `--type`.
fn typed(
    mut fields: Map<String, Value>,
    default_type: Option<Entity>,
) -> Result<(Entity, Record), (Option<Entity>, String)> {
    let entity = match fields.remove("type") {
        None | Some(Value::Null) => default_type.ok_or_else(|| {
            (
                None,
                "the record has no type field, and no --type was given".to_owned(),
            )
        })?,
        Some(Value::String(text)) if text.trim().is_empty() => default_type.ok_or_else(|| {
            (
                None,
                "the record's type is empty, and no --type was given".to_owned(),
            )
        })?,
        Some(Value::String(text)) => text.parse().map_err(|reason| (None, reason))?,
        Some(_) => return Err((None, "type must be a string".into())),
    };
    Ok((entity, Record(fields)))
}

fn read_csv(
    reader: Box<dyn Read + Send>,
    default_type: Option<Entity>,
    each: &mut impl FnMut(Read1),
) -> io::Result<()> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .trim(csv::Trim::Headers)
        .buffer_capacity(1 << 20)
        .from_reader(reader);
    let headers: Vec<String> = match reader.headers() {
        Ok(headers) => headers.iter().map(|h| h.to_ascii_lowercase()).collect(),
        Err(error) => return Err(csv_io(error)),
    };
    let mut row = csv::StringRecord::new();
    loop {
        let line_no = reader.position().line();
        match reader.read_record(&mut row) {
            Ok(false) => return Ok(()),
            Ok(true) => {
                let line_no = row.position().map_or(line_no, |p| p.line());
                let mut fields = Map::with_capacity(headers.len());
                for (header, cell) in headers.iter().zip(row.iter()) {
                    // An empty cell is a missing value, as in JSON an absent field.
                    if !cell.is_empty() {
                        fields.insert(header.clone(), Value::String(cell.to_owned()));
                    }
                }
                each(Read1 {
                    line_no,
                    offset: reader.position().byte(),
                    record: typed(fields, default_type),
                });
            }
            Err(error) => match error.kind() {
                csv::ErrorKind::Io(_) => return Err(csv_io(error)),
                _ => {
                    let line_no = error.position().map_or(line_no, |p| p.line());
                    let reason = match error.kind() {
                        csv::ErrorKind::UnequalLengths {
                            expected_len, len, ..
                        } => format!("the row has {len} fields, the header {expected_len}"),
                        csv::ErrorKind::Utf8 { .. } => "the row is not UTF-8 text".into(),
                        _ => error.to_string(),
                    };
                    each(Read1 {
                        line_no,
                        offset: reader.position().byte(),
                        record: Err((default_type, reason)),
                    });
                }
            },
        }
    }
}

fn csv_io(error: csv::Error) -> io::Error {
    match error.into_kind() {
        csv::ErrorKind::Io(error) => error,
        other => io::Error::new(io::ErrorKind::InvalidData, format!("{other:?}")),
    }
}
