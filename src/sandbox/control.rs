//! The control surface under `/_sandbox/`, for tests and demos. **Sandbox use only.**
//!
//! It needs no credentials, so a sandbox must never listen beyond loopback.
//!
//! | call | body | answer |
//! |---|---|---|
//! | `GET /_sandbox/stats` | | [`super::SandboxStats`] as JSON |
//! | `POST /_sandbox/expire-sessions` | | 204 |
//! | `POST /_sandbox/fault` | `{"fault": null}`, `{"fault": FAULT}` or a bare `FAULT` | 204 |
//! | `POST /_sandbox/clients` | `{"name": "..."}` | `{"client_id", "user_id"}` |
//! | `POST /_sandbox/allowed-origins` | `["http://127.0.0.1:8080", ...]` | 204 |
//!
//! A `FAULT` is a [`super::Fault`] as serde writes it: `"ServerError"`, `"HtmlPage"`,
//! `"Garbage"`, `"EmptyData"` or `{"Slow": {"secs": 2, "nanos": 0}}`. A body that cannot be
//! read gets 400 with a one-line plain-text reason.

use actix_web::http::header::ContentType;
use actix_web::{HttpResponse, web};
use serde::Deserialize;
use serde_json::Value;

use super::{Fault, Sandbox};

pub(super) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/_sandbox")
            .route("/stats", web::get().to(stats))
            .route("/expire-sessions", web::post().to(expire_sessions))
            .route("/fault", web::post().to(set_fault))
            .route("/clients", web::post().to(add_client))
            .route("/allowed-origins", web::post().to(set_allowed_origins)),
    );
}

async fn stats(sandbox: web::Data<Sandbox>) -> HttpResponse {
    HttpResponse::Ok().json(sandbox.stats())
}

async fn expire_sessions(sandbox: web::Data<Sandbox>) -> HttpResponse {
    sandbox.expire_sessions();
    HttpResponse::NoContent().finish()
}

async fn set_fault(sandbox: web::Data<Sandbox>, body: web::Bytes) -> HttpResponse {
    match parse_fault(&body) {
        Ok(fault) => {
            sandbox.set_fault(fault);
            HttpResponse::NoContent().finish()
        }
        Err(reason) => bad_request(reason),
    }
}

/// Reads `{"fault": FAULT-or-null}` or a bare `FAULT`.
fn parse_fault(body: &[u8]) -> Result<Option<Fault>, &'static str> {
    let value: Value = serde_json::from_slice(body).map_err(|_| "body is not JSON")?;
    let wrapped = match &value {
        Value::Object(map) if map.len() == 1 && map.contains_key("fault") => map.get("fault"),
        _ => None,
    };
    match wrapped {
        Some(inner) => Option::<Fault>::deserialize(inner),
        None => Fault::deserialize(&value).map(Some),
    }
    .map_err(|_| "not a fault: see the sandbox control docs")
}

#[derive(Deserialize)]
struct NewClient {
    name: String,
}

async fn add_client(sandbox: web::Data<Sandbox>, body: web::Bytes) -> HttpResponse {
    match serde_json::from_slice::<NewClient>(&body) {
        Ok(new) if !new.name.trim().is_empty() => {
            HttpResponse::Ok().json(sandbox.add_client(new.name.trim()))
        }
        _ => bad_request("body must be {\"name\": \"a non-empty name\"}"),
    }
}

async fn set_allowed_origins(sandbox: web::Data<Sandbox>, body: web::Bytes) -> HttpResponse {
    match serde_json::from_slice::<Vec<String>>(&body) {
        Ok(origins) => {
            sandbox.set_allowed_origins(origins);
            HttpResponse::NoContent().finish()
        }
        Err(_) => bad_request("body must be a JSON list of origins"),
    }
}

fn bad_request(reason: &'static str) -> HttpResponse {
    HttpResponse::BadRequest()
        .content_type(ContentType::plaintext())
        .body(reason)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn a_fault_is_read_wrapped_bare_or_cleared() {
        let slow = br#"{"fault": {"Slow": {"secs": 2, "nanos": 0}}}"#;

        assert_eq!(
            parse_fault(slow),
            Ok(Some(Fault::Slow(Duration::from_secs(2))))
        );
        assert_eq!(parse_fault(br#""Garbage""#), Ok(Some(Fault::Garbage)));
        assert_eq!(parse_fault(br#"{"fault": null}"#), Ok(None));
        assert!(parse_fault(br#"{"fault": "Nonsense"}"#).is_err());
        assert!(parse_fault(b"{}").is_err());
    }
}
