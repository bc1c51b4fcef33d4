//! Sending deliveries: each node claims the pending ones that are due (a claim runs out if the node
//! dies, and another node takes them), posts them — plain JSON signed with the subscription's
//! secret, or a group robot's message — and records how it went; a failure is tried again later
//! (see [`domain::webhook::retry_after`]). A robot that takes 20 messages a minute gets at most
//! that: what is waiting for it goes out together, as one message of many lines.

use crate::robots::{Notice, Robot, request, webhook_signature};
use crate::{App, Result};
use chrono::{DateTime, Duration, Utc};
use domain::DeliveryId;
use domain::webhook::{WebhookFormat, retry_after};
use std::collections::BTreeMap;
use std::sync::OnceLock;
use store::webhooks::{DeliveryRow, Outcome, WebhookRow};

/// Deliveries claimed per turn, and how long a claim holds.
pub const CLAIM: usize = 50;
const CLAIM_SECONDS: i64 = 120;
/// How long one attempt may take.
const TIMEOUT_SECONDS: u64 = 10;
/// A robot message holds at most this many events; the rest wait for the next.
const LINES_PER_MESSAGE: usize = 20;

fn client() -> std::result::Result<&'static reqwest::Client, String> {
    static CLIENT: OnceLock<std::result::Result<reqwest::Client, String>> = OnceLock::new();
    CLIENT
        .get_or_init(|| {
            install_tls_provider();
            reqwest::Client::builder()
                .timeout(std::time::Duration::from_secs(TIMEOUT_SECONDS))
                .redirect(reqwest::redirect::Policy::none())
                .user_agent(concat!("zhenggai/", env!("CARGO_PKG_VERSION")))
                .build()
                .map_err(|e| format!("the HTTP client: {e}"))
        })
        .as_ref()
        .map_err(Clone::clone)
}

