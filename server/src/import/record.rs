//! One record as read from a file, JSON Lines or CSV alike, and typed access to its fields.
//! A CSV row becomes the same JSON object with string values (empty cells left out), so
//! every entity is read by one piece of code whatever the format.

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Map, Value};

use super::money;

/// The fields of one record. Field errors are plain reasons; the reader adds file and line.
#[derive(Debug)]
pub struct Record(pub Map<String, Value>);

/// What a field holds once blanks are taken away: nothing, a string, or other JSON.
enum Field<'a> {
    Missing,
    Text(&'a str),
    Other(&'a Value),
}

impl Record {
    fn field(&self, name: &str) -> Field<'_> {
        match self.0.get(name) {
            None | Some(Value::Null) => Field::Missing,
            Some(Value::String(text)) if text.trim().is_empty() => Field::Missing,
            Some(Value::String(text)) => Field::Text(text),
            Some(other) => Field::Other(other),
        }
    }

    /// Whether the record has a non-blank value for `name`.
    pub fn has(&self, name: &str) -> bool {
        !matches!(self.field(name), Field::Missing)
    }

    /// A text field, trimmed; absent when missing, null or blank. A whole JSON number is
    /// taken as its digits (`"reference": 1001`), since stores often number things.
    pub fn opt_text(&self, name: &str) -> Result<Option<String>, String> {
        let text = match self.field(name) {
            Field::Missing => return Ok(None),
            Field::Text(text) => text.trim().to_owned(),
            Field::Other(Value::Number(n)) if n.is_i64() || n.is_u64() => n.to_string(),
            Field::Other(other) => {
                return Err(format!("{name} must be text, not {}", kind_of(other)));
            }
        };
        // Postgres text cannot hold NUL; say so here rather than fail the whole batch.
        if text.contains('\0') {
            return Err(format!("{name} contains a NUL character"));
        }
        Ok(Some(text))
    }

    /// A required text field (see [`Self::opt_text`]).
    pub fn text(&self, name: &str) -> Result<String, String> {
        self.opt_text(name)?
            .ok_or_else(|| format!("{name} is missing"))
    }

    /// The first of several names that is present, as text (`id` or `external_id`).
    pub fn text_of(&self, names: &[&str]) -> Result<Option<String>, String> {
        for name in names {
            if let Some(text) = self.opt_text(name)? {
                return Ok(Some(text));
            }
        }
        Ok(None)
    }

    /// A text field that must be one of `allowed` (a status); lower-cased.
    pub fn choice(&self, name: &str, allowed: &[&str]) -> Result<String, String> {
        let value = self.text(name)?.to_lowercase();
        if allowed.contains(&value.as_str()) {
            Ok(value)
        } else {
            Err(format!(
                "{name} {value:?} is not one of {}",
                allowed.join(", ")
            ))
        }
    }

    /// An RFC 3339 time, as UTC text Postgres reads back exactly.
    pub fn opt_time(&self, name: &str) -> Result<Option<String>, String> {
        let Some(text) = self.opt_text(name)? else {
            return Ok(None);
        };
        DateTime::parse_from_rfc3339(&text)
            .map(|at| {
                Some(
                    at.with_timezone(&Utc)
                        .to_rfc3339_opts(SecondsFormat::AutoSi, true),
                )
            })
            .map_err(|_| {
                format!("{name} {text:?} is not an RFC 3339 time like 2024-05-01T12:00:00Z")
            })
    }

    /// A required RFC 3339 time.
    pub fn time(&self, name: &str) -> Result<String, String> {
        self.opt_time(name)?
            .ok_or_else(|| format!("{name} is missing"))
    }

    /// A whole number: a JSON integer or a string of digits.
    pub fn opt_int(&self, name: &str) -> Result<Option<i64>, String> {
        match self.field(name) {
            Field::Missing => Ok(None),
            Field::Text(text) => text
                .trim()
                .parse()
                .map(Some)
                .map_err(|_| format!("{name} {text:?} is not a whole number")),
            Field::Other(Value::Number(n)) => n
                .as_i64()
                .map(Some)
                .ok_or_else(|| format!("{name} {n} is not a whole number")),
            Field::Other(other) => Err(format!(
                "{name} must be a whole number, not {}",
                kind_of(other)
            )),
        }
    }

    /// An amount of `currency` in minor units, from `<base>_minor` (a whole number) or
    /// `<base>` (a decimal string, or a whole JSON number of major units). A JSON number
    /// with a fraction or exponent is refused: it was a binary float before it got here.
    pub fn opt_amount(&self, base: &str, currency: &str) -> Result<Option<i64>, String> {
        let minor_name = format!("{base}_minor");
        if let Some(minor) = self.opt_int(&minor_name)? {
            return Ok(Some(minor));
        }
        match self.field(base) {
            Field::Missing => Ok(None),
            Field::Text(text) => money::decimal_to_minor(text, currency).map(Some),
            Field::Other(Value::Number(n)) if n.is_i64() || n.is_u64() => {
                money::decimal_to_minor(&n.to_string(), currency).map(Some)
            }
            Field::Other(Value::Number(n)) => Err(format!(
                "{base} {n} is a floating-point number: write it as a string (\"{n}\") or as \
                 {minor_name} in minor units"
            )),
            Field::Other(other) => Err(format!(
                "{base} must be a decimal string like \"12.34\", not {}",
                kind_of(other)
            )),
        }
    }

    /// A required amount, not negative (see [`Self::opt_amount`]).
    pub fn amount(&self, base: &str, currency: &str) -> Result<i64, String> {
        let amount = self
            .opt_amount(base, currency)?
            .ok_or_else(|| format!("{base} is missing (give {base} or {base}_minor)"))?;
        if amount < 0 {
            return Err(format!("{base} must not be negative"));
        }
        Ok(amount)
    }

    /// A list of texts: a JSON array of strings, or one string (a CSV cell).
    pub fn texts(&self, name: &str) -> Result<Vec<String>, String> {
        match self.0.get(name) {
            Some(Value::Array(values)) => values
                .iter()
                .filter(|value| !value.is_null())
                .map(|value| match value {
                    Value::String(text) => Ok(text.clone()),
                    Value::Number(n) if n.is_i64() || n.is_u64() => Ok(n.to_string()),
                    other => Err(format!("{name} must hold strings, not {}", kind_of(other))),
                })
                .filter(|text| !matches!(text, Ok(t) if t.trim().is_empty()))
                .collect(),
            _ => Ok(self.opt_text(name)?.into_iter().collect()),
        }
    }

    /// A nested array of objects (an order's `items`), each as a record; taken out of this
    /// record rather than copied.
    pub fn take_records(&mut self, name: &str) -> Result<Vec<Record>, String> {
        match self.0.remove(name) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(values)) => values
                .into_iter()
                .enumerate()
                .map(|(index, value)| match value {
                    Value::Object(fields) => Ok(Record(fields)),
                    other => Err(format!(
                        "{name}[{}] must be an object, not {}",
                        index + 1,
                        kind_of(&other)
                    )),
                })
                .collect(),
            Some(other) => Err(format!("{name} must be an array, not {}", kind_of(&other))),
        }
    }
}

/// A JSON value's kind, for error messages.
pub fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "true/false",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
