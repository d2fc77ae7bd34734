//! Rows in Postgres's COPY text format, written straight into the batch buffer that is sent
//! to the staging tables: no per-row allocation, and no quoting beyond what COPY needs.

use std::fmt::Write;

/// One row being written: columns are separated by tabs, `\N` is null, and backslash, tab,
/// newline and carriage return are escaped.
pub struct CopyRow<'a> {
    out: &'a mut String,
    first: bool,
}

impl<'a> CopyRow<'a> {
    /// Starts a row at the end of `out`.
    pub fn new(out: &'a mut String) -> Self {
        Self { out, first: true }
    }

    fn separate(&mut self) {
        if !self.first {
            self.out.push('\t');
        }
        self.first = false;
    }

    /// A text column.
    pub fn text(&mut self, value: &str) -> &mut Self {
        self.separate();
        for c in value.chars() {
            match c {
                '\\' => self.out.push_str("\\\\"),
                '\t' => self.out.push_str("\\t"),
                '\n' => self.out.push_str("\\n"),
                '\r' => self.out.push_str("\\r"),
                c => self.out.push(c),
            }
        }
        self
    }

    /// A text column that may be null.
    pub fn opt_text(&mut self, value: Option<&str>) -> &mut Self {
        match value {
            Some(value) => self.text(value),
            None => {
                self.separate();
                self.out.push_str("\\N");
                self
            }
        }
    }

    /// A number column.
    pub fn int(&mut self, value: i64) -> &mut Self {
        self.separate();
        let _ = write!(self.out, "{value}");
        self
    }

    /// Ends the row.
    pub fn end(&mut self) {
        self.out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_copy_text_needs() {
        let mut out = String::new();
        CopyRow::new(&mut out)
            .int(7)
            .text("a\tb\\c\nd")
            .opt_text(None)
            .end();
        assert_eq!(out, "7\ta\\tb\\\\c\\nd\t\\N\n");
    }
}
