//! A project-local Postgres cluster for development and tests.
//!
//! With `DATABASE_URL` unset the server starts one from the installed Postgres binaries, so
//! `make run`, `cargo leptos watch` and the release binary all get a database without setup.
//! The cluster listens only on a Unix socket in its own folder (mode 0700, so only its owner
//! and root can connect), which avoids port clashes and makes `trust` authentication safe.
//! Postgres refuses to run as root, so as root every Postgres program runs as the `postgres`
//! user. That user cannot enter a folder below root's home (`/root` is mode 0700), where a
//! clone often lives: then the cluster is kept in a folder of its own under
//! [`FALLBACK_ROOT`], linked from the data folder and named in the log.

use std::{
    fs,
    os::unix::{ffi::OsStrExt, fs::PermissionsExt, process::CommandExt},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use nix::{
    sys::signal::{kill, Signal},
    unistd::{Pid, User},
};
use sqlx::{
    postgres::{PgConnectOptions, PgConnection},
    Connection,
};

/// The database and role the embedded cluster serves.
const DB_NAME: &str = "orderpane";
/// The port only names the socket file; nothing listens on TCP.
const PORT: u16 = 5432;
/// How long start-up may take before it is reported as failed.
const START_TIMEOUT: Duration = Duration::from_secs(60);
/// Where clusters are kept whose data folder the `postgres` user cannot enter: a root-owned
/// folder that everyone may pass through, holding one mode-0700 folder per data folder.
pub const FALLBACK_ROOT: &str = "/var/lib/orderpane";

/// What went wrong starting or stopping the embedded cluster, phrased for the person at the
/// terminal.
#[derive(Debug, thiserror::Error)]
pub enum EmbeddedDbError {
    /// No Postgres server binaries on this machine.
    #[error(
        "DATABASE_URL is unset and no Postgres server binaries were found (looked for `initdb` \
         and `postgres` on PATH and in /usr/lib/postgresql/*/bin). Install them (Debian: \
         `apt-get install postgresql`), or set DATABASE_URL to an existing database."
    )]
    NoBinaries,
    /// Running as root but there is no unprivileged user to run Postgres as.
    #[error(
        "running as root and there is no `postgres` user to run the embedded Postgres as \
         (Postgres refuses root). Create one (`useradd --system postgres`) or set DATABASE_URL."
    )]
    NoPostgresUser,
    /// The socket path would exceed the operating system's limit.
    #[error("the data folder {0} is too deep for a Unix socket path; set ORDERPANE_DATA_DIR to a shorter path")]
    PathTooLong(PathBuf),
    /// The `postgres` user cannot enter the data folder, and no folder it can enter could be
    /// prepared instead.
    #[error(
        "the `postgres` user (which runs the embedded Postgres, as Postgres refuses root) cannot \
         enter {dir}, usually because a folder above it is private (root's home is mode 0700), \
         and the cluster could not be kept in {elsewhere} instead: {detail}\nSet \
         ORDERPANE_DATA_DIR (for `server db up`/`down`: --dir) to a folder the `postgres` user \
         can enter, for example /tmp/orderpane, or set DATABASE_URL to an existing database."
    )]
    Unreachable {
        /// The data folder asked for.
        dir: String,
        /// Where the cluster would have been kept.
        elsewhere: String,
        /// Why that failed.
        detail: String,
    },
    /// The data folder already holds a cluster, but the `postgres` user cannot enter it.
    #[error(
        "{dir} holds a Postgres cluster, but the `postgres` user (which runs it, as Postgres \
         refuses root) cannot enter {dir}, usually because a folder above it is private (root's \
         home is mode 0700). Move {dir} somewhere the `postgres` user can enter and point \
         ORDERPANE_DATA_DIR (for `server db up`/`down`: --dir) at it, or delete {dir} to start \
         afresh (the new cluster will then be kept in {elsewhere})."
    )]
    StrandedCluster {
        /// The data folder asked for.
        dir: String,
        /// Where a new cluster would be kept.
        elsewhere: String,
    },
    /// A Postgres program failed.
    #[error("{program} failed: {detail}\nHint: the `postgres` user must be able to reach {dir}; set ORDERPANE_DATA_DIR to another folder if it cannot.")]
    Program {
        /// The program that failed.
        program: &'static str,
        /// What it printed, or why it could not run.
        detail: String,
        /// The cluster folder.
        dir: String,
    },
    /// The server did not accept connections in time.
    #[error("the embedded Postgres did not start within {START_TIMEOUT:?}; its log ({log}) ends with:\n{tail}")]
    StartTimeout {
        /// The log file.
        log: String,
        /// Its last lines.
        tail: String,
    },
    /// A file system operation failed.
    #[error("embedded Postgres folder {path}: {source}")]
    Io {
        /// The path involved.
        path: String,
        /// The error.
        source: std::io::Error,
    },
    /// Creating the application database failed.
    #[error("could not create the `{DB_NAME}` database: {0}")]
    CreateDatabase(#[source] sqlx::Error),
}

