//! The embedded development database: created on first use, reused, and stopped with the
//! server however the server ends (including SIGKILL, as `cargo leptos watch` restarts it).
//! These tests run real Postgres programs (as the `postgres` user when run as root, also for
//! a clone in a folder that user cannot enter, as root's home is).

mod common;

use std::{
    path::{Path, PathBuf},
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use server::embedded_db::{EmbeddedPostgres, Lifetime};
use sqlx::{Connection, PgConnection};

fn fresh_dir(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    if let Some(pid) = postmaster_pid(&dir) {
        let _ = Command::new("kill")
            .arg("-INT")
            .arg(pid.to_string())
            .status();
        wait_until(Duration::from_secs(10), || !alive(pid));
    }
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn postmaster_pid(dir: &Path) -> Option<i32> {
    let text = std::fs::read_to_string(dir.join("pgdata/postmaster.pid")).ok()?;
    text.lines().next()?.trim().parse().ok()
}

fn alive(pid: i32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
        && !std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .map(|stat| stat.contains(") Z "))
            .unwrap_or(true)
}

fn wait_until(limit: Duration, mut done: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if done() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    done()
}

#[tokio::test]
async fn a_cluster_is_created_serves_queries_and_stops_with_its_owner() {
    let dir = fresh_dir("edb-lifecycle");
    let mut db = EmbeddedPostgres::start(&dir, Lifetime::TiedToThisProcess)
        .await
        .expect("starts");
    let mut conn = PgConnection::connect_with(&db.connect_options())
        .await
        .expect("connects");
    let one: i32 = sqlx::query_scalar("select 1")
        .fetch_one(&mut conn)
        .await
        .expect("query");
    assert_eq!(one, 1);
    conn.close().await.expect("close");
    assert!(db
        .database_url()
        .starts_with("postgres://orderpane@localhost/orderpane?host=/"));

    let pid = postmaster_pid(&dir).expect("postmaster.pid while running");
    db.stop();
    assert!(
        wait_until(Duration::from_secs(10), || !alive(pid)),
        "postgres {pid} still running"
    );
    assert!(
        postmaster_pid(&dir).is_none(),
        "clean shutdown removes postmaster.pid"
    );
}

#[tokio::test]
async fn a_detached_cluster_is_reused_and_stopped_by_stop_detached() {
    let dir = fresh_dir("edb-detached");
    let first = EmbeddedPostgres::start(&dir, Lifetime::Detached)
        .await
        .expect("starts");
    let pid = postmaster_pid(&dir).expect("running");
    drop(first);
    assert!(alive(pid), "a detached cluster outlives its starter");

    let second = EmbeddedPostgres::start(&dir, Lifetime::Detached)
        .await
        .expect("reuses");
    assert_eq!(
        postmaster_pid(&dir),
        Some(pid),
        "the running cluster was reused"
    );
    let conn = PgConnection::connect_with(&second.connect_options())
        .await
        .expect("connects");
    conn.close().await.expect("close");

    EmbeddedPostgres::stop_detached(&dir).expect("stops");
    assert!(!alive(pid));
}

/// The server on `port` with its embedded cluster in `dir`, started from `cwd`.
fn spawn_server(dir: &Path, port: u16, cwd: &Path, log: Stdio) -> std::process::Child {
    // One install, so that the server starts with or without the `dev` feature: a production
    // build refuses to serve with none.
    // Beside the data folder, which may be relative to the server's working folder `cwd`.
    let installs = cwd.join(dir).with_extension("installs.toml");
    std::fs::write(
        &installs,
        "[[install]]\nname = \"test\"\nkind = \"chatwoot\"\n\
         host_origin = \"https://helpdesk.example\"\nsecret = \"test-install-key-0123456789\"\n",
    )
    .expect("installs file");
    Command::new(env!("CARGO_BIN_EXE_server"))
        .current_dir(cwd)
        .env_remove("DATABASE_URL")
        .env("ORDERPANE_DATA_DIR", dir)
        .env("ORDERPANE_INSTALLS", &installs)
        .env("ORDERPANE_SIMULATOR_ADDR", "off")
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("server starts")
}

#[test]
fn the_server_without_database_url_runs_its_own_and_it_dies_with_the_server_even_on_sigkill() {
    let dir = fresh_dir("edb-server-kill");
    let port = common::free_port();
    let mut server = spawn_server(
        &dir,
        port,
        Path::new(env!("CARGO_MANIFEST_DIR")),
        Stdio::null(),
    );
    assert!(
        wait_until(Duration::from_secs(60), || common::http_status(
            port, "/readyz"
        ) == Some(200)),
        "the server became ready on its embedded database"
    );
    let pid = postmaster_pid(&dir).expect("postgres running");

    server.kill().expect("SIGKILL");
    server.wait().expect("reaped");
    assert!(
        wait_until(Duration::from_secs(15), || !alive(pid)),
        "postgres {pid} outlived a killed server"
    );

    // The next start reuses the same cluster folder, with the demo data already there.
    let mut again = spawn_server(
        &dir,
        port,
        Path::new(env!("CARGO_MANIFEST_DIR")),
        Stdio::null(),
    );
    assert!(wait_until(Duration::from_secs(60), || common::http_status(
        port, "/readyz"
    ) == Some(200)));
    let pid = postmaster_pid(&dir).expect("postgres running again");
    // A graceful stop (SIGTERM) stops the cluster too.
    let _ = Command::new("kill")
        .arg("-TERM")
        .arg(again.id().to_string())
        .status();
    again.wait().expect("server exits");
    assert!(wait_until(Duration::from_secs(15), || !alive(pid)));
    assert!(postmaster_pid(&dir).is_none());
}

/// Why a test that needs root cannot run here, or `None` when it can.
fn needs_root() -> Option<&'static str> {
    (!nix::unistd::geteuid().is_root()).then_some(
        "not running as root, so Postgres runs as this user and no folder is closed to it",
    )
}

/// A clone in root's home, where `make run` is typed: `/root` is mode 0700, so the `postgres`
/// user cannot enter anything below it. Returns the clone; its parent stands in for `/root`.
fn checkout_in_a_closed_home(name: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let home = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let checkout = home.join("orderpane");
    // A cluster left running by an earlier, failed run would hold the folder: stop it.
    if checkout.exists() {
        let _ = db_command(&checkout, "down", ".orderpane").output();
    }
    let _ = std::fs::remove_dir_all(&home);
    std::fs::create_dir_all(&checkout).expect("checkout folder");
    std::fs::set_permissions(&home, std::fs::Permissions::from_mode(0o700)).expect("chmod 0700");
    checkout
}

/// `server db <action> --dir <dir>` run from `cwd`, as a script in the clone would run it.
fn db_command(cwd: &Path, action: &str, dir: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_server"));
    command
        .args(["db", action, "--dir", dir])
        .current_dir(cwd)
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "info")
        .stdin(Stdio::null());
    command
}

