//! Listing problems: the query a client sends, its parsing (sort, cursor, filters) and one page.

use super::summary::{flags_of, summary};
use crate::views::ProblemPage;
use crate::{Actor, App};
use base64::Engine as _;
use chrono::NaiveDate;
use domain::access::Intent;
use domain::feedback::Channel;
use domain::problem::RectificationType;
use domain::supervision::Colour;
use domain::workflow::{SignoffStage, Statuses};
use domain::{CampaignId, CategoryId, Error, ProblemId, Result, UnitId, UserId};
use serde::Deserialize;
use store::problem_list::{After, CursorValue, ProblemFilter, SortKey, Visibility};

/// Filters, sorting and paging for the problem list.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ProblemQuery {
    /// One status or several, comma-separated: `new,assigned`.
    #[param(value_type = Option<String>)]
    pub status: Option<Statuses>,
    /// Lead unit, including its sub-units.
    pub unit_id: Option<UnitId>,
    /// Category, including its sub-categories.
    pub category_id: Option<CategoryId>,
    pub channel: Option<Channel>,
    pub rectification_type: Option<RectificationType>,
    pub campaign_id: Option<CampaignId>,
    pub overdue: Option<bool>,
    /// `blue`, `yellow` or `red`.
    pub colour: Option<Colour>,
    pub deadline_from: Option<NaiveDate>,
    pub deadline_to: Option<NaiveDate>,
    /// `leader` or `verifier`: problems awaiting that stage of sign-off.
    pub signoff_stage: Option<SignoffStage>,
    /// Problems whose responsible leader is this user.
    pub responsible_leader_id: Option<UserId>,
    /// Sent back and not yet resubmitted.
    pub sent_back: Option<bool>,
    /// 新交办·待签收: assigned and not yet signed for by the lead unit.
    pub awaiting_sign_for: Option<bool>,
    /// 被重新整改: reopened (a confirmed recurrence or a dissatisfied rating) and not yet submitted
    /// again.
    pub reopened: Option<bool>,
    /// Received (首次反映) on or after this date.
    pub received_from: Option<NaiveDate>,
    /// Received on or before this date.
    pub received_to: Option<NaiveDate>,
    /// Signed off (销号) on or after this date.
    pub closed_from: Option<NaiveDate>,
    /// Signed off on or before this date.
    pub closed_to: Option<NaiveDate>,
    /// The problems one figure of the ranking counts: `scored`, `responded`, `solved`,
    /// `satisfied`, `on_time`, `overdue`, `excluded`… (see the ranking).
    #[param(value_type = Option<String>)]
    pub counted: Option<domain::rates::Tally>,
    /// Words to search for in the title, description and reply (full-text, segmented), or a
    /// problem number.
    pub q: Option<String>,
    /// `created`, `deadline`, `updated` or `number`; prefix `-` for descending. Default `-created`.
    /// `relevance` (with `q`): best match first, one page.
    pub sort: Option<String>,
    /// From the previous page's `next_cursor`.
    pub cursor: Option<String>,
    /// 1–200, default 50.
    pub limit: Option<i64>,
}

fn encode_cursor(after: &After, sort: SortKey) -> String {
    let value = match &after.value {
        CursorValue::Id => String::new(),
        CursorValue::Date(d) => d.to_string(),
        CursorValue::Time(t) => t.to_rfc3339(),
        CursorValue::Text(s) => s.clone(),
    };
    let raw = format!("{}|{}|{}", sort_name(sort), after.id, value);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw)
}

fn decode_cursor(cursor: &str, sort: SortKey) -> Result<After> {
    let bad = || {
        Error::invalid(
            "cursor",
            "翻页游标无效，请从第一页重新开始",
            "the cursor is invalid; start again from the first page",
        )
    };
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(cursor.trim()).map_err(|_| bad())?;
    let raw = String::from_utf8(raw).map_err(|_| bad())?;
    let mut parts = raw.splitn(3, '|');
    let (Some(s), Some(id), Some(value)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(bad());
    };
    if s != sort_name(sort) {
        return Err(Error::invalid("cursor", "游标与当前排序方式不符", "the cursor was made for another sort order"));
    }
    let id: i64 = id.parse().map_err(|_| bad())?;
    let value = match sort {
        SortKey::Created => CursorValue::Id,
        SortKey::Deadline => CursorValue::Date(value.parse().map_err(|_| bad())?),
        SortKey::Updated => CursorValue::Time(
            chrono::DateTime::parse_from_rfc3339(value).map_err(|_| bad())?.with_timezone(&chrono::Utc),
        ),
        SortKey::Number => CursorValue::Text(value.to_string()),
    };
    Ok(After { value, id: ProblemId::new(id) })
}

