//! What a run saw, per tag and overall, and the percentiles of its latencies.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::{Value, json};

/// Distinct error texts kept per tally; the rest are counted under one key, so that a server
/// that fails in a thousand ways cannot blow up the report.
const ERROR_KINDS: usize = 8;

/// How one request ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ending {
    /// An answer was read to its end, with this status.
    Answered(u16),
    /// No complete answer: connection refused or reset, timed out, malformed.
    Failed(String),
}

/// One request's result.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Index into the run's tag names.
    pub tag: usize,
    /// From the moment the request was due to the end of its answer (or its failure).
    pub latency: Duration,
    pub ending: Ending,
}

/// The counts and latencies of one tag, or of the whole run.
#[derive(Debug, Default)]
pub struct Tally {
    statuses: BTreeMap<u16, u64>,
    errors: BTreeMap<String, u64>,
    failed: u64,
    /// Latencies of answered requests, in microseconds.
    latencies_us: Vec<u64>,
}

impl Tally {
    pub fn add(&mut self, o: &Outcome) {
        match &o.ending {
            Ending::Answered(status) => {
                *self.statuses.entry(*status).or_default() += 1;
                let us = u64::try_from(o.latency.as_micros()).unwrap_or(u64::MAX);
                self.latencies_us.push(us);
            }
            Ending::Failed(why) => {
                self.failed += 1;
                let key = if self.errors.len() < ERROR_KINDS || self.errors.contains_key(why) {
                    why.clone()
                } else {
                    "(other errors)".to_owned()
                };
                *self.errors.entry(key).or_default() += 1;
            }
        }
    }

    /// The tally as JSON; `window` is the time the achieved rate is counted over.
    pub fn report(&mut self, window: Duration) -> Value {
        self.latencies_us.sort_unstable();
        let sorted = &self.latencies_us;
        let completed = sorted.len() as u64;
        let non_ok: u64 = self
            .statuses
            .iter()
            .filter(|(status, _)| !(200..400).contains(*status))
            .map(|(_, n)| n)
            .sum();
        let ms = |q: f64| percentile(sorted, q).map(|us| us as f64 / 1000.0);
        let mean = (completed > 0)
            .then(|| sorted.iter().map(|&us| us as f64).sum::<f64>() / completed as f64 / 1000.0);
        let secs = window.as_secs_f64();
        json!({
            "sent": completed + self.failed,
            "completed": completed,
            "statuses": self.statuses.iter().map(|(s, n)| (s.to_string(), json!(n))).collect::<serde_json::Map<_, _>>(),
            "non_2xx_3xx": non_ok,
            "errors": self.failed,
            "error_kinds": self.errors,
            "achieved_rate": if secs > 0.0 { completed as f64 / secs } else { 0.0 },
            "latency_ms": {
                "p50": ms(0.50),
                "p90": ms(0.90),
                "p99": ms(0.99),
                "p999": ms(0.999),
                "max": sorted.last().map(|&us| us as f64 / 1000.0),
                "mean": mean,
            },
        })
    }
}

/// The `q`-quantile (0 < q ≤ 1) of sorted values by the nearest-rank rule: the smallest value
/// with at least `q` of all values at or below it. It is always one of the observed values, so a
/// p99 of a hundred requests is the slowest but one, never an interpolation between them.
pub fn percentile(sorted: &[u64], q: f64) -> Option<u64> {
    if sorted.is_empty() {
        return None;
    }
    let n = sorted.len();
    let rank = (q * n as f64).ceil() as usize;
    Some(sorted[rank.clamp(1, n) - 1])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_follow_the_nearest_rank_rule() {
        let hundred: Vec<u64> = (1..=100).collect();
        assert_eq!(percentile(&hundred, 0.50), Some(50));
        assert_eq!(percentile(&hundred, 0.90), Some(90));
        assert_eq!(percentile(&hundred, 0.99), Some(99));
        assert_eq!(percentile(&hundred, 0.999), Some(100));
        assert_eq!(percentile(&hundred, 1.0), Some(100));
        // Tiny quantiles still give the smallest value, not an index before the start.
        assert_eq!(percentile(&hundred, 0.0), Some(1));

        let thousand: Vec<u64> = (1..=1000).collect();
        assert_eq!(percentile(&thousand, 0.999), Some(999));
        assert_eq!(percentile(&[7], 0.5), Some(7));
        assert_eq!(percentile(&[7], 0.999), Some(7));
        assert_eq!(percentile(&[], 0.5), None);
        // Two values: the median is the lower one (half the values are at or below it).
        assert_eq!(percentile(&[10, 20], 0.5), Some(10));
        assert_eq!(percentile(&[10, 20], 0.51), Some(20));
    }

    #[test]
    fn a_tally_counts_answers_refusals_and_failures_apart() {
        let mut t = Tally::default();
        let at = |ms: u64, ending: Ending| Outcome {
            tag: 0,
            latency: Duration::from_millis(ms),
            ending,
        };
        for ms in 1..=98 {
            t.add(&at(ms, Ending::Answered(200)));
        }
        t.add(&at(500, Ending::Answered(303)));
        t.add(&at(900, Ending::Answered(429)));
        t.add(&at(30_000, Ending::Failed("timed out".into())));
        let r = t.report(Duration::from_secs(2));
        assert_eq!(r["sent"], 101);
        assert_eq!(r["completed"], 100);
        assert_eq!(r["non_2xx_3xx"], 1);
        assert_eq!(r["errors"], 1);
        assert_eq!(r["statuses"]["200"], 98);
        assert_eq!(r["error_kinds"]["timed out"], 1);
        assert_eq!(r["achieved_rate"], 50.0);
        assert_eq!(r["latency_ms"]["p50"], 50.0);
        assert_eq!(r["latency_ms"]["p99"], 500.0);
        assert_eq!(r["latency_ms"]["max"], 900.0);
    }

    #[test]
    fn error_texts_are_capped() {
        let mut t = Tally::default();
        for i in 0..20 {
            t.add(&Outcome {
                tag: 0,
                latency: Duration::ZERO,
                ending: Ending::Failed(format!("error {i}")),
            });
        }
        let r = t.report(Duration::from_secs(1));
        let kinds = r["error_kinds"].as_object().map(|o| o.len());
        assert_eq!(kinds, Some(ERROR_KINDS + 1));
        assert_eq!(r["error_kinds"]["(other errors)"], 20 - ERROR_KINDS as u64);
        assert_eq!(r["latency_ms"]["p50"], Value::Null);
    }
}
