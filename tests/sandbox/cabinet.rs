//! The cabinet: sign-in links, the available-domains check, pages and their headers.

use std::time::Duration;

use actix_web::http::StatusCode;
use priceplan_portal::sandbox::{DEMO_USER_ID, SandboxSettings};
use serde_json::json;

use crate::common::{PORTAL, spawn, spawn_with};

const DOMAINS_MESSAGE: &str =
    "Your host is not included in available domains. Please, check your account settings.";

#[actix_web::test]
async fn a_reset_token_opens_the_demo_cabinet_exactly_once() {
    let sandbox = spawn();
    let token = sandbox.reset_token(DEMO_USER_ID).await;

    let first = sandbox
        .open_link(&token, Some("http://127.0.0.1:8080/cabinet"))
        .await;
    let second = sandbox.open_link(&token, Some(PORTAL)).await;
    let cabinet = sandbox.cabinet_after(&first).await;

    assert_eq!(first.status, StatusCode::FOUND);
    assert_eq!(first.header("location"), Some("/cabinet/"));
    let cookie = first.cookie("lk_session").expect("an lk_session cookie");
    assert_eq!(cookie.http_only(), Some(true));
    assert_eq!(cookie.same_site(), Some(actix_web::cookie::SameSite::Lax));
    assert_eq!(cookie.path(), Some("/"));
    assert_eq!(second.status, StatusCode::GONE);
    assert!(second.body.contains("no longer valid"));
    assert!(second.body.contains("reload the portal page"));
    assert_eq!(cabinet.status, StatusCode::OK);
    assert!(cabinet.body.contains("Demo Customer LLC"));
    for id in [
        "client-name",
        "balance",
        "toggle-operations",
        "all-operations",
    ] {
        assert!(cabinet.body.contains(&format!("id=\"{id}\"")), "{id}");
    }
    assert!(
        cabinet
            .body
            .contains("/static/iframeResizer.contentWindow.min.js")
    );
}

#[actix_web::test]
async fn an_expired_token_is_refused() {
    let mut settings = SandboxSettings::demo(PORTAL);
    settings.token_lifetime = Duration::from_millis(50);
    let sandbox = spawn_with(settings);
    let token = sandbox.reset_token(DEMO_USER_ID).await;

    actix_web::rt::time::sleep(Duration::from_millis(120)).await;
    let answer = sandbox.open_link(&token, Some(PORTAL)).await;

    assert_eq!(answer.status, StatusCode::GONE);
    assert!(answer.body.contains("no longer valid"));
    assert!(answer.cookie("lk_session").is_none());
    assert_eq!(sandbox.sandbox.stats().cabinet_sign_ins, 0);
}

#[actix_web::test]
async fn a_missing_or_foreign_referer_is_refused_without_using_the_token() {
    let sandbox = spawn();
    let token = sandbox.reset_token(DEMO_USER_ID).await;

    let missing = sandbox.open_link(&token, None).await;
    let foreign = sandbox
        .open_link(&token, Some("http://evil.example/page"))
        .await;
    let other_port = sandbox
        .open_link(&token, Some("http://127.0.0.1:9999/"))
        .await;
    let allowed = sandbox.open_link(&token, Some(PORTAL)).await;

    for refused in [missing, foreign, other_port] {
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        assert!(refused.body.contains(DOMAINS_MESSAGE));
        assert!(refused.cookie("lk_session").is_none());
    }
    assert_eq!(allowed.status, StatusCode::FOUND);
}

#[actix_web::test]
async fn a_star_in_the_allowed_origins_accepts_any_referer() {
    let sandbox = spawn_with(SandboxSettings::demo("*"));
    let token = sandbox.reset_token(DEMO_USER_ID).await;

    let answer = sandbox
        .open_link(&token, Some("https://anywhere.example/x"))
        .await;
    let cabinet = sandbox.cabinet_after(&answer).await;

    assert_eq!(answer.status, StatusCode::FOUND);
    let policy = cabinet
        .header("content-security-policy")
        .unwrap_or_default();
    assert!(policy.ends_with("frame-ancestors *"), "{policy}");
}

#[actix_web::test]
async fn cabinet_pages_may_be_framed_only_by_the_allowed_origins() {
    let sandbox = spawn();
    let token = sandbox.reset_token(DEMO_USER_ID).await;
    let sign_in = sandbox.open_link(&token, Some(PORTAL)).await;

    let cabinet = sandbox.cabinet_after(&sign_in).await;

    let expected = format!("default-src 'self'; frame-ancestors {PORTAL}");
    assert_eq!(
        cabinet.header("content-security-policy"),
        Some(expected.as_str())
    );
    assert_eq!(cabinet.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(cabinet.header("cache-control"), Some("no-store"));
    assert_eq!(cabinet.header("x-frame-options"), None);
    assert!(
        cabinet
            .header("content-type")
            .unwrap_or_default()
            .starts_with("text/html")
    );
}

#[actix_web::test]
async fn the_cabinet_without_a_session_says_the_session_has_ended() {
    let sandbox = spawn();

    let none = sandbox.get("/cabinet/", None).await;
    let forged = sandbox.get("/cabinet/", Some("lk_session=forged")).await;

    for answer in [none, forged] {
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
        assert!(answer.body.contains("session has ended"));
    }
}

#[actix_web::test]
async fn a_client_created_through_the_api_opens_its_own_cabinet() {
    let sandbox = spawn();
    let session = sandbox.login().await;
    let body = json!({"name": "Acme <Ltd>", "type": 1});
    let created = sandbox
        .post("/api/clients/", Some(&session), &body)
        .await
        .json();
    let user_id = created["data"]["user_id"].as_i64().unwrap_or_default();

    let token = sandbox.reset_token(user_id).await;
    let sign_in = sandbox.open_link(&token, Some(PORTAL)).await;
    let cabinet = sandbox.cabinet_after(&sign_in).await;

    assert_eq!(cabinet.status, StatusCode::OK);
    assert!(
        cabinet.body.contains("Acme &#60;Ltd&#62;"),
        "names are escaped"
    );
    assert!(!cabinet.body.contains("Demo Customer LLC"));
}

#[actix_web::test]
async fn the_child_script_is_served_as_cached_javascript() {
    let sandbox = spawn();
    let vendored =
        include_str!("../../static/vendor/iframe-resizer/iframeResizer.contentWindow.min.js");

    let answer = sandbox
        .get("/static/iframeResizer.contentWindow.min.js", None)
        .await;

    assert_eq!(answer.status, StatusCode::OK);
    assert!(
        answer
            .header("content-type")
            .unwrap_or_default()
            .starts_with("text/javascript")
    );
    assert!(
        answer
            .header("cache-control")
            .unwrap_or_default()
            .contains("max-age")
    );
    assert_eq!(answer.body, vendored);
    assert!(answer.body.contains("v4.3.11"));
}

#[actix_web::test]
async fn the_index_page_says_what_the_sandbox_is() {
    let sandbox = spawn();

    let answer = sandbox.get("/", None).await;

    assert_eq!(answer.status, StatusCode::OK);
    assert!(answer.body.contains("PricePlan sandbox"));
    assert!(answer.body.contains("/auth-key/TOKEN/"));
}
