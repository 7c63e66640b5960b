//! A latency histogram with fixed buckets, as Prometheus reads it.

use std::time::Duration;

/// Upper bounds of the buckets, in seconds; `+Inf` follows implicitly.
pub const BUCKETS: [f64; 11] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// Observed durations: how many fell into each bucket, their count and sum.
///
/// Not synchronised: the owner keeps it behind a short mutex.
#[derive(Clone, Debug, Default)]
pub struct Histogram {
    /// Per bucket (not cumulative), the last one for values above every bound.
    counts: [u64; BUCKETS.len() + 1],
    sum_seconds: f64,
}

impl Histogram {
    /// Adds one observation.
    pub fn observe(&mut self, elapsed: Duration) {
        let seconds = elapsed.as_secs_f64();
        let bucket = BUCKETS
            .iter()
            .position(|bound| seconds <= *bound)
            .unwrap_or(BUCKETS.len());
        self.counts[bucket] += 1;
        self.sum_seconds += seconds;
    }

    /// How many observations there were.
    pub fn count(&self) -> u64 {
        self.counts.iter().sum()
    }

    /// The sum of all observations, in seconds.
    pub fn sum_seconds(&self) -> f64 {
        self.sum_seconds
    }

    /// `(upper bound, cumulative count)` per bucket, ending with `+Inf`.
    pub fn cumulative(&self) -> Vec<(String, u64)> {
        let mut total = 0;
        let mut buckets = Vec::with_capacity(self.counts.len());
        for (i, count) in self.counts.iter().enumerate() {
            total += count;
            let bound = BUCKETS
                .get(i)
                .map_or_else(|| "+Inf".to_string(), ToString::to_string);
            buckets.push((bound, total));
        }
        buckets
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn observations_land_in_cumulative_buckets() {
        let mut histogram = Histogram::default();

        histogram.observe(Duration::from_millis(3));
        histogram.observe(Duration::from_millis(200));
        histogram.observe(Duration::from_secs(60));

        let buckets = histogram.cumulative();
        assert_eq!(buckets.first(), Some(&("0.005".to_string(), 1)));
        assert!(buckets.contains(&("0.25".to_string(), 2)));
        assert_eq!(buckets.last(), Some(&("+Inf".to_string(), 3)));
        assert_eq!(histogram.count(), 3);
        assert!((histogram.sum_seconds() - 60.203).abs() < 1e-9);
    }
}
