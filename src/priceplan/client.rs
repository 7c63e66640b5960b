//! The HTTP client that signs the Manager in and asks PricePlan for tokens.

use std::sync::{Arc, Once};
use std::time::Instant;

use awc::http::{Method, StatusCode, header};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::config::{PricePlanSettings, TokenMode};
use crate::priceplan::{ApiErrorCode, CallStats, ManagerSessions, OneTimeToken, PricePlanError};

/// The largest answer body the portal reads from PricePlan.
const MAX_ANSWER_BYTES: usize = 256 * 1024;

/// The PricePlan ids of one customer, as kept in the portal's profile.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CustomerIds {
    /// The PricePlan user (the cabinet login) attached to the client.
    pub user_id: i64,
    /// The PricePlan client (the billed party).
    pub client_id: i64,
}

/// State shared by the clients of all workers: settings, the Manager
/// session and call counters.
#[derive(Debug)]
pub struct PricePlanShared {
    settings: PricePlanSettings,
    sessions: ManagerSessions,
    stats: CallStats,
}

impl PricePlanShared {
    /// Shared state for one PricePlan account.
    pub fn new(settings: PricePlanSettings) -> Arc<Self> {
        Arc::new(Self {
            settings,
            sessions: ManagerSessions::default(),
            stats: CallStats::default(),
        })
    }

    /// The settings this state was made from.
    pub fn settings(&self) -> &PricePlanSettings {
        &self.settings
    }

    /// Counters of calls, failures and sign-ins.
    pub fn stats(&self) -> &CallStats {
        &self.stats
    }
}

/// A worker's client for PricePlan's API. Cheap to clone.
#[derive(Clone)]
pub struct PricePlanClient {
    http: awc::Client,
    shared: Arc<PricePlanShared>,
}

/// One API call: what the logs name it, and what is sent.
struct ApiCall {
    name: &'static str,
    method: Method,
    path: String,
    body: Option<Value>,
}

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

impl PricePlanClient {
    /// Builds a client for the calling worker; `awc::Client` cannot move
    /// between threads, so each worker makes its own from the shared state.
    pub fn new(shared: Arc<PricePlanShared>) -> Self {
        install_crypto_provider();
        let settings = &shared.settings;
        let connector = awc::Connector::new().timeout(settings.connect_timeout);
        let http = awc::Client::builder()
            .connector(connector)
            .timeout(settings.request_timeout)
            .disable_redirects()
            .add_default_header((header::ACCEPT, "application/json"))
            .finish();
        Self { http, shared }
    }

    /// The cabinet's base URL as browsers reach it.
    pub fn cabinet_url(&self) -> &str {
        &self.shared.settings.public_url
    }

    /// Gets a fresh one-time cabinet token for the customer, in the
    /// configured token mode.
    pub async fn one_time_token(
        &self,
        customer: CustomerIds,
    ) -> Result<OneTimeToken, PricePlanError> {
        match self.shared.settings.token_mode {
            TokenMode::UserResetToken => self.reset_token(customer.user_id).await,
            TokenMode::ClientAuthKey => self.client_auth_key(customer.client_id).await,
        }
    }

    async fn reset_token(&self, user_id: i64) -> Result<OneTimeToken, PricePlanError> {
        let call = ApiCall {
            name: "reset_token",
            method: Method::GET,
            path: format!("/api/users/{user_id}/reset_token/"),
            body: None,
        };
        let data = self.signed_in(&call).await?;
        token_at(&data, "token", call.name)
    }

    /// Reads the client's current key and issues a new one when there is
    /// none or it is about to expire.
    async fn client_auth_key(&self, client_id: i64) -> Result<OneTimeToken, PricePlanError> {
        let path = format!("/api/clients/{client_id}/auth-key/");
        let read = ApiCall {
            name: "auth_key_read",
            method: Method::GET,
            path: path.clone(),
            body: None,
        };
        let current = self.signed_in(&read).await?;
        if super::auth_key::is_usable(&current) {
            return token_at(&current, "key", read.name);
        }

        let issue = ApiCall {
            name: "auth_key_issue",
            method: Method::POST,
            path,
            body: Some(json!({})),
        };
        let issued = self.signed_in(&issue).await?;
        token_at(&issued, "key", issue.name)
    }

    /// Makes `call` with the Manager session, signing in first when needed.
    /// A rejected session is renewed once and the call retried.
    async fn signed_in(&self, call: &ApiCall) -> Result<Value, PricePlanError> {
        let sessions = &self.shared.sessions;
        let session = sessions.get_or_sign_in(|| self.sign_in()).await?;
        match self.send(call, Some(session.cookie_header())).await {
            Err(PricePlanError::SessionExpired { .. }) => {
                tracing::info!(
                    call = call.name,
                    "PricePlan ended the Manager session; signing in again"
                );
                sessions.forget(&session);
                let renewed = sessions.get_or_sign_in(|| self.sign_in()).await?;
                self.send(call, Some(renewed.cookie_header())).await
            }
            answer => answer,
        }
    }

