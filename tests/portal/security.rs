//! Hostile input against accounts, sessions and the redirect route. Each
//! test sends the request and checks both the answer and that nothing
//! changed.

use std::time::Duration;

use actix_web::http::{StatusCode, header};

use super::common::{PASSWORD, spawn_portal, spawn_portal_with, unique_email};

/// Both refusals check a password hash, so neither is an order of magnitude
/// faster than the other. The margin is wide: a refusal without hashing is
/// many times faster than one with it.
#[actix_web::test]
async fn an_unknown_email_takes_about_as_long_to_refuse_as_a_wrong_password() {
    let portal = spawn_portal().await;
    let (_, email) = portal.signed_in_browser().await;
    let browser = portal.browser();
    let median = |samples: &mut Vec<Duration>| {
        samples.sort();
        samples[samples.len() / 2]
    };
    let (mut known, mut unknown) = (Vec::new(), Vec::new());

    for _ in 0..3 {
        let started = std::time::Instant::now();
        browser.sign_in(&email, "a wrong password here").await;
        known.push(started.elapsed());
        let started = std::time::Instant::now();
        browser
            .sign_in(&unique_email(), "a wrong password here")
            .await;
        unknown.push(started.elapsed());
    }

    let (known, unknown) = (median(&mut known), median(&mut unknown));
    assert!(unknown * 3 > known, "unknown {unknown:?}, known {known:?}");
    assert!(known * 3 > unknown, "unknown {unknown:?}, known {known:?}");
}

#[actix_web::test]
async fn repeated_wrong_passwords_are_throttled_with_a_clear_wait() {
    let portal = spawn_portal().await;
    let (_, email) = portal.signed_in_browser().await;
    let browser = portal.browser();
    for _ in 0..5 {
        let refused = browser.sign_in(&email, "a wrong password here").await;
        assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    }

    let blocked = browser.sign_in(&email, PASSWORD).await;

    assert_eq!(blocked.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        blocked
            .body
            .contains("Too many failed sign-ins. Try again in")
    );
    let wait: u64 = blocked.header(header::RETRY_AFTER).parse().unwrap();
    assert!((1..=900).contains(&wait));
    assert_eq!(browser.get("/pa").await.status, StatusCode::SEE_OTHER);
}

