//! Listing problems: filters, the derived overdue and colour flags computed in SQL (so that they
//! filter and page correctly), sorting and keyset ("cursor") pagination.

use crate::columns::{ReadColumns, SqlxColumns};
use crate::problems::ProblemRow;
use crate::sqlite_reader::{Columns, SqliteReader, read_err};
use crate::{Backend, Bind, Conn, Db, Result, db_err, search};
use chrono::{DateTime, NaiveDate, Utc};
use domain::feedback::Channel;
use domain::problem::{NumberQuery, Priority, ProblemNumber, RectificationType, ReopenCause};
use domain::supervision::Colour;
use domain::workflow::{SignoffStage, Status};
use domain::{CampaignId, CategoryId, ProblemId, UnitId, UserId};

/// A problem as a list shows it: only the columns a list needs (a page is read on every view of
/// the list, so each column costs). The names of its lead unit and category are app's to add.
#[derive(Debug, Clone)]
pub struct ProblemListRow {
    pub id: ProblemId,
    pub number: ProblemNumber,
    pub title: String,
    pub status: Status,
    pub signoff_stage: Option<SignoffStage>,
    pub campaign_id: CampaignId,
    pub lead_unit_id: Option<UnitId>,
    pub category_id: Option<CategoryId>,
    pub channel: Channel,
    pub priority: Priority,
    pub rectification_type: RectificationType,
    pub deadline: Option<NaiveDate>,
    pub next_measure_deadline: Option<NaiveDate>,
    pub awaiting_resubmission: bool,
    pub manual_colour: Option<Colour>,
    pub published: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
    pub assigned_at: Option<DateTime<Utc>>,
    pub signed_at: Option<DateTime<Utc>>,
    pub reopened_at: Option<DateTime<Utc>>,
    pub reopen_cause: Option<ReopenCause>,
    pub reopen_reason: Option<String>,
}

impl ProblemListRow {
    /// The list's view of a full row.
    pub fn from_problem(p: &ProblemRow) -> Self {
        Self {
            id: p.id,
            number: p.number.clone(),
            title: p.title.clone(),
            status: p.status,
            signoff_stage: p.signoff_stage,
            campaign_id: p.campaign_id,
            lead_unit_id: p.lead_unit_id,
            category_id: p.category_id,
            channel: p.channel,
            priority: p.priority,
            rectification_type: p.rectification_type,
            deadline: p.deadline,
            next_measure_deadline: p.next_measure_deadline,
            awaiting_resubmission: p.awaiting_resubmission,
            manual_colour: p.manual_colour,
            published: p.published,
            created_at: p.created_at,
            updated_at: p.updated_at,
            version: p.version,
            assigned_at: p.assigned_at,
            signed_at: p.signed_at,
            reopened_at: p.reopened_at,
            reopen_cause: p.reopen_cause,
            reopen_reason: p.reopen_reason.clone(),
        }
    }
}

pub(crate) const LIST_COLUMNS: &str = "p.id, p.number, p.title, p.status, p.signoff_stage, p.campaign_id, p.lead_unit_id, \
    p.category_id, p.channel, p.priority, p.rectification_type, p.deadline, p.next_measure_deadline, \
    p.awaiting_resubmission, p.manual_colour, p.published, p.created_at, p.updated_at, p.version, p.assigned_at, \
    p.signed_at, p.reopened_at, p.reopen_cause, p.reopen_reason";

/// Who is asking, when they may not see everything: problems are visible when the owner unit, the
/// lead unit or a cooperating unit lies in the subtree `path_prefix`, or the user is the
/// responsible leader.
#[derive(Debug, Clone)]
pub struct Visibility {
    pub path_prefix: String,
    pub user_id: UserId,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    Created,
    Deadline,
    Updated,
    Number,
}

/// Where the previous page ended.
#[derive(Debug, Clone, PartialEq)]
pub enum CursorValue {
    Id,
    Date(NaiveDate),
    Time(DateTime<Utc>),
    Text(String),
}

