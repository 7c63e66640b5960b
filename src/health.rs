//! `GET /health`: the process is up and serving. `GET /ready`: the portal can
//! do its work, because the database answers and PricePlan accepts the
//! portal's credentials.

use std::time::Duration;

use actix_web::{HttpResponse, web};
use serde_json::{Map, Value, json};
use sqlx::SqlitePool;

use crate::priceplan::PricePlanClient;

/// A PricePlan call that failed this recently (and nothing since) makes
/// the portal not ready, even with a Manager session in hand.
const RECENT: Duration = Duration::from_secs(30);

/// How long the database may take to answer `SELECT 1`.
const DATABASE_TIMEOUT: Duration = Duration::from_secs(2);

/// What `/ready` checks.
#[derive(Clone, Copy, Debug)]
pub struct ReadyChecks {
    /// Whether PricePlan must accept the portal's credentials.
    pub priceplan: bool,
}

/// Registers the health and readiness routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/health", web::get().to(health))
        .route("/ready", web::get().to(ready));
}

async fn health() -> HttpResponse {
    HttpResponse::Ok().json(json!({"status": "up"}))
}

/// Answers 200 `{"status": "ready", "checks": {...}}`, or 503 with
/// `"status": "not ready"` and each failed check's kind of failure. It names
/// no URL, login or secret.
///
/// The PricePlan check reuses the Manager session when there is one, and
/// otherwise signs in through the shared single-flight sign-in, so probes
/// add no load while the session lives.
async fn ready(
    db: web::Data<SqlitePool>,
    priceplan: web::Data<PricePlanClient>,
    checks: Option<web::Data<ReadyChecks>>,
) -> HttpResponse {
    let check_priceplan = checks.is_none_or(|checks| checks.priceplan);
    let mut results = Map::new();

    let database = match check_database(&db).await {
        Ok(()) => "ok".to_string(),
        Err(reason) => format!("failed: {reason}"),
    };
    results.insert("database".into(), Value::String(database));

    let priceplan = match check_priceplan {
        false => "skipped".to_string(),
        true => match priceplan.check_credentials().await {
            Ok(()) => match priceplan.stats().recent_outage(RECENT) {
                None => "ok".to_string(),
                Some(kind) => format!("failed: {kind}"),
            },
            Err(error) => format!("failed: {}", error.kind()),
        },
    };
    results.insert("priceplan".into(), Value::String(priceplan));

    let all_ok = results
        .values()
        .all(|result| !result.as_str().is_some_and(|r| r.starts_with("failed")));
    if all_ok {
        HttpResponse::Ok().json(json!({"status": "ready", "checks": results}))
    } else {
        let checks = Value::Object(results.clone()).to_string();
        tracing::warn!(checks, "not ready");
        HttpResponse::ServiceUnavailable().json(json!({"status": "not ready", "checks": results}))
    }
}

async fn check_database(db: &SqlitePool) -> Result<(), &'static str> {
    let query = sqlx::query_scalar::<_, i64>("SELECT 1").fetch_one(db);
    match actix_web::rt::time::timeout(DATABASE_TIMEOUT, query).await {
        Ok(Ok(1)) => Ok(()),
        Ok(Ok(_)) => Err("unexpected_answer"),
        Ok(Err(_)) => Err("error"),
        Err(_) => Err("timeout"),
    }
}
