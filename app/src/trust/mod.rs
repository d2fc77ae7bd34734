//! Who may see a customer's data: registered helpdesk installs, the install key in the
//! registered URL, and the short-lived signed sessions that the page is given in exchange.
//!
//! No host signs the context it posts (HOSTS.md §3), so every server function starts with
//! [`Trust::authorize`]: the one place a request is checked.

use std::{collections::HashMap, num::NonZeroU32, sync::Arc, time::Duration};

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use orderpane::host::HostKind;

use crate::live::Watch;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// How long a page's session lasts. Chatwoot reloads the app for every conversation, so
/// most sessions are much shorter; the page renews its session before this runs out.
pub const SESSION_TTL: Duration = Duration::from_secs(30 * 60);

/// Server-function calls one session may make per second, and in a burst.
pub const SESSION_CALLS_PER_SECOND: u32 = 10;
/// The burst allowance of a session.
pub const SESSION_BURST: u32 = 30;

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

    /// The checker of the host's JWTs, when this is a Lime Connect install with a key.
    pub fn host_jwt(&self) -> Option<crate::host_jwt::HostJwt> {
        if self.kind != HostKind::Lime {
            return None;
        }
        crate::host_jwt::HostJwt::for_install(self)
    }

    /// The helpdesk API this install can verify contexts with, when fully configured.
    pub fn host_api(&self) -> Option<crate::host_api::HostApi> {
        if self.kind == HostKind::Lime {
            return None;
        }
        Some(crate::host_api::HostApi::new(
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

/// A secret string that never shows in `Debug` output or logs.
#[derive(Clone, Default, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself, for comparing and signing only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(…)")
    }
}

/// Why a request was refused, phrased for the agent who sees it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TrustError {
    /// The page URL has no install or key, or they do not match a registered install.
    #[error("This Orderpane link is missing its install key or the key is wrong. Ask your helpdesk admin to register Orderpane with the URL from its README.")]
    BadInstallKey,
    /// No session, a forged or expired one, or one of another install.
    #[error("Your Orderpane session has expired or is not valid here. Reopen the conversation to start a new one.")]
    BadSession,
    /// Too many calls from this session.
    #[error("Too many requests from this panel. Wait a few seconds and try again.")]
    TooManyRequests,
}

/// What a page load is given after its install key checked out.
#[derive(Debug, Clone)]
pub struct PageSession {
    /// The install the page was opened for.
    pub install: Arc<Install>,
    /// The signed session token the page sends with every server-function call.
    pub token: String,
}

/// A verified session.
#[derive(Debug, Clone)]
pub struct Session {
    /// The install the session belongs to.
    pub install: Arc<Install>,
    /// A random id for this session, for rate limits and the audit log.
    pub id: String,
}

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    /// The install name; also the audience, so a token only verifies for its own install.
    aud: String,
    /// The session id.
    sid: String,
    iat: u64,
    exp: u64,
}

/// A push connection's ticket: what it may hear, for one session of one install.
#[derive(Debug, Serialize, Deserialize)]
struct WatchClaims {
    /// `<install>#live`, so a ticket is never taken for a session token or the reverse.
    aud: String,
    sid: String,
    exp: u64,
    watch: Watch,
}

/// The audience of an install's push tickets.
fn live_audience(install: &Install) -> String {
    format!("{}#live", install.name)
}

/// The registry of installs and the keys that sign their sessions.
pub struct Trust {
    installs: HashMap<String, Arc<Install>>,
    session_key: Secret,
    session_ttl: Duration,
    per_session: DefaultKeyedRateLimiter<String>,
}

