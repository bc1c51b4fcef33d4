//! 导出整改台账: the ledger as units keep it in Excel — one row per measure, the problem's own cells
//! shared by its rows — for the problems a reader may see, filtered like the list. Gathered with a
//! few queries per thousand problems (never one per problem), then written as .xlsx ([`xlsx`]) or
//! CSV ([`csv`]).

mod csv;
mod xlsx;

use crate::problems::ProblemQuery;
use crate::{Actor, App, Result};
use chrono::{Datelike, NaiveDate};
use domain::ProblemId;
use domain::ledger::LedgerColumn;
use domain::problem::{ProblemNumber, RectificationType};
use domain::supervision::Colour;
use domain::workflow::Status;
use std::collections::HashMap;

pub use self::csv::write_csv;
pub use self::xlsx::write_xlsx;

/// Problems read per round of queries.
const CHUNK: usize = 1_000;

/// The ledger: a title and the problems in order.
#[derive(Debug, Clone)]
pub struct Ledger {
    /// “XX专项整改台账”, or 整改台账 when the problems come from several campaigns.
    pub title: String,
    pub as_of: NaiveDate,
    pub problems: Vec<LedgerProblem>,
}

/// One problem as the ledger shows it: the cells it shares across its measure rows.
#[derive(Debug, Clone, PartialEq)]
pub struct LedgerProblem {
    pub number: ProblemNumber,
    pub source: String,
    pub category: String,
    pub description: String,
    pub leader: String,
    pub unit: String,
    pub person: String,
    pub deadline: Option<NaiveDate>,
    pub rectification_type: RectificationType,
    pub progress: String,
    pub status: Status,
    pub evidence: Vec<String>,
    pub signed_off: Option<NaiveDate>,
    pub mechanisms: Vec<String>,
    pub overdue: bool,
    pub colour: Option<Colour>,
    /// At least one (an empty measure when none has been set).
    pub measures: Vec<LedgerMeasure>,
}

/// One measure row.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LedgerMeasure {
    pub description: String,
    pub person: String,
    pub done: bool,
}

