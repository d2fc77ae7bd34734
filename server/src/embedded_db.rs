//! A project-local Postgres cluster for development and tests.
//!
//! With `DATABASE_URL` unset the server starts one from the installed Postgres binaries, so
//! `make run`, `cargo leptos watch` and the release binary all get a database without setup.
//! The cluster listens only on a Unix socket in its own folder (mode 0700, so only its owner
//! and root can connect), which avoids port clashes and makes `trust` authentication safe.
//! Postgres refuses to run as root, so as root every Postgres program runs as the `postgres`
//! user.

use std::{
    fs,
    os::unix::{fs::PermissionsExt, process::CommandExt},
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
    root: PathBuf,
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
            root,
            bin_dir,
            run_as,
            child: None,
        };
        if db.socket_file().as_os_str().len() > 100 {
            return Err(EmbeddedDbError::PathTooLong(db.root.clone()));
        }
        db.prepare_folders()?;
        if !db.cluster_dir().join("PG_VERSION").exists() {
            db.init_cluster()?;
        }
        if db.connect("postgres").await.is_ok() {
            tracing::info!(dir = %db.root.display(), "reusing the embedded Postgres already running");
        } else {
            db.wait_for_previous_server_to_exit();
            db.launch(lifetime)?;
            db.wait_until_ready().await?;
            tracing::info!(dir = %db.root.display(), "embedded Postgres started");
        }
        db.ensure_database().await?;
        Ok(db)
    }

    /// Stops a cluster started detached in `root`; does nothing when none runs there.
    pub fn stop_detached(root: &Path) -> Result<(), EmbeddedDbError> {
        let root = absolute(root)?;
        let Some(pid) = running_postmaster(&root.join("pgdata")) else {
            return Ok(());
        };
        // SIGINT is Postgres's "fast" shutdown: roll back open transactions, then exit cleanly.
        let _ = kill(pid, Signal::SIGINT);
        wait_for_exit(pid, Duration::from_secs(30));
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
        self.root.join("pgdata")
    }

    fn socket_dir(&self) -> PathBuf {
        self.root.join("run")
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

    /// Creates the folders, owned by the user Postgres runs as, closed to everyone else.
    fn prepare_folders(&self) -> Result<(), EmbeddedDbError> {
        for dir in [self.root.clone(), self.socket_dir()] {
            fs::create_dir_all(&dir).map_err(|source| io_error(&dir, source))?;
            fs::set_permissions(&dir, fs::Permissions::from_mode(0o700))
                .map_err(|source| io_error(&dir, source))?;
            if let Some(user) = &self.run_as {
                std::os::unix::fs::chown(&dir, Some(user.uid.as_raw()), Some(user.gid.as_raw()))
                    .map_err(|source| io_error(&dir, source))?;
            }
        }
        Ok(())
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
        command.current_dir(&self.root);
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
            dir: self.root.display().to_string(),
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

/// The pid of a live postmaster recorded in `cluster_dir`, if any.
fn running_postmaster(cluster_dir: &Path) -> Option<Pid> {
    let pid_file = fs::read_to_string(cluster_dir.join("postmaster.pid")).ok()?;
    let pid = Pid::from_raw(pid_file.lines().next()?.trim().parse().ok()?);
    kill(pid, None).is_ok().then_some(pid)
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
    fn path_wins_over_the_versioned_install() {
        let root = std::env::temp_dir().join("orderpane-path-first");
        let _ = fs::remove_dir_all(&root);
        let on_path = fake_install(&root, "custom");
        fake_install(&root.join("lib"), "16");
        let found = find_bin_dir_in(Some(on_path.as_os_str()), &root.join("lib"));
        assert_eq!(found, Some(fs::canonicalize(&on_path).expect("canonical")));
    }
}
