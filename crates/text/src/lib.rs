//! Chinese text: `&str` in, scores out. Normalisation, segmentation (jieba with its built-in
//! dictionary plus the install's own words), place names, character shingles and MinHash/LSH,
//! grouping near-duplicate reports into problems, the heat of a cluster, a linear classifier for
//! routing, and checks on replies that say nothing. It knows nothing of the ledger or of storage.

pub mod classify;
pub mod group;
pub mod heat;
pub mod hot;
pub mod index;
pub mod minhash;
mod normalize;
pub mod places;
pub mod replies;
pub mod segment;
pub mod snippet;
pub mod title;

pub use normalize::{content_chars, is_meaningful, normalize};
pub use segment::Segmenter;
