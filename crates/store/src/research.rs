//! 调查研究 as stored: topics, their visits and what each visit found, with the feedback item or
//! problem each finding became.

use crate::{Conn, Result, db_err, id_list};
use chrono::{DateTime, NaiveDate, Utc};
use domain::{CampaignId, FeedbackId, FindingId, ProblemId, ResearchTopicId, UnitId, UserId, VisitId};

#[derive(Debug, Clone, PartialEq, sqlx::FromRow, serde::Serialize)]
pub struct TopicRow {
    pub id: ResearchTopicId,
    pub campaign_id: CampaignId,
    /// The unit that carries the research out.
    pub unit_id: UnitId,
    pub title: String,
    pub description: Option<String>,
    pub lead_leader_id: Option<UserId>,
    /// 课题组成员, as the office writes them.
    pub members: Option<String>,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

const TOPIC_COLUMNS: &str = "id, campaign_id, unit_id, title, description, lead_leader_id, members, starts_on, ends_on, created_at, updated_at, version";

#[derive(Debug, Clone, PartialEq, sqlx::FromRow, serde::Serialize)]
pub struct VisitRow {
    pub id: VisitId,
    pub topic_id: ResearchTopicId,
    pub visited_on: NaiveDate,
    pub place: String,
    /// 座谈走访对象: whom they met.
    pub met: Option<String>,
    pub summary: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow, serde::Serialize)]
pub struct FindingRow {
    pub id: FindingId,
    pub visit_id: VisitId,
    pub body: String,
    pub feedback_id: Option<FeedbackId>,
    pub problem_id: Option<ProblemId>,
    pub created_at: DateTime<Utc>,
}

pub async fn insert_topic(c: &mut Conn<'_>, t: &TopicRow) -> Result<TopicRow> {
    let sql = format!(
        "insert into research_topics (campaign_id, unit_id, title, description, lead_leader_id, members, starts_on, \
         ends_on, created_at, updated_at, version) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, 1) returning {TOPIC_COLUMNS}"
    );
    with_conn!(c, |c| {
        sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
            .bind(t.campaign_id)
            .bind(t.unit_id)
            .bind(&t.title)
            .bind(&t.description)
            .bind(t.lead_leader_id)
            .bind(&t.members)
            .bind(t.starts_on)
            .bind(t.ends_on)
            .bind(t.created_at)
            .fetch_one(&mut *c)
            .await
            .map_err(db_err)
    })
}

/// Writes `t` over the stored topic if it is still at `t.version`; returns the new version.
pub async fn update_topic(c: &mut Conn<'_>, t: &TopicRow) -> Result<i64> {
    let affected = with_conn!(c, |c| {
        sqlx::query(
            "update research_topics set unit_id = $3, title = $4, description = $5, lead_leader_id = $6, members = $7, \
               starts_on = $8, ends_on = $9, updated_at = $10, version = version + 1 where id = $1 and version = $2",
        )
        .bind(t.id)
        .bind(t.version)
        .bind(t.unit_id)
        .bind(&t.title)
        .bind(&t.description)
        .bind(t.lead_leader_id)
        .bind(&t.members)
        .bind(t.starts_on)
        .bind(t.ends_on)
        .bind(t.updated_at)
        .execute(&mut *c)
        .await
        .map_err(db_err)?
        .rows_affected()
    });
    if affected == 1 {
        return Ok(t.version + 1);
    }
    match get_topic(c, t.id).await? {
        Some(cur) => Err(domain::Error::StaleVersion { sent: t.version, current: cur.version }),
        None => Err(domain::Error::not_found("research_topic")),
    }
}

pub async fn get_topic(c: &mut Conn<'_>, id: ResearchTopicId) -> Result<Option<TopicRow>> {
    let sql = format!("select {TOPIC_COLUMNS} from research_topics where id = $1");
    with_conn!(c, |c| sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(id)
        .fetch_optional(&mut *c)
        .await
        .map_err(db_err))
}

