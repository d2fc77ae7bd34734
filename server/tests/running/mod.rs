//! The real server binary as a separate process, for tests of what only a process shows:
//! its logs, its signals, several servers on one database, the production artifact.
//!
//! Each server gets the `test` install of `common`, a fixed session key (so that servers
//! started with it accept each other's sessions), a free port, and its standard error in a
//! file the test can read. Dropping a [`Server`] kills it.

#![allow(dead_code)] // each test file uses a different subset

use std::{
    net::SocketAddr,
    path::PathBuf,
    process::{Child, Command, ExitStatus, Stdio},
    time::{Duration, Instant},
};

use app::model::session::SessionProof;

/// The session key every server started here signs with.
pub const SESSION_KEY: &str = "a-shared-session-key-for-tests-0123456789";

/// How long a server gets to become ready.
const START_PATIENCE: Duration = Duration::from_secs(60);

/// A running server process.
pub struct Server {
    child: Child,
    /// The app's port on 127.0.0.1.
    pub port: u16,
    /// The file that receives its standard error (its logs).
    pub log: PathBuf,
}

/// What to start.
pub struct Start<'a> {
    /// The binary (the one cargo built for this test, or an unpacked release).
    pub binary: PathBuf,
    /// `DATABASE_URL`.
    pub database_url: String,
    /// Names the log and installs files (unique per test).
    pub name: &'a str,
    /// More settings, as environment variables.
    pub settings: Vec<(&'a str, String)>,
    /// Extra lines for the `test` install in the installs file.
    pub install_extra: &'a str,
    /// The working folder (the test crate's by default).
    pub cwd: Option<PathBuf>,
}

impl<'a> Start<'a> {
    /// This test build's server on the test database `database`.
    pub fn on(database: &str, name: &'a str) -> Self {
        Self {
            binary: PathBuf::from(env!("CARGO_BIN_EXE_server")),
            database_url: crate::common::database_url_of(database),
            name,
            settings: Vec::new(),
            install_extra: "",
            cwd: None,
        }
    }

    /// Adds a setting.
    pub fn with(mut self, key: &'a str, value: impl Into<String>) -> Self {
        self.settings.push((key, value.into()));
        self
    }

    /// Starts it and waits until `/readyz` answers 200.
    pub async fn start(self) -> Server {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("running");
        std::fs::create_dir_all(&dir).expect("folder for logs");
        let installs = dir.join(format!("{}.installs.toml", self.name));
        std::fs::write(
            &installs,
            format!(
                "[[install]]\nname = \"test\"\nkind = \"chatwoot\"\n\
                 host_origin = \"{}\"\nsecret = \"{}\"\n{}",
                crate::common::HOST_ORIGIN,
                crate::common::KEY,
                self.install_extra
            ),
        )
        .expect("installs file");
        let log = dir.join(format!("{}.log", self.name));
        let port = crate::common::free_port();
        let mut command = Command::new(&self.binary);
        command
            .env("DATABASE_URL", &self.database_url)
            .env("ORDERPANE_INSTALLS", &installs)
            .env("ORDERPANE_SESSION_KEY", SESSION_KEY)
            .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
            .env("RUST_LOG", "info,sqlx=warn")
            .env_remove("ORDERPANE_SIMULATOR_ADDR")
            .env_remove("ORDERPANE_DEMO_DATA")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).expect("log file"));
        if let Some(cwd) = &self.cwd {
            command.current_dir(cwd);
        }
        for (key, value) in &self.settings {
            command.env(key, value);
        }
        let child = command.spawn().expect("the server starts");
        let mut server = Server { child, port, log };
        server.wait_ready().await;
        server
    }
}

