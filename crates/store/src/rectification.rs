//! The records of rectification work on a problem: measures (整改措施), progress notes, evidence
//! (佐证材料), sign-off applications (销号申请), extension requests (延期申请) and callbacks (回访).

use crate::{Conn, Result, db_err};
use chrono::{DateTime, NaiveDate, Utc};
use domain::problem::{ExtensionStatus, SignoffStatus};
use domain::{Error, EvidenceId, ExtensionId, MeasureId, ProblemId, SignoffId, UserId};

#[derive(Debug, Clone, PartialEq, sqlx::FromRow, serde::Serialize)]
pub struct MeasureRow {
    pub id: MeasureId,
    pub problem_id: ProblemId,
    pub description: String,
    pub owner_unit_id: Option<domain::UnitId>,
    pub owner_name: Option<String>,
    pub deadline: Option<NaiveDate>,
    pub status: domain::problem::MeasureStatus,
    pub done_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

pub async fn insert_measure(c: &mut Conn<'_>, m: &MeasureRow) -> Result<MeasureRow> {
    with_conn!(c, |c| {
        sqlx::query_as(
            r"insert into measures (problem_id, description, owner_unit_id, owner_name, deadline, status, done_at,
                created_at, updated_at, version)
              values ($1, $2, $3, $4, $5, $6, $7, $8, $8, 1)
              returning id, problem_id, description, owner_unit_id, owner_name, deadline, status, done_at,
                created_at, updated_at, version",
        )
        .bind(m.problem_id)
        .bind(&m.description)
        .bind(m.owner_unit_id)
        .bind(&m.owner_name)
        .bind(m.deadline)
        .bind(m.status)
        .bind(m.done_at)
        .bind(m.created_at)
        .fetch_one(&mut *c)
        .await
        .map_err(db_err)
    })
}

/// Writes a measure if its version is still `m.version`.
pub async fn update_measure(c: &mut Conn<'_>, m: &MeasureRow) -> Result<i64> {
    let affected = with_conn!(c, |c| {
        sqlx::query(
            r"update measures set description = $3, owner_unit_id = $4, owner_name = $5, deadline = $6, status = $7,
                done_at = $8, updated_at = $9, version = version + 1
              where id = $1 and version = $2",
        )
        .bind(m.id)
        .bind(m.version)
        .bind(&m.description)
        .bind(m.owner_unit_id)
        .bind(&m.owner_name)
        .bind(m.deadline)
        .bind(m.status)
        .bind(m.done_at)
        .bind(m.updated_at)
        .execute(&mut *c)
        .await
        .map_err(db_err)?
        .rows_affected()
    });
    if affected == 1 {
        return Ok(m.version + 1);
    }
    match get_measure(c, m.id).await? {
        Some(current) => Err(Error::StaleVersion { sent: m.version, current: current.version }),
        None => Err(Error::not_found("measure")),
    }
}

pub async fn get_measure(c: &mut Conn<'_>, id: MeasureId) -> Result<Option<MeasureRow>> {
    with_conn!(c, |c| {
        sqlx::query_as(
            r"select id, problem_id, description, owner_unit_id, owner_name, deadline, status, done_at,
                created_at, updated_at, version from measures where id = $1",
        )
        .bind(id.get())
        .fetch_optional(&mut *c)
        .await
        .map_err(db_err)
    })
}

pub async fn delete_measure(c: &mut Conn<'_>, id: MeasureId) -> Result<()> {
    with_conn!(c, |c| {
        sqlx::query("delete from measures where id = $1").bind(id.get()).execute(&mut *c).await.map_err(db_err)?;
    });
    Ok(())
}

pub async fn list_measures(c: &mut Conn<'_>, problem: ProblemId) -> Result<Vec<MeasureRow>> {
    with_conn!(c, |c| {
        sqlx::query_as(
            r"select id, problem_id, description, owner_unit_id, owner_name, deadline, status, done_at,
                created_at, updated_at, version from measures where problem_id = $1 order by id",
        )
        .bind(problem.get())
        .fetch_all(&mut *c)
        .await
        .map_err(db_err)
    })
}

