//! Problems (问题): the row, its cooperating units, and optimistic-locking updates. A write that
//! names a stale version changes nothing and reports the version the row is at.

use crate::{Conn, Result, db_err};
use chrono::{DateTime, NaiveDate, Utc};
use domain::feedback::{Channel, FeedbackKind};
use domain::problem::{Priority, ProblemNumber, RectificationType, ReopenCause, Satisfaction};
use domain::supervision::Colour;
use domain::workflow::{SignoffStage, Status};
use domain::{CampaignId, CategoryId, Error, ProblemId, UnitId, UserId};

/// The problem columns, qualified with the alias `p`.
macro_rules! problem_columns {
    () => {
        r"p.id, p.number, p.campaign_id, p.owner_unit_id, p.title, p.description, p.category_id, p.channel,
          p.kind, p.priority, p.rectification_type, p.status, p.signoff_stage, p.lead_unit_id,
          p.responsible_leader_id, p.responsible_person, p.deadline, p.original_deadline, p.extension_count,
          p.root_cause, p.public_reply, p.verification_note, p.solved, p.satisfaction, p.published,
          p.published_at, p.excluded_from_scoring, p.exclusion_reason, p.manual_colour, p.manual_colour_reason,
          p.awaiting_resubmission, p.next_measure_deadline, p.sent_back_count, p.reopen_count, p.merged_into_id,
          p.dismiss_reason, p.closed_without_evidence, p.received_on, p.assigned_at, p.submitted_at, p.closed_at,
          p.created_by, p.created_at, p.updated_at, p.version, p.signed_at, p.reopened_at, p.reopen_cause,
          p.reopen_reason, p.reply_superseded"
    };
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow, serde::Serialize)]
pub struct ProblemRow {
    pub id: ProblemId,
    pub number: ProblemNumber,
    pub campaign_id: CampaignId,
    pub owner_unit_id: UnitId,
    pub title: String,
    pub description: String,
    pub category_id: Option<CategoryId>,
    pub channel: Channel,
    pub kind: FeedbackKind,
    pub priority: Priority,
    pub rectification_type: RectificationType,
    pub status: Status,
    pub signoff_stage: Option<SignoffStage>,
    pub lead_unit_id: Option<UnitId>,
    pub responsible_leader_id: Option<UserId>,
    pub responsible_person: Option<String>,
    pub deadline: Option<NaiveDate>,
    pub original_deadline: Option<NaiveDate>,
    pub extension_count: i32,
    pub root_cause: Option<String>,
    pub public_reply: Option<String>,
    pub verification_note: Option<String>,
    pub solved: Option<bool>,
    pub satisfaction: Option<Satisfaction>,
    pub published: bool,
    pub published_at: Option<DateTime<Utc>>,
    pub excluded_from_scoring: bool,
    pub exclusion_reason: Option<String>,
    pub manual_colour: Option<Colour>,
    pub manual_colour_reason: Option<String>,
    pub awaiting_resubmission: bool,
    pub next_measure_deadline: Option<NaiveDate>,
    pub sent_back_count: i32,
    pub reopen_count: i32,
    pub merged_into_id: Option<ProblemId>,
    pub dismiss_reason: Option<String>,
    pub closed_without_evidence: bool,
    pub received_on: NaiveDate,
    pub assigned_at: Option<DateTime<Utc>>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub created_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
    /// 签收: when the lead unit signed for its assignment.
    pub signed_at: Option<DateTime<Utc>>,
    pub reopened_at: Option<DateTime<Utc>>,
    pub reopen_cause: Option<ReopenCause>,
    /// The reason given, or the dissatisfied reporter's comment.
    pub reopen_reason: Option<String>,
    /// The public reply predates the last reopening and was not rewritten since.
    pub reply_superseded: bool,
}

/// What a new problem is made of; everything else starts empty (status `new`, version 1).
pub struct NewProblem {
    pub number: ProblemNumber,
    pub campaign_id: CampaignId,
    pub owner_unit_id: UnitId,
    pub title: String,
    pub description: String,
    pub category_id: Option<CategoryId>,
    pub channel: Channel,
    pub kind: FeedbackKind,
    pub priority: Priority,
    pub rectification_type: RectificationType,
    pub received_on: NaiveDate,
    pub created_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
}

