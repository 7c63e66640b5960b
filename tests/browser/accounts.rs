//! Registering, signing in and signing out through the real forms.

use super::journeys::{arrive_at, open_cabinet, sign_in, sign_out, sign_up, submit_sign_in};
use super::portal::{TestPortal, unique_email};
use super::session::{Browser, ensure};

#[actix_web::test]
async fn a_visitor_registers_and_signs_in_through_the_forms() {
    let test = "a_visitor_registers_and_signs_in_through_the_forms";
    let Some(browser) = Browser::start(test).await else {
        return;
    };
    let portal = TestPortal::spawn().await;
    let email = unique_email("forms");

    browser
        .step(
            "register through the sign-up form",
            sign_up(&browser, &portal, &email, "Rita Register"),
        )
        .await;
    browser
        .step("the header greets the new account", async {
            let who = browser.text(".sign-out .who").await?;
            ensure(who == "Rita Register", || format!("header shows {who:?}"))
        })
        .await;
    browser.step("sign out", sign_out(&browser)).await;
    browser
        .step("a wrong password is refused on the form", async {
            submit_sign_in(&browser, &portal, &email, "not the password at all").await?;
            let error = browser.text(".error").await?;
            ensure(error == "Wrong email or password.", || {
                format!("error {error:?}")
            })?;
            arrive_at(&browser, "/sign-in").await
        })
        .await;
    browser
        .step(
            "sign in through the sign-in form",
            sign_in(&browser, &portal, &email),
        )
        .await;

    browser
        .step("the cabinet page greets the account", async {
            let who = browser.text(".sign-out .who").await?;
            ensure(who == "Rita Register", || format!("header shows {who:?}"))
        })
        .await;
}

#[actix_web::test]
async fn after_signing_out_the_back_button_does_not_show_the_cabinet() {
    let test = "after_signing_out_the_back_button_does_not_show_the_cabinet";
    let Some(browser) = Browser::start(test).await else {
        return;
    };
    let portal = TestPortal::spawn().await;
    let email = unique_email("back");
    browser
        .step("register", sign_up(&browser, &portal, &email, "Bert Back"))
        .await;
    portal.link(&email, "Backwards Bakery Ltd").await;
    let name = browser
        .step("open the cabinet", open_cabinet(&browser, &portal))
        .await;
    assert_eq!(name, "Backwards Bakery Ltd");

    browser.step("sign out", sign_out(&browser)).await;
    browser
        .step("press back", async { browser.back().await })
        .await;

    browser
        .step("the sign-in page shows, without the cabinet", async {
            arrive_at(&browser, "/sign-in").await?;
            ensure(!browser.has("iframe").await?, || "a frame is shown".into())?;
            let page = browser.text("body").await?;
            ensure(!page.contains("Backwards Bakery"), || {
                format!("the page shows the client: {page:?}")
            })
        })
        .await;
}
