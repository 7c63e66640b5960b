//! Counters of the portal's traffic to PricePlan.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crate::priceplan::PricePlanError;

/// Counts PricePlan calls, failures and Manager sign-ins.
#[derive(Debug, Default)]
pub struct CallStats {
    calls: AtomicU64,
    failures: AtomicU64,
    sign_ins: AtomicU64,
    total_micros: AtomicU64,
}

/// A snapshot of [`CallStats`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CallCounts {
    /// Every request sent to PricePlan, sign-ins included.
    pub calls: u64,
    /// Requests that ended without a usable answer.
    pub failures: u64,
    /// Manager sign-in attempts.
    pub sign_ins: u64,
    /// Time spent waiting for PricePlan, in microseconds.
    pub total_micros: u64,
}

impl CallStats {
    pub(crate) fn count_call(&self) {
        self.calls.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn count_sign_in(&self) {
        self.sign_ins.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn observe(&self, elapsed: Duration, error: Option<&PricePlanError>) {
        let micros = u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX);
        self.total_micros.fetch_add(micros, Ordering::Relaxed);
        if error.is_some() {
            self.failures.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// The counts so far.
    pub fn snapshot(&self) -> CallCounts {
        CallCounts {
            calls: self.calls.load(Ordering::Relaxed),
            failures: self.failures.load(Ordering::Relaxed),
            sign_ins: self.sign_ins.load(Ordering::Relaxed),
            total_micros: self.total_micros.load(Ordering::Relaxed),
        }
    }
}