impl ProblemRow {
    /// A new problem on the list, not yet assigned.
    pub fn new(n: NewProblem) -> Self {
        Self {
            id: ProblemId::new(0),
            number: n.number,
            campaign_id: n.campaign_id,
            owner_unit_id: n.owner_unit_id,
            title: n.title,
            description: n.description,
            category_id: n.category_id,
            channel: n.channel,
            kind: n.kind,
            priority: n.priority,
            rectification_type: n.rectification_type,
            status: Status::New,
            signoff_stage: None,
            lead_unit_id: None,
            responsible_leader_id: None,
            responsible_person: None,
            deadline: None,
            original_deadline: None,
            extension_count: 0,
            root_cause: None,
            public_reply: None,
            verification_note: None,
            solved: None,
            satisfaction: None,
            published: false,
            published_at: None,
            excluded_from_scoring: false,
            exclusion_reason: None,
            manual_colour: None,
            manual_colour_reason: None,
            awaiting_resubmission: false,
            next_measure_deadline: None,
            sent_back_count: 0,
            reopen_count: 0,
            merged_into_id: None,
            dismiss_reason: None,
            closed_without_evidence: false,
            received_on: n.received_on,
            assigned_at: None,
            submitted_at: None,
            closed_at: None,
            created_by: n.created_by,
            created_at: n.created_at,
            updated_at: n.created_at,
            version: 1,
            signed_at: None,
            reopened_at: None,
            reopen_cause: None,
            reopen_reason: None,
            reply_superseded: false,
        }
    }
}

/// Inserts a problem; `row.id` and `row.version` are ignored (the database assigns the id, the
/// version starts at 1).
pub async fn insert_problem(c: &mut Conn<'_>, row: &ProblemRow) -> Result<ProblemId> {
    let id: i64 = with_conn!(c, |c| {
        sqlx::query_scalar(
            r"insert into problems (number, campaign_id, owner_unit_id, title, description, category_id, channel,
                kind, priority, rectification_type, status, signoff_stage, lead_unit_id, responsible_leader_id,
                responsible_person, deadline, original_deadline, extension_count, root_cause, public_reply,
                verification_note, solved, satisfaction, published, published_at, excluded_from_scoring,
                exclusion_reason, manual_colour, manual_colour_reason, awaiting_resubmission, next_measure_deadline,
                sent_back_count, reopen_count, merged_into_id, dismiss_reason, closed_without_evidence, received_on,
                assigned_at, submitted_at, closed_at, created_by, created_at, updated_at, version)
              values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20,
                $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32, $33, $34, $35, $36, $37, $38, $39, $40,
                $41, $42, $43, 1)
              returning id",
        )
        .bind(&row.number)
        .bind(row.campaign_id)
        .bind(row.owner_unit_id)
        .bind(&row.title)
        .bind(&row.description)
        .bind(row.category_id)
        .bind(row.channel)
        .bind(row.kind)
        .bind(row.priority)
        .bind(row.rectification_type)
        .bind(row.status)
        .bind(row.signoff_stage)
        .bind(row.lead_unit_id)
        .bind(row.responsible_leader_id)
        .bind(&row.responsible_person)
        .bind(row.deadline)
        .bind(row.original_deadline)
        .bind(row.extension_count)
        .bind(&row.root_cause)
        .bind(&row.public_reply)
        .bind(&row.verification_note)
        .bind(row.solved)
        .bind(row.satisfaction)
        .bind(row.published)
        .bind(row.published_at)
        .bind(row.excluded_from_scoring)
        .bind(&row.exclusion_reason)
        .bind(row.manual_colour)
        .bind(&row.manual_colour_reason)
        .bind(row.awaiting_resubmission)
        .bind(row.next_measure_deadline)
        .bind(row.sent_back_count)
        .bind(row.reopen_count)
        .bind(row.merged_into_id)
        .bind(&row.dismiss_reason)
        .bind(row.closed_without_evidence)
        .bind(row.received_on)
        .bind(row.assigned_at)
        .bind(row.submitted_at)
        .bind(row.closed_at)
        .bind(row.created_by)
        .bind(row.created_at)
        .bind(row.updated_at)
        .fetch_one(&mut *c)
        .await
        .map_err(db_err)?
    });
    Ok(ProblemId::new(id))
}

