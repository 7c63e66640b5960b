//! The console check itself: it must see a CSP violation when one happens,
//! or its silence in the other tests would prove nothing.

use super::journeys::{console_problems, open_cabinet, sign_up};
use super::portal::{TestPortal, unique_email};
use super::session::{Browser, ensure};

#[actix_web::test]
async fn the_console_check_reports_a_csp_violation_on_the_cabinet_page() {
    let test = "the_console_check_reports_a_csp_violation_on_the_cabinet_page";
    let Some(browser) = Browser::start(test).await else {
        return;
    };
    let portal = TestPortal::spawn().await;
    let email = unique_email("csp");
    browser
        .step(
            "register",
            sign_up(&browser, &portal, &email, "Carl Console"),
        )
        .await;
    portal.link(&email, "Policy Checks Ltd").await;
    browser
        .step("open the cabinet", open_cabinet(&browser, &portal))
        .await;
    browser
        .step("read the log so far", async { browser.console().map(drop) })
        .await;

    browser
        .step(
            "add an inline script, which the page's CSP refuses",
            async {
                let script = "var s = document.createElement('script');\
                          s.textContent = 'window.inlineRan = true';\
                          document.body.appendChild(s);\
                          return window.inlineRan === true;";
                let ran = browser.run(script).await?;
                ensure(ran == false, || "the inline script ran".into())
            },
        )
        .await;

    browser
        .step("the console check reports the violation", async {
            let problems = browser
                .wait_for(
                    "a CSP message should reach the log",
                    || async { console_problems(&browser) },
                    |problems| !problems.is_empty(),
                )
                .await?;
            ensure(
                problems
                    .iter()
                    .any(|p| p.message.contains("Content Security Policy")),
                || format!("no CSP message among {problems:#?}"),
            )
        })
        .await;
}
