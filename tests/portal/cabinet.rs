//! The cabinet page and the auth-redirect route, against a real sandbox.

use actix_web::http::{StatusCode, header};
use priceplan_portal::config::PricePlanTarget;
use priceplan_portal::sandbox::Fault;

use super::common::{TempDatabase, open_cabinet, settings_for, spawn_portal, spawn_portal_with};

#[actix_web::test]
async fn the_cabinet_page_frames_the_redirect_route_and_shows_the_ids() {
    let portal = spawn_portal().await;
    let (browser, ids) = portal.linked_browser().await;

    let page = browser.get("/pa").await;

    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("src=\"/pa/redirect-to-pp\""));
    assert!(
        page.body
            .contains(&format!("id=\"priceplan-client-id\">{}<", ids.client_id))
    );
    assert!(
        page.body
            .contains(&format!("id=\"priceplan-user-id\">{}<", ids.user_id))
    );
    let policy = page.header(header::CONTENT_SECURITY_POLICY);
    assert!(
        policy.contains(&format!("frame-src 'self' {}", portal.sandbox_url)),
        "{policy}"
    );
}

#[actix_web::test]
async fn the_redirect_leads_to_a_token_the_sandbox_accepts_exactly_once() {
    let portal = spawn_portal().await;
    let (browser, _) = portal.linked_browser().await;

    let redirect = browser.get("/pa/redirect-to-pp").await;
    let first = open_cabinet(&portal, redirect.location()).await;
    let second = open_cabinet(&portal, redirect.location()).await;

    assert_eq!(redirect.status, StatusCode::FOUND);
    assert!(
        redirect
            .location()
            .starts_with(&format!("{}/auth-key/", portal.sandbox_url))
    );
    assert_eq!(redirect.header(header::CACHE_CONTROL), "no-store");
    assert!(redirect.body.is_empty());
    assert_eq!(first.status, StatusCode::FOUND);
    assert_eq!(first.location(), "/cabinet/");
    assert_eq!(second.status, StatusCode::GONE);
}

#[actix_web::test]
async fn every_frame_load_gets_a_fresh_token() {
    let portal = spawn_portal().await;
    let (browser, _) = portal.linked_browser().await;

    let first = browser.get("/pa/redirect-to-pp").await;
    let second = browser.get("/pa/redirect-to-pp").await;

    assert_ne!(first.location(), second.location());
}

#[actix_web::test]
async fn many_redirects_cost_one_manager_sign_in() {
    let portal = spawn_portal().await;
    let (browser, _) = portal.linked_browser().await;

    for _ in 0..10 {
        let answer = browser.get("/pa/redirect-to-pp").await;
        assert_eq!(answer.status, StatusCode::FOUND);
    }

    let stats = portal.sandbox.stats();
    assert_eq!(stats.logins, 1);
    assert_eq!(stats.reset_token_calls, 10);
    assert_eq!(portal.priceplan.stats().snapshot().sign_ins, 1);
}

#[actix_web::test]
async fn an_expired_manager_session_is_renewed_and_the_redirect_still_works() {
    let portal = spawn_portal().await;
    let (browser, _) = portal.linked_browser().await;
    browser.get("/pa/redirect-to-pp").await;
    portal.sandbox.expire_sessions();

    let answer = browser.get("/pa/redirect-to-pp").await;

    assert_eq!(answer.status, StatusCode::FOUND);
    assert_eq!(portal.sandbox.stats().logins, 2);
}

#[actix_web::test]
async fn an_unlinked_account_sees_a_notice_and_causes_no_priceplan_call() {
    let portal = spawn_portal().await;
    let (browser, _) = portal.signed_in_browser().await;

    let page = browser.get("/pa").await;
    let frame = browser.get("/pa/redirect-to-pp").await;

    assert!(page.body.contains("id=\"not-linked\""));
    assert!(!page.body.contains("<iframe"));
    assert_eq!(frame.status, StatusCode::CONFLICT);
    assert!(frame.body.contains("not linked"));
    assert_eq!(portal.sandbox.stats().api_calls, 0);
}

#[actix_web::test]
async fn the_redirect_route_needs_a_signed_in_session() {
    let portal = spawn_portal().await;

    let answer = portal.browser().get("/pa/redirect-to-pp").await;

    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert!(answer.body.contains("session has ended"));
    assert_eq!(portal.sandbox.stats().api_calls, 0);
}

