//! The outbox: what webhooks hear comes from the audit log, which every write appends to in its
//! own transaction, so no write path can forget to tell them. Under the scheduler's lease, each
//! turn reads the entries past the cursor, makes a delivery for each subscription that wants the
//! event and may hear of the record, and moves the cursor — in one transaction, so that an entry
//! is turned into deliveries once. The day's reminders are delivered the same way, by the planner.

use crate::{App, Result};
use chrono::{DateTime, Utc};
use domain::UnitId;
use domain::notice::NoticeKind;
use domain::unit::UnitPath;
use domain::webhook::{Event, event_of};
use serde_json::{Value, json};
use store::Conn;
use store::audit::AuditRow;
use store::webhooks::{NewDelivery, WebhookRow};

const OUTBOX: &str = "webhooks";
/// Audit entries read per turn.
const BATCH: i64 = 500;

/// What an event is about, as a subscription may hear of it.
pub(crate) struct Subject {
    /// The units whose subtree a unit-scoped subscription must hold one of.
    pub units: Vec<UnitPath>,
    pub problem_id: Option<domain::ProblemId>,
    pub body: Value,
}

/// The event a reminder stands for.
pub(crate) fn event_of_notice(kind: NoticeKind) -> Event {
    match kind {
        NoticeKind::DueSoon => Event::DueSoon,
        NoticeKind::Overdue => Event::Overdue,
        NoticeKind::ColourRaised => Event::SupervisionRaised,
        NoticeKind::SignoffWaiting | NoticeKind::CallbackDue | NoticeKind::DailyDigest => Event::Reminder,
    }
}

/// The robot's words for an event: a title and its lines (Chinese: the groups are Chinese).
pub(crate) fn text(title: String, lines: Vec<String>) -> Value {
    json!({ "title": title, "lines": lines })
}

impl App {
    /// One turn of the outbox; the number of deliveries made.
    pub(crate) async fn enqueue_events(&self, now: DateTime<Utc>) -> Result<usize> {
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        let webhooks: Vec<WebhookRow> =
            store::webhooks::list_webhooks(&mut c).await?.into_iter().filter(|w| w.active).collect();
        let from = store::webhooks::outbox_position(&mut c, OUTBOX).await?;
        // Before the first subscription, and on its first turn, the outbox starts at the head: a
        // new subscription hears what happens from then on, not the install's history.
        let Some(from) = from.filter(|_| !webhooks.is_empty()) else {
            let (head, _) = store::audit::head(&mut c).await?;
            store::webhooks::set_outbox_position(&mut c, OUTBOX, head).await?;
            tx.commit().await?;
            return Ok(0);
        };
        let rows = store::audit::rows_after(&mut c, from, BATCH).await?;
        let Some(last) = rows.last().map(|r| r.seq) else {
            return Ok(0);
        };
        let mut made = 0;
        for row in &rows {
            let Some(event) = event_of(&row.action) else {
                continue;
            };
            let wanting: Vec<&WebhookRow> = webhooks.iter().filter(|w| w.wants(event)).collect();
            if wanting.is_empty() {
                continue;
            }
            let Some(subject) = self.subject_of(&mut c, row, event).await? else {
                continue;
            };
            let key = format!("audit:{}", row.seq);
            made += self.deliver_to(&mut c, &wanting, &key, event, &subject, now).await?;
        }
        store::webhooks::set_outbox_position(&mut c, OUTBOX, last).await?;
        tx.commit().await?;
        Ok(made)
    }

    /// Makes a delivery of `subject` for each subscription that may hear of it; the number made.
    pub(crate) async fn deliver_to(
        &self,
        c: &mut Conn<'_>,
        webhooks: &[&WebhookRow],
        key: &str,
        event: Event,
        subject: &Subject,
        now: DateTime<Utc>,
    ) -> Result<usize> {
        let units = self.units().await?;
        let mut made = 0;
        for w in webhooks {
            if let Some(scope) = w.unit_id {
                let Some(path) = units.iter().find(|u| u.id == scope).and_then(|u| UnitPath::parse(&u.path).ok())
                else {
                    continue;
                };
                if !subject.units.iter().any(|u| path.contains(u)) {
                    continue;
                }
            }
            let mut body = subject.body.clone();
            body["id"] = json!(format!("{key}:w{}", w.id));
            body["event"] = json!(event.as_str());
            let d = NewDelivery {
                key: format!("{key}:w{}", w.id),
                webhook_id: w.id,
                event,
                problem_id: subject.problem_id,
                body: body.to_string(),
            };
            made += usize::from(store::webhooks::insert_delivery(c, &d, now).await?);
        }
        Ok(made)
    }

