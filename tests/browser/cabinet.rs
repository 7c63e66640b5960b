//! The framed cabinet in a real browser: whose cabinet it shows, and when it
//! shows none.

use super::journeys::{
    NOT_AVAILABLE_DOMAIN, ensure_console_clean, open_cabinet, sign_out, sign_up,
};
use super::portal::{TestPortal, unique_email};
use super::session::{Browser, ensure};

#[actix_web::test]
async fn the_frame_shows_the_sandbox_cabinet_of_the_accounts_client() {
    let test = "the_frame_shows_the_sandbox_cabinet_of_the_accounts_client";
    let Some(browser) = Browser::start(test).await else {
        return;
    };
    let portal = TestPortal::spawn().await;
    let email = unique_email("framed");
    browser
        .step(
            "register",
            sign_up(&browser, &portal, &email, "Frida Framed"),
        )
        .await;
    let ids = portal.link(&email, "Framed Goods Ltd").await;

    let name = browser
        .step("open the cabinet page", open_cabinet(&browser, &portal))
        .await;

    browser
        .step("the frame holds the client's sandbox cabinet", async {
            ensure(name == "Framed Goods Ltd", || {
                format!("client name {name:?}")
            })?;
            browser.enter_frame("#priceplan-cabinet").await?;
            let origin = browser.run("return window.location.origin").await?;
            let balance = browser.text("#balance").await?;
            browser.leave_frame().await?;
            ensure(origin == portal.sandbox_url.as_str(), || {
                format!("the frame's origin is {origin}")
            })?;
            ensure(!balance.is_empty(), || "no balance shown".into())
        })
        .await;
    browser
        .step("the page names the client's ids", async {
            let client_id = browser.text("#priceplan-client-id").await?;
            ensure(client_id == ids.client_id.to_string(), || {
                format!("client id {client_id}")
            })
        })
        .await;
    browser
        .step("the console has no error and no CSP report", async {
            ensure_console_clean(&browser)
        })
        .await;
}

#[actix_web::test]
async fn an_unlinked_account_sees_the_notice_and_no_frame() {
    let test = "an_unlinked_account_sees_the_notice_and_no_frame";
    let Some(browser) = Browser::start(test).await else {
        return;
    };
    let portal = TestPortal::spawn().await;
    let email = unique_email("unlinked");

    browser
        .step(
            "register",
            sign_up(&browser, &portal, &email, "Una Unlinked"),
        )
        .await;

    browser
        .step("the notice shows and no frame", async {
            let notice = browser.text("#not-linked").await?;
            ensure(notice.contains("not linked"), || {
                format!("notice {notice:?}")
            })?;
            ensure(!browser.has("iframe").await?, || "a frame is shown".into())
        })
        .await;
    assert_eq!(portal.sandbox.stats().reset_token_calls, 0);
    browser
        .step("the console is clean", async {
            ensure_console_clean(&browser)
        })
        .await;
}

#[actix_web::test]
async fn each_account_sees_only_its_own_clients_cabinet() {
    let test = "each_account_sees_only_its_own_clients_cabinet";
    let Some(browser) = Browser::start(test).await else {
        return;
    };
    let portal = TestPortal::spawn().await;
    let (first, second) = (unique_email("first"), unique_email("second"));

    browser
        .step("register the first account", async {
            sign_up(&browser, &portal, &first, "First Person").await
        })
        .await;
    portal.link(&first, "Alpha Trading Ltd").await;
    let first_sees = browser
        .step("the first account opens its cabinet", async {
            open_cabinet(&browser, &portal).await
        })
        .await;
    browser
        .step("the first account signs out", sign_out(&browser))
        .await;
    browser
        .step("register the second account in the same browser", async {
            sign_up(&browser, &portal, &second, "Second Person").await
        })
        .await;
    portal.link(&second, "Beta Logistics GmbH").await;
    let second_sees = browser
        .step("the second account opens its cabinet", async {
            open_cabinet(&browser, &portal).await
        })
        .await;

    assert_eq!(first_sees, "Alpha Trading Ltd");
    assert_eq!(second_sees, "Beta Logistics GmbH");
    browser
        .step("nothing of the first client shows", async {
            browser.enter_frame("#priceplan-cabinet").await?;
            let framed = browser.text("body").await?;
            browser.leave_frame().await?;
            let page = browser.text("body").await?;
            ensure(!framed.contains("Alpha") && !page.contains("Alpha"), || {
                format!("frame {framed:?}, page {page:?}")
            })
        })
        .await;
}

#[actix_web::test]
async fn a_portal_missing_from_the_available_domains_gets_the_cabinets_refusal() {
    let test = "a_portal_missing_from_the_available_domains_gets_the_cabinets_refusal";
    let Some(browser) = Browser::start(test).await else {
        return;
    };
    let portal = TestPortal::spawn().await;
    let email = unique_email("refused");
    browser
        .step(
            "register",
            sign_up(&browser, &portal, &email, "Rolf Refused"),
        )
        .await;
    portal.link(&email, "Refused Ventures Ltd").await;
    portal
        .sandbox
        .set_allowed_origins(vec!["https://another-portal.example".into()]);

    browser
        .step("open the cabinet page", async {
            browser.goto(&portal.at("/pa")).await
        })
        .await;

    browser
        .step("the frame shows the available-domains message", async {
            browser.enter_frame("#priceplan-cabinet").await?;
            let framed = browser.text("body").await?;
            let cabinet_shown = browser.has("#client-name").await?;
            browser.leave_frame().await?;
            ensure(framed.contains(NOT_AVAILABLE_DOMAIN), || {
                format!("the frame shows {framed:?}")
            })?;
            ensure(!cabinet_shown, || "the cabinet is shown".into())
        })
        .await;
}
