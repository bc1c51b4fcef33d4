//! Each node's own index of the stored fingerprints, for grouping at intake: the fingerprints live
//! in the database (`text_prints`, written with each record), and every node reads the ones
//! written since it last looked, by `seq`, before it matches. So every node sees the same groups,
//! and a match costs a lookup in memory rather than a query: at a million records 0.3 ms against
//! the band table's 7–11 ms (bench/results/text-install-*), whose cost was the round trip and
//! reading each candidate's fingerprint back from the database.
//!
//! On PostgreSQL a transaction can commit after another that took a later `seq`; a node that has
//! read past such a number remembers the gap and reads it again until it fills or, as a rolled
//! back write leaves it empty for good, until it expires.

use domain::Result;
use domain::feedback::RecordKind;
use std::collections::HashMap;
use std::time::{Duration, Instant};
use store::Conn;
use store::grouping::LoggedPrint;
use text::group::{Fingerprint, StoredPrint};
use text::index::BandIndex;

/// Fingerprints read per query while catching up.
const BATCH: i64 = 50_000;
/// How long an unfilled gap is read again: longer than any transaction that writes fingerprints.
const GAP_LIFETIME: Duration = Duration::from_secs(600);
/// Gaps remembered at most (the oldest are dropped first).
const MAX_GAPS: usize = 64;
/// How many of the newest records under each key are candidates: a template reported from a
/// thousand places fills a bucket, and only its newest members are worth comparing.
const PER_KEY: usize = 12;

struct Entry {
    kind: RecordKind,
    record_id: i64,
    /// `None` once a newer fingerprint of the same record replaced it.
    print: Option<Fingerprint>,
}

#[derive(Default)]
struct State {
    /// The highest `seq` read.
    seen: i64,
    /// Ranges of `seq` below `seen` not yet read, with when they were found.
    gaps: Vec<(i64, i64, Instant)>,
    entries: Vec<Entry>,
    /// Each record's entry, to retire it when its fingerprint is replaced.
    slot_of: HashMap<(RecordKind, i64), u32>,
    index: BandIndex,
}

/// One node's index; see the module's documentation.
#[derive(Default)]
pub struct PrintIndex {
    state: tokio::sync::Mutex<State>,
}

/// A stored record like the one being matched.
pub(crate) struct Candidate {
    pub kind: RecordKind,
    pub record_id: i64,
}

/// Fingerprints the current transaction wrote, which no node has read yet: a batch's later items
/// are matched with its earlier ones through it.
#[derive(Default)]
pub(crate) struct Unsaved {
    index: BandIndex,
    entries: Vec<Entry>,
}

impl Unsaved {
    pub(crate) fn add(&mut self, kind: RecordKind, record_id: i64, print: Fingerprint) {
        self.index.insert(&print.insert_keys(), u32::try_from(self.entries.len()).unwrap_or(u32::MAX));
        self.entries.push(Entry { kind, record_id, print: Some(print) });
    }
}

/// How many keys each entry of an index shares with `keys`.
fn shared_keys(index: &BandIndex, keys: &[u64]) -> HashMap<u32, usize> {
    let mut hits = Vec::new();
    index.candidates(keys, PER_KEY, &mut hits);
    let mut shared: HashMap<u32, usize> = HashMap::with_capacity(hits.len());
    for h in hits {
        *shared.entry(h).or_default() += 1;
    }
    shared
}

impl PrintIndex {
    /// Returns up to `limit` records sharing a key with `fp` (`exclude` left out), most shared
    /// keys first, each with its score from `score`, those for which it gives `Some`. First it
    /// reads, through `c`, what was written since this node last looked — only while `unsaved`
    /// is empty, so that it never reads a fingerprint of `c`'s own transaction, which may yet
    /// roll back; those are matched through `unsaved`.
    pub(crate) async fn matches(
        &self,
        c: &mut Conn<'_>,
        fp: &Fingerprint,
        exclude: Option<(RecordKind, i64)>,
        unsaved: &Unsaved,
        limit: usize,
        score: impl Fn(&Fingerprint, &Fingerprint) -> Option<f64>,
    ) -> Result<Vec<(Candidate, f64)>> {
        let mut state = self.state.lock().await;
        if unsaved.entries.is_empty() {
            state.catch_up(c).await?;
        }
        let keys = fp.query_keys();
        let stored = shared_keys(&state.index, &keys).into_iter().map(|(slot, n)| (&state.entries[slot as usize], n));
        let new = shared_keys(&unsaved.index, &keys).into_iter().map(|(slot, n)| (&unsaved.entries[slot as usize], n));
        let mut ranked: Vec<(&Entry, usize)> = new.chain(stored).collect();
        // Most shared keys first, then the newest record.
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then(b.0.record_id.cmp(&a.0.record_id)));
        let mut out = Vec::new();
        for (e, _) in ranked.into_iter().take(limit) {
            let Some(print) = &e.print else { continue };
            if Some((e.kind, e.record_id)) == exclude {
                continue;
            }
            if let Some(s) = score(fp, print) {
                out.push((Candidate { kind: e.kind, record_id: e.record_id }, s));
            }
        }
        Ok(out)
    }

    /// Reads everything written since this node last looked (at start, everything).
    pub async fn catch_up(&self, c: &mut Conn<'_>) -> Result<usize> {
        self.state.lock().await.catch_up(c).await
    }

    /// How many fingerprints the node holds.
    pub async fn held(&self) -> usize {
        self.state.lock().await.slot_of.len()
    }
}

