//! PricePlan's answer envelope and the API's error outcomes.

use std::fmt;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde_json::{Value, json};

/// Error code of a call made without a valid Manager session (HTTP 401).
///
/// PricePlan's documented codes have none for this, so the sandbox uses 401.
pub const NOT_AUTHENTICATED: i64 = 401;

/// Every way an API call can fail, each with its HTTP status and PricePlan code.
#[derive(Debug)]
pub enum ApiError {
    /// No valid `sessionid` cookie.
    NotAuthenticated,
    /// `POST /api/login` with a wrong user or password.
    WrongCredentials,
    /// An id that names nothing (code 6).
    NotFound(&'static str),
    /// A required field is absent (code 4).
    Missing(&'static str),
    /// A required field is empty (code 2).
    Empty(&'static str),
    /// A field has a value that is not allowed (code 3).
    Invalid(String),
    /// The body cannot be read at all (code 7).
    BadRequest(String),
}

impl ApiError {
    fn code(&self) -> i64 {
        match self {
            Self::NotAuthenticated => NOT_AUTHENTICATED,
            Self::WrongCredentials | Self::Invalid(_) => 3,
            Self::NotFound(_) => 6,
            Self::Missing(_) => 4,
            Self::Empty(_) => 2,
            Self::BadRequest(_) => 7,
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotAuthenticated => write!(f, "not authenticated"),
            Self::WrongCredentials => write!(f, "wrong user or password"),
            Self::NotFound(what) => write!(f, "{what} not found"),
            Self::Missing(field) => write!(f, "missing argument: {field}"),
            Self::Empty(field) => write!(f, "empty value: {field}"),
            Self::Invalid(why) => write!(f, "invalid argument: {why}"),
            Self::BadRequest(why) => write!(f, "bad request: {why}"),
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::NotAuthenticated | Self::WrongCredentials => StatusCode::UNAUTHORIZED,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            _ => StatusCode::BAD_REQUEST,
        }
    }

    fn error_response(&self) -> HttpResponse {
        HttpResponse::build(self.status_code()).json(json!({
            "success": false,
            "errors": [{"code": self.code(), "message": self.to_string()}],
        }))
    }
}

/// A successful answer carrying `data`.
pub fn success(data: Value) -> HttpResponse {
    HttpResponse::Ok().json(json!({"success": true, "data": data}))
}
