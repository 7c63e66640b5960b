//! What a customer does in the portal, as steps for the tests to reuse.

use super::portal::{PASSWORD, TestPortal};
use super::session::{Browser, ConsoleEntry, Outcome, ensure};

/// The sandbox cabinet's own message when the portal's host is not allowed.
pub const NOT_AVAILABLE_DOMAIN: &str =
    "Your host is not included in available domains. Please, check your account settings.";

/// Fills in and sends the sign-up form; the new account lands on `/pa`.
pub async fn sign_up(browser: &Browser, portal: &TestPortal, email: &str, name: &str) -> Outcome {
    browser.goto(&portal.at("/sign-up")).await?;
    browser.type_into("input[name=email]", email).await?;
    browser.type_into("input[name=display_name]", name).await?;
    browser.type_into("input[name=password]", PASSWORD).await?;
    browser.click("form[action='/sign-up'] button").await?;
    arrive_at(browser, "/pa").await
}

/// Fills in and sends the sign-in form, without checking where it leads.
pub async fn submit_sign_in(
    browser: &Browser,
    portal: &TestPortal,
    email: &str,
    password: &str,
) -> Outcome {
    browser.goto(&portal.at("/sign-in")).await?;
    browser.type_into("input[name=email]", email).await?;
    browser.type_into("input[name=password]", password).await?;
    browser.click("form[action='/sign-in'] button").await
}

/// Signs in through the form; the account lands on `/pa`.
pub async fn sign_in(browser: &Browser, portal: &TestPortal, email: &str) -> Outcome {
    submit_sign_in(browser, portal, email, PASSWORD).await?;
    arrive_at(browser, "/pa").await
}

/// Clicks "Sign out" in the page header; the visitor lands on `/sign-in`.
pub async fn sign_out(browser: &Browser) -> Outcome {
    browser.leave_frame().await?;
    browser.click("form.sign-out button").await?;
    arrive_at(browser, "/sign-in").await
}

/// Waits until the top-level page is at `path`.
pub async fn arrive_at(browser: &Browser, path: &str) -> Outcome {
    browser
        .wait_for(
            &format!("the page's path should become {path}"),
            || browser.path(),
            |current| current == path,
        )
        .await?;
    Ok(())
}

/// Opens `/pa` and returns the client name that the framed cabinet shows.
pub async fn open_cabinet(browser: &Browser, portal: &TestPortal) -> Outcome<String> {
    browser.goto(&portal.at("/pa")).await?;
    framed_client_name(browser).await
}

/// The client name shown by the cabinet inside the frame; back at the top after.
pub async fn framed_client_name(browser: &Browser) -> Outcome<String> {
    browser.enter_frame("#priceplan-cabinet").await?;
    let name = browser.text("#client-name").await;
    browser.leave_frame().await?;
    name
}

/// Fails when the browser logged an error, a warning or a CSP message since
/// the last read of its log.
pub fn ensure_console_clean(browser: &Browser) -> Outcome {
    let problems = console_problems(browser)?;
    ensure(problems.is_empty(), || {
        format!("the browser console should be clean, but has {problems:#?}")
    })
}

/// The log entries that [`ensure_console_clean`] refuses.
pub fn console_problems(browser: &Browser) -> Outcome<Vec<ConsoleEntry>> {
    let entries = browser.console()?;
    Ok(entries
        .into_iter()
        .filter(|entry| {
            matches!(entry.level.as_str(), "SEVERE" | "WARNING")
                || entry.message.contains("Content Security Policy")
        })
        .collect())
}
