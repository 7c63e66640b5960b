//! The PricePlan client under load and under faults: session renewal, Basic
//! authentication, and answers that break the rules.

use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use actix_web::http::{StatusCode, header};
use actix_web::{App, HttpResponse, HttpServer, web};
use futures_util::future::join_all;
use priceplan_portal::config::{PricePlanAuth, PricePlanTarget, Settings, TokenMode};
use priceplan_portal::http_auth::basic_header;
use priceplan_portal::priceplan::MAX_ANSWER_BYTES;
use priceplan_portal::sandbox::{self, Fault};
use priceplan_portal::startup::origin_of;

use super::common::{TestPortal, open_cabinet, settings_for, spawn_portal, spawn_portal_with};

fn priceplan(settings: &mut Settings) -> &mut priceplan_portal::config::PricePlanSettings {
    match &mut settings.priceplan {
        PricePlanTarget::Remote(priceplan) => priceplan,
        PricePlanTarget::Demo { .. } => panic!("the tests use a remote PricePlan"),
    }
}

fn wrong_manager_password(settings: &mut Settings) {
    priceplan(settings).auth = PricePlanAuth::Manager {
        login: sandbox::DEMO_MANAGER_LOGIN.into(),
        password: "not the password".to_string().into(),
    };
}

fn basic_auth(api_password: &str) -> impl FnOnce(&mut Settings) {
    let api_password = api_password.to_string();
    move |settings| {
        priceplan(settings).auth = PricePlanAuth::Basic {
            api_key: sandbox::DEMO_API_KEY.into(),
            api_password: api_password.into(),
        }
    }
}

/// Loads the frame `count` times at once and gives the statuses.
async fn concurrent_frame_loads(portal: &TestPortal, count: usize) -> Vec<StatusCode> {
    let (browser, _) = portal.linked_browser().await;
    let loads = (0..count).map(|_| browser.get("/pa/redirect-to-pp"));
    join_all(loads)
        .await
        .iter()
        .map(|page| page.status)
        .collect()
}

#[actix_web::test]
async fn a_hundred_concurrent_redirects_after_the_session_expired_cost_one_sign_in() {
    let portal = spawn_portal().await;
    let (browser, _) = portal.linked_browser().await;
    assert_eq!(
        browser.get("/pa/redirect-to-pp").await.status,
        StatusCode::FOUND
    );
    let logins_before = portal.sandbox.stats().logins;
    portal.sandbox.expire_sessions();

    let loads = (0..100).map(|_| browser.get("/pa/redirect-to-pp"));
    let answers = join_all(loads).await;

    let found = answers
        .iter()
        .filter(|a| a.status == StatusCode::FOUND)
        .count();
    assert_eq!(found, 100);
    assert_eq!(portal.sandbox.stats().logins - logins_before, 1);
    assert_eq!(portal.priceplan.stats().sign_ins(), 2);
}

#[actix_web::test]
async fn a_concurrent_burst_with_a_wrong_manager_password_tries_one_sign_in() {
    let portal = spawn_portal_with(wrong_manager_password).await;

    let statuses = concurrent_frame_loads(&portal, 20).await;

    assert!(
        statuses.iter().all(|s| *s == StatusCode::BAD_GATEWAY),
        "{statuses:?}"
    );
    assert_eq!(portal.sandbox.stats().failed_logins, 1);
}

#[actix_web::test]
async fn a_server_error_on_the_login_is_not_taken_for_a_wrong_password() {
    let portal = spawn_portal().await;
    let (browser, _) = portal.linked_browser().await;
    portal.sandbox.set_fault(Some(Fault::ServerError));

    let failed = browser.get("/pa/redirect-to-pp").await;
    portal.sandbox.set_fault(None);
    let recovered = browser.get("/pa/redirect-to-pp").await;

    assert_eq!(failed.status, StatusCode::BAD_GATEWAY);
    assert_eq!(recovered.status, StatusCode::FOUND);
    assert_eq!(portal.sandbox.stats().logins, 1);
}

#[actix_web::test]
async fn a_login_slower_than_the_timeout_gives_the_timeout_page() {
    let portal = spawn_portal_with(|settings| {
        priceplan(settings).request_timeout = Duration::from_millis(300);
    })
    .await;
    let (browser, _) = portal.linked_browser().await;
    portal
        .sandbox
        .set_fault(Some(Fault::Slow(Duration::from_secs(2))));

    let answer = browser.get("/pa/redirect-to-pp").await;

    assert_eq!(answer.status, StatusCode::GATEWAY_TIMEOUT);
    let login = &portal.priceplan.stats().per_call()["login"];
    assert_eq!(login.failures.get("timeout"), Some(&1));
}

