//! 目标任务 as stored: goals, their milestones and the problems and measures linked to them. Progress is not
//! stored; `domain::goals` rolls it up from what is read here.

use crate::{Conn, Result, db_err, id_list};
use chrono::{DateTime, NaiveDate, Utc};
use domain::goals::GoalKind;
use domain::problem::MeasureStatus;
use domain::workflow::Status;
use domain::{CampaignId, GoalId, MeasureId, MilestoneId, ProblemId, UnitId, UserId};

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct GoalRow {
    pub id: GoalId,
    pub campaign_id: CampaignId,
    pub parent_id: Option<GoalId>,
    pub kind: GoalKind,
    pub title: String,
    pub description: Option<String>,
    pub owner_unit_id: UnitId,
    pub responsible_leader_id: Option<UserId>,
    pub starts_on: NaiveDate,
    pub deadline: Option<NaiveDate>,
    /// Its share among its siblings; 1 when not set.
    pub weight: Option<f64>,
    /// What its owner reported, 0–100, for a leaf with neither milestones nor linked problems.
    pub reported_percent: Option<i64>,
    pub published: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

const GOAL_COLUMNS: &str = "id, campaign_id, parent_id, kind, title, description, owner_unit_id, \
    responsible_leader_id, starts_on, deadline, weight, reported_percent, published, created_at, updated_at, version";

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct MilestoneRow {
    pub id: MilestoneId,
    pub goal_id: GoalId,
    pub title: String,
    pub due_on: NaiveDate,
    pub done_on: Option<NaiveDate>,
}

/// Stores a new goal (its id, times and version are the store's) and returns it as stored.
pub async fn insert_goal(c: &mut Conn<'_>, g: &GoalRow) -> Result<GoalRow> {
    let sql = format!(
        "insert into goals (campaign_id, parent_id, kind, title, description, owner_unit_id, responsible_leader_id, \
         starts_on, deadline, weight, reported_percent, published, created_at, updated_at, version) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, 1) returning {GOAL_COLUMNS}"
    );
    with_conn!(c, |c| {
        sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
            .bind(g.campaign_id)
            .bind(g.parent_id)
            .bind(g.kind)
            .bind(&g.title)
            .bind(&g.description)
            .bind(g.owner_unit_id)
            .bind(g.responsible_leader_id)
            .bind(g.starts_on)
            .bind(g.deadline)
            .bind(g.weight)
            .bind(g.reported_percent)
            .bind(g.published)
            .bind(g.created_at)
            .fetch_one(&mut *c)
            .await
            .map_err(db_err)
    })
}

/// A campaign's goals, parents before their children's siblings in the order they were made.
pub async fn goals_of_campaign(c: &mut Conn<'_>, campaign: CampaignId) -> Result<Vec<GoalRow>> {
    let sql = format!("select {GOAL_COLUMNS} from goals where campaign_id = $1 order by id");
    with_conn!(c, |c| {
        sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(campaign).fetch_all(&mut *c).await.map_err(db_err)
    })
}

pub async fn insert_milestone(
    c: &mut Conn<'_>,
    goal: GoalId,
    title: &str,
    due_on: NaiveDate,
    done_on: Option<NaiveDate>,
) -> Result<MilestoneRow> {
    with_conn!(c, |c| {
        sqlx::query_as(
            "insert into goal_milestones (goal_id, title, due_on, done_on) values ($1, $2, $3, $4) \
             returning id, goal_id, title, due_on, done_on",
        )
        .bind(goal)
        .bind(title)
        .bind(due_on)
        .bind(done_on)
        .fetch_one(&mut *c)
        .await
        .map_err(db_err)
    })
}

/// The milestones of `goals`, by goal and due date.
pub async fn milestones_of(c: &mut Conn<'_>, goals: &[GoalId]) -> Result<Vec<MilestoneRow>> {
    if goals.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "select id, goal_id, title, due_on, done_on from goal_milestones where goal_id in {} order by goal_id, due_on, id",
        id_list(goals.iter().map(|g| g.get()))
    );
    with_conn!(c, |c| sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).fetch_all(&mut *c).await.map_err(db_err))
}