#[actix_web::test]
async fn behind_a_trusted_proxy_the_owner_is_not_blocked_by_a_guesser_elsewhere() {
    let portal = spawn_portal_with(|settings| settings.trust_forwarded_for = true).await;
    let (_, email) = portal.signed_in_browser().await;
    let guesser = portal.browser();
    for n in 0..6 {
        // The guesser forges the first entry; the proxy appends the real one.
        guesser.forwarded_for(&format!("127.0.1.{n}, 127.0.0.5"));
        guesser.sign_in(&email, "a wrong password here").await;
    }
    let owner = portal.browser();
    owner.forwarded_for("127.0.0.6");

    let blocked = guesser.sign_in(&email, PASSWORD).await;
    let allowed = owner.sign_in(&email, PASSWORD).await;

    assert_eq!(blocked.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(allowed.status, StatusCode::SEE_OTHER);
}

#[actix_web::test]
async fn signing_in_gives_a_new_session_id() {
    let portal = spawn_portal().await;
    let (_, email) = portal.signed_in_browser().await;
    let browser = portal.browser();
    browser.get("/sign-in").await;
    let before = browser.cookie("portal_session").unwrap();

    browser.sign_in(&email, PASSWORD).await;

    let after = browser.cookie("portal_session").unwrap();
    assert_ne!(before, after);
}

#[actix_web::test]
async fn a_session_cookie_copied_before_sign_out_is_dead_afterwards() {
    let portal = spawn_portal().await;
    let (browser, _) = portal.signed_in_browser().await;
    let copied = browser.cookie("portal_session").unwrap();

    browser.sign_out().await;
    let thief = portal.browser();
    thief.set_cookie("portal_session", &copied);

    let answer = thief.get("/pa").await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert!(answer.location().starts_with("/sign-in"));
    let sessions: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM sessions WHERE state LIKE '%user_id%'")
            .fetch_one(&portal.db)
            .await
            .unwrap();
    assert_eq!(sessions, 0);
}

#[actix_web::test]
async fn a_session_unused_past_the_idle_timeout_ends() {
    let portal =
        spawn_portal_with(|settings| settings.session_idle = Duration::from_millis(400)).await;
    let (browser, _) = portal.signed_in_browser().await;
    assert_eq!(browser.get("/pa").await.status, StatusCode::OK);

    actix_web::rt::time::sleep(Duration::from_millis(700)).await;

    assert_eq!(browser.get("/pa").await.status, StatusCode::SEE_OTHER);
}

#[actix_web::test]
async fn a_busy_session_still_ends_at_its_absolute_lifetime() {
    let portal =
        spawn_portal_with(|settings| settings.session_lifetime = Duration::from_millis(900)).await;
    let (browser, _) = portal.signed_in_browser().await;

    for _ in 0..3 {
        assert_eq!(browser.get("/pa").await.status, StatusCode::OK);
        actix_web::rt::time::sleep(Duration::from_millis(200)).await;
    }
    actix_web::rt::time::sleep(Duration::from_millis(500)).await;

    assert_eq!(browser.get("/pa").await.status, StatusCode::SEE_OTHER);
}

#[actix_web::test]
async fn session_cookies_are_http_only_same_site_lax_and_secure_when_configured() {
    let plain = spawn_portal().await;
    let secure = spawn_portal_with(|settings| settings.secure_cookies = true).await;

    let plain_cookie = plain
        .browser()
        .get("/sign-in")
        .await
        .header(header::SET_COOKIE)
        .to_string();
    let secure_cookie = secure
        .browser()
        .get("/sign-in")
        .await
        .header(header::SET_COOKIE)
        .to_string();

    for cookie in [&plain_cookie, &secure_cookie] {
        assert!(cookie.starts_with("portal_session="), "{cookie}");
        assert!(cookie.contains("HttpOnly"), "{cookie}");
        assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    }
    assert!(!plain_cookie.contains("Secure"), "{plain_cookie}");
    assert!(secure_cookie.contains("Secure"), "{secure_cookie}");
}

#[actix_web::test]
async fn sign_in_and_sign_out_without_the_form_token_are_refused() {
    let portal = spawn_portal().await;
    let (signed_in, email) = portal.signed_in_browser().await;
    let visitor = portal.browser();
    visitor.get("/sign-in").await;

    let sign_in = visitor
        .post_form("/sign-in", &[("email", &email), ("password", PASSWORD)])
        .await;
    let sign_out = signed_in
        .post_form("/sign-out", &[("csrf_token", "")])
        .await;

    assert_eq!(sign_in.status, StatusCode::FORBIDDEN);
    assert_eq!(sign_out.status, StatusCode::FORBIDDEN);
    assert_eq!(visitor.get("/pa").await.status, StatusCode::SEE_OTHER);
    assert_eq!(signed_in.get("/pa").await.status, StatusCode::OK);
}

#[actix_web::test]
async fn sign_in_never_sends_visitors_to_another_site() {
    let portal = spawn_portal().await;
    let (_, email) = portal.signed_in_browser().await;
    let hostile = [
        "//evil.example",
        "https://evil.example",
        "/\\evil.example",
        "\\/evil.example",
        "%2F%2Fevil.example",
        "/%09/evil.example",
        "http:evil.example",
        " //evil.example",
        "/\t/evil.example",
    ];

    for next in hostile {
        let browser = portal.browser();
        let token = browser.get("/sign-in").await.csrf_token();
        let answer = browser
            .post_form(
                "/sign-in",
                &[
                    ("email", &email),
                    ("password", PASSWORD),
                    ("next", next),
                    ("csrf_token", &token),
                ],
            )
            .await;

        assert_eq!(answer.status, StatusCode::SEE_OTHER, "{next}");
        let location = answer.location();
        assert!(
            location == "/pa" || location.starts_with("/%"),
            "{next} led to {location}"
        );
    }
}

#[actix_web::test]
async fn two_concurrent_registrations_of_one_email_leave_one_account() {
    let portal = spawn_portal().await;
    let email = unique_email();
    let (first, second) = (portal.browser(), portal.browser());

    let (a, b) = futures_util::future::join(
        first.sign_up(&email, "First", PASSWORD),
        second.sign_up(&email, "Second", PASSWORD),
    )
    .await;

    let mut statuses = [a.status, b.status];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::SEE_OTHER, StatusCode::CONFLICT]);
    assert_eq!(portal.user_count().await, 1);
}

