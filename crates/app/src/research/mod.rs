//! 调查研究: a campaign's research topics (课题), each led by a leader, with the visits made for it
//! and what each visit found. A finding becomes a feedback item or a problem in one step and keeps
//! the link, so that the topic shows how many findings became problems, how many of those are
//! signed off, and its 成果转化率 (`domain::research`). Topics are the campaign's shared plan: every
//! signed-in user reads them; what a finding became is named and counted only when the reader
//! may see it.

use crate::feedback::FeedbackInput;
use crate::problems::NewProblemInput;
use crate::views::{Named, ProblemRef};
use crate::{Actor, App};
use chrono::NaiveDate;
use domain::access::{Intent, Principal};
use domain::feedback::Channel;
use domain::research::{FindingOutcome, conversion};
use domain::user::Role;
use domain::workflow::Status;
use domain::{CampaignId, Error, FeedbackId, FindingId, ResearchTopicId, Result, UnitId, UserId, VisitId};
use serde::{Deserialize, Serialize};
use store::Conn;
use store::research::{FindingRow, TopicRow, VisitRow};

pub mod export;

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TopicInput {
    pub campaign_id: CampaignId,
    /// The unit that carries it out.
    pub unit_id: UnitId,
    pub title: String,
    pub description: Option<String>,
    /// 牵头领导: a leader of that unit.
    pub lead_leader_id: Option<UserId>,
    /// 课题组成员.
    pub members: Option<String>,
    /// Today when not given.
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    /// Required when editing: the version read.
    pub version: Option<i64>,
}

/// A visit with what it found, written in one go.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VisitInput {
    pub visited_on: NaiveDate,
    pub place: String,
    /// Whom they met.
    pub met: Option<String>,
    pub summary: Option<String>,
    /// Each finding, one problem or matter found.
    #[serde(default)]
    pub findings: Vec<String>,
}

