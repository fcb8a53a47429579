//! When each request is due. The schedule is fixed before the run and never looks at answers:
//! that is what makes the load open-loop.

use std::time::Duration;

/// How many requests a run of `duration` at `rate` per second sends: the ones whose due time
/// falls strictly inside the run (request 0 is due at the start).
pub fn count(rate: f64, duration: Duration) -> u64 {
    if rate.is_nan() || rate <= 0.0 {
        return 0;
    }
    let exact = rate * duration.as_secs_f64();
    // 100 req/s for 2 s is 200 requests (due at 0 … 1.99 s), not 201; the small epsilon keeps
    // float noise (2000 × 0.3 = 599.9999…) from dropping the last one.
    (exact - 1e-9).ceil().max(0.0) as u64
}

/// The due time of request `i`, from the start of the run: `i / rate`. Computed from `i` each
/// time rather than by adding intervals, so rounding never accumulates into drift.
pub fn due(i: u64, rate: f64) -> Duration {
    Duration::from_secs_f64(i as f64 / rate)
}

/// A duration as the scripts write it: `10s`, `500ms`, `2m`, `1.5s`, or a bare number of seconds.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let t = text.trim();
    let (number, scale) = if let Some(n) = t.strip_suffix("ms") {
        (n, 0.001)
    } else if let Some(n) = t.strip_suffix('s') {
        (n, 1.0)
    } else if let Some(n) = t.strip_suffix('m') {
        (n, 60.0)
    } else {
        (t, 1.0)
    };
    let value: f64 = number
        .trim()
        .parse()
        .map_err(|_| format!("not a duration: {text:?} (say 10s, 500ms or 2m)"))?;
    if !value.is_finite() || value < 0.0 {
        return Err(format!("not a duration: {text:?}"));
    }
    Ok(Duration::from_secs_f64(value * scale))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_sends_rate_times_duration_requests() {
        assert_eq!(count(100.0, Duration::from_secs(2)), 200);
        assert_eq!(count(2000.0, Duration::from_millis(300)), 600);
        assert_eq!(count(0.5, Duration::from_secs(3)), 2); // due at 0 s and 2 s
        assert_eq!(count(3.0, Duration::from_millis(100)), 1); // request 0 is always due
        assert_eq!(count(0.0, Duration::from_secs(5)), 0);
        assert_eq!(count(f64::NAN, Duration::from_secs(5)), 0);
        assert_eq!(count(10.0, Duration::ZERO), 0);
    }

    #[test]
    fn requests_are_due_evenly_without_drift() {
        assert_eq!(due(0, 100.0), Duration::ZERO);
        assert_eq!(due(1, 100.0), Duration::from_millis(10));
        assert_eq!(due(100, 100.0), Duration::from_secs(1));
        // A rate that is not a whole number of nanoseconds per request: the millionth request
        // is still due at exactly a million periods, not a million rounded periods.
        let d = due(1_000_000, 3.0);
        assert!((d.as_secs_f64() - 333_333.333_333).abs() < 1e-3, "{d:?}");
        // Every request of a run is due before the run ends.
        let run = Duration::from_secs(2);
        let n = count(7.0, run);
        assert!(due(n - 1, 7.0) < run && due(n, 7.0) >= run);
    }

    #[test]
    fn durations_read_as_the_scripts_write_them() {
        assert_eq!(parse_duration("10s"), Ok(Duration::from_secs(10)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("1.5s"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_duration(" 3 "), Ok(Duration::from_secs(3)));
        assert!(parse_duration("soon").is_err());
        assert!(parse_duration("-1s").is_err());
    }
}
