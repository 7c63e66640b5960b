//! A limit on cabinet redirects per account: each costs a PricePlan call on
//! the one shared Manager account, which PricePlan may throttle or block
//! for everybody if one customer's script hammers the route.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

const WINDOW: Duration = Duration::from_secs(60);
/// Past this many accounts, finished windows are dropped.
const PRUNE_ABOVE: usize = 10_000;

/// Counts each account's redirects in fixed one-minute windows.
pub struct RedirectLimit {
    per_minute: u32,
    windows: Mutex<HashMap<i64, (u32, Instant)>>,
}

impl RedirectLimit {
    /// Allows `per_minute` redirects per account and minute; 0 allows any.
    pub fn new(per_minute: u32) -> Self {
        Self {
            per_minute,
            windows: Mutex::default(),
        }
    }

    /// Counts a redirect; `false` when the account is over its limit.
    pub fn allow(&self, user_id: i64) -> bool {
        if self.per_minute == 0 {
            return true;
        }
        let mut windows = self.windows.lock().unwrap_or_else(PoisonError::into_inner);
        if windows.len() > PRUNE_ABOVE {
            windows.retain(|_, (_, since)| since.elapsed() < WINDOW);
        }
        let (count, since) = windows.entry(user_id).or_insert((0, Instant::now()));
        if since.elapsed() >= WINDOW {
            (*count, *since) = (0, Instant::now());
        }
        *count += 1;
        *count <= self.per_minute
    }
}

#[cfg(test)]
mod tests {
    use super::RedirectLimit;

    #[test]
    fn each_account_gets_its_own_allowance() {
        let limit = RedirectLimit::new(3);

        let first: Vec<bool> = (0..4).map(|_| limit.allow(1)).collect();

        assert_eq!(first, [true, true, true, false]);
        assert!(limit.allow(2));
    }

    #[test]
    fn zero_means_no_limit() {
        let limit = RedirectLimit::new(0);

        assert!((0..1000).all(|_| limit.allow(1)));
    }
}
