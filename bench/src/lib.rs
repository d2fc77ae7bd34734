//! What the measuring commands share: the load levels they run, opening a page session as a
//! helpdesk frame does, percentiles, and how busy other work kept the machine.

use std::time::Duration;

/// The value below which `share` (0–1) of the sorted `values` fall; `None` when empty.
pub fn percentile<T: Copy>(sorted: &[T], share: f64) -> Option<T> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (sorted.len() as f64 * share).ceil() as usize;
    Some(sorted[rank.clamp(1, sorted.len()) - 1])
}

/// A duration in milliseconds.
pub fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e3
}

/// A snapshot of CPU time (Linux, in clock ticks): the whole machine's, and that of the
/// benchmark's own processes. Two snapshots tell how much of the machine *other* work took
/// during a measurement, which the load average cannot (the benchmark's own Postgres
/// backends count in it too).
pub struct CpuSample {
    /// Every tick of every core, idle or not.
    total: u64,
    /// Ticks the cores spent working.
    busy: u64,
    /// Ticks of the watched processes and everything below them, including children that
    /// have already exited (a parent's cutime/cstime holds its reaped children's time).
    ours: u64,
    cores: usize,
}

impl CpuSample {
    /// Takes a snapshot; `roots` are the benchmark's processes (this one is always included).
    /// `None` where /proc cannot be read.
    pub fn take(roots: &[u32]) -> Option<Self> {
        let stat = std::fs::read_to_string("/proc/stat").ok()?;
        let cpu: Vec<u64> = stat
            .lines()
            .next()?
            .split_whitespace()
            .skip(1)
            .filter_map(|field| field.parse().ok())
            .collect();
        // user nice system idle iowait irq softirq steal …: idle and iowait are not work.
        let total: u64 = cpu.iter().take(8).sum();
        let busy = total - cpu.get(3)? - cpu.get(4).copied().unwrap_or(0);
        let cores = stat
            .lines()
            .filter(|l| l.starts_with("cpu") && !l.starts_with("cpu "))
            .count();

        let mut processes = Vec::new();
        for entry in std::fs::read_dir("/proc").ok()?.flatten() {
            let Some(pid) = entry
                .file_name()
                .to_str()
                .and_then(|n| n.parse::<u32>().ok())
            else {
                continue;
            };
            if let Some((ppid, ticks)) = process_ticks(pid) {
                processes.push((pid, ppid, ticks));
            }
        }
        let mut watched: Vec<u32> = roots.to_vec();
        watched.push(std::process::id());
        // Add descendants until nothing new turns up (a tree is a few levels deep).
        loop {
            let before = watched.len();
            for (pid, ppid, _) in &processes {
                if watched.contains(ppid) && !watched.contains(pid) {
                    watched.push(*pid);
                }
            }
            if watched.len() == before {
                break;
            }
        }
        let ours = processes
            .iter()
            .filter(|(pid, _, _)| watched.contains(pid))
            .map(|(_, _, ticks)| ticks)
            .sum();
        Some(Self {
            total,
            busy,
            ours,
            cores,
        })
    }

    /// How many cores' worth of CPU other processes used from `self` until `later`.
    pub fn others_cores(&self, later: &Self) -> Option<f64> {
        let total = later.total.checked_sub(self.total)?;
        if total == 0 {
            return None;
        }
        let busy = later.busy.saturating_sub(self.busy);
        let ours = later.ours.saturating_sub(self.ours);
        Some(busy.saturating_sub(ours) as f64 / total as f64 * later.cores as f64)
    }
}

/// A process's parent and its CPU ticks with those of its reaped children.
fn process_ticks(pid: u32) -> Option<(u32, u64)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name is in parentheses and may hold spaces: fields start after the last ')'.
    let fields: Vec<&str> = stat
        .get(stat.rfind(')')? + 1..)?
        .split_whitespace()
        .collect();
    let number = |i: usize| fields.get(i).and_then(|f| f.parse::<u64>().ok());
    // Fields 4 (ppid) and 14–17 (utime, stime, cutime, cstime), counted from 1 with pid.
    let ppid = u32::try_from(number(1)?).ok()?;
    let ticks = number(11)? + number(12)? + number(13)? + number(14)?;
    Some((ppid, ticks))
}

/// The load levels of a lookup measurement, shared by the HTTP load (`panel_load`) and its
/// straight-SQL reference (`sql_reference`) so that both measure the same thing.
#[derive(clap::Args, Debug, Clone)]
pub struct Levels {
    /// How many customers the store has (customer g's email is c<g>@bench.example).
    #[arg(long)]
    pub customers: u64,
    /// A name for the store in the output.
    #[arg(long)]
    pub label: String,
    /// Concurrent clients, one measurement each.
    #[arg(long, value_delimiter = ',', default_value = "1,16,64")]
    pub concurrency: Vec<usize>,
    /// Seconds measured per level.
    #[arg(long, default_value_t = 10)]
    pub seconds: u64,
    /// Seconds of unmeasured load before each level.
    #[arg(long, default_value_t = 3)]
    pub warmup: u64,
}

/// Loads the panel page of `install` at `url` as a helpdesk frame does (with the install's
/// `key`) and returns the session token the server wrote into it.
pub async fn open_session(
    client: &reqwest::Client,
    url: &str,
    install: &str,
    key: &str,
) -> anyhow::Result<String> {
    use anyhow::Context;
    let page = client
        .get(format!("{url}/?install={install}&key={key}"))
        .send()
        .await?
        .error_for_status()?
        .text()
        .await?;
    meta(&page, "orderpane-session").context("the page has no session")
}

/// The `content` of the page's `<meta name="…">` (the page's session and settings).
pub fn meta(page: &str, name: &str) -> Option<String> {
    let at = page.find(&format!("name=\"{name}\""))?;
    let rest = &page[at..];
    let start = rest.find("content=\"")? + "content=\"".len();
    let end = rest[start..].find('"')?;
    Some(rest[start..start + end].to_owned())
}
