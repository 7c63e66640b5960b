//! The portal's session: who is signed in, and the form token against CSRF.

use std::future::{Ready, ready};

use actix_session::{Session, SessionExt};
use actix_web::dev::Payload;
use actix_web::http::{StatusCode, header};
use actix_web::{FromRequest, HttpRequest, HttpResponse, ResponseError};

const USER_ID: &str = "user_id";
const CSRF_TOKEN: &str = "csrf_token";

/// The visitor's session, with typed access to what the portal keeps in it.
pub struct PortalSession(Session);

impl PortalSession {
    /// The id of the signed-in account, if any.
    pub fn user_id(&self) -> Option<i64> {
        self.0.get(USER_ID).ok().flatten()
    }

    /// Starts a signed-in session: a new session id, a new form token.
    pub fn sign_in(&self, user_id: i64) -> Result<(), actix_session::SessionInsertError> {
        self.0.renew();
        self.0.insert(USER_ID, user_id)?;
        self.0.insert(CSRF_TOKEN, new_token())
    }

    /// Ends the session: its data is dropped and its cookie removed.
    pub fn sign_out(&self) {
        self.0.purge();
    }

    /// The token that this session's forms must send back, made on first use.
    pub fn csrf_token(&self) -> String {
        if let Ok(Some(token)) = self.0.get::<String>(CSRF_TOKEN) {
            return token;
        }
        let token = new_token();
        // A token that cannot be stored only means the form will be refused.
        let _ = self.0.insert(CSRF_TOKEN, &token);
        token
    }

    /// Whether `submitted` is this session's form token.
    pub fn csrf_matches(&self, submitted: &str) -> bool {
        match self.0.get::<String>(CSRF_TOKEN) {
            Ok(Some(expected)) => constant_time_eq(expected.as_bytes(), submitted.as_bytes()),
            _ => false,
        }
    }
}

impl FromRequest for PortalSession {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(Self(req.get_session())))
    }
}

/// The id of the signed-in account; a handler taking it is signed-in only.
/// Without a signed-in session the visitor is sent to the sign-in page,
/// which brings them back afterwards.
pub struct SignedIn {
    pub user_id: i64,
}

impl FromRequest for SignedIn {
    type Error = SignInRequired;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let user_id: Option<i64> = req.get_session().get(USER_ID).ok().flatten();
        ready(match user_id {
            Some(user_id) => {
                tracing::Span::current().record("user_id", user_id);
                Ok(Self { user_id })
            }
            None => Err(SignInRequired {
                next: req.path().to_string(),
            }),
        })
    }
}

/// A signed-in-only page was asked for without a signed-in session.
#[derive(Debug)]
pub struct SignInRequired {
    next: String,
}

impl std::fmt::Display for SignInRequired {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("sign-in required")
    }
}

impl ResponseError for SignInRequired {
    fn status_code(&self) -> StatusCode {
        StatusCode::SEE_OTHER
    }

    fn error_response(&self) -> HttpResponse {
        let query = serde_urlencoded::to_string([("next", &self.next)]).unwrap_or_default();
        HttpResponse::SeeOther()
            .insert_header((header::LOCATION, format!("/sign-in?{query}")))
            .finish()
    }
}

fn new_token() -> String {
    let bytes: [u8; 32] = rand::random();
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::constant_time_eq;

    #[test]
    fn tokens_compare_equal_only_when_identical() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"abcd"));
    }
}
