//! Lime Connect's JWTs: the add-on asks the host for one (`generate_jwt_token`) and the
//! server checks it before any lookup, so the operator is who the host says, not who the
//! browser says.

use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use orderpane::host::Agent;
use serde::Deserialize;
use serde_json::Value;

use crate::trust::Install;

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

impl HostJwt {
    /// The checker configured on `install`: an HS256 secret, or a PEM public key (RSA keys
    /// check RS256, EC keys ES256); `None` when neither is set or the key is unusable.
    pub fn for_install(install: &Install) -> Option<Self> {
        let (key, algorithm) = if let Some(pem) = &install.jwt_public_key {
            let pem = pem.as_bytes();
            match DecodingKey::from_rsa_pem(pem) {
                Ok(key) => (key, Algorithm::RS256),
                Err(_) => (DecodingKey::from_ec_pem(pem).ok()?, Algorithm::ES256),
            }
        } else {
            let secret = install.jwt_secret.as_ref()?;
            (
                DecodingKey::from_secret(secret.expose().as_bytes()),
                Algorithm::HS256,
            )
        };
        // Only the configured algorithm: a token cannot pick a weaker one (or `none`).
        let mut validation = Validation::new(algorithm);
        validation.leeway = 30;
        validation.set_required_spec_claims(&["exp"]);
        match &install.jwt_issuer {
            Some(issuer) => validation.set_issuer(&[issuer]),
            None => validation.iss = None,
        }
        match &install.jwt_audience {
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
