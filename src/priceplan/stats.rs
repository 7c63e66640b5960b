//! Counters of the portal's traffic to PricePlan, for `/metrics` and tests.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use crate::metrics::Histogram;
use crate::priceplan::PricePlanError;

/// Counts PricePlan calls per call name, their failures by kind, their
/// latency, and Manager sign-ins.
///
/// One short mutex guards the per-call figures; it is held only to add one
/// observation, never across an await.
#[derive(Debug, Default)]
pub struct CallStats {
    per_call: Mutex<BTreeMap<&'static str, CallFigures>>,
    sign_ins: AtomicU64,
    /// When the latest call ended, and how it failed if it did.
    latest: Mutex<Option<(Instant, Option<&'static str>)>>,
}

/// What is known about one API call, e.g. `reset_token`.
#[derive(Clone, Debug, Default)]
pub struct CallFigures {
    /// Calls made, whatever their outcome.
    pub calls: u64,
    /// Failed calls by [`PricePlanError::kind`].
    pub failures: BTreeMap<&'static str, u64>,
    /// How long the calls took, answer read included.
    pub latency: Histogram,
}

/// A summary of [`CallStats`] over all calls.
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
    pub(crate) fn count_sign_in(&self) {
        self.sign_ins.fetch_add(1, Ordering::Relaxed);
    }

    /// Records one finished call.
    pub(crate) fn observe(
        &self,
        call: &'static str,
        elapsed: Duration,
        error: Option<&PricePlanError>,
    ) {
        let mut per_call = self.per_call.lock().unwrap_or_else(PoisonError::into_inner);
        let figures = per_call.entry(call).or_default();
        figures.calls += 1;
        figures.latency.observe(elapsed);
        if let Some(error) = error {
            *figures.failures.entry(error.kind()).or_default() += 1;
        }
        drop(per_call);
        let outcome = (Instant::now(), error.map(PricePlanError::kind));
        *self.latest.lock().unwrap_or_else(PoisonError::into_inner) = Some(outcome);
    }

    /// The kind of failure of the latest call, if it ended within `within`
    /// because PricePlan could not be reached or answered nonsense: a sign
    /// that PricePlan is down, whatever the cached Manager session says.
    pub fn recent_outage(&self, within: Duration) -> Option<&'static str> {
        let latest = *self.latest.lock().unwrap_or_else(PoisonError::into_inner);
        match latest {
            Some((at, Some(kind))) if at.elapsed() < within => {
                matches!(kind, "unreachable" | "timeout" | "unexpected_answer").then_some(kind)
            }
            _ => None,
        }
    }

    /// Manager sign-in attempts so far.
    pub fn sign_ins(&self) -> u64 {
        self.sign_ins.load(Ordering::Relaxed)
    }

    /// A copy of the figures of every call made so far, by call name.
    pub fn per_call(&self) -> BTreeMap<&'static str, CallFigures> {
        self.per_call
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The counts so far, over all calls.
    pub fn snapshot(&self) -> CallCounts {
        let per_call = self.per_call();
        let seconds: f64 = per_call.values().map(|f| f.latency.sum_seconds()).sum();
        CallCounts {
            calls: per_call.values().map(|f| f.calls).sum(),
            failures: per_call.values().flat_map(|f| f.failures.values()).sum(),
            sign_ins: self.sign_ins(),
            total_micros: (seconds * 1e6) as u64,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_are_counted_per_name_and_failures_per_kind() {
        let stats = CallStats::default();
        let timeout = PricePlanError::Timeout {
            call: "reset_token",
        };

        stats.observe("login", Duration::from_millis(5), None);
        stats.observe("reset_token", Duration::from_millis(5), None);
        stats.observe("reset_token", Duration::from_secs(3), Some(&timeout));

        let per_call = stats.per_call();
        assert_eq!(per_call["reset_token"].calls, 2);
        assert_eq!(per_call["reset_token"].failures["timeout"], 1);
        assert!(per_call["login"].failures.is_empty());
        assert_eq!(stats.snapshot().calls, 3);
        assert_eq!(stats.snapshot().failures, 1);
    }
}
