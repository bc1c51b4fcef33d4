//! The public's side (SPEC §3 portal): submit feedback and get a tracking code and a private rating
//! key; look a code up; browse published rectifications (整改公示); rate one's own closed report.
//! The public never sees a reporter's name or contact, nor anything unpublished.

use crate::feedback::{FeedbackInput, new_tracking_code, parse_input, rating_key_hash};
use crate::problems::ProblemQuery;
use crate::{Actor, App};
use chrono::{DateTime, NaiveDate, Utc};
use domain::feedback::{Channel, FeedbackKind, ReportStatus, TrackingCode};
use domain::problem::Satisfaction;
use domain::workflow::Status;
use domain::{CampaignId, Error, Result};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublicSubmission {
    pub body: String,
    pub title: Option<String>,
    /// `consult`, `complaint`, `help`, `suggestion`…
    pub kind: Option<FeedbackKind>,
    pub campaign_id: Option<CampaignId>,
    pub address: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    /// Private: seen only by the units handling the report.
    pub reporter_name: Option<String>,
    pub reporter_contact: Option<String>,
}

/// Given once, on submission: the code to look the report up, and the key to rate it later.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Receipt {
    pub tracking_code: String,
    /// Keep it private: whoever has it may rate the report.
    pub rating_key: String,
}

/// The status a tracked report shows: its problem's once published, the report's own before.
/// The two vocabularies share no name, so the JSON is the bare name either way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(untagged)]
pub enum TrackedStatus {
    Report(ReportStatus),
    Problem(Status),
}

impl TrackedStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            TrackedStatus::Report(s) => s.as_str(),
            TrackedStatus::Problem(s) => s.as_str(),
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            TrackedStatus::Report(s) => s.label_zh(),
            TrackedStatus::Problem(s) => s.label_zh(),
        }
    }
}

/// A status equals its wire name.
impl PartialEq<&str> for TrackedStatus {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TrackingView {
    pub tracking_code: String,
    pub received_at: DateTime<Utc>,
    pub body: String,
    /// The problem's status once it is published; until then the report's own: `received`
    /// (已受理), `handling` (办理中), `handled` (已办结) or `not_accepted` (不予受理).
    pub status: TrackedStatus,
    pub status_label: String,
    /// Once the problem is published.
    pub problem_number: Option<String>,
    /// Once the problem is published.
    pub deadline: Option<NaiveDate>,
    /// The reply, once the problem is published, or closed when the report is one it was made from.
    pub public_reply: Option<String>,
    /// Why the office declined the report (不予受理), when it did.
    pub dismiss_reason: Option<String>,
    /// The reply addressed to this report's sender alone (答复来信人), once written.
    pub reply_to_you: Option<crate::views::ReporterReply>,
    /// Whether the report can be rated now (its problem is closed).
    pub can_rate: bool,
}

/// A published rectification, as the public sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PublicProblem {
    pub number: String,
    pub title: String,
    pub status: Status,
    pub status_label: String,
    pub lead_unit: Option<String>,
    pub category: Option<String>,
    pub deadline: Option<NaiveDate>,
    pub public_reply: Option<String>,
    /// The reply predates a reopening: the problem is being rectified again.
    pub reply_superseded: bool,
    /// 重新整改: a closed problem went back to its unit and is being rectified again.
    pub reopened: bool,
    pub closed_at: Option<DateTime<Utc>>,
}

/// One published rectification as the public reads it (整改公示详情): what the problem was (contacts
/// masked), what was done about it and the answer, with its dates.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PublicProblemDetail {
    #[serde(flatten)]
    pub summary: PublicProblem,
    pub description: String,
    pub received_on: NaiveDate,
    /// The measures taken, in order, with their state.
    pub measures: Vec<PublicMeasure>,
    /// Photos of the rectification the office chose to show (`/portal/evidence/{id}`), before and
    /// after.
    pub photos: Vec<PublicPhoto>,
}

