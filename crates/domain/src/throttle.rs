//! 登录限速: how long a sign-in attempt must wait after failed ones. An attacker who guesses
//! passwords slows down, and nobody else is locked out: failures count per username *and* client
//! address, so wrong guesses from one place never stop the real user signing in from another, and
//! the wait grows with each failure instead of a lockout. A client that fails for many usernames
//! (password spraying) is slowed too, but only by seconds, so that colleagues behind one office
//! address can still sign in.

use chrono::{DateTime, Duration, Utc};

/// Failures of one username from one client allowed before the wait begins.
pub const FREE_PAIR_FAILURES: i64 = 5;
/// The longest wait for one username from one client.
pub const MAX_PAIR_WAIT_SECS: i64 = 15 * 60;
/// Failures from one client, over all usernames, allowed before that client waits.
pub const FREE_CLIENT_FAILURES: i64 = 20;
/// The longest wait for a client, whatever the username.
pub const MAX_CLIENT_WAIT_SECS: i64 = 30;

/// Recent failed sign-ins, as counted by the store.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Failures {
    /// Of this username from this client, since its last success.
    pub pair: i64,
    pub pair_last: Option<DateTime<Utc>>,
    /// From this client, for any username, within the window.
    pub client: i64,
    pub client_last: Option<DateTime<Utc>>,
}

/// `2^(n - free)` seconds after the n-th failure past the free ones, up to `max`.
fn wait_after(failures: i64, free: i64, max: i64) -> Option<Duration> {
    let over = failures - free;
    (over >= 0).then(|| Duration::seconds((1_i64 << over.min(30)).min(max)))
}

/// How long to wait from `now` before this attempt may be checked; `None` when it may go ahead.
pub fn login_wait(f: &Failures, now: DateTime<Utc>) -> Option<Duration> {
    let pair = wait_after(f.pair, FREE_PAIR_FAILURES, MAX_PAIR_WAIT_SECS).zip(f.pair_last);
    let client = wait_after(f.client, FREE_CLIENT_FAILURES, MAX_CLIENT_WAIT_SECS).zip(f.client_last);
    [pair, client]
        .into_iter()
        .flatten()
        .map(|(wait, last)| last + wait - now)
        .filter(|left| *left > Duration::zero())
        .max()
}

/// Wrong rating keys for one report allowed before each further try waits.
pub const FREE_RATING_FAILURES: i64 = 5;
/// The longest wait between tries of a rating key for one report.
pub const MAX_RATING_WAIT_SECS: i64 = 60 * 60;

/// 评价限速: how long from `now` before another rating key may be tried for a report with
/// `failures` wrong ones, the last at `last`. The key is eight characters from 31 (about 2^39
/// keys): at the slowest pace this allows, guessing one would take longer than any campaign.
pub fn rating_wait(failures: i64, last: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Option<Duration> {
    let wait = wait_after(failures, FREE_RATING_FAILURES, MAX_RATING_WAIT_SECS)?;
    let left = last? + wait - now;
    (left > Duration::zero()).then_some(left)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + secs, 0).unwrap()
    }

    #[test]
    fn wrong_rating_keys_wait_longer_each_time_up_to_an_hour() {
        let now = at(0);
        assert_eq!(rating_wait(FREE_RATING_FAILURES - 1, Some(now), now), None);
        assert_eq!(rating_wait(FREE_RATING_FAILURES, Some(now), now), Some(Duration::seconds(1)));
        assert_eq!(rating_wait(FREE_RATING_FAILURES + 3, Some(now), now), Some(Duration::seconds(8)));
        assert_eq!(rating_wait(100, Some(now), now), Some(Duration::seconds(MAX_RATING_WAIT_SECS)));
        assert_eq!(rating_wait(100, Some(at(-MAX_RATING_WAIT_SECS)), now), None, "the wait has passed");
    }

    #[test]
    fn the_first_failures_cost_nothing_then_each_wait_doubles_up_to_the_cap() {
        let now = at(0);
        let pair = |n| Failures { pair: n, pair_last: Some(now), ..Failures::default() };
        assert_eq!(login_wait(&pair(FREE_PAIR_FAILURES - 1), now), None);
        assert_eq!(login_wait(&pair(FREE_PAIR_FAILURES), now), Some(Duration::seconds(1)));
        assert_eq!(login_wait(&pair(FREE_PAIR_FAILURES + 3), now), Some(Duration::seconds(8)));
        assert_eq!(login_wait(&pair(FREE_PAIR_FAILURES + 40), now), Some(Duration::seconds(MAX_PAIR_WAIT_SECS)));
    }

    #[test]
    fn the_wait_runs_from_the_last_failure() {
        let f = Failures { pair: FREE_PAIR_FAILURES + 3, pair_last: Some(at(0)), ..Failures::default() };
        assert_eq!(login_wait(&f, at(5)), Some(Duration::seconds(3)));
        assert_eq!(login_wait(&f, at(8)), None);
    }

    #[test]
    fn a_client_failing_for_many_users_waits_seconds_not_minutes() {
        let f = Failures { client: FREE_CLIENT_FAILURES + 50, client_last: Some(at(0)), ..Failures::default() };
        assert_eq!(login_wait(&f, at(0)), Some(Duration::seconds(MAX_CLIENT_WAIT_SECS)));
        assert_eq!(login_wait(&f, at(MAX_CLIENT_WAIT_SECS)), None);
    }
}
