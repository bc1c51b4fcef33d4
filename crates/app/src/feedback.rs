//! Intake (受理): feedback from every channel comes in here, by hand, by batch import (idempotent by
//! source and source key) or from the public portal; it is read by the units handling it and
//! linked to the problem it belongs to.

use crate::secrets::{random_bytes, sha256_hex};
use crate::views::{FeedbackPage, FeedbackView, Named};
use crate::{Actor, App};
use chrono::{DateTime, Utc};
use domain::access::{self, Intent};
use domain::feedback::{Channel, FeedbackKind, SourceKey, TrackingCode};
use domain::unit::UnitPath;
use domain::{CampaignId, Error, FeedbackId, ProblemId, Result, UnitId};
use serde::Deserialize;
use store::Conn;
use store::feedback::{FeedbackFilter, FeedbackRow};

/// One feedback item as staff or an integration sends it.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FeedbackInput {
    pub campaign_id: Option<CampaignId>,
    /// The unit receiving it; default the sender's own unit.
    pub unit_id: Option<UnitId>,
    pub channel: Channel,
    /// Default `complaint`.
    pub kind: Option<FeedbackKind>,
    pub title: Option<String>,
    pub body: String,
    /// When it was reported; default now.
    pub received_at: Option<DateTime<Utc>>,
    pub reporter_name: Option<String>,
    pub reporter_contact: Option<String>,
    pub address: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub likes: Option<i64>,
    pub dislikes: Option<i64>,
    /// The system it came from (e.g. `12345`), with `source_key`: importing the same pair twice
    /// gives one feedback.
    pub source: Option<String>,
    pub source_key: Option<String>,
}

impl FeedbackInput {
    /// An item with only what every item needs: the channel it came by and what it says.
    pub fn new(channel: Channel, body: impl Into<String>) -> Self {
        Self {
            campaign_id: None,
            unit_id: None,
            channel,
            kind: None,
            title: None,
            body: body.into(),
            received_at: None,
            reporter_name: None,
            reporter_contact: None,
            address: None,
            latitude: None,
            longitude: None,
            likes: None,
            dislikes: None,
            source: None,
            source_key: None,
        }
    }
}

/// The outcome of a batch import.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct ImportReport {
    pub created: usize,
    /// Items whose source and key were already imported.
    pub existing: usize,
    /// The feedback id of each item, in the order sent.
    pub ids: Vec<i64>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct FeedbackQuery {
    pub unit_id: Option<UnitId>,
    pub channel: Option<Channel>,
    pub kind: Option<FeedbackKind>,
    pub campaign_id: Option<CampaignId>,
    pub problem_id: Option<ProblemId>,
    /// `false`: only feedback not yet on the list (the intake inbox).
    pub linked: Option<bool>,
    /// `false`: only feedback not declined (不予受理); `true`: only declined.
    pub dismissed: Option<bool>,
    /// Words to search for in the title and text (full-text, segmented).
    pub q: Option<String>,
    /// `-created` (default, newest first), `relevance` (with `q`: best match first, one page) or
    /// `heat` (without `q`: the hottest of the newest 2,000 first, one page).
    pub sort: Option<String>,
    pub cursor: Option<String>,
    /// 1–200, default 50.
    pub limit: Option<i64>,
}

/// Text of a report with its reporter's name and contact, and any phone-like number, masked: how
/// a reader who may not see the reporter reads it (see [`domain::privacy`]).
pub(crate) fn masked(f: &FeedbackRow, text: &str) -> String {
    let known: Vec<&str> = [f.reporter_name.as_deref(), f.reporter_contact.as_deref()].into_iter().flatten().collect();
    domain::privacy::mask_contacts(text, &known).into_owned()
}

