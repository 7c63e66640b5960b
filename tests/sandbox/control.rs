//! Faults and the `/_sandbox/` control surface.

use std::time::{Duration, Instant};

use actix_web::http::StatusCode;
use priceplan_portal::sandbox::{DEMO_CLIENT_ID, DEMO_USER_ID, Fault, SandboxStats};
use serde_json::json;

use crate::common::{PORTAL, TestSandbox, spawn};

async fn read_demo_client(sandbox: &TestSandbox, session: &str) -> crate::common::Answer {
    let path = format!("/api/clients/{DEMO_CLIENT_ID}");
    sandbox.get(&path, Some(session)).await
}

#[actix_web::test]
async fn a_server_error_fault_answers_500_with_a_plain_body() {
    let sandbox = spawn();
    let session = sandbox.login().await;

    sandbox.sandbox.set_fault(Some(Fault::ServerError));
    let answer = read_demo_client(&sandbox, &session).await;

    assert_eq!(answer.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(
        answer
            .header("content-type")
            .unwrap_or_default()
            .starts_with("text/plain")
    );
}

#[actix_web::test]
async fn an_html_page_fault_answers_200_html_instead_of_json() {
    let sandbox = spawn();
    let session = sandbox.login().await;

    sandbox.sandbox.set_fault(Some(Fault::HtmlPage));
    let answer = read_demo_client(&sandbox, &session).await;

    assert_eq!(answer.status, StatusCode::OK);
    assert!(
        answer
            .header("content-type")
            .unwrap_or_default()
            .starts_with("text/html")
    );
    assert!(serde_json::from_str::<serde_json::Value>(&answer.body).is_err());
}

#[actix_web::test]
async fn a_garbage_fault_answers_json_that_does_not_parse() {
    let sandbox = spawn();
    let session = sandbox.login().await;

    sandbox.sandbox.set_fault(Some(Fault::Garbage));
    let answer = read_demo_client(&sandbox, &session).await;

    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.header("content-type"), Some("application/json"));
    assert!(serde_json::from_str::<serde_json::Value>(&answer.body).is_err());
}

#[actix_web::test]
async fn an_empty_data_fault_answers_success_with_empty_data_even_to_a_login() {
    let sandbox = spawn();

    sandbox.sandbox.set_fault(Some(Fault::EmptyData));
    let answer = sandbox.post("/api/login", None, &json!({})).await;

    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.json(), json!({"success": true, "data": {}}));
    assert!(answer.cookie("sessionid").is_none());
}

#[actix_web::test]
async fn a_slow_fault_delays_a_normal_answer() {
    let sandbox = spawn();
    let session = sandbox.login().await;

    sandbox
        .sandbox
        .set_fault(Some(Fault::Slow(Duration::from_millis(300))));
    let started = Instant::now();
    let answer = read_demo_client(&sandbox, &session).await;
    let waited = started.elapsed();

    assert!(waited >= Duration::from_millis(300), "{waited:?}");
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.json()["data"]["id"], DEMO_CLIENT_ID);
}

#[actix_web::test]
async fn clearing_the_fault_through_the_control_surface_restores_normal_answers() {
    let sandbox = spawn();
    let session = sandbox.login().await;
    let set = sandbox
        .post("/_sandbox/fault", None, &json!({"fault": "ServerError"}))
        .await;
    let faulty = read_demo_client(&sandbox, &session).await;

    let cleared = sandbox
        .post("/_sandbox/fault", None, &json!({"fault": null}))
        .await;
    let normal = read_demo_client(&sandbox, &session).await;

    assert_eq!(set.status, StatusCode::NO_CONTENT);
    assert_eq!(faulty.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(cleared.status, StatusCode::NO_CONTENT);
    assert_eq!(normal.status, StatusCode::OK);
}

#[actix_web::test]
async fn a_bare_slow_fault_is_accepted_by_the_control_surface() {
    let sandbox = spawn();
    let body = json!({"Slow": {"secs": 0, "nanos": 200_000_000}});

    let set = sandbox.post("/_sandbox/fault", None, &body).await;
    let bad = sandbox
        .post("/_sandbox/fault", None, &json!({"fault": "Nonsense"}))
        .await;
    let started = Instant::now();
    sandbox.post("/api/login", None, &json!({})).await;

    assert_eq!(set.status, StatusCode::NO_CONTENT);
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(started.elapsed() >= Duration::from_millis(200));
}

#[actix_web::test]
async fn the_control_surface_reports_stats_and_expires_sessions() {
    let sandbox = spawn();
    let session = sandbox.login().await;

    let expired = sandbox
        .post("/_sandbox/expire-sessions", None, &json!(null))
        .await;
    let refused = read_demo_client(&sandbox, &session).await;
    let stats = sandbox.get("/_sandbox/stats", None).await;

    assert_eq!(expired.status, StatusCode::NO_CONTENT);
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    let expected = SandboxStats {
        logins: 1,
        api_calls: 2,
        ..SandboxStats::default()
    };
    assert_eq!(
        stats.json(),
        serde_json::to_value(expected).unwrap_or_default()
    );
}

#[actix_web::test]
async fn the_control_surface_adds_clients_whose_user_gets_tokens() {
    let sandbox = spawn();

    let added = sandbox
        .post("/_sandbox/clients", None, &json!({"name": "Beta"}))
        .await;
    let user_id = added.json()["user_id"].as_i64().unwrap_or_default();
    let token = sandbox.reset_token(user_id).await;
    let direct = sandbox.sandbox.add_client("Gamma");

    assert_eq!(added.json(), json!({"client_id": 102, "user_id": 202}));
    assert!(token.len() >= 32);
    assert_eq!((direct.client_id, direct.user_id), (103, 203));
    assert_ne!(user_id, DEMO_USER_ID);
}

#[actix_web::test]
async fn changing_the_allowed_origins_moves_the_available_domains_check() {
    let sandbox = spawn();
    let other = "http://localhost:3000";
    let body = json!([other]);

    let set = sandbox.post("/_sandbox/allowed-origins", None, &body).await;
    let token = sandbox.reset_token(DEMO_USER_ID).await;
    let old_portal = sandbox.open_link(&token, Some(PORTAL)).await;
    let new_portal = sandbox
        .open_link(&token, Some("http://localhost:3000/x"))
        .await;

    assert_eq!(set.status, StatusCode::NO_CONTENT);
    assert_eq!(old_portal.status, StatusCode::FORBIDDEN);
    assert_eq!(new_portal.status, StatusCode::FOUND);
}
