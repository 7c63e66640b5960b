//! One headless Chromium session per test, driven through chromedriver, with
//! named steps, a screenshot of the last state, and a clean shutdown.

use std::cell::Cell;
use std::fmt;
use std::future::Future;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use base64::Engine;
use fantoccini::elements::Element;
use fantoccini::error::CmdError;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::Value;

use super::driver::{Chromedriver, Installation, capabilities};
use super::housekeeping::{BrowserSlot, TempDir};

/// How long a step waits for an element or a condition.
const PATIENCE: Duration = Duration::from_secs(10);

/// Why a step failed.
#[derive(Debug)]
pub struct Failure(String);

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<CmdError> for Failure {
    fn from(error: CmdError) -> Self {
        Self(format!("WebDriver: {error}"))
    }
}

/// Fails the step with `message` unless `condition` holds.
pub fn ensure(condition: bool, message: impl FnOnce() -> String) -> Result<(), Failure> {
    if condition {
        Ok(())
    } else {
        Err(Failure(message()))
    }
}

/// What a step does: returns its result or why it failed.
pub type Outcome<T = ()> = Result<T, Failure>;

/// A browser message read from chromedriver's log.
#[derive(Debug)]
pub struct ConsoleEntry {
    pub level: String,
    pub message: String,
}

/// A headless Chromium session for one test.
///
/// Dropping it (when the test ends, passes or panics) saves a screenshot to
/// `target/browser-screenshots/TEST.png`, ends the session and chromedriver,
/// and removes the browser profile.
pub struct Browser {
    client: Client,
    session_id: String,
    test: &'static str,
    step: Cell<&'static str>,
    driver: Chromedriver,
    _profile: TempDir,
    _slot: BrowserSlot,
}

impl Browser {
    /// Starts Chromium for the test `test`, or returns `None` when the
    /// browser tests are skipped because no browser is installed.
    pub async fn start(test: &'static str) -> Option<Self> {
        let installation = Installation::or_skip()?;
        let slot = BrowserSlot::take();
        let profile = TempDir::new("portal-browser-profile");
        let driver = Chromedriver::start(&installation.chromedriver);

        let capabilities = capabilities(&installation, profile.path());
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities)
            .connect(&driver.url())
            .await
            .unwrap_or_else(|e| panic!("{test}: cannot start a Chromium session: {e}"));
        let session_id = client
            .session_id()
            .await
            .ok()
            .flatten()
            .unwrap_or_else(|| panic!("{test}: chromedriver gave no session id"));