/// How long the cluster should live.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lifetime {
    /// Stopped when this process stops, even if it is killed (the server's mode).
    TiedToThisProcess,
    /// Left running for later commands until `stop` (the `db up` / `db down` mode).
    Detached,
}

/// A running embedded cluster.
#[derive(Debug)]
pub struct EmbeddedPostgres {
    /// The data folder asked for (absolute); it holds the log.
    root: PathBuf,
    /// The folder holding the cluster (`pgdata`) and its socket (`run`): `root` itself, or
    /// [`fallback_home`] when the `postgres` user cannot enter `root`.
    home: PathBuf,
    bin_dir: PathBuf,
    run_as: Option<User>,
    child: Option<Child>,
}

impl EmbeddedPostgres {
    /// Starts (creating if needed) the cluster in `root`, or reuses one already running there.
    pub async fn start(root: &Path, lifetime: Lifetime) -> Result<Self, EmbeddedDbError> {
        let bin_dir = find_bin_dir().ok_or(EmbeddedDbError::NoBinaries)?;
        let run_as = if nix::unistd::geteuid().is_root() {
            Some(
                User::from_name("postgres")
                    .ok()
                    .flatten()
                    .ok_or(EmbeddedDbError::NoPostgresUser)?,
            )
        } else {
            None
        };
        let root = absolute(root)?;
        let mut db = Self {
            home: root.clone(),
            root,
            bin_dir,
            run_as,
            child: None,
        };
        db.prepare_folder(&db.root)?;
        if db.postgres_can_enter(&db.root).is_err() {
            db.keep_cluster_elsewhere()?;
        }
        if db.socket_file().as_os_str().len() > 100 {
            return Err(EmbeddedDbError::PathTooLong(db.root.clone()));
        }
        db.prepare_folder(&db.socket_dir())?;
        if !db.cluster_dir().join("PG_VERSION").exists() {
            db.init_cluster()?;
        }
        if db.connect("postgres").await.is_ok() {
            tracing::info!(
                dir = %db.root.display(),
                cluster = %db.cluster_dir().display(),
                "reusing the embedded Postgres already running"
            );
        } else {
            db.wait_for_previous_server_to_exit();
            db.launch(lifetime)?;
            db.wait_until_ready().await?;
            tracing::info!(
                dir = %db.root.display(),
                cluster = %db.cluster_dir().display(),
                "embedded Postgres started"
            );
        }
        db.ensure_database().await?;
        Ok(db)
    }

    /// Stops a cluster started detached in `root` (or kept elsewhere for it); does nothing when
    /// none runs.
    pub fn stop_detached(root: &Path) -> Result<(), EmbeddedDbError> {
        let root = absolute(root)?;
        // `root/pgdata` is the cluster or the link to the one kept elsewhere; the kept one is
        // looked up as well in case the folder (and with it the link) was deleted meanwhile.
        for cluster_dir in [root.join("pgdata"), fallback_home(&root).join("pgdata")] {
            if let Some(pid) = running_postmaster(&cluster_dir) {
                // SIGINT is Postgres's "fast" shutdown: roll back open transactions, then exit
                // cleanly.
                let _ = kill(pid, Signal::SIGINT);
                wait_for_exit(pid, Duration::from_secs(30));
            }
        }
        Ok(())
    }

    /// Connection settings for the application database.
    pub fn connect_options(&self) -> PgConnectOptions {
        self.connect_options_for(DB_NAME)
    }

    /// The same settings as a URL, for `DATABASE_URL` (sqlx tests, `cargo sqlx`, psql).
    pub fn database_url(&self) -> String {
        format!(
            "postgres://{DB_NAME}@localhost/{DB_NAME}?host={}",
            self.socket_dir().display()
        )
    }

