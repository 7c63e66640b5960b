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
    /// The call carried no valid session or credentials. PricePlan documents no
    /// number for this; 401, as the HTTP status, is what the sandbox answers.
    NotSignedIn,
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
            401 => Self::NotSignedIn,
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
            Self::NotSignedIn => 401,
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
            Self::NotSignedIn => "not signed in",
            Self::Other(_) => "unnamed error",
        };
        write!(f, "{} ({name})", self.code())
    }
}

/// Which credentials PricePlan refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CredentialKind {
    /// The Manager's login and password (`POST /api/login`).
    Manager,
    /// The API key and password of HTTP Basic authentication.
    ApiKey,
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
    /// PricePlan refused the portal's credentials. `repeated` is set when the
    /// refusal is remembered from an attempt moments ago.
    SignInRefused {
        repeated: bool,
        credentials: CredentialKind,
    },
    /// PricePlan no longer accepts the Manager session.
    SessionExpired { call: &'static str },
    /// PricePlan refuses the call even with a Manager session signed in
    /// for it: the Manager most likely lacks a right.
    Forbidden { call: &'static str },
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
            Self::Forbidden { .. } => "forbidden",
            Self::Api { .. } => "api_error",
            Self::UnexpectedAnswer { .. } => "unexpected_answer",
        }
    }

    /// The API call that failed, e.g. `reset_token`; `login` for a refused sign-in.
    pub fn call(&self) -> &'static str {
        match self {
            Self::Unreachable { call, .. }
            | Self::Timeout { call }
            | Self::SessionExpired { call }
            | Self::Forbidden { call }
            | Self::Api { call, .. }
            | Self::UnexpectedAnswer { call, .. } => call,
            Self::SignInRefused { .. } => "login",
        }
    }

    /// PricePlan's error codes, comma-separated, or `""` when it sent none.
    pub fn codes(&self) -> String {
        match self {
            Self::Api { codes, .. } => {
                let numbers: Vec<String> = codes.iter().map(|c| c.code().to_string()).collect();
                numbers.join(",")
            }
            _ => String::new(),
        }
    }

    /// Whether this is a refusal remembered from moments ago, already reported.
    pub fn is_repeated_refusal(&self) -> bool {
        matches!(self, Self::SignInRefused { repeated: true, .. })
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
            Self::SignInRefused {
                repeated: false,
                credentials: CredentialKind::Manager,
            } => f.write_str(
                "PricePlan refused the Manager sign-in: check PRICEPLAN_MANAGER_LOGIN \
                 and PRICEPLAN_MANAGER_PASSWORD",
            ),
            Self::SignInRefused {
                repeated: false,
                credentials: CredentialKind::ApiKey,
            } => f.write_str(
                "PricePlan refused the API key: check PRICEPLAN_API_KEY and \
                 PRICEPLAN_API_PASSWORD",
            ),
            Self::SignInRefused { repeated: true, .. } => {
                f.write_str("PricePlan refused the portal's credentials moments ago")
            }
            Self::SessionExpired { call } => {
                write!(f, "PricePlan rejected the Manager session ({call})")
            }
            Self::Forbidden { call } => write!(
                f,
                "PricePlan refused the call even with a new Manager session: \
                 check the Manager user's rights in PricePlan ({call})"
            ),
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
        for code in [-1, 1, 2, 3, 4, 5, 6, 7, 13, 16, 30, 35, 36, 401, 99] {
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

    #[test]
    fn each_refusal_names_the_variables_to_check() {
        let manager = PricePlanError::SignInRefused {
            repeated: false,
            credentials: CredentialKind::Manager,
        };
        let api_key = PricePlanError::SignInRefused {
            repeated: false,
            credentials: CredentialKind::ApiKey,
        };

        assert!(manager.to_string().contains("PRICEPLAN_MANAGER_PASSWORD"));
        assert!(api_key.to_string().contains("PRICEPLAN_API_KEY"));
        assert_eq!(api_key.call(), "login");
    }

    #[test]
    fn the_codes_of_an_api_error_are_listed_for_the_log() {
        let error = PricePlanError::Api {
            call: "auth_key_issue",
            status: 400,
            codes: vec![ApiErrorCode::MissingArgument, ApiErrorCode::from_code(77)],
        };

        assert_eq!(error.codes(), "4,77");
        assert_eq!(error.call(), "auth_key_issue");
    }
}
