//! The Manager session check, as an extractor.

use std::future::{Ready, ready};

use actix_web::{FromRequest, HttpRequest, dev::Payload, web};

use crate::sandbox::Sandbox;
use crate::sandbox::envelope::ApiError;

/// Name of the Manager session cookie.
pub const SESSION_COOKIE: &str = "sessionid";

/// Proof that the request carries a valid Manager session cookie.
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
        ready(if signed_in {
            Ok(ManagerSession)
        } else {
            Err(ApiError::NotAuthenticated)
        })
    }
}