/// The view of a feedback row as `seen`: the reporter's name and contact only when the reader may
/// see them (the text masked otherwise), the linked problem only when the reader may see it.
pub(crate) fn view(f: &FeedbackRow, seen: FeedbackAccess) -> FeedbackView {
    let FeedbackAccess { unit, see_reporter, see_problem } = seen;
    let text = |t: &str| if see_reporter { t.to_string() } else { masked(f, t) };
    FeedbackView {
        id: f.id,
        tracking_code: f.tracking_code.clone(),
        campaign_id: f.campaign_id,
        unit,
        channel: f.channel,
        channel_label: Channel::parse(f.channel.as_str()).map(|c| c.label_zh().to_string()).unwrap_or_default(),
        kind: f.kind,
        title: f.title.as_deref().map(text),
        body: text(&f.body),
        received_at: f.received_at,
        reporter_name: if see_reporter { f.reporter_name.clone() } else { None },
        reporter_contact: if see_reporter { f.reporter_contact.clone() } else { None },
        address: f.address.clone(),
        latitude: f.latitude,
        longitude: f.longitude,
        likes: f.likes,
        dislikes: f.dislikes,
        source: f.source.clone(),
        source_key: f.source_key.clone(),
        problem_id: f.problem_id.filter(|_| see_problem),
        files: vec![],
        reply: None,
    }
}

/// Fills in the files that came with each feedback item shown and the reply sent to its sender
/// (one query for each).
pub(crate) async fn with_files_and_replies(c: &mut Conn<'_>, items: &mut [FeedbackView]) -> Result<()> {
    let ids: Vec<FeedbackId> = items.iter().map(|f| f.id).collect();
    for file in store::feedback::list_files_of(c, &ids).await? {
        if let Some(item) = items.iter_mut().find(|f| f.id == file.feedback_id) {
            item.files.push(crate::views::FeedbackFileView::from_row(&file));
        }
    }
    for (id, body, at) in store::feedback::replies_of(c, &ids).await? {
        if let Some(item) = items.iter_mut().find(|f| f.id == id) {
            item.reply = Some(crate::views::ReporterReply { body, at });
        }
    }
    Ok(())
}

/// A feedback item as the audit chain keeps it: without its reporter.
fn audited(f: &FeedbackRow, unit_name: &str) -> FeedbackView {
    view(
        f,
        FeedbackAccess {
            unit: Named { id: f.unit_id, name: unit_name.to_string() },
            see_reporter: false,
            see_problem: true,
        },
    )
}

/// A fresh tracking code.
pub(crate) fn new_tracking_code() -> Result<TrackingCode> {
    Ok(TrackingCode::from_random(random_bytes::<12>()?))
}

/// Checks one input and builds the row to insert (without the tracking code's uniqueness, which
/// the database enforces).
pub(crate) fn parse_input(input: &FeedbackInput, unit: UnitId, now: DateTime<Utc>, max: usize) -> Result<FeedbackRow> {
    let channel = input.channel;
    let kind = input.kind.unwrap_or(FeedbackKind::Complaint);
    let body = domain::text::required_text("body", &input.body, max)?;
    let title = match &input.title {
        Some(t) if !t.trim().is_empty() => Some(domain::text::title("title", t)?),
        _ => None,
    };
    let received_at = input.received_at.unwrap_or(now);
    if received_at > now + chrono::Duration::minutes(5) {
        return Err(Error::invalid(
            "received_at",
            format!("时间 {received_at} 在未来"),
            format!("{received_at} is in the future"),
        ));
    }
    let source = match (&input.source, &input.source_key) {
        (Some(s), Some(k)) => Some(SourceKey::parse(s, k)?),
        (None, None) => None,
        _ => {
            return Err(Error::invalid(
                "source_key",
                "source 与 source_key 须同时填写",
                "source and source_key go together: give both or neither",
            ));
        }
    };
    for (field, v) in [("latitude", input.latitude), ("longitude", input.longitude)] {
        let limit = if field == "latitude" { 90.0 } else { 180.0 };
        if v.is_some_and(|x| !x.is_finite() || x.abs() > limit) {
            return Err(Error::invalid(field, "坐标超出范围", format!("{field} is out of range")));
        }
    }
    for (field, v) in [("likes", input.likes), ("dislikes", input.dislikes)] {
        if v.is_some_and(|x| x < 0) {
            return Err(Error::invalid(field, "不能为负数", "must not be negative"));
        }
    }
    Ok(FeedbackRow {
        id: domain::FeedbackId::new(0),
        campaign_id: input.campaign_id,
        unit_id: unit,
        channel,
        kind,
        title,
        body,
        received_at,
        reporter_name: domain::text::optional_text("reporter_name", input.reporter_name.as_deref(), 100)?,
        reporter_contact: domain::text::optional_text("reporter_contact", input.reporter_contact.as_deref(), 200)?,
        address: domain::text::optional_text("address", input.address.as_deref(), 500)?,
        latitude: input.latitude,
        longitude: input.longitude,
        likes: input.likes.unwrap_or(0),
        dislikes: input.dislikes.unwrap_or(0),
        source: source.as_ref().map(|s| s.source.clone()),
        source_key: source.map(|s| s.key),
        tracking_code: new_tracking_code()?,
        rating_key_hash: None,
        problem_id: None,
        linked_at: None,
        created_by: None,
        created_at: now,
        updated_at: now,
    })
}