/// Links a problem to a goal; linking it again changes nothing.
pub async fn link_problem(c: &mut Conn<'_>, goal: GoalId, problem: ProblemId) -> Result<()> {
    with_conn!(c, |c| {
        sqlx::query("insert into goal_problems (goal_id, problem_id) values ($1, $2) on conflict do nothing")
            .bind(goal)
            .bind(problem)
            .execute(&mut *c)
            .await
            .map_err(db_err)?;
    });
    Ok(())
}

/// For each of `goals` with linked problems: how many count (neither dismissed nor merged) and how
/// many of those are signed off.
pub async fn linked_counts(c: &mut Conn<'_>, goals: &[GoalId]) -> Result<Vec<(GoalId, i64, i64)>> {
    if goals.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "select gp.goal_id, \
           sum(case when p.status not in ('dismissed', 'merged') then 1 else 0 end), \
           sum(case when p.status = 'closed' then 1 else 0 end) \
         from goal_problems gp join problems p on p.id = gp.problem_id \
         where gp.goal_id in {} group by gp.goal_id order by gp.goal_id",
        id_list(goals.iter().map(|g| g.get()))
    );
    let rows: Vec<(i64, i64, i64)> = with_conn!(c, |c| {
        sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).fetch_all(&mut *c).await.map_err(db_err)?
    });
    Ok(rows.into_iter().map(|(g, counted, closed)| (GoalId::new(g), counted, closed)).collect())
}

/// The problems linked to `goals`, with their state, by goal.
pub async fn linked_problems(c: &mut Conn<'_>, goals: &[GoalId]) -> Result<Vec<(GoalId, ProblemId, Status)>> {
    if goals.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "select gp.goal_id, gp.problem_id, p.status from goal_problems gp join problems p on p.id = gp.problem_id \
         where gp.goal_id in {} order by gp.goal_id, gp.problem_id",
        id_list(goals.iter().map(|g| g.get()))
    );
    with_conn!(c, |c| sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).fetch_all(&mut *c).await.map_err(db_err))
}

pub async fn get_goal(c: &mut Conn<'_>, id: GoalId) -> Result<Option<GoalRow>> {
    let sql = format!("select {GOAL_COLUMNS} from goals where id = $1");
    with_conn!(c, |c| {
        sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(id).fetch_optional(&mut *c).await.map_err(db_err)
    })
}

/// Writes `g` over the stored goal if it is still at `g.version`; returns the new version, or
/// `StaleVersion` when someone changed it since it was read.
pub async fn update_goal(c: &mut Conn<'_>, g: &GoalRow) -> Result<i64> {
    let affected = with_conn!(c, |c| {
        sqlx::query(
            "update goals set parent_id = $3, kind = $4, title = $5, description = $6, owner_unit_id = $7, \
               responsible_leader_id = $8, starts_on = $9, deadline = $10, weight = $11, reported_percent = $12, \
               published = $13, updated_at = $14, version = version + 1 \
             where id = $1 and version = $2",
        )
        .bind(g.id)
        .bind(g.version)
        .bind(g.parent_id)
        .bind(g.kind)
        .bind(&g.title)
        .bind(&g.description)
        .bind(g.owner_unit_id)
        .bind(g.responsible_leader_id)
        .bind(g.starts_on)
        .bind(g.deadline)
        .bind(g.weight)
        .bind(g.reported_percent)
        .bind(g.published)
        .bind(g.updated_at)
        .execute(&mut *c)
        .await
        .map_err(db_err)?
        .rows_affected()
    });
    if affected == 1 {
        return Ok(g.version + 1);
    }
    match get_goal(c, g.id).await? {
        Some(cur) => Err(domain::Error::StaleVersion { sent: g.version, current: cur.version }),
        None => Err(domain::Error::not_found("goal")),
    }
}

/// Marks the goal changed (its version and time), as a milestone's change does.
pub async fn touch_goal(c: &mut Conn<'_>, id: GoalId, at: DateTime<Utc>) -> Result<()> {
    with_conn!(c, |c| {
        sqlx::query("update goals set updated_at = $2, version = version + 1 where id = $1")
            .bind(id)
            .bind(at)
            .execute(&mut *c)
            .await
            .map_err(db_err)?;
    });
    Ok(())
}

