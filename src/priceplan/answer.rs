//! Reading PricePlan's answers: the envelope, the login's session cookie, the
//! token in `data`, and what a failed exchange means.

use awc::http::{StatusCode, header};
use serde::Deserialize;
use serde_json::Value;

use crate::priceplan::{ApiErrorCode, CredentialKind, OneTimeToken, PricePlanError};

/// The `{"success": ..., "data" | "errors"}` envelope of every answer.
#[derive(Deserialize)]
struct Envelope {
    success: Option<bool>,
    #[serde(default)]
    data: Value,
    errors: Option<Vec<ApiErrorItem>>,
}

#[derive(Deserialize)]
struct ApiErrorItem {
    code: Option<i64>,
}

/// Reads the answer of a signed-in call: `data` on success, a typed error
/// otherwise. An answer saying the session is gone becomes
/// [`PricePlanError::SessionExpired`], so that the caller signs in again.
pub(super) fn call_answer(
    call: &'static str,
    status: StatusCode,
    body: &[u8],
) -> Result<Value, PricePlanError> {
    let answer = unwrap_envelope(call, status, body);
    if means_signed_out(status, &answer) {
        return Err(PricePlanError::SessionExpired { call });
    }
    answer
}

/// Whether PricePlan says the call was not signed in: HTTP 401 or 403, or
/// an `errors` answer with the not-signed-in code, whatever the status.
fn means_signed_out(status: StatusCode, answer: &Result<Value, PricePlanError>) -> bool {
    let by_status = status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN;
    let by_code = matches!(
        answer,
        Err(PricePlanError::Api { codes, .. }) if codes.contains(&ApiErrorCode::NotSignedIn)
    );
    by_status || by_code
}

/// Reads the login's answer and returns the session's `Cookie` header value.
pub(super) fn session_cookie(
    status: StatusCode,
    headers: &header::HeaderMap,
    body: &[u8],
) -> Result<String, PricePlanError> {
    let refused = PricePlanError::SignInRefused {
        repeated: false,
        credentials: CredentialKind::Manager,
    };
    if status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN {
        return Err(refused);
    }
    match unwrap_envelope("login", status, body) {
        Err(PricePlanError::Api { status, .. }) if status < 500 => return Err(refused),
        Err(error) => return Err(error),
        Ok(_) => {}
    }

    let pairs: Vec<String> = headers
        .get_all(header::SET_COOKIE)
        .filter_map(|value| value.to_str().ok())
        .filter_map(|value| actix_web::cookie::Cookie::parse(value.to_owned()).ok())
        .filter(|cookie| !cookie.value().is_empty())
        .map(|cookie| format!("{}={}", cookie.name(), cookie.value()))
        .collect();
    if pairs.is_empty() {
        return Err(PricePlanError::UnexpectedAnswer {
            call: "login",
            status: status.as_u16(),
            what: "no session cookie",
        });
    }
    Ok(pairs.join("; "))
}

/// Reads the envelope: `data` on success, a typed error otherwise.
fn unwrap_envelope(
    call: &'static str,
    status: StatusCode,
    body: &[u8],
) -> Result<Value, PricePlanError> {
    let unexpected = |what| PricePlanError::UnexpectedAnswer {
        call,
        status: status.as_u16(),
        what,
    };
    let envelope: Envelope = serde_json::from_slice(body)
        .map_err(|_| unexpected("a body that is not the API's JSON"))?;

    match (envelope.success, envelope.errors) {
        (Some(true), _) if status.is_success() => Ok(envelope.data),
        (_, Some(errors)) if !errors.is_empty() => Err(PricePlanError::Api {
            call,
            status: status.as_u16(),
            codes: errors
                .iter()
                .map(|error| ApiErrorCode::from_code(error.code.unwrap_or(-1)))
                .collect(),
        }),
        _ if !status.is_success() => Err(unexpected("an error status and no error codes")),
        _ => Err(unexpected("an answer without success")),
    }
}

/// The one-time token at `data.FIELD`.
pub(super) fn token_at(
    data: &Value,
    field: &str,
    call: &'static str,
) -> Result<OneTimeToken, PricePlanError> {
    data.get(field)
        .and_then(Value::as_str)
        .and_then(OneTimeToken::parse)
        .ok_or(PricePlanError::UnexpectedAnswer {
            call,
            status: 200,
            what: "no usable token in data",
        })
}