impl App {
    /// Takes in one feedback item. Returns it and whether it was new (false when its source and
    /// key were imported before).
    pub async fn create_feedback(&self, actor: &Actor, input: &FeedbackInput) -> Result<(FeedbackView, bool)> {
        let report = self.import_feedback(actor, std::slice::from_ref(input)).await?;
        let id = domain::FeedbackId::new(report.ids.first().copied().unwrap_or_default());
        Ok((self.get_feedback(actor, id).await?, report.created == 1))
    }

    /// Takes in a batch, all or nothing: a bad item stops the batch and names its index.
    pub async fn import_feedback(&self, actor: &Actor, items: &[FeedbackInput]) -> Result<ImportReport> {
        let p = actor.user_for(Intent::Intake)?.clone();
        if items.is_empty() || items.len() > 10_000 {
            return Err(Error::invalid("items", "每批须有1–10000条", "a batch has 1–10000 items"));
        }
        let now = self.clock.now();
        let max = self.settings.text.max_text_chars;
        let mut tx = self.db.begin().await?;
        let mut report = ImportReport { created: 0, existing: 0, ids: Vec::with_capacity(items.len()) };
        // The items taken, with their unit's name for the audit record; grouped together at the end.
        let mut created: Vec<(FeedbackRow, String)> = Vec::new();
        for (i, input) in items.iter().enumerate() {
            let at = |e: Error| {
                if items.len() == 1 { e } else { item_error(i, e) }
            };
            let unit = input.unit_id.unwrap_or(p.unit_id);
            let unit_row = store::units::get_unit(&mut tx.conn(), unit)
                .await?
                .ok_or_else(|| at(crate::units::unknown_unit_id(unit)))?;
            if !p.is_admin() && p.role != domain::user::Role::Office {
                return Err(Error::forbidden(
                    "只有专班办公室可以受理诉求",
                    "only the campaign office takes in feedback",
                ));
            }
            if !p.covers(&unit_row.unit_path()?) {
                return Err(at(crate::units::unknown_unit_id(unit)));
            }
            if let Some(cid) = input.campaign_id {
                store::campaigns::get_campaign(&mut tx.conn(), cid).await?.ok_or_else(|| {
                    at(Error::invalid_with_code(
                        domain::Code::UnknownCampaign,
                        "campaign_id",
                        format!("专项工作 {cid} 不存在"),
                        format!("campaign {cid} does not exist"),
                    ))
                })?;
            }
            let mut row = parse_input(input, unit, now, max).map_err(at)?;
            row.created_by = Some(p.user_id);
            if let (Some(s), Some(k)) = (&row.source, &row.source_key)
                && let Some(existing) = store::feedback::find_feedback_by_source(&mut tx.conn(), s, k).await?
            {
                report.existing += 1;
                report.ids.push(existing.id.get());
                continue;
            }
            let terms = crate::search::feedback_terms(row.title.as_deref(), &row.body);
            let id = store::feedback::insert_feedback(&mut tx.conn(), &row, &terms).await?;
            row.id = domain::FeedbackId::new(id.get());
            created.push((row, unit_row.name));
            report.created += 1;
            report.ids.push(id.get());
        }
        let prints: Vec<text::group::Fingerprint> =
            created.iter().map(|(row, _)| crate::grouping::report_print(row.title.as_deref(), &row.body)).collect();
        let reports: Vec<crate::grouping::NewReport<'_>> =
            created.iter().zip(&prints).map(|((row, _), print)| crate::grouping::NewReport { row, print }).collect();
        let outcomes = self.group_reports(&mut tx.conn(), &reports, now).await?;
        let mut audit = crate::audit::Staged::default();
        for ((row, unit_name), outcome) in created.iter().zip(&outcomes) {
            outcome.audit(actor, row.id, &mut audit)?;
            crate::audit::Entry::new(actor, "feedback.create", "feedback", Some(row.id.get()))
                .after(&audited(row, unit_name))?
                .stage(&mut audit);
        }
        audit.record(&mut tx.conn(), now).await?;
        self.commit(tx).await?;
        Ok(report)
    }

