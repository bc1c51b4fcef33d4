//! Which problems each figure of the ranking counts ([`Tally`]), as one SQL condition on the
//! problem `p`: the ranking sums it per unit and the problem list filters by it, so that a figure
//! and the records behind it are the same by construction.

use crate::problem_list::Visibility;
use crate::{Backend, Bind, Conn, Result, db_err};
use chrono::NaiveDate;
use domain::rates::Tally;
use domain::{CampaignId, UnitId};

/// Taken on by its lead unit (assigned or later, and not dismissed or merged).
const TAKEN_ON: &str = "p.lead_unit_id is not null and p.status in ('assigned', 'submitted', 'closed')";

/// The condition for `tally`; `today` is the placeholder of today's date among the binds.
pub fn tally_sql(tally: Tally, backend: Backend, today: &str) -> String {
    let scored = format!("({TAKEN_ON} and not p.excluded_from_scoring)");
    let overdue = format!("(p.status in ('assigned', 'submitted') and p.deadline < {today})");
    // Signed off by the end of the deadline's day in Beijing (UTC+8, no summer time).
    let closed_in_time = match backend {
        Backend::Sqlite => "julianday(p.closed_at) < julianday(p.deadline) + 2.0 / 3.0",
        Backend::Postgres => "p.closed_at < ((p.deadline + 1)::timestamp at time zone 'Asia/Shanghai')",
    };
    let only = |extra: &str| format!("({scored} and {extra})");
    match tally {
        Tally::Scored => scored,
        Tally::Responded => only(
            "(p.submitted_at is not null or exists (select 1 from measures m where m.problem_id = p.id) \
             or exists (select 1 from progress_notes n where n.problem_id = p.id))",
        ),
        Tally::RatedSolved => only("p.solved is not null"),
        Tally::Solved => only("p.solved is not null and p.solved"),
        Tally::Rated => only("p.satisfaction is not null"),
        Tally::Satisfied => only("p.satisfaction in ('satisfied', 'basic')"),
        Tally::Due => only(&format!("(p.status = 'closed' or {overdue})")),
        Tally::OnTime => only(&format!("p.status = 'closed' and (p.deadline is null or {closed_in_time})")),
        Tally::Overdue => only(&overdue),
        Tally::SentBack => only("p.sent_back_count > 0"),
        Tally::Extended => only("p.extension_count > 0"),
        Tally::Reopened => only("p.reopen_count > 0"),
        Tally::Excluded => format!("({TAKEN_ON} and p.excluded_from_scoring)"),
    }
}

/// Which problems the ranking covers and how it groups their lead units.
#[derive(Debug, Clone, Copy, Default)]
pub struct RankingScope {
    pub campaign: Option<CampaignId>,
    /// Received on or after.
    pub from: Option<NaiveDate>,
    /// Received on or before.
    pub to: Option<NaiveDate>,
    /// The level of the unit tree each lead unit is counted at (1 the root, 2 the units right
    /// under it…): each unit counts the problems led by it and by the units inside it.
    pub depth: usize,
}

/// Every tally for one unit, in the order of `Tally::ALL`.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitTallies {
    pub unit_id: UnitId,
    pub unit_name: String,
    pub path: String,
    pub counts: Vec<i64>,
}

/// Every tally per unit at the scope's level, over the problems the reader may see.
pub async fn tallies_by_unit(
    c: &mut Conn<'_>,
    visibility: Option<&Visibility>,
    scope: RankingScope,
    today: NaiveDate,
) -> Result<Vec<UnitTallies>> {
    let backend = c.backend();
    let mut binds: Vec<Bind> = Vec::new();
    let mut bind = |b: Bind| {
        binds.push(b);
        format!("${}", binds.len())
    };
    let mut conds = vec!["p.lead_unit_id is not null".to_string()];
    if let Some(v) = visibility {
        let pat = bind(Bind::Text(format!("{}%", v.path_prefix)));
        let uid = bind(Bind::I64(v.user_id.get()));
        conds.push(crate::problem_list::visibility_sql(&pat, &uid));
    }
    if let Some(k) = scope.campaign {
        conds.push(format!("p.campaign_id = {}", bind(Bind::I64(k.get()))));
    }
    if let Some(d) = scope.from {
        conds.push(format!("p.received_on >= {}", bind(Bind::Date(d))));
    }
    if let Some(d) = scope.to {
        conds.push(format!("p.received_on <= {}", bind(Bind::Date(d))));
    }
    let t = bind(Bind::Date(today));
    let depth = bind(Bind::I64(i64::try_from(scope.depth.max(1)).unwrap_or(1)));
    let sums: Vec<String> = Tally::ALL
        .iter()
        .map(|k| format!("coalesce(sum(case when {} then 1 else 0 end), 0)", tally_sql(*k, backend, &t)))
        .collect();
    // The unit at that depth whose path begins the lead unit's; the slashes in a path count its
    // depth ("/1/2/" is 2).
    let sql = format!(
        "select au.id, au.name, au.path, {} from problems p join units ou on ou.id = p.owner_unit_id \
         join units lu on lu.id = p.lead_unit_id \
         join units au on lu.path like au.path || '%' \
           and length(au.path) - length(replace(au.path, '/', '')) - 1 = {depth} \
         where {} group by au.id, au.name, au.path order by au.path",
        sums.join(", "),
        conds.join(" and ")
    );
    let n = Tally::ALL.len();
    with_conn!(c, |c| {
        use sqlx::Row;
        let rows = bind_all!(sqlx::query(sqlx::AssertSqlSafe(sql.clone())), &binds)
            .fetch_all(&mut *c)
            .await
            .map_err(db_err)?;
        rows.iter()
            .map(|r| {
                Ok(UnitTallies {
                    unit_id: UnitId::new(r.try_get(0).map_err(db_err)?),
                    unit_name: r.try_get(1).map_err(db_err)?,
                    path: r.try_get(2).map_err(db_err)?,
                    counts: (0..n).map(|i| r.try_get::<i64, _>(3 + i).map_err(db_err)).collect::<Result<_>>()?,
                })
            })
            .collect()
    })
}