#[actix_web::test]
async fn auth_key_mode_gives_the_error_page_for_each_faulted_answer() {
    let portal = spawn_portal_with(|settings| {
        priceplan(settings).token_mode = TokenMode::ClientAuthKey;
    })
    .await;
    let (browser, _) = portal.linked_browser().await;
    assert_eq!(
        browser.get("/pa/redirect-to-pp").await.status,
        StatusCode::FOUND
    );

    for fault in [
        Fault::EmptyData,
        Fault::HtmlPage,
        Fault::Garbage,
        Fault::ServerError,
    ] {
        portal.sandbox.set_fault(Some(fault.clone()));

        let answer = browser.get("/pa/redirect-to-pp").await;

        assert_eq!(answer.status, StatusCode::BAD_GATEWAY, "{fault:?}");
        assert!(answer.location().is_empty(), "{fault:?}");
    }
}

#[actix_web::test]
async fn auth_key_mode_renews_an_expired_session_and_still_redirects() {
    let portal = spawn_portal_with(|settings| {
        priceplan(settings).token_mode = TokenMode::ClientAuthKey;
    })
    .await;
    let (browser, _) = portal.linked_browser().await;
    browser.get("/pa/redirect-to-pp").await;
    portal.sandbox.expire_sessions();

    let answer = browser.get("/pa/redirect-to-pp").await;
    let cabinet = open_cabinet(&portal, answer.location()).await;

    assert_eq!(answer.status, StatusCode::FOUND);
    assert_eq!(cabinet.status, StatusCode::FOUND);
    assert_eq!(portal.sandbox.stats().logins, 2);
}

#[actix_web::test]
async fn basic_auth_gets_tokens_without_any_manager_login() {
    let portal = spawn_portal_with(basic_auth(sandbox::DEMO_API_PASSWORD)).await;
    let (browser, _) = portal.linked_browser().await;

    let answer = browser.get("/pa/redirect-to-pp").await;
    let cabinet = open_cabinet(&portal, answer.location()).await;

    assert_eq!(answer.status, StatusCode::FOUND);
    assert_eq!(cabinet.status, StatusCode::FOUND);
    let stats = portal.sandbox.stats();
    assert_eq!((stats.logins, stats.basic_auth_calls), (0, 1));
    assert_eq!(portal.priceplan.stats().sign_ins(), 0);
}

#[actix_web::test]
async fn a_wrong_api_password_gives_the_error_page_and_a_burst_asks_once() {
    let portal = spawn_portal_with(basic_auth("not the api password")).await;
    let (browser, _) = portal.linked_browser().await;

    let mut statuses = Vec::new();
    for _ in 0..5 {
        statuses.push(browser.get("/pa/redirect-to-pp").await.status);
    }

    assert!(
        statuses.iter().all(|s| *s == StatusCode::BAD_GATEWAY),
        "{statuses:?}"
    );
    assert_eq!(portal.sandbox.stats().refused_basic_auths, 1);
}

#[actix_web::test]
async fn the_sandbox_accepts_the_right_api_key_and_answers_401_to_a_wrong_one() {
    let portal = spawn_portal().await;
    let url = format!(
        "{}/api/users/{}/reset_token/",
        portal.sandbox_url,
        sandbox::DEMO_USER_ID
    );
    let http = awc::Client::default();
    let right = basic_header(sandbox::DEMO_API_KEY, sandbox::DEMO_API_PASSWORD);
    let wrong = basic_header(sandbox::DEMO_API_KEY, "guess");

    let accepted = http
        .get(&url)
        .insert_header((header::AUTHORIZATION, right))
        .send();
    let refused = http
        .get(&url)
        .insert_header((header::AUTHORIZATION, wrong))
        .send();
    let (mut accepted, mut refused) = (accepted.await.unwrap(), refused.await.unwrap());

    assert_eq!(accepted.status(), StatusCode::OK);
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    let token: serde_json::Value = accepted.json().await.unwrap();
    assert!(token["data"]["token"].is_string());
    let error: serde_json::Value = refused.json().await.unwrap();
    assert_eq!(error["errors"][0]["code"], sandbox::NOT_AUTHENTICATED);
}

/// What the stand-in PricePlan below answers to `reset_token`.
#[derive(Clone, Copy)]
enum DoubleAnswer {
    /// A body one byte past what the portal reads.
    Oversized,
    /// First HTTP 200 with the not-signed-in error code, then a token.
    NotSignedInOnce,
    /// Always HTTP 403, as for a Manager without the right.
    AlwaysForbidden,
}