/// A photo on a published problem's public page.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PublicPhoto {
    pub id: domain::EvidenceId,
    /// Whether it shows the problem as found or as rectified.
    pub phase: domain::problem::EvidencePhase,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PublicMeasure {
    pub description: String,
    pub status: domain::problem::MeasureStatus,
    pub deadline: Option<NaiveDate>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PublicProblemPage {
    pub items: Vec<PublicProblem>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RatingInput {
    pub tracking_code: String,
    pub rating_key: String,
    pub solved: bool,
    /// `satisfied`, `basic` or `dissatisfied` (满意/基本满意/不满意).
    pub satisfaction: Satisfaction,
    pub comment: Option<String>,
}

/// Characters in a rating key (评价密钥): short enough to write down from the receipt.
pub const RATING_KEY_CHARS: usize = 8;

impl App {
    /// Takes a report from the public portal, with an optional photo (checked by content; images
    /// only).
    pub async fn public_submit(&self, input: &PublicSubmission, photo: Option<(&str, &[u8])>) -> Result<Receipt> {
        let as_feedback = FeedbackInput {
            campaign_id: input.campaign_id,
            kind: input.kind,
            title: input.title.clone(),
            body: input.body.clone(),
            address: input.address.clone(),
            latitude: input.latitude,
            longitude: input.longitude,
            reporter_name: input.reporter_name.clone(),
            reporter_contact: input.reporter_contact.clone(),
            ..FeedbackInput::new(Channel::Portal, input.body.clone())
        };
        Ok(self.take_public_report(&Actor::Public, as_feedback, photo, None).await?.1)
    }

    /// Takes a report from the public (the portal, or an Open311 client with what Open311 adds to
    /// it): stored, indexed, grouped and audited in one transaction. Received by the campaign's
    /// unit, else by the given unit, else by the root of the unit tree. `actor` is the public, or
    /// the user whose Open311 key the client posted with.
    pub(crate) async fn take_public_report(
        &self,
        actor: &Actor,
        mut as_feedback: FeedbackInput,
        photo: Option<(&str, &[u8])>,
        open311: Option<(domain::CategoryId, &store::open311::RequestExtras)>,
    ) -> Result<(domain::FeedbackId, Receipt)> {
        let photo = photo
            .map(|(name, bytes)| {
                crate::files::check_file(name, bytes, self.settings.max_upload_bytes, crate::files::Accept::Images)
                    .map(|checked| (checked, bytes))
            })
            .transpose()?;
        let now = self.clock.now();
        let unit = {
            let mut pooled = self.db.acquire().await?;
            let mut c = pooled.conn();
            match as_feedback.campaign_id {
                Some(cid) => {
                    store::campaigns::get_campaign(&mut c, cid).await?.map(|c| c.unit_id).ok_or_else(|| {
                        Error::invalid(
                            "campaign_id",
                            format!("专项工作 {cid} 不存在"),
                            format!("campaign {cid} does not exist"),
                        )
                    })?
                }
                None => match as_feedback.unit_id {
                    Some(unit) => unit,
                    None => store::units::list_units(&mut c)
                        .await?
                        .first()
                        .map(|u| u.id)
                        .ok_or_else(|| Error::internal("the install has no units yet"))?,
                },
            }
        };
        as_feedback.unit_id = Some(unit);
        let mut row = parse_input(&as_feedback, unit, now, self.settings.text.max_text_chars)?;
        let rating_key = crate::secrets::new_hand_code(RATING_KEY_CHARS)?;
        row.rating_key_hash = Some(rating_key_hash(&rating_key));
        row.tracking_code = new_tracking_code()?;
        let file = match &photo {
            Some((checked, bytes)) => {
                self.keep_file(&checked.sha256, bytes).await?;
                Some(store::feedback::FeedbackFileRow {
                    id: domain::FeedbackFileId::new(0),
                    feedback_id: domain::FeedbackId::new(0),
                    file_name: checked.file_name.clone(),
                    content_type: checked.content_type.into(),
                    size_bytes: checked.size_bytes,
                    sha256: checked.sha256.clone(),
                    created_at: now,
                })
            }
            None => None,
        };
        let tracking_code = row.tracking_code.to_string();
        let job = crate::intake::ReportJob::new(
            actor.clone(),
            row,
            open311.map(|(category, extras)| (category, extras.clone())),
            file,
        );
        let id = self.write_report(job).await?;
        Ok((id, Receipt { tracking_code, rating_key }))
    }

    /// Looks a tracking code up. The problem's number, status, deadline and reply show only once
    /// the office publishes it, or to a report it was made from (the reply is addressed to its
    /// sender); otherwise the report's own status ([`ReportStatus`]) stands in. Anyone can make a
    /// report that grouping links to a problem, so the code alone tells nothing more.
    pub async fn track(&self, code: &str) -> Result<TrackingView> {
        let code = TrackingCode::parse(code)?;
        let mut pooled = self.db.acquire().await?;
        let mut c = pooled.conn();
        let f = store::feedback::get_feedback_by_code(&mut c, code.as_str())
            .await?
            .ok_or_else(|| Error::not_found("feedback"))?;
        let problem = match f.problem_id {
            Some(pid) => store::problems::get_problem(&mut c, pid).await?,
            None => None,
        };
        let status = problem.as_ref().map(|p| p.status);
        let can_rate = status == Some(Status::Closed) && f.rating_key_hash.is_some();
        let mut view = TrackingView {
            tracking_code: f.tracking_code.to_string(),
            received_at: f.received_at,
            body: f.body.clone(),
            status: TrackedStatus::Report(ReportStatus::of(status)),
            status_label: ReportStatus::of(status).label_zh().to_string(),
            problem_number: None,
            deadline: None,
            public_reply: None,
            dismiss_reason: None,
            reply_to_you: store::feedback::replies_of(&mut c, &[f.id])
                .await?
                .pop()
                .map(|(_, body, at)| crate::views::ReporterReply { body, at }),
            can_rate,
        };
        if let Some((_, reason)) = store::feedback::dismissal(&mut c, f.id).await? {
            view.status = TrackedStatus::Report(ReportStatus::NotAccepted);
            view.status_label = ReportStatus::NotAccepted.label_zh().to_string();
            view.dismiss_reason = Some(reason);
        }
        if let (Some(p), Some(s)) = (&problem, status) {
            let own_report = f.linked_at.is_none_or(|at| at <= p.created_at);
            if p.published {
                view.status = TrackedStatus::Problem(s);
                view.status_label = s.label_zh().to_string();
                view.problem_number = Some(p.number.to_string());
                view.deadline = p.deadline;
            }
            if p.published || (own_report && s == Status::Closed) {
                view.public_reply = p.public_reply.clone();
            }
        }
        Ok(view)
    }

    /// Rates one's own closed report with its private key, once per sign-off. A dissatisfied
    /// rating reopens the problem when the report is one it was made from; from a report linked
    /// later it waits for the office's check (see [`App::public_callback`]).
    pub async fn public_rate(&self, input: &RatingInput) -> Result<TrackingView> {
        let code = TrackingCode::parse(&input.tracking_code)?;
        let satisfaction = input.satisfaction;
        let comment = domain::text::optional_text("comment", input.comment.as_deref(), 2000)?;
        let mut tx = self.db.begin().await?;
        let f = store::feedback::get_feedback_by_code(&mut tx.conn(), code.as_str())
            .await?
            .ok_or_else(|| Error::not_found("feedback"))?;
        let now = self.clock.now();
        let (failures, last) = store::feedback::rating_failures(&mut tx.conn(), f.id).await?;
        if let Some(wait) = domain::throttle::rating_wait(failures, last, now) {
            return Err(Error::RateLimited { retry_after_secs: wait.num_seconds().max(1) as u64 });
        }
        // Keys given before they were short (zgk_…) are read as they were written.
        let typed = input.rating_key.trim();
        let key_ok = f.rating_key_hash.as_deref().is_some_and(|h| {
            h == rating_key_hash(&domain::feedback::read_typed_code(typed)) || h == rating_key_hash(typed)
        });
        if !key_ok {
            drop(tx);
            let mut pooled = self.db.acquire().await?;
            store::feedback::record_rating_failure(&mut pooled.conn(), f.id, now).await?;
            return Err(Error::forbidden("评价密钥不正确", "the rating key is wrong"));
        }
        store::feedback::clear_rating_failures(&mut tx.conn(), f.id).await?;
        let still_open = || {
            Error::conflict(
                "tracking_code",
                "该诉求尚在办理中，办结后才能评价",
                "the report is still being handled; rate it once it is closed",
            )
        };
        let pid = f.problem_id.ok_or_else(still_open)?;
        let problem =
            store::problems::get_problem(&mut tx.conn(), pid).await?.ok_or_else(|| Error::not_found("problem"))?;
        if problem.status != Status::Closed {
            return Err(still_open());
        }
        let rated_already = store::callbacks::list_callbacks(&mut tx.conn(), pid)
            .await?
            .iter()
            .any(|cb| cb.feedback_id == Some(f.id) && problem.closed_at.is_some_and(|closed| cb.at >= closed));
        if rated_already {
            return Err(Error::conflict(
                "tracking_code",
                "您已评价过这次办理结果，问题再次办结后可以重新评价",
                "you have rated this outcome already; you can rate again once the problem is closed again",
            ));
        }
        let rating = crate::transitions::Rating { solved: input.solved, satisfaction, comment };
        self.public_callback(&mut tx.conn(), pid, &f, rating).await?;
        self.commit(tx).await?;
        self.track(code.as_str()).await
    }

    /// One published rectification by its number; 404 for a number not published (nothing is
    /// said of a problem the office has not published).
    pub async fn public_problem(&self, number: &str) -> Result<PublicProblemDetail> {
        let number = domain::problem::ProblemNumber::parse(&number.to_ascii_uppercase())
            .map_err(|_| Error::not_found("problem"))?;
        let mut pooled = self.db.acquire().await?;
        let mut c = pooled.conn();
        let row = store::problems::get_problem_by_number(&mut c, number.as_str())
            .await?
            .filter(|r| r.published)
            .ok_or_else(|| Error::not_found("problem"))?;
        drop(pooled);
        let q = ProblemQuery { q: Some(number.to_string()), ..ProblemQuery::default() };
        let page = self.public_problems_matching(&q).await?;
        let summary =
            page.into_iter().find(|p| p.number == number.as_str()).ok_or_else(|| Error::not_found("problem"))?;
        let mut pooled = self.db.acquire().await?;
        let measures = store::rectification::list_measures(&mut pooled.conn(), row.id)
            .await?
            .into_iter()
            .map(|m| PublicMeasure { description: m.description, status: m.status, deadline: m.deadline })
            .collect();
        let photos = store::rectification::public_evidence(&mut pooled.conn(), row.id)
            .await?
            .into_iter()
            .map(|(id, phase)| PublicPhoto { id, phase })
            .collect();
        Ok(PublicProblemDetail {
            summary,
            photos,
            // What the public reads names no one: contacts in the text are masked.
            description: domain::privacy::mask_contacts(&row.description, &[]).into_owned(),
            received_on: row.received_on,
            measures,
        })
    }

    /// A photo the office chose to show on a published problem's public page; 404 for anything
    /// else (not chosen, not a picture, the problem not published).
    pub async fn public_evidence_file(&self, id: domain::EvidenceId) -> Result<crate::pages_support::StoredFile> {
        let mut pooled = self.db.acquire().await?;
        let row = store::rectification::get_evidence(&mut pooled.conn(), id)
            .await?
            .filter(|e| e.public && e.content_type.starts_with("image/"))
            .ok_or_else(|| Error::not_found("file"))?;
        let published =
            store::problems::get_problem(&mut pooled.conn(), row.problem_id).await?.is_some_and(|p| p.published);
        if !published {
            return Err(Error::not_found("file"));
        }
        Ok(crate::pages_support::StoredFile {
            path: self.file_path(&row.sha256),
            file_name: row.file_name,
            content_type: row.content_type,
        })
    }

    /// Published rectifications (整改公示), newest first.
    pub async fn public_problems(
        &self,
        cursor: Option<String>,
        limit: Option<i64>,
        search: Option<String>,
    ) -> Result<PublicProblemPage> {
        let q = ProblemQuery { cursor, limit, q: search, ..ProblemQuery::default() };
        let page = self.list_problems_with(None, true, &q).await?;
        let next_cursor = page.next_cursor.clone();
        Ok(PublicProblemPage { items: self.public_items(page.items).await?, next_cursor })
    }

    /// The published problems a query finds, as the public reads them.
    async fn public_problems_matching(&self, q: &ProblemQuery) -> Result<Vec<PublicProblem>> {
        let page = self.list_problems_with(None, true, q).await?;
        self.public_items(page.items).await
    }

    /// Published problems as the public reads them.
    async fn public_items(&self, summaries: Vec<crate::views::ProblemSummary>) -> Result<Vec<PublicProblem>> {
        let mut pooled = self.db.acquire().await?;
        let mut c = pooled.conn();
        let mut items = Vec::with_capacity(summaries.len());
        for s in summaries {
            let row = store::problems::get_problem(&mut c, s.id).await?;
            items.push(PublicProblem {
                number: s.number.to_string(),
                title: s.title,
                status: s.status,
                status_label: s.status_label,
                lead_unit: s.lead_unit.map(|u| u.name),
                category: s.category.map(|c| c.name),
                deadline: s.deadline,
                reopened: s.reopened.is_some(),
                reply_superseded: row.as_ref().is_some_and(|r| r.reply_superseded),
                public_reply: row.as_ref().and_then(|r| r.public_reply.clone()),
                closed_at: row.and_then(|r| r.closed_at),
            });
        }
        Ok(items)
    }
}
