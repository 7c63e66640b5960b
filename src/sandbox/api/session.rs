//! The Manager session check, as an extractor: a `sessionid` cookie from a login, or
//! the API key and password with HTTP Basic authentication.

use std::future::{Ready, ready};

use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, dev::Payload, web};

use crate::http_auth;
use crate::sandbox::Sandbox;
use crate::sandbox::envelope::ApiError;

/// Name of the Manager session cookie.
pub const SESSION_COOKIE: &str = "sessionid";

/// Proof that the request carries a valid Manager session cookie or valid Basic
/// credentials.
pub struct ManagerSession;

impl FromRequest for ManagerSession {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let Some(sandbox) = req.app_data::<web::Data<Sandbox>>() else {
            return ready(Err(ApiError::NotAuthenticated));
        };
        let signed_in = req
            .cookie(SESSION_COOKIE)
            .is_some_and(|cookie| sandbox.state().has_manager_session(cookie.value()));
        let signed_in = signed_in || basic_auth_accepted(req, sandbox);
        ready(if signed_in {
            Ok(ManagerSession)
        } else {
            Err(ApiError::NotAuthenticated)
        })
    }
}

/// Checks Basic credentials, if the request carries any, and counts the outcome.
fn basic_auth_accepted(req: &HttpRequest, sandbox: &Sandbox) -> bool {
    let Some(given) = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(http_auth::basic_credentials)
    else {
        return false;
    };
    let expected = sandbox.inner.basic_credentials.as_bytes();
    let accepted = http_auth::same_bytes(given.as_bytes(), expected);

    let mut state = sandbox.state();
    if accepted {
        state.stats.basic_auth_calls += 1;
    } else {
        state.stats.refused_basic_auths += 1;
        tracing::warn!("sandbox: wrong API key or password refused");
    }
    accepted
}
