//! Starting a portal and a sandbox on random loopback ports, each test with
//! a fresh SQLite file, and a small cookie-keeping browser to talk to them.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use actix_web::cookie::Cookie;
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderMap};
use priceplan_portal::config::Settings;
use priceplan_portal::priceplan::{CustomerIds, PricePlanShared};
use priceplan_portal::sandbox::{self, Sandbox, SandboxSettings};
use priceplan_portal::startup::{Application, origin_of};
use sqlx::SqlitePool;

pub const PASSWORD: &str = "a long enough password";
const SESSION_KEY: &str = "test-session-key-test-session-key-test-session-key-test-session-key";

/// A running portal, its database and the sandbox it talks to.
pub struct TestPortal {
    pub url: String,
    pub db: SqlitePool,
    pub sandbox: Sandbox,
    pub sandbox_url: String,
    pub priceplan: Arc<PricePlanShared>,
    _database: TempDatabase,
}

/// A sandbox on its own loopback port.
pub fn spawn_sandbox() -> (Sandbox, String) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a port for the sandbox");
    let url = origin_of(listener.local_addr().expect("sandbox address"));
    let sandbox = Sandbox::new(SandboxSettings::demo("http://127.0.0.1:1"));
    actix_web::rt::spawn(sandbox.serve(listener).expect("start the sandbox"));
    (sandbox, url)
}

/// Settings for a portal on a random port that uses the PricePlan at `url`,
/// read the way the portal reads its environment.
pub fn settings_for(url: &str, database_url: String) -> Settings {
    let vars = [
        ("PORTAL_LISTEN", "127.0.0.1:0"),
        ("PORTAL_DATABASE_URL", &database_url),
        ("PORTAL_SESSION_KEY", SESSION_KEY),
        ("PORTAL_SECURE_COOKIES", "false"),
        // Tests load the frame far more often than a person; one test sets it.
        ("PORTAL_REDIRECTS_PER_MINUTE", "0"),
        ("PRICEPLAN_URL", url),
        ("PRICEPLAN_MANAGER_LOGIN", sandbox::DEMO_MANAGER_LOGIN),
        ("PRICEPLAN_MANAGER_PASSWORD", sandbox::DEMO_MANAGER_PASSWORD),
        ("PRICEPLAN_CONNECT_TIMEOUT_MS", "2000"),
        ("PRICEPLAN_TIMEOUT_MS", "3000"),
    ];
    Settings::from_vars(|name| {
        vars.iter()
            .find(|(key, _)| *key == name)
            .map(|(_, value)| value.to_string())
    })
    .expect("valid test settings")
}

/// Starts a sandbox and a portal using it.
pub async fn spawn_portal() -> TestPortal {
    spawn_portal_with(|_| {}).await
}

/// Starts a sandbox and a portal using it, with settings changed by `adjust`.
pub async fn spawn_portal_with(adjust: impl FnOnce(&mut Settings)) -> TestPortal {
    let (sandbox, sandbox_url) = spawn_sandbox();
    let database = TempDatabase::new();
    let mut settings = settings_for(&sandbox_url, database.url());
    adjust(&mut settings);

    let app = Application::build(settings)
        .await
        .expect("build the portal");
    let url = origin_of(app.address());
    sandbox.set_allowed_origins(vec![url.clone()]);
    let db = app.db();
    let priceplan = app.priceplan();
    actix_web::rt::spawn(app.run_until_stopped());

    TestPortal {
        url,
        db,
        sandbox,
        sandbox_url,
        priceplan,
        _database: database,
    }
}

impl TestPortal {
    /// A new visitor with no cookies.
    pub fn browser(&self) -> Browser {
        Browser::new(&self.url)
    }

    /// A visitor who registered and is signed in, with a fresh email.
    pub async fn signed_in_browser(&self) -> (Browser, String) {
        let browser = self.browser();
        let email = unique_email();
        let page = browser.sign_up(&email, "Test Customer", PASSWORD).await;
        assert_eq!(
            page.status,
            StatusCode::SEE_OTHER,
            "sign-up failed: {}",
            page.body
        );
        (browser, email)
    }

    /// A signed-in visitor whose account is linked to a new sandbox client.
    pub async fn linked_browser(&self) -> (Browser, CustomerIds) {
        let (browser, email) = self.signed_in_browser().await;
        let client = self.sandbox.add_client("Linked Customer Ltd");
        let ids = CustomerIds {
            user_id: client.user_id,
            client_id: client.client_id,
        };
        let linked = priceplan_portal::accounts::store::link_priceplan(&self.db, &email, ids)
            .await
            .expect("link the account");
        assert!(linked);
        (browser, ids)
    }

    /// How many accounts the database holds.
    pub async fn user_count(&self) -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM users")
            .fetch_one(&self.db)
            .await
            .expect("count users")
    }
}

/// An email no other test uses.
pub fn unique_email() -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    format!("customer{n}-{}@example.com", std::process::id())
}

/// A SQLite file in the temp folder, removed with its side files on drop.
pub struct TempDatabase(PathBuf);

impl TempDatabase {
    pub fn new() -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let name = format!(
            "portal-test-{}-{}.db",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        Self(std::env::temp_dir().join(name))
    }

    pub fn url(&self) -> String {
        format!("sqlite:{}", self.0.display())
    }

    pub fn path(&self) -> &std::path::Path {
        &self.0
    }
}

impl Drop for TempDatabase {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", self.0.display()));
        }
    }
}

/// An answer read whole.
pub struct Page {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Page {
    pub fn header(&self, name: header::HeaderName) -> &str {
        self.headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .unwrap_or("")
    }

    pub fn location(&self) -> &str {
        self.header(header::LOCATION)
    }

