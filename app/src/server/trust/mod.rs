//! Who may see a customer's data: the install key in the registered URL, and the
//! short-lived signed sessions and push tickets that a page is given in exchange.
//!
//! No host signs the context it posts (HOSTS.md §3), so every server function starts with
//! [`Trust::authorize`]: the one place a request is checked.

use std::{collections::HashMap, sync::Arc, time::Duration};

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::install::{check_all, Install};
use super::secret::{random_id, Secret};
use crate::model::live::Watch;
use crate::model::session::PageMeta;

/// Per-session call limits.
pub mod rate_limit;

use rate_limit::SessionLimiter;
pub use rate_limit::{SESSION_BURST, SESSION_CALLS_PER_SECOND};

/// How long one session token lasts. Chatwoot reloads the app for every conversation, so
/// most sessions are much shorter; the page renews its token before this runs out.
pub const SESSION_TTL: Duration = Duration::from_secs(30 * 60);

/// How long a session lasts at most, however often it is renewed (the default of the
/// `ORDERPANE_SESSION_MAX_AGE_HOURS` setting): a panel left open past it must be reloaded
/// from the registered URL, so a leaked token is not good forever.
pub const SESSION_MAX_AGE: Duration = Duration::from_secs(12 * 60 * 60);

/// The shortest session key accepted.
pub const MIN_SESSION_KEY_CHARS: usize = 32;

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

impl PageSession {
    /// What the page is told about its session (its `<meta>` tags).
    pub fn meta(&self) -> PageMeta {
        PageMeta {
            install: self.install.name.clone(),
            host: self.install.kind,
            host_origin: self.install.host_origin.clone(),
            token: self.token.clone(),
            customer_field: self.install.customer_field.clone(),
            order_field: self.install.order_field.clone(),
        }
    }
}

/// A verified session.
#[derive(Debug, Clone)]
pub struct Session {
    /// The install the session belongs to.
    pub install: Arc<Install>,
    /// A random id for this session, for rate limits and the audit log.
    pub id: String,
    /// When the session began (seconds since the epoch): renewing keeps it.
    started: u64,
}

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    /// The install name; also the audience, so a token only verifies for its own install.
    aud: String,
    /// The session id.
    sid: String,
    iat: u64,
    exp: u64,
    /// When the session began; its tokens are refused after the session's maximum age.
    /// (Tokens minted before this claim existed count from their own `iat`.)
    #[serde(default)]
    started: Option<u64>,
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
    session_max_age: Duration,
    per_session: SessionLimiter,
}

impl std::fmt::Debug for Trust {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Trust")
            .field("installs", &self.installs.values().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl Trust {
    /// A registry over `installs` (checked with [`check_all`]), signing sessions with
    /// `session_key`.
    pub fn new(mut installs: Vec<Install>, session_key: Secret) -> Result<Self, String> {
        check_all(&mut installs)?;
        if session_key.expose().chars().count() < MIN_SESSION_KEY_CHARS {
            return Err(format!(
                "the session key must be at least {MIN_SESSION_KEY_CHARS} characters"
            ));
        }
        let installs = installs
            .into_iter()
            .map(|install| (install.name.clone(), Arc::new(install)))
            .collect();
        Ok(Self {
            installs,
            session_key,
            session_ttl: SESSION_TTL,
            session_max_age: SESSION_MAX_AGE,
            per_session: SessionLimiter::new(rate_limit::PRUNE_EVERY),
        })
    }

    /// The same registry with another token lifetime (tests use a short one).
    pub fn with_session_ttl(mut self, ttl: Duration) -> Self {
        self.session_ttl = ttl;
        self
    }

    /// The same registry with another maximum session age (the setting).
    pub fn with_session_max_age(mut self, max_age: Duration) -> Self {
        self.session_max_age = max_age;
        self
    }

    /// The same registry pruning idle sessions' rate limits this often (tests).
    pub fn with_limiter_pruned_every(mut self, every: Duration) -> Self {
        self.per_session = SessionLimiter::new(every);
        self
    }

    /// How many sessions the rate limiter remembers (bounded: idle ones are forgotten).
    pub fn limited_sessions(&self) -> usize {
        self.per_session.tracked()
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
        let now = jsonwebtoken::get_current_timestamp();
        let token = self
            .mint(install, &random_id(), now)
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
        let started = claims.started.unwrap_or(claims.iat);
        if self.past_max_age(started) {
            return Err(TrustError::BadSession);
        }
        self.count_call(&claims.sid)?;
        Ok(Session {
            install: install.clone(),
            id: claims.sid,
            started,
        })
    }

    /// A fresh token for a valid session (the page renews before expiry), never valid past
    /// the session's maximum age.
    pub fn renew(&self, session: &Session) -> Result<String, TrustError> {
        if self.past_max_age(session.started) {
            return Err(TrustError::BadSession);
        }
        self.mint(&session.install, &session.id, session.started)
            .map_err(|_| TrustError::BadSession)
    }

    /// A ticket for the session's push connection, valid as long as a session token.
    pub fn watch_ticket(&self, session: &Session, watch: Watch) -> Result<String, TrustError> {
        let claims = WatchClaims {
            aud: live_audience(&session.install),
            sid: session.id.clone(),
            exp: self.expiry(session.started),
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

    /// True when a session that began at `started` is older than the maximum age.
    fn past_max_age(&self, started: u64) -> bool {
        jsonwebtoken::get_current_timestamp()
            >= started.saturating_add(self.session_max_age.as_secs())
    }

    /// When a token minted now for a session that began at `started` expires: a token's
    /// lifetime, cut short by the session's maximum age.
    fn expiry(&self, started: u64) -> u64 {
        let now = jsonwebtoken::get_current_timestamp();
        (now + self.session_ttl.as_secs())
            .min(started.saturating_add(self.session_max_age.as_secs()))
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
        match self.per_session.allow(session_id) {
            true => Ok(()),
            false => Err(TrustError::TooManyRequests),
        }
    }

    fn mint(
        &self,
        install: &Install,
        session_id: &str,
        started: u64,
    ) -> jsonwebtoken::errors::Result<String> {
        let claims = Claims {
            aud: install.name.clone(),
            sid: session_id.to_owned(),
            iat: jsonwebtoken::get_current_timestamp(),
            exp: self.expiry(started),
            started: Some(started),
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

#[cfg(test)]
mod tests;
