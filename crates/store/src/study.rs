//! 学习记录 as stored: the formats the admin keeps, a campaign's study sessions by unit, their
//! materials (kept by hash, as evidence files are) and the problems found in them.

use crate::{Conn, Result, db_err, id_list};
use chrono::{DateTime, NaiveDate, Utc};
use domain::{CampaignId, ProblemId, StudyFormatId, StudyMaterialId, StudySessionId, UnitId, UserId};

kept_list!(
    /// 学习形式: 集中学习, 读书班, 专题党课, 研讨交流….
    StudyFormatRow,
    StudyFormatId,
    "study_formats",
    list_formats,
    insert_format,
    update_format
);

#[derive(Debug, Clone, PartialEq, sqlx::FromRow, serde::Serialize)]
pub struct SessionRow {
    pub id: StudySessionId,
    pub campaign_id: CampaignId,
    pub unit_id: UnitId,
    pub held_on: NaiveDate,
    pub format_id: StudyFormatId,
    /// 学习主题.
    pub topic: String,
    /// 参加人数.
    pub present: i64,
    pub summary: Option<String>,
    pub created_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

const SESSION_COLUMNS: &str = "id, campaign_id, unit_id, held_on, format_id, topic, present, summary, created_by, created_at, updated_at, version";

attached_files!(
    /// 学习材料: a file of a study session.
    MaterialRow,
    StudyMaterialId,
    session_id: StudySessionId,
    "study_materials",
    insert_material,
    get_material,
    materials_of
);

pub async fn insert_session(c: &mut Conn<'_>, s: &SessionRow) -> Result<SessionRow> {
    let sql = format!(
        "insert into study_sessions (campaign_id, unit_id, held_on, format_id, topic, present, summary, created_by, \
         created_at, updated_at, version) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, 1) returning {SESSION_COLUMNS}"
    );
    with_conn!(c, |c| {
        sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
            .bind(s.campaign_id)
            .bind(s.unit_id)
            .bind(s.held_on)
            .bind(s.format_id)
            .bind(&s.topic)
            .bind(s.present)
            .bind(&s.summary)
            .bind(s.created_by)
            .bind(s.created_at)
            .fetch_one(&mut *c)
            .await
            .map_err(db_err)
    })
}

/// Writes `s` over the stored session if it is still at `s.version`; returns the new version.
pub async fn update_session(c: &mut Conn<'_>, s: &SessionRow) -> Result<i64> {
    let affected = with_conn!(c, |c| {
        sqlx::query(
            "update study_sessions set unit_id = $3, held_on = $4, format_id = $5, topic = $6, present = $7, \
               summary = $8, updated_at = $9, version = version + 1 where id = $1 and version = $2",
        )
        .bind(s.id)
        .bind(s.version)
        .bind(s.unit_id)
        .bind(s.held_on)
        .bind(s.format_id)
        .bind(&s.topic)
        .bind(s.present)
        .bind(&s.summary)
        .bind(s.updated_at)
        .execute(&mut *c)
        .await
        .map_err(db_err)?
        .rows_affected()
    });
    if affected == 1 {
        return Ok(s.version + 1);
    }
    match get_session(c, s.id).await? {
        Some(cur) => Err(domain::Error::StaleVersion { sent: s.version, current: cur.version }),
        None => Err(domain::Error::not_found("study_session")),
    }
}

pub async fn get_session(c: &mut Conn<'_>, id: StudySessionId) -> Result<Option<SessionRow>> {
    let sql = format!("select {SESSION_COLUMNS} from study_sessions where id = $1");
    with_conn!(c, |c| sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(id)
        .fetch_optional(&mut *c)
        .await
        .map_err(db_err))
}

/// Sessions, newest first, optionally of one campaign, one unit and its subtree, and a date range.
pub async fn sessions(
    c: &mut Conn<'_>,
    campaign: Option<CampaignId>,
    unit_path_prefix: Option<&str>,
    from: Option<NaiveDate>,
    until: Option<NaiveDate>,
) -> Result<Vec<SessionRow>> {
    let mut clauses = Vec::new();
    let mut n = 0;
    let mut next = || {
        n += 1;
        n
    };
    if campaign.is_some() {
        clauses.push(format!("s.campaign_id = ${}", next()));
    }
    if unit_path_prefix.is_some() {
        clauses.push(format!("u.path like ${} || '%'", next()));
    }
    if from.is_some() {
        clauses.push(format!("s.held_on >= ${}", next()));
    }
    if until.is_some() {
        clauses.push(format!("s.held_on < ${}", next()));
    }
    let filter = if clauses.is_empty() { String::new() } else { format!(" where {}", clauses.join(" and ")) };
    let columns: Vec<String> = SESSION_COLUMNS.split(", ").map(|c| format!("s.{c}")).collect();
    let sql = format!(
        "select {} from study_sessions s join units u on u.id = s.unit_id{filter} order by s.held_on desc, s.id desc",
        columns.join(", ")
    );
    with_conn!(c, |c| {
        let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()));
        if let Some(id) = campaign {
            query = query.bind(id);
        }
        if let Some(prefix) = unit_path_prefix {
            query = query.bind(prefix.to_string());
        }
        if let Some(d) = from {
            query = query.bind(d);
        }
        if let Some(d) = until {
            query = query.bind(d);
        }
        query.fetch_all(&mut *c).await.map_err(db_err)
    })
}

/// The problems found in each of `sessions`, as (session, problem).
pub async fn problems_of(c: &mut Conn<'_>, sessions: &[StudySessionId]) -> Result<Vec<(StudySessionId, ProblemId)>> {
    if sessions.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "select session_id, problem_id from study_session_problems where session_id in {} order by session_id, problem_id",
        id_list(sessions.iter().map(|s| s.get()))
    );
    with_conn!(c, |c| sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).fetch_all(&mut *c).await.map_err(db_err))
}

/// Sets the problems found in a session: the whole set.
pub async fn set_problems(c: &mut Conn<'_>, session: StudySessionId, problems: &[ProblemId]) -> Result<()> {
    with_conn!(c, |c| {
        sqlx::query("delete from study_session_problems where session_id = $1")
            .bind(session)
            .execute(&mut *c)
            .await
            .map_err(db_err)?;
        for p in problems {
            sqlx::query("insert into study_session_problems (session_id, problem_id) values ($1, $2)")
                .bind(session)
                .bind(*p)
                .execute(&mut *c)
                .await
                .map_err(db_err)?;
        }
    });
    Ok(())
}
