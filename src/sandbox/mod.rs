//! The built-in PricePlan sandbox: a stand-in for PricePlan's API and customer cabinet.
//!
//! It lets the portal, its tests and its demos run without the real PricePlan. One
//! [`Sandbox`] serves, on the routes that [`Sandbox::configure`] registers:
//!
//! - the API under `/api/` (see [`api`] for the calls), answering the PricePlan envelope
//!   `{"success": true, "data": ...}` or `{"success": false, "errors": [{"code", "message"}]}`;
//!   a call without a valid `sessionid` cookie or the right API key and password (HTTP Basic
//!   authentication) gets HTTP 401 with error code [`NOT_AUTHENTICATED`] and the message
//!   "not authenticated";
//! - the customer cabinet: `/auth-key/TOKEN/` (the one-time sign-in link) and `/cabinet/`;
//! - `/static/…`: the iframe-resizer v4 child script and the cabinet's CSS and JS;
//! - `/`: a page saying what this is;
//! - `/_sandbox/…`: a control surface for tests and demos (see [`control`]). It is for
//!   sandbox use only and needs no credentials: never expose a sandbox beyond loopback.
//!
//! State lives in memory and is gone when the process ends.

pub mod api;
mod assets;
mod cabinet;
pub mod control;
mod data;
mod envelope;
mod origin;
mod pages;
mod settings;
mod state;

use std::net::TcpListener;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use actix_web::{App, HttpServer, dev::Server, web};
use serde_json::Map;

pub use envelope::NOT_AUTHENTICATED;
pub use settings::SandboxSettings;
use state::State;

/// Login of the demo Manager service user.
pub const DEMO_MANAGER_LOGIN: &str = "manager@sandbox.example";
/// Password of the demo Manager service user.
pub const DEMO_MANAGER_PASSWORD: &str = "sandbox-manager-password";
/// API key that the sandbox accepts with HTTP Basic authentication by default.
pub const DEMO_API_KEY: &str = "sandbox-api-key";
/// API password that goes with [`DEMO_API_KEY`].
pub const DEMO_API_PASSWORD: &str = "sandbox-api-password";
/// Id of the seeded demo client, "Demo Customer LLC".
pub const DEMO_CLIENT_ID: i64 = 101;
/// Id of the PricePlan user attached to the demo client.
pub const DEMO_USER_ID: i64 = 201;
/// Name of the seeded demo client.
pub const DEMO_CLIENT_NAME: &str = "Demo Customer LLC";

/// A running sandbox's shared state: a cheap-to-clone handle, `Send + Sync`.
#[derive(Clone)]
pub struct Sandbox {
    inner: Arc<Inner>,
}

struct Inner {
    manager_login: String,
    manager_password: String,
    /// The whole `Basic` credentials part that API calls may carry instead of a session.
    basic_credentials: String,
    token_lifetime: Duration,
    state: Mutex<State>,
}

/// Identifiers of a client created in the sandbox.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct SandboxClient {
    /// The PricePlan client (the billed party).
    pub client_id: i64,
    /// The PricePlan user attached to it, for `reset_token`.
    pub user_id: i64,
}

/// Counters of what the sandbox was asked, for tests.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SandboxStats {
    /// `POST /api/login` calls that signed in.
    pub logins: u64,
    /// `POST /api/login` calls that did not (wrong credentials or a malformed body).
    pub failed_logins: u64,
    /// API calls accepted with HTTP Basic authentication (API key and password).
    pub basic_auth_calls: u64,
    /// API calls refused because their Basic credentials were wrong.
    pub refused_basic_auths: u64,
    /// Signed-in calls to `reset_token`, whatever their outcome.
    pub reset_token_calls: u64,
    /// Signed-in `GET` calls to `auth-key`, whatever their outcome.
    pub auth_key_reads: u64,
    /// Signed-in `POST` calls to `auth-key`, whatever their outcome.
    pub auth_key_issues: u64,
    /// Every request under `/api/`, including logins and faulted answers.
    pub api_calls: u64,
    /// Tokens accepted by `/auth-key/TOKEN/`, each starting a cabinet session.
    pub cabinet_sign_ins: u64,
}

