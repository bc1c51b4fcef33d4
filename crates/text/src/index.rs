//! An in-memory index from bucket keys (LSH bands, place names) to the reports filed under them,
//! newest first. Each key remembers only its latest entry and each entry the one before it, so a
//! million reports with twenty keys each cost two small arrays, not twenty million lists.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Keys are already well-mixed 64-bit hashes: hashing them again is wasted work.
#[derive(Default)]
pub struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

pub type KeyMap<V> = HashMap<u64, V, BuildHasherDefault<KeyHasher>>;

/// No entry before this one.
const NONE: u32 = u32::MAX;

#[derive(Default)]
pub struct BandIndex {
    /// The latest entry under each key.
    heads: KeyMap<u32>,
    /// Entries: (the entry before it under the same key, the member).
    entries: Vec<(u32, u32)>,
}

impl BandIndex {
    pub fn with_capacity(entries: usize) -> Self {
        Self {
            heads: KeyMap::with_capacity_and_hasher(entries, Default::default()),
            entries: Vec::with_capacity(entries),
        }
    }

    /// Files `member` under each key.
    pub fn insert(&mut self, keys: &[u64], member: u32) {
        for key in keys {
            let at = u32::try_from(self.entries.len()).unwrap_or(NONE);
            let before = self.heads.insert(*key, at).unwrap_or(NONE);
            self.entries.push((before, member));
        }
    }

    /// Appends to `out` the newest `per_key` members under each key (a member may come more than
    /// once, once per key it shares).
    pub fn candidates(&self, keys: &[u64], per_key: usize, out: &mut Vec<u32>) {
        for key in keys {
            let mut at = self.heads.get(key).copied().unwrap_or(NONE);
            let mut taken = 0;
            while at != NONE && taken < per_key {
                let (before, member) = self.entries[at as usize];
                out.push(member);
                taken += 1;
                at = before;
            }
        }
    }

    /// How many entries it holds.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn candidates_come_newest_first_and_at_most_per_key() {
        let mut index = BandIndex::default();
        for member in 0..20 {
            index.insert(&[1, if member % 2 == 0 { 2 } else { 3 }], member);
        }
        let mut out = Vec::new();
        index.candidates(&[1], 3, &mut out);
        assert_eq!(out, vec![19, 18, 17]);
        out.clear();
        index.candidates(&[2, 9], 2, &mut out);
        assert_eq!(out, vec![18, 16]);
        assert_eq!(index.len(), 40);
    }
}