#[actix_web::test]
async fn oversized_and_malformed_registrations_get_clear_answers_and_store_nothing() {
    let portal = spawn_portal().await;
    let browser = portal.browser();

    let long_name = browser
        .sign_up(&unique_email(), &"n".repeat(81), PASSWORD)
        .await;
    let long_password = browser
        .sign_up(&unique_email(), "Ann", &"p".repeat(257))
        .await;
    let nul_email = browser.sign_up("ann\0@example.com", "Ann", PASSWORD).await;
    let huge_body = browser
        .sign_up(&unique_email(), &"n".repeat(40_000), PASSWORD)
        .await;

    assert!(long_name.body.contains("at most 80 characters"));
    assert!(long_password.body.contains("at most 256 characters"));
    assert!(!long_password.body.contains(&"p".repeat(257)));
    assert_eq!(nul_email.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(huge_body.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(huge_body.body.contains("too large"));
    assert_eq!(portal.user_count().await, 0);
}

#[actix_web::test]
async fn every_page_carries_the_security_headers() {
    let portal = spawn_portal().await;
    let (browser, _) = portal.linked_browser().await;

    for path in [
        "/sign-in",
        "/sign-up",
        "/pa",
        "/no-such-page",
        "/static/portal.css",
    ] {
        let answer = browser.get(path).await;

        let policy = answer.header(header::CONTENT_SECURITY_POLICY);
        assert!(policy.contains("default-src 'self'"), "{path}: {policy}");
        assert!(
            policy.contains("frame-ancestors 'none'"),
            "{path}: {policy}"
        );
        assert!(!policy.contains("unsafe-inline"), "{path}: {policy}");
        assert_eq!(answer.header(header::X_FRAME_OPTIONS), "DENY", "{path}");
        assert_eq!(
            answer.header(header::X_CONTENT_TYPE_OPTIONS),
            "nosniff",
            "{path}"
        );
        assert_eq!(
            answer.header(header::REFERRER_POLICY),
            "strict-origin-when-cross-origin",
            "{path}"
        );
    }
}

#[actix_web::test]
async fn the_token_appears_only_in_the_location_of_an_uncached_answer() {
    let portal = spawn_portal().await;
    let (browser, _) = portal.linked_browser().await;

    let answer = browser.get("/pa/redirect-to-pp").await;

    let token = answer
        .location()
        .rsplit("/auth-key/")
        .next()
        .unwrap()
        .trim_end_matches('/')
        .to_string();
    assert!(token.len() >= 16);
    assert_eq!(answer.header(header::CACHE_CONTROL), "no-store");
    assert_eq!(
        answer.header(header::REFERRER_POLICY),
        "strict-origin-when-cross-origin"
    );
    for (name, value) in answer.headers.iter() {
        if name != header::LOCATION {
            assert!(!value.to_str().unwrap_or("").contains(&token), "{name}");
        }
    }
    assert!(!answer.body.contains(&token));
}

#[actix_web::test]
async fn registrations_from_one_address_are_throttled() {
    let portal = spawn_portal().await;
    for _ in 0..10 {
        let (_, _) = portal.signed_in_browser().await;
    }

    let blocked = portal
        .browser()
        .sign_up(&unique_email(), "Eleventh", PASSWORD)
        .await;

    assert_eq!(blocked.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(blocked.body.contains("Too many registrations"));
    assert_eq!(portal.user_count().await, 10);
}

#[actix_web::test]
async fn a_visitor_who_never_signs_in_leaves_a_session_for_an_hour_at_most() {
    let portal = spawn_portal().await;

    portal.browser().get("/sign-in").await;

    let (count, longest): (i64, i64) =
        sqlx::query_as("SELECT COUNT(*), MAX(expires_at - unixepoch()) FROM sessions")
            .fetch_one(&portal.db)
            .await
            .unwrap();
    assert_eq!(count, 1);
    assert!(longest <= 3600, "{longest}");
}

#[actix_web::test]
async fn a_sign_out_on_one_instance_ends_the_session_on_another_within_seconds() {
    let database = super::common::TempDatabase::new();
    let (_sandbox, sandbox_url) = super::common::spawn_sandbox();
    let mut urls = Vec::new();
    for _ in 0..2 {
        let settings = super::common::settings_for(&sandbox_url, database.url());
        let app = priceplan_portal::startup::Application::build(settings)
            .await
            .unwrap();
        urls.push(priceplan_portal::startup::origin_of(app.address()));
        actix_web::rt::spawn(app.run_until_stopped());
    }
    let first = super::common::Browser::new(&urls[0]);
    first
        .sign_up(&unique_email(), "Two Instances", PASSWORD)
        .await;
    let second = super::common::Browser::new(&urls[1]);
    second.set_cookie("portal_session", &first.cookie("portal_session").unwrap());
    assert_eq!(second.get("/pa").await.status, StatusCode::OK);

    first.sign_out().await;
    let fresh_for = priceplan_portal::accounts::session_cache::FRESH_FOR;
    actix_web::rt::time::sleep(fresh_for + Duration::from_millis(100)).await;

    assert_eq!(second.get("/pa").await.status, StatusCode::SEE_OTHER);
}

#[actix_web::test]
async fn guessing_from_many_addresses_does_not_lock_out_the_owners_own_address() {
    let portal = spawn_portal_with(|settings| settings.trust_forwarded_for = true).await;
    let owner = portal.browser();
    owner.forwarded_for("127.0.0.6");
    let email = unique_email();
    owner.sign_up(&email, "Owner", PASSWORD).await;
    owner.sign_out().await;
    let guesser = portal.browser();
    for n in 0..55 {
        guesser.forwarded_for(&format!("127.0.2.{n}"));
        guesser.sign_in(&email, "a wrong password here").await;
    }

    let from_elsewhere = guesser.sign_in(&email, PASSWORD).await;
    let from_home = owner.sign_in(&email, PASSWORD).await;

    assert_eq!(from_elsewhere.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(from_home.status, StatusCode::SEE_OTHER);
}

#[actix_web::test]
async fn a_request_whose_body_never_finishes_is_answered_at_the_deadline_and_closed() {
    let portal =
        spawn_portal_with(|settings| settings.request_deadline = Duration::from_millis(800)).await;
    let address = portal.url.trim_start_matches("http://").to_string();

    let (answer, closed) = actix_web::rt::task::spawn_blocking(move || {
        use std::io::{Read, Write};
        let mut stream = std::net::TcpStream::connect(address).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let head = "POST /sign-in HTTP/1.1\r\nHost: portal\r\n\
                    Content-Type: application/x-www-form-urlencoded\r\n\
                    Content-Length: 100\r\n\r\nemail=a";
        stream.write_all(head.as_bytes()).unwrap();
        let mut buffer = [0u8; 4096];
        let read = stream.read(&mut buffer).unwrap_or(0);
        let answer = String::from_utf8_lossy(&buffer[..read]).into_owned();
        let mut rest = Vec::new();
        let closed = stream.read_to_end(&mut rest).is_ok();
        (answer, closed)
    })
    .await
    .unwrap();

    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(closed, "the connection was left open");
}