        Some(Self {
            client,
            session_id,
            test,
            step: Cell::new("start the browser"),
            driver,
            _profile: profile,
            _slot: slot,
        })
    }

    /// Runs one named step; a failure panics with the test's and step's names.
    pub async fn step<T>(&self, name: &'static str, work: impl Future<Output = Outcome<T>>) -> T {
        self.step.set(name);
        match work.await {
            Ok(value) => value,
            Err(failure) => panic!(
                "{}: step \"{name}\" failed: {failure}\n(screenshot: {})",
                self.test,
                self.screenshot_path().display()
            ),
        }
    }

    /// Opens `url` in the top-level window.
    pub async fn goto(&self, url: &str) -> Outcome {
        Ok(self.client.goto(url).await?)
    }

    /// The path of the top-level page's URL, e.g. `/sign-in`.
    pub async fn path(&self) -> Outcome<String> {
        Ok(self.client.current_url().await?.path().to_string())
    }

    /// Waits for the element that `css` selects in the current frame.
    pub async fn find(&self, css: &str) -> Outcome<Element> {
        self.client
            .wait()
            .at_most(PATIENCE)
            .for_element(Locator::Css(css))
            .await
            .map_err(|e| Failure(format!("no element `{css}`: {e}")))
    }

    /// Whether the current frame has an element that `css` selects, now.
    pub async fn has(&self, css: &str) -> Outcome<bool> {
        Ok(!self.client.find_all(Locator::Css(css)).await?.is_empty())
    }

    /// Clicks into the field and types `text`, key by key.
    pub async fn type_into(&self, css: &str, text: &str) -> Outcome {
        let field = self.find(css).await?;
        field.click().await?;
        Ok(field.send_keys(text).await?)
    }

    /// Clicks the element.
    pub async fn click(&self, css: &str) -> Outcome {
        Ok(self.find(css).await?.click().await?)
    }

    /// The element's rendered text.
    pub async fn text(&self, css: &str) -> Outcome<String> {
        Ok(self.find(css).await?.text().await?)
    }

    /// Goes back in the history.
    pub async fn back(&self) -> Outcome {
        Ok(self.client.back().await?)
    }

    /// Switches into the frame that `css` selects in the top-level page.
    pub async fn enter_frame(&self, css: &str) -> Outcome {
        self.client.enter_parent_frame().await?;
        Ok(self.find(css).await?.enter_frame().await?)
    }

    /// Switches back to the top-level page.
    pub async fn leave_frame(&self) -> Outcome {
        Ok(self.client.enter_parent_frame().await?)
    }

    /// Runs `script` in the current frame and returns its result.
    pub async fn run(&self, script: &str) -> Outcome<Value> {
        Ok(self.client.execute(script, Vec::new()).await?)
    }

    /// Polls `probe` until `done` accepts its value; fails with `what` and
    /// the last value after [`PATIENCE`].
    pub async fn wait_for<T, F>(
        &self,
        what: &str,
        mut probe: impl FnMut() -> F,
        done: impl Fn(&T) -> bool,
    ) -> Outcome<T>
    where
        T: fmt::Debug,
        F: Future<Output = Outcome<T>>,
    {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let value = probe().await?;
            if done(&value) {
                return Ok(value);
            }
            if Instant::now() > deadline {
                return Err(Failure(format!(
                    "{what}: still {value:?} after {PATIENCE:?}"
                )));
            }
            actix_web::rt::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The browser's console and network messages since the last call.
    pub fn console(&self) -> Outcome<Vec<ConsoleEntry>> {
        let path = format!("/session/{}/se/log", self.session_id);
        let entries = self
            .driver
            .call("POST", &path, r#"{"type":"browser"}"#)
            .map_err(|e| Failure(format!("cannot read the browser log: {e}")))?;
        let entries = entries.as_array().cloned().unwrap_or_default();
        Ok(entries
            .iter()
            .map(|entry| ConsoleEntry {
                level: entry["level"].as_str().unwrap_or("").to_string(),
                message: entry["message"].as_str().unwrap_or("").to_string(),
            })
            .collect())
    }

    fn screenshot_path(&self) -> PathBuf {
        screenshot_folder().join(format!("{}.png", self.test))
    }

    /// Saves what the window shows; called from `Drop`, so it only reports.
    fn save_screenshot(&self) {
        let path = format!("/session/{}/screenshot", self.session_id);
        let png = self
            .driver
            .call("GET", &path, "")
            .map_err(|e| e.to_string())
            .and_then(|value| {
                let encoded = value.as_str().ok_or("no image in the answer")?;
                base64::engine::general_purpose::STANDARD
                    .decode(encoded)
                    .map_err(|e| e.to_string())
            });
        let saved = png.and_then(|png| {
            std::fs::create_dir_all(screenshot_folder()).map_err(|e| e.to_string())?;
            std::fs::write(self.screenshot_path(), png).map_err(|e| e.to_string())
        });
        if let Err(error) = saved {
            eprintln!("{}: no screenshot saved: {error}", self.test);
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!(
                "{}: failed during step \"{}\"; screenshot: {}",
                self.test,
                self.step.get(),
                self.screenshot_path().display()
            );
        }
        self.save_screenshot();
        let _ = self
            .driver
            .call("DELETE", &format!("/session/{}", self.session_id), "");
    }
}

/// `target/browser-screenshots`.
fn screenshot_folder() -> PathBuf {
    let target_tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let target = target_tmp.parent().map(PathBuf::from).unwrap_or(target_tmp);
    target.join("browser-screenshots")
}
