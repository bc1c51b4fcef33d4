//! Lasting mechanisms (长效机制): rules and systems that stop a kind of problem for good, linked to
//! the problems they address.

use crate::{Conn, Result, db_err};
use chrono::{DateTime, NaiveDate, Utc};
use domain::{Error, MechanismDocumentId, MechanismId, ProblemId};

attached_files!(
    /// The issued document of a mechanism (its PDF or Word file).
    DocumentRow,
    MechanismDocumentId,
    mechanism_id: MechanismId,
    "mechanism_documents",
    insert_document,
    get_document,
    documents_of
);

#[derive(Debug, Clone, PartialEq, sqlx::FromRow, serde::Serialize)]
pub struct MechanismRow {
    pub id: MechanismId,
    pub campaign_id: Option<domain::CampaignId>,
    pub unit_id: domain::UnitId,
    pub title: String,
    pub body: Option<String>,
    pub status: domain::problem::MechanismStatus,
    pub issued_on: Option<NaiveDate>,
    /// 文号: the issued document's number, e.g. 临政办发〔2026〕12号.
    pub doc_number: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

pub async fn insert_mechanism(c: &mut Conn<'_>, m: &MechanismRow) -> Result<MechanismRow> {
    with_conn!(c, |c| {
        sqlx::query_as(
            r"insert into mechanisms (campaign_id, unit_id, title, body, status, issued_on, doc_number, created_at, updated_at, version)
              values ($1, $2, $3, $4, $5, $6, $8, $7, $7, 1)
              returning id, campaign_id, unit_id, title, body, status, issued_on, doc_number, created_at, updated_at, version",
        )
        .bind(m.campaign_id)
        .bind(m.unit_id)
        .bind(&m.title)
        .bind(&m.body)
        .bind(m.status)
        .bind(m.issued_on)
        .bind(m.created_at)
        .bind(&m.doc_number)
        .fetch_one(&mut *c)
        .await
        .map_err(db_err)
    })
}

pub async fn update_mechanism(c: &mut Conn<'_>, m: &MechanismRow) -> Result<i64> {
    let affected = with_conn!(c, |c| {
        sqlx::query(
            r"update mechanisms set title = $3, body = $4, status = $5, issued_on = $6, updated_at = $7,
                unit_id = $8, campaign_id = $9, doc_number = $10, version = version + 1 where id = $1 and version = $2",
        )
        .bind(m.id)
        .bind(m.version)
        .bind(&m.title)
        .bind(&m.body)
        .bind(m.status)
        .bind(m.issued_on)
        .bind(m.updated_at)
        .bind(m.unit_id)
        .bind(m.campaign_id)
        .bind(&m.doc_number)
        .execute(&mut *c)
        .await
        .map_err(db_err)?
        .rows_affected()
    });
    if affected == 1 {
        return Ok(m.version + 1);
    }
    match get_mechanism(c, m.id).await? {
        Some(cur) => Err(Error::StaleVersion { sent: m.version, current: cur.version }),
        None => Err(Error::not_found("mechanism")),
    }
}

pub async fn get_mechanism(c: &mut Conn<'_>, id: MechanismId) -> Result<Option<MechanismRow>> {
    with_conn!(c, |c| {
        sqlx::query_as(
            r"select id, campaign_id, unit_id, title, body, status, issued_on, doc_number, created_at, updated_at, version
              from mechanisms where id = $1",
        )
        .bind(id.get())
        .fetch_optional(&mut *c)
        .await
        .map_err(db_err)
    })
}

/// Mechanisms of units in the subtree `path_prefix` (all when `None`).
pub async fn list_mechanisms(c: &mut Conn<'_>, path_prefix: Option<&str>) -> Result<Vec<MechanismRow>> {
    let pattern = format!("{}%", path_prefix.unwrap_or("/"));
    with_conn!(c, |c| {
        sqlx::query_as(
            r"select m.id, m.campaign_id, m.unit_id, m.title, m.body, m.status, m.issued_on, m.doc_number, m.created_at,
                m.updated_at, m.version
              from mechanisms m join units u on u.id = m.unit_id where u.path like $1 order by m.id",
        )
        .bind(&pattern)
        .fetch_all(&mut *c)
        .await
        .map_err(db_err)
    })
}

pub async fn link(c: &mut Conn<'_>, problem: ProblemId, mechanism: MechanismId) -> Result<()> {
    with_conn!(c, |c| {
        sqlx::query(
            r"insert into problem_mechanisms (problem_id, mechanism_id) values ($1, $2)
              on conflict (problem_id, mechanism_id) do nothing",
        )
        .bind(problem.get())
        .bind(mechanism.get())
        .execute(&mut *c)
        .await
        .map_err(db_err)?;
    });
    Ok(())
}

pub async fn unlink(c: &mut Conn<'_>, problem: ProblemId, mechanism: MechanismId) -> Result<()> {
    with_conn!(c, |c| {
        sqlx::query("delete from problem_mechanisms where problem_id = $1 and mechanism_id = $2")
            .bind(problem.get())
            .bind(mechanism.get())
            .execute(&mut *c)
            .await
            .map_err(db_err)?;
    });
    Ok(())
}

/// The titles of the mechanisms linked to these problems, by problem.
pub async fn mechanism_titles_of(
    c: &mut Conn<'_>,
    problems: &[domain::ProblemId],
) -> Result<Vec<(domain::ProblemId, String)>> {
    let sql = format!(
        "select pm.problem_id, m.title from problem_mechanisms pm join mechanisms m on m.id = pm.mechanism_id \
         where pm.problem_id in {} order by pm.problem_id, m.id",
        crate::id_list(problems.iter().map(|id| id.get()))
    );
    let rows: Vec<(i64, String)> =
        with_conn!(c, |c| sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).fetch_all(&mut *c).await.map_err(db_err))?;
    Ok(rows.into_iter().map(|(id, title)| (domain::ProblemId::new(id), title)).collect())
}

pub async fn mechanisms_of_problem(c: &mut Conn<'_>, problem: ProblemId) -> Result<Vec<MechanismRow>> {
    with_conn!(c, |c| {
        sqlx::query_as(
            r"select m.id, m.campaign_id, m.unit_id, m.title, m.body, m.status, m.issued_on, m.doc_number, m.created_at,
                m.updated_at, m.version
              from mechanisms m join problem_mechanisms pm on pm.mechanism_id = m.id
              where pm.problem_id = $1 order by m.id",
        )
        .bind(problem.get())
        .fetch_all(&mut *c)
        .await
        .map_err(db_err)
    })
}

pub async fn problems_of_mechanism(
    c: &mut Conn<'_>,
    mechanism: MechanismId,
) -> Result<Vec<(domain::ProblemId, domain::problem::ProblemNumber, String)>> {
    with_conn!(c, |c| {
        sqlx::query_as(
            r"select p.id, p.number, p.title from problems p join problem_mechanisms pm on pm.problem_id = p.id
              where pm.mechanism_id = $1 order by p.id",
        )
        .bind(mechanism.get())
        .fetch_all(&mut *c)
        .await
        .map_err(db_err)
    })
}
