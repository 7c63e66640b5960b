//! A short-lived copy of the sessions this process read or wrote, so that
//! most requests need no database read for their session.
//!
//! An entry is trusted for [`FRESH_FOR`] after it was read or written here;
//! a session ended or changed by another process (another portal instance,
//! the `link` command) is seen here within that time. Whatever this process
//! changes, it changes in the copy at once.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// How long a copy is trusted without asking the database again.
pub const FRESH_FOR: Duration = Duration::from_secs(2);
/// Past this many copies, stale ones are dropped; past twice as many, all.
const MAX_ENTRIES: usize = 20_000;

/// Session states by key hash.
#[derive(Default)]
pub struct SessionCache {
    entries: Mutex<HashMap<String, Entry>>,
}

struct Entry {
    state: HashMap<String, String>,
    expires_at: i64,
    stored_at: Instant,
}

impl SessionCache {
    /// The state, if a fresh copy of a live session is here.
    pub fn get(&self, key_hash: &str, now: i64) -> Option<HashMap<String, String>> {
        let entries = self.lock();
        let entry = entries.get(key_hash)?;
        let usable = entry.stored_at.elapsed() < FRESH_FOR && entry.expires_at > now;
        usable.then(|| entry.state.clone())
    }

    /// Keeps a copy of what the database now holds for this session.
    pub fn put(&self, key_hash: String, state: HashMap<String, String>, expires_at: i64) {
        let mut entries = self.lock();
        if entries.len() >= MAX_ENTRIES {
            entries.retain(|_, entry| entry.stored_at.elapsed() < FRESH_FOR);
            if entries.len() >= 2 * MAX_ENTRIES {
                entries.clear();
            }
        }
        let stored_at = Instant::now();
        let entry = Entry {
            state,
            expires_at,
            stored_at,
        };
        entries.insert(key_hash, entry);
    }

    /// Forgets a session that ended or changed.
    pub fn remove(&self, key_hash: &str) {
        self.lock().remove(key_hash);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Entry>> {
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state() -> HashMap<String, String> {
        HashMap::from([("user_id".to_string(), "7".to_string())])
    }

    #[test]
    fn a_fresh_copy_of_a_live_session_is_served() {
        let cache = SessionCache::default();

        cache.put("k".into(), state(), 100);

        assert_eq!(cache.get("k", 99), Some(state()));
        assert_eq!(cache.get("k", 100), None, "expired");
        assert_eq!(cache.get("other", 0), None);
    }

    #[test]
    fn a_removed_session_is_gone_from_the_copy() {
        let cache = SessionCache::default();
        cache.put("k".into(), state(), 100);

        cache.remove("k");

        assert_eq!(cache.get("k", 0), None);
    }
}
