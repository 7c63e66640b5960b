//! `doctor` against a sandbox: the library function the command runs, with
//! its report captured as text.

use std::collections::HashMap;

use priceplan_portal::doctor::{self, Report, TokenSubject};
use priceplan_portal::sandbox;

use super::common::spawn_sandbox;

const SESSION_KEY: &str = "doctor-session-key-doctor-session-key-doctor-session-key-doctor-key";

/// Environment variables for `doctor` against the sandbox at `url`.
fn doctor_vars(url: &str, extra: &[(&str, &str)]) -> HashMap<String, String> {
    let mut vars: HashMap<String, String> = [
        ("PRICEPLAN_URL", url),
        ("PRICEPLAN_MANAGER_LOGIN", sandbox::DEMO_MANAGER_LOGIN),
        ("PRICEPLAN_MANAGER_PASSWORD", sandbox::DEMO_MANAGER_PASSWORD),
        ("PORTAL_SESSION_KEY", SESSION_KEY),
        ("PRICEPLAN_TIMEOUT_MS", "3000"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    for (name, value) in extra {
        vars.insert(name.to_string(), value.to_string());
    }
    vars
}

async fn run_doctor(vars: HashMap<String, String>, subject: Option<TokenSubject>) -> Report {
    doctor::diagnose(move |name| vars.get(name).cloned(), subject).await
}

#[actix_web::test]
async fn doctor_passes_against_a_working_priceplan_and_prints_the_values_it_needs() {
    let (sandbox, url) = spawn_sandbox();
    let vars = doctor_vars(&url, &[("PORTAL_PUBLIC_URL", "https://portal.example.com")]);

    let report = run_doctor(vars, Some(TokenSubject::User(sandbox::DEMO_USER_ID))).await;

    let text = report.to_string();
    assert!(report.passed(), "{text}");
    assert!(
        text.contains("[ok  ] the Manager signs in to PricePlan"),
        "{text}"
    );
    assert!(
        text.contains("a one-time token was issued for user 201"),
        "{text}"
    );
    assert!(
        text.contains("\"Available domains\": must contain portal.example.com"),
        "{text}"
    );
    assert!(
        text.contains("Allowed iframe source: https://portal.example.com"),
        "{text}"
    );
    assert!(!text.contains(sandbox::DEMO_MANAGER_PASSWORD));
    let long_secret = |word: &str| word.len() >= 32 && word.chars().all(char::is_alphanumeric);
    assert!(
        !text.split(|c: char| !c.is_alphanumeric()).any(long_secret),
        "{text}"
    );
    assert_eq!(sandbox.stats().reset_token_calls, 1);
}

#[actix_web::test]
async fn doctor_fails_on_a_wrong_password_and_names_what_to_change() {
    let (_sandbox, url) = spawn_sandbox();
    let vars = doctor_vars(&url, &[("PRICEPLAN_MANAGER_PASSWORD", "not-the-password")]);

    let report = run_doctor(vars, Some(TokenSubject::User(sandbox::DEMO_USER_ID))).await;

    let text = report.to_string();
    assert!(!report.passed());
    assert!(
        text.contains("[FAIL] PricePlan refused the Manager sign-in"),
        "{text}"
    );
    assert!(text.contains("PRICEPLAN_MANAGER_PASSWORD"), "{text}");
    assert!(!text.contains("not-the-password"), "{text}");
    assert!(!text.contains("token was issued"), "{text}");
}

#[actix_web::test]
async fn doctor_fails_on_an_unknown_user_id() {
    let (_sandbox, url) = spawn_sandbox();

    let report = run_doctor(doctor_vars(&url, &[]), Some(TokenSubject::User(999_999))).await;

    let text = report.to_string();
    assert!(!report.passed());
    assert!(text.contains("6 (object not found)"), "{text}");
    assert!(text.contains("PricePlan has no such id"), "{text}");
}

#[actix_web::test]
async fn doctor_checks_a_client_key_in_basic_auth_mode() {
    let (sandbox, url) = spawn_sandbox();
    let vars = doctor_vars(
        &url,
        &[
            ("PRICEPLAN_AUTH", "basic"),
            ("PRICEPLAN_API_KEY", sandbox::DEMO_API_KEY),
            ("PRICEPLAN_API_PASSWORD", sandbox::DEMO_API_PASSWORD),
            ("PRICEPLAN_TOKEN_MODE", "auth-key"),
        ],
    );

    let report = run_doctor(vars, Some(TokenSubject::Client(sandbox::DEMO_CLIENT_ID))).await;

    let text = report.to_string();
    assert!(report.passed(), "{text}");
    assert!(
        text.contains("a one-time token was issued for client 101"),
        "{text}"
    );
    assert_eq!(sandbox.stats().logins, 0);
    assert!(sandbox.stats().basic_auth_calls >= 1);
}

#[actix_web::test]
async fn doctor_without_the_portal_url_or_an_id_says_what_to_set() {
    let (_sandbox, url) = spawn_sandbox();

    let report = run_doctor(doctor_vars(&url, &[]), None).await;

    let text = report.to_string();
    assert!(report.passed(), "{text}");
    assert!(
        text.contains("[WARN] PORTAL_PUBLIC_URL is not set"),
        "{text}"
    );
    assert!(text.contains("[skip] token: pass --user-id N"), "{text}");
}

#[actix_web::test]
async fn doctor_fails_on_missing_settings_and_on_an_unreachable_host() {
    let closed_port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port();
    let dead = format!("http://127.0.0.1:{closed_port}");
    let mut no_key = doctor_vars(&dead, &[]);
    no_key.remove("PORTAL_SESSION_KEY");

    let missing = run_doctor(no_key, None).await.to_string();
    let unreachable = run_doctor(doctor_vars(&dead, &[]), None).await;

    assert!(
        missing.contains("[FAIL] settings: PORTAL_SESSION_KEY is not set"),
        "{missing}"
    );
    assert!(!unreachable.passed());
    let text = unreachable.to_string();
    assert!(
        text.contains(&format!("127.0.0.1:{closed_port} is not reachable")),
        "{text}"
    );
}
