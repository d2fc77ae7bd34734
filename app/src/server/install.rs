//! Registered helpdesk installs: their settings, and the one check of them all that runs
//! before the server starts serving.

use std::{collections::HashSet, time::Duration};

use orderpane::host::HostKind;
use serde::Deserialize;

use super::helpdesk::{
    api::HostApi,
    jwt::{HostJwt, JwtSettings},
};
use super::secret::Secret;

/// The shortest install secret accepted (it is all that stands between the web and the panel).
pub const MIN_INSTALL_SECRET_CHARS: usize = 16;

/// A registered helpdesk: one Chatwoot account, one Lime Connect account, …
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Install {
    /// The install's name, as it appears in the registered URL (`?install=NAME`).
    pub name: String,
    /// Which product it is.
    pub kind: HostKind,
    /// The helpdesk's origin, e.g. `https://app.chatwoot.com`: the only origin allowed to frame
    /// the app for this install.
    pub host_origin: String,
    /// The install secret carried by the registered URL (`&key=SECRET`).
    #[serde(default)]
    pub secret: Secret,
    /// Or: the environment variable that holds the secret (keeps it out of the file).
    #[serde(default)]
    pub secret_env: Option<String>,
    /// Chatwoot family: the helpdesk's base URL for its REST API (e.g.
    /// `https://app.chatwoot.com`). With `account_id` and an API token, the server reads the
    /// conversation's contact from the helpdesk instead of believing the browser.
    #[serde(default)]
    pub api_url: Option<String>,
    /// Chatwoot family: the account the install belongs to.
    #[serde(default)]
    pub account_id: Option<i64>,
    /// Chatwoot family: an administrator's API access token.
    #[serde(default)]
    pub api_token: Option<Secret>,
    /// Or: the environment variable that holds the API token.
    #[serde(default)]
    pub api_token_env: Option<String>,
    /// Lime Connect: the HS256 secret that signs the host's JWTs (`generate_jwt_token`).
    #[serde(default)]
    pub jwt_secret: Option<Secret>,
    /// Or: the environment variable that holds that secret.
    #[serde(default)]
    pub jwt_secret_env: Option<String>,
    /// Lime Connect: or a PEM public key (RSA or EC) that checks RS256/ES256 tokens.
    #[serde(default)]
    pub jwt_public_key: Option<String>,
    /// Lime Connect: the `iss` the tokens must carry, when set.
    #[serde(default)]
    pub jwt_issuer: Option<String>,
    /// Lime Connect: the `aud` the tokens must carry, when set.
    #[serde(default)]
    pub jwt_audience: Option<String>,
    /// The contact custom attribute (Chatwoot family) or contact custom field id (Lime
    /// Connect) that holds the store's customer reference. Read as the contact's external
    /// id; on Lime Connect, written when an agent confirms which customer a contact is.
    #[serde(default)]
    pub customer_field: Option<String>,
    /// Lime Connect: the conversation custom field id that records the order being
    /// discussed ("Mark as discussed" on an order).
    #[serde(default)]
    pub order_field: Option<String>,
    /// The country whose national phone numbers contacts write ("DE", "GB", "US", …): a
    /// contact's "0221 1234567" is then read as that country's number (E.164) and matched.
    /// Without it only international numbers ("+49 …", "0049 …") are matched.
    #[serde(default)]
    pub phone_region: Option<String>,
    /// Chatwoot family: the real-time socket, e.g. `wss://app.chatwoot.com/cable`. With
    /// `account_id`, `cable_user_id` and a pubsub token, the server listens to the account's
    /// events and pushes the ones that matter to open panels.
    #[serde(default)]
    pub cable_url: Option<String>,
    /// Chatwoot family: the user whose `pubsub_token` the socket uses (`GET /api/v1/profile`).
    #[serde(default)]
    pub cable_user_id: Option<i64>,
    /// Chatwoot family: that user's `pubsub_token`.
    #[serde(default)]
    pub cable_pubsub_token: Option<Secret>,
    /// Or: the environment variable that holds the pubsub token.
    #[serde(default)]
    pub cable_pubsub_token_env: Option<String>,
    /// Seconds between `update_presence` messages on the socket (default 30).
    #[serde(default)]
    pub cable_presence_secs: Option<u64>,
}