    pub async fn get_feedback(&self, actor: &Actor, id: FeedbackId) -> Result<FeedbackView> {
        let p = actor.user_for(Intent::Read)?.clone();
        let mut pooled = self.db.acquire().await?;
        let mut c = pooled.conn();
        let f = store::feedback::get_feedback(&mut c, id).await?.ok_or_else(|| Error::not_found("feedback"))?;
        let seen = feedback_access(&mut c, &p, &f).await?.ok_or_else(|| Error::not_found("feedback"))?;
        let mut items = [view(&f, seen)];
        with_files_and_replies(&mut c, &mut items).await?;
        let [item] = items;
        Ok(item)
    }

    pub async fn list_feedback(&self, actor: &Actor, q: &FeedbackQuery) -> Result<FeedbackPage> {
        let p = actor.user_for(Intent::Read)?.clone();
        let limit = q.limit.unwrap_or(50);
        if !(1..=200).contains(&limit) {
            return Err(Error::invalid("limit", "每页条数须为1–200", "limit must be 1–200"));
        }
        let before_id = match &q.cursor {
            Some(cur) => Some(cur.trim().parse::<i64>().map_err(|_| {
                Error::invalid(
                    "cursor",
                    "翻页游标无效，请从第一页重新开始",
                    "the cursor is invalid; start again from the first page",
                )
            })?),
            None => None,
        };
        let query = crate::search::Query::parse(q.q.as_deref())?;
        if query.finds_nothing {
            return Ok(FeedbackPage { items: vec![], next_cursor: None });
        }
        let words = query.words;
        let (by_relevance, by_heat) = match q.sort.as_deref().map(str::trim) {
            None | Some("-created") => (false, false),
            Some("relevance") if words.is_some() => (true, false),
            Some("relevance") => {
                return Err(Error::invalid("sort", "按相关度排序需要检索词 q", "sort=relevance needs words in q"));
            }
            Some("heat") if words.is_none() => (false, true),
            Some("heat") => {
                return Err(Error::invalid(
                    "sort",
                    "按热度排序时不能同时检索，请清空检索词",
                    "sort=heat cannot be combined with q",
                ));
            }
            Some(other) => {
                return Err(Error::invalid(
                    "sort",
                    format!("未知排序“{other}”（可选：-created、relevance、heat）"),
                    format!("unknown sort \"{other}\" (known: -created, relevance, heat)"),
                ));
            }
        };
        let mut pooled = self.db.acquire().await?;
        let mut c = pooled.conn();
        // Filtering by a problem names it: only one the caller may see.
        if let Some(pid) = q.problem_id {
            crate::problems::load_visible(&mut c, actor, pid).await?;
        }
        let unit_path = match q.unit_id {
            Some(uid) => {
                Some(store::units::get_unit(&mut c, uid).await?.ok_or_else(|| crate::units::unknown_unit_id(uid))?.path)
            }
            None => None,
        };
        let filter = FeedbackFilter {
            visible_prefix: if p.is_admin() { None } else { Some(p.unit_path.as_str().to_string()) },
            unit_path,
            channel: q.channel,
            kind: q.kind,
            campaign_id: q.campaign_id,
            problem_id: q.problem_id,
            linked: q.linked,
            dismissed: q.dismissed,
            words,
            by_relevance,
            by_heat,
            before_id: before_id.map(domain::FeedbackId::new),
            limit,
        };
        let (rows, more) = store::feedback::list_feedback(&mut c, &filter).await?;
        let mut items = Vec::with_capacity(rows.len());
        for f in &rows {
            if let Some(seen) = feedback_access(&mut c, &p, f).await? {
                items.push(view(f, seen));
            }
        }
        with_files_and_replies(&mut c, &mut items).await?;
        let next_cursor = if more && !by_relevance && !by_heat { rows.last().map(|r| r.id.to_string()) } else { None };
        Ok(FeedbackPage { items, next_cursor })
    }