/// Writes every mutable field of `row` if the stored version is still `row.version`, and bumps the
/// version. Returns the new version, or `stale_version` naming the version the row is at.
pub async fn update_problem(c: &mut Conn<'_>, row: &ProblemRow) -> Result<i64> {
    let affected = with_conn!(c, |c| {
        sqlx::query(
            r"update problems set title = $3, description = $4, category_id = $5, channel = $6, kind = $7,
                priority = $8, rectification_type = $9, status = $10, signoff_stage = $11, lead_unit_id = $12,
                responsible_leader_id = $13, responsible_person = $14, deadline = $15, original_deadline = $16,
                extension_count = $17, root_cause = $18, public_reply = $19, verification_note = $20, solved = $21,
                satisfaction = $22, published = $23, published_at = $24, excluded_from_scoring = $25,
                exclusion_reason = $26, manual_colour = $27, manual_colour_reason = $28,
                awaiting_resubmission = $29, next_measure_deadline = $30, sent_back_count = $31,
                reopen_count = $32, merged_into_id = $33, dismiss_reason = $34, closed_without_evidence = $35,
                assigned_at = $36, submitted_at = $37, closed_at = $38, updated_at = $39,
                campaign_id = $40, owner_unit_id = $41, signed_at = $42, reopened_at = $43, reopen_cause = $44,
                reopen_reason = $45, reply_superseded = $46, version = version + 1
              where id = $1 and version = $2",
        )
        .bind(row.id)
        .bind(row.version)
        .bind(&row.title)
        .bind(&row.description)
        .bind(row.category_id)
        .bind(row.channel)
        .bind(row.kind)
        .bind(row.priority)
        .bind(row.rectification_type)
        .bind(row.status)
        .bind(row.signoff_stage)
        .bind(row.lead_unit_id)
        .bind(row.responsible_leader_id)
        .bind(&row.responsible_person)
        .bind(row.deadline)
        .bind(row.original_deadline)
        .bind(row.extension_count)
        .bind(&row.root_cause)
        .bind(&row.public_reply)
        .bind(&row.verification_note)
        .bind(row.solved)
        .bind(row.satisfaction)
        .bind(row.published)
        .bind(row.published_at)
        .bind(row.excluded_from_scoring)
        .bind(&row.exclusion_reason)
        .bind(row.manual_colour)
        .bind(&row.manual_colour_reason)
        .bind(row.awaiting_resubmission)
        .bind(row.next_measure_deadline)
        .bind(row.sent_back_count)
        .bind(row.reopen_count)
        .bind(row.merged_into_id)
        .bind(&row.dismiss_reason)
        .bind(row.closed_without_evidence)
        .bind(row.assigned_at)
        .bind(row.submitted_at)
        .bind(row.closed_at)
        .bind(row.updated_at)
        .bind(row.campaign_id)
        .bind(row.owner_unit_id)
        .bind(row.signed_at)
        .bind(row.reopened_at)
        .bind(row.reopen_cause)
        .bind(&row.reopen_reason)
        .bind(row.reply_superseded)
        .execute(&mut *c)
        .await
        .map_err(db_err)?
        .rows_affected()
    });
    if affected == 1 {
        return Ok(row.version + 1);
    }
    let current: Option<i64> = with_conn!(c, |c| {
        sqlx::query_scalar("select version from problems where id = $1")
            .bind(row.id)
            .fetch_optional(&mut *c)
            .await
            .map_err(db_err)?
    });
    match current {
        Some(current) => Err(Error::StaleVersion { sent: row.version, current }),
        None => Err(Error::not_found("problem")),
    }
}

/// The problems with these ids, in no particular order (a ledger export reads them in chunks).
pub async fn get_problems(c: &mut Conn<'_>, ids: &[ProblemId]) -> Result<Vec<ProblemRow>> {
    let sql = format!(
        "select {} from problems p where p.id in {}",
        problem_columns!(),
        crate::id_list(ids.iter().map(|id| id.get()))
    );
    with_conn!(c, |c| sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).fetch_all(&mut *c).await.map_err(db_err))
}

pub async fn get_problem(c: &mut Conn<'_>, id: ProblemId) -> Result<Option<ProblemRow>> {
    with_conn!(c, |c| {
        sqlx::query_as(concat!("select ", problem_columns!(), " from problems p where p.id = $1"))
            .bind(id.get())
            .fetch_optional(&mut *c)
            .await
            .map_err(db_err)
    })
}

