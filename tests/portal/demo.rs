//! Demo mode: the built-in sandbox, the seeded demo account, and the guard
//! that keeps demo mode away from a real PricePlan.

use actix_web::http::StatusCode;
use priceplan_portal::config::Settings;
use priceplan_portal::demo::{DEMO_EMAIL, DEMO_PASSWORD};
use priceplan_portal::startup::{Application, origin_of};

use super::common::{Browser, TempDatabase, spawn_sandbox};

fn demo_settings(database: &TempDatabase, extra: &[(&str, &str)]) -> Settings {
    let url = database.url();
    let mut vars = vec![
        ("PORTAL_LISTEN", "127.0.0.1:0"),
        ("PORTAL_SANDBOX_LISTEN", "127.0.0.1:0"),
        ("PORTAL_DATABASE_URL", url.as_str()),
    ];
    vars.extend_from_slice(extra);
    Settings::from_vars(|name| {
        vars.iter()
            .rev()
            .find(|(key, _)| *key == name)
            .map(|(_, value)| value.to_string())
    })
    .expect("valid demo settings")
}

#[actix_web::test]
async fn demo_mode_serves_the_demo_account_with_the_built_in_sandbox() {
    let database = TempDatabase::new();
    let app = Application::build(demo_settings(&database, &[]))
        .await
        .unwrap();
    let browser = Browser::new(&origin_of(app.address()));
    let (sandbox, _) = app.sandbox().map(|(s, a)| (s.clone(), a)).unwrap();
    actix_web::rt::spawn(app.run_until_stopped());

    let signed_in = browser.sign_in(DEMO_EMAIL, DEMO_PASSWORD).await;
    let redirect = browser.get("/pa/redirect-to-pp").await;

    assert_eq!(signed_in.status, StatusCode::SEE_OTHER);
    assert_eq!(redirect.status, StatusCode::FOUND);
    assert_eq!(sandbox.stats().reset_token_calls, 1);
    let mode = std::fs::metadata(database.path()).unwrap().permissions();
    assert_eq!(
        std::os::unix::fs::PermissionsExt::mode(&mode) & 0o777,
        0o600
    );
}

#[actix_web::test]
async fn demo_mode_honours_the_configured_token_mode() {
    let database = TempDatabase::new();
    let settings = demo_settings(&database, &[("PRICEPLAN_TOKEN_MODE", "auth-key")]);
    let app = Application::build(settings).await.unwrap();
    let browser = Browser::new(&origin_of(app.address()));
    let sandbox = app.sandbox().map(|(sandbox, _)| sandbox.clone()).unwrap();
    actix_web::rt::spawn(app.run_until_stopped());

    browser.sign_in(DEMO_EMAIL, DEMO_PASSWORD).await;
    let redirect = browser.get("/pa/redirect-to-pp").await;

    assert_eq!(redirect.status, StatusCode::FOUND);
    assert_eq!(sandbox.stats().auth_key_issues, 1);
    assert_eq!(sandbox.stats().reset_token_calls, 0);
}

#[actix_web::test]
async fn demo_mode_runs_against_a_sandbox_started_elsewhere() {
    let database = TempDatabase::new();
    let (_sandbox, url) = spawn_sandbox();
    let settings = demo_settings(
        &database,
        &[("PORTAL_DEMO", "true"), ("PRICEPLAN_URL", &url)],
    );

    let app = Application::build(settings).await;

    assert!(app.is_ok());
}

#[actix_web::test]
async fn demo_mode_refuses_a_priceplan_that_is_not_the_sandbox() {
    let database = TempDatabase::new();
    let not_a_sandbox = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = origin_of(not_a_sandbox.local_addr().unwrap());
    let server = actix_web::HttpServer::new(|| {
        actix_web::App::new().default_service(actix_web::web::to(|| async {
            actix_web::HttpResponse::Ok().json(serde_json::json!({"success": true, "data": {}}))
        }))
    })
    .workers(1)
    .listen(not_a_sandbox)
    .unwrap()
    .run();
    actix_web::rt::spawn(server);
    let settings = demo_settings(
        &database,
        &[("PORTAL_DEMO", "true"), ("PRICEPLAN_URL", &url)],
    );

    let refused = Application::build(settings).await.err().expect("a refusal");

    assert!(
        refused
            .to_string()
            .contains("demo mode runs only against the PricePlan sandbox")
    );
    let db = priceplan_portal::database::connect(&database.url())
        .await
        .unwrap();
    let accounts: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(accounts, 0, "no demo account was seeded");
}
