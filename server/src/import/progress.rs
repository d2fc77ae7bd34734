//! The progress bar: bytes of input read, on standard error, only when that is a terminal
//! (a bar written into a log file or a pipe is noise).

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A progress bar, or nothing.
#[derive(Clone)]
pub struct Progress(Option<ProgressBar>);

impl Progress {
    /// A bar over `total` bytes (a spinner when a size is unknown, as for standard input),
    /// drawn when `show` is true.
    pub fn new(show: bool, total: Option<u64>) -> Self {
        if !show {
            return Self(None);
        }
        let bar = match total {
            Some(total) => ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr())
                .with_style(
                    ProgressStyle::with_template(
                        "{bar:40} {bytes}/{total_bytes} {msg} ({elapsed}, {eta} left)",
                    )
                    .expect("valid template"),
                ),
            None => ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()).with_style(
                ProgressStyle::with_template("{spinner} {bytes} {msg} ({elapsed})")
                    .expect("valid template"),
            ),
        };
        Self(Some(bar))
    }

    /// Bytes read so far, and records.
    pub fn set(&self, bytes: u64, records: u64) {
        if let Some(bar) = &self.0 {
            bar.set_position(bytes);
            bar.set_message(format!("{records} records"));
        }
    }

    /// Takes the bar off the terminal before the summary is printed.
    pub fn finish(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}