impl Install {
    /// A Chatwoot-family install with only the required settings.
    pub fn new(name: &str, kind: HostKind, host_origin: &str, secret: Secret) -> Self {
        Self {
            name: name.into(),
            kind,
            host_origin: host_origin.into(),
            secret,
            secret_env: None,
            api_url: None,
            account_id: None,
            api_token: None,
            api_token_env: None,
            jwt_secret: None,
            jwt_secret_env: None,
            jwt_public_key: None,
            jwt_issuer: None,
            jwt_audience: None,
            customer_field: None,
            order_field: None,
            phone_region: None,
            cable_url: None,
            cable_user_id: None,
            cable_pubsub_token: None,
            cable_pubsub_token_env: None,
            cable_presence_secs: None,
        }
    }

    /// The checker of the host's JWTs, when this is a Lime Connect install with a usable key.
    pub fn host_jwt(&self) -> Option<HostJwt> {
        if self.kind != HostKind::Lime {
            return None;
        }
        HostJwt::new(&JwtSettings {
            public_key_pem: self.jwt_public_key.as_deref(),
            secret: self.jwt_secret.as_ref(),
            issuer: self.jwt_issuer.as_deref(),
            audience: self.jwt_audience.as_deref(),
        })
    }

    /// The helpdesk API this install verifies contexts with: `None` when none is set up.
    /// A partial setting never reaches here: [`check_all`] refuses it at start-up.
    pub fn host_api(&self) -> Option<HostApi> {
        if self.kind == HostKind::Lime {
            return None;
        }
        Some(HostApi::new(
            self.api_url.as_deref()?,
            self.account_id?,
            self.api_token.clone()?,
        ))
    }
}

/// Where a Chatwoot-family install's real-time socket is and whose token it uses.
#[derive(Debug, Clone)]
pub struct CableSettings {
    /// `wss://…/cable`.
    pub url: String,
    /// The account whose events to hear.
    pub account_id: i64,
    /// The user the pubsub token belongs to.
    pub user_id: i64,
    /// That user's pubsub token.
    pub pubsub_token: Secret,
    /// Time between `update_presence` messages.
    pub presence_interval: Duration,
}

impl Install {
    /// The install's real-time socket, when it is a Chatwoot-family install with all of
    /// `cable_url` (ws:// or wss://), `account_id`, `cable_user_id` and a pubsub token.
    pub fn cable(&self) -> Option<CableSettings> {
        let url = self.cable_url.as_deref()?;
        let usable =
            self.kind != HostKind::Lime && (url.starts_with("wss://") || url.starts_with("ws://"));
        if !usable {
            return None;
        }
        Some(CableSettings {
            url: url.to_owned(),
            account_id: self.account_id?,
            user_id: self.cable_user_id?,
            pubsub_token: self.cable_pubsub_token.clone()?,
            presence_interval: Duration::from_secs(self.cable_presence_secs.unwrap_or(30).max(1)),
        })
    }
}

impl std::fmt::Debug for Install {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Install")
            .field("name", &self.name)
            .field("kind", &self.kind)
            .field("host_origin", &self.host_origin)
            .field("api_url", &self.api_url)
            .field("account_id", &self.account_id)
            .finish_non_exhaustive()
    }
}

/// Checks every install before the server starts: names, origins, secrets, and settings that
/// only work together. Each problem names the install and the setting, so that an admin
/// never finds out from an agent that a half-configured check was silently skipped.
///
/// Normalises what it accepts: a trailing `/` on `host_origin` is dropped.
pub fn check_all(installs: &mut [Install]) -> Result<(), String> {
    let mut names = HashSet::new();
    for install in installs.iter_mut() {
        check(install)?;
        if !names.insert(install.name.clone()) {
            return Err(format!("install {:?} is registered twice", install.name));
        }
    }
    Ok(())
}

/// Checks one install (see [`check_all`]).
fn check(install: &mut Install) -> Result<(), String> {
    let name = install.name.clone();
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(format!(
            "install name {name:?} may only use letters, digits, '-' and '_'"
        ));
    }
    if install.secret.expose().chars().count() < MIN_INSTALL_SECRET_CHARS {
        return Err(format!(
            "install {name:?}: its secret must be at least {MIN_INSTALL_SECRET_CHARS} characters"
        ));
    }
    let origin = install.host_origin.trim_end_matches('/');
    let valid_origin = (origin.starts_with("https://") || origin.starts_with("http://"))
        && !origin[origin.find("//").map_or(0, |i| i + 2)..].contains('/')
        && !origin
            .chars()
            .any(|c| c.is_whitespace() || c == ';' || c == ',');
    if !valid_origin {
        return Err(format!(
            "install {name:?}: host_origin {:?} must be an origin like https://app.chatwoot.com",
            install.host_origin
        ));
    }
    install.host_origin = origin.to_owned();
    if let Some(region) = &install.phone_region {
        if !super::phone::is_known_region(region) {
            return Err(format!(
                "install {name:?}: phone_region {region:?} is not a country code such as \"DE\""
            ));
        }
    }
    check_helpdesk_api(install)?;
    if install.cable_url.is_some() && install.cable().is_none() {
        return Err(format!(
            "install {name:?}: a socket (cable_url) needs a Chatwoot-family kind, account_id, \
             cable_user_id and a pubsub token, and a ws:// or wss:// URL"
        ));
    }
    let has_jwt_key = install.jwt_public_key.is_some() || install.jwt_secret.is_some();
    if has_jwt_key && install.host_jwt().is_none() {
        return Err(format!(
            "install {name:?}: the JWT key is not a usable secret or PEM public key \
             (only Lime Connect installs verify JWTs)"
        ));
    }
    Ok(())
}