fn sort_name(sort: SortKey) -> &'static str {
    match sort {
        SortKey::Created => "created",
        SortKey::Deadline => "deadline",
        SortKey::Updated => "updated",
        SortKey::Number => "number",
    }
}

/// The sort key, whether descending, and whether by relevance instead.
fn parse_sort(s: Option<&str>) -> Result<(SortKey, bool, bool)> {
    let s = s.unwrap_or("-created").trim();
    if s == "relevance" {
        return Ok((SortKey::Created, true, true));
    }
    let (desc, name) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let key = match name {
        "created" => SortKey::Created,
        "deadline" => SortKey::Deadline,
        "updated" => SortKey::Updated,
        "number" => SortKey::Number,
        other => {
            return Err(Error::invalid(
                "sort",
                format!("未知排序“{other}”（可选：created、deadline、updated、number，前加 - 为倒序；relevance）"),
                format!(
                    "unknown sort \"{other}\" (known: created, deadline, updated, number; prefix - for descending; \
                     relevance)"
                ),
            ));
        }
    };
    Ok((key, desc, false))
}

/// Problems an export reads per query.
const IDS_PER_READ: i64 = 5_000;

impl App {
    /// One page of the problems the reader may see.
    pub async fn list_problems(&self, actor: &Actor, q: &ProblemQuery) -> Result<ProblemPage> {
        let visibility = self.visibility_of(actor).await?;
        self.list_problems_with(visibility, false, q).await
    }

    /// Every problem the reader may see that the query finds, with its campaign, in the query's
    /// order (its cursor and limit aside): for exports, read a few thousand at a time rather than a page at a time.
    pub async fn problem_ids(&self, actor: &Actor, q: &ProblemQuery) -> Result<Vec<(ProblemId, CampaignId)>> {
        let visibility = self.visibility_of(actor).await?;
        let cal = self.calendar().await?;
        let q = ProblemQuery { limit: None, cursor: None, ..q.clone() };
        let Some(mut filter) = self.filter_for(visibility, false, &q, &cal).await? else {
            return Ok(Vec::new());
        };
        filter.limit = IDS_PER_READ;
        let mut ids = Vec::new();
        loop {
            let (rows, more) = store::problem_list::read_page(&self.db, &filter).await?;
            ids.extend(rows.iter().map(|r| (r.id, r.campaign_id)));
            // A search ranked by relevance has no cursor: its first read is all it gives.
            match rows.last() {
                Some(last) if more && !filter.by_relevance => {
                    filter.after = Some(store::problem_list::cursor_of(last, filter.sort));
                }
                _ => break,
            }
        }
        Ok(ids)
    }

    /// How many problems the reader may see match the query (its sort, cursor and limit aside).
    pub async fn count_problems(&self, actor: &Actor, q: &ProblemQuery) -> Result<i64> {
        let visibility = self.visibility_of(actor).await?;
        let cal = self.calendar().await?;
        match self.filter_for(visibility, false, q, &cal).await? {
            Some(filter) => store::problem_list::count(&self.db, &filter).await,
            None => Ok(0),
        }
    }

    /// What limits the list for this reader: nothing for one whose subtree holds every unit.
    async fn visibility_of(&self, actor: &Actor) -> Result<Option<Visibility>> {
        // The command line reads with the operator's authority over the database.
        if let Actor::System(_) = actor {
            return Ok(None);
        }
        let p = actor.user_for(Intent::Read)?;
        // A user whose subtree holds every unit sees everything: no filter to evaluate per row.
        let sees_all = p.is_admin() || self.units().await?.iter().all(|u| u.path.starts_with(p.unit_path.as_str()));
        Ok(if sees_all {
            None
        } else {
            Some(Visibility { path_prefix: p.unit_path.as_str().to_string(), user_id: p.user_id })
        })
    }

    pub(crate) async fn list_problems_with(
        &self,
        visibility: Option<Visibility>,
        published_only: bool,
        q: &ProblemQuery,
    ) -> Result<ProblemPage> {
        let cal = self.calendar().await?;
        let Some(filter) = self.filter_for(visibility, published_only, q, &cal).await? else {
            return Ok(ProblemPage { items: vec![], next_cursor: None });
        };
        let (today, cutoff, sort, by_relevance) =
            (filter.today, filter.due_soon_cutoff, filter.sort, filter.by_relevance);
        let (rows, more) = store::problem_list::read_page(&self.db, &filter).await?;
        let next_cursor = if more && !by_relevance {
            rows.last().map(|r| encode_cursor(&store::problem_list::cursor_of(r, sort), sort))
        } else {
            None
        };
        let names = self.names_for(&rows).await?;
        let items = rows
            .into_iter()
            .map(|r| {
                let flags = flags_of(&r, today, cutoff, &cal);
                let (lead_unit, category) =
                    (r.lead_unit_id.map(|id| names.unit(id)), r.category_id.map(|id| names.category(id)));
                summary(r, flags, lead_unit, category)
            })
            .collect();
        Ok(ProblemPage { items, next_cursor })
    }

