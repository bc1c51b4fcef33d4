//! Aggregates for the dashboard: counts by state and colour, the rows the rates are computed
//! from, the weekly trend and the figures per lead unit. All over the problems a user may see.

use crate::problem_list::{OPEN, Visibility, colour_rank_sql, visibility_sql};
use crate::{Bind, Conn, Result, db_err};
use chrono::{DateTime, NaiveDate, Utc};

/// Builds `from problems p … where <visible> [and campaign]` with its binds.
fn scope(visibility: Option<&Visibility>, campaign: Option<i64>, binds: &mut Vec<Bind>) -> String {
    let mut conds = vec!["1 = 1".to_string()];
    if let Some(v) = visibility {
        binds.push(Bind::Text(format!("{}%", v.path_prefix)));
        let pat = format!("${}", binds.len());
        binds.push(Bind::I64(v.user_id.get()));
        let uid = format!("${}", binds.len());
        conds.push(visibility_sql(&pat, &uid));
    }
    if let Some(c) = campaign {
        binds.push(Bind::I64(c));
        conds.push(format!("p.campaign_id = ${}", binds.len()));
    }
    format!(
        "from problems p join units ou on ou.id = p.owner_unit_id left join units lu on lu.id = p.lead_unit_id \
         where {}",
        conds.join(" and ")
    )
}

#[derive(Debug, Clone, Default, sqlx::FromRow)]
pub struct Totals {
    pub total: i64,
    pub new: i64,
    pub assigned: i64,
    pub submitted: i64,
    pub closed: i64,
    pub dismissed: i64,
    pub merged: i64,
    pub overdue: i64,
    pub red: i64,
    pub yellow: i64,
    pub blue: i64,
    /// Assigned or later with a measure, a note or a report: responded to.
    pub responded: i64,
    pub taken_on: i64,
    pub rated_solved: i64,
    pub solved: i64,
    pub rated: i64,
    pub satisfied: i64,
}

pub async fn totals(
    c: &mut Conn<'_>,
    visibility: Option<&Visibility>,
    campaign: Option<i64>,
    today: NaiveDate,
    cutoff: NaiveDate,
) -> Result<Totals> {
    let mut binds = Vec::new();
    let from = scope(visibility, campaign, &mut binds);
    binds.push(Bind::Date(today));
    let t = format!("${}", binds.len());
    binds.push(Bind::Date(cutoff));
    let cut = format!("${}", binds.len());
    let rank = colour_rank_sql(&t, &cut);
    let taken = "p.status in ('assigned', 'submitted', 'closed')";
    let sql = format!(
        "select count(*) as total,
           coalesce(sum(case when p.status = 'new' then 1 else 0 end), 0) as new,
           coalesce(sum(case when p.status = 'assigned' then 1 else 0 end), 0) as assigned,
           coalesce(sum(case when p.status = 'submitted' then 1 else 0 end), 0) as submitted,
           coalesce(sum(case when p.status = 'closed' then 1 else 0 end), 0) as closed,
           coalesce(sum(case when p.status = 'dismissed' then 1 else 0 end), 0) as dismissed,
           coalesce(sum(case when p.status = 'merged' then 1 else 0 end), 0) as merged,
           coalesce(sum(case when {OPEN} and p.deadline < {t} then 1 else 0 end), 0) as overdue,
           coalesce(sum(case when {rank} = 3 then 1 else 0 end), 0) as red,
           coalesce(sum(case when {rank} = 2 then 1 else 0 end), 0) as yellow,
           coalesce(sum(case when {rank} = 1 then 1 else 0 end), 0) as blue,
           coalesce(sum(case when {taken} and (p.submitted_at is not null
               or exists (select 1 from measures m where m.problem_id = p.id)
               or exists (select 1 from progress_notes n where n.problem_id = p.id)) then 1 else 0 end), 0) as responded,
           coalesce(sum(case when {taken} then 1 else 0 end), 0) as taken_on,
           coalesce(sum(case when p.solved is not null then 1 else 0 end), 0) as rated_solved,
           coalesce(sum(case when p.solved then 1 else 0 end), 0) as solved,
           coalesce(sum(case when p.satisfaction is not null then 1 else 0 end), 0) as rated,
           coalesce(sum(case when p.satisfaction in ('satisfied', 'basic') then 1 else 0 end), 0) as satisfied
         {from}"
    );
    with_conn!(c, |c| {
        bind_all!(sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())), &binds).fetch_one(&mut *c).await.map_err(db_err)
    })
}

