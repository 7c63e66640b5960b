//! The `/api/` calls: login, sessions, tokens, keys and clients.

use actix_web::http::StatusCode;
use priceplan_portal::sandbox::{
    DEMO_CLIENT_ID, DEMO_MANAGER_LOGIN, DEMO_USER_ID, NOT_AUTHENTICATED, SandboxStats,
};
use serde_json::json;

use crate::common::{PORTAL, spawn};

#[actix_web::test]
async fn login_with_the_right_credentials_sets_an_http_only_session_cookie() {
    let sandbox = spawn();
    let body = json!({"user": DEMO_MANAGER_LOGIN, "password": "sandbox-manager-password"});

    let answer = sandbox.post("/api/login", None, &body).await;

    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.json()["success"], true);
    let cookie = answer.cookie("sessionid").expect("a sessionid cookie");
    assert!(cookie.value().len() >= 32);
    assert_eq!(cookie.http_only(), Some(true));
    assert_eq!(cookie.path(), Some("/"));
}

#[actix_web::test]
async fn login_with_a_wrong_password_is_refused_without_a_cookie() {
    let sandbox = spawn();
    let body = json!({"user": DEMO_MANAGER_LOGIN, "password": "guess"});

    let answer = sandbox.post("/api/login", None, &body).await;

    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert_eq!(answer.json()["success"], false);
    assert!(answer.error_code().is_some());
    assert!(answer.cookie("sessionid").is_none());
    assert!(!answer.body.contains("guess"));
}

#[actix_web::test]
async fn login_with_malformed_json_is_a_bad_request_with_code_7() {
    let sandbox = spawn();

    let broken = sandbox.post_raw("/api/login", "{\"user\": ").await;
    let not_object = sandbox.post("/api/login", None, &json!("a string")).await;

    for answer in [broken, not_object] {
        assert_eq!(answer.status, StatusCode::BAD_REQUEST);
        assert_eq!(answer.error_code(), Some(7));
    }
    assert_eq!(sandbox.sandbox.stats().failed_logins, 2);
}

#[actix_web::test]
async fn calls_without_a_session_are_refused_as_not_authenticated() {
    let sandbox = spawn();
    let path = format!("/api/users/{DEMO_USER_ID}/reset_token/");

    let without = sandbox.get(&path, None).await;
    let forged = sandbox.get(&path, Some("sessionid=forged")).await;

    for answer in [without, forged] {
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
        assert_eq!(answer.json()["success"], false);
        assert_eq!(answer.error_code(), Some(NOT_AUTHENTICATED));
    }
}

#[actix_web::test]
async fn expiring_sessions_refuses_old_cookies_until_a_new_login() {
    let sandbox = spawn();
    let old = sandbox.login().await;
    let path = format!("/api/clients/{DEMO_CLIENT_ID}");

    sandbox.sandbox.expire_sessions();
    let refused = sandbox.get(&path, Some(&old)).await;
    let fresh = sandbox.login().await;
    let accepted = sandbox.get(&path, Some(&fresh)).await;

    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    assert_eq!(accepted.status, StatusCode::OK);
}

#[actix_web::test]
async fn reset_token_for_an_unknown_user_is_not_found_with_code_6() {
    let sandbox = spawn();
    let session = sandbox.login().await;

    let answer = sandbox
        .get("/api/users/9999/reset_token/", Some(&session))
        .await;

    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert_eq!(answer.error_code(), Some(6));
}

#[actix_web::test]
async fn reset_token_gives_a_long_url_safe_token() {
    let sandbox = spawn();

    let token = sandbox.reset_token(DEMO_USER_ID).await;

    assert!(token.len() >= 32);
    assert!(
        token
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    );
}

