//! Builds the portal (and in demo mode its sandbox) for `main`, the tests
//! and the benchmarks alike.

use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener};
use std::sync::Arc;

use actix_session::SessionMiddleware;
use actix_session::config::{BrowserSession, TtlExtensionPolicy};
use actix_web::cookie::{Key, SameSite};
use actix_web::dev::Server;
use actix_web::http::header;
use actix_web::middleware::{DefaultHeaders, from_fn};
use actix_web::{App, HttpServer, web};
use sqlx::SqlitePool;

use crate::accounts::{ClientAddress, HomePath, SessionPolicy, SignInThrottle, SqliteSessionStore};
use crate::cabinet::{CabinetSettings, RedirectLimit};
use crate::config::{PricePlanAuth, PricePlanSettings, PricePlanTarget, Settings};
use crate::deadline::{self, RequestDeadline};
use crate::health::ReadyChecks;
use crate::metrics::{MetricsAccess, RequestMetrics};
use crate::priceplan::{PricePlanClient, PricePlanShared};
use crate::sandbox::{Sandbox, SandboxSettings};
use crate::{accounts, cabinet, database, demo, health, metrics, pages};
use crate::{static_files, telemetry};

/// Security headers for every portal response that sets none of its own.
const DEFAULT_CSP: &str = "default-src 'self'; frame-ancestors 'none'; form-action 'self'; \
                           base-uri 'none'; object-src 'none'";

/// A portal bound to its port, ready to run.
pub struct Application {
    address: SocketAddr,
    server: Server,
    db: SqlitePool,
    priceplan: Arc<PricePlanShared>,
    sandbox: Option<(Sandbox, SocketAddr, Server)>,
}

/// Why the portal could not start: one line for the operator.
#[derive(Debug)]
pub struct StartupError(String);

impl std::fmt::Display for StartupError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for StartupError {}

impl Application {
    /// Opens the database, starts the sandbox in demo mode, and binds the portal.
    pub async fn build(settings: Settings) -> Result<Self, StartupError> {
        let db = database::connect(&settings.database_url)
            .await
            .map_err(|e| {
                StartupError(format!(
                    "cannot open the database {}: {e}",
                    settings.database_url
                ))
            })?;
        let listener = bind(settings.listen, "PORTAL_LISTEN")?;
        let address = local_addr(&listener)?;

        let (priceplan_settings, sandbox) = match &settings.priceplan {
            PricePlanTarget::Remote(priceplan) => (priceplan.clone(), None),
            PricePlanTarget::Demo {
                sandbox_listen,
                priceplan,
            } => {
                let (priceplan, sandbox) = start_sandbox(*sandbox_listen, address, priceplan)?;
                (priceplan, Some(sandbox))
            }
        };
        if settings.is_demo() && sandbox.is_none() {
            demo::require_sandbox(&priceplan_settings.api_url)
                .await
                .map_err(|e| StartupError(e.to_string()))?;
        }
        if settings.is_demo() {
            demo::seed_account(&db)
                .await
                .map_err(|e| StartupError(e.to_string()))?;
        } else {
            demo::refuse_account(&db)
                .await
                .map_err(|e| StartupError(e.to_string()))?;
        }

        let priceplan = PricePlanShared::new(priceplan_settings);
        let server = portal_server(&settings, listener, db.clone(), Arc::clone(&priceplan))?;
        Ok(Self {
            address,
            server,
            db,
            priceplan,
            sandbox,
        })
    }

    /// The address the portal listens on.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// The portal's database.
    pub fn db(&self) -> SqlitePool {
        self.db.clone()
    }

    /// State shared with the PricePlan clients: settings and call counts.
    pub fn priceplan(&self) -> Arc<PricePlanShared> {
        Arc::clone(&self.priceplan)
    }

    /// The built-in sandbox and its address, in demo mode.
    pub fn sandbox(&self) -> Option<(&Sandbox, SocketAddr)> {
        self.sandbox
            .as_ref()
            .map(|(sandbox, address, _)| (sandbox, *address))
    }

    /// Serves until the process is told to stop (Ctrl-C or SIGTERM).
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        match self.sandbox {
            Some((_, _, sandbox)) => {
                futures_util::future::try_join(self.server, sandbox).await?;
                Ok(())
            }
            None => self.server.await,
        }
    }
}

