//! 通知 (issue 14): the reminders the scheduler makes — 催办 before and after deadlines, 督办
//! colour rises, sign-offs waiting, callbacks due and each unit's daily digest — each kept as a
//! record of what, to whom, why, when it was sent and how it went. A recipient reads their own;
//! a problem's readers see those about it on its timeline; the admin reads them all.

pub mod mail;
mod plan;
pub mod prefs;
pub mod text;

pub use plan::SchedulerRun;

use crate::views::{Named, ProblemRef};
use crate::{Actor, App, Result};
use chrono::{DateTime, NaiveDate, Utc};
use domain::access::Intent;
use domain::notice::{NoticeChannel, NoticeKind, NoticeStatus};
use domain::supervision::Colour;
use domain::workflow::SignoffStage;
use domain::{NoticeId, ProblemId, UnitId, UserId};
use serde::Serialize;
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use store::Conn;
use store::notices::{NoticeFilter, NoticeRow};
use utoipa::ToSchema;

/// A unit's figures in its daily digest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub struct DigestFigures {
    pub open: i64,
    pub due_soon: i64,
    pub overdue: i64,
}

/// One notice as its reader may see it.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct NoticeView {
    pub id: NoticeId,
    pub kind: NoticeKind,
    pub channel: NoticeChannel,
    pub status: NoticeStatus,
    /// The problem it is about, when the reader may see it.
    pub problem: Option<ProblemRef>,
    pub unit: Option<Named<UnitId>>,
    /// Who it went to; none when no one could receive it (then `status` is `failed`).
    pub recipient: Option<Named<UserId>>,
    pub colour: Option<Colour>,
    pub stage: Option<SignoffStage>,
    /// The deadline it is about (the callback's due date for a callback).
    pub deadline: Option<NaiveDate>,
    pub figures: Option<DigestFigures>,
    /// The working day it was planned for.
    pub day: NaiveDate,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    pub attempts: i64,
    /// What went wrong on the last attempt.
    pub last_error: Option<String>,
    pub headline_zh: String,
    pub headline_en: String,
    /// Why the recipient got it.
    pub reason_zh: String,
    pub reason_en: String,
}

/// The admin's filter over notices.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct NoticeQuery {
    pub problem_id: Option<ProblemId>,
    pub user_id: Option<UserId>,
    pub kind: Option<NoticeKind>,
    pub status: Option<NoticeStatus>,
    pub day: Option<NaiveDate>,
    pub channel: Option<NoticeChannel>,
    /// Notices older than this one (the next page).
    pub before: Option<NoticeId>,
    /// 1–500, 100 by default.
    pub limit: Option<i64>,
}

fn limit_of(limit: Option<i64>) -> Result<i64> {
    let limit = limit.unwrap_or(100);
    if !(1..=500).contains(&limit) {
        return Err(domain::Error::invalid("limit", "每页条数须为1–500", "limit must be 1–500"));
    }
    Ok(limit)
}

impl App {
    /// The reader's own notices, newest first. A notice about a problem the reader may no longer
    /// see (it went to another unit) is left out, never named.
    pub async fn my_notices(
        &self,
        actor: &Actor,
        before: Option<NoticeId>,
        limit: Option<i64>,
    ) -> Result<Vec<NoticeView>> {
        let p = actor.user_for(Intent::Read)?;
        // The inbox: an e-mail sent besides is on the problem's timeline and the admin's page.
        let filter = NoticeFilter {
            user_id: Some(p.user_id),
            channel: Some(NoticeChannel::Inbox),
            before,
            limit: limit_of(limit)?,
            ..NoticeFilter::default()
        };
        let mut pooled = self.db.acquire().await?;
        let mut c = pooled.conn();
        let rows = store::notices::list_notices(&mut c, &filter).await?;
        self.notice_views(&mut c, Some(p), rows).await
    }