/// What a failure to send the request means.
pub(super) fn send_error(
    call: &'static str,
    error: awc::error::SendRequestError,
) -> PricePlanError {
    use awc::error::{ConnectError, SendRequestError};
    match error {
        SendRequestError::Timeout | SendRequestError::Connect(ConnectError::Timeout) => {
            PricePlanError::Timeout { call }
        }
        other => PricePlanError::Unreachable {
            call,
            cause: other.to_string(),
        },
    }
}

/// What a failure to read the answer's body means.
pub(super) fn body_error(
    call: &'static str,
    status: StatusCode,
    error: awc::error::PayloadError,
) -> PricePlanError {
    match error {
        awc::error::PayloadError::Overflow => PricePlanError::UnexpectedAnswer {
            call,
            status: status.as_u16(),
            what: "an answer too large to read",
        },
        other => PricePlanError::Unreachable {
            call,
            cause: other.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_success_envelope_gives_its_data() {
        let body = br#"{"success": true, "data": {"token": "abcdefgh12"}}"#;

        let data = call_answer("reset_token", StatusCode::OK, body).unwrap();

        assert_eq!(
            token_at(&data, "token", "reset_token")
                .unwrap()
                .sign_in_url(""),
            "/auth-key/abcdefgh12/"
        );
    }

    #[test]
    fn an_errors_envelope_gives_the_typed_codes() {
        let body = br#"{"success": false, "errors": [{"code": 6, "message": "no such user"}]}"#;

        let error = call_answer("reset_token", StatusCode::NOT_FOUND, body).unwrap_err();

        let PricePlanError::Api { codes, status, .. } = error else {
            panic!("{error:?}")
        };
        assert_eq!(codes, vec![ApiErrorCode::ObjectNotFound]);
        assert_eq!(status, 404);
    }

    #[test]
    fn html_or_truncated_json_is_an_unexpected_answer() {
        for body in [
            &b"<html>Bad gateway</html>"[..],
            b"{\"success\": tr",
            b"",
            b"[1, 2]",
        ] {
            let error = call_answer("reset_token", StatusCode::OK, body).unwrap_err();

            assert_eq!(error.kind(), "unexpected_answer", "{body:?}");
        }
    }

    #[test]
    fn success_false_without_codes_is_not_taken_for_success() {
        let error =
            call_answer("reset_token", StatusCode::OK, br#"{"success": false}"#).unwrap_err();

        assert_eq!(error.kind(), "unexpected_answer");
    }

    #[test]
    fn a_401_or_403_status_means_the_session_is_gone_whatever_the_body() {
        let cases = [
            (
                StatusCode::UNAUTHORIZED,
                &br#"{"success": false, "errors": [{"code": 401}]}"#[..],
            ),
            (StatusCode::UNAUTHORIZED, b"<html>Sign in</html>"),
            (
                StatusCode::FORBIDDEN,
                br#"{"success": false, "errors": [{"code": 30}]}"#,
            ),
        ];

        for (status, body) in cases {
            let error = call_answer("reset_token", status, body).unwrap_err();

            assert_eq!(error.kind(), "session_expired", "{status} {body:?}");
        }
    }

    #[test]
    fn the_not_signed_in_code_means_the_session_is_gone_even_with_status_200() {
        let body =
            br#"{"success": false, "errors": [{"code": 401, "message": "not authenticated"}]}"#;

        let error = call_answer("auth_key_read", StatusCode::OK, body).unwrap_err();

        assert!(matches!(
            error,
            PricePlanError::SessionExpired {
                call: "auth_key_read"
            }
        ));
    }

    #[test]
    fn other_error_codes_do_not_renew_the_session() {
        let body = br#"{"success": false, "errors": [{"code": 6}]}"#;

        let error = call_answer("reset_token", StatusCode::NOT_FOUND, body).unwrap_err();

        assert_eq!(error.kind(), "api_error");
    }

    #[test]
    fn a_refused_login_is_a_manager_refusal_and_a_500_is_not() {
        let headers = header::HeaderMap::new();
        let wrong = br#"{"success": false, "errors": [{"code": 3}]}"#;

        let refused = session_cookie(StatusCode::UNAUTHORIZED, &headers, wrong).unwrap_err();
        let broken = session_cookie(StatusCode::INTERNAL_SERVER_ERROR, &headers, b"oops");

        assert!(matches!(
            refused,
            PricePlanError::SignInRefused {
                repeated: false,
                credentials: CredentialKind::Manager
            }
        ));
        assert_eq!(broken.unwrap_err().kind(), "unexpected_answer");
    }
}
