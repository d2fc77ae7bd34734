//! The embedded development database: created on first use, reused, and stopped with the
//! server however the server ends (including SIGKILL, as `cargo leptos watch` restarts it).
//! These tests run real Postgres programs (as the `postgres` user when run as root).

use std::{
    io::{Read, Write},
    net::TcpStream,
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

/// A free loopback port (a small race with other processes is acceptable in tests).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

fn http_status(port: u16, path: &str) -> Option<u16> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(stream, "GET {path} HTTP/1.0\r\nHost: localhost\r\n\r\n").ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    response.split_whitespace().nth(1)?.parse().ok()
}

fn spawn_server(dir: &Path, port: u16) -> std::process::Child {
    // One install, so that the server starts with or without the `dev` feature: a production
    // build refuses to serve with none.
    let installs = dir.with_extension("installs.toml");
    std::fs::write(
        &installs,
        "[[install]]\nname = \"test\"\nkind = \"chatwoot\"\n\
         host_origin = \"https://helpdesk.example\"\nsecret = \"test-install-key-0123456789\"\n",
    )
    .expect("installs file");
    Command::new(env!("CARGO_BIN_EXE_server"))
        .env_remove("DATABASE_URL")
        .env("ORDERPANE_DATA_DIR", dir)
        .env("ORDERPANE_INSTALLS", &installs)
        .env("ORDERPANE_SIMULATOR_ADDR", "off")
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("server starts")
}

#[test]
fn the_server_without_database_url_runs_its_own_and_it_dies_with_the_server_even_on_sigkill() {
    let dir = fresh_dir("edb-server-kill");
    let port = free_port();
    let mut server = spawn_server(&dir, port);
    assert!(
        wait_until(Duration::from_secs(60), || http_status(port, "/readyz")
            == Some(200)),
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
    let mut again = spawn_server(&dir, port);
    assert!(wait_until(Duration::from_secs(60), || http_status(
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