    /// Stops the cluster if this process started it tied to itself.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let pid = Pid::from_raw(child.id() as i32);
            let _ = kill(pid, Signal::SIGINT);
            let deadline = Instant::now() + Duration::from_secs(30);
            while Instant::now() < deadline {
                if let Ok(Some(_)) = child.try_wait() {
                    tracing::info!("embedded Postgres stopped");
                    return;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            tracing::warn!("embedded Postgres did not stop in time; killing it");
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    fn cluster_dir(&self) -> PathBuf {
        self.home.join("pgdata")
    }

    fn socket_dir(&self) -> PathBuf {
        self.home.join("run")
    }

    fn socket_file(&self) -> PathBuf {
        self.socket_dir().join(format!(".s.PGSQL.{PORT}"))
    }

    fn log_file(&self) -> PathBuf {
        self.root.join("postgres.log")
    }

    fn connect_options_for(&self, database: &str) -> PgConnectOptions {
        PgConnectOptions::new()
            .socket(self.socket_dir())
            .port(PORT)
            .username(DB_NAME)
            .database(database)
    }

    async fn connect(&self, database: &str) -> sqlx::Result<PgConnection> {
        PgConnection::connect_with(&self.connect_options_for(database)).await
    }

    /// Creates `dir`, owned by the user Postgres runs as, closed to everyone else.
    fn prepare_folder(&self, dir: &Path) -> Result<(), EmbeddedDbError> {
        fs::create_dir_all(dir).map_err(|source| io_error(dir, source))?;
        fs::set_permissions(dir, fs::Permissions::from_mode(0o700))
            .map_err(|source| io_error(dir, source))?;
        if let Some(user) = &self.run_as {
            std::os::unix::fs::chown(dir, Some(user.uid.as_raw()), Some(user.gid.as_raw()))
                .map_err(|source| io_error(dir, source))?;
        }
        Ok(())
    }

    /// Whether the user Postgres runs as can enter `dir`, with the reason when it cannot.
    fn postgres_can_enter(&self, dir: &Path) -> Result<(), String> {
        if self.run_as.is_none() {
            // Postgres runs as this process's own user, which created the folder.
            return Ok(());
        }
        // Ask the system rather than read mode bits, so that ACLs and mount options count too:
        // std changes into `current_dir` after switching user, so the spawn fails with the
        // reason when that user cannot enter the folder.
        let status = self
            .command("postgres")
            .arg("--version")
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .map_err(|error| error.to_string())?;
        if status.success() {
            Ok(())
        } else {
            Err(format!(
                "`postgres --version` run in it ended with {status}"
            ))
        }
    }

    /// The `postgres` user cannot enter the data folder: keep the cluster in
    /// [`fallback_home`], linked as `pgdata` from the data folder (root can follow the link),
    /// which also records that the cluster there belongs to this copy of the folder.
    fn keep_cluster_elsewhere(&mut self) -> Result<(), EmbeddedDbError> {
        let home = fallback_home(&self.root);
        let link = self.root.join("pgdata");
        let target = home.join("pgdata");
        let unreachable = |detail: String| EmbeddedDbError::Unreachable {
            dir: self.root.display().to_string(),
            elsewhere: home.display().to_string(),
            detail,
        };
        let linked = match fs::symlink_metadata(&link) {
            Ok(meta) if meta.is_symlink() && fs::read_link(&link).ok() == Some(target.clone()) => {
                true
            }
            Ok(_) => {
                return Err(EmbeddedDbError::StrandedCluster {
                    dir: self.root.display().to_string(),
                    elsewhere: home.display().to_string(),
                })
            }
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => false,
            Err(source) => return Err(io_error(&link, source)),
        };
        // The postgres user must pass through the shared parent, whatever root's umask.
        let parent = Path::new(FALLBACK_ROOT);
        fs::create_dir_all(parent)
            .and_then(|()| fs::set_permissions(parent, fs::Permissions::from_mode(0o755)))
            .map_err(|error| unreachable(format!("{}: {error}", parent.display())))?;
        self.prepare_folder(&home)
            .map_err(|error| unreachable(error.to_string()))?;
        self.postgres_can_enter(&home).map_err(|detail| {
            unreachable(format!(
                "the `postgres` user cannot enter it either: {detail}"
            ))
        })?;
        self.home = home;
        if !linked {
            if target.exists() {
                // No link means the data folder was deleted since this cluster was made, which
                // is how one asks for a fresh demo store (and scripts/test.sh does before the
                // browser tests): honour that rather than bring the old data back.
                self.discard_cluster()?;
            }
            std::os::unix::fs::symlink(&target, &link).map_err(|source| io_error(&link, source))?;
        }
        tracing::info!(
            dir = %self.root.display(),
            cluster = %target.display(),
            "the `postgres` user cannot enter {}, so its cluster is kept in {} (linked as {})",
            self.root.display(),
            self.home.display(),
            link.display()
        );
        Ok(())
    }

    /// Stops and deletes the cluster in [`Self::cluster_dir`].
    fn discard_cluster(&self) -> Result<(), EmbeddedDbError> {
        let cluster_dir = self.cluster_dir();
        tracing::info!(
            dir = %self.root.display(),
            cluster = %cluster_dir.display(),
            "the data folder was deleted: deleting the cluster that was kept for it"
        );
        if let Some(pid) = running_postmaster(&cluster_dir) {
            let _ = kill(pid, Signal::SIGINT);
            wait_for_exit(pid, Duration::from_secs(30));
            if kill(pid, None).is_ok() {
                return Err(self.program_error(
                    "postgres",
                    format!(
                        "the old cluster in {} (pid {pid}) did not stop",
                        cluster_dir.display()
                    ),
                ));
            }
        }
        fs::remove_dir_all(&cluster_dir).map_err(|source| io_error(&cluster_dir, source))
    }

    fn init_cluster(&self) -> Result<(), EmbeddedDbError> {
        tracing::info!(dir = %self.cluster_dir().display(), "creating the embedded Postgres cluster");
        let output = self
            .command("initdb")
            .arg("--pgdata")
            .arg(self.cluster_dir())
            .args([
                "--username",
                DB_NAME,
                "--auth",
                "trust",
                "--encoding",
                "UTF8",
            ])
            .args(["--no-locale", "--no-sync"])
            .output()
            .map_err(|error| self.program_error("initdb", error.to_string()))?;
        if !output.status.success() {
            let detail = String::from_utf8_lossy(&output.stderr).trim().to_owned();
            return Err(self.program_error("initdb", detail));
        }
        Ok(())
    }

    /// A server that was just killed with its parent may still be shutting down: give it a
    /// moment to release the data folder before starting a new one.
    fn wait_for_previous_server_to_exit(&self) {
        if let Some(pid) = running_postmaster(&self.cluster_dir()) {
            wait_for_exit(pid, Duration::from_secs(10));
        }
    }

    /// Starts the server; its log is opened here, so the log may sit where only root can reach.
    fn launch(&mut self, lifetime: Lifetime) -> Result<(), EmbeddedDbError> {
        let log_path = self.log_file();
        let log = fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log_path)
            .map_err(|source| io_error(&log_path, source))?;
        let log_err = log
            .try_clone()
            .map_err(|source| io_error(&log_path, source))?;
        if let Some(user) = &self.run_as {
            std::os::unix::fs::chown(&log_path, Some(user.uid.as_raw()), Some(user.gid.as_raw()))
                .map_err(|source| io_error(&log_path, source))?;
        }
        let mut command = self.command("postgres");
        command
            .arg("-D")
            .arg(self.cluster_dir())
            .arg("-k")
            .arg(self.socket_dir())
            .args(["-p", &PORT.to_string()])
            .args(["-c", "listen_addresses="])
            .args(["-c", "unix_socket_permissions=0700"])
            // Development data: durability is not worth the disk flushes.
            .args(["-c", "fsync=off", "-c", "synchronous_commit=off"])
            .args(["-c", "max_connections=200"])
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log_err);
        match lifetime {
            Lifetime::TiedToThisProcess => {
                // SAFETY: the closure only calls async-signal-safe functions (prctl, getppid).
                unsafe {
                    command.pre_exec(|| {
                        // If the server dies, even by SIGKILL (as `cargo leptos watch` restarts
                        // it), Postgres gets SIGINT and shuts down cleanly.
                        nix::sys::prctl::set_pdeathsig(Signal::SIGINT)?;
                        if nix::unistd::getppid() == Pid::from_raw(1) {
                            return Err(std::io::Error::other("parent already exited"));
                        }
                        Ok(())
                    });
                }
            }
            Lifetime::Detached => {
                // SAFETY: setsid is async-signal-safe; it detaches Postgres from our terminal
                // so that Ctrl-C on a later command does not reach it.
                unsafe {
                    command.pre_exec(|| {
                        nix::unistd::setsid()?;
                        Ok(())
                    });
                }
            }
        }
        let child = command
            .spawn()
            .map_err(|error| self.program_error("postgres", error.to_string()))?;
        if lifetime == Lifetime::TiedToThisProcess {
            self.child = Some(child);
        }
        Ok(())
    }