    /// How many of the reader's notices were planned for today (those about a problem they may
    /// no longer see left out).
    pub async fn my_notices_today(&self, actor: &Actor) -> Result<usize> {
        let p = actor.user_for(Intent::Read)?;
        let today = self.clock.today();
        let filter = NoticeFilter {
            user_id: Some(p.user_id),
            day: Some(today),
            channel: Some(NoticeChannel::Inbox),
            limit: 500,
            ..NoticeFilter::default()
        };
        let mut pooled = self.db.acquire().await?;
        let mut c = pooled.conn();
        let rows = store::notices::list_notices(&mut c, &filter).await?;
        Ok(self.notice_views(&mut c, Some(p), rows).await?.len())
    }

    /// Every notice (admin), newest first, narrowed by the query.
    pub async fn notices(&self, actor: &Actor, q: &NoticeQuery) -> Result<Vec<NoticeView>> {
        actor.admin()?;
        let filter = NoticeFilter {
            problem_id: q.problem_id,
            user_id: q.user_id,
            kind: q.kind,
            status: q.status,
            day: q.day,
            channel: q.channel,
            before: q.before,
            limit: limit_of(q.limit)?,
        };
        let mut pooled = self.db.acquire().await?;
        let mut c = pooled.conn();
        let rows = store::notices::list_notices(&mut c, &filter).await?;
        self.notice_views(&mut c, None, rows).await
    }

    /// The notices about a problem the caller has already found the reader may see (its timeline).
    pub(crate) async fn problem_notices(&self, c: &mut Conn<'_>, problem: ProblemRef) -> Result<Vec<NoticeView>> {
        let filter = NoticeFilter { problem_id: Some(problem.id), limit: 200, ..NoticeFilter::default() };
        let rows = store::notices::list_notices(c, &filter).await?;
        let names = self.names().await?;
        Ok(rows.into_iter().map(|r| view(r, Some(problem.clone()), &names)).collect())
    }

    /// Views of stored notices; with a reader, each problem is named only when they may see it,
    /// and a notice about one they may not see is left out.
    async fn notice_views(
        &self,
        c: &mut Conn<'_>,
        reader: Option<&domain::access::Principal>,
        rows: Vec<NoticeRow>,
    ) -> Result<Vec<NoticeView>> {
        let names = self.names().await?;
        let mut problems: HashMap<ProblemId, Option<ProblemRef>> = HashMap::new();
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let problem = match r.problem_id {
                None => None,
                Some(id) => {
                    let seen = match problems.entry(id) {
                        Entry::Occupied(e) => e.get().clone(),
                        Entry::Vacant(e) => {
                            let seen = match reader {
                                Some(p) => Self::visible_problem(c, p, id).await?.map(|(r, _)| r),
                                None => crate::problems::load(c, id).await.ok().map(|l| ProblemRef {
                                    id: l.row.id,
                                    number: l.row.number.clone(),
                                    title: l.row.title.clone(),
                                }),
                            };
                            e.insert(seen).clone()
                        }
                    };
                    match seen {
                        Some(seen) => Some(seen),
                        None => continue,
                    }
                }
            };
            out.push(view(r, problem, &names));
        }
        Ok(out)
    }
}

fn view(r: NoticeRow, problem: Option<ProblemRef>, names: &crate::names::Names) -> NoticeView {
    let figures = match (r.open_count, r.due_soon_count, r.overdue_count) {
        (Some(open), Some(due_soon), Some(overdue)) => Some(DigestFigures { open, due_soon, overdue }),
        _ => None,
    };
    let mut v = NoticeView {
        id: r.id,
        kind: r.kind,
        channel: r.channel,
        status: r.status,
        problem,
        unit: r.unit_id.map(|id| Named { id, name: names.unit(id) }),
        recipient: r.user_id.map(|id| Named { id, name: r.recipient_name.clone().unwrap_or_default() }),
        colour: r.colour,
        stage: r.stage,
        deadline: r.deadline,
        figures,
        day: r.day,
        created_at: r.created_at,
        sent_at: r.sent_at,
        attempts: r.attempts,
        last_error: r.last_error,
        headline_zh: String::new(),
        headline_en: String::new(),
        reason_zh: String::new(),
        reason_en: String::new(),
    };
    let about = text::About::of(&v);
    let (headline, reason) = (text::headline(&about), text::reason(&about));
    (v.headline_zh, v.headline_en, v.reason_zh, v.reason_en) = (headline.zh, headline.en, reason.zh, reason.en);
    v
}
