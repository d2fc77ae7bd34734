//! The production artifact of `make dist`, as an operator gets it: unpacked into an empty
//! folder, started with only a database and an installs file, it serves the page and the
//! precompressed wasm, and it has no development extras.
//!
//! `scripts/test.sh` builds the artifact before the tests and sets `ORDERPANE_DIST_REQUIRED`,
//! so there its absence fails; a plain `cargo test` without one skips this test, saying so.

mod common;
mod running;

use std::{
    path::{Path, PathBuf},
    process::Command,
};

use running::{client, Start};
use sqlx::PgPool;

/// The newest `dist/orderpane-*.tar.gz` of the workspace.
fn artifact() -> Option<PathBuf> {
    let dist = Path::new(env!("CARGO_MANIFEST_DIR")).join("../dist");
    let mut found: Vec<PathBuf> = std::fs::read_dir(dist)
        .ok()?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| {
            path.file_name()
                .and_then(|name| name.to_str())
                .is_some_and(|name| name.starts_with("orderpane-") && name.ends_with(".tar.gz"))
        })
        .collect();
    found.sort_by_key(|path| std::fs::metadata(path).and_then(|m| m.modified()).ok());
    found.pop()
}

/// Unpacks `archive` into a fresh empty folder and returns the folder it holds.
fn unpack(archive: &Path) -> PathBuf {
    let into = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("dist-unpacked");
    let _ = std::fs::remove_dir_all(&into);
    std::fs::create_dir_all(&into).expect("empty folder");
    let status = Command::new("tar")
        .arg("-xzf")
        .arg(archive)
        .arg("-C")
        .arg(&into)
        .status()
        .expect("tar runs");
    assert!(status.success(), "the archive unpacks");
    let mut top = std::fs::read_dir(&into).expect("unpacked");
    let folder = top.next().expect("one folder").expect("entry").path();
    assert!(top.next().is_none(), "the archive holds one folder");
    folder
}

#[sqlx::test(migrations = false)]
async fn the_release_archive_serves_the_page_and_the_wasm_without_development_extras(pool: PgPool) {
    let Some(archive) = artifact() else {
        assert!(
            std::env::var_os("ORDERPANE_DIST_REQUIRED").is_none(),
            "no dist/orderpane-*.tar.gz: `make dist` should have built it"
        );
        eprintln!("SKIPPED: no dist/orderpane-*.tar.gz; run `make dist` first to test it");
        return;
    };
    let folder = unpack(&archive);
    let name = folder.file_name().and_then(|n| n.to_str()).expect("name");
    assert!(
        name.starts_with(&format!("orderpane-{}-", env!("CARGO_PKG_VERSION"))),
        "{name}"
    );
    for file in [
        "server",
        "hash.txt",
        "site/pkg",
        "deploy/orderpane.service",
        "deploy/orderpane.env.example",
        "deploy/installs.toml.example",
    ] {
        assert!(folder.join(file).exists(), "the archive holds {file}");
    }
    // The unit and the env example agree on where things are.
    let unit = std::fs::read_to_string(folder.join("deploy/orderpane.service")).expect("unit");
    assert!(
        unit.contains("ExecStart=/opt/orderpane/server serve"),
        "{unit}"
    );
    let env = std::fs::read_to_string(folder.join("deploy/orderpane.env.example")).expect("env");
    assert!(
        env.contains("LEPTOS_SITE_ROOT=/opt/orderpane/site"),
        "{env}"
    );

    common::migrate(&pool).await;
    let database_url = common::database_url_of(&common::test_database(&pool));
    let binary = folder.join("server");

    // No development extras: asking for the demo store is refused, by name.
    let refused = Command::new(&binary)
        .env("DATABASE_URL", &database_url)
        .env("ORDERPANE_DEMO_DATA", "true")
        .current_dir(&folder)
        .output()
        .expect("runs");
    assert!(!refused.status.success());
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(said.contains("lacks the development extras"), "{said}");

    let mut start = Start::on(&common::test_database(&pool), "dist")
        .with("LEPTOS_SITE_ROOT", "site")
        .with("ORDERPANE_LOG_FORMAT", "json");
    start.binary = binary;
    start.database_url = database_url;
    start.cwd = Some(folder.clone());
    let server = start.start().await;

    let client = client();
    let page = client
        .get(server.url(&common::page_url()))
        .send()
        .await
        .expect("the page answers");
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("page");
    // The page names the hashed wasm; fetch it as a browser would.
    let wasm_path = html
        .match_indices("/pkg/")
        .filter_map(|(at, _)| html[at..].split(['"', '\'', ' ']).next())
        .find(|path| path.ends_with(".wasm"))
        .unwrap_or_else(|| panic!("the page names its wasm: {html}"));
    assert_ne!(
        wasm_path, "/pkg/orderpane.wasm",
        "hashed names (hash.txt was read)"
    );
    let wasm = client
        .get(server.url(wasm_path))
        .header("accept-encoding", "br")
        .send()
        .await
        .expect("the wasm answers");
    assert_eq!(wasm.status(), 200, "{wasm_path}");
    assert_eq!(wasm.headers()["content-type"], "application/wasm");
    assert_eq!(
        wasm.headers()["content-encoding"],
        "br",
        "the precompressed copy is served"
    );
    assert!(wasm.bytes().await.expect("body").len() > 10_000);
}