/// The measures of these problems, by problem and then in the order they were added.
pub async fn list_measures_of(c: &mut Conn<'_>, problems: &[ProblemId]) -> Result<Vec<MeasureRow>> {
    let sql = format!(
        "select id, problem_id, description, owner_unit_id, owner_name, deadline, status, done_at, created_at, \
         updated_at, version from measures where problem_id in {} order by problem_id, id",
        crate::id_list(problems.iter().map(|id| id.get()))
    );
    with_conn!(c, |c| sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).fetch_all(&mut *c).await.map_err(db_err))
}

/// The latest progress note of each of these problems that has one.
pub async fn latest_notes_of(c: &mut Conn<'_>, problems: &[ProblemId]) -> Result<Vec<(ProblemId, String)>> {
    let sql = format!(
        "select n.problem_id, n.body from progress_notes n where n.id in \
         (select max(id) from progress_notes where problem_id in {} group by problem_id)",
        crate::id_list(problems.iter().map(|id| id.get()))
    );
    let rows: Vec<(i64, String)> =
        with_conn!(c, |c| sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).fetch_all(&mut *c).await.map_err(db_err))?;
    Ok(rows.into_iter().map(|(id, body)| (ProblemId::new(id), body)).collect())
}

/// The file names of the evidence of these problems, by problem, in upload order.
pub async fn evidence_names_of(c: &mut Conn<'_>, problems: &[ProblemId]) -> Result<Vec<(ProblemId, String)>> {
    let sql = format!(
        "select problem_id, file_name from evidence where problem_id in {} order by problem_id, id",
        crate::id_list(problems.iter().map(|id| id.get()))
    );
    let rows: Vec<(i64, String)> =
        with_conn!(c, |c| sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).fetch_all(&mut *c).await.map_err(db_err))?;
    Ok(rows.into_iter().map(|(id, name)| (ProblemId::new(id), name)).collect())
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow, serde::Serialize)]
pub struct NoteRow {
    pub id: domain::NoteId,
    pub problem_id: ProblemId,
    pub author_id: Option<UserId>,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

pub async fn insert_note(
    c: &mut Conn<'_>,
    problem: ProblemId,
    author: Option<UserId>,
    body: &str,
    now: DateTime<Utc>,
) -> Result<NoteRow> {
    with_conn!(c, |c| {
        sqlx::query_as(
            r"insert into progress_notes (problem_id, author_id, body, created_at) values ($1, $2, $3, $4)
              returning id, problem_id, author_id, body, created_at",
        )
        .bind(problem.get())
        .bind(author.map(|a| a.get()))
        .bind(body)
        .bind(now)
        .fetch_one(&mut *c)
        .await
        .map_err(db_err)
    })
}

pub async fn list_notes(c: &mut Conn<'_>, problem: ProblemId) -> Result<Vec<NoteRow>> {
    with_conn!(c, |c| {
        sqlx::query_as(
            "select id, problem_id, author_id, body, created_at from progress_notes where problem_id = $1 order by id",
        )
        .bind(problem.get())
        .fetch_all(&mut *c)
        .await
        .map_err(db_err)
    })
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow, serde::Serialize)]
pub struct EvidenceRow {
    pub id: domain::EvidenceId,
    pub problem_id: ProblemId,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub note: Option<String>,
    pub uploaded_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
    /// Shown on the problem's public page once it is published (a photo the office chose).
    pub public: bool,
    pub phase: domain::problem::EvidencePhase,
}

/// The columns of an [`EvidenceRow`], in its order.
const EVIDENCE_COLUMNS: &str =
    "id, problem_id, file_name, content_type, size_bytes, sha256, note, uploaded_by, created_at, public, phase";