    /// The store's filter for a query, checked; `None` when the query can find nothing (a search
    /// for punctuation only).
    async fn filter_for(
        &self,
        visibility: Option<Visibility>,
        published_only: bool,
        q: &ProblemQuery,
        cal: &domain::calendar::WorkCalendar,
    ) -> Result<Option<ProblemFilter>> {
        let today = self.clock.today();
        let cutoff = domain::supervision::due_soon_cutoff(cal, today, self.settings.due_soon_days);
        let (sort, descending, by_relevance) = parse_sort(q.sort.as_deref())?;
        let query = crate::search::Query::parse(q.q.as_deref())?;
        if query.finds_nothing {
            return Ok(None);
        }
        if by_relevance && query.words.is_none() {
            return Err(Error::invalid("sort", "按相关度排序需要检索词 q", "sort=relevance needs words in q"));
        }
        let limit = q.limit.unwrap_or(50);
        if !(1..=200).contains(&limit) {
            return Err(Error::invalid("limit", "每页条数须为1–200", "limit must be 1–200"));
        }
        let statuses = q.status.clone().map(|s| s.0).unwrap_or_default();
        if let (Some(from), Some(to)) = (q.deadline_from, q.deadline_to)
            && from > to
        {
            return Err(Error::invalid(
                "deadline_from",
                format!("起始日期 {from} 晚于截止日期 {to}"),
                format!("deadline_from {from} is after deadline_to {to}"),
            ));
        }
        let lead_unit_ids = match q.unit_id {
            Some(uid) => {
                let units = self.units_with(uid).await?;
                let root = units.iter().find(|u| u.id == uid).ok_or_else(|| crate::units::unknown_unit_id(uid))?;
                units.iter().filter(|u| u.path.starts_with(&root.path)).map(|u| u.id).collect()
            }
            None => vec![],
        };
        let category_ids = match q.category_id {
            Some(cid) => {
                let mut pooled = self.db.acquire().await?;
                let all = store::categories::list_categories(&mut pooled.conn()).await?;
                if !all.iter().any(|x| x.id == cid) {
                    return Err(crate::categories::unknown_category(cid));
                }
                descendants(cid, &all)
            }
            None => vec![],
        };
        let filter = ProblemFilter {
            visibility,
            published_only,
            statuses,
            lead_unit_ids,
            category_ids,
            channel: q.channel,
            rectification_type: q.rectification_type,
            campaign_id: q.campaign_id,
            overdue: q.overdue,
            colour: q.colour,
            deadline_from: q.deadline_from,
            deadline_to: q.deadline_to,
            signoff_stage: q.signoff_stage,
            responsible_leader_id: q.responsible_leader_id,
            sent_back: q.sent_back,
            awaiting_sign_for: q.awaiting_sign_for,
            reopened: q.reopened,
            received_from: q.received_from,
            received_to: q.received_to,
            closed_from: q.closed_from,
            closed_to: q.closed_to,
            tally: q.counted,
            number: query.number,
            words: query.words,
            by_relevance,
            today,
            due_soon_cutoff: cutoff,
            sort,
            descending,
            after: match by_relevance {
                true => None,
                false => q.cursor.as_deref().map(|cur| decode_cursor(cur, sort)).transpose()?,
            },
            limit,
        };
        Ok(Some(filter))
    }
}

fn descendants(root: CategoryId, all: &[store::categories::CategoryRow]) -> Vec<CategoryId> {
    let mut out = vec![root];
    let mut i = 0;
    while i < out.len() {
        let parent = out[i];
        out.extend(all.iter().filter(|c| c.parent_id == Some(parent)).map(|c| c.id));
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_refuse_another_sort() {
        let after =
            After { value: CursorValue::Date(NaiveDate::from_ymd_opt(2026, 10, 9).unwrap()), id: ProblemId::new(42) };
        let enc = encode_cursor(&after, SortKey::Deadline);
        let dec = decode_cursor(&enc, SortKey::Deadline).unwrap();
        assert_eq!(dec.id, ProblemId::new(42));
        assert_eq!(dec.value, after.value);
        assert!(decode_cursor(&enc, SortKey::Created).is_err());
        assert!(decode_cursor("!!!", SortKey::Created).is_err());
    }

    #[test]
    fn sort_names_parse_with_an_optional_minus() {
        assert_eq!(parse_sort(Some("-deadline")).unwrap(), (SortKey::Deadline, true, false));
        assert_eq!(parse_sort(Some("relevance")).unwrap(), (SortKey::Created, true, true));
        assert_eq!(parse_sort(None).unwrap(), (SortKey::Created, true, false));
        assert!(parse_sort(Some("colour")).is_err());
    }
}