/// A problem with where it sits in the unit tree and the names its summary shows, read in one
/// query (what a use case loads before it checks and changes the problem).
#[derive(Debug, Clone)]
pub struct Placed {
    pub row: ProblemRow,
    pub owner_path: String,
    pub lead_path: Option<String>,
    pub lead_unit_name: Option<String>,
    pub category_name: Option<String>,
    pub cooperating: Vec<LinkedUnit>,
    /// An extension request awaits a decision.
    pub extension_pending: bool,
}

#[derive(sqlx::FromRow)]
struct PlacedRow {
    #[sqlx(flatten)]
    row: ProblemRow,
    owner_path: String,
    lead_path: Option<String>,
    lead_unit_name: Option<String>,
    category_name: Option<String>,
    /// The cooperating units as a JSON array (each backend aggregates in its own dialect).
    cooperating: Option<String>,
    extension_pending: bool,
}

pub async fn get_placed(c: &mut Conn<'_>, id: ProblemId) -> Result<Option<Placed>> {
    let from = r"from problems p join units o on o.id = p.owner_unit_id left join units l on l.id = p.lead_unit_id
              left join categories cat on cat.id = p.category_id where p.id = $1";
    let names = ", o.path as owner_path, l.path as lead_path, l.name as lead_unit_name, cat.name as category_name, \
        exists (select 1 from extension_requests e where e.problem_id = p.id and e.status = 'pending') as extension_pending";
    let row: Option<PlacedRow> = match c {
        Conn::Sqlite(c) => {
            let coop = ", (select json_group_array(json_object('id', x.id, 'name', x.name, 'path', x.path)) from \
                (select u.id, u.name, u.path from problem_units pu join units u on u.id = pu.unit_id \
                 where pu.problem_id = p.id order by u.id) x) as cooperating ";
            let sql = format!("select {}{names}{coop}{from}", problem_columns!());
            crate::queries::note();
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id.get()).fetch_optional(&mut **c).await.map_err(db_err)?
        }
        Conn::Postgres(c) => {
            let coop = ", (select json_agg(json_build_object('id', u.id, 'name', u.name, 'path', u.path) order by u.id)::text \
                from problem_units pu join units u on u.id = pu.unit_id where pu.problem_id = p.id) as cooperating ";
            let sql = format!("select {}{names}{coop}{from}", problem_columns!());
            crate::queries::note();
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id.get()).fetch_optional(&mut **c).await.map_err(db_err)?
        }
    };
    row.map(|r| {
        let cooperating = match r.cooperating.as_deref() {
            None | Some("") => vec![],
            Some(json) => serde_json::from_str(json)
                .map_err(|e| Error::internal(format!("problem {id}: cooperating units unreadable: {e}")))?,
        };
        Ok(Placed {
            row: r.row,
            owner_path: r.owner_path,
            lead_path: r.lead_path,
            lead_unit_name: r.lead_unit_name,
            category_name: r.category_name,
            cooperating,
            extension_pending: r.extension_pending,
        })
    })
    .transpose()
}

pub async fn get_problem_by_number(c: &mut Conn<'_>, number: &str) -> Result<Option<ProblemRow>> {
    with_conn!(c, |c| {
        sqlx::query_as(concat!("select ", problem_columns!(), " from problems p where p.number = $1"))
            .bind(number)
            .fetch_optional(&mut *c)
            .await
            .map_err(db_err)
    })
}

/// The numbers ending in the suffix bound at `param` (`-000401`): that sequence under every prefix
/// and year numbers were given in (the counters name them), so that the unique index on the number
/// finds them.
pub(crate) fn numbers_ending_in(param: &str) -> String {
    format!("select prefix || '-' || cast(year as text) || {param} from number_counters")
}

/// The problems whose numbers end in `suffix` (`-000401`), see [`numbers_ending_in`].
pub async fn ids_by_sequence(c: &mut Conn<'_>, suffix: &str) -> Result<Vec<ProblemId>> {
    let sql = format!("select id from problems where number in ({}) order by id", numbers_ending_in("$1"));
    with_conn!(c, |c| {
        sqlx::query_scalar(sqlx::AssertSqlSafe(sql.clone())).bind(suffix).fetch_all(&mut *c).await.map_err(db_err)
    })
}