#[derive(Debug, Clone)]
pub struct After {
    pub value: CursorValue,
    pub id: ProblemId,
}

#[derive(Debug, Clone)]
pub struct ProblemFilter {
    pub visibility: Option<Visibility>,
    pub published_only: bool,
    pub statuses: Vec<Status>,
    /// Lead unit among these (a unit and its sub-units).
    pub lead_unit_ids: Vec<UnitId>,
    pub category_ids: Vec<CategoryId>,
    pub channel: Option<Channel>,
    pub rectification_type: Option<RectificationType>,
    pub campaign_id: Option<CampaignId>,
    pub overdue: Option<bool>,
    pub colour: Option<Colour>,
    pub deadline_from: Option<NaiveDate>,
    pub deadline_to: Option<NaiveDate>,
    pub signoff_stage: Option<SignoffStage>,
    pub responsible_leader_id: Option<UserId>,
    /// Sent back and not yet resubmitted.
    pub sent_back: Option<bool>,
    /// Assigned and not signed for since (`domain::problem::signed_for`).
    pub awaiting_sign_for: Option<bool>,
    /// Reopened and not submitted since.
    pub reopened: Option<bool>,
    /// Received on or after / on or before.
    pub received_from: Option<NaiveDate>,
    pub received_to: Option<NaiveDate>,
    /// Signed off (销号) on or after / on or before, by the day in China.
    pub closed_from: Option<NaiveDate>,
    pub closed_to: Option<NaiveDate>,
    /// Counted under this figure of the ranking (see [`crate::rates`]).
    pub tally: Option<domain::rates::Tally>,
    /// A problem number, whole or by its sequence (so that one can be looked up by number).
    pub number: Option<NumberQuery>,
    /// Every one of these words (segmented like the index) in the title or description.
    /// With `number` too, either matches.
    pub words: Option<Vec<String>>,
    /// Best match first (one page, no cursor) when `words` are given.
    pub by_relevance: bool,
    pub today: NaiveDate,
    pub due_soon_cutoff: NaiveDate,
    pub sort: SortKey,
    pub descending: bool,
    pub after: Option<After>,
    pub limit: i64,
}

/// The condition for a problem number: the whole number, or a sequence under every prefix and
/// year (see [`crate::problems::numbers_ending_in`]).
fn number_condition(q: &mut Sql, n: &NumberQuery) -> String {
    match n {
        NumberQuery::Exact(number) => format!("p.number = {}", q.bind(Bind::Text(number.as_str().to_string()))),
        NumberQuery::Sequence(_) => {
            let suffix = q.bind(Bind::Text(n.sequence_suffix().unwrap_or_default()));
            format!("p.number in ({})", crate::problems::numbers_ending_in(&suffix))
        }
    }
}

/// Far-future stand-in for "no deadline", so that problems without one sort last.
pub const NO_DEADLINE: NaiveDate = match NaiveDate::from_ymd_opt(9999, 12, 31) {
    Some(d) => d,
    None => NaiveDate::MAX,
};

pub(crate) const OPEN: &str = "p.status in ('new', 'assigned', 'submitted')";

/// The colour's rank (0 none, 1 blue, 2 yellow, 3 red), the higher of the derived one and the
/// manual flag. `{t}` is today's placeholder, `{c}` the due-soon cutoff's.
pub(crate) fn colour_rank_sql(t: &str, c: &str) -> String {
    let derived = format!(
        "(case when {OPEN} and p.deadline < {t} then 3 \
          when {OPEN} and (p.next_measure_deadline < {t} or p.awaiting_resubmission) then 2 \
          when {OPEN} and p.deadline <= {c} then 1 else 0 end)"
    );
    let manual = format!(
        "(case when {OPEN} then (case p.manual_colour when 'red' then 3 when 'yellow' then 2 when 'blue' then 1 else 0 end) else 0 end)"
    );
    format!("(case when {derived} >= {manual} then {derived} else {manual} end)")
}

struct Sql {
    text: String,
    binds: Vec<Bind>,
}

