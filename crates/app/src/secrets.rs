//! Random secrets (session ids, API tokens, rating keys, tracking codes) and their hashes. Only the
//! SHA-256 of a secret is stored, so a copy of the database lets nobody sign in.

use base64::Engine as _;
use domain::{Error, Result};
use sha2::{Digest, Sha256};

pub fn random_bytes<const N: usize>() -> Result<[u8; N]> {
    let mut buf = [0u8; N];
    getrandom::fill(&mut buf).map_err(|e| Error::Internal(format!("no randomness: {e}")))?;
    Ok(buf)
}

/// A URL-safe random secret with 256 bits of entropy and a readable prefix (`zgs_` for sessions,
/// `zgt_` for tokens, `zgk_` for rating keys).
pub fn new_secret(prefix: &str) -> Result<String> {
    let bytes = random_bytes::<32>()?;
    Ok(format!("{prefix}{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)))
}

pub fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_unique_prefixed_and_hash_to_64_hex_digits() {
        let a = new_secret("zgt_").unwrap();
        let b = new_secret("zgt_").unwrap();
        assert!(a.starts_with("zgt_") && a != b);
        assert_eq!(sha256_hex(a.as_bytes()).len(), 64);
    }
}
