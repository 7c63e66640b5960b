//! Random bodies against the form handlers: whatever arrives, the portal
//! answers without a server error and stores only accounts it accepted.

use actix_web::http::StatusCode;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::common::{Browser, spawn_portal};

const REQUESTS: usize = 240;

/// A random form value: empty, plain, very long, with NUL bytes, or bytes
/// that are not UTF-8 once decoded.
fn value(rng: &mut StdRng) -> String {
    match rng.random_range(0..7) {
        0 => String::new(),
        1 => "ann@example.com".into(),
        2 => "x".repeat(rng.random_range(1..20_000)),
        3 => "a%00b%00@example.com".into(),
        4 => "%FF%FE%FD".into(),
        5 => (0..rng.random_range(1..64))
            .map(|_| format!("%{:02X}", rng.random::<u8>()))
            .collect(),
        _ => "a long enough password".into(),
    }
}

/// A random urlencoded body with some of the fields, maybe some twice.
fn body(rng: &mut StdRng, csrf_token: &str) -> Vec<u8> {
    let fields = [
        "email",
        "password",
        "display_name",
        "next",
        "csrf_token",
        "extra",
    ];
    let mut pairs = Vec::new();
    for _ in 0..rng.random_range(0..8) {
        let name = fields[rng.random_range(0..fields.len())];
        let value = if name == "csrf_token" && rng.random_bool(0.7) {
            csrf_token.to_string()
        } else {
            value(rng)
        };
        pairs.push(format!("{name}={value}"));
    }
    if rng.random_bool(0.1) {
        return (0..rng.random_range(0..2_000))
            .map(|_| rng.random())
            .collect();
    }
    pairs.join("&").into_bytes()
}

/// The session's form token, from the sign-up form or, once signed in,
/// from the cabinet page's sign-out form.
async fn current_csrf_token(browser: &Browser) -> String {
    let form = browser.get("/sign-up").await;
    match form.status {
        StatusCode::OK => form.csrf_token(),
        _ => browser.get("/pa").await.csrf_token(),
    }
}

#[actix_web::test]
async fn random_form_bodies_never_cause_a_server_error() {
    let portal = spawn_portal().await;
    let browser = portal.browser();
    let mut csrf_token = current_csrf_token(&browser).await;
    // FUZZ_SEED=N replays a run; the seed is in every failure message.
    let seed = std::env::var("FUZZ_SEED")
        .ok()
        .and_then(|seed| seed.parse().ok())
        .unwrap_or_else(rand::random::<u64>);
    eprintln!("fuzzing with FUZZ_SEED={seed}");
    let mut rng = StdRng::seed_from_u64(seed);
    let content_types = [
        "application/x-www-form-urlencoded",
        "application/json",
        "multipart/form-data; boundary=x",
        "text/plain",
        "application/x-www-form-urlencoded; charset=latin1",
    ];
    let mut accepted_sign_ups = 0;

    for _ in 0..REQUESTS {
        let path = ["/sign-up", "/sign-in", "/sign-out"][rng.random_range(0..3)];
        let content_type = content_types[rng.random_range(0..content_types.len())];
        let body = body(&mut rng, &csrf_token);

        let answer = browser.post_raw(path, content_type, body).await;

        assert!(
            answer.status.as_u16() < 500,
            "seed {seed}: {path} answered {} with {content_type}",
            answer.status
        );
        if path == "/sign-up" && answer.status == StatusCode::SEE_OTHER {
            accepted_sign_ups += 1;
        }
        if answer.status == StatusCode::SEE_OTHER {
            // Signing up, in or out starts a new session with a new token.
            csrf_token = current_csrf_token(&browser).await;
        }
    }

    assert_eq!(portal.user_count().await, accepted_sign_ups, "seed {seed}");
    assert_eq!(browser.get("/sign-in").await.status.as_u16() / 100, 2);
}