impl State {
    async fn catch_up(&mut self, c: &mut Conn<'_>) -> Result<usize> {
        let now = Instant::now();
        self.gaps.retain(|g| now.duration_since(g.2) < GAP_LIFETIME);
        let mut read = 0;
        loop {
            let gaps: Vec<(i64, i64)> = self.gaps.iter().map(|g| (g.0, g.1)).collect();
            let rows = store::grouping::prints_since(c, self.seen, &gaps, BATCH).await?;
            let ahead = rows.iter().filter(|r| r.seq > self.seen).count();
            read += rows.len();
            self.take(rows, now);
            if ahead < BATCH as usize {
                return Ok(read);
            }
        }
    }

    /// Indexes rows read from the log and notes the numbers they skipped.
    fn take(&mut self, mut rows: Vec<LoggedPrint>, now: Instant) {
        rows.sort_by_key(|r| r.seq);
        let parsed = text::group::parallel(&rows, |r| {
            serde_json::from_str::<StoredPrint>(&r.print).ok().and_then(|p| p.to_fingerprint())
        });
        for (row, print) in rows.iter().zip(parsed) {
            if row.seq > self.seen {
                if row.seq > self.seen + 1 {
                    self.gaps.push((self.seen + 1, row.seq - 1, now));
                }
                self.seen = row.seq;
            } else {
                self.fill_gap(row.seq);
            }
            // Prints of another build's length are skipped: `print_unprinted` remakes them.
            if let Some(print) = print {
                self.insert(row.kind, row.record_id, print);
            }
        }
        if self.gaps.len() > MAX_GAPS {
            let excess = self.gaps.len() - MAX_GAPS;
            self.gaps.drain(..excess);
        }
    }

    fn fill_gap(&mut self, seq: i64) {
        let Some(at) = self.gaps.iter().position(|g| g.0 <= seq && seq <= g.1) else { return };
        let (lo, hi, found) = self.gaps.remove(at);
        if lo < seq {
            self.gaps.push((lo, seq - 1, found));
        }
        if seq < hi {
            self.gaps.push((seq + 1, hi, found));
        }
    }

    fn insert(&mut self, kind: RecordKind, record_id: i64, print: Fingerprint) {
        let slot = u32::try_from(self.entries.len()).unwrap_or(u32::MAX);
        if let Some(old) = self.slot_of.insert((kind, record_id), slot) {
            self.entries[old as usize].print = None;
        }
        self.index.insert(&print.insert_keys(), slot);
        self.entries.push(Entry { kind, record_id, print: Some(print) });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(seq: i64, record_id: i64) -> LoggedPrint {
        let fp = text::group::fingerprint(text::Segmenter::shared(), "", "小区门口垃圾堆积无人清理");
        LoggedPrint {
            seq,
            kind: RecordKind::Feedback,
            record_id,
            print: serde_json::to_string(&StoredPrint::from(&fp)).unwrap(),
        }
    }

    #[test]
    fn skipped_numbers_are_remembered_until_read() {
        let mut s = State::default();
        let now = Instant::now();
        s.take(vec![row(1, 1), row(2, 2), row(5, 5), row(9, 9)], now);
        assert_eq!(s.seen, 9);
        let gaps: Vec<(i64, i64)> = s.gaps.iter().map(|g| (g.0, g.1)).collect();
        assert_eq!(gaps, vec![(3, 4), (6, 8)]);
        // A late commit fills part of a gap; the rest stays.
        s.take(vec![row(7, 7)], now);
        let mut gaps: Vec<(i64, i64)> = s.gaps.iter().map(|g| (g.0, g.1)).collect();
        gaps.sort();
        assert_eq!(gaps, vec![(3, 4), (6, 6), (8, 8)]);
        assert_eq!(s.seen, 9);
        assert_eq!(s.slot_of.len(), 5);
    }

    #[test]
    fn a_replaced_fingerprint_retires_the_old_one() {
        let mut s = State::default();
        s.take(vec![row(1, 1), row(2, 1)], Instant::now());
        assert_eq!(s.slot_of.len(), 1);
        assert!(s.entries[0].print.is_none());
        assert!(s.entries[1].print.is_some());
    }
}
