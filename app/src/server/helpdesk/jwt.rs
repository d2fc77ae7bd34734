//! Lime Connect's JWTs: the add-on asks the host for one (`generate_jwt_token`) and the
//! server checks it before any lookup, so the operator is who the host says, not who the
//! browser says.

use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use orderpane::host::Agent;
use serde::Deserialize;
use serde_json::Value;

use crate::server::secret::Secret;

/// Why a host token was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HostJwtError {
    /// No token came with the request.
    #[error("no token from the helpdesk")]
    Missing,
    /// Bad signature, wrong algorithm, expired, wrong issuer or audience, or malformed.
    #[error("the helpdesk's token is not valid: {0}")]
    Invalid(String),
}

/// Checks one install's host tokens.
#[derive(Clone)]
pub struct HostJwt {
    key: DecodingKey,
    validation: Validation,
}

impl std::fmt::Debug for HostJwt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HostJwt")
            .field("algorithms", &self.validation.algorithms)
            .finish_non_exhaustive()
    }
}

#[derive(Deserialize)]
struct Claims {
    #[serde(default)]
    sub: Option<Value>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    email: Option<String>,
}

/// An install's JWT settings (see `Install`'s `jwt_*` fields).
#[derive(Debug, Clone, Copy)]
pub struct JwtSettings<'a> {
    /// A PEM public key (RSA or EC), when tokens are signed asymmetrically.
    pub public_key_pem: Option<&'a str>,
    /// Else the HS256 secret.
    pub secret: Option<&'a Secret>,
    /// The `iss` tokens must carry, when set.
    pub issuer: Option<&'a str>,
    /// The `aud` tokens must carry, when set.
    pub audience: Option<&'a str>,
}

impl HostJwt {
    /// The checker for `settings`: an HS256 secret, or a PEM public key (RSA keys check
    /// RS256, EC keys ES256); `None` when neither is set or the key is unusable.
    pub fn new(settings: &JwtSettings<'_>) -> Option<Self> {
        let (key, algorithm) = if let Some(pem) = settings.public_key_pem {
            let pem = pem.as_bytes();
            match DecodingKey::from_rsa_pem(pem) {
                Ok(key) => (key, Algorithm::RS256),
                Err(_) => (DecodingKey::from_ec_pem(pem).ok()?, Algorithm::ES256),
            }
        } else {
            let secret = settings.secret?;
            (
                DecodingKey::from_secret(secret.expose().as_bytes()),
                Algorithm::HS256,
            )
        };
        // Only the configured algorithm: a token cannot pick a weaker one (or `none`).
        let mut validation = Validation::new(algorithm);
        validation.leeway = 30;
        validation.set_required_spec_claims(&["exp"]);
        match settings.issuer {
            Some(issuer) => validation.set_issuer(&[issuer]),
            None => validation.iss = None,
        }
        match settings.audience {
            Some(audience) => validation.set_audience(&[audience]),
            None => validation.validate_aud = false,
        }
        Some(Self { key, validation })
    }

    /// Verifies `token` and returns the operator it names.
    pub fn verify(&self, token: Option<&str>) -> Result<Agent, HostJwtError> {
        let token = token
            .filter(|t| !t.is_empty())
            .ok_or(HostJwtError::Missing)?;
        let claims = jsonwebtoken::decode::<Claims>(token, &self.key, &self.validation)
            .map_err(|error| HostJwtError::Invalid(error.to_string()))?
            .claims;
        let id = match claims.sub {
            Some(Value::String(s)) => Some(s),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        Ok(Agent {
            id,
            name: claims.name,
            email: claims.email,
            locale: None,
        })
    }
}