#[actix_web::test]
async fn odd_priceplan_answers_give_the_frame_an_error_page_without_details() {
    let portal = spawn_portal().await;
    let (browser, _) = portal.linked_browser().await;

    for fault in [
        Fault::ServerError,
        Fault::HtmlPage,
        Fault::Garbage,
        Fault::EmptyData,
    ] {
        portal.sandbox.set_fault(Some(fault.clone()));

        let answer = browser.get("/pa/redirect-to-pp").await;

        assert_eq!(answer.status, StatusCode::BAD_GATEWAY, "{fault:?}");
        assert!(answer.body.contains("not available right now"), "{fault:?}");
        assert!(!answer.body.contains("<html>Bad"), "{fault:?}");
        assert!(answer.location().is_empty(), "{fault:?}");
    }
}

#[actix_web::test]
async fn a_slow_priceplan_gives_the_frame_a_timeout_page() {
    let portal = spawn_portal_with(|settings| {
        if let PricePlanTarget::Remote(priceplan) = &mut settings.priceplan {
            priceplan.request_timeout = std::time::Duration::from_millis(300);
        }
    })
    .await;
    let (browser, _) = portal.linked_browser().await;
    portal
        .sandbox
        .set_fault(Some(Fault::Slow(std::time::Duration::from_secs(2))));

    let answer = browser.get("/pa/redirect-to-pp").await;

    assert_eq!(answer.status, StatusCode::GATEWAY_TIMEOUT);
    assert!(answer.body.contains("taking too long"));
}

#[actix_web::test]
async fn a_priceplan_that_is_down_gives_the_frame_an_error_page() {
    let closed_port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dead_url = format!("http://127.0.0.1:{closed_port}");
    let portal = spawn_portal_with(|settings| {
        *settings = settings_for(&dead_url, settings.database_url.clone());
    })
    .await;
    let (browser, _) = portal.linked_browser().await;

    let answer = browser.get("/pa/redirect-to-pp").await;

    assert_eq!(answer.status, StatusCode::BAD_GATEWAY);
    assert!(answer.body.contains("not available right now"));
}

#[actix_web::test]
async fn a_wrong_manager_password_gives_the_error_page_and_is_not_retried_in_a_burst() {
    let portal = spawn_portal_with(|settings| {
        if let PricePlanTarget::Remote(priceplan) = &mut settings.priceplan {
            priceplan.auth = priceplan_portal::config::PricePlanAuth::Manager {
                login: priceplan_portal::sandbox::DEMO_MANAGER_LOGIN.into(),
                password: "wrong password".to_string().into(),
            };
        }
    })
    .await;
    let (browser, _) = portal.linked_browser().await;

    for _ in 0..5 {
        let answer = browser.get("/pa/redirect-to-pp").await;
        assert_eq!(answer.status, StatusCode::BAD_GATEWAY);
    }

    assert_eq!(portal.sandbox.stats().failed_logins, 1);
}

#[actix_web::test]
async fn an_unknown_priceplan_user_gives_the_error_page() {
    let portal = spawn_portal().await;
    let (browser, email) = portal.signed_in_browser().await;
    let ids = priceplan_portal::priceplan::CustomerIds {
        user_id: 999_999,
        client_id: 999_998,
    };
    priceplan_portal::accounts::store::link_priceplan(&portal.db, &email, ids)
        .await
        .unwrap();

    let answer = browser.get("/pa/redirect-to-pp").await;

    assert_eq!(answer.status, StatusCode::BAD_GATEWAY);
    assert!(answer.body.contains("could not be found"));
    assert!(answer.body.contains("Contact support"));
}

#[actix_web::test]
async fn a_priceplan_url_given_as_an_ip_address_works() {
    let portal = spawn_portal().await;
    let (browser, _) = portal.linked_browser().await;

    let answer = browser.get("/pa/redirect-to-pp").await;

    assert!(portal.sandbox_url.starts_with("http://127.0.0.1:"));
    assert_eq!(answer.status, StatusCode::FOUND);
}