/// The topics of a campaign, or of every campaign, in the order they were set.
pub async fn topics(c: &mut Conn<'_>, campaign: Option<CampaignId>) -> Result<Vec<TopicRow>> {
    let only = if campaign.is_some() { " where campaign_id = $1" } else { "" };
    let sql = format!("select {TOPIC_COLUMNS} from research_topics{only} order by id");
    with_conn!(c, |c| {
        let query = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()));
        match campaign {
            Some(id) => query.bind(id),
            None => query,
        }
        .fetch_all(&mut *c)
        .await
        .map_err(db_err)
    })
}

pub async fn insert_visit(c: &mut Conn<'_>, v: &VisitRow) -> Result<VisitRow> {
    with_conn!(c, |c| {
        sqlx::query_as(
            "insert into research_visits (topic_id, visited_on, place, met, summary, created_at) values ($1, $2, $3, $4, $5, $6) \
             returning id, topic_id, visited_on, place, met, summary, created_at",
        )
        .bind(v.topic_id)
        .bind(v.visited_on)
        .bind(&v.place)
        .bind(&v.met)
        .bind(&v.summary)
        .bind(v.created_at)
        .fetch_one(&mut *c)
        .await
        .map_err(db_err)
    })
}

/// The visits of `topics`, by topic and date.
pub async fn visits_of(c: &mut Conn<'_>, topics: &[ResearchTopicId]) -> Result<Vec<VisitRow>> {
    if topics.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "select id, topic_id, visited_on, place, met, summary, created_at from research_visits where topic_id in {} \
         order by topic_id, visited_on, id",
        id_list(topics.iter().map(|t| t.get()))
    );
    with_conn!(c, |c| sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).fetch_all(&mut *c).await.map_err(db_err))
}

pub async fn get_visit(c: &mut Conn<'_>, id: VisitId) -> Result<Option<VisitRow>> {
    with_conn!(c, |c| {
        sqlx::query_as(
            "select id, topic_id, visited_on, place, met, summary, created_at from research_visits where id = $1",
        )
        .bind(id)
        .fetch_optional(&mut *c)
        .await
        .map_err(db_err)
    })
}

pub async fn insert_finding(c: &mut Conn<'_>, visit: VisitId, body: &str, at: DateTime<Utc>) -> Result<FindingRow> {
    with_conn!(c, |c| {
        sqlx::query_as(
            "insert into research_findings (visit_id, body, created_at) values ($1, $2, $3) \
             returning id, visit_id, body, feedback_id, problem_id, created_at",
        )
        .bind(visit)
        .bind(body)
        .bind(at)
        .fetch_one(&mut *c)
        .await
        .map_err(db_err)
    })
}

/// The findings of `visits`, in the order they were written.
pub async fn findings_of(c: &mut Conn<'_>, visits: &[VisitId]) -> Result<Vec<FindingRow>> {
    if visits.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "select id, visit_id, body, feedback_id, problem_id, created_at from research_findings where visit_id in {} order by id",
        id_list(visits.iter().map(|v| v.get()))
    );
    with_conn!(c, |c| sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).fetch_all(&mut *c).await.map_err(db_err))
}

pub async fn get_finding(c: &mut Conn<'_>, id: FindingId) -> Result<Option<FindingRow>> {
    with_conn!(c, |c| {
        sqlx::query_as(
            "select id, visit_id, body, feedback_id, problem_id, created_at from research_findings where id = $1",
        )
        .bind(id)
        .fetch_optional(&mut *c)
        .await
        .map_err(db_err)
    })
}

/// Records what a finding became.
pub async fn link_finding(
    c: &mut Conn<'_>,
    id: FindingId,
    feedback: Option<FeedbackId>,
    problem: Option<ProblemId>,
) -> Result<()> {
    with_conn!(c, |c| {
        sqlx::query("update research_findings set feedback_id = $2, problem_id = $3 where id = $1")
            .bind(id)
            .bind(feedback)
            .bind(problem)
            .execute(&mut *c)
            .await
            .map_err(db_err)?;
    });
    Ok(())
}