impl std::fmt::Debug for Trust {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Trust")
            .field("installs", &self.installs.values().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl Trust {
    /// A registry over `installs`, signing sessions with `session_key`.
    ///
    /// Fails on an install without a secret, a short secret, or a repeated name.
    pub fn new(installs: Vec<Install>, session_key: Secret) -> Result<Self, String> {
        let mut by_name = HashMap::new();
        for install in installs {
            if install.secret.expose().len() < 16 {
                return Err(format!(
                    "install {:?}: its secret must be at least 16 characters",
                    install.name
                ));
            }
            let name = install.name.clone();
            if by_name.insert(name.clone(), Arc::new(install)).is_some() {
                return Err(format!("install {name:?} is registered twice"));
            }
        }
        if session_key.expose().len() < 32 {
            return Err("the session key must be at least 32 characters".into());
        }
        let quota =
            Quota::per_second(NonZeroU32::new(SESSION_CALLS_PER_SECOND).unwrap_or(NonZeroU32::MIN))
                .allow_burst(NonZeroU32::new(SESSION_BURST).unwrap_or(NonZeroU32::MIN));
        Ok(Self {
            installs: by_name,
            session_key,
            session_ttl: SESSION_TTL,
            per_session: RateLimiter::keyed(quota),
        })
    }

    /// The same registry with another session lifetime (tests use a short one).
    pub fn with_session_ttl(mut self, ttl: Duration) -> Self {
        self.session_ttl = ttl;
        self
    }

    /// The install called `name`.
    pub fn install(&self, name: &str) -> Option<&Arc<Install>> {
        self.installs.get(name)
    }

    /// Every registered install.
    pub fn installs(&self) -> impl Iterator<Item = &Arc<Install>> {
        self.installs.values()
    }

    /// Every install's host origin, for the policy of responses that belong to no install.
    pub fn host_origins(&self) -> Vec<String> {
        let mut origins: Vec<String> = self
            .installs
            .values()
            .map(|i| i.host_origin.clone())
            .collect();
        origins.sort();
        origins.dedup();
        origins
    }

    /// Checks the install name and key of a page URL (the key in constant time) and gives
    /// the page a fresh session.
    pub fn open_page(
        &self,
        install: Option<&str>,
        key: Option<&str>,
    ) -> Result<PageSession, TrustError> {
        let (Some(name), Some(key)) = (install, key) else {
            return Err(TrustError::BadInstallKey);
        };
        let Some(install) = self.installs.get(name) else {
            return Err(TrustError::BadInstallKey);
        };
        let matches: bool = install
            .secret
            .expose()
            .as_bytes()
            .ct_eq(key.as_bytes())
            .into();
        if !matches {
            return Err(TrustError::BadInstallKey);
        }
        let token = self
            .mint(install, &random_id())
            .map_err(|_| TrustError::BadSession)?;
        Ok(PageSession {
            install: install.clone(),
            token,
        })
    }

    /// Verifies a session token presented for `install_name` and counts the call against the
    /// session's rate limit.
    pub fn authorize(&self, install_name: &str, token: &str) -> Result<Session, TrustError> {
        let install = self
            .installs
            .get(install_name)
            .ok_or(TrustError::BadSession)?;
        let claims: Claims = self.decode(install, &install.name, token)?;
        self.count_call(&claims.sid)?;
        Ok(Session {
            install: install.clone(),
            id: claims.sid,
        })
    }

    /// A fresh token for a valid session (the page renews before expiry).
    pub fn renew(&self, session: &Session) -> Result<String, TrustError> {
        self.mint(&session.install, &session.id)
            .map_err(|_| TrustError::BadSession)
    }

    /// A ticket for the session's push connection, valid as long as a session token.
    pub fn watch_ticket(&self, session: &Session, watch: Watch) -> Result<String, TrustError> {
        let claims = WatchClaims {
            aud: live_audience(&session.install),
            sid: session.id.clone(),
            exp: jsonwebtoken::get_current_timestamp() + self.session_ttl.as_secs(),
            watch,
        };
        jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &EncodingKey::from_secret(&self.signing_key(&session.install)),
        )
        .map_err(|_| TrustError::BadSession)
    }

    /// Verifies a push ticket presented for `install_name` (counted against the session's
    /// rate limit, like a call) and says what it may hear.
    pub fn open_watch(
        &self,
        install_name: &str,
        ticket: &str,
    ) -> Result<(Arc<Install>, Watch), TrustError> {
        let install = self
            .installs
            .get(install_name)
            .ok_or(TrustError::BadSession)?;
        let claims: WatchClaims = self.decode(install, &live_audience(install), ticket)?;
        self.count_call(&claims.sid)?;
        Ok((install.clone(), claims.watch))
    }

    /// What a panel ticket grants, when it was handed to this very session (a ticket is not
    /// a key that another page could borrow).
    pub fn session_watch(&self, session: &Session, ticket: &str) -> Result<Watch, TrustError> {
        let claims: WatchClaims =
            self.decode(&session.install, &live_audience(&session.install), ticket)?;
        if claims.sid != session.id {
            return Err(TrustError::BadSession);
        }
        Ok(claims.watch)
    }

    /// Verifies a token signed with `install`'s key for `audience` (no leeway on expiry).
    fn decode<C: serde::de::DeserializeOwned>(
        &self,
        install: &Install,
        audience: &str,
        token: &str,
    ) -> Result<C, TrustError> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_audience(&[audience]);
        validation.leeway = 0;
        validation.set_required_spec_claims(&["exp", "aud"]);
        jsonwebtoken::decode::<C>(
            token,
            &DecodingKey::from_secret(&self.signing_key(install)),
            &validation,
        )
        .map(|data| data.claims)
        .map_err(|_| TrustError::BadSession)
    }

    /// Counts a call against the session's rate limit.
    fn count_call(&self, session_id: &str) -> Result<(), TrustError> {
        self.per_session
            .check_key(&session_id.to_owned())
            .map_err(|_| TrustError::TooManyRequests)
    }

    fn mint(&self, install: &Install, session_id: &str) -> jsonwebtoken::errors::Result<String> {
        let now = jsonwebtoken::get_current_timestamp();
        let claims = Claims {
            aud: install.name.clone(),
            sid: session_id.to_owned(),
            iat: now,
            exp: now + self.session_ttl.as_secs(),
        };
        jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &EncodingKey::from_secret(&self.signing_key(install)),
        )
    }

    /// Each install's sessions are signed with their own key, derived from the server's
    /// session key and the install secret: rotating an install's secret ends its sessions.
    fn signing_key(&self, install: &Install) -> Vec<u8> {
        let mut hash = Sha256::new();
        hash.update(self.session_key.expose().as_bytes());
        hash.update([0]);
        hash.update(install.name.as_bytes());
        hash.update([0]);
        hash.update(install.secret.expose().as_bytes());
        hash.finalize().to_vec()
    }
}

/// A random id: 128 bits of OS randomness as 32 hex digits.
pub fn random_id() -> String {
    let bytes: [u8; 16] = rand::random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests;