    /// Links feedback to a problem (or unlinks it with `None`): the office's intake decision.
    pub async fn link_feedback(
        &self,
        actor: &Actor,
        id: FeedbackId,
        problem: Option<ProblemId>,
    ) -> Result<FeedbackView> {
        let p = actor.user_for(Intent::Write)?.clone();
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        let refused =
            Error::forbidden("只有专班办公室可以分派诉求", "only the campaign office links feedback to problems");
        let (before, unit) = intake_decision(&mut tx.conn(), &p, id, refused).await?;
        if let Some(pid) = problem {
            let (target, _) = crate::problems::load_visible(&mut tx.conn(), actor, pid).await.map_err(|_| {
                Error::invalid("problem_id", format!("问题 {pid} 不存在"), format!("problem {pid} does not exist"))
            })?;
            if !target.row.status.is_open() {
                return Err(Error::conflict(
                    "problem_id",
                    format!("问题 {} 已办结，不能再关联诉求", target.row.number),
                    format!("problem {} is no longer open", target.row.number),
                ));
            }
        }
        store::feedback::link_feedback(&mut tx.conn(), id, problem, now).await?;
        let after =
            store::feedback::get_feedback(&mut tx.conn(), id).await?.ok_or_else(|| Error::not_found("feedback"))?;
        let strip = |f: &FeedbackRow| audited(f, &unit.name);
        crate::audit::Entry::new(actor, "feedback.link", "feedback", Some(id.get()))
            .before(&strip(&before))?
            .after(&strip(&after))?
            .record(&mut tx.conn(), now)
            .await?;
        self.commit(tx).await?;
        self.get_feedback(actor, id).await
    }
}

impl App {
    /// The heat (热度) of reports the caller was shown (itself, the reports like it, net votes), as
    /// `sort=heat` ranks them.
    pub async fn feedback_heat(&self, shown: &[FeedbackView]) -> Result<std::collections::HashMap<FeedbackId, i64>> {
        let ids: Vec<FeedbackId> = shown.iter().map(|f| f.id).collect();
        let mut pooled = self.db.acquire().await?;
        Ok(store::feedback::heat_of(&mut pooled.conn(), &ids).await?.into_iter().collect())
    }

    /// 不予受理: the office declines a report that is not on the list, with a reason its sender
    /// reads on the tracking page. It leaves the inbox; the record and its reason are kept.
    pub async fn dismiss_feedback(&self, actor: &Actor, id: FeedbackId, reason: &str) -> Result<FeedbackView> {
        let p = actor.user_for(Intent::Write)?.clone();
        let reason = domain::text::required_text("reason", reason, 500)?;
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        let refused = Error::forbidden("只有专班办公室可以决定不予受理", "only the campaign office declines feedback");
        let (before, unit) = intake_decision(&mut tx.conn(), &p, id, refused).await?;
        if !store::feedback::dismiss_feedback(&mut tx.conn(), id, &reason, now).await? {
            return Err(Error::conflict(
                "feedback_id",
                "该诉求已立为问题或已不予受理",
                "the report is on the list already, or was declined already",
            ));
        }
        crate::audit::Entry::new(actor, "feedback.dismiss", "feedback", Some(id.get()))
            .before(&audited(&before, &unit.name))?
            .after(&serde_json::json!({ "dismiss_reason": reason }))?
            .record(&mut tx.conn(), now)
            .await?;
        self.commit(tx).await?;
        self.get_feedback(actor, id).await
    }
}