impl Sql {
    fn bind(&mut self, b: Bind) -> String {
        self.binds.push(b);
        format!("${}", self.binds.len())
    }
}

/// The condition that a problem (`p`, with owner unit `ou` and lead unit `lu` joined) is visible
/// to the user `uid` whose subtree is the path pattern `pat`.
pub(crate) fn visibility_sql(pat: &str, uid: &str) -> String {
    format!(
        "(ou.path like {pat} or lu.path like {pat} or p.responsible_leader_id = {uid} or exists \
         (select 1 from problem_units pu join units cu on cu.id = pu.unit_id \
          where pu.problem_id = p.id and cu.path like {pat}))"
    )
}

/// What a statement built from a filter reads: a page of rows, or how many rows match.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    Page,
    Count,
}

fn build(f: &ProblemFilter, backend: Backend) -> Sql {
    build_as(f, backend, Shape::Page)
}

fn build_as(f: &ProblemFilter, backend: Backend, shape: Shape) -> Sql {
    let mut q = Sql { text: String::new(), binds: Vec::new() };
    let mut conds: Vec<String> = Vec::new();
    if let Some(v) = &f.visibility {
        let pat = q.bind(Bind::Text(format!("{}%", v.path_prefix)));
        let uid = q.bind(Bind::I64(v.user_id.get()));
        conds.push(visibility_sql(&pat, &uid));
    }
    if f.published_only {
        let t = q.bind(Bind::Bool(true));
        conds.push(format!("p.published = {t}"));
    }
    if !f.statuses.is_empty() {
        let list: Vec<String> = f.statuses.iter().map(|s| q.bind(Bind::Text(s.as_str().to_owned()))).collect();
        conds.push(format!("p.status in ({})", list.join(", ")));
    }
    if !f.lead_unit_ids.is_empty() {
        let list: Vec<String> = f.lead_unit_ids.iter().map(|id| q.bind(Bind::I64(id.get()))).collect();
        conds.push(format!("p.lead_unit_id in ({})", list.join(", ")));
    }
    if !f.category_ids.is_empty() {
        let list: Vec<String> = f.category_ids.iter().map(|id| q.bind(Bind::I64(id.get()))).collect();
        conds.push(format!("p.category_id in ({})", list.join(", ")));
    }
    if let Some(channel) = &f.channel {
        let b = q.bind(Bind::Text(channel.as_str().to_owned()));
        conds.push(format!("p.channel = {b}"));
    }
    if let Some(t) = &f.rectification_type {
        let b = q.bind(Bind::Text(t.as_str().to_owned()));
        conds.push(format!("p.rectification_type = {b}"));
    }
    if let Some(id) = f.campaign_id {
        let b = q.bind(Bind::I64(id.get()));
        conds.push(format!("p.campaign_id = {b}"));
    }
    if let Some(overdue) = f.overdue {
        let t = q.bind(Bind::Date(f.today));
        let expr = format!("({OPEN} and p.deadline < {t})");
        conds.push(if overdue { expr } else { format!("not {expr}") });
    }
    if let Some(colour) = &f.colour {
        let t = q.bind(Bind::Date(f.today));
        let c = q.bind(Bind::Date(f.due_soon_cutoff));
        let rank = colour.rank();
        conds.push(format!("{} = {rank}", colour_rank_sql(&t, &c)));
    }
    if let Some(from) = f.deadline_from {
        let b = q.bind(Bind::Date(from));
        conds.push(format!("p.deadline >= {b}"));
    }
    if let Some(to) = f.deadline_to {
        let b = q.bind(Bind::Date(to));
        conds.push(format!("p.deadline <= {b}"));
    }
    if let Some(stage) = &f.signoff_stage {
        let b = q.bind(Bind::Text(stage.as_str().to_owned()));
        conds.push(format!("p.signoff_stage = {b}"));
    }
    if let Some(leader) = f.responsible_leader_id {
        let b = q.bind(Bind::I64(leader.get()));
        conds.push(format!("p.responsible_leader_id = {b}"));
    }
    if let Some(sent_back) = f.sent_back {
        let b = q.bind(Bind::Bool(sent_back));
        conds.push(format!("p.awaiting_resubmission = {b}"));
    }
    if let Some(awaiting) = f.awaiting_sign_for {
        let expr = "(p.status = 'assigned' and (p.signed_at is null or p.signed_at < p.assigned_at))";
        conds.push(if awaiting { expr.to_string() } else { format!("not {expr}") });
    }
    if let Some(reopened) = f.reopened {
        let expr = "(p.status = 'assigned' and p.reopened_at is not null \
                    and (p.submitted_at is null or p.submitted_at <= p.reopened_at))";
        conds.push(if reopened { expr.to_string() } else { format!("not {expr}") });
    }
    if let Some(from) = f.received_from {
        let b = q.bind(Bind::Date(from));
        conds.push(format!("p.received_on >= {b}"));
    }
    if let Some(to) = f.received_to {
        let b = q.bind(Bind::Date(to));
        conds.push(format!("p.received_on <= {b}"));
    }
    if f.closed_from.is_some() || f.closed_to.is_some() {
        conds.push("p.status = 'closed'".to_string());
    }
    if let Some(from) = f.closed_from {
        let b = q.bind(Bind::Time(domain::clock::start_of_day(from)));
        conds.push(format!("p.closed_at >= {b}"));
    }
    if let Some(to) = f.closed_to {
        let b = q.bind(Bind::Time(domain::clock::start_of_day(to + chrono::Duration::days(1))));
        conds.push(format!("p.closed_at < {b}"));
    }
    if let Some(tally) = f.tally {
        // Today is bound only where the figure reads it: SQLite refuses a value with no place.
        let t = format!("${}", q.binds.len() + 1);
        let cond = crate::rates::tally_sql(tally, backend, &t);
        if cond.contains(&t) {
            q.bind(Bind::Date(f.today));
        }
        conds.push(cond);
    }
    let mut join = String::new();
    let mut relevance = None;
    // The order that reads the newest matches first, for ranking the newest of them.
    let mut newest_first = String::new();
    if let Some(words) = &f.words {
        let b = q.bind(Bind::Text(search::match_value(backend, words)));
        let m = search::text_match(backend, search::Doc::Problems, "p", &b);
        let number = f.number.as_ref().map(|n| number_condition(&mut q, n));
        // A problem found by its number is among those ranked however many newer ones hold the words.
        newest_first = match &number {
            Some(number) => format!("{number} desc, p.id desc"),
            None => m.newest_first.clone(),
        };
        relevance = Some(m.clone());
        match (m.condition, number) {
            // A left join keeps problems that match by number only.
            (None, Some(number)) => {
                join = format!("left {}", m.join);
                conds.push(format!("(hit.hit_id is not null or {number})"));
            }
            (None, None) => join = m.join,
            (Some(cond), Some(number)) => conds.push(format!("({cond} or {number})")),
            (Some(cond), None) => conds.push(cond),
        }
    } else if let Some(n) = &f.number {
        conds.push(number_condition(&mut q, n));
    }
    let relevance = relevance.filter(|_| f.by_relevance);
    let key = match f.sort {
        SortKey::Created => "p.id".to_string(),
        SortKey::Deadline => {
            let b = q.bind(Bind::Date(NO_DEADLINE));
            format!("coalesce(p.deadline, {b})")
        }
        SortKey::Updated => "p.updated_at".to_string(),
        SortKey::Number => "p.number".to_string(),
    };
    let (cmp, dir) = if f.descending { ("<", "desc") } else { (">", "asc") };
    if let Some(after) = f.after.as_ref().filter(|_| relevance.is_none() && shape == Shape::Page) {
        let id = q.bind(Bind::I64(after.id.get()));
        let value = match &after.value {
            CursorValue::Id => None,
            CursorValue::Date(d) => Some(Bind::Date(*d)),
            CursorValue::Time(t) => Some(Bind::Time(*t)),
            CursorValue::Text(s) => Some(Bind::Text(s.clone())),
        };
        match value {
            None => conds.push(format!("p.id {cmp} {id}")),
            Some(v) => {
                let v = q.bind(v);
                conds.push(format!("({key} {cmp} {v} or ({key} = {v} and p.id {cmp} {id}))"));
            }
        }
    }
    // The limit is written into the statement, not bound: SQLite compiles a statement again
    // whenever a bound limit is rebound (its planner uses the value), which cost more than the read.
    let limit = (f.limit + 1).to_string();
    let where_ = if conds.is_empty() { String::new() } else { format!("where {}", conds.join(" and ")) };
    // The owner and lead units are joined only for the visibility condition: a reader who sees
    // everything spares two look-ups per row (their names come from app's maps, not from here).
    let units = if f.visibility.is_some() {
        "join units ou on ou.id = p.owner_unit_id left join units lu on lu.id = p.lead_unit_id"
    } else {
        ""
    };
    if shape == Shape::Count {
        q.text = format!("select count(*) from problems p {units} {join} {where_}");
        return q;
    }
    let select = |extra: &str, order: &str, limit: &str| {
        format!("select {LIST_COLUMNS}{extra} from problems p {units} {join} {where_} order by {order} limit {limit}")
    };
    q.text = match relevance {
        // The best of the newest matches first; the id breaks ties so that the order is stable.
        Some(m) => search::best_of_newest(
            &select(&format!(", {} as hit_rank", m.relevance), &newest_first, &search::RANKED.to_string()),
            &m,
            &limit,
        ),
        None if f.sort == SortKey::Created => select("", &format!("p.id {dir}"), &limit),
        None => select("", &format!("{key} {dir}, p.id {dir}"), &limit),
    };
    q
}