    /// Signs the Manager in and returns the session's `Cookie` header value.
    async fn sign_in(&self) -> Result<String, PricePlanError> {
        let settings = &self.shared.settings;
        let call = ApiCall {
            name: "login",
            method: Method::POST,
            path: "/api/login".into(),
            body: Some(json!({
                "user": settings.manager_login,
                "password": settings.manager_password.expose(),
            })),
        };
        self.shared.stats.count_sign_in();

        let started = Instant::now();
        let response = self.request(&call, None).await;
        let result = match response {
            Ok((status, headers, body)) => session_cookie(status, &headers, &body),
            Err(error) => Err(error),
        };
        match &result {
            Ok(_) => tracing::info!(
                elapsed_ms = elapsed_ms(started),
                "Manager signed in to PricePlan"
            ),
            Err(error) => tracing::error!(kind = error.kind(), "{error}"),
        }
        result
    }

    /// Sends `call` and unwraps the envelope of the answer.
    async fn send(&self, call: &ApiCall, cookie: Option<&str>) -> Result<Value, PricePlanError> {
        let (status, _, body) = self.request(call, cookie).await?;
        if status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN {
            return Err(PricePlanError::SessionExpired { call: call.name });
        }
        unwrap_envelope(call.name, status, &body)
    }

    /// Sends `call` and reads the whole answer within the request timeout.
    async fn request(
        &self,
        call: &ApiCall,
        cookie: Option<&str>,
    ) -> Result<(StatusCode, header::HeaderMap, Vec<u8>), PricePlanError> {
        let url = format!("{}{}", self.shared.settings.api_url, call.path);
        let mut request = self.http.request(call.method.clone(), url);
        if let Some(cookie) = cookie {
            request = request.insert_header((header::COOKIE, cookie));
        }
        self.shared.stats.count_call();

        let started = Instant::now();
        let exchange = async {
            let mut response = match &call.body {
                Some(body) => request.send_json(body).await,
                None => request.send().await,
            }
            .map_err(|error| send_error(call.name, error))?;
            let body = response
                .body()
                .limit(MAX_ANSWER_BYTES)
                .await
                .map_err(|error| body_error(call.name, error))?;
            let headers = response.headers().clone().into();
            Ok((response.status(), headers, body.to_vec()))
        };
        let timeout = self.shared.settings.request_timeout;
        let result = match actix_web::rt::time::timeout(timeout, exchange).await {
            Ok(result) => result,
            Err(_) => Err(PricePlanError::Timeout { call: call.name }),
        };

        let elapsed = started.elapsed();
        self.shared.stats.observe(elapsed, result.as_ref().err());
        if let Ok((status, _, _)) = &result {
            tracing::debug!(
                call = call.name,
                status = status.as_u16(),
                elapsed_ms = elapsed.as_millis() as u64,
                "PricePlan answered"
            );
        }
        result
    }
}

fn session_cookie(
    status: StatusCode,
    headers: &header::HeaderMap,
    body: &[u8],
) -> Result<String, PricePlanError> {
    if status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN {
        return Err(PricePlanError::SignInRefused { repeated: false });
    }
    match unwrap_envelope("login", status, body) {
        Err(PricePlanError::Api { status, .. }) if status < 500 => {
            return Err(PricePlanError::SignInRefused { repeated: false });
        }
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

fn token_at(data: &Value, field: &str, call: &'static str) -> Result<OneTimeToken, PricePlanError> {
    data.get(field)
        .and_then(Value::as_str)
        .and_then(OneTimeToken::parse)
        .ok_or(PricePlanError::UnexpectedAnswer {
            call,
            status: 200,
            what: "no usable token in data",
        })
}

fn send_error(call: &'static str, error: awc::error::SendRequestError) -> PricePlanError {
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

fn body_error(call: &'static str, error: awc::error::PayloadError) -> PricePlanError {
    match error {
        awc::error::PayloadError::Overflow => PricePlanError::UnexpectedAnswer {
            call,
            status: 200,
            what: "an answer too large to read",
        },
        other => PricePlanError::Unreachable {
            call,
            cause: other.to_string(),
        },
    }
}

fn elapsed_ms(started: Instant) -> u64 {
    started.elapsed().as_millis() as u64
}

/// rustls needs a process-wide choice of crypto before the first HTTPS call.
fn install_crypto_provider() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // An error only means another part of the process chose one first.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_success_envelope_gives_its_data() {
        let body = br#"{"success": true, "data": {"token": "abcdefgh12"}}"#;

        let data = unwrap_envelope("reset_token", StatusCode::OK, body).unwrap();

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

        let error = unwrap_envelope("reset_token", StatusCode::NOT_FOUND, body).unwrap_err();

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
            let error = unwrap_envelope("reset_token", StatusCode::OK, body).unwrap_err();

            assert_eq!(error.kind(), "unexpected_answer", "{body:?}");
        }
    }

    #[test]
    fn success_false_without_codes_is_not_taken_for_success() {
        let error =
            unwrap_envelope("reset_token", StatusCode::OK, br#"{"success": false}"#).unwrap_err();

        assert_eq!(error.kind(), "unexpected_answer");
    }
}
