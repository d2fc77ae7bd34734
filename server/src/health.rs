//! `/healthz` (the process answers) and `/readyz` (the database answers too).

use std::time::Duration;

use axum::{extract::State, http::StatusCode};
use sqlx::PgPool;

/// Answers while the process is up.
pub async fn healthz() -> &'static str {
    "ok"
}

/// 200 when the database answers within a second, else 503.
pub async fn readyz(State(pool): State<PgPool>) -> (StatusCode, &'static str) {
    let ping = sqlx::query_scalar::<_, i32>("select 1").fetch_one(&pool);
    match tokio::time::timeout(Duration::from_secs(1), ping).await {
        Ok(Ok(_)) => (StatusCode::OK, "ready"),
        Ok(Err(error)) => {
            tracing::warn!(%error, "readiness check: database error");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
        Err(_) => {
            tracing::warn!("readiness check: database did not answer within a second");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}