/// Runs `server db up` and returns its `DATABASE_URL` and its log.
fn db_up(cwd: &Path, dir: &str) -> (String, String) {
    let output = db_command(cwd, "up", dir).output().expect("db up runs");
    let log = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "db up failed:\n{log}");
    let url = String::from_utf8(output.stdout).expect("utf-8");
    (url.trim().to_owned(), log)
}

fn db_down(cwd: &Path, dir: &str) {
    let output = db_command(cwd, "down", dir).output().expect("db down runs");
    assert!(
        output.status.success(),
        "db down failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

async fn has_marker_table(url: &str) -> bool {
    let mut conn = PgConnection::connect(url).await.expect("connects");
    let found: bool = sqlx::query_scalar("select to_regclass('marker') is not null")
        .fetch_one(&mut conn)
        .await
        .expect("query");
    conn.close().await.expect("close");
    found
}

#[tokio::test]
async fn as_root_a_data_folder_the_postgres_user_cannot_enter_gets_its_cluster_elsewhere() {
    if let Some(reason) = needs_root() {
        eprintln!("skipped: {reason}");
        return;
    }
    let checkout = checkout_in_a_closed_home("edb-closed-home-db");
    let home = checkout.parent().expect("home").to_path_buf();
    let dir = checkout.join(".orderpane");

    // From inside the clone with a relative folder, as scripts/test.sh runs it.
    let (url, log) = db_up(&checkout, ".orderpane");
    let cluster = std::fs::read_link(dir.join("pgdata")).expect("pgdata links to the cluster");
    assert!(
        !cluster.starts_with(&home) && !url.contains(home.to_str().expect("utf-8")),
        "the cluster ({cluster:?}, {url}) must live where the postgres user can enter"
    );
    let cluster_home = cluster.parent().expect("cluster home");
    assert!(
        log.contains(cluster_home.to_str().expect("utf-8")),
        "the log names where the cluster really is:\n{log}"
    );
    let pid = postmaster_pid(&dir).expect("postmaster.pid through the link");
    let mut conn = PgConnection::connect(&url).await.expect("connects");
    sqlx::query("create table marker ()")
        .execute(&mut conn)
        .await
        .expect("create");
    conn.close().await.expect("close");

    // The same clone finds the same cluster again.
    let (again, _) = db_up(&checkout, ".orderpane");
    assert_eq!(again, url);
    assert_eq!(
        postmaster_pid(&dir),
        Some(pid),
        "the running cluster was reused"
    );
    assert!(has_marker_table(&url).await);

    // `db down` finds it too.
    db_down(&checkout, ".orderpane");
    assert!(
        wait_until(Duration::from_secs(15), || !alive(pid)),
        "postgres {pid} still running after db down"
    );

    // Stopped, it starts again with its data (reached by the absolute path this time)...
    let (url, _) = db_up(Path::new("/"), dir.to_str().expect("utf-8"));
    assert!(has_marker_table(&url).await, "the data survived a restart");
    db_down(Path::new("/"), dir.to_str().expect("utf-8"));

    // ...and deleting the folder still starts afresh, as the README promises (and as
    // scripts/test.sh relies on for the browser tests).
    std::fs::remove_dir_all(&dir).expect("delete the folder");
    let (url, _) = db_up(&checkout, ".orderpane");
    assert!(
        !has_marker_table(&url).await,
        "a deleted folder gives a fresh cluster"
    );
    let pid = postmaster_pid(&dir).expect("running");
    db_down(&checkout, ".orderpane");
    assert!(wait_until(Duration::from_secs(15), || !alive(pid)));

    let _ = std::fs::remove_dir_all(cluster_home);
    let _ = std::fs::remove_dir_all(&home);
}

#[test]
fn as_root_make_run_in_a_clone_the_postgres_user_cannot_enter_serves_and_stops_its_cluster() {
    if let Some(reason) = needs_root() {
        eprintln!("skipped: {reason}");
        return;
    }
    let checkout = checkout_in_a_closed_home("edb-closed-home-serve");
    let dir = checkout.join(".orderpane");
    let port = common::free_port();
    let log_path = checkout.with_file_name("server.log");
    let log = std::fs::File::create(&log_path).expect("log file");
    // `make run`: the server from inside the clone, with the default relative data folder.
    let mut server = spawn_server(Path::new(".orderpane"), port, &checkout, log.into());
    let ready = wait_until(Duration::from_secs(60), || {
        common::http_status(port, "/readyz") == Some(200)
    });
    if !ready {
        let _ = server.kill();
        let _ = server.wait();
        panic!(
            "the server did not become ready on its embedded database:\n{}",
            std::fs::read_to_string(&log_path).unwrap_or_default()
        );
    }
    let pid = postmaster_pid(&dir).expect("postgres running");
    let cluster = std::fs::read_link(dir.join("pgdata")).expect("pgdata links to the cluster");

    let _ = Command::new("kill")
        .arg("-TERM")
        .arg(server.id().to_string())
        .status();
    server.wait().expect("server exits");
    assert!(
        wait_until(Duration::from_secs(15), || !alive(pid)),
        "postgres {pid} outlived the server"
    );

    let _ = std::fs::remove_dir_all(cluster.parent().expect("cluster home"));
    let _ = std::fs::remove_dir_all(checkout.parent().expect("home"));
}
