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

/// The characters of a code people copy by hand: digits and capitals without the look-alikes
/// 0/O, 1/I/L (the tracking code's alphabet).
const BY_HAND: &[u8] = domain::feedback::CODE_ALPHABET;

/// A random code of `len` characters a citizen can write down and type on a phone (each about
/// 5 bits: eight carry 39).
pub fn new_hand_code(len: usize) -> Result<String> {
    let mut out = String::with_capacity(len);
    while out.len() < len {
        // The largest multiple of the alphabet's size below 256, so that each character is as
        // likely as any other.
        let fair = (256 / BY_HAND.len() * BY_HAND.len()) as u8;
        for b in random_bytes::<16>()? {
            if b < fair && out.len() < len {
                out.push(BY_HAND[b as usize % BY_HAND.len()] as char);
            }
        }
    }
    Ok(out)
}

pub fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

/// The raw HMAC-SHA256 of `message` under `key`.
pub fn mac(key: &[u8], message: &[u8]) -> [u8; 32] {
    // HMAC takes a key of any length, so this cannot fail.
    let Ok(mut mac) = HmacSha256::new_from_slice(key) else { return [0; 32] };
    mac.update(message);
    mac.finalize().into_bytes().into()
}

/// The MAC of `message` under `key` (HMAC-SHA256), URL-safe base64.
pub fn sign(key: &[u8], message: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(mac(key, message))
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
    fn hand_codes_are_short_unambiguous_and_read_as_typed() {
        let codes: Vec<String> = (0..200).map(|_| new_hand_code(8).unwrap()).collect();
        for c in &codes {
            assert_eq!(c.len(), 8);
            assert!(c.bytes().all(|b| BY_HAND.contains(&b)), "{c}");
        }
        let distinct: std::collections::HashSet<&String> = codes.iter().collect();
        assert_eq!(distinct.len(), codes.len());
        assert_eq!(domain::feedback::read_typed_code(" k7qm-3xpa "), "K7QM3XPA");
        assert_eq!(domain::feedback::read_typed_code("K7QM 3XPA"), "K7QM3XPA");
    }

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