    /// The value of the first hidden `csrf_token` field.
    pub fn csrf_token(&self) -> String {
        let marker = "name=\"csrf_token\" value=\"";
        let start = self.body.find(marker).expect("a form with a csrf token") + marker.len();
        let end = self.body[start..].find('"').expect("end of the token") + start;
        self.body[start..end].to_string()
    }
}

/// A visitor: sends requests to one origin and keeps its cookies.
pub struct Browser {
    base: String,
    http: awc::Client,
    cookies: RefCell<BTreeMap<String, String>>,
    seen: RefCell<BTreeMap<String, String>>,
    forwarded_for: RefCell<Option<String>>,
}

impl Browser {
    pub fn new(base: &str) -> Self {
        Self {
            base: base.to_string(),
            http: awc::Client::builder()
                .disable_redirects()
                .timeout(Duration::from_secs(20))
                .finish(),
            cookies: RefCell::new(BTreeMap::new()),
            seen: RefCell::new(BTreeMap::new()),
            forwarded_for: RefCell::new(None),
        }
    }

    pub async fn get(&self, path: &str) -> Page {
        let request = self.with_cookies(self.http.get(format!("{}{path}", self.base)));
        self.read(request.send().await).await
    }

    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let request = self.with_cookies(self.http.post(format!("{}{path}", self.base)));
        self.read(request.send_form(&fields).await).await
    }

    /// Posts a raw body with the given content type.
    pub async fn post_raw(&self, path: &str, content_type: &str, body: Vec<u8>) -> Page {
        let request = self
            .with_cookies(self.http.post(format!("{}{path}", self.base)))
            .insert_header((header::CONTENT_TYPE, content_type.to_string()));
        self.read(request.send_body(body).await).await
    }

    pub async fn sign_up(&self, email: &str, name: &str, password: &str) -> Page {
        let token = self.get("/sign-up").await.csrf_token();
        let form = [
            ("email", email),
            ("display_name", name),
            ("password", password),
            ("csrf_token", &token),
        ];
        self.post_form("/sign-up", &form).await
    }

    pub async fn sign_in(&self, email: &str, password: &str) -> Page {
        let token = self.get("/sign-in").await.csrf_token();
        let form = [
            ("email", email),
            ("password", password),
            ("csrf_token", &token),
        ];
        self.post_form("/sign-in", &form).await
    }

    pub async fn sign_out(&self) -> Page {
        let token = self.get("/pa").await.csrf_token();
        self.post_form("/sign-out", &[("csrf_token", &token)]).await
    }

    /// The value of the cookie of this name, if the browser holds one.
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.cookies.borrow().get(name).cloned()
    }

    /// The last value the server set for this cookie, even if since removed.
    pub fn cookie_seen(&self, name: &str) -> String {
        self.seen.borrow().get(name).cloned().unwrap_or_default()
    }

    /// Sends a GET to a full URL with a `Referer`, as a frame does.
    pub async fn get_with_referer(&self, url: &str, referer: &str) -> Page {
        let request = self
            .with_cookies(self.http.get(url))
            .insert_header((header::REFERER, referer.to_string()));
        self.read(request.send().await).await
    }

    /// Puts a cookie into the jar, as a thief with a copy would.
    pub fn set_cookie(&self, name: &str, value: &str) {
        self.cookies
            .borrow_mut()
            .insert(name.to_string(), value.to_string());
    }

    /// Sends `X-Forwarded-For: address` from now on, as a proxy would.
    pub fn forwarded_for(&self, address: &str) {
        *self.forwarded_for.borrow_mut() = Some(address.to_string());
    }

    fn with_cookies(&self, mut request: awc::ClientRequest) -> awc::ClientRequest {
        if let Some(address) = self.forwarded_for.borrow().as_deref() {
            request = request.insert_header(("X-Forwarded-For", address.to_string()));
        }
        let cookies = self.cookies.borrow();
        if cookies.is_empty() {
            return request;
        }
        let header: Vec<String> = cookies.iter().map(|(k, v)| format!("{k}={v}")).collect();
        request.insert_header((header::COOKIE, header.join("; ")))
    }

    async fn read(
        &self,
        sent: Result<
            awc::ClientResponse<
                impl futures_util::Stream<
                    Item = Result<actix_web::web::Bytes, awc::error::PayloadError>,
                > + Unpin,
            >,
            awc::error::SendRequestError,
        >,
    ) -> Page {
        let mut response = sent.expect("the server answers");
        for value in response.headers().get_all(header::SET_COOKIE) {
            let Some(cookie) = value
                .to_str()
                .ok()
                .and_then(|v| Cookie::parse(v.to_owned()).ok())
            else {
                continue;
            };
            let removed = cookie.value().is_empty()
                || cookie
                    .max_age()
                    .is_some_and(|age| age.is_zero() || age.is_negative());
            let mut cookies = self.cookies.borrow_mut();
            if removed {
                cookies.remove(cookie.name());
            } else {
                cookies.insert(cookie.name().to_string(), cookie.value().to_string());
                self.seen
                    .borrow_mut()
                    .insert(cookie.name().to_string(), cookie.value().to_string());
            }
        }
        let body = response
            .body()
            .limit(4 * 1024 * 1024)
            .await
            .expect("a readable body");
        Page {
            status: response.status(),
            headers: response.headers().clone(),
            body: String::from_utf8_lossy(&body).into_owned(),
        }
    }
}

/// Follows the portal's redirect into the sandbox cabinet, as the frame does,
/// with the portal's origin as the referrer.
pub async fn open_cabinet(portal: &TestPortal, location: &str) -> Page {
    let referer = format!("{}/", portal.url);
    Browser::new("").get_with_referer(location, &referer).await
}
