//! 群机器人 and webhook signatures (issue 14): how each receiver checks that a message came from
//! this install. DingTalk signs `timestamp + "\n" + secret` with the secret as the HMAC-SHA256 key
//! and takes the Base64, URL-encoded, as a query parameter; Feishu uses `timestamp + "\n" + secret`
//! as the *key* over an empty message and takes the Base64 in the JSON body; WeCom has no
//! signature (the key in its URL is the secret); our own webhooks carry the hex HMAC-SHA256 of
//! the exact body under the subscription's secret.

use base64::Engine as _;
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};

fn base64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// DingTalk's `sign` query parameter for `timestamp` (milliseconds since the epoch).
pub fn dingtalk_sign(timestamp_ms: i64, secret: &str) -> String {
    let signed = crate::secrets::mac(secret.as_bytes(), format!("{timestamp_ms}\n{secret}").as_bytes());
    utf8_percent_encode(&base64(&signed), NON_ALPHANUMERIC).to_string()
}

/// Feishu's `sign` body field for `timestamp` (seconds since the epoch).
pub fn feishu_sign(timestamp_s: i64, secret: &str) -> String {
    base64(&crate::secrets::mac(format!("{timestamp_s}\n{secret}").as_bytes(), b""))
}

/// The `X-Zhenggai-Signature` header of a webhook delivery: `sha256=` and the hex HMAC-SHA256 of
/// the body as sent.
pub fn webhook_signature(secret: &str, body: &[u8]) -> String {
    format!("sha256={}", hex::encode(crate::secrets::mac(secret.as_bytes(), body)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dingtalk_signs_the_timestamp_and_secret_with_the_secret_and_url_encodes_it() {
        // The vector the issue gives.
        assert_eq!(dingtalk_sign(1_700_000_000_000, "secret"), "OuzzJR5%2BxZ4%2FEYwqtNt6sMYZQMTa%2FHEGvc9miJe7XzY%3D");
    }

    #[test]
    fn feishu_keys_an_empty_message_with_the_timestamp_and_secret() {
        assert_eq!(feishu_sign(1_599_360_473, "secret"), "q4jswNiMy51J5JuQV566yJat0/lQ/c+22kINzUgKsGU=");
        assert_ne!(
            feishu_sign(1_599_360_473, "secret"),
            dingtalk_sign(1_599_360_473, "secret"),
            "not the DingTalk form"
        );
    }

    #[test]
    fn a_webhook_signature_is_the_hex_mac_of_the_body_and_changes_with_it() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        assert_eq!(
            webhook_signature("Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert_ne!(webhook_signature("Jefe", b"{}"), webhook_signature("Jefe", b"{ }"));
    }
}
