//! Token-bucket rate limiting for the shortener's write endpoints.
//!
//! Every client key gets a bucket of `capacity` tokens that refills at `rate` tokens per
//! second. A request takes one token; an empty bucket says how long to wait.

use std::collections::HashMap;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Decision {
    Allowed { remaining: u32 },
    Limited { retry_after: Duration },
}

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    updated: Instant,
}

#[derive(Debug)]
pub struct RateLimiter {
    capacity: f64,
    rate: f64,
    buckets: HashMap<String, Bucket>,
}

impl RateLimiter {
    /// At most `capacity` tokens per key, refilled at `rate` tokens per second.
    pub fn new(capacity: u32, rate: f64) -> Self {
        assert!(capacity > 0, "capacity must be positive");
        assert!(rate > 0.0 && rate.is_finite(), "rate must be a positive number");
        Self { capacity: f64::from(capacity), rate, buckets: HashMap::new() }
    }

    pub fn check(&mut self, key: &str, now: Instant) -> Decision {
        let (capacity, rate) = (self.capacity, self.rate);
        let bucket = self
            .buckets
            .entry(key.to_owned())
            .or_insert(Bucket { tokens: capacity, updated: now });

        let elapsed = now.saturating_duration_since(bucket.updated).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * rate).min(capacity);
        bucket.updated = now;

        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Decision::Allowed { remaining: bucket.tokens.floor() as u32 }
        } else {
            let missing = 1.0 - bucket.tokens;
            Decision::Limited { retry_after: Duration::from_secs_f64(missing / rate) }
        }
    }

    /// Forgets buckets that have been full for `idle` or longer, so memory follows the
    /// number of active clients rather than every client ever seen.
    pub fn prune(&mut self, now: Instant, idle: Duration) {
        let (capacity, rate) = (self.capacity, self.rate);
        self.buckets.retain(|_, bucket| {
            let refilled = bucket.tokens
                + now.saturating_duration_since(bucket.updated).as_secs_f64() * rate;
            let full_for = (refilled - capacity) / rate;
            full_for < idle.as_secs_f64()
        });
    }

    pub fn tracked_keys(&self) -> usize {
        self.buckets.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allows_a_burst_up_to_capacity() {
        let mut limiter = RateLimiter::new(3, 1.0);
        let now = Instant::now();
        for remaining in [2, 1, 0] {
            assert_eq!(limiter.check("a", now), Decision::Allowed { remaining });
        }
        assert!(matches!(limiter.check("a", now), Decision::Limited { .. }));
    }

    #[test]
    fn refills_over_time() {
        let mut limiter = RateLimiter::new(1, 2.0);
        let start = Instant::now();
        assert!(matches!(limiter.check("a", start), Decision::Allowed { .. }));
        match limiter.check("a", start) {
            Decision::Limited { retry_after } => {
                assert_eq!(retry_after, Duration::from_millis(500))
            }
            other => panic!("expected a limit, got {other:?}"),
        }
        let later = start + Duration::from_millis(500);
        assert!(matches!(limiter.check("a", later), Decision::Allowed { .. }));
    }

    #[test]
    fn keys_are_independent_and_pruned_when_idle() {
        let mut limiter = RateLimiter::new(1, 1.0);
        let now = Instant::now();
        assert!(matches!(limiter.check("a", now), Decision::Allowed { .. }));
        assert!(matches!(limiter.check("b", now), Decision::Allowed { .. }));
        assert_eq!(limiter.tracked_keys(), 2);
        limiter.prune(now + Duration::from_secs(10), Duration::from_secs(5));
        assert_eq!(limiter.tracked_keys(), 0);
    }
}
