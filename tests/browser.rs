//! End-to-end tests in a real headless Chromium, driven through chromedriver:
//! the portal and its sandbox run in this process on loopback ports of their
//! own, and the browser goes through the real forms and the framed cabinet.
//!
//! Without Chromium and chromedriver the tests pass after one line saying
//! they were skipped, unless `CI` is set, where they fail.

mod browser {
    mod accounts;
    mod cabinet;
    mod console;
    pub mod driver;
    pub mod housekeeping;
    pub mod journeys;
    pub mod portal;
    mod resize;
    pub mod session;
}