/// One page of problems and whether another follows. On a SQLite file the page is read through
/// the lean reader (no connection from the pool is taken); elsewhere through the pool.
pub async fn read_page(db: &Db, f: &ProblemFilter) -> Result<(Vec<ProblemListRow>, bool)> {
    if let Db::Sqlite(_, crate::SqliteSide { reader: Some(reader), .. }) = db {
        return read_page_sqlite(reader, f).await;
    }
    let mut pooled = db.acquire().await?;
    list_problems(&mut pooled.conn(), f).await
}

/// One page of problems and whether another follows, on a connection the caller holds.
pub async fn list_problems(c: &mut Conn<'_>, f: &ProblemFilter) -> Result<(Vec<ProblemListRow>, bool)> {
    let q = build(f, c.backend());
    let rows: Vec<ProblemListRow> = with_conn!(c, |c| {
        bind_all!(sqlx::query(sqlx::AssertSqlSafe(q.text.clone())), &q.binds)
            .fetch_all(&mut *c)
            .await
            .map_err(db_err)?
            .iter()
            .map(|row| list_row(&mut SqlxColumns::new(row)))
            .collect::<Result<_>>()?
    });
    Ok(page_of(rows, f.limit))
}

/// How many problems match the filter (its cursor, order and limit aside).
pub async fn count(db: &Db, f: &ProblemFilter) -> Result<i64> {
    let q = build_as(f, db.backend(), Shape::Count);
    let mut pooled = db.acquire().await?;
    let mut c = pooled.conn();
    Ok(with_conn!(&mut c, |c| {
        bind_all!(sqlx::query_scalar(sqlx::AssertSqlSafe(q.text.clone())), &q.binds)
            .fetch_one(&mut *c)
            .await
            .map_err(db_err)?
    }))
}