/// A unit linked to a problem, with what the access rules and the views need.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct LinkedUnit {
    pub id: UnitId,
    pub name: String,
    pub path: String,
}

/// Replaces a problem's cooperating units `before` with `units`: nothing is sent when they are
/// the same, and nothing removed when there were none.
pub async fn set_cooperating_units(
    c: &mut Conn<'_>,
    problem: ProblemId,
    before: &[UnitId],
    units: &[UnitId],
) -> Result<()> {
    if before == units {
        return Ok(());
    }
    let had_any = !before.is_empty();
    with_conn!(c, |c| {
        if had_any {
            sqlx::query("delete from problem_units where problem_id = $1")
                .bind(problem.get())
                .execute(&mut *c)
                .await
                .map_err(db_err)?;
        }
        for (i, unit) in units.iter().enumerate() {
            if had_any || i > 0 {
                crate::queries::note();
            }
            sqlx::query("insert into problem_units (problem_id, unit_id) values ($1, $2)")
                .bind(problem.get())
                .bind(unit.get())
                .execute(&mut *c)
                .await
                .map_err(db_err)?;
        }
    });
    Ok(())
}

/// Recomputes the earliest deadline among a problem's measures not yet done (a cache for the
/// yellow flag, so that lists can filter by colour without a join).
pub async fn refresh_next_measure_deadline(c: &mut Conn<'_>, problem: ProblemId) -> Result<Option<NaiveDate>> {
    with_conn!(c, |c| {
        let next: Option<NaiveDate> = sqlx::query_scalar(
            "select min(deadline) from measures where problem_id = $1 and status <> 'done' and deadline is not null",
        )
        .bind(problem.get())
        .fetch_one(&mut *c)
        .await
        .map_err(db_err)?;
        crate::queries::note();
        sqlx::query("update problems set next_measure_deadline = $1 where id = $2")
            .bind(next)
            .bind(problem.get())
            .execute(&mut *c)
            .await
            .map_err(db_err)?;
        Ok(next)
    })
}

/// Problems merged into `target`.
pub async fn list_merged_into(c: &mut Conn<'_>, target: ProblemId) -> Result<Vec<(i64, String)>> {
    with_conn!(c, |c| {
        sqlx::query_as("select id, number from problems where merged_into_id = $1 order by id")
            .bind(target.get())
            .fetch_all(&mut *c)
            .await
            .map_err(db_err)
    })
}

/// A problem whose routing a person decided: its text, category and lead unit.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DecidedRouting {
    pub text: String,
    pub category_id: Option<CategoryId>,
    pub lead_unit_id: Option<UnitId>,
}

/// The newest `limit` problems with a category or lead unit decided (dismissed and merged ones left
/// out: their routing was never confirmed).
pub async fn decided_routing(c: &mut Conn<'_>, limit: i64) -> Result<Vec<DecidedRouting>> {
    with_conn!(c, |c| {
        sqlx::query_as(
            "select title || ' ' || description as text, category_id, lead_unit_id from problems \
             where (category_id is not null or lead_unit_id is not null) and status not in ('dismissed', 'merged') \
             order by id desc limit $1",
        )
        .bind(limit)
        .fetch_all(&mut *c)
        .await
        .map_err(db_err)
    })
}

/// How many problems have a decided routing (see [`decided_routing`]).
pub async fn count_decided_routing(c: &mut Conn<'_>) -> Result<i64> {
    with_conn!(c, |c| {
        sqlx::query_scalar(
            "select count(*) from problems \
             where (category_id is not null or lead_unit_id is not null) and status not in ('dismissed', 'merged')",
        )
        .fetch_one(&mut *c)
        .await
        .map_err(db_err)
    })
}

/// The newest `limit` public replies, to judge a reply against (套话 is what many replies say).
pub async fn recent_replies(c: &mut Conn<'_>, limit: i64) -> Result<Vec<String>> {
    with_conn!(c, |c| {
        sqlx::query_scalar("select public_reply from problems where public_reply is not null order by id desc limit $1")
            .bind(limit)
            .fetch_all(&mut *c)
            .await
            .map_err(db_err)
    })
}