/// When closed problems were due and signed off, for the on-time rate.
pub async fn closings(
    c: &mut Conn<'_>,
    visibility: Option<&Visibility>,
    campaign: Option<i64>,
) -> Result<Vec<(Option<NaiveDate>, Option<DateTime<Utc>>)>> {
    let mut binds = Vec::new();
    let from = scope(visibility, campaign, &mut binds);
    let sql = format!("select p.deadline, p.closed_at {from} and p.status = 'closed'");
    with_conn!(c, |c| {
        bind_all!(sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())), &binds).fetch_all(&mut *c).await.map_err(db_err)
    })
}

/// Creation and closing times since `since`, for the weekly trend.
pub async fn recent(
    c: &mut Conn<'_>,
    visibility: Option<&Visibility>,
    campaign: Option<i64>,
    since: DateTime<Utc>,
) -> Result<Vec<(DateTime<Utc>, Option<DateTime<Utc>>)>> {
    let mut binds = Vec::new();
    let from = scope(visibility, campaign, &mut binds);
    binds.push(Bind::Time(since));
    let s = format!("${}", binds.len());
    let sql = format!("select p.created_at, p.closed_at {from} and (p.created_at >= {s} or p.closed_at >= {s})");
    with_conn!(c, |c| {
        bind_all!(sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())), &binds).fetch_all(&mut *c).await.map_err(db_err)
    })
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UnitFigures {
    pub unit_id: domain::UnitId,
    pub unit_name: String,
    pub total: i64,
    pub closed: i64,
    pub open: i64,
    pub overdue: i64,
    pub sent_back: i64,
}

/// How the units are ranked: at one level of the tree (each unit counting the problems led by it
/// and by the units inside it), or each lead unit by itself; over problems received in a window.
#[derive(Debug, Clone, Copy, Default)]
pub struct Ranking {
    /// 1 is the root, 2 the units right under it…; `None`: every lead unit by itself.
    pub depth: Option<usize>,
    pub received_from: Option<NaiveDate>,
    pub received_to: Option<NaiveDate>,
}

/// Figures per unit, as `ranking` groups them.
pub async fn by_unit(
    c: &mut Conn<'_>,
    visibility: Option<&Visibility>,
    campaign: Option<i64>,
    today: NaiveDate,
    ranking: Ranking,
) -> Result<Vec<UnitFigures>> {
    let mut binds = Vec::new();
    let from = scope(visibility, campaign, &mut binds);
    binds.push(Bind::Date(today));
    let t = format!("${}", binds.len());
    let mut extra = String::new();
    if let Some(d) = ranking.received_from {
        binds.push(Bind::Date(d));
        extra.push_str(&format!(" and p.received_on >= ${}", binds.len()));
    }
    if let Some(d) = ranking.received_to {
        binds.push(Bind::Date(d));
        extra.push_str(&format!(" and p.received_on <= ${}", binds.len()));
    }
    // At a level: the unit at that depth above (or at) the lead unit, whose path begins the lead
    // unit's; the slashes in a path count its depth ("/1/2/" is 2).
    let (unit, from) = match ranking.depth {
        Some(depth) => {
            binds.push(Bind::I64(i64::try_from(depth).unwrap_or(1)));
            let d = format!("${}", binds.len());
            let join = format!(
                " join units au on lu.path like au.path || '%' \
                 and length(au.path) - length(replace(au.path, '/', '')) - 1 = {d} where "
            );
            ("au", from.replacen(" where ", &join, 1))
        }
        None => ("lu", from),
    };
    let sql = format!(
        "select {unit}.id as unit_id, {unit}.name as unit_name, count(*) as total,
           coalesce(sum(case when p.status = 'closed' then 1 else 0 end), 0) as closed,
           coalesce(sum(case when {OPEN} then 1 else 0 end), 0) as open,
           coalesce(sum(case when {OPEN} and p.deadline < {t} then 1 else 0 end), 0) as overdue,
           coalesce(sum(p.sent_back_count), 0) as sent_back
         {from} and p.lead_unit_id is not null{extra}
         group by {unit}.id, {unit}.name order by {unit}.id"
    );
    with_conn!(c, |c| {
        bind_all!(sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())), &binds).fetch_all(&mut *c).await.map_err(db_err)
    })
}