async fn read_page_sqlite(reader: &SqliteReader, f: &ProblemFilter) -> Result<(Vec<ProblemListRow>, bool)> {
    let q = build(f, Backend::Sqlite);
    crate::queries::note();
    let limit = f.limit;
    let rows = reader
        .with(|c| {
            let mut stmt = c.prepare_cached(&q.text).map_err(read_err)?;
            crate::sqlite_reader::bind_all(&mut stmt, &q.binds)?;
            let mut rows = stmt.raw_query();
            let mut out = Vec::with_capacity(usize::try_from(limit + 1).unwrap_or(0));
            while let Some(row) = rows.next().map_err(read_err)? {
                out.push(list_row(&mut Columns::new(row))?);
            }
            Ok(out)
        })
        .await?;
    Ok(page_of(rows, f.limit))
}

/// A row of [`LIST_COLUMNS`], by position.
pub(crate) fn list_row<'r>(c: &mut impl ReadColumns<'r>) -> Result<ProblemListRow> {
    Ok(ProblemListRow {
        id: ProblemId::new(c.i64()?),
        number: c.parsed(ProblemNumber::parse)?,
        title: c.text()?,
        status: c.parsed(Status::parse)?,
        signoff_stage: c.opt_parsed(SignoffStage::parse)?,
        campaign_id: CampaignId::new(c.i64()?),
        lead_unit_id: c.opt_i64()?.map(UnitId::new),
        category_id: c.opt_i64()?.map(CategoryId::new),
        channel: c.parsed(Channel::parse)?,
        priority: c.parsed(Priority::parse)?,
        rectification_type: c.parsed(RectificationType::parse)?,
        deadline: c.opt_date()?,
        next_measure_deadline: c.opt_date()?,
        awaiting_resubmission: c.bool()?,
        manual_colour: c.opt_parsed(Colour::parse)?,
        published: c.bool()?,
        created_at: c.time()?,
        updated_at: c.time()?,
        version: c.i64()?,
        assigned_at: c.opt_time()?,
        signed_at: c.opt_time()?,
        reopened_at: c.opt_time()?,
        reopen_cause: c.opt_parsed(ReopenCause::parse)?,
        reopen_reason: c.opt_text()?,
    })
}