#[actix_web::test]
async fn the_client_auth_key_mode_redirects_with_a_client_key() {
    let portal = spawn_portal_with(|settings| {
        if let PricePlanTarget::Remote(priceplan) = &mut settings.priceplan {
            priceplan.token_mode = priceplan_portal::config::TokenMode::ClientAuthKey;
        }
    })
    .await;
    let (browser, _) = portal.linked_browser().await;

    let redirect = browser.get("/pa/redirect-to-pp").await;
    let cabinet = open_cabinet(&portal, redirect.location()).await;

    assert_eq!(redirect.status, StatusCode::FOUND);
    assert_eq!(cabinet.status, StatusCode::FOUND);
    assert_eq!(portal.sandbox.stats().auth_key_issues, 1);
    assert_eq!(portal.sandbox.stats().reset_token_calls, 0);
}

#[actix_web::test]
async fn the_portal_starts_on_an_empty_database_file_and_applies_migrations() {
    let database = TempDatabase::new();

    let portal = spawn_portal_with(|settings| settings.database_url = database.url()).await;

    assert_eq!(portal.user_count().await, 0);
}

#[actix_web::test]
async fn in_auth_key_mode_two_quick_frame_loads_get_different_keys() {
    let portal = spawn_portal_with(|settings| {
        if let PricePlanTarget::Remote(priceplan) = &mut settings.priceplan {
            priceplan.token_mode = priceplan_portal::config::TokenMode::ClientAuthKey;
        }
    })
    .await;
    let (browser, _) = portal.linked_browser().await;

    let first = browser.get("/pa/redirect-to-pp").await;
    let second = browser.get("/pa/redirect-to-pp").await;

    assert_ne!(first.location(), second.location());
    assert_eq!(
        open_cabinet(&portal, second.location()).await.status,
        StatusCode::FOUND
    );
    assert_eq!(
        open_cabinet(&portal, first.location()).await.status,
        StatusCode::GONE
    );
}

#[actix_web::test]
async fn relinking_a_signed_in_account_sends_its_next_frame_to_the_new_client() {
    let portal = spawn_portal().await;
    let (browser, email) = portal.signed_in_browser().await;
    let old = portal.sandbox.add_client("Old Client Ltd");
    let new = portal.sandbox.add_client("New Client Ltd");
    let link = |client: priceplan_portal::sandbox::SandboxClient| {
        let ids = priceplan_portal::priceplan::CustomerIds {
            user_id: client.user_id,
            client_id: client.client_id,
        };
        priceplan_portal::accounts::store::link_priceplan(&portal.db, &email, ids)
    };
    link(old).await.unwrap();
    let before = cabinet_shown(&portal, &browser).await;

    link(new).await.unwrap();
    // The portal may trust its in-memory copy of the session this long.
    let fresh_for = priceplan_portal::accounts::session_cache::FRESH_FOR;
    actix_web::rt::time::sleep(fresh_for + std::time::Duration::from_millis(100)).await;
    let after = cabinet_shown(&portal, &browser).await;

    assert!(before.contains("Old Client Ltd"));
    assert!(after.contains("New Client Ltd"), "{after}");
    assert_eq!(
        browser.get("/pa").await.status,
        StatusCode::OK,
        "still signed in"
    );
}

/// The cabinet page that the browser's frame ends up showing.
async fn cabinet_shown(
    portal: &super::common::TestPortal,
    browser: &super::common::Browser,
) -> String {
    let redirect = browser.get("/pa/redirect-to-pp").await;
    let frame = super::common::Browser::new("");
    let referer = format!("{}/", portal.url);
    frame.get_with_referer(redirect.location(), &referer).await;
    let page = frame
        .get_with_referer(&format!("{}/cabinet/", portal.sandbox_url), &referer)
        .await;
    page.body
}

#[actix_web::test]
async fn an_account_opening_the_cabinet_too_often_is_slowed_without_a_priceplan_call() {
    let portal = spawn_portal_with(|settings| settings.redirects_per_minute = 5).await;
    let (browser, _) = portal.linked_browser().await;
    for _ in 0..5 {
        assert_eq!(
            browser.get("/pa/redirect-to-pp").await.status,
            StatusCode::FOUND
        );
    }

    let refused = browser.get("/pa/redirect-to-pp").await;

    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(refused.body.contains("Wait a minute"));
    assert_eq!(portal.sandbox.stats().reset_token_calls, 5);
}
