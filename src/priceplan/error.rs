//! What can go wrong when the portal talks to PricePlan.

use std::fmt;

/// An error code from PricePlan's `{"success": false, "errors": [...]}` answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ApiErrorCode {
    Unknown,
    Duplicate,
    EmptyValue,
    InvalidArgument,
    MissingArgument,
    InvalidData,
    ObjectNotFound,
    BadRequest,
    ObjectLocked,
    ObjectBlocked,
    ForbiddenValue,
    LicenceBlocked,
    ClientLimitReached,
    /// A code this portal does not know by name.
    Other(i64),
}

impl ApiErrorCode {
    /// Maps PricePlan's numeric code to its name.
    pub fn from_code(code: i64) -> Self {
        match code {
            -1 => Self::Unknown,
            1 => Self::Duplicate,
            2 => Self::EmptyValue,
            3 => Self::InvalidArgument,
            4 => Self::MissingArgument,
            5 => Self::InvalidData,
            6 => Self::ObjectNotFound,
            7 => Self::BadRequest,
            13 => Self::ObjectLocked,
            16 => Self::ObjectBlocked,
            30 => Self::ForbiddenValue,
            35 => Self::LicenceBlocked,
            36 => Self::ClientLimitReached,
            other => Self::Other(other),
        }
    }

    /// PricePlan's numeric code.
    pub fn code(self) -> i64 {
        match self {
            Self::Unknown => -1,
            Self::Duplicate => 1,
            Self::EmptyValue => 2,
            Self::InvalidArgument => 3,
            Self::MissingArgument => 4,
            Self::InvalidData => 5,
            Self::ObjectNotFound => 6,
            Self::BadRequest => 7,
            Self::ObjectLocked => 13,
            Self::ObjectBlocked => 16,
            Self::ForbiddenValue => 30,
            Self::LicenceBlocked => 35,
            Self::ClientLimitReached => 36,
            Self::Other(code) => code,
        }
    }
}

impl fmt::Display for ApiErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            Self::Unknown => "unknown error",
            Self::Duplicate => "duplicate",
            Self::EmptyValue => "empty value",
            Self::InvalidArgument => "invalid argument",
            Self::MissingArgument => "missing argument",
            Self::InvalidData => "invalid data",
            Self::ObjectNotFound => "object not found",
            Self::BadRequest => "bad request",
            Self::ObjectLocked => "object locked",
            Self::ObjectBlocked => "object blocked",
            Self::ForbiddenValue => "forbidden value",
            Self::LicenceBlocked => "licence blocked",
            Self::ClientLimitReached => "client limit reached",
            Self::Other(_) => "unnamed error",
        };
        write!(f, "{} ({name})", self.code())
    }
}

/// A failed PricePlan call. `call` names the API call, e.g. `reset_token`.
///
/// The texts are for logs: they never hold a token, a password or an answer body.
#[derive(Debug)]
pub enum PricePlanError {
    /// No connection could be made, or it broke before an answer.
    Unreachable { call: &'static str, cause: String },
    /// No complete answer within the configured timeout.
    Timeout { call: &'static str },
    /// PricePlan refused the Manager's login and password. `repeated` is set
    /// when the refusal is remembered from an attempt moments ago.
    SignInRefused { repeated: bool },
    /// PricePlan no longer accepts the Manager session.
    SessionExpired { call: &'static str },
    /// PricePlan answered with an `errors` envelope.
    Api {
        call: &'static str,
        status: u16,
        codes: Vec<ApiErrorCode>,
    },
    /// An answer that is not what the API documents.
    UnexpectedAnswer {
        call: &'static str,
        status: u16,
        what: &'static str,
    },
}

impl PricePlanError {
    /// A short, stable name of the kind of failure, for metrics and logs.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Unreachable { .. } => "unreachable",
            Self::Timeout { .. } => "timeout",
            Self::SignInRefused { .. } => "sign_in_refused",
            Self::SessionExpired { .. } => "session_expired",
            Self::Api { .. } => "api_error",
            Self::UnexpectedAnswer { .. } => "unexpected_answer",
        }
    }

    /// Whether PricePlan did not answer in time (as opposed to answering badly).
    pub fn is_timeout(&self) -> bool {
        matches!(self, Self::Timeout { .. })
    }
}

impl fmt::Display for PricePlanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unreachable { call, cause } => {
                write!(f, "PricePlan is unreachable ({call}): {cause}")
            }
            Self::Timeout { call } => write!(f, "PricePlan did not answer in time ({call})"),
            Self::SignInRefused { repeated: false } => f.write_str(
                "PricePlan refused the Manager sign-in: check PRICEPLAN_MANAGER_LOGIN \
                 and PRICEPLAN_MANAGER_PASSWORD",
            ),
            Self::SignInRefused { repeated: true } => {
                f.write_str("PricePlan refused the Manager sign-in moments ago")
            }
            Self::SessionExpired { call } => {
                write!(f, "PricePlan rejected the Manager session ({call})")
            }
            Self::Api {
                call,
                status,
                codes,
            } => {
                let codes: Vec<String> = codes.iter().map(ToString::to_string).collect();
                write!(
                    f,
                    "PricePlan answered {status} with error code {}",
                    codes.join(", ")
                )?;
                write!(f, " ({call})")
            }
            Self::UnexpectedAnswer { call, status, what } => {
                write!(f, "PricePlan answered {status} with {what} ({call})")
            }
        }
    }
}

impl std::error::Error for PricePlanError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_known_code_maps_back_to_its_number() {
        for code in [-1, 1, 2, 3, 4, 5, 6, 7, 13, 16, 30, 35, 36, 99] {
            assert_eq!(ApiErrorCode::from_code(code).code(), code);
        }
    }

    #[test]
    fn an_api_error_names_the_code_and_the_call() {
        let error = PricePlanError::Api {
            call: "reset_token",
            status: 404,
            codes: vec![ApiErrorCode::from_code(6)],
        };

        let line = error.to_string();

        assert!(line.contains("6 (object not found)"), "{line}");
        assert!(line.contains("reset_token"), "{line}");
    }
}
