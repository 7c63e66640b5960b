//! The frame's height follows the cabinet's content: the parent and child
//! halves of iframe-resizer talk across the two origins.

use super::journeys::{ensure_console_clean, open_cabinet, sign_up};
use super::portal::{TestPortal, unique_email};
use super::session::{Browser, Outcome, ensure};

/// The rendered height of the cabinet frame in the portal page, in CSS pixels.
async fn frame_height(browser: &Browser) -> Outcome<f64> {
    let (_, _, _, height) = browser
        .find("#priceplan-cabinet")
        .await?
        .rectangle()
        .await?;
    Ok(height)
}

/// Waits until iframe-resizer has sized the frame and the height holds still.
async fn settled_frame_height(browser: &Browser) -> Outcome<f64> {
    let sized = "return document.getElementById('priceplan-cabinet').style.height";
    browser
        .wait_for(
            "iframe-resizer should set the frame's height",
            || browser.run(sized),
            |height| height.as_str().is_some_and(|h| h.ends_with("px")),
        )
        .await?;
    let mut last = frame_height(browser).await?;
    for _ in 0..20 {
        actix_web::rt::time::sleep(std::time::Duration::from_millis(250)).await;
        let now = frame_height(browser).await?;
        if now == last {
            return Ok(now);
        }
        last = now;
    }
    Ok(last)
}

/// Clicks "Show all operations" (or "Hide ...") inside the cabinet frame.
async fn toggle_all_operations(browser: &Browser) -> Outcome<String> {
    browser.enter_frame("#priceplan-cabinet").await?;
    browser.click("#toggle-operations").await?;
    let expanded = browser
        .find("#toggle-operations")
        .await?
        .attr("aria-expanded")
        .await?;
    browser.leave_frame().await?;
    Ok(expanded.unwrap_or_default())
}

#[actix_web::test]
async fn the_frame_grows_and_shrinks_with_the_cabinets_content() {
    let test = "the_frame_grows_and_shrinks_with_the_cabinets_content";
    let Some(browser) = Browser::start(test).await else {
        return;
    };
    let portal = TestPortal::spawn().await;
    let email = unique_email("resize");
    browser
        .step(
            "register",
            sign_up(&browser, &portal, &email, "Rosa Resize"),
        )
        .await;
    portal.link(&email, "Elastic Frames Ltd").await;
    browser
        .step("open the cabinet", open_cabinet(&browser, &portal))
        .await;
    let collapsed = browser
        .step(
            "iframe-resizer sizes the frame",
            settled_frame_height(&browser),
        )
        .await;

    let expanded = browser
        .step("showing all operations makes the frame taller", async {
            let state = toggle_all_operations(&browser).await?;
            ensure(state == "true", || format!("aria-expanded {state}"))?;
            browser
                .wait_for(
                    &format!("the frame should grow past {collapsed}px"),
                    || frame_height(&browser),
                    |height| *height > collapsed + 50.0,
                )
                .await
        })
        .await;
    let shrunk = browser
        .step("hiding them makes it shorter again", async {
            let state = toggle_all_operations(&browser).await?;
            ensure(state == "false", || format!("aria-expanded {state}"))?;
            browser
                .wait_for(
                    &format!("the frame should shrink below {expanded}px"),
                    || frame_height(&browser),
                    |height| *height < expanded - 50.0,
                )
                .await
        })
        .await;

    browser
        .step("the frame is back to its first height", async {
            ensure((shrunk - collapsed).abs() <= 2.0, || {
                format!("{collapsed}px at first, {shrunk}px now")
            })
        })
        .await;
    browser
        .step("the console is clean", async {
            ensure_console_clean(&browser)
        })
        .await;
}
