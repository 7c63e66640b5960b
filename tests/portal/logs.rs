//! The logs of a whole round trip, from the real binary in demo mode,
//! hold no password, key, cookie or one-time token.

use std::fs::File;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use actix_web::http::StatusCode;
use priceplan_portal::demo::{DEMO_EMAIL, DEMO_PASSWORD};
use priceplan_portal::sandbox::DEMO_MANAGER_PASSWORD;

use super::common::{Browser, TempDatabase};

const SESSION_KEY: &str = "log-scan-session-key-0123456789-log-scan-session-key-0123456789-xyz";

/// The portal process; killed when dropped, even if the test fails.
struct Portal(Child);

impl Drop for Portal {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[actix_web::test]
async fn a_full_round_trip_leaves_no_secret_in_the_logs() {
    let database = TempDatabase::new();
    let log_path = std::env::temp_dir().join(format!("portal-log-scan-{}.log", std::process::id()));
    let log = File::create(&log_path).unwrap();
    let portal = Portal(
        Command::new(env!("CARGO_BIN_EXE_priceplan-portal"))
            .env_clear()
            .env("PORTAL_LISTEN", "127.0.0.1:0")
            .env("PORTAL_SANDBOX_LISTEN", "127.0.0.1:0")
            .env("PORTAL_DATABASE_URL", database.url())
            .env("PORTAL_SESSION_KEY", SESSION_KEY)
            .env("RUST_LOG", "trace")
            .stdout(Stdio::from(log.try_clone().unwrap()))
            .stderr(Stdio::from(log))
            .spawn()
            .unwrap(),
    );
    let url = wait_for_portal_url(&log_path);
    let browser = Browser::new(&url);

    let signed_in = browser.sign_in(DEMO_EMAIL, DEMO_PASSWORD).await;
    let page = browser.get("/pa").await;
    let redirect = browser.get("/pa/redirect-to-pp").await;
    let cabinet = Browser::new("");
    let opened = cabinet
        .get_with_referer(redirect.location(), &format!("{url}/"))
        .await;
    let shown = cabinet
        .get_with_referer(
            &absolute(redirect.location(), opened.location()),
            &format!("{url}/"),
        )
        .await;
    browser.sign_out().await;
    actix_web::rt::time::sleep(Duration::from_millis(200)).await;
    drop(portal);

    assert_eq!(signed_in.status, StatusCode::SEE_OTHER);
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(redirect.status, StatusCode::FOUND);
    assert_eq!(shown.status, StatusCode::OK, "the cabinet opened");
    let token = redirect
        .location()
        .rsplit("/auth-key/")
        .next()
        .unwrap()
        .trim_end_matches('/');
    let logs = std::fs::read_to_string(&log_path).unwrap();
    let _ = std::fs::remove_file(&log_path);
    let banner = format!("Sign in as {DEMO_EMAIL} with the password {DEMO_PASSWORD}");
    let logs = logs.replace(&banner, "");
    assert!(logs.contains("signed in"), "the logs were captured: {logs}");
    let secrets = [
        ("the demo password", DEMO_PASSWORD.to_string()),
        ("the Manager password", DEMO_MANAGER_PASSWORD.to_string()),
        ("the session key", SESSION_KEY.to_string()),
        ("the one-time token", token.to_string()),
        ("the portal cookie", browser.cookie_seen("portal_session")),
        ("the cabinet cookie", cabinet.cookie_seen("lk_session")),
    ];
    for (what, secret) in secrets {
        assert!(secret.len() >= 8, "{what} was captured");
        assert!(!logs.contains(&secret), "{what} is in the logs");
    }
}

/// Reads the portal's address from its start-up banner.
fn wait_for_portal_url(log_path: &std::path::Path) -> String {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(20) {
        let logs = std::fs::read_to_string(log_path).unwrap_or_default();
        if let Some(line) = logs.lines().find(|line| line.starts_with("Portal:")) {
            let url = line.split_whitespace().nth(1).unwrap();
            return url.trim_end_matches('/').to_string();
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("the portal did not start");
}

/// `location` (a path or a URL) resolved against the origin of `base`.
fn absolute(base: &str, location: &str) -> String {
    if location.starts_with("http") {
        return location.to_string();
    }
    let origin: String = base.splitn(4, '/').take(3).collect::<Vec<_>>().join("/");
    format!("{origin}{location}")
}
