//! Character shingles and MinHash signatures, with LSH band keys. A signature is small (64 u32)
//! and estimates the Jaccard similarity of two shingle sets; band keys put likely-similar texts in
//! the same bucket so that only those are compared.

/// Shingle length in characters.
pub const SHINGLE: usize = 3;
/// Hash functions per signature.
pub const PERMUTATIONS: usize = 64;
/// LSH bands and rows per band: 8 × 3 catches pairs from about J = 0.5 up (a pair at 0.5 shares a
/// band with probability 0.66, at 0.7 with 0.97) with half the keys of 16 × 4, which would catch
/// as many: fewer rows in the band table for every message.
pub const BANDS: usize = 8;
pub const ROWS: usize = 3;

pub fn mix(mut x: u64) -> u64 {
    // splitmix64's finaliser: cheap and well spread.
    x ^= x >> 30;
    x = x.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x ^= x >> 27;
    x = x.wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// The hashes of a text's character shingles, sorted and without repeats. Texts shorter than a
/// shingle give one shingle of what they have.
pub fn shingles(content: &[char]) -> Vec<u64> {
    let mut out: Vec<u64> = if content.len() < SHINGLE {
        if content.is_empty() { vec![] } else { vec![hash_chars(content)] }
    } else {
        content.windows(SHINGLE).map(hash_chars).collect()
    };
    out.sort_unstable();
    out.dedup();
    out
}

fn hash_chars(chars: &[char]) -> u64 {
    chars.iter().fold(0x9e37_79b9_7f4a_7c15_u64, |h, c| mix(h ^ u64::from(*c as u32)))
}

/// Exact Jaccard similarity of two sorted shingle sets.
pub fn jaccard(a: &[u64], b: &[u64]) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let common = common(a, b);
    common as f64 / (a.len() + b.len() - common) as f64
}

/// How many keys two sorted lists without repeats share.
pub fn common(a: &[u64], b: &[u64]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

/// The signature of a text without content: it is like nothing, not like every other empty text.
pub const EMPTY: [u32; PERMUTATIONS] = [u32::MAX; PERMUTATIONS];

/// The MinHash signature of a shingle set.
pub fn signature(shingles: &[u64]) -> [u32; PERMUTATIONS] {
    let mut sig = [u32::MAX; PERMUTATIONS];
    for h in shingles {
        for (i, slot) in sig.iter_mut().enumerate() {
            let a = COEFFICIENTS[i].0;
            let b = COEFFICIENTS[i].1;
            let v = (a.wrapping_mul(*h).wrapping_add(b) >> 32) as u32;
            if v < *slot {
                *slot = v;
            }
        }
    }
    sig
}

/// Fixed odd multipliers and offsets, so that signatures agree across processes and versions.
const COEFFICIENTS: [(u64, u64); PERMUTATIONS] = {
    let mut out = [(0u64, 0u64); PERMUTATIONS];
    let mut i = 0;
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    while i < PERMUTATIONS {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        let a = (z ^ (z >> 31)) | 1;
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut y = state;
        y = (y ^ (y >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        y = (y ^ (y >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        out[i] = (a, y ^ (y >> 31));
        i += 1;
    }
    out
};

/// The estimated Jaccard similarity of two signatures.
pub fn estimate(a: &[u32; PERMUTATIONS], b: &[u32; PERMUTATIONS]) -> f64 {
    a.iter().zip(b.iter()).filter(|(x, y)| x == y).count() as f64 / PERMUTATIONS as f64
}

/// The LSH keys of a signature: one per band, tagged with the band's number.
pub fn band_keys(sig: &[u32; PERMUTATIONS]) -> [u64; BANDS] {
    let mut keys = [0u64; BANDS];
    for (band, key) in keys.iter_mut().enumerate() {
        let rows = &sig[band * ROWS..(band + 1) * ROWS];
        *key = rows.iter().fold(mix(band as u64 + 1), |h, r| mix(h ^ u64::from(*r)));
    }
    keys
}

/// A stable 64-bit key for a word or a place name.
pub fn key_of(text: &str) -> u64 {
    text.chars().fold(0x51_7cc1_b727_220a_u64, |h, c| mix(h ^ u64::from(c as u32)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(text: &str) -> Vec<u64> {
        shingles(&crate::content_chars(text))
    }

    #[test]
    fn the_estimate_follows_the_exact_similarity() {
        let a = sh("丽发新城小区旁边的搅拌站每天晚上施工，噪音和粉尘严重影响居民休息，请求处理");
        let b = sh("丽发新城小区旁边的搅拌站每天晚上施工，噪音粉尘严重影响居民休息，恳请尽快处理");
        let c = sh("建议在人民路增设公交站点，方便群众出行");
        let (ja, jc) = (jaccard(&a, &b), jaccard(&a, &c));
        assert!(ja > 0.6 && jc < 0.05, "{ja} {jc}");
        let (ea, ec) = (estimate(&signature(&a), &signature(&b)), estimate(&signature(&a), &signature(&c)));
        assert!((ea - ja).abs() < 0.2 && ec < 0.1, "{ea} vs {ja}; {ec}");
    }

    #[test]
    fn identical_texts_share_every_band_and_signatures_are_stable() {
        let a = signature(&sh("路灯不亮已经一个月了"));
        let b = signature(&sh("路灯不亮已经一个月了"));
        assert_eq!(band_keys(&a), band_keys(&b));
        assert_eq!(key_of("丽发新城"), key_of("丽发新城"));
        assert!(shingles(&[]).is_empty());
        assert_eq!(shingles(&['噪']).len(), 1);
    }
}
