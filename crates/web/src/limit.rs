//! A per-client rate limit for the public's submissions (the portal's form and the public API
//! share it): at most `max` per client address in a sliding window of `window`, counted in this
//! node's memory (a node that restarts forgets; what it protects against is a burst from one
//! address).

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

    /// Counts one attempt; when the client is over the limit, how long until it may try again.
    pub(crate) fn check(&self, client: Option<IpAddr>) -> Result<(), Duration> {
        let Some(ip) = client else { return Ok(()) };
        let now = Instant::now();
        let Ok(mut seen) = self.seen.lock() else { return Ok(()) };
        if seen.len() > 10_000 {
            seen.retain(|_, times| times.last().is_some_and(|t| now.duration_since(*t) < self.window));
        }
        let times = seen.entry(ip).or_default();
        times.retain(|t| now.duration_since(*t) < self.window);
        if times.len() >= self.max {
            let oldest = times.first().copied().unwrap_or(now);
            return Err(self.window.saturating_sub(now.duration_since(oldest)).max(Duration::from_secs(1)));
        }
        times.push(now);
        Ok(())
    }

    /// [`Self::check`] as our error: 429 `rate_limited` with `Retry-After`.
    pub(crate) fn allow(&self, client: Option<IpAddr>) -> domain::Result<()> {
        self.check(client).map_err(|wait| domain::Error::RateLimited { retry_after_secs: wait.as_secs().max(1) })
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
        assert!(limit.check(Some(a)).is_ok() && limit.check(Some(a)).is_ok());
        let wait = limit.check(Some(a)).unwrap_err();
        assert!(wait > Duration::from_secs(50) && wait <= Duration::from_secs(60), "{wait:?}");
        assert!(limit.check(Some(b)).is_ok());
    }
}
