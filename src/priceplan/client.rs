//! The HTTP client that authenticates to PricePlan and asks it for tokens.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, Once};
use std::time::Instant;

use awc::http::{Method, StatusCode, header};
use serde_json::{Value, json};

use crate::config::{PricePlanAuth, PricePlanSettings, TokenMode};
use crate::http_auth;
use crate::priceplan::answer::{self, body_error, send_error, token_at};
use crate::priceplan::{CallStats, CredentialKind, ManagerSessions, OneTimeToken, PricePlanError};

/// The largest answer body the portal reads from PricePlan.
pub const MAX_ANSWER_BYTES: usize = 256 * 1024;

/// The PricePlan ids of one customer, as kept in the portal's profile.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CustomerIds {
    /// The PricePlan user (the cabinet login) attached to the client.
    pub user_id: i64,
    /// The PricePlan client (the billed party).
    pub client_id: i64,
}

/// State shared by the clients of all workers: settings, the Manager
/// session (with its single-flight sign-in) and call counters.
#[derive(Debug)]
pub struct PricePlanShared {
    settings: PricePlanSettings,
    sessions: ManagerSessions,
    stats: CallStats,
    /// Per client, the fingerprint of the last login key handed to a browser.
    handed_out_keys: Mutex<HashMap<i64, [u8; 32]>>,
}

