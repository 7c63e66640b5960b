//! The portal's session: who is signed in, since when, and the form token
//! against cross-site request forgery.

use std::future::{Ready, ready};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use actix_session::{Session, SessionExt};
use actix_web::dev::Payload;
use actix_web::http::{StatusCode, header};
use actix_web::{FromRequest, HttpRequest, HttpResponse, ResponseError, web};

use crate::priceplan::CustomerIds;

const USER_ID: &str = "user_id";
const SIGNED_IN_AT: &str = "signed_in_at";
const SEEN_AT: &str = "seen_at";
const CSRF_TOKEN: &str = "csrf_token";
/// Also named in `store::link_priceplan`, which drops it.
const CUSTOMER: &str = "customer";

/// How long signed-in sessions last.
#[derive(Clone, Copy, Debug)]
pub struct SessionPolicy {
    /// Unused for this long, a session ends.
    pub idle: Duration,
    /// This long after sign-in, a session ends however busy it is.
    pub lifetime: Duration,
}

/// The visitor's session, with typed access to what the portal keeps in it.
pub struct PortalSession {
    session: Session,
    policy: SessionPolicy,
}

impl PortalSession {
    /// The id of the signed-in account, if the session is signed in and has
    /// not outlived its idle timeout or lifetime. An outlived session is
    /// emptied on the spot.
    pub fn user_id(&self) -> Option<i64> {
        let get = |key| self.session.get::<u64>(key).ok().flatten();
        let user_id = self.session.get::<i64>(USER_ID).ok().flatten()?;
        let (signed_in_at, seen_at) = (get(SIGNED_IN_AT)?, get(SEEN_AT)?);

        let now = now_millis();
        let unused_for = now.saturating_sub(seen_at);
        if unused_for > millis(self.policy.idle)
            || now.saturating_sub(signed_in_at) > millis(self.policy.lifetime)
        {
            tracing::info!(user_id, "session ended by its time limits");
            self.end();
            return None;
        }
        // Refreshing on every request would rewrite the session each time.
        if unused_for > millis(self.policy.idle) / 4 {
            let _ = self.session.insert(SEEN_AT, now);
        }
        Some(user_id)
    }

    /// Starts a signed-in session under a new session id, with a new form
    /// token, keeping the account's PricePlan ids when it has them.
    pub fn sign_in(
        &self,
        user_id: i64,
        customer: Option<CustomerIds>,
    ) -> Result<(), actix_session::SessionInsertError> {
        let now = now_millis();
        self.session.renew();
        self.session.insert(USER_ID, user_id)?;
        if let Some(customer) = customer {
            self.session.insert(CUSTOMER, customer)?;
        }
        self.session.insert(SIGNED_IN_AT, now)?;
        self.session.insert(SEEN_AT, now)?;
        self.session.insert(CSRF_TOKEN, new_token())
    }

    /// The PricePlan ids kept since sign-in, so that the cabinet redirect
    /// needs no database read. Relinking an account drops them from its
    /// sessions (see `store::link_priceplan`), so they are never stale.
    pub fn customer_ids(&self) -> Option<CustomerIds> {
        self.session.get(CUSTOMER).ok().flatten()
    }

    /// Keeps the PricePlan ids of an account linked after sign-in.
    pub fn remember_customer_ids(&self, customer: CustomerIds) {
        let _ = self.session.insert(CUSTOMER, customer);
    }

    /// Ends the session: its stored state is deleted and its cookie removed.
    pub fn sign_out(&self) {
        self.session.purge();
    }

    /// The token that this session's forms must send back, made on first use.
    pub fn csrf_token(&self) -> String {
        if let Ok(Some(token)) = self.session.get::<String>(CSRF_TOKEN) {
            return token;
        }
        let token = new_token();
        // A token that cannot be stored only means the form will be refused.
        let _ = self.session.insert(CSRF_TOKEN, &token);
        token
    }

    /// Whether `submitted` is this session's form token.
    pub fn csrf_matches(&self, submitted: &str) -> bool {
        match self.session.get::<String>(CSRF_TOKEN) {
            Ok(Some(expected)) => constant_time_eq(expected.as_bytes(), submitted.as_bytes()),
            _ => false,
        }
    }

    /// Empties a session that outlived its limits, under a new id, so that
    /// the visitor can sign in again within the same request.
    fn end(&self) {
        self.session.clear();
        self.session.renew();
    }
}

impl FromRequest for PortalSession {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let policy = req
            .app_data::<web::Data<SessionPolicy>>()
            .map(|policy| *policy.get_ref());
        ready(match policy {
            Some(policy) => Ok(Self {
                session: req.get_session(),
                policy,
            }),
            None => Err(actix_web::error::ErrorInternalServerError(
                "no session policy",
            )),
        })
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

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let user_id = PortalSession::from_request(req, payload)
            .into_inner()
            .ok()
            .and_then(|session| session.user_id());
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

fn now_millis() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(millis)
        .unwrap_or_default()
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
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
