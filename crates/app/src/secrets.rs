//! Random secrets (session ids, API tokens, rating keys, tracking codes) and their hashes. Only the
//! SHA-256 of a secret is stored, so a copy of the database lets nobody sign in.

use base64::Engine as _;
use domain::{Error, Result};
use hmac::{KeyInit, Mac};
use sha2::{Digest, Sha256};

type HmacSha256 = hmac::Hmac<Sha256>;

pub fn random_bytes<const N: usize>() -> Result<[u8; N]> {
    let mut buf = [0u8; N];
    getrandom::fill(&mut buf).map_err(|e| Error::internal(format!("no randomness: {e}")))?;
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

/// The MAC of `message` under `key` (HMAC-SHA256), URL-safe base64.
pub fn sign(key: &[u8], message: &[u8]) -> String {
    // HMAC takes a key of any length, so this cannot fail.
    let Ok(mut mac) = HmacSha256::new_from_slice(key) else { return String::new() };
    mac.update(message);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
}

/// Whether `mac` is the MAC of `message` under `key`, compared in constant time.
pub fn verify(key: &[u8], message: &[u8], mac: &str) -> bool {
    let Ok(sent) = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(mac) else { return false };
    let Ok(mut expected) = HmacSha256::new_from_slice(key) else { return false };
    expected.update(message);
    expected.verify_slice(&sent).is_ok()
}

impl crate::App {
    /// The install's secret named `name` (made by the first node that asks, shared by all).
    pub async fn install_key(&self, name: &str) -> Result<Vec<u8>> {
        let mut pooled = self.db.acquire().await?;
        let secret = store::keys::install_key(&mut pooled.conn(), name, &new_secret("")?).await?;
        Ok(secret.into_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_verifies_only_for_its_key_and_message() {
        let mac = sign(b"key", b"message");
        assert!(verify(b"key", b"message", &mac));
        assert!(!verify(b"other key", b"message", &mac));
        assert!(!verify(b"key", b"other message", &mac));
        assert!(!verify(b"key", b"message", "not base64 at all!"));
    }

    #[test]
    fn secrets_are_unique_prefixed_and_hash_to_64_hex_digits() {
        let a = new_secret("zgt_").unwrap();
        let b = new_secret("zgt_").unwrap();
        assert!(a.starts_with("zgt_") && a != b);
        assert_eq!(sha256_hex(a.as_bytes()).len(), 64);
    }
}