/// What a finding becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConvertTo {
    /// A feedback item in the intake inbox.
    Feedback,
    /// A problem on the campaign's list.
    Problem,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConvertInput {
    pub to: ConvertTo,
    /// The problem's title; the finding's first words when not given.
    pub title: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct FindingView {
    pub id: FindingId,
    pub body: String,
    /// `open`, `feedback` or `problem`, as far as the reader may see.
    pub outcome: &'static str,
    pub feedback_id: Option<FeedbackId>,
    pub problem: Option<ProblemRef>,
    /// On a signed-off problem.
    pub closed: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct VisitView {
    pub id: VisitId,
    pub visited_on: NaiveDate,
    pub place: String,
    pub met: Option<String>,
    pub summary: Option<String>,
    pub findings: Vec<FindingView>,
}

/// What a reader may do with a topic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, utoipa::ToSchema)]
pub struct TopicActions {
    /// Change the topic (the campaign office).
    pub edit: bool,
    /// Record visits and findings (the office, the unit's liaisons and leaders).
    pub record: bool,
    /// Turn findings into feedback items or problems (the office, which runs the list).
    pub convert: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct TopicView {
    pub id: ResearchTopicId,
    pub campaign_id: CampaignId,
    pub unit: Named<UnitId>,
    pub title: String,
    pub description: Option<String>,
    pub lead_leader: Option<Named<UserId>>,
    pub members: Option<String>,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub visits: Vec<VisitView>,
    pub findings: usize,
    /// Findings on a problem.
    pub converted: usize,
    /// Of those, on a signed-off problem.
    pub closed: usize,
    /// 成果转化率: converted / findings.
    pub conversion_rate: Option<f64>,
    pub closed_rate: Option<f64>,
    pub actions: TopicActions,
    pub version: i64,
}

impl App {
    fn topic_actions(
        &self,
        p: &Principal,
        campaign_unit: &domain::unit::UnitPath,
        unit: &domain::unit::UnitPath,
    ) -> TopicActions {
        let edit = p.may_run_list_in(campaign_unit);
        TopicActions {
            edit,
            record: edit || (matches!(p.role, Role::Liaison | Role::Leader) && p.covers(unit)),
            convert: edit,
        }
    }

    async fn topic_view(&self, c: &mut Conn<'_>, p: &Principal, t: TopicRow) -> Result<TopicView> {
        let names = self.names().await?;
        let visits = store::research::visits_of(c, &[t.id]).await?;
        let visit_ids: Vec<VisitId> = visits.iter().map(|v| v.id).collect();
        let findings = store::research::findings_of(c, &visit_ids).await?;
        let mut outcomes = Vec::new();
        let mut views: Vec<VisitView> = Vec::new();
        for v in visits {
            let mut seen = Vec::new();
            for f in findings.iter().filter(|f| f.visit_id == v.id) {
                let view = self.finding_view(c, p, f).await?;
                outcomes.push(match view.outcome {
                    "problem" => FindingOutcome::Problem { closed: view.closed },
                    "feedback" => FindingOutcome::Feedback,
                    _ => FindingOutcome::Open,
                });
                seen.push(view);
            }
            views.push(VisitView {
                id: v.id,
                visited_on: v.visited_on,
                place: v.place,
                met: v.met,
                summary: v.summary,
                findings: seen,
            });
        }
        let figures = conversion(&outcomes);
        let leader = match t.lead_leader_id {
            Some(id) => store::users::get_user(c, id).await?.map(|u| Named { id, name: u.display_name }),
            None => None,
        };
        let campaign =
            store::campaigns::get_campaign(c, t.campaign_id).await?.ok_or_else(|| Error::not_found("campaign"))?;
        let campaign_unit = self.known_unit(campaign.unit_id).await?.unit_path()?;
        let unit = self.known_unit(t.unit_id).await?.unit_path()?;
        Ok(TopicView {
            id: t.id,
            campaign_id: t.campaign_id,
            unit: Named { id: t.unit_id, name: names.unit(t.unit_id) },
            title: t.title,
            description: t.description,
            lead_leader: leader,
            members: t.members,
            starts_on: t.starts_on,
            ends_on: t.ends_on,
            visits: views,
            findings: figures.findings,
            converted: figures.converted,
            closed: figures.closed,
            conversion_rate: figures.rate,
            closed_rate: figures.closed_rate,
            actions: self.topic_actions(p, &campaign_unit, &unit),
            version: t.version,
        })
    }

    /// A finding as `p` sees it: what it became is named only when `p` may see it; a feedback
    /// item since put on a problem counts as that problem.
    async fn finding_view(&self, c: &mut Conn<'_>, p: &Principal, f: &FindingRow) -> Result<FindingView> {
        let via_feedback = match f.feedback_id {
            Some(fid) => match store::feedback::get_feedback(c, fid).await? {
                Some(item) if crate::feedback::feedback_access(c, p, &item).await?.is_some() => Some(item),
                _ => None,
            },
            None => None,
        };
        let problem_id = f.problem_id.or(via_feedback.as_ref().and_then(|x| x.problem_id));
        let problem = match problem_id {
            Some(id) => Self::visible_problem(c, p, id).await?,
            None => None,
        };
        let (outcome, closed) = match (&problem, &via_feedback) {
            (Some((_, row)), _) => ("problem", row.status == Status::Closed),
            (None, Some(_)) => ("feedback", false),
            (None, None) => ("open", false),
        };
        Ok(FindingView {
            id: f.id,
            body: f.body.clone(),
            outcome,
            feedback_id: via_feedback.map(|x| x.id),
            problem: problem.map(|(r, _)| r),
            closed,
        })
    }

    /// The topics of a campaign, or of every campaign.
    pub async fn list_topics(&self, actor: &Actor, campaign: Option<CampaignId>) -> Result<Vec<TopicView>> {
        let p = actor.user_for(Intent::Read)?.clone();
        if let Some(id) = campaign {
            self.get_campaign(actor, id).await?;
        }
        let mut pooled = self.db.acquire().await?;
        let mut c = pooled.conn();
        let mut out = Vec::new();
        for t in store::research::topics(&mut c, campaign).await? {
            out.push(self.topic_view(&mut c, &p, t).await?);
        }
        Ok(out)
    }

    pub async fn get_topic(&self, actor: &Actor, id: ResearchTopicId) -> Result<TopicView> {
        let p = actor.user_for(Intent::Read)?.clone();
        let mut pooled = self.db.acquire().await?;
        let mut c = pooled.conn();
        let t = store::research::get_topic(&mut c, id).await?.ok_or_else(|| Error::not_found("research_topic"))?;
        self.topic_view(&mut c, &p, t).await
    }

    async fn topic_row(&self, c: &mut Conn<'_>, input: &TopicInput, id: ResearchTopicId) -> Result<TopicRow> {
        let title = domain::text::title("title", &input.title)?;
        let description = domain::text::optional_text(
            "description",
            input.description.as_deref(),
            self.settings.text.max_text_chars,
        )?;
        let members = domain::text::optional_text("members", input.members.as_deref(), 500)?;
        self.known_unit(input.unit_id).await?;
        if let Some(leader) = input.lead_leader_id {
            self.check_responsible_leader(c, leader, Some(input.unit_id)).await.map_err(|e| match e {
                Error::Invalid { code, msg, .. } => Error::Invalid { code, field: "lead_leader_id".into(), msg },
                other => other,
            })?;
        }
        let starts_on = input.starts_on.unwrap_or(self.clock.today());
        if let Some(end) = input.ends_on.filter(|e| *e < starts_on) {
            return Err(Error::invalid(
                "ends_on",
                format!("结束日期 {end} 早于开始日期 {starts_on}"),
                format!("the end {end} is before the start {starts_on}"),
            ));
        }
        let now = self.clock.now();
        Ok(TopicRow {
            id,
            campaign_id: input.campaign_id,
            unit_id: input.unit_id,
            title,
            description,
            lead_leader_id: input.lead_leader_id,
            members,
            starts_on,
            ends_on: input.ends_on,
            created_at: now,
            updated_at: now,
            version: input.version.unwrap_or(0),
        })
    }

    /// Sets a research topic (the campaign office).
    pub async fn create_topic(&self, actor: &Actor, input: &TopicInput) -> Result<TopicView> {
        let mut tx = self.db.begin().await?;
        let p = self.planner(&mut tx.conn(), actor, input.campaign_id).await?;
        let row = self.topic_row(&mut tx.conn(), input, ResearchTopicId::new(0)).await?;
        let row = store::research::insert_topic(&mut tx.conn(), &row).await?;
        crate::audit::Entry::new(actor, "research.topic.create", "research_topic", Some(row.id.get()))
            .after(&row)?
            .record(&mut tx.conn(), self.clock.now())
            .await?;
        let view = self.topic_view(&mut tx.conn(), &p, row).await?;
        self.commit(tx).await?;
        Ok(view)
    }

    pub async fn update_topic(&self, actor: &Actor, id: ResearchTopicId, input: &TopicInput) -> Result<TopicView> {
        let version = input.version.ok_or_else(Error::version_required)?;
        let mut tx = self.db.begin().await?;
        let before =
            store::research::get_topic(&mut tx.conn(), id).await?.ok_or_else(|| Error::not_found("research_topic"))?;
        let p = self.planner(&mut tx.conn(), actor, before.campaign_id).await?;
        if input.campaign_id != before.campaign_id {
            return Err(Error::invalid(
                "campaign_id",
                "课题不能移到另一个专项工作",
                "a topic cannot move to another campaign",
            ));
        }
        let mut row = self.topic_row(&mut tx.conn(), input, id).await?;
        row.created_at = before.created_at;
        row.version = version;
        row.version = store::research::update_topic(&mut tx.conn(), &row).await?;
        crate::audit::Entry::new(actor, "research.topic.update", "research_topic", Some(id.get()))
            .before(&before)?
            .after(&row)?
            .record(&mut tx.conn(), self.clock.now())
            .await?;
        let view = self.topic_view(&mut tx.conn(), &p, row).await?;
        self.commit(tx).await?;
        Ok(view)
    }

    /// The topic, checked that `actor` records its visits.
    async fn recorder(&self, c: &mut Conn<'_>, actor: &Actor, topic: ResearchTopicId) -> Result<(TopicRow, Principal)> {
        let p = actor.user_for(Intent::Write)?.clone();
        let t = store::research::get_topic(c, topic).await?.ok_or_else(|| Error::not_found("research_topic"))?;
        let campaign =
            store::campaigns::get_campaign(c, t.campaign_id).await?.ok_or_else(|| Error::not_found("campaign"))?;
        let campaign_unit = self.known_unit(campaign.unit_id).await?.unit_path()?;
        let unit = self.known_unit(t.unit_id).await?.unit_path()?;
        if !self.topic_actions(&p, &campaign_unit, &unit).record {
            return Err(Error::forbidden(
                "只有专班办公室和承担课题的单位可以记录调研",
                "only the campaign office and the unit carrying the topic out may record its research",
            ));
        }
        Ok((t, p))
    }

    /// Records a visit and what it found.
    pub async fn add_visit(&self, actor: &Actor, topic: ResearchTopicId, input: &VisitInput) -> Result<TopicView> {
        let place = domain::text::title("place", &input.place)?;
        let met = domain::text::optional_text("met", input.met.as_deref(), 500)?;
        let summary =
            domain::text::optional_text("summary", input.summary.as_deref(), self.settings.text.max_text_chars)?;
        let today = self.clock.today();
        if input.visited_on > today {
            return Err(Error::invalid(
                "visited_on",
                format!("走访日期 {} 在未来（今天是 {today}）", input.visited_on),
                format!("{} is in the future (today is {today})", input.visited_on),
            ));
        }
        let mut findings = Vec::new();
        for (i, f) in input.findings.iter().enumerate() {
            if let Some(text) =
                domain::text::optional_text(&format!("findings[{i}]"), Some(f), self.settings.text.max_text_chars)?
            {
                findings.push(text);
            }
        }
        let mut tx = self.db.begin().await?;
        let (t, p) = self.recorder(&mut tx.conn(), actor, topic).await?;
        let now = self.clock.now();
        let row = VisitRow {
            id: VisitId::new(0),
            topic_id: topic,
            visited_on: input.visited_on,
            place,
            met,
            summary,
            created_at: now,
        };
        let visit = store::research::insert_visit(&mut tx.conn(), &row).await?;
        let mut made = Vec::new();
        for body in &findings {
            made.push(store::research::insert_finding(&mut tx.conn(), visit.id, body, now).await?);
        }
        crate::audit::Entry::new(actor, "research.visit.create", "research_topic", Some(topic.get()))
            .after(&serde_json::json!({ "visit": visit, "findings": made }))?
            .record(&mut tx.conn(), now)
            .await?;
        let view = self.topic_view(&mut tx.conn(), &p, t).await?;
        self.commit(tx).await?;
        Ok(view)
    }

    /// Turns a finding into a feedback item or a problem, in one step, keeping the link. A
    /// finding already turned is refused.
    pub async fn convert_finding(&self, actor: &Actor, id: FindingId, input: &ConvertInput) -> Result<TopicView> {
        let (finding, visit, topic) = {
            let mut pooled = self.db.acquire().await?;
            let mut c = pooled.conn();
            let f = store::research::get_finding(&mut c, id).await?.ok_or_else(|| Error::not_found("finding"))?;
            let v = store::research::get_visit(&mut c, f.visit_id).await?.ok_or_else(|| Error::not_found("visit"))?;
            self.recorder(&mut c, actor, v.topic_id).await?;
            let t = store::research::get_topic(&mut c, v.topic_id)
                .await?
                .ok_or_else(|| Error::not_found("research_topic"))?;
            (f, v, t)
        };
        if finding.feedback_id.is_some() || finding.problem_id.is_some() {
            return Err(Error::conflict(
                "finding",
                "这条调研发现已经转出",
                "this finding has already been turned into a record",
            ));
        }
        // The finding's own words only: a shared note of the topic and visit would make the
        // findings of one visit look alike to the text engine. The link keeps where it came from.
        let body = finding.body.clone();
        let (feedback, problem) = match input.to {
            ConvertTo::Feedback => {
                let item = FeedbackInput {
                    campaign_id: Some(topic.campaign_id),
                    unit_id: Some(topic.unit_id),
                    title: input.title.clone(),
                    address: Some(visit.place.clone()),
                    ..FeedbackInput::new(Channel::Research, body)
                };
                (Some(self.create_feedback(actor, &item).await?.0.id), None)
            }
            ConvertTo::Problem => {
                let title = match input.title.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
                    Some(t) => t.to_string(),
                    None => text::title::short_title(&finding.body, 30),
                };
                let problem = NewProblemInput::new(topic.campaign_id, &title, &body, Channel::Research);
                (None, Some(self.insert_problem(actor, &problem).await?))
            }
        };
        let mut tx = self.db.begin().await?;
        store::research::link_finding(&mut tx.conn(), id, feedback, problem).await?;
        crate::audit::Entry::new(actor, "research.finding.convert", "research_topic", Some(topic.id.get()))
            .after(&serde_json::json!({ "finding_id": id, "feedback_id": feedback, "problem_id": problem }))?
            .record(&mut tx.conn(), self.clock.now())
            .await?;
        self.commit(tx).await?;
        self.get_topic(actor, topic.id).await
    }
}
