//! Webhooks (issue 14): the admin's subscriptions — an address, a form (plain signed JSON or a
//! 钉钉, 企业微信 or 飞书 group robot), the events it wants and, if set, the unit whose subtree it
//! hears about — and every delivery with its attempts. What is delivered is made by the outbox
//! ([`outbox`]) and the day's reminders; it is sent by [`send`].

pub mod outbox;
pub mod send;

use crate::views::Named;
use crate::{Actor, App, Result};
use chrono::{DateTime, Utc};
use domain::notice::NoticeStatus;
use domain::webhook::{Event, WebhookFormat};
use domain::{DeliveryId, Error, ProblemId, UnitId, WebhookId};
use serde::{Deserialize, Serialize};
use store::webhooks::{DeliveryRow, WebhookFields, WebhookRow};
use utoipa::ToSchema;

/// A subscription as the admin sees it. Its secret is never shown again, only whether it has one.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct WebhookView {
    pub id: WebhookId,
    pub name: String,
    pub url: String,
    pub format: WebhookFormat,
    pub has_secret: bool,
    pub events: Vec<Event>,
    /// Only events about this unit's subtree; none: every event.
    pub unit: Option<Named<UnitId>>,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

/// A subscription to make or change.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookInput {
    pub name: String,
    /// `https://…` (or `http://` on this machine, for testing).
    pub url: String,
    pub format: WebhookFormat,
    /// The signing secret: the subscription's own for JSON (the receiver checks
    /// `X-Zhenggai-Signature`), the robot's 加签 secret for 钉钉 and 飞书. Left out when changing
    /// a subscription, the stored one is kept.
    #[serde(default)]
    pub secret: Option<String>,
    pub events: Vec<Event>,
    #[serde(default)]
    pub unit_id: Option<UnitId>,
    #[serde(default = "yes")]
    pub active: bool,
    /// The version read, when changing one.
    #[serde(default)]
    pub version: Option<i64>,
}

fn yes() -> bool {
    true
}

/// One delivery as its log shows it.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct DeliveryView {
    pub id: DeliveryId,
    pub event: Event,
    pub problem_id: Option<ProblemId>,
    pub created_at: DateTime<Utc>,
    pub status: NoticeStatus,
    pub attempts: i64,
    /// When it is tried next, while it is pending.
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub sent_at: Option<DateTime<Utc>>,
    /// The receiver's HTTP status on the last attempt.
    pub response_status: Option<i64>,
    pub last_error: Option<String>,
    /// The JSON body as it is (or was) sent.
    pub body: String,
}

fn delivery_view(r: DeliveryRow) -> DeliveryView {
    DeliveryView {
        id: r.id,
        event: r.event,
        problem_id: r.problem_id,
        created_at: r.created_at,
        status: r.status,
        attempts: r.attempts,
        next_attempt_at: (r.status == NoticeStatus::Pending).then_some(r.next_attempt_at),
        sent_at: r.sent_at,
        response_status: r.response_status,
        last_error: r.last_error,
        body: r.body,
    }
}

fn events_of(stored: &str) -> Vec<Event> {
    stored.split(' ').filter_map(|e| Event::parse(e).ok()).collect()
}

/// The name and address of an input, checked with the rest of it.
fn name_and_url(input: &WebhookInput) -> Result<(String, String)> {
    let name = input.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(Error::invalid("name", "名称须为1–100个字符", "name must be 1–100 characters"));
    }
    let url = input.url.trim();
    let parsed = url::Url::parse(url)
        .map_err(|_| Error::invalid("url", format!("“{url}”不是网址"), format!("\"{url}\" is not a URL")))?;
    let loopback = parsed.host_str().is_some_and(|h| h == "127.0.0.1" || h == "localhost" || h == "[::1]");
    match parsed.scheme() {
        "https" => {}
        "http" if loopback => {}
        _ => {
            return Err(Error::invalid(
                "url",
                "网址须以 https:// 开头（仅本机测试可用 http://）",
                "the URL must start with https:// (http:// only on this machine, for testing)",
            ));
        }
    }
    if input.events.is_empty() {
        return Err(Error::invalid("events", "至少选择一种事件", "choose at least one event"));
    }
    if input.secret.as_deref().is_some_and(|s| s.chars().count() > 200) {
        return Err(Error::invalid(
            "secret",
            "密钥过长（至多200个字符）",
            "the secret is too long (200 characters at most)",
        ));
    }
    if input.format == WebhookFormat::Wecom && input.secret.as_deref().is_some_and(|s| !s.is_empty()) {
        return Err(Error::invalid(
            "secret",
            "企业微信机器人不加签：密钥在网址的 key 中",
            "a WeCom robot is not signed: its key in the URL is the secret",
        ));
    }
    Ok((name.to_string(), url.to_string()))
}

/// An input's fields as they are stored.
struct Checked {
    name: String,
    url: String,
    events: String,
}