/// The helpdesk API is all or nothing: with `api_url` set, the server must verify every
/// context, so a missing account or token is an error, never a silent fall-back to trusting
/// the browser.
fn check_helpdesk_api(install: &Install) -> Result<(), String> {
    let name = &install.name;
    let token = install.api_token.is_some() || install.api_token_env.is_some();
    if install.kind == HostKind::Lime {
        if install.api_url.is_some() || token {
            return Err(format!(
                "install {name:?}: api_url and api_token are for Chatwoot-family installs; \
                 Lime Connect installs verify agents with jwt_secret or jwt_public_key"
            ));
        }
        return Ok(());
    }
    if install.api_url.is_none() {
        if token {
            return Err(format!(
                "install {name:?}: api_token is set but api_url is missing, so the contact \
                 would not be verified; set api_url (e.g. https://app.chatwoot.com)"
            ));
        }
        return Ok(());
    }
    let mut missing = Vec::new();
    if install.account_id.is_none() {
        missing.push("account_id");
    }
    if install.api_token.is_none() {
        missing.push(if install.api_token_env.is_some() {
            "api_token (its api_token_env variable is empty or unset)"
        } else {
            "api_token (or api_token_env)"
        });
    }
    if !missing.is_empty() {
        return Err(format!(
            "install {name:?}: api_url is set, so Orderpane verifies every conversation with \
             the helpdesk, but {} is missing; set it, or remove api_url to trust the browser",
            missing.join(" and ")
        ));
    }
    let url = install.api_url.as_deref().unwrap_or_default();
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        return Err(format!(
            "install {name:?}: api_url {url:?} must start with https:// or http://"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chatwoot() -> Install {
        Install::new(
            "acme",
            HostKind::Chatwoot,
            "https://app.chatwoot.com/",
            Secret::new("0123456789abcdef"),
        )
    }

    #[test]
    fn a_complete_install_passes_and_its_origin_is_normalised() {
        let mut installs = [chatwoot()];
        check_all(&mut installs).expect("valid");
        assert_eq!(installs[0].host_origin, "https://app.chatwoot.com");
    }

    #[test]
    fn a_partial_helpdesk_api_setting_names_the_install_and_what_is_missing() {
        let mut no_account = chatwoot();
        no_account.api_url = Some("https://app.chatwoot.com".into());
        no_account.api_token = Some(Secret::new("token"));
        let error = check_all(&mut [no_account]).unwrap_err();
        assert!(
            error.contains("\"acme\"") && error.contains("account_id"),
            "{error}"
        );

        let mut no_token = chatwoot();
        no_token.api_url = Some("https://app.chatwoot.com".into());
        no_token.account_id = Some(1);
        let error = check_all(&mut [no_token]).unwrap_err();
        assert!(error.contains("api_token"), "{error}");

        let mut no_url = chatwoot();
        no_url.api_token = Some(Secret::new("token"));
        no_url.account_id = Some(1);
        let error = check_all(&mut [no_url]).unwrap_err();
        assert!(error.contains("api_url is missing"), "{error}");

        let mut complete = chatwoot();
        complete.api_url = Some("https://app.chatwoot.com".into());
        complete.api_token = Some(Secret::new("token"));
        complete.account_id = Some(1);
        check_all(&mut [complete.clone()]).expect("complete");
        assert!(complete.host_api().is_some());
    }

    #[test]
    fn weak_secrets_bad_names_and_duplicates_are_refused() {
        let mut short = chatwoot();
        short.secret = Secret::new("short");
        assert!(check_all(&mut [short]).unwrap_err().contains("at least 16"));
        let mut spaced = chatwoot();
        spaced.name = "a b".into();
        assert!(check_all(&mut [spaced]).is_err());
        assert!(check_all(&mut [chatwoot(), chatwoot()])
            .unwrap_err()
            .contains("twice"));
    }
}