pub async fn update_milestone(c: &mut Conn<'_>, m: &MilestoneRow) -> Result<()> {
    with_conn!(c, |c| {
        sqlx::query("update goal_milestones set title = $2, due_on = $3, done_on = $4 where id = $1")
            .bind(m.id)
            .bind(&m.title)
            .bind(m.due_on)
            .bind(m.done_on)
            .execute(&mut *c)
            .await
            .map_err(db_err)?;
    });
    Ok(())
}

pub async fn get_milestone(c: &mut Conn<'_>, id: MilestoneId) -> Result<Option<MilestoneRow>> {
    with_conn!(c, |c| {
        sqlx::query_as("select id, goal_id, title, due_on, done_on from goal_milestones where id = $1")
            .bind(id)
            .fetch_optional(&mut *c)
            .await
            .map_err(db_err)
    })
}

/// Unlinks a problem from a goal, and with it the problem's measures that served the goal.
pub async fn unlink_problem(c: &mut Conn<'_>, goal: GoalId, problem: ProblemId) -> Result<()> {
    with_conn!(c, |c| {
        sqlx::query(
            "delete from goal_measures where goal_id = $1 and measure_id in (select id from measures where problem_id = $2)",
        )
        .bind(goal)
        .bind(problem)
        .execute(&mut *c)
        .await
        .map_err(db_err)?;
        sqlx::query("delete from goal_problems where goal_id = $1 and problem_id = $2")
            .bind(goal)
            .bind(problem)
            .execute(&mut *c)
            .await
            .map_err(db_err)?;
    });
    Ok(())
}

/// The goals a problem serves, with their titles.
pub async fn goals_of_problem(c: &mut Conn<'_>, problem: ProblemId) -> Result<Vec<(GoalId, String)>> {
    with_conn!(c, |c| {
        sqlx::query_as(
            "select g.id, g.title from goals g join goal_problems gp on gp.goal_id = g.id \
             where gp.problem_id = $1 order by g.id",
        )
        .bind(problem)
        .fetch_all(&mut *c)
        .await
        .map_err(db_err)
    })
}

/// The campaigns that have published 为民办实事 projects, for the portal.
pub async fn campaigns_with_published_projects(c: &mut Conn<'_>) -> Result<Vec<CampaignId>> {
    with_conn!(c, |c| {
        sqlx::query_scalar(
            "select distinct campaign_id from goals where kind = 'project' and published = $1 order by campaign_id",
        )
        .bind(true)
        .fetch_all(&mut *c)
        .await
        .map_err(db_err)
    })
}

/// A measure serving a goal, with the problem it belongs to and whether it is done.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct LinkedMeasure {
    pub goal_id: GoalId,
    pub measure_id: MeasureId,
    pub problem_id: ProblemId,
    pub description: String,
    pub status: MeasureStatus,
}

/// The measures linked to `goals`, by goal and measure.
pub async fn linked_measures(c: &mut Conn<'_>, goals: &[GoalId]) -> Result<Vec<LinkedMeasure>> {
    if goals.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "select gm.goal_id, gm.measure_id, m.problem_id, m.description, m.status from goal_measures gm \
         join measures m on m.id = gm.measure_id where gm.goal_id in {} order by gm.goal_id, gm.measure_id",
        id_list(goals.iter().map(|g| g.get()))
    );
    with_conn!(c, |c| sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).fetch_all(&mut *c).await.map_err(db_err))
}

/// Links a measure to a goal, or unlinks it; either again changes nothing.
pub async fn set_measure_link(c: &mut Conn<'_>, goal: GoalId, measure: MeasureId, linked: bool) -> Result<()> {
    let sql = if linked {
        "insert into goal_measures (goal_id, measure_id) values ($1, $2) on conflict do nothing"
    } else {
        "delete from goal_measures where goal_id = $1 and measure_id = $2"
    };
    with_conn!(c, |c| {
        sqlx::query(sql).bind(goal).bind(measure).execute(&mut *c).await.map_err(db_err)?;
    });
    Ok(())
}