    async fn wait_until_ready(&mut self) -> Result<(), EmbeddedDbError> {
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            if self.connect("postgres").await.is_ok() {
                return Ok(());
            }
            let exited = match self.child.as_mut() {
                Some(child) => matches!(child.try_wait(), Ok(Some(_))),
                None => false,
            };
            if exited || Instant::now() > deadline {
                self.child = None;
                return Err(EmbeddedDbError::StartTimeout {
                    log: self.log_file().display().to_string(),
                    tail: log_tail(&self.log_file()),
                });
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn ensure_database(&self) -> Result<(), EmbeddedDbError> {
        let mut admin = self
            .connect("postgres")
            .await
            .map_err(EmbeddedDbError::CreateDatabase)?;
        let exists: bool =
            sqlx::query_scalar("select exists (select 1 from pg_database where datname = $1)")
                .bind(DB_NAME)
                .fetch_one(&mut admin)
                .await
                .map_err(EmbeddedDbError::CreateDatabase)?;
        if !exists {
            sqlx::query(&format!("create database {DB_NAME}"))
                .execute(&mut admin)
                .await
                .map_err(EmbeddedDbError::CreateDatabase)?;
        }
        Ok(())
    }

    /// A command for one of the Postgres programs, run as the `postgres` user when we are root.
    fn command(&self, program: &str) -> Command {
        let mut command = Command::new(self.bin_dir.join(program));
        // Every path passed is absolute, and the `postgres` user may not be able to enter this
        // process's working directory (a clone in root's home), which the spawn would then
        // refuse: `/` can always be entered.
        command.current_dir("/");
        if let Some(user) = &self.run_as {
            // std drops root's supplementary groups when it switches the user id.
            command.uid(user.uid.as_raw()).gid(user.gid.as_raw());
        }
        command
    }

    fn program_error(&self, program: &'static str, detail: String) -> EmbeddedDbError {
        EmbeddedDbError::Program {
            program,
            detail,
            dir: self.home.display().to_string(),
        }
    }
}

impl Drop for EmbeddedPostgres {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The folder with `initdb` and `postgres`: from PATH, else the newest Debian install.
fn find_bin_dir() -> Option<PathBuf> {
    find_bin_dir_in(
        std::env::var_os("PATH").as_deref(),
        Path::new("/usr/lib/postgresql"),
    )
}

/// [`find_bin_dir`] over a given PATH value and Debian-style versioned install folder.
fn find_bin_dir_in(path_var: Option<&std::ffi::OsStr>, versioned_root: &Path) -> Option<PathBuf> {
    let has_programs = |dir: &Path| dir.join("initdb").is_file() && dir.join("postgres").is_file();
    if let Some(dir) =
        path_var.and_then(|paths| std::env::split_paths(paths).find(|dir| has_programs(dir)))
    {
        // Debian links the programs into /usr/local/bin; follow the link to the real folder,
        // where the other programs and the share files sit beside them.
        return Some(
            fs::canonicalize(dir.join("postgres"))
                .ok()
                .and_then(|p| p.parent().map(Path::to_path_buf))
                .unwrap_or(dir),
        );
    }
    let mut versions: Vec<(u32, PathBuf)> = fs::read_dir(versioned_root)
        .ok()?
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let version = entry.file_name().to_str()?.parse().ok()?;
            let bin = entry.path().join("bin");
            has_programs(&bin).then_some((version, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin)
}

/// Where the cluster of data folder `root` is kept when the `postgres` user cannot enter
/// `root`: named after the folder and a hash of its path, so that every run for the same folder
/// (a restart, a detached `db up` and its `db down`) finds the same one, and different folders
/// (clones, test clusters) get different ones. Short enough for the socket path limit.
fn fallback_home(root: &Path) -> PathBuf {
    // The canonical path when the folder exists, so that `target/db` from inside the clone and
    // the same folder through its full path agree.
    let path = fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let name: String = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default()
        .trim_start_matches('.')
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        .take(32)
        .collect();
    let name = if name.is_empty() { "cluster" } else { &name };
    Path::new(FALLBACK_ROOT).join(format!(
        "{name}-{:016x}",
        fnv1a(path.as_os_str().as_bytes())
    ))
}

/// 64-bit FNV-1a: a hash fixed by its definition, so fallback folders stay where they are
/// across builds and Rust releases (std's hashers promise no such thing).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// The pid of a live postmaster recorded in `cluster_dir`, if any.
/// The postmaster of `cluster_dir`, from its pid file, if it runs. A pid file left behind by
/// a cluster that did not shut down cleanly may name a pid the system has since given to
/// another process (a signal meant for Postgres would then hit it): only a running `postgres`
/// program counts.
fn running_postmaster(cluster_dir: &Path) -> Option<Pid> {
    let pid_file = fs::read_to_string(cluster_dir.join("postmaster.pid")).ok()?;
    let pid = Pid::from_raw(pid_file.lines().next()?.trim().parse().ok()?);
    let program = fs::read_link(format!("/proc/{pid}/exe")).ok()?;
    let is_postgres = program.file_name() == Some(std::ffi::OsStr::new("postgres"));
    (is_postgres && kill(pid, None).is_ok()).then_some(pid)
}

fn wait_for_exit(pid: Pid, limit: Duration) {
    let deadline = Instant::now() + limit;
    while kill(pid, None).is_ok() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn absolute(path: &Path) -> Result<PathBuf, EmbeddedDbError> {
    std::path::absolute(path).map_err(|source| io_error(path, source))
}

fn io_error(path: &Path, source: std::io::Error) -> EmbeddedDbError {
    EmbeddedDbError::Io {
        path: path.display().to_string(),
        source,
    }
}

fn log_tail(path: &Path) -> String {
    let text = fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(15)..].join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stale_pid_file_naming_another_program_is_no_running_postmaster() {
        let dir = std::env::temp_dir().join(format!("orderpane-stale-pid-{}", std::process::id()));
        fs::create_dir_all(&dir).expect("folder");
        // This test's own pid: alive, but not Postgres (as a reused pid would be).
        fs::write(
            dir.join("postmaster.pid"),
            format!("{}\n", std::process::id()),
        )
        .expect("write");
        assert_eq!(running_postmaster(&dir), None);
        fs::remove_dir_all(&dir).expect("clean up");
    }

    fn fake_install(root: &Path, version: &str) -> PathBuf {
        let bin = root.join(version).join("bin");
        fs::create_dir_all(&bin).expect("folder");
        for program in ["initdb", "postgres"] {
            fs::write(bin.join(program), "").expect("file");
        }
        bin
    }

    #[test]
    fn no_binaries_anywhere_gives_none_and_a_message_naming_what_to_install() {
        let empty = std::env::temp_dir().join("orderpane-no-postgres");
        let _ = fs::create_dir_all(&empty);
        assert_eq!(find_bin_dir_in(Some(empty.as_os_str()), &empty), None);
        let message = EmbeddedDbError::NoBinaries.to_string();
        assert!(message.contains("apt-get install postgresql"), "{message}");
        assert!(message.contains("DATABASE_URL"), "{message}");
    }

    #[test]
    fn the_newest_versioned_install_is_chosen_when_path_has_none() {
        let root = std::env::temp_dir().join("orderpane-versions");
        let _ = fs::remove_dir_all(&root);
        fake_install(&root, "13");
        let newest = fake_install(&root, "15");
        fs::create_dir_all(root.join("not-a-version")).expect("folder");
        assert_eq!(find_bin_dir_in(None, &root), Some(newest));
    }

    #[test]
    fn the_fallback_folder_is_fixed_by_the_data_folder_path_and_short() {
        let a = fallback_home(Path::new("/root/clone/.orderpane"));
        assert_eq!(a, fallback_home(Path::new("/root/clone/.orderpane")));
        assert_ne!(a, fallback_home(Path::new("/root/other/.orderpane")));
        // Pinned: a changed hash would strand every existing cluster.
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
        let name = a.file_name().and_then(|name| name.to_str()).expect("name");
        assert!(name.starts_with("orderpane-"), "{name}");
        assert!(a.starts_with(FALLBACK_ROOT));
        let deep = fallback_home(&Path::new("/root").join("x".repeat(300)));
        assert!(deep.join("run/.s.PGSQL.5432").as_os_str().len() <= 100);
    }

    #[test]
    fn path_wins_over_the_versioned_install() {
        let root = std::env::temp_dir().join("orderpane-path-first");
        let _ = fs::remove_dir_all(&root);
        let on_path = fake_install(&root, "custom");
        fake_install(&root.join("lib"), "16");
        let found = find_bin_dir_in(Some(on_path.as_os_str()), &root.join("lib"));
        assert_eq!(found, Some(fs::canonicalize(&on_path).expect("canonical")));
    }
}