impl App {
    /// Writes the reply addressed to one report's sender (答复来信人), replacing an earlier one:
    /// whoever may add records to the report's problem writes it, and only that sender reads it,
    /// on their tracking page.
    pub async fn reply_to_report(&self, actor: &Actor, id: FeedbackId, reply: &str) -> Result<FeedbackView> {
        let reply = domain::text::required_text("reply", reply, self.settings.text.max_text_chars)?;
        let now = self.clock.now();
        let f = {
            let mut pooled = self.db.acquire().await?;
            store::feedback::get_feedback(&mut pooled.conn(), id).await?.ok_or_else(|| Error::not_found("feedback"))?
        };
        // Seen first, so that a report the actor may not see is 404 whatever its state.
        self.get_feedback(actor, id).await?;
        let Some(problem) = f.problem_id else {
            return Err(Error::conflict(
                "feedback_id",
                "该诉求尚未立为问题，请先立为问题或不予受理并说明理由",
                "the report is not on the list yet: put it on the list, or decline it with a reason",
            ));
        };
        let mut tx = self.db.begin().await?;
        self.editable(&mut tx.conn(), actor, problem).await?;
        store::feedback::set_reply(&mut tx.conn(), id, &reply, now).await?;
        crate::audit::Entry::new(actor, "feedback.reply", "problem", Some(problem.get()))
            .after(&serde_json::json!({ "feedback_id": id, "reply": reply }))?
            .record(&mut tx.conn(), now)
            .await?;
        self.commit(tx).await?;
        self.get_feedback(actor, id).await
    }
}

/// A report the office decides on at intake (links it, declines it): the report and its unit,
/// 404 when the reader may not see it, `refused` when they may see it but not decide.
async fn intake_decision(
    c: &mut Conn<'_>,
    p: &domain::access::Principal,
    id: FeedbackId,
    refused: Error,
) -> Result<(FeedbackRow, store::units::UnitRow)> {
    let report = store::feedback::get_feedback(c, id).await?.ok_or_else(|| Error::not_found("feedback"))?;
    if feedback_access(c, p, &report).await?.is_none() {
        return Err(Error::not_found("feedback"));
    };
    let unit = store::units::get_unit(c, report.unit_id).await?.ok_or_else(|| Error::not_found("unit"))?;
    if !p.may_run_list_in(&unit.unit_path()?) {
        return Err(refused);
    }
    Ok((report, unit))
}

fn item_error(i: usize, e: Error) -> Error {
    let m = e.message();
    Error::invalid(format!("items[{i}]"), m.zh, m.en)
}

/// What a reader may see of one feedback item.
pub(crate) struct FeedbackAccess {
    pub unit: Named<domain::UnitId>,
    /// The reporter's name and contact, and the text unmasked.
    pub see_reporter: bool,
    /// The problem it is linked to (its id is withheld otherwise).
    pub see_problem: bool,
}

/// Whether `p` may see the feedback, and if so how much. Visible to the receiving unit's subtree
/// and to those who may see the linked problem.
pub(crate) async fn feedback_access(
    c: &mut Conn<'_>,
    p: &domain::access::Principal,
    f: &FeedbackRow,
) -> Result<Option<FeedbackAccess>> {
    let unit = store::units::get_unit(c, f.unit_id).await?.ok_or_else(|| Error::not_found("unit"))?;
    let unit_path = UnitPath::parse(&unit.path)?;
    let place = match f.problem_id {
        Some(pid) => Some(crate::problems::load(c, pid).await?.place),
        None => None,
    };
    let see_problem = place.as_ref().is_some_and(|pl| access::may_read(p, pl));
    if !p.covers(&unit_path) && !see_problem {
        return Ok(None);
    }
    Ok(Some(FeedbackAccess {
        unit: Named { id: unit.id, name: unit.name },
        see_reporter: access::may_see_reporter(p, &unit_path, place.as_ref()),
        see_problem,
    }))
}

/// Hash of a rating key, as stored.
pub(crate) fn rating_key_hash(key: &str) -> String {
    sha256_hex(key.as_bytes())
}