impl PricePlanShared {
    /// Shared state for one PricePlan account.
    pub fn new(settings: PricePlanSettings) -> Arc<Self> {
        Arc::new(Self {
            settings,
            sessions: ManagerSessions::default(),
            stats: CallStats::default(),
            handed_out_keys: Mutex::default(),
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
///
/// `awc::Client` is not `Send`, so each worker builds its own, with its own
/// pool of kept-alive connections to PricePlan. Whatever must be common to
/// all workers (the settings, the Manager session and its single-flight
/// sign-in, the counters) lives in the [`PricePlanShared`] they all hold.
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

/// A whole answer: status, headers and body.
type RawAnswer = (StatusCode, header::HeaderMap, Vec<u8>);

impl PricePlanClient {
    /// Builds a client for the calling worker from the shared state.
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

    /// Counters of calls, failures and sign-ins, common to all workers.
    pub fn stats(&self) -> &CallStats {
        &self.shared.stats
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
            TokenMode::UserResetToken => self.token_for_user(customer.user_id).await,
            TokenMode::ClientAuthKey => self.token_for_client(customer.client_id).await,
        }
    }

    /// Checks that PricePlan accepts the portal's credentials: the current
    /// Manager session, or a new one through the shared single-flight sign-in.
    ///
    /// With Basic authentication there is no session to check without a
    /// call, so only a refusal remembered from moments ago fails it.
    pub async fn check_credentials(&self) -> Result<(), PricePlanError> {
        let sessions = &self.shared.sessions;
        sessions.get_or_sign_in(|| self.sign_in()).await.map(drop)
    }

    /// `GET /api/users/USER_ID/reset_token/`: a new token for the user.
    pub async fn token_for_user(&self, user_id: i64) -> Result<OneTimeToken, PricePlanError> {
        let call = ApiCall {
            name: "reset_token",
            method: Method::GET,
            path: format!("/api/users/{user_id}/reset_token/"),
            body: None,
        };
        let data = self.signed_in(&call).await?;
        token_at(&data, "token", call.name)
    }

    /// The client's login key: the current one when it stays valid long
    /// enough and no browser got it yet from this portal, else a new one.
    /// So two frame loads (a reload, a second tab) never share a key.
    pub async fn token_for_client(&self, client_id: i64) -> Result<OneTimeToken, PricePlanError> {
        let path = format!("/api/clients/{client_id}/auth-key/");
        let read = ApiCall {
            name: "auth_key_read",
            method: Method::GET,
            path: path.clone(),
            body: None,
        };
        let current = self.signed_in(&read).await?;
        if super::auth_key::is_usable(&current) {
            let key = token_at(&current, "key", read.name)?;
            if self.hand_out(client_id, &key) {
                return Ok(key);
            }
        }

        let issue = ApiCall {
            name: "auth_key_issue",
            method: Method::POST,
            path,
            body: Some(json!({})),
        };
        let issued = self.signed_in(&issue).await?;
        let key = token_at(&issued, "key", issue.name)?;
        self.hand_out(client_id, &key);
        Ok(key)
    }

    /// Records `key` as handed out for the client; `false` if it already was.
    fn hand_out(&self, client_id: i64, key: &OneTimeToken) -> bool {
        let mut handed_out = self
            .shared
            .handed_out_keys
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        handed_out.insert(client_id, key.fingerprint()) != Some(key.fingerprint())
    }

    /// Makes `call` with the portal's credentials, signing in first when
    /// needed. A rejected Manager session is renewed once and the call
    /// retried; a rejected API key is remembered, so a burst asks once.
    async fn signed_in(&self, call: &ApiCall) -> Result<Value, PricePlanError> {
        let sessions = &self.shared.sessions;
        let session = sessions.get_or_sign_in(|| self.sign_in()).await?;
        match self.send(call, session.cookie_header()).await {
            Err(PricePlanError::SessionExpired { .. }) if !self.uses_manager() => {
                let first = sessions.refuse(&session, CredentialKind::ApiKey);
                let error = PricePlanError::SignInRefused {
                    repeated: !first,
                    credentials: CredentialKind::ApiKey,
                };
                if first {
                    tracing::error!(call = call.name, kind = error.kind(), "{error}");
                }
                Err(error)
            }
            Err(PricePlanError::SessionExpired { .. }) if session.renewal_futile() => {
                Err(PricePlanError::Forbidden { call: call.name })
            }
            Err(PricePlanError::SessionExpired { .. }) => {
                tracing::info!(
                    call = call.name,
                    "PricePlan ended the Manager session; signing in again"
                );
                sessions.forget(&session);
                let renewed = sessions.get_or_sign_in(|| self.sign_in()).await?;
                match self.send(call, renewed.cookie_header()).await {
                    Err(PricePlanError::SessionExpired { .. }) => {
                        renewed.refused_when_new();
                        Err(PricePlanError::Forbidden { call: call.name })
                    }
                    answer => answer,
                }
            }
            answer => answer,
        }
    }

    /// The value of the credentials header: the Manager's session cookies
    /// after a sign-in, or the Basic credentials, which need no call.
    async fn sign_in(&self) -> Result<String, PricePlanError> {
        match &self.shared.settings.auth {
            PricePlanAuth::Manager { login, password } => {
                self.manager_sign_in(login, password.expose()).await
            }
            PricePlanAuth::Basic {
                api_key,
                api_password,
            } => Ok(http_auth::basic_header(api_key, api_password.expose())),
        }
    }

    /// Signs the Manager in and returns the session's `Cookie` header value.
    async fn manager_sign_in(&self, login: &str, password: &str) -> Result<String, PricePlanError> {
        let call = ApiCall {
            name: "login",
            method: Method::POST,
            path: "/api/login".into(),
            body: Some(json!({"user": login, "password": password})),
        };
        self.shared.stats.count_sign_in();

        let started = Instant::now();
        let result = match self.request(&call, None).await {
            Ok((status, headers, body)) => answer::session_cookie(status, &headers, &body),
            Err(error) => Err(error),
        };
        self.record(&call, started, result.as_ref().err());
        match &result {
            Ok(_) => tracing::info!(
                elapsed_ms = elapsed_ms(started),
                "Manager signed in to PricePlan"
            ),
            Err(error) => tracing::error!(
                call = call.name,
                kind = error.kind(),
                elapsed_ms = elapsed_ms(started),
                "{error}"
            ),
        }
        result
    }

    /// Sends `call` with the credentials and unwraps the envelope of the answer.
    async fn send(&self, call: &ApiCall, credentials: &str) -> Result<Value, PricePlanError> {
        let started = Instant::now();
        let result = match self.request(call, Some(credentials)).await {
            Ok((status, _, body)) => answer::call_answer(call.name, status, &body),
            Err(error) => Err(error),
        };
        self.record(call, started, result.as_ref().err());
        result
    }

    /// Sends `call` and reads the whole answer within the request timeout.
    async fn request(
        &self,
        call: &ApiCall,
        credentials: Option<&str>,
    ) -> Result<RawAnswer, PricePlanError> {
        let url = format!("{}{}", self.shared.settings.api_url, call.path);
        let mut request = self.http.request(call.method.clone(), url);
        if let Some(credentials) = credentials {
            let name = match self.uses_manager() {
                true => header::COOKIE,
                false => header::AUTHORIZATION,
            };
            request = request.insert_header((name, credentials));
        }

        let exchange = async {
            let mut response = match &call.body {
                Some(body) => request.send_json(body).await,
                None => request.send().await,
            }
            .map_err(|error| send_error(call.name, error))?;
            let status = response.status();
            let body = response
                .body()
                .limit(MAX_ANSWER_BYTES)
                .await
                .map_err(|error| body_error(call.name, status, error))?;
            let headers = response.headers().clone();
            Ok((status, headers, body.to_vec()))
        };
        let timeout = self.shared.settings.request_timeout;
        match actix_web::rt::time::timeout(timeout, exchange).await {
            Ok(result) => result,
            Err(_) => Err(PricePlanError::Timeout { call: call.name }),
        }
    }

    /// Counts a finished call and logs its outcome at debug level.
    fn record(&self, call: &ApiCall, started: Instant, error: Option<&PricePlanError>) {
        let elapsed = started.elapsed();
        self.shared.stats.observe(call.name, elapsed, error);
        tracing::debug!(
            call = call.name,
            outcome = error.map_or("ok", PricePlanError::kind),
            elapsed_ms = elapsed.as_millis() as u64,
            "PricePlan answered"
        );
    }

    fn uses_manager(&self) -> bool {
        self.shared.settings.auth.is_manager()
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