#[actix_web::test]
async fn an_auth_key_is_null_until_issued_then_readable_until_used() {
    let sandbox = spawn();
    let session = sandbox.login().await;
    let path = format!("/api/clients/{DEMO_CLIENT_ID}/auth-key/");

    let before = sandbox.get(&path, Some(&session)).await.json();
    let issued = sandbox.post(&path, Some(&session), &json!({})).await.json();
    let read = sandbox.get(&path, Some(&session)).await.json();
    let key = issued["data"]["key"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let signed_in = sandbox.open_link(&key, Some(PORTAL)).await;
    let after_use = sandbox.get(&path, Some(&session)).await.json();

    assert_eq!(before["data"]["key"], serde_json::Value::Null);
    assert_eq!(before["data"]["link"], serde_json::Value::Null);
    assert!(key.len() >= 32);
    assert_eq!(issued["data"]["link"], format!("/auth-key/{key}/"));
    let expire = issued["data"]["expire_date"].as_str().unwrap_or_default();
    assert_eq!(
        expire.len(),
        "2021-06-04 05:17:50.606808+00:00".len(),
        "{expire}"
    );
    assert!(expire.ends_with("+00:00"), "{expire}");
    assert_eq!(read["data"], issued["data"]);
    assert_eq!(signed_in.status, StatusCode::FOUND);
    assert_eq!(after_use["data"]["key"], serde_json::Value::Null);
}

#[actix_web::test]
async fn auth_key_calls_for_an_unknown_client_are_not_found() {
    let sandbox = spawn();
    let session = sandbox.login().await;

    let read = sandbox
        .get("/api/clients/999/auth-key/", Some(&session))
        .await;
    let issue = sandbox
        .post("/api/clients/999/auth-key/", Some(&session), &json!({}))
        .await;

    assert_eq!(
        (read.status, read.error_code()),
        (StatusCode::NOT_FOUND, Some(6))
    );
    assert_eq!(
        (issue.status, issue.error_code()),
        (StatusCode::NOT_FOUND, Some(6))
    );
}

#[actix_web::test]
async fn a_client_reads_with_and_without_the_trailing_slash() {
    let sandbox = spawn();
    let session = sandbox.login().await;

    let plain = sandbox
        .get(&format!("/api/clients/{DEMO_CLIENT_ID}"), Some(&session))
        .await;
    let slash = sandbox
        .get(&format!("/api/clients/{DEMO_CLIENT_ID}/"), Some(&session))
        .await;
    let unknown = sandbox.get("/api/clients/5555", Some(&session)).await;

    let data = &plain.json()["data"];
    assert_eq!(data["id"], DEMO_CLIENT_ID);
    assert_eq!(data["name"], "Demo Customer LLC");
    assert_eq!(data["user_id"], DEMO_USER_ID);
    assert!(data["balance"].is_number());
    assert_eq!(slash.json(), plain.json());
    assert_eq!(
        (unknown.status, unknown.error_code()),
        (StatusCode::NOT_FOUND, Some(6))
    );
}

#[actix_web::test]
async fn creating_a_client_answers_the_new_client_with_its_user() {
    let sandbox = spawn();
    let session = sandbox.login().await;
    let body = json!({"name": "Acme Ltd", "type": 2, "values": {"12": "x"}});

    let created = sandbox.post("/api/clients/", Some(&session), &body).await;

    assert_eq!(created.status, StatusCode::OK);
    let data = &created.json()["data"];
    assert_eq!(data["id"], DEMO_CLIENT_ID + 1);
    assert_eq!(data["user_id"], DEMO_USER_ID + 1);
    assert_eq!(data["name"], "Acme Ltd");
    assert_eq!(data["type"], 2);
}

#[actix_web::test]
async fn creating_a_client_with_an_empty_name_or_a_bad_type_is_refused() {
    let sandbox = spawn();
    let session = sandbox.login().await;

    let empty = json!({"name": "  ", "type": 1});
    let empty = sandbox.post("/api/clients/", Some(&session), &empty).await;
    let bad_type = json!({"name": "Acme", "type": 7});
    let bad_type = sandbox
        .post("/api/clients/", Some(&session), &bad_type)
        .await;
    let no_type = json!({"name": "Acme"});
    let no_type = sandbox
        .post("/api/clients/", Some(&session), &no_type)
        .await;

    assert_eq!(
        (empty.status, empty.error_code()),
        (StatusCode::BAD_REQUEST, Some(2))
    );
    assert_eq!(
        (bad_type.status, bad_type.error_code()),
        (StatusCode::BAD_REQUEST, Some(3))
    );
    assert_eq!(no_type.error_code(), Some(4));
}

#[actix_web::test]
async fn stats_count_every_kind_of_call() {
    let sandbox = spawn();
    let wrong = json!({"user": DEMO_MANAGER_LOGIN, "password": "wrong"});
    sandbox.post("/api/login", None, &wrong).await;
    let session = sandbox.login().await;
    let token = sandbox.reset_token(DEMO_USER_ID).await;
    let key_path = format!("/api/clients/{DEMO_CLIENT_ID}/auth-key/");
    sandbox.get(&key_path, Some(&session)).await;
    sandbox.post(&key_path, Some(&session), &json!({})).await;
    sandbox.open_link(&token, Some(PORTAL)).await;

    let stats = sandbox.sandbox.stats();

    let expected = SandboxStats {
        logins: 2,
        failed_logins: 1,
        basic_auth_calls: 0,
        refused_basic_auths: 0,
        reset_token_calls: 1,
        auth_key_reads: 1,
        auth_key_issues: 1,
        api_calls: 6,
        cabinet_sign_ins: 1,
    };
    assert_eq!(stats, expected);
}