pub async fn insert_evidence(c: &mut Conn<'_>, e: &EvidenceRow) -> Result<EvidenceRow> {
    with_conn!(c, |c| {
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "insert into evidence (problem_id, file_name, content_type, size_bytes, sha256, note, uploaded_by, created_at, \
             phase) values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning {EVIDENCE_COLUMNS}"
        )))
        .bind(e.problem_id)
        .bind(&e.file_name)
        .bind(&e.content_type)
        .bind(e.size_bytes)
        .bind(&e.sha256)
        .bind(&e.note)
        .bind(e.uploaded_by.map(UserId::get))
        .bind(e.created_at)
        .bind(e.phase)
        .fetch_one(&mut *c)
        .await
        .map_err(db_err)
    })
}

pub async fn list_evidence(c: &mut Conn<'_>, problem: ProblemId) -> Result<Vec<EvidenceRow>> {
    with_conn!(c, |c| {
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "select {EVIDENCE_COLUMNS} from evidence where problem_id = $1 order by id"
        )))
        .bind(problem.get())
        .fetch_all(&mut *c)
        .await
        .map_err(db_err)
    })
}

pub async fn count_evidence(c: &mut Conn<'_>, problem: ProblemId) -> Result<i64> {
    with_conn!(c, |c| {
        sqlx::query_scalar("select count(*) from evidence where problem_id = $1")
            .bind(problem.get())
            .fetch_one(&mut *c)
            .await
            .map_err(db_err)
    })
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow, serde::Serialize)]
pub struct SignoffRow {
    pub id: SignoffId,
    pub problem_id: ProblemId,
    pub report: String,
    pub no_evidence_reason: Option<String>,
    pub evidence_count: i32,
    pub status: SignoffStatus,
    pub submitted_by: Option<UserId>,
    pub submitted_at: DateTime<Utc>,
    pub leader_id: Option<UserId>,
    pub leader_at: Option<DateTime<Utc>>,
    pub leader_note: Option<String>,
    pub verifier_id: Option<UserId>,
    pub verifier_at: Option<DateTime<Utc>>,
    pub verifier_note: Option<String>,
}

pub async fn insert_signoff(c: &mut Conn<'_>, s: &SignoffRow) -> Result<SignoffId> {
    let id: i64 = with_conn!(c, |c| {
        sqlx::query_scalar(
            r"insert into signoffs (problem_id, report, no_evidence_reason, evidence_count, status, submitted_by,
                submitted_at) values ($1, $2, $3, $4, $5, $6, $7) returning id",
        )
        .bind(s.problem_id)
        .bind(&s.report)
        .bind(&s.no_evidence_reason)
        .bind(s.evidence_count)
        .bind(s.status)
        .bind(s.submitted_by)
        .bind(s.submitted_at)
        .fetch_one(&mut *c)
        .await
        .map_err(db_err)?
    });
    Ok(SignoffId::new(id))
}

pub async fn update_signoff(c: &mut Conn<'_>, s: &SignoffRow) -> Result<()> {
    with_conn!(c, |c| {
        sqlx::query(
            r"update signoffs set status = $2, leader_id = $3, leader_at = $4, leader_note = $5, verifier_id = $6,
                verifier_at = $7, verifier_note = $8 where id = $1",
        )
        .bind(s.id)
        .bind(s.status)
        .bind(s.leader_id)
        .bind(s.leader_at)
        .bind(&s.leader_note)
        .bind(s.verifier_id)
        .bind(s.verifier_at)
        .bind(&s.verifier_note)
        .execute(&mut *c)
        .await
        .map_err(db_err)?;
    });
    Ok(())
}

/// The application still awaiting a decision, if any.
pub async fn pending_signoff(c: &mut Conn<'_>, problem: ProblemId) -> Result<Option<SignoffRow>> {
    with_conn!(c, |c| {
        sqlx::query_as(
            r"select id, problem_id, report, no_evidence_reason, evidence_count, status,
                submitted_by, submitted_at, leader_id, leader_at, leader_note, verifier_id, verifier_at, verifier_note
              from signoffs where problem_id = $1 and status in ('pending_leader', 'pending_verifier')
              order by id desc limit 1",
        )
        .bind(problem.get())
        .fetch_optional(&mut *c)
        .await
        .map_err(db_err)
    })
}