/// The rows asked for, and whether the one more that was read shows another page.
fn page_of(mut rows: Vec<ProblemListRow>, limit: i64) -> (Vec<ProblemListRow>, bool) {
    let more = rows.len() as i64 > limit;
    rows.truncate(usize::try_from(limit).unwrap_or(0));
    (rows, more)
}

/// The cursor value of a row under a sort.
pub fn cursor_of(row: &ProblemListRow, sort: SortKey) -> After {
    let value = match sort {
        SortKey::Created => CursorValue::Id,
        SortKey::Deadline => CursorValue::Date(row.deadline.unwrap_or(NO_DEADLINE)),
        SortKey::Updated => CursorValue::Time(row.updated_at),
        SortKey::Number => CursorValue::Text(row.number.as_str().to_string()),
    };
    After { value, id: row.id }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter() -> ProblemFilter {
        ProblemFilter {
            visibility: None,
            published_only: false,
            statuses: vec![],
            lead_unit_ids: vec![],
            category_ids: vec![],
            channel: None,
            rectification_type: None,
            campaign_id: None,
            overdue: None,
            colour: None,
            deadline_from: None,
            deadline_to: None,
            signoff_stage: None,
            responsible_leader_id: None,
            sent_back: None,
            awaiting_sign_for: None,
            reopened: None,
            received_from: None,
            received_to: None,
            closed_from: None,
            closed_to: None,
            tally: None,
            number: None,
            words: None,
            by_relevance: false,
            today: NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(),
            due_soon_cutoff: NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
            sort: SortKey::Created,
            descending: true,
            after: None,
            limit: 50,
        }
    }

    #[test]
    fn placeholders_are_numbered_in_the_order_values_are_bound() {
        let mut f = filter();
        f.statuses = vec![Status::New, Status::Assigned];
        f.lead_unit_ids = vec![UnitId::new(2), UnitId::new(7)];
        f.sort = SortKey::Deadline;
        f.after = Some(After {
            value: CursorValue::Date(NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()),
            id: ProblemId::new(9),
        });
        let q = build(&f, Backend::Sqlite);
        let n = q.binds.len();
        for i in 1..=n {
            assert!(q.text.contains(&format!("${i}")), "${i} missing in {}", q.text);
        }
        assert!(!q.text.contains(&format!("${}", n + 1)));
        assert!(q.text.contains("order by coalesce(p.deadline"));
    }
}