/// A stand-in PricePlan on loopback whose login always works and whose
/// `reset_token` misbehaves as told. Gives its URL and its login count.
fn spawn_double(behaviour: DoubleAnswer) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    let url = origin_of(listener.local_addr().expect("an address"));
    let logins = Arc::new(AtomicUsize::new(0));
    let token_calls = Arc::new(AtomicUsize::new(0));

    let counted = Arc::clone(&logins);
    let server = HttpServer::new(move || {
        let logins = Arc::clone(&counted);
        let token_calls = Arc::clone(&token_calls);
        App::new()
            .route(
                "/api/login",
                web::post().to(move || {
                    let n = logins.fetch_add(1, Ordering::SeqCst);
                    async move {
                        HttpResponse::Ok()
                            .insert_header((header::SET_COOKIE, format!("sessionid=s{n}")))
                            .json(serde_json::json!({"success": true, "data": {}}))
                    }
                }),
            )
            .default_service(web::to(move || {
                let call = token_calls.fetch_add(1, Ordering::SeqCst);
                async move { double_token_answer(behaviour, call) }
            }))
    })
    .workers(1)
    .listen(listener)
    .expect("serve the stand-in")
    .run();
    actix_web::rt::spawn(server);
    (url, logins)
}

fn double_token_answer(behaviour: DoubleAnswer, call: usize) -> HttpResponse {
    let token = r#"{"success": true, "data": {"token": "double-token-123"}}"#;
    match behaviour {
        DoubleAnswer::Oversized => {
            let mut body = br#"{"success": true, "data": {"token": ""#.to_vec();
            body.resize(MAX_ANSWER_BYTES + 1, b'a');
            HttpResponse::Ok()
                .content_type("application/json")
                .body(body)
        }
        DoubleAnswer::NotSignedInOnce if call == 0 => HttpResponse::Ok()
            .json(serde_json::json!({"success": false, "errors": [{"code": 401}]})),
        DoubleAnswer::NotSignedInOnce => HttpResponse::Ok()
            .content_type("application/json")
            .body(token),
        DoubleAnswer::AlwaysForbidden => HttpResponse::Forbidden()
            .json(serde_json::json!({"success": false, "errors": [{"code": 30}]})),
    }
}

async fn portal_against(url: &str) -> TestPortal {
    let url = url.to_string();
    spawn_portal_with(move |settings| {
        *settings = settings_for(&url, settings.database_url.clone());
    })
    .await
}

#[actix_web::test]
async fn an_answer_larger_than_the_read_limit_gives_the_error_page() {
    let (url, _) = spawn_double(DoubleAnswer::Oversized);
    let portal = portal_against(&url).await;
    let (browser, _) = portal.linked_browser().await;

    let answer = browser.get("/pa/redirect-to-pp").await;

    assert_eq!(answer.status, StatusCode::BAD_GATEWAY);
    let reset_token = &portal.priceplan.stats().per_call()["reset_token"];
    assert_eq!(reset_token.failures.get("unexpected_answer"), Some(&1));
}

#[actix_web::test]
async fn an_errors_answer_saying_not_signed_in_renews_the_session_even_with_status_200() {
    let (url, logins) = spawn_double(DoubleAnswer::NotSignedInOnce);
    let portal = portal_against(&url).await;
    let (browser, _) = portal.linked_browser().await;

    let answer = browser.get("/pa/redirect-to-pp").await;

    assert_eq!(answer.status, StatusCode::FOUND);
    assert!(answer.location().ends_with("/auth-key/double-token-123/"));
    assert_eq!(logins.load(Ordering::SeqCst), 2);
}

#[actix_web::test]
async fn a_call_refused_even_with_a_new_session_does_not_sign_in_on_every_frame_load() {
    let (url, logins) = spawn_double(DoubleAnswer::AlwaysForbidden);
    let portal = portal_against(&url).await;
    let (browser, _) = portal.linked_browser().await;

    let mut statuses = Vec::new();
    for _ in 0..6 {
        statuses.push(browser.get("/pa/redirect-to-pp").await.status);
    }

    assert!(
        statuses
            .iter()
            .all(|status| *status == StatusCode::BAD_GATEWAY)
    );
    assert_eq!(logins.load(Ordering::SeqCst), 2);
    let reset_token = &portal.priceplan.stats().per_call()["reset_token"];
    assert_eq!(
        reset_token.failures.get("session_expired"),
        Some(&7),
        "one retry in all"
    );
}