impl Checked {
    fn fields<'a>(&'a self, input: &'a WebhookInput) -> WebhookFields<'a> {
        WebhookFields {
            name: &self.name,
            url: &self.url,
            format: input.format,
            secret: input.secret.as_deref().filter(|s| !s.is_empty()),
            events: &self.events,
            unit_id: input.unit_id,
            active: input.active,
        }
    }
}

fn stored_events(events: &[Event]) -> String {
    let mut wire: Vec<&str> = events.iter().map(|e| e.as_str()).collect();
    wire.sort_unstable();
    wire.dedup();
    wire.join(" ")
}

fn unknown(_: WebhookId) -> Error {
    Error::not_found("webhook")
}

impl App {
    /// The input checked: its name, address, events and secret, and that its unit exists.
    async fn checked(&self, input: &WebhookInput) -> Result<Checked> {
        let (name, url) = name_and_url(input)?;
        if let Some(unit) = input.unit_id {
            let units = self.units_with(unit).await?;
            units.iter().find(|u| u.id == unit).ok_or_else(|| crate::units::unknown_unit_id(unit))?;
        }
        Ok(Checked { name, url, events: stored_events(&input.events) })
    }

    fn webhook_view(&self, r: WebhookRow, names: &crate::names::Names) -> WebhookView {
        WebhookView {
            id: r.id,
            name: r.name,
            url: r.url,
            format: r.format,
            has_secret: r.secret.as_deref().is_some_and(|s| !s.is_empty()),
            events: events_of(&r.events),
            unit: r.unit_id.map(|id| Named { id, name: names.unit(id) }),
            active: r.active,
            created_at: r.created_at,
            updated_at: r.updated_at,
            version: r.version,
        }
    }

    /// Every subscription (admin).
    pub async fn list_webhooks(&self, actor: &Actor) -> Result<Vec<WebhookView>> {
        actor.admin()?;
        let mut pooled = self.db.acquire().await?;
        let rows = store::webhooks::list_webhooks(&mut pooled.conn()).await?;
        let names = self.names().await?;
        Ok(rows.into_iter().map(|r| self.webhook_view(r, &names)).collect())
    }

    pub async fn get_webhook(&self, actor: &Actor, id: WebhookId) -> Result<WebhookView> {
        actor.admin()?;
        let mut pooled = self.db.acquire().await?;
        let row = store::webhooks::get_webhook(&mut pooled.conn(), id).await?.ok_or_else(|| unknown(id))?;
        Ok(self.webhook_view(row, &*self.names().await?))
    }

    /// Subscribes an address (admin); audited without its secret.
    pub async fn create_webhook(&self, actor: &Actor, input: &WebhookInput) -> Result<WebhookView> {
        actor.admin()?;
        let checked = self.checked(input).await?;
        let fields = checked.fields(input);
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        let row = store::webhooks::insert_webhook(&mut c, &fields, now).await?;
        let names = self.names().await?;
        let view = self.webhook_view(row, &names);
        crate::audit::Entry::new(actor, "webhook.create", "webhook", Some(view.id.get()))
            .after(&view)?
            .record(&mut c, now)
            .await?;
        tx.commit().await?;
        Ok(view)
    }

    /// Changes a subscription read at `input.version` (admin); a secret left out is kept.
    pub async fn update_webhook(&self, actor: &Actor, id: WebhookId, input: &WebhookInput) -> Result<WebhookView> {
        actor.admin()?;
        let checked = self.checked(input).await?;
        let version = input.version.ok_or_else(Error::version_required)?;
        let fields = checked.fields(input);
        let now = self.clock.now();
        let names = self.names().await?;
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        let before = store::webhooks::get_webhook(&mut c, id).await?.ok_or_else(|| unknown(id))?;
        let Some(row) = store::webhooks::update_webhook(&mut c, id, version, &fields, now).await? else {
            return Err(Error::StaleVersion { sent: version, current: before.version });
        };
        let view = self.webhook_view(row, &names);
        crate::audit::Entry::new(actor, "webhook.update", "webhook", Some(id.get()))
            .before(&self.webhook_view(before, &names))?
            .after(&view)?
            .record(&mut c, now)
            .await?;
        tx.commit().await?;
        Ok(view)
    }

    /// A subscription's deliveries, newest first (admin).
    pub async fn webhook_deliveries(
        &self,
        actor: &Actor,
        id: WebhookId,
        before: Option<DeliveryId>,
        limit: Option<i64>,
    ) -> Result<Vec<DeliveryView>> {
        actor.admin()?;
        let limit = limit.unwrap_or(100);
        if !(1..=500).contains(&limit) {
            return Err(Error::invalid("limit", "每页条数须为1–500", "limit must be 1–500"));
        }
        let mut pooled = self.db.acquire().await?;
        let mut c = pooled.conn();
        store::webhooks::get_webhook(&mut c, id).await?.ok_or_else(|| unknown(id))?;
        let rows = store::webhooks::list_deliveries(&mut c, id, before, limit).await?;
        Ok(rows.into_iter().map(delivery_view).collect())
    }
}