    /// What an audit entry is about, as webhooks hear of it: the problem or the report as it is
    /// now (never a reporter's name or contact). None when the record is gone.
    async fn subject_of(&self, c: &mut Conn<'_>, row: &AuditRow, event: Event) -> Result<Option<Subject>> {
        let Some(id) = row.entity_id else {
            return Ok(None);
        };
        let label = event.label_zh();
        match row.entity_type.as_str() {
            "problem" => {
                let Ok(p) = crate::problems::load(c, domain::ProblemId::new(id)).await else {
                    return Ok(None);
                };
                let place = &p.place;
                let units = std::iter::once(place.owner_unit.clone())
                    .chain(place.lead_unit.clone())
                    .chain(place.cooperating_units.iter().cloned())
                    .collect();
                let r = &p.row;
                let lead = p.lead_unit_name.clone().unwrap_or_default();
                let mut lines = vec![format!("状态：{}", r.status.label_zh())];
                if !lead.is_empty() {
                    lines.push(format!("牵头单位：{lead}"));
                }
                if let Some(d) = r.deadline {
                    lines.push(format!("整改时限：{d}"));
                }
                let body = json!({
                    "occurred_at": row.at,
                    "action": row.action,
                    "problem": {
                        "id": r.id, "number": r.number.as_str(), "title": r.title, "status": r.status.as_str(),
                        "lead_unit": r.lead_unit_id.map(|id| json!({"id": id, "name": lead})),
                        "deadline": r.deadline, "version": r.version,
                    },
                    "text": text(format!("【{label}】{} {}", r.number.as_str(), r.title), lines),
                });
                Ok(Some(Subject { units, problem_id: Some(r.id), body }))
            }
            "feedback" => {
                let Some(f) = store::feedback::get_feedback(c, domain::FeedbackId::new(id)).await? else {
                    return Ok(None);
                };
                let units = self.units().await?;
                let Some(unit) = units.iter().find(|u| u.id == f.unit_id) else {
                    return Ok(None);
                };
                let title = f.title.clone().unwrap_or_else(|| f.body.chars().take(30).collect());
                let body = json!({
                    "occurred_at": row.at,
                    "action": row.action,
                    "feedback": {
                        "id": f.id, "title": title, "channel": f.channel.as_str(), "kind": f.kind.as_str(),
                        "unit": {"id": f.unit_id, "name": unit.name}, "received_at": f.received_at,
                        "problem_id": f.problem_id,
                    },
                    "text": text(format!("【{label}】{title}"), vec![format!("来源：{}", f.channel.label_zh()), format!("受理单位：{}", unit.name)]),
                });
                Ok(Some(Subject {
                    units: UnitPath::parse(&unit.path).into_iter().collect(),
                    problem_id: f.problem_id,
                    body,
                }))
            }
            _ => Ok(None),
        }
    }

    /// The subject of a reminder about a problem, for the planner (which holds what it needs).
    pub(crate) fn reminder_subject(
        &self,
        units: &[store::units::UnitRow],
        row: &store::notices::WatchedRow,
        headline: &domain::error::Msg,
        kind: NoticeKind,
        day: chrono::NaiveDate,
    ) -> Subject {
        let lead = units.iter().find(|u| u.id == row.lead_unit_id);
        let lead_name = lead.map(|u| u.name.clone()).unwrap_or_default();
        let body = json!({
            "occurred_at": day,
            "action": format!("notice.{}", kind.as_str()),
            "problem": {
                "id": row.id, "number": row.number.as_str(), "title": row.title, "status": row.status.as_str(),
                "lead_unit": {"id": row.lead_unit_id, "name": lead_name}, "deadline": row.deadline,
            },
            "notice": {"kind": kind.as_str(), "headline_zh": headline.zh, "headline_en": headline.en},
            "text": text(headline.zh.clone(), vec![format!("牵头单位：{lead_name}")]),
        });
        Subject {
            units: lead.and_then(|u| UnitPath::parse(&u.path).ok()).into_iter().collect(),
            problem_id: Some(row.id),
            body,
        }
    }

    /// The subject of a unit's daily digest.
    pub(crate) fn digest_subject(
        &self,
        units: &[store::units::UnitRow],
        unit: UnitId,
        headline: &domain::error::Msg,
        figures: (i64, i64, i64),
        day: chrono::NaiveDate,
    ) -> Subject {
        let u = units.iter().find(|u| u.id == unit);
        let body = json!({
            "occurred_at": day,
            "action": "notice.daily_digest",
            "unit": {"id": unit, "name": u.map(|u| u.name.clone())},
            "digest": {"open": figures.0, "due_soon": figures.1, "overdue": figures.2},
            "notice": {"kind": "daily_digest", "headline_zh": headline.zh, "headline_en": headline.en},
            "text": text(headline.zh.clone(), vec![]),
        });
        Subject { units: u.and_then(|u| UnitPath::parse(&u.path).ok()).into_iter().collect(), problem_id: None, body }
    }
}
