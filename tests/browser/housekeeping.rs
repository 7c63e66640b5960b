//! What keeps the browser tests from crowding a small machine or leaving
//! files behind.

use std::path::{Path, PathBuf};
use std::sync::{Condvar, Mutex};

/// At most this many Chromium instances run at once, whatever the number of
/// test threads: each one is heavy on a small machine.
const MAX_BROWSERS: usize = 2;

/// A place among the [`MAX_BROWSERS`] browsers allowed at once.
pub struct BrowserSlot(());

static RUNNING: Mutex<usize> = Mutex::new(0);
static FREED: Condvar = Condvar::new();

impl BrowserSlot {
    /// Waits for a free place.
    pub fn take() -> Self {
        let mut running = RUNNING.lock().unwrap_or_else(|e| e.into_inner());
        while *running >= MAX_BROWSERS {
            running = FREED.wait(running).unwrap_or_else(|e| e.into_inner());
        }
        *running += 1;
        Self(())
    }
}

impl Drop for BrowserSlot {
    fn drop(&mut self) {
        let mut running = RUNNING.lock().unwrap_or_else(|e| e.into_inner());
        *running -= 1;
        FREED.notify_one();
    }
}

/// A fresh folder in the temp directory, removed with its content on drop.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(prefix: &str) -> Self {
        static NEXT: Mutex<u32> = Mutex::new(0);
        let mut next = NEXT.lock().unwrap_or_else(|e| e.into_inner());
        *next += 1;
        let name = format!("{prefix}-{}-{next}", std::process::id());
        let path = std::env::temp_dir().join(name);
        std::fs::create_dir_all(&path).expect("create a temp folder");
        Self(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
