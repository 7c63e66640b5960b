//! `POST /api/login`: signs the Manager service user in.

use actix_web::cookie::Cookie;
use actix_web::{HttpResponse, web};
use serde_json::{Value, json};

use super::session::SESSION_COOKIE;
use crate::sandbox::Sandbox;
use crate::sandbox::envelope::{ApiError, success};

pub(super) async fn login(
    sandbox: web::Data<Sandbox>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let checked = check_credentials(&sandbox, &body);

    let mut state = sandbox.state();
    if let Err(error) = checked {
        state.stats.failed_logins += 1;
        tracing::warn!(%error, "sandbox: manager login refused");
        return Err(error);
    }
    state.stats.logins += 1;
    let session = state.start_manager_session();
    drop(state);

    tracing::info!("sandbox: manager signed in");
    let cookie = Cookie::build(SESSION_COOKIE, session)
        .path("/")
        .http_only(true)
        .finish();
    let mut response = success(json!({"user": sandbox.inner.manager_login}));
    response
        .add_cookie(&cookie)
        .map_err(|_| ApiError::BadRequest("cannot set the session cookie".into()))?;
    Ok(response)
}

fn check_credentials(sandbox: &Sandbox, body: &[u8]) -> Result<(), ApiError> {
    let malformed = || ApiError::BadRequest("body must be JSON {\"user\", \"password\"}".into());
    let body: Value = serde_json::from_slice(body).map_err(|_| malformed())?;
    if !body.is_object() {
        return Err(malformed());
    }
    let user = string_field(&body, "user")?;
    let password = string_field(&body, "password")?;

    let user_ok = same_bytes(user, &sandbox.inner.manager_login);
    let password_ok = same_bytes(password, &sandbox.inner.manager_password);
    if user_ok & password_ok {
        Ok(())
    } else {
        Err(ApiError::WrongCredentials)
    }
}

fn string_field<'a>(body: &'a Value, name: &'static str) -> Result<&'a str, ApiError> {
    match body.get(name) {
        None | Some(Value::Null) => Err(ApiError::Missing(name)),
        Some(Value::String(value)) => Ok(value),
        Some(_) => Err(ApiError::Invalid(format!("{name} must be a string"))),
    }
}

/// Compares without stopping at the first difference, so timing tells little.
fn same_bytes(given: &str, expected: &str) -> bool {
    let (given, expected) = (given.as_bytes(), expected.as_bytes());
    let mut difference = given.len() ^ expected.len();
    for (i, byte) in expected.iter().enumerate() {
        let other = given.get(i).copied().unwrap_or(!*byte);
        difference |= usize::from(byte ^ other);
    }
    difference == 0
}
