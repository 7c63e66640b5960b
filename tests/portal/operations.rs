//! The operations surface over HTTP: `/health`, `/ready` and `/metrics`.

use actix_web::http::{StatusCode, header};
use priceplan_portal::config::{PricePlanAuth, PricePlanTarget, Settings};
use priceplan_portal::sandbox::{self, Fault};
use priceplan_portal::secret::Secret;
use serde_json::Value;

use super::common::{TestPortal, spawn_portal, spawn_portal_with};

fn wrong_manager_password(settings: &mut Settings) {
    if let PricePlanTarget::Remote(priceplan) = &mut settings.priceplan {
        priceplan.auth = PricePlanAuth::Manager {
            login: sandbox::DEMO_MANAGER_LOGIN.into(),
            password: "not the password".to_string().into(),
        };
    }
}

async fn ready(portal: &TestPortal) -> (StatusCode, Value) {
    let page = portal.browser().get("/ready").await;
    let body = serde_json::from_str(&page.body).expect("a JSON body");
    (page.status, body)
}

#[actix_web::test]
async fn health_says_the_process_is_up_without_asking_priceplan() {
    let portal = spawn_portal().await;

    let page = portal.browser().get("/health").await;

    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("\"up\""));
    assert_eq!(portal.sandbox.stats().api_calls, 0);
}

#[actix_web::test]
async fn ready_answers_200_and_reuses_the_manager_session_across_probes() {
    let portal = spawn_portal().await;

    let (first, body) = ready(&portal).await;
    let (second, _) = ready(&portal).await;

    assert_eq!((first, second), (StatusCode::OK, StatusCode::OK));
    assert_eq!(body["status"], "ready");
    assert_eq!(body["checks"]["database"], "ok");
    assert_eq!(body["checks"]["priceplan"], "ok");
    assert_eq!(portal.sandbox.stats().logins, 1);
}

#[actix_web::test]
async fn ready_answers_503_naming_priceplan_when_the_manager_password_is_wrong() {
    let portal = spawn_portal_with(wrong_manager_password).await;

    let (status, body) = ready(&portal).await;
    let (again, _) = ready(&portal).await;

    assert_eq!(
        (status, again),
        (
            StatusCode::SERVICE_UNAVAILABLE,
            StatusCode::SERVICE_UNAVAILABLE
        )
    );
    assert_eq!(body["status"], "not ready");
    assert_eq!(body["checks"]["database"], "ok");
    assert_eq!(body["checks"]["priceplan"], "failed: sign_in_refused");
    assert!(!body.to_string().contains("not the password"));
    assert_eq!(portal.sandbox.stats().failed_logins, 1);
}

#[actix_web::test]
async fn ready_answers_503_when_priceplan_is_faulted() {
    let portal = spawn_portal().await;
    portal.sandbox.set_fault(Some(Fault::HtmlPage));

    let (status, body) = ready(&portal).await;

    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(body["checks"]["priceplan"], "failed: unexpected_answer");
}

#[actix_web::test]
async fn ready_turns_503_when_priceplan_fails_after_the_manager_signed_in() {
    let portal = spawn_portal().await;
    let (browser, _) = portal.linked_browser().await;
    assert_eq!(ready(&portal).await.0, StatusCode::OK);
    portal.sandbox.set_fault(Some(Fault::ServerError));
    browser.get("/pa/redirect-to-pp").await;

    let (status, body) = ready(&portal).await;

    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(body["checks"]["priceplan"], "failed: unexpected_answer");
    portal.sandbox.set_fault(None);
    browser.get("/pa/redirect-to-pp").await;
    assert_eq!(
        ready(&portal).await.0,
        StatusCode::OK,
        "ready again once a call works"
    );
}

#[actix_web::test]
async fn ready_leaves_priceplan_alone_when_its_check_is_turned_off() {
    let portal = spawn_portal_with(|settings| {
        settings.operations.ready_checks_priceplan = false;
    })
    .await;
    portal.sandbox.set_fault(Some(Fault::ServerError));

    let (status, body) = ready(&portal).await;

    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["checks"]["priceplan"], "skipped");
    assert_eq!(portal.sandbox.stats().api_calls, 0);
}