/// A fault the sandbox API injects into every `/api/` answer until cleared.
#[derive(Clone, Debug, PartialEq, serde::Deserialize, serde::Serialize)]
pub enum Fault {
    /// Answer normally after the delay.
    Slow(Duration),
    /// HTTP 500 with a plain-text body.
    ServerError,
    /// HTTP 200 with an HTML page instead of JSON.
    HtmlPage,
    /// HTTP 200 `application/json` whose body is not valid JSON.
    Garbage,
    /// `{"success": true, "data": {}}`.
    EmptyData,
}

impl Sandbox {
    /// A sandbox seeded with the demo client ([`DEMO_CLIENT_ID`], [`DEMO_USER_ID`]).
    pub fn new(settings: SandboxSettings) -> Self {
        let mut state = State::new(cabinet::clean_origins(settings.allowed_origins));
        state.add_client(DEMO_CLIENT_NAME, 1, Map::new());
        let basic = crate::http_auth::basic_header(&settings.api_key, &settings.api_password);
        let basic_credentials = crate::http_auth::basic_credentials(&basic)
            .unwrap_or_default()
            .to_owned();
        Self {
            inner: Arc::new(Inner {
                manager_login: settings.manager_login,
                manager_password: settings.manager_password,
                basic_credentials,
                token_lifetime: settings.token_lifetime,
                state: Mutex::new(state),
            }),
        }
    }

    /// A new client with a user, and some made-up cabinet data.
    pub fn add_client(&self, name: &str) -> SandboxClient {
        let mut state = self.state();
        let client = state.add_client(name, 1, Map::new());
        SandboxClient {
            client_id: client.id,
            user_id: client.user_id,
        }
    }

    /// What the sandbox was asked so far.
    pub fn stats(&self) -> SandboxStats {
        self.state().stats
    }

    /// Makes every Manager API session invalid; later calls need a new login.
    pub fn expire_sessions(&self) {
        self.state().expire_manager_sessions();
        tracing::info!("sandbox: all manager sessions expired");
    }

    /// Sets (or with `None` clears) the fault injected into every `/api/` answer.
    pub fn set_fault(&self, fault: Option<Fault>) {
        tracing::info!(?fault, "sandbox: API fault set");
        self.state().fault = fault;
    }

    /// Replaces the origins allowed to embed the cabinet; values that are not origins
    /// (nor `*`) are dropped with a warning.
    pub fn set_allowed_origins(&self, origins: Vec<String>) {
        let origins = cabinet::clean_origins(origins);
        tracing::info!(?origins, "sandbox: allowed origins set");
        self.state().allowed_origins = origins;
    }

    /// Registers all sandbox routes (API, cabinet pages, static script, control surface).
    ///
    /// The routes start at `/`, so give the sandbox an `App` (and an origin) of its own.
    pub fn configure(&self, cfg: &mut web::ServiceConfig) {
        cfg.app_data(web::Data::new(self.clone()));
        api::configure(cfg);
        control::configure(cfg);
        cabinet::configure(cfg);
        assets::configure(cfg);
    }

    /// Starts an `HttpServer` on the listener (the caller binds it; port 0 works) with two
    /// workers and returns it, not awaited, so the caller can spawn it.
    pub fn serve(&self, listener: TcpListener) -> std::io::Result<Server> {
        let sandbox = self.clone();
        let server = HttpServer::new(move || {
            let sandbox = sandbox.clone();
            App::new().configure(move |cfg| sandbox.configure(cfg))
        })
        .workers(2)
        .listen(listener)?
        .run();
        Ok(server)
    }

    /// Locks the state; a panic in another holder does not make the sandbox unusable.
    fn state(&self) -> MutexGuard<'_, State> {
        self.inner
            .state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
