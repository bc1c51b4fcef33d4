//! Read caches kept by each app node, checked against the database's write counter. Every write
//! appends to the audit chain, whose head sequence number therefore counts every change to the
//! data: an entry made at generation `g` is good while the counter still reads `g`. A node reads
//! the counter at most every `Settings::read_cache_ms` (250 ms by default) and at once after its
//! own writes, so a node sees its own changes immediately and other nodes' within that window.
//! Tests set the window to zero: then every read checks the counter.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// The data generation as this node last read it.
pub struct Generation {
    window: Duration,
    last: Mutex<Option<(i64, Instant)>>,
    /// Set after this node commits a write: the next read goes to the database.
    dirty: AtomicBool,
    /// The latest run of generations `(from, to]` that only this node's intake writer moved
    /// (reports taken from the public: nothing else changes in them).
    intake_run: Mutex<(i64, i64)>,
}

impl Generation {
    pub fn new(window: Duration) -> Self {
        Self { window, last: Mutex::new(None), dirty: AtomicBool::new(false), intake_run: Mutex::new((0, 0)) }
    }

    /// The cached generation, if it is recent enough and no local write happened since.
    pub(crate) fn fresh(&self) -> Option<i64> {
        if self.dirty.load(Ordering::Acquire) {
            return None;
        }
        let last = self.last.lock().ok()?;
        last.and_then(|(g, at)| (at.elapsed() < self.window).then_some(g))
    }

    pub(crate) fn store(&self, g: i64, read_at: Instant) {
        if let Ok(mut last) = self.last.lock() {
            *last = Some((g, read_at));
        }
    }

    /// Called after every local commit.
    pub(crate) fn invalidate(&self) {
        self.dirty.store(true, Ordering::Release);
    }

    /// Called after this node's intake writer committed a transaction that moved the generation
    /// from `from` to `to` (the audit chain's head is taken under a lock, so nothing else wrote
    /// between). A run continues while each such transaction starts where the last ended.
    pub(crate) fn intake_wrote(&self, from: i64, to: i64) {
        if let Ok(mut run) = self.intake_run.lock() {
            *run = if run.1 == from && run.0 < run.1 { (run.0, to) } else { (from, to) };
        }
    }

    /// Whether only this node's intake of reports moved the generation from `from` to `to`.
    pub(crate) fn only_intake_between(&self, from: i64, to: i64) -> bool {
        from == to || self.intake_run.lock().is_ok_and(|run| run.0 <= from && from <= to && to <= run.1)
    }

    /// Called before reading the counter, so that a write committed during the read marks the
    /// cache dirty again.
    pub(crate) fn begin_read(&self) {
        self.dirty.store(false, Ordering::Release);
    }
}

/// A bounded map from keys to values made at a generation.
pub struct Cache<K, V> {
    map: Mutex<HashMap<K, (i64, V)>>,
    capacity: usize,
}

impl<K: Hash + Eq, V: Clone> Cache<K, V> {
    pub fn new(capacity: usize) -> Self {
        Self { map: Mutex::new(HashMap::new()), capacity }
    }

    /// The value for `key` if it was made at `generation`.
    pub fn get(&self, key: &K, generation: i64) -> Option<V> {
        let map = self.map.lock().ok()?;
        map.get(key).filter(|(g, _)| *g == generation).map(|(_, v)| v.clone())
    }

    /// The value for `key` if it was made at `generation`, or at an earlier generation that only
    /// this node's intake of reports moved on from: for values no report changes (who a token
    /// belongs to, a service's definition), which a busy intake would otherwise read again for
    /// every report.
    pub fn get_across_intake(&self, key: &K, generation: i64, generations: &Generation) -> Option<V> {
        let map = self.map.lock().ok()?;
        map.get(key).filter(|(g, _)| generations.only_intake_between(*g, generation)).map(|(_, v)| v.clone())
    }

    pub fn put(&self, key: K, generation: i64, value: V) {
        if let Ok(mut map) = self.map.lock() {
            if map.len() >= self.capacity {
                map.retain(|_, (g, _)| *g == generation);
                if map.len() >= self.capacity {
                    map.clear();
                }
            }
            map.insert(key, (generation, value));
        }
    }

    pub fn remove(&self, key: &K) {
        if let Ok(mut map) = self.map.lock() {
            map.remove(key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_is_good_only_at_its_generation() {
        let c: Cache<&str, u32> = Cache::new(2);
        c.put("a", 7, 1);
        assert_eq!(c.get(&"a", 7), Some(1));
        assert_eq!(c.get(&"a", 8), None);
    }

    #[test]
    fn a_full_cache_drops_stale_entries_first() {
        let c: Cache<u32, u32> = Cache::new(2);
        c.put(1, 1, 10);
        c.put(2, 2, 20);
        c.put(3, 2, 30);
        assert_eq!((c.get(&1, 1), c.get(&2, 2), c.get(&3, 2)), (None, Some(20), Some(30)));
    }

    #[test]
    fn values_no_report_changes_outlive_a_run_of_intake_writes_only() {
        let g = Generation::new(Duration::from_secs(60));
        let c: Cache<&str, u32> = Cache::new(4);
        c.put("token", 10, 1);
        assert_eq!(c.get_across_intake(&"token", 11, &g), None, "nothing known about 10..11");
        g.intake_wrote(10, 13);
        g.intake_wrote(13, 20);
        assert_eq!(c.get_across_intake(&"token", 20, &g), Some(1));
        assert_eq!(c.get(&"token", 20), None, "other caches still see the change");
        assert_eq!(c.get_across_intake(&"token", 21, &g), None, "21 was someone else's write");
        g.intake_wrote(22, 25);
        assert_eq!(c.get_across_intake(&"token", 25, &g), None, "a write between two intake runs");
        c.put("service", 22, 2);
        assert_eq!(c.get_across_intake(&"service", 25, &g), Some(2));
        assert_eq!(c.get_across_intake(&"service", 21, &g), None, "never backwards");
    }

    #[test]
    fn a_local_write_makes_the_generation_stale_at_once() {
        let g = Generation::new(Duration::from_secs(60));
        g.store(5, Instant::now());
        assert_eq!(g.fresh(), Some(5));
        g.invalidate();
        assert_eq!(g.fresh(), None);
        g.begin_read();
        g.store(6, Instant::now());
        assert_eq!(g.fresh(), Some(6));
        let zero = Generation::new(Duration::ZERO);
        zero.store(1, Instant::now());
        assert_eq!(zero.fresh(), None, "a zero window always reads the database");
    }
}