fn portal_server(
    settings: &Settings,
    listener: TcpListener,
    db: SqlitePool,
    priceplan: Arc<PricePlanShared>,
) -> Result<Server, StartupError> {
    let key = session_key(settings);
    let secure_cookies = settings.secure_cookies;
    let policy = SessionPolicy {
        idle: settings.session_idle,
        lifetime: settings.session_lifetime,
    };
    let throttle = web::Data::new(SignInThrottle::default());
    let redirect_limit = web::Data::new(RedirectLimit::new(settings.redirects_per_minute));
    let request_deadline = settings.request_deadline;
    let client_address = match settings.trust_forwarded_for {
        true => ClientAddress::ForwardedFor,
        false => ClientAddress::Peer,
    };
    let store = SqliteSessionStore::new(db.clone());
    let cabinet = CabinetSettings {
        prefix: settings.cabinet_prefix.clone(),
        cabinet_origin: priceplan.settings().public_url.clone(),
    };
    let home = HomePath(cabinet.prefix.clone());
    let request_metrics = web::Data::new(RequestMetrics::default());
    let metrics_access = MetricsAccess::new(
        settings.operations.metrics_token.clone(),
        settings.trust_forwarded_for,
    );
    let ready_checks = ReadyChecks {
        priceplan: settings.operations.ready_checks_priceplan,
    };

    let server = HttpServer::new(move || {
        let sessions = SessionMiddleware::builder(store.clone(), key.clone())
            .cookie_name("portal_session".into())
            .cookie_secure(secure_cookies)
            .cookie_http_only(true)
            .cookie_same_site(SameSite::Lax)
            .session_lifecycle(session_lifecycle(policy))
            .build();
        App::new()
            .wrap(sessions)
            .wrap(security_headers())
            .wrap(from_fn(telemetry::log_requests))
            .wrap(from_fn(metrics::record_requests))
            .wrap(from_fn(deadline::within_deadline))
            .wrap(from_fn(head_as_get))
            .app_data(request_metrics.clone())
            .app_data(web::Data::new(metrics_access.clone()))
            .app_data(web::Data::new(ready_checks))
            .app_data(web::Data::new(db.clone()))
            .app_data(web::Data::new(home.clone()))
            .app_data(redirect_limit.clone())
            .app_data(web::Data::new(RequestDeadline(request_deadline)))
            .app_data(web::Data::new(policy))
            .app_data(throttle.clone())
            .app_data(web::Data::new(client_address))
            .app_data(web::Data::new(cabinet.clone()))
            .app_data(web::Data::new(PricePlanClient::new(Arc::clone(&priceplan))))
            .app_data(pages::form_config())
            .app_data(pages::query_config())
            .configure(accounts::routes)
            .configure(cabinet::routes(&cabinet))
            .configure(static_files::routes)
            .configure(health::routes)
            .configure(metrics::routes)
            .default_service(web::to(pages::not_found))
    })
    .listen(listener)
    .map_err(|e| StartupError(format!("cannot serve on the portal's address: {e}")))?
    .run();
    Ok(server)
}

/// The cookie lives until the browser closes; the stored state expires
/// with the session's lifetime (a minute at least, so that a sign-in form
/// outlives its own session). The time limits of signed-in sessions are
/// checked on each request by [`crate::accounts::PortalSession`].
fn session_lifecycle(policy: SessionPolicy) -> BrowserSession {
    let lifetime = policy.lifetime.max(std::time::Duration::from_secs(60));
    let lifetime = actix_web::cookie::time::Duration::try_from(lifetime)
        .unwrap_or(actix_web::cookie::time::Duration::hours(12));
    BrowserSession::default()
        .state_ttl(lifetime)
        .state_ttl_extension_policy(TtlExtensionPolicy::OnStateChanges)
}

/// Answers `HEAD` like `GET` (load balancers probe with it); the server
/// leaves the body out because the request was a `HEAD`.
async fn head_as_get(
    mut req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody>,
) -> Result<actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>, actix_web::Error> {
    if req.method() == actix_web::http::Method::HEAD {
        req.head_mut().method = actix_web::http::Method::GET;
    }
    next.call(req).await
}

fn security_headers() -> DefaultHeaders {
    DefaultHeaders::new()
        .add((header::CONTENT_SECURITY_POLICY, DEFAULT_CSP))
        .add((header::X_FRAME_OPTIONS, "DENY"))
        .add((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .add((header::REFERRER_POLICY, "strict-origin-when-cross-origin"))
        .add((header::CACHE_CONTROL, "no-store"))
}

fn session_key(settings: &Settings) -> Key {
    match &settings.session_key {
        Some(key) => Key::from(key.bytes()),
        None => {
            tracing::warn!(
                "PORTAL_SESSION_KEY is not set: using a key generated for this run (demo mode). \
                 Sessions end when the portal restarts; set the key in production."
            );
            Key::generate()
        }
    }
}

/// Starts the built-in sandbox, allowing the portal's origin to frame it.
fn start_sandbox(
    listen: SocketAddr,
    portal: SocketAddr,
    configured: &PricePlanSettings,
) -> Result<(PricePlanSettings, (Sandbox, SocketAddr, Server)), StartupError> {
    let listener = bind(listen, "PORTAL_SANDBOX_LISTEN")?;
    let address = local_addr(&listener)?;

    let mut sandbox_settings = SandboxSettings::demo(&origin_of(portal));
    if portal.ip().is_loopback() || portal.ip().is_unspecified() {
        sandbox_settings
            .allowed_origins
            .push(format!("http://localhost:{}", portal.port()));
    }
    // The sandbox accepts the credentials the portal is configured with.
    match &configured.auth {
        PricePlanAuth::Manager { login, password } => {
            sandbox_settings.manager_login = login.clone();
            sandbox_settings.manager_password = password.expose().clone();
        }
        PricePlanAuth::Basic {
            api_key,
            api_password,
        } => {
            sandbox_settings.api_key = api_key.clone();
            sandbox_settings.api_password = api_password.expose().clone();
        }
    }
    let sandbox = Sandbox::new(sandbox_settings);
    let server = sandbox
        .serve(listener)
        .map_err(|e| StartupError(format!("cannot serve the sandbox: {e}")))?;

    let url = origin_of(address);
    let priceplan = PricePlanSettings {
        api_url: url.clone(),
        public_url: url,
        ..configured.clone()
    };
    Ok((priceplan, (sandbox, address, server)))
}

/// `http://IP:PORT` of a local address, as a browser on this machine reaches it.
pub fn origin_of(address: SocketAddr) -> String {
    let ip = match address.ip() {
        ip if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        ip => ip,
    };
    format!("http://{}", SocketAddr::new(ip, address.port()))
}

fn bind(address: SocketAddr, variable: &str) -> Result<TcpListener, StartupError> {
    TcpListener::bind(address)
        .map_err(|e| StartupError(format!("cannot listen on {address} ({variable}): {e}")))
}

fn local_addr(listener: &TcpListener) -> Result<SocketAddr, StartupError> {
    listener
        .local_addr()
        .map_err(|e| StartupError(format!("cannot read the listening address: {e}")))
}
