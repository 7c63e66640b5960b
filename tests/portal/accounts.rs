//! Registration, sign-in and sign-out through the portal's forms.

use actix_web::http::StatusCode;

use super::common::{PASSWORD, spawn_portal, unique_email};

#[actix_web::test]
async fn registering_creates_the_account_and_signs_it_in() {
    let portal = spawn_portal().await;
    let browser = portal.browser();
    let email = unique_email();

    let answer = browser.sign_up(&email, "Ann Customer", PASSWORD).await;

    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert_eq!(answer.location(), "/pa");
    let cabinet = browser.get("/pa").await;
    assert_eq!(cabinet.status, StatusCode::OK);
    assert!(cabinet.body.contains("Ann Customer"));
    let stored: String = sqlx::query_scalar("SELECT password_hash FROM users WHERE email = ?")
        .bind(&email)
        .fetch_one(&portal.db)
        .await
        .unwrap();
    assert!(stored.starts_with("$argon2id$"));
}

#[actix_web::test]
async fn an_email_is_registered_once_whatever_its_case() {
    let portal = spawn_portal().await;
    let email = unique_email();
    portal.browser().sign_up(&email, "First", PASSWORD).await;

    let answer = portal
        .browser()
        .sign_up(&email.to_uppercase(), "Second", PASSWORD)
        .await;

    assert_eq!(answer.status, StatusCode::CONFLICT);
    assert!(answer.body.contains("already exists"));
    assert_eq!(portal.user_count().await, 1);
}

#[actix_web::test]
async fn a_registration_with_bad_fields_shows_each_problem_and_stores_nothing() {
    let portal = spawn_portal().await;

    let answer = portal.browser().sign_up("not-an-email", "", "short").await;

    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(answer.body.contains("id=\"email-error\""));
    assert!(answer.body.contains("id=\"display-name-error\""));
    assert!(answer.body.contains("id=\"password-error\""));
    assert!(answer.body.contains("value=\"not-an-email\""));
    assert!(!answer.body.contains("value=\"short\""));
    assert_eq!(portal.user_count().await, 0);
}

#[actix_web::test]
async fn signing_in_with_the_right_password_opens_the_cabinet() {
    let portal = spawn_portal().await;
    let (_, email) = portal.signed_in_browser().await;
    let browser = portal.browser();

    let answer = browser.sign_in(&email.to_uppercase(), PASSWORD).await;

    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert_eq!(answer.location(), "/pa");
    assert_eq!(browser.get("/pa").await.status, StatusCode::OK);
}

#[actix_web::test]
async fn a_wrong_password_and_an_unknown_email_get_the_same_refusal() {
    let portal = spawn_portal().await;
    let (_, email) = portal.signed_in_browser().await;

    let wrong_password = portal
        .browser()
        .sign_in(&email, "not the password at all")
        .await;
    let unknown_email = portal.browser().sign_in(&unique_email(), PASSWORD).await;

    assert_eq!(wrong_password.status, StatusCode::UNAUTHORIZED);
    assert_eq!(unknown_email.status, StatusCode::UNAUTHORIZED);
    assert!(wrong_password.body.contains("Wrong email or password."));
    assert!(unknown_email.body.contains("Wrong email or password."));
}

#[actix_web::test]
async fn signing_out_ends_the_session() {
    let portal = spawn_portal().await;
    let (browser, _) = portal.signed_in_browser().await;

    let answer = browser.sign_out().await;

    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert_eq!(answer.location(), "/sign-in");
    let cabinet = browser.get("/pa").await;
    assert_eq!(cabinet.status, StatusCode::SEE_OTHER);
    assert!(cabinet.location().starts_with("/sign-in"));
}

#[actix_web::test]
async fn a_form_without_the_session_token_is_refused_and_changes_nothing() {
    let portal = spawn_portal().await;
    let browser = portal.browser();
    browser.get("/sign-up").await;

    let answer = browser
        .post_form(
            "/sign-up",
            &[
                ("email", &unique_email()),
                ("display_name", "Mallory"),
                ("password", PASSWORD),
                ("csrf_token", "forged"),
            ],
        )
        .await;

    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    assert_eq!(portal.user_count().await, 0);
}

#[actix_web::test]
async fn the_cabinet_page_sends_visitors_to_sign_in_and_back() {
    let portal = spawn_portal().await;
    let (_, email) = portal.signed_in_browser().await;
    let browser = portal.browser();

    let first = browser.get("/pa").await;
    let sign_in_page = browser.get(first.location()).await;
    let token = sign_in_page.csrf_token();
    let answer = browser
        .post_form(
            "/sign-in",
            &[
                ("email", &email),
                ("password", PASSWORD),
                ("next", "/pa"),
                ("csrf_token", &token),
            ],
        )
        .await;

    assert_eq!(first.status, StatusCode::SEE_OTHER);
    assert_eq!(first.location(), "/sign-in?next=%2Fpa");
    assert!(sign_in_page.body.contains("name=\"next\" value=\"/pa\""));
    assert_eq!(answer.location(), "/pa");
}

#[actix_web::test]
async fn pages_name_an_icon_that_the_portal_serves() {
    let portal = spawn_portal().await;
    let browser = portal.browser();

    let page = browser.get("/sign-in").await;
    let icon = browser.get("/static/favicon.svg").await;

    assert!(
        page.body
            .contains(r#"<link rel="icon" href="/static/favicon.svg""#)
    );
    assert_eq!(icon.status, StatusCode::OK);
    assert_eq!(
        icon.header(actix_web::http::header::CONTENT_TYPE),
        "image/svg+xml"
    );
    assert!(icon.body.starts_with("<svg"));
}

#[test]
fn the_link_command_refuses_a_database_that_does_not_exist_and_creates_none() {
    let database = super::common::TempDatabase::new();

    let output = std::process::Command::new(env!("CARGO_BIN_EXE_priceplan-portal"))
        .args(["link", "ann@example.com", "101", "201"])
        .env("PORTAL_DATABASE_URL", database.url())
        .output()
        .unwrap();

    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("cannot open"));
    assert!(!database.path().exists());
}
