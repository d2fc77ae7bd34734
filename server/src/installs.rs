//! The installs file: every helpdesk this Orderpane serves, with its origin and secret.
//!
//! ```toml
//! [[install]]
//! name = "acme-chatwoot"
//! kind = "chatwoot"              # chatwoot | akece | voxys | lime
//! host_origin = "https://app.chatwoot.com"
//! secret_env = "ACME_ORDERPANE_KEY"   # or: secret = "…" (at least 16 characters)
//! ```

use std::path::Path;

use app::server::{
    install::{check_all, Install},
    secret::Secret,
};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct InstallsFile {
    #[serde(default)]
    install: Vec<Install>,
}

/// Reads and checks the installs file; secrets named by `secret_env` are read from the
/// environment.
pub fn load(path: &Path) -> Result<Vec<Install>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|error| format!("reading the installs file {}: {error}", path.display()))?;
    parse(&text, |name| std::env::var(name).ok())
        .map_err(|error| format!("installs file {}: {error}", path.display()))
}

/// Parses installs from TOML; `env` looks up `secret_env` variables.
pub fn parse(text: &str, env: impl Fn(&str) -> Option<String>) -> Result<Vec<Install>, String> {
    let file: InstallsFile = toml::from_str(text).map_err(|error| error.to_string())?;
    let mut installs = file.install;
    for install in &mut installs {
        // Secrets may live in the environment instead of the file.
        let from_env = |variable: &Option<String>| -> Result<Option<Secret>, String> {
            let Some(variable) = variable else {
                return Ok(None);
            };
            env(variable)
                .map(|value| Some(Secret::new(value)))
                .ok_or_else(|| {
                    format!(
                        "install {:?}: environment variable {variable} is not set",
                        install.name
                    )
                })
        };
        if let Some(secret) = from_env(&install.secret_env)? {
            install.secret = secret;
        }
        if let Some(token) = from_env(&install.api_token_env)? {
            install.api_token = Some(token);
        }
        if let Some(secret) = from_env(&install.jwt_secret_env)? {
            install.jwt_secret = Some(secret);
        }
        if let Some(token) = from_env(&install.cable_pubsub_token_env)? {
            install.cable_pubsub_token = Some(token);
        }
    }
    if installs.is_empty() {
        return Err("it lists no [[install]]".into());
    }
    // Every rule about an install's settings lives in one place (the registry applies the
    // same check again); here a problem is reported with the file's name.
    check_all(&mut installs)?;
    Ok(installs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use orderpane::host::HostKind;

    const FILE: &str = r#"
        [[install]]
        name = "acme"
        kind = "chatwoot"
        host_origin = "https://app.chatwoot.com/"
        secret = "0123456789abcdef0123"

        [[install]]
        name = "lime-eu"
        kind = "lime"
        host_origin = "https://app.lime-connect.com"
        secret_env = "LIME_KEY"
    "#;

    #[test]
    fn installs_are_read_with_secrets_from_the_environment() {
        let installs = parse(FILE, |name| {
            (name == "LIME_KEY").then(|| "from-the-environment".into())
        })
        .expect("parses");
        assert_eq!(installs.len(), 2);
        assert_eq!(installs[0].host_origin, "https://app.chatwoot.com");
        assert_eq!(installs[1].kind, HostKind::Lime);
        assert_eq!(installs[1].secret.expose(), "from-the-environment");
    }

    #[test]
    fn lime_jwt_keys_are_read_and_checked() {
        let lime = "[[install]]\nname = \"l\"\nkind = \"lime\"\nhost_origin = \"https://app.lime-connect.com\"\n\
                    secret = \"0123456789abcdef\"\njwt_secret_env = \"JWT\"\njwt_audience = \"orderpane\"\n";
        let installs = parse(lime, |_| Some("jwt-signing-secret".into())).expect("parses");
        assert!(installs[0].host_jwt().is_some());

        let not_lime = lime.replace("\"lime\"", "\"chatwoot\"");
        assert!(parse(&not_lime, |_| Some("x".into()))
            .unwrap_err()
            .contains("only Lime Connect"));

        let bad_pem = lime.replace("jwt_secret_env = \"JWT\"", "jwt_public_key = \"not a pem\"");
        assert!(parse(&bad_pem, |_| None).is_err());
    }

    #[test]
    fn a_missing_secret_variable_is_a_clear_error() {
        let error = parse(FILE, |_| None).unwrap_err();
        assert!(error.contains("LIME_KEY is not set"), "{error}");
    }

    #[test]
    fn bad_origins_names_kinds_and_empty_files_are_refused() {
        let one = |name: &str, kind: &str, origin: &str| {
            format!("[[install]]\nname = {name:?}\nkind = {kind:?}\nhost_origin = {origin:?}\nsecret = \"0123456789abcdef\"\n")
        };
        for text in [
            one("a", "chatwoot", "app.chatwoot.com"),
            one("a", "chatwoot", "https://app.chatwoot.com/path"),
            one("a", "chatwoot", "https://a.example; script-src *"),
            one("a b", "chatwoot", "https://a.example"),
            one("a", "zendesk", "https://a.example"),
            String::new(),
        ] {
            assert!(parse(&text, |_| None).is_err(), "{text}");
        }
    }

    #[test]
    fn phone_regions_and_sockets_are_checked() {
        let chatwoot = "[[install]]\nname = \"a\"\nkind = \"chatwoot\"\n\
                        host_origin = \"https://app.chatwoot.com\"\nsecret = \"0123456789abcdef\"\n";
        let with = |extra: &str| format!("{chatwoot}{extra}");
        let ok = parse(&with("phone_region = \"DE\"\n"), |_| None).expect("parses");
        assert_eq!(ok[0].phone_region.as_deref(), Some("DE"));
        assert!(parse(&with("phone_region = \"Germany\"\n"), |_| None).is_err());

        let socket = "cable_url = \"wss://app.chatwoot.com/cable\"\naccount_id = 3\n\
                      cable_user_id = 9\ncable_pubsub_token_env = \"PUBSUB\"\n";
        let installs = parse(&with(socket), |name| {
            (name == "PUBSUB").then(|| "token-from-env".into())
        })
        .expect("parses");
        let cable = installs[0].cable().expect("a socket");
        assert_eq!(
            (cable.url.as_str(), cable.account_id, cable.user_id),
            ("wss://app.chatwoot.com/cable", 3, 9)
        );
        assert_eq!(cable.pubsub_token.expose(), "token-from-env");
        assert_eq!(cable.presence_interval.as_secs(), 30);
        // Incomplete, or not a WebSocket URL: refused at start, not silently ignored.
        let without_user = socket.replace("cable_user_id = 9\n", "");
        let https = socket.replace("wss://", "https://");
        for text in [with(&without_user), with(&https)] {
            assert!(parse(&text, |_| Some("t".into())).is_err(), "{text}");
        }
    }
}
