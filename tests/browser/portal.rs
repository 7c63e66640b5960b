//! A portal and its sandbox on random loopback ports of this process, each on
//! an origin of its own as in production, with a fresh SQLite file.

use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};

use priceplan_portal::config::Settings;
use priceplan_portal::priceplan::CustomerIds;
use priceplan_portal::sandbox::{self, Sandbox, SandboxSettings};
use priceplan_portal::startup::{Application, origin_of};
use sqlx::SqlitePool;

use super::housekeeping::TempDir;

/// A password the sign-up form accepts.
pub const PASSWORD: &str = "correct horse battery staple";

const SESSION_KEY: &str = "browser-test-session-key-browser-test-session-key-browser-test-key";

/// A running portal, its database and its sandbox.
pub struct TestPortal {
    /// `http://127.0.0.1:PORT` of the portal.
    pub url: String,
    pub db: SqlitePool,
    pub sandbox: Sandbox,
    /// `http://127.0.0.1:PORT` of the sandbox.
    pub sandbox_url: String,
    _folder: TempDir,
}

impl TestPortal {
    /// Starts a sandbox and a portal that uses it and may frame its cabinet.
    pub async fn spawn() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a port for the sandbox");
        let sandbox_url = origin_of(listener.local_addr().expect("the sandbox address"));
        let sandbox = Sandbox::new(SandboxSettings::demo("http://127.0.0.1:1"));
        actix_web::rt::spawn(sandbox.serve(listener).expect("start the sandbox"));

        let folder = TempDir::new("portal-browser-db");
        let database_url = format!("sqlite:{}", folder.path().join("portal.db").display());
        let app = Application::build(settings(&sandbox_url, database_url))
            .await
            .expect("build the portal");
        let url = origin_of(app.address());
        sandbox.set_allowed_origins(vec![url.clone()]);
        let db = app.db();
        actix_web::rt::spawn(app.run_until_stopped());

        Self {
            url,
            db,
            sandbox,
            sandbox_url,
            _folder: folder,
        }
    }

    /// The portal URL of `path`.
    pub fn at(&self, path: &str) -> String {
        format!("{}{path}", self.url)
    }

    /// Links the account to a new sandbox client named `client_name`.
    pub async fn link(&self, email: &str, client_name: &str) -> CustomerIds {
        let client = self.sandbox.add_client(client_name);
        let ids = CustomerIds {
            user_id: client.user_id,
            client_id: client.client_id,
        };
        let linked = priceplan_portal::accounts::store::link_priceplan(&self.db, email, ids)
            .await
            .expect("link the account");
        assert!(linked, "no account {email} to link");
        ids
    }
}

/// Settings for a portal on a random port that uses the sandbox at
/// `sandbox_url`, read the way the portal reads its environment.
fn settings(sandbox_url: &str, database_url: String) -> Settings {
    let vars = [
        ("PORTAL_LISTEN", "127.0.0.1:0"),
        ("PORTAL_DATABASE_URL", &database_url),
        ("PORTAL_SESSION_KEY", SESSION_KEY),
        ("PORTAL_SECURE_COOKIES", "false"),
        ("PRICEPLAN_URL", sandbox_url),
        ("PRICEPLAN_MANAGER_LOGIN", sandbox::DEMO_MANAGER_LOGIN),
        ("PRICEPLAN_MANAGER_PASSWORD", sandbox::DEMO_MANAGER_PASSWORD),
    ];
    Settings::from_vars(|name| {
        vars.iter()
            .find(|(key, _)| *key == name)
            .map(|(_, value)| value.to_string())
    })
    .expect("valid test settings")
}

/// An email no other test of this run uses.
pub fn unique_email(who: &str) -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    format!("{who}{n}@example.com")
}