impl Server {
    /// `http://127.0.0.1:PORT` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// The app's address.
    pub fn addr(&self) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], self.port))
    }

    /// Everything it has logged so far.
    pub fn logs(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Its process id.
    pub fn pid(&self) -> nix::unistd::Pid {
        nix::unistd::Pid::from_raw(i32::try_from(self.child.id()).expect("pid fits"))
    }

    /// Sends it SIGTERM, as systemd, Docker and Kubernetes stop a service.
    pub fn terminate(&self) {
        nix::sys::signal::kill(self.pid(), nix::sys::signal::Signal::SIGTERM).expect("SIGTERM");
    }

    /// Its exit status, if it has exited.
    pub fn exited(&mut self) -> Option<ExitStatus> {
        self.child.try_wait().expect("status")
    }

    /// Waits up to `patience` for it to exit.
    pub async fn wait_exit(&mut self, patience: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + patience;
        loop {
            if let Some(status) = self.exited() {
                return Some(status);
            }
            if Instant::now() > deadline {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    async fn wait_ready(&mut self) {
        let client = client();
        let deadline = Instant::now() + START_PATIENCE;
        loop {
            if let Ok(response) = client.get(self.url("/readyz")).send().await {
                if response.status() == 200 {
                    return;
                }
            }
            if Instant::now() > deadline || self.exited().is_some() {
                let _ = self.child.kill();
                panic!("the server did not become ready:\n{}", self.logs());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An HTTP client for the tests (no proxy from the environment, short timeouts).
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .connect_timeout(Duration::from_secs(5))
        .build()
        .expect("client")
}

/// Opens the `test` install's page on `server` as the helpdesk's frame would, and returns
/// the session the page carries.
pub async fn page_session(client: &reqwest::Client, server: &Server) -> SessionProof {
    let response = client
        .get(server.url(&crate::common::page_url()))
        .send()
        .await
        .expect("the page answers");
    assert_eq!(response.status(), 200, "the page opens");
    let html = response.text().await.expect("page");
    let marker = r#"<meta name="orderpane-session" content=""#;
    let start = html.find(marker).expect("the page carries a session") + marker.len();
    let end = start + html[start..].find('"').expect("the attribute ends");
    SessionProof {
        install: "test".into(),
        token: html[start..end].to_owned(),
    }
}

/// `POST /api/panel` on `server` for `email`, in `conversation`: the status and the body.
pub async fn panel(
    client: &reqwest::Client,
    server: &Server,
    session: &SessionProof,
    email: &str,
    conversation: &str,
) -> (u16, serde_json::Value) {
    let mut body = crate::common::panel_body(session, serde_json::json!({ "email": email }));
    body["request"]["conversation_id"] = conversation.into();
    let response = client
        .post(server.url("/api/panel"))
        .json(&body)
        .send()
        .await
        .expect("the panel answers");
    let status = response.status().as_u16();
    let text = response.text().await.expect("body");
    (
        status,
        serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text)),
    )
}

/// A push connection (server-sent events) read one event at a time.
pub struct Pushes {
    response: reqwest::Response,
    buffer: String,
}

impl Pushes {
    /// Opens `/api/live` on `server` with a panel's ticket.
    pub async fn open(client: &reqwest::Client, server: &Server, ticket: &str) -> Self {
        let response = client
            .get(server.url(&format!("/api/live?install=test&ticket={ticket}")))
            .send()
            .await
            .expect("the push connection opens");
        assert_eq!(response.status(), 200, "a push connection");
        let mut pushes = Self {
            response,
            buffer: String::new(),
        };
        // The server's first words ("retry" and a comment): the stream is open.
        let first = pushes.response.chunk().await.expect("reads");
        pushes
            .buffer
            .push_str(&String::from_utf8_lossy(&first.expect("the stream opens")));
        pushes
    }

    /// The next named event within `patience` as `Some(Some((name, data)))`; `Some(None)`
    /// when the stream ended; `None` when nothing came in time.
    pub async fn next(&mut self, patience: Duration) -> Option<Option<(String, String)>> {
        tokio::time::timeout(patience, async {
            loop {
                if let Some(event) = crate::common::take_event(&mut self.buffer) {
                    return Some(event);
                }
                match self.response.chunk().await {
                    Ok(Some(bytes)) => self.buffer.push_str(&String::from_utf8_lossy(&bytes)),
                    // The end of the stream, cleanly or not.
                    Ok(None) | Err(_) => return None,
                }
            }
        })
        .await
        .ok()
    }
}
