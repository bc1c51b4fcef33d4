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

/// A group robot a unit's notices go to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Robot {
    /// 钉钉 custom robot: its webhook address, and the secret when it is a signed robot.
    DingTalk { url: String, secret: Option<String> },
    /// 企业微信 group robot: the address holds its key.
    WeCom { url: String },
    /// 飞书 custom bot: its webhook address, and the secret when signing is on.
    Feishu { url: String, secret: Option<String> },
}

/// What a notice says: a title, its lines, and the supervision colour it is about, if any.
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub title: String,
    pub lines: Vec<String>,
    pub colour: Option<domain::supervision::Colour>,
}

/// The address and JSON body that deliver `notice` to `robot` at `now`, in the robot's own form.
pub fn request(robot: &Robot, notice: &Notice, now: chrono::DateTime<chrono::Utc>) -> (String, serde_json::Value) {
    use domain::supervision::Colour;
    use serde_json::json;
    let colour_zh = notice.colour.map(|c| match c {
        Colour::Red => "红色督办",
        Colour::Yellow => "黄色督办",
        Colour::Blue => "蓝色提醒",
    });
    match robot {
        Robot::DingTalk { url, secret } => {
            let mut text = format!("### {}\n\n", notice.title);
            if let Some(c) = colour_zh {
                text.push_str(&format!("**{c}**\n\n"));
            }
            for line in &notice.lines {
                text.push_str(&format!("- {line}\n"));
            }
            let url = match secret {
                Some(secret) => {
                    let ts = now.timestamp_millis();
                    let join = if url.contains('?') { '&' } else { '?' };
                    format!("{url}{join}timestamp={ts}&sign={}", dingtalk_sign(ts, secret))
                }
                None => url.clone(),
            };
            (url, json!({"msgtype": "markdown", "markdown": {"title": notice.title, "text": text}}))
        }
        Robot::WeCom { url } => {
            // WeCom's markdown knows three font colours: info (green), comment (grey), warning (orange-red).
            let tone = match notice.colour {
                Some(Colour::Red) => "warning",
                Some(Colour::Yellow) => "comment",
                _ => "info",
            };
            let mut content = format!("**{}**\n", notice.title);
            if let Some(c) = colour_zh {
                content.push_str(&format!("<font color=\"{tone}\">{c}</font>\n"));
            }
            for line in &notice.lines {
                content.push_str(&format!("> {line}\n"));
            }
            (url.clone(), json!({"msgtype": "markdown", "markdown": {"content": content}}))
        }
        Robot::Feishu { url, secret } => {
            let mut text = notice.title.clone();
            if let Some(c) = colour_zh {
                text.push_str(&format!("（{c}）"));
            }
            for line in &notice.lines {
                text.push_str(&format!("\n{line}"));
            }
            let mut body = json!({"msg_type": "text", "content": {"text": text}});
            if let Some(secret) = secret {
                let ts = now.timestamp();
                body["timestamp"] = json!(ts.to_string());
                body["sign"] = json!(feishu_sign(ts, secret));
            }
            (url.clone(), body)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn notice() -> Notice {
        Notice {
            title: "问题逾期提醒".into(),
            lines: vec!["ZT-2026-000123 小区垃圾清运不及时，已逾期 3 个工作日".into()],
            colour: Some(domain::supervision::Colour::Red),
        }
    }

    #[test]
    fn each_robot_gets_its_own_form_and_signature() {
        let at = chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap();
        let ding = Robot::DingTalk {
            url: "https://oapi.dingtalk.com/robot/send?access_token=T".into(),
            secret: Some("secret".into()),
        };
        let (url, body) = request(&ding, &notice(), at);
        assert_eq!(
            url,
            "https://oapi.dingtalk.com/robot/send?access_token=T&timestamp=1700000000000&sign=OuzzJR5%2BxZ4%2FEYwqtNt6sMYZQMTa%2FHEGvc9miJe7XzY%3D"
        );
        assert_eq!(body["msgtype"], "markdown");
        let text = body["markdown"]["text"].as_str().unwrap();
        assert!(
            text.starts_with("### 问题逾期提醒") && text.contains("**红色督办**") && text.contains("- ZT-2026-000123"),
            "{text}"
        );

        let (url, body) = request(
            &Robot::WeCom { url: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=K".into() },
            &notice(),
            at,
        );
        assert!(url.ends_with("key=K"), "no signature: the key is the secret");
        let content = body["markdown"]["content"].as_str().unwrap();
        assert!(content.contains("<font color=\"warning\">红色督办</font>"), "{content}");

        let fei = Robot::Feishu {
            url: "https://open.feishu.cn/open-apis/bot/v2/hook/H".into(),
            secret: Some("secret".into()),
        };
        let (_, body) = request(&fei, &notice(), chrono::DateTime::from_timestamp(1_599_360_473, 0).unwrap());
        assert_eq!(
            (body["timestamp"].as_str(), body["sign"].as_str()),
            (Some("1599360473"), Some("q4jswNiMy51J5JuQV566yJat0/lQ/c+22kINzUgKsGU="))
        );
        assert!(body["content"]["text"].as_str().unwrap().starts_with("问题逾期提醒（红色督办）"));
        let unsigned = Robot::Feishu { url: "u".into(), secret: None };
        assert!(request(&unsigned, &notice(), at).1.get("sign").is_none());
    }

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