/// One TLS provider for the process, for webhooks and e-mail alike: ring, which builds without a
/// C library of its own (post-quantum key exchange, which rustls now steers towards aws-lc-rs
/// for, is not what a webhook or a mail server needs). Installing it again does nothing.
pub(crate) fn install_tls_provider() {
    #[allow(deprecated)]
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// The robot a subscription posts to.
fn robot_of(w: &WebhookRow) -> Option<Robot> {
    let secret = w.secret.clone().filter(|s| !s.is_empty());
    match w.format {
        WebhookFormat::Json => None,
        WebhookFormat::Dingtalk => Some(Robot::DingTalk { url: w.url.clone(), secret }),
        WebhookFormat::Wecom => Some(Robot::WeCom { url: w.url.clone() }),
        WebhookFormat::Feishu => Some(Robot::Feishu { url: w.url.clone(), secret }),
    }
}

/// A robot's message for the deliveries, from the words each body carries.
fn robot_notice(deliveries: &[&DeliveryRow]) -> Notice {
    let texts: Vec<serde_json::Value> =
        deliveries.iter().map(|d| serde_json::from_str::<serde_json::Value>(&d.body).unwrap_or_default()).collect();
    let title_of = |v: &serde_json::Value| v["text"]["title"].as_str().unwrap_or_default().to_string();
    let colour = texts
        .iter()
        .filter_map(|v| {
            v["notice"]["kind"].as_str().filter(|k| *k == "overdue").map(|_| domain::supervision::Colour::Red)
        })
        .next();
    if let [one] = texts.as_slice() {
        let lines = one["text"]["lines"]
            .as_array()
            .map(|l| l.iter().filter_map(|x| x.as_str().map(str::to_owned)).collect())
            .unwrap_or_default();
        return Notice { title: title_of(one), lines, colour };
    }
    Notice {
        title: format!("整改台账：{} 条新消息", texts.len()), lines: texts.iter().map(title_of).collect(), colour
    }
}

/// How a receiver's answer reads: robots answer 200 with an error code in the body.
fn outcome_of(format: WebhookFormat, status: u16, body: &str) -> std::result::Result<i64, (Option<i64>, String)> {
    let code = i64::from(status);
    if !(200..300).contains(&status) {
        let said: String = body.chars().take(200).collect();
        return Err((Some(code), format!("HTTP {status}: {said}")));
    }
    if format == WebhookFormat::Json {
        return Ok(code);
    }
    let v: serde_json::Value = serde_json::from_str(body).unwrap_or_default();
    let errcode = v["errcode"].as_i64().or_else(|| v["code"].as_i64()).or_else(|| v["StatusCode"].as_i64());
    match errcode {
        None | Some(0) => Ok(code),
        Some(e) => {
            let msg = v["errmsg"].as_str().or_else(|| v["msg"].as_str()).unwrap_or_default();
            Err((Some(code), format!("errcode {e}: {msg}")))
        }
    }
}

async fn post(url: &str, body: Vec<u8>, headers: &[(&str, String)]) -> std::result::Result<(u16, String), String> {
    let client = client()?;
    let mut req = client.post(url).header("Content-Type", "application/json; charset=utf-8").body(body);
    for (name, value) in headers {
        req = req.header(*name, value);
    }
    let res = req.send().await.map_err(|e| format!("{e}"))?;
    let status = res.status().as_u16();
    let text = res.text().await.unwrap_or_default();
    Ok((status, text))
}

/// A failed attempt, tried again after the backoff for its number, or failed for good after the last.
pub(crate) fn failed(attempts: i64, status: Option<i64>, error: String, now: DateTime<Utc>) -> Outcome {
    let after = retry_after(u32::try_from(attempts + 1).unwrap_or(u32::MAX));
    Outcome::Failed { status, error, retry_at: after.map(|d| now + d) }
}

impl App {
    /// One turn of sending for the node `holder`: the number of deliveries attempted.
    pub async fn deliver_due(&self, holder: &str) -> Result<usize> {
        let now = self.clock.now();
        let mut pooled = self.db.acquire().await?;
        let mut c = pooled.conn();
        let claimed =
            store::webhooks::claim_due(&mut c, holder, now, now + Duration::seconds(CLAIM_SECONDS), CLAIM as i64)
                .await?;
        if claimed.is_empty() {
            return Ok(0);
        }
        let webhooks: BTreeMap<_, WebhookRow> =
            store::webhooks::list_webhooks(&mut c).await?.into_iter().map(|w| (w.id, w)).collect();
        drop(pooled);
        let mut by_webhook: BTreeMap<_, Vec<&DeliveryRow>> = BTreeMap::new();
        for d in &claimed {
            by_webhook.entry(d.webhook_id).or_default().push(d);
        }
        let mut outcomes: Vec<(DeliveryId, Outcome)> = Vec::new();
        for (id, group) in by_webhook {
            let Some(w) = webhooks.get(&id).filter(|w| w.active) else {
                let off = "订阅已停用 / the subscription is off".to_string();
                outcomes.extend(
                    group.iter().map(|d| (d.id, Outcome::Failed { status: None, error: off.clone(), retry_at: None })),
                );
                continue;
            };
            match robot_of(w) {
                None => {
                    for d in group {
                        outcomes.push((d.id, self.send_json(w, d, now).await));
                    }
                }
                Some(robot) => outcomes.extend(self.send_robot(w, &robot, &group, now).await?),
            }
        }
        let mut pooled = self.db.acquire().await?;
        let mut c = pooled.conn();
        for (id, outcome) in &outcomes {
            store::webhooks::record_attempt(&mut c, *id, outcome, now).await?;
        }
        Ok(outcomes.len())
    }

    async fn send_json(&self, w: &WebhookRow, d: &DeliveryRow, now: DateTime<Utc>) -> Outcome {
        let body = d.body.as_bytes().to_vec();
        let mut headers =
            vec![("X-Zhenggai-Event", d.event.as_str().to_string()), ("X-Zhenggai-Delivery", d.key.clone())];
        if let Some(secret) = w.secret.as_deref().filter(|s| !s.is_empty()) {
            headers.push(("X-Zhenggai-Signature", webhook_signature(secret, &body)));
        }
        match post(&w.url, body, &headers).await {
            Ok((status, text)) => match outcome_of(w.format, status, &text) {
                Ok(status) => Outcome::Sent { status },
                Err((status, error)) => failed(d.attempts, status, error, now),
            },
            Err(error) => failed(d.attempts, None, error, now),
        }
    }

    /// Sends what waits for a robot as one message, within its messages a minute.
    async fn send_robot(
        &self,
        w: &WebhookRow,
        robot: &Robot,
        group: &[&DeliveryRow],
        now: DateTime<Utc>,
    ) -> Result<Vec<(DeliveryId, Outcome)>> {
        let limit = i64::from(w.format.per_minute().unwrap_or(u32::MAX));
        let sent = {
            let mut pooled = self.db.acquire().await?;
            store::webhooks::messages_since(&mut pooled.conn(), w.id, now - Duration::seconds(60)).await?
        };
        let (now_part, later) = group.split_at(group.len().min(LINES_PER_MESSAGE));
        let mut out: Vec<(DeliveryId, Outcome)> = later.iter().map(|d| (d.id, Outcome::Deferred { at: now })).collect();
        if sent >= limit {
            let at = now + Duration::seconds(60);
            out.extend(now_part.iter().map(|d| (d.id, Outcome::Deferred { at })));
            return Ok(out);
        }
        let (url, json) = request(robot, &robot_notice(now_part), now);
        let attempts = now_part.iter().map(|d| d.attempts).max().unwrap_or(0);
        let outcome = match post(&url, json.to_string().into_bytes(), &[]).await {
            Ok((status, text)) => match outcome_of(w.format, status, &text) {
                Ok(status) => Outcome::Sent { status },
                Err((status, error)) => failed(attempts, status, error, now),
            },
            Err(error) => failed(attempts, None, error, now),
        };
        out.extend(now_part.iter().map(|d| (d.id, outcome.clone())));
        Ok(out)
    }
}