/// Checks the exposition format: every sample's metric has a `# TYPE`
/// line before it, and every sample is `name{labels} number`.
fn assert_prometheus_text(text: &str) {
    let mut typed: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            let (name, kind) = rest.split_once(' ').expect("name and type");
            assert!(["counter", "histogram", "gauge"].contains(&kind), "{line}");
            typed.push((name.to_string(), kind.to_string()));
            continue;
        }
        if line.starts_with("# HELP ") {
            continue;
        }
        let (series, value) = line.rsplit_once(' ').expect("a sample and a value");
        assert!(value.parse::<f64>().is_ok(), "{line}");
        let name = series.split('{').next().unwrap_or(series);
        assert!(
            name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
            "{line}"
        );
        let family = typed.iter().any(|(typed_name, kind)| {
            name == typed_name
                || (kind == "histogram"
                    && ["_bucket", "_sum", "_count"]
                        .iter()
                        .any(|suffix| name == format!("{typed_name}{suffix}")))
        });
        assert!(family, "no # TYPE line before {line}");
        if series.contains('{') {
            assert!(series.ends_with('}'), "{line}");
        }
    }
}

fn sample(text: &str, series: &str) -> f64 {
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
        .unwrap_or(0.0)
}

#[actix_web::test]
async fn metrics_are_prometheus_text_and_count_a_redirect() {
    let portal = spawn_portal().await;
    let (browser, _) = portal.linked_browser().await;
    let redirect = browser.get("/pa/redirect-to-pp").await;

    let page = portal.browser().get("/metrics").await;

    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.header(header::CONTENT_TYPE)
            .starts_with("text/plain; version=0.0.4")
    );
    assert_prometheus_text(&page.body);
    let text = &page.body;
    let route = r#"route="/pa/redirect-to-pp",method="GET",status="3xx""#;
    assert_eq!(
        sample(text, &format!("portal_http_requests_total{{{route}}}")),
        1.0
    );
    assert_eq!(
        sample(
            text,
            &format!("portal_http_request_duration_seconds_count{{{route}}}")
        ),
        1.0
    );
    assert_eq!(
        sample(text, r#"portal_priceplan_calls_total{call="reset_token"}"#),
        1.0
    );
    assert_eq!(
        sample(text, r#"portal_priceplan_calls_total{call="login"}"#),
        1.0
    );
    assert_eq!(sample(text, "portal_priceplan_sign_ins_total"), 1.0);
    let token_path = &redirect.location()[portal.sandbox_url.len()..];
    assert!(!text.contains(token_path));
}

#[actix_web::test]
async fn metrics_count_failures_by_call_and_kind() {
    let portal = spawn_portal().await;
    let (browser, _) = portal.linked_browser().await;
    portal.sandbox.set_fault(Some(Fault::ServerError));
    browser.get("/pa/redirect-to-pp").await;

    let text = portal.browser().get("/metrics").await.body;

    let failures = r#"portal_priceplan_call_failures_total{call="login",kind="unexpected_answer"}"#;
    assert_eq!(sample(&text, failures), 1.0);
    let bad_gateway = r#"route="/pa/redirect-to-pp",method="GET",status="5xx""#;
    assert_eq!(
        sample(
            &text,
            &format!("portal_http_requests_total{{{bad_gateway}}}")
        ),
        1.0
    );
}

#[actix_web::test]
async fn metrics_with_a_token_configured_need_that_bearer_token() {
    let portal = spawn_portal_with(|settings| {
        settings.operations.metrics_token = Some(Secret::new("scrape-me-please".into()));
    })
    .await;
    let get = |authorization: Option<&'static str>| {
        let http = awc::Client::default();
        let mut request = http.get(format!("{}/metrics", portal.url));
        if let Some(value) = authorization {
            request = request.insert_header((header::AUTHORIZATION, value));
        }
        async move { request.send().await.expect("an answer").status() }
    };

    let none = get(None).await;
    let wrong = get(Some("Bearer scrape-me-now")).await;
    let right = get(Some("Bearer scrape-me-please")).await;

    assert_eq!(none, StatusCode::NOT_FOUND);
    assert_eq!(wrong, StatusCode::NOT_FOUND);
    assert_eq!(right, StatusCode::OK);
}

#[actix_web::test]
async fn head_requests_are_answered_like_get_without_a_body() {
    let portal = spawn_portal().await;
    let http = awc::Client::default();

    for path in ["/health", "/sign-in", "/static/portal.css"] {
        let mut answer = http
            .head(format!("{}{path}", portal.url))
            .send()
            .await
            .unwrap();

        assert_eq!(answer.status(), StatusCode::OK, "{path}");
        assert!(answer.body().await.unwrap().is_empty(), "{path}");
    }
}