pub async fn list_signoffs(c: &mut Conn<'_>, problem: ProblemId) -> Result<Vec<SignoffRow>> {
    with_conn!(c, |c| {
        sqlx::query_as(
            r"select id, problem_id, report, no_evidence_reason, evidence_count, status,
                submitted_by, submitted_at, leader_id, leader_at, leader_note, verifier_id, verifier_at, verifier_note
              from signoffs where problem_id = $1 order by id",
        )
        .bind(problem.get())
        .fetch_all(&mut *c)
        .await
        .map_err(db_err)
    })
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow, serde::Serialize)]
pub struct ExtensionRow {
    pub id: ExtensionId,
    pub problem_id: ProblemId,
    pub requested_by: Option<UserId>,
    pub requested_at: DateTime<Utc>,
    pub reason: String,
    pub previous_deadline: Option<NaiveDate>,
    pub new_deadline: NaiveDate,
    pub status: ExtensionStatus,
    pub decided_by: Option<UserId>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_note: Option<String>,
}

pub async fn insert_extension(c: &mut Conn<'_>, e: &ExtensionRow) -> Result<ExtensionId> {
    let id: i64 = with_conn!(c, |c| {
        sqlx::query_scalar(
            r"insert into extension_requests (problem_id, requested_by, requested_at, reason, previous_deadline,
                new_deadline, status) values ($1, $2, $3, $4, $5, $6, $7) returning id",
        )
        .bind(e.problem_id)
        .bind(e.requested_by)
        .bind(e.requested_at)
        .bind(&e.reason)
        .bind(e.previous_deadline)
        .bind(e.new_deadline)
        .bind(e.status)
        .fetch_one(&mut *c)
        .await
        .map_err(db_err)?
    });
    Ok(ExtensionId::new(id))
}

pub async fn update_extension(c: &mut Conn<'_>, e: &ExtensionRow) -> Result<()> {
    with_conn!(c, |c| {
        sqlx::query(
            "update extension_requests set status = $2, decided_by = $3, decided_at = $4, decision_note = $5 where id = $1",
        )
        .bind(e.id)
        .bind(e.status)
        .bind(e.decided_by)
        .bind(e.decided_at)
        .bind(&e.decision_note)
        .execute(&mut *c)
        .await
        .map_err(db_err)?;
    });
    Ok(())
}

pub async fn list_extensions(c: &mut Conn<'_>, problem: ProblemId) -> Result<Vec<ExtensionRow>> {
    with_conn!(c, |c| {
        sqlx::query_as(
            r"select id, problem_id, requested_by, requested_at, reason, previous_deadline, new_deadline, status,
                decided_by, decided_at, decision_note from extension_requests where problem_id = $1 order by id",
        )
        .bind(problem.get())
        .fetch_all(&mut *c)
        .await
        .map_err(db_err)
    })
}

pub async fn get_evidence(c: &mut Conn<'_>, id: EvidenceId) -> Result<Option<EvidenceRow>> {
    with_conn!(c, |c| {
        sqlx::query_as(sqlx::AssertSqlSafe(format!("select {EVIDENCE_COLUMNS} from evidence where id = $1")))
            .bind(id.get())
            .fetch_optional(&mut *c)
            .await
            .map_err(db_err)
    })
}

/// Marks a piece of evidence as shown on the public page of its problem once published, or not.
pub async fn set_evidence_public(c: &mut Conn<'_>, id: EvidenceId, public: bool) -> Result<()> {
    with_conn!(c, |c| {
        sqlx::query("update evidence set public = $1 where id = $2")
            .bind(public)
            .bind(id)
            .execute(&mut *c)
            .await
            .map_err(db_err)?;
    });
    Ok(())
}

/// The ids of a problem's evidence marked for the public, each with what it shows (before or
/// after the rectification).
pub async fn public_evidence(
    c: &mut Conn<'_>,
    problem: ProblemId,
) -> Result<Vec<(EvidenceId, domain::problem::EvidencePhase)>> {
    with_conn!(c, |c| {
        sqlx::query_as("select id, phase from evidence where problem_id = $1 and public order by id")
            .bind(problem)
            .fetch_all(&mut *c)
            .await
            .map_err(db_err)
    })
}