/// A date as Chinese ledgers write it: 2026年12月31日.
pub fn chinese_date(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// The ledger's title for a campaign: “…检视整改” gives “…检视整改台账”, not “…整改整改台账”.
fn ledger_title(campaign: &str) -> String {
    if campaign.ends_with("整改") { format!("{campaign}台账") } else { format!("{campaign}整改台账") }
}

impl LedgerProblem {
    /// The text of a problem-level cell (the measure columns are the rows' own).
    pub fn cell(&self, column: LedgerColumn, seq: usize) -> String {
        match column {
            LedgerColumn::Seq => seq.to_string(),
            LedgerColumn::Number => self.number.as_str().to_string(),
            LedgerColumn::Source => self.source.clone(),
            LedgerColumn::Category => self.category.clone(),
            LedgerColumn::Description => self.description.clone(),
            LedgerColumn::Goal => String::new(),
            LedgerColumn::Measure | LedgerColumn::Person => String::new(),
            LedgerColumn::Leader => self.leader.clone(),
            LedgerColumn::Unit => self.unit.clone(),
            LedgerColumn::Deadline => match (self.rectification_type, self.deadline) {
                (RectificationType::Deadline, Some(d)) => chinese_date(d),
                (RectificationType::Deadline, None) => String::new(),
                (other, _) => other.label_zh().to_string(),
            },
            LedgerColumn::Progress => self.progress.clone(),
            LedgerColumn::Status => {
                let mut s = self.status.label_zh().to_string();
                if self.overdue {
                    s.push_str("（逾期）");
                }
                s
            }
            LedgerColumn::Evidence => self.evidence.join("、"),
            LedgerColumn::SignedOffAt => self.signed_off.map(chinese_date).unwrap_or_default(),
            LedgerColumn::Mechanism => self.mechanisms.join("；"),
            LedgerColumn::Remarks => match self.colour {
                Some(c) => format!("{}督办", c.label_zh()),
                None => String::new(),
            },
        }
    }

    /// Whether a column's cell belongs to each measure row rather than to the problem.
    pub fn per_measure(column: LedgerColumn) -> bool {
        matches!(column, LedgerColumn::Measure | LedgerColumn::Person)
    }

    /// The text of a column on one measure row.
    pub fn row_cell(&self, column: LedgerColumn, seq: usize, measure: &LedgerMeasure) -> String {
        match column {
            LedgerColumn::Measure => measure.description.clone(),
            LedgerColumn::Person => {
                if measure.person.is_empty() {
                    self.person.clone()
                } else {
                    measure.person.clone()
                }
            }
            other => self.cell(other, seq),
        }
    }
}

/// A stored problem with what the ledger shows of it, and its measures as stored (the import
/// compares a sheet with these).
pub(crate) struct Gathered {
    pub row: store::problems::ProblemRow,
    pub measures: Vec<store::rectification::MeasureRow>,
    pub ledger: LedgerProblem,
}

/// The names a ledger shows for ids: users, campaigns, units and categories, read once.
pub(crate) struct LedgerNames {
    users: HashMap<domain::UserId, String>,
    names: std::sync::Arc<crate::names::Names>,
    cal: domain::calendar::WorkCalendar,
    today: NaiveDate,
    cutoff: NaiveDate,
}

impl App {
    pub(crate) async fn ledger_names(&self, c: &mut store::Conn<'_>) -> Result<LedgerNames> {
        let users = store::users::list_users(c, "/").await?.into_iter().map(|u| (u.id, u.display_name)).collect();
        let cal = self.calendar().await?;
        let today = self.clock.today();
        let cutoff = domain::supervision::due_soon_cutoff(&cal, today, self.settings.due_soon_days);
        Ok(LedgerNames { users, names: self.names().await?, cal, today, cutoff })
    }

    /// The problems `ids` as the ledger shows them, in that order, with a few queries for them
    /// all (at most [`CHUNK`] at a time). An id no longer stored is left out.
    pub(crate) async fn gather(
        &self,
        c: &mut store::Conn<'_>,
        names: &LedgerNames,
        ids: &[ProblemId],
    ) -> Result<Vec<Gathered>> {
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(CHUNK) {
            let mut rows: HashMap<ProblemId, _> =
                store::problems::get_problems(c, chunk).await?.into_iter().map(|p| (p.id, p)).collect();
            let mut measures: HashMap<ProblemId, Vec<store::rectification::MeasureRow>> = HashMap::new();
            for m in store::rectification::list_measures_of(c, chunk).await? {
                measures.entry(m.problem_id).or_default().push(m);
            }
            let notes: HashMap<ProblemId, String> =
                store::rectification::latest_notes_of(c, chunk).await?.into_iter().collect();
            let mut evidence: HashMap<ProblemId, Vec<String>> = HashMap::new();
            for (id, name) in store::rectification::evidence_names_of(c, chunk).await? {
                evidence.entry(id).or_default().push(name);
            }
            let mut mechanisms: HashMap<ProblemId, Vec<String>> = HashMap::new();
            for (id, title) in store::mechanisms::mechanism_titles_of(c, chunk).await? {
                mechanisms.entry(id).or_default().push(title);
            }
            for id in chunk {
                let Some(p) = rows.remove(id) else { continue };
                let stored = measures.remove(id).unwrap_or_default();
                let mut shown: Vec<LedgerMeasure> = stored
                    .iter()
                    .map(|m| LedgerMeasure {
                        description: m.description.clone(),
                        person: m.owner_name.clone().unwrap_or_default(),
                        done: m.status == domain::problem::MeasureStatus::Done,
                    })
                    .collect();
                if shown.is_empty() {
                    shown.push(LedgerMeasure::default());
                }
                let flags = crate::problems::flags_of(
                    &store::problem_list::ProblemListRow::from_problem(&p),
                    names.today,
                    names.cutoff,
                    &names.cal,
                );
                let ledger = LedgerProblem {
                    number: p.number.clone(),
                    source: p.channel.label_zh().to_string(),
                    category: p.category_id.map(|c| names.names.category(c)).unwrap_or_default(),
                    description: ledger_description(&p.title, &p.description),
                    leader: p.responsible_leader_id.and_then(|u| names.users.get(&u).cloned()).unwrap_or_default(),
                    unit: p.lead_unit_id.map(|u| names.names.unit(u)).unwrap_or_default(),
                    person: p.responsible_person.clone().unwrap_or_default(),
                    deadline: p.deadline,
                    rectification_type: p.rectification_type,
                    progress: notes.get(id).cloned().unwrap_or_default(),
                    status: p.status,
                    evidence: evidence.remove(id).unwrap_or_default(),
                    signed_off: p
                        .closed_at
                        .filter(|_| p.status == Status::Closed)
                        .map(|t| t.with_timezone(&domain::clock::CHINA).date_naive()),
                    mechanisms: mechanisms.remove(id).unwrap_or_default(),
                    overdue: flags.overdue,
                    colour: flags.colour,
                    measures: shown,
                };
                out.push(Gathered { row: p, measures: stored, ledger });
            }
        }
        Ok(out)
    }

    /// The ledger of the problems `q` finds among those `actor` may see, in the list's order (by
    /// number unless `q` says otherwise).
    pub async fn ledger(&self, actor: &Actor, q: &ProblemQuery) -> Result<Ledger> {
        let q = ProblemQuery { sort: q.sort.clone().or_else(|| Some("number".into())), ..q.clone() };
        let ids = self.problem_ids(actor, &q).await?;
        let mut pooled = self.db.acquire().await?;
        let mut c = pooled.conn();
        let names = self.ledger_names(&mut c).await?;
        let campaigns: HashMap<_, _> =
            store::campaigns::list_campaigns(&mut c).await?.into_iter().map(|k| (k.id, k.name)).collect();
        let mut campaign_ids = std::collections::BTreeSet::new();
        let mut problems = Vec::with_capacity(ids.len());
        // A chunk at a time, keeping only what the ledger shows: the stored rows of a hundred
        // thousand problems need not all be in memory at once.
        for chunk in ids.chunks(CHUNK) {
            for g in self.gather(&mut c, &names, chunk).await? {
                campaign_ids.insert(g.row.campaign_id);
                problems.push(g.ledger);
            }
        }
        let title = match campaign_ids.iter().collect::<Vec<_>>().as_slice() {
            [one] => ledger_title(campaigns.get(one).map(String::as_str).unwrap_or_default()),
            _ => "整改台账".to_string(),
        };
        Ok(Ledger { title, as_of: self.clock.today(), problems })
    }
}

/// The 问题描述 cell: the title, and the description below it when it says more.
pub(crate) fn ledger_description(title: &str, description: &str) -> String {
    if description.trim().is_empty() || description.trim() == title.trim() {
        title.to_string()
    } else {
        format!("{title}\n{description}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_title_names_the_campaign_once() {
        assert_eq!(ledger_title("2026年主题教育检视整改"), "2026年主题教育检视整改台账");
        assert_eq!(ledger_title("巡视反馈问题"), "巡视反馈问题整改台账");
        assert_eq!(chinese_date(NaiveDate::from_ymd_opt(2026, 1, 5).unwrap()), "2026年1月5日");
    }
}
