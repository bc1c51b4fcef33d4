//! A per-client rate limit for the public portal's submit: at most `max` submissions per client
//! address in a sliding window of `window`, counted in this node's memory (a node that restarts
//! forgets; what it protects against is a burst from one address).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub(crate) struct RateLimit {
    max: usize,
    window: Duration,
    seen: Mutex<HashMap<IpAddr, Vec<Instant>>>,
}

impl RateLimit {
    pub(crate) fn new(max: usize, window: Duration) -> Self {
        Self { max, window, seen: Mutex::new(HashMap::new()) }
    }

    /// Counts one attempt; false when the client is over the limit.
    pub(crate) fn allow(&self, client: Option<IpAddr>) -> bool {
        let Some(ip) = client else { return true };
        let now = Instant::now();
        let Ok(mut seen) = self.seen.lock() else { return true };
        if seen.len() > 10_000 {
            seen.retain(|_, times| times.last().is_some_and(|t| now.duration_since(*t) < self.window));
        }
        let times = seen.entry(ip).or_default();
        times.retain(|t| now.duration_since(*t) < self.window);
        if times.len() >= self.max {
            return false;
        }
        times.push(now);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_over_the_limit_is_refused_and_others_are_not() {
        let limit = RateLimit::new(2, Duration::from_secs(60));
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        assert!(limit.allow(Some(a)) && limit.allow(Some(a)));
        assert!(!limit.allow(Some(a)));
        assert!(limit.allow(Some(b)));
    }
}
