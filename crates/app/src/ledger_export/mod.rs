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

pub use self::csv::{CsvLedger, write_csv};
pub use self::xlsx::{XlsxLedger, write_xlsx};

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
            let mut parts = LedgerParts::read(c, chunk).await?;
            for id in chunk {
                let Some(p) = rows.remove(id) else { continue };
                let stored = parts.measures.remove(id).unwrap_or_default();
                let ledger =
                    ledger_problem(&store::ledger_rows::LedgerRow::from_problem(&p), &stored, &mut parts, names);
                out.push(Gathered { row: p, measures: stored, ledger });
            }
        }
        Ok(out)
    }

    /// The problems `ids` (at most [`CHUNK`]) as the ledger shows them, in that order, read by the
    /// lean path: what an export reads.
    async fn ledger_chunk(
        &self,
        c: &mut store::Conn<'_>,
        names: &LedgerNames,
        ids: &[ProblemId],
    ) -> Result<Vec<LedgerProblem>> {
        let mut rows: HashMap<ProblemId, _> =
            store::ledger_rows::ledger_rows(&self.db, ids).await?.into_iter().map(|r| (r.list.id, r)).collect();
        let mut parts = LedgerParts::read(c, ids).await?;
        Ok(ids
            .iter()
            .filter_map(|id| {
                let row = rows.remove(id)?;
                let stored = parts.measures.remove(id).unwrap_or_default();
                Some(ledger_problem(&row, &stored, &mut parts, names))
            })
            .collect())
    }

    /// The ledger of the problems `q` finds among those `actor` may see, in the list's order (by
    /// number unless `q` says otherwise), whole in memory.
    pub async fn ledger(&self, actor: &Actor, q: &ProblemQuery) -> Result<Ledger> {
        let plan = self.ledger_plan(actor, q).await?;
        let mut pooled = self.db.acquire().await?;
        let mut c = pooled.conn();
        let names = self.ledger_names(&mut c).await?;
        let mut problems = Vec::with_capacity(plan.ids.len());
        for chunk in plan.ids.chunks(CHUNK) {
            problems.extend(self.ledger_chunk(&mut c, &names, chunk).await?);
        }
        Ok(Ledger { title: plan.title, as_of: plan.as_of, problems })
    }

    /// The same ledger written as a file: gathered a chunk at a time while the previous chunk is
    /// written on a blocking thread, so that reading and writing overlap and only a few chunks
    /// are ever in memory.
    pub async fn export_ledger(&self, actor: &Actor, q: &ProblemQuery, format: LedgerFormat) -> Result<WrittenLedger> {
        let plan = self.ledger_plan(actor, q).await?;
        let mut writer = match format {
            LedgerFormat::Xlsx => LedgerWriter::Xlsx(Box::new(XlsxLedger::new(&plan.title, plan.as_of)?)),
            LedgerFormat::Csv => LedgerWriter::Csv(Box::new(CsvLedger::new()?)),
        };
        let (chunks, mut incoming) = tokio::sync::mpsc::channel::<Vec<LedgerProblem>>(2);
        let written = tokio::task::spawn_blocking(move || {
            while let Some(chunk) = incoming.blocking_recv() {
                writer.push(&chunk)?;
            }
            writer.finish()
        });
        let (mut problems, mut rows) = (0, 0);
        {
            let mut pooled = self.db.acquire().await?;
            let mut c = pooled.conn();
            let names = self.ledger_names(&mut c).await?;
            for chunk in plan.ids.chunks(CHUNK) {
                let gathered = self.ledger_chunk(&mut c, &names, chunk).await?;
                problems += gathered.len();
                rows += gathered.iter().map(|p| p.measures.len()).sum::<usize>();
                // The writer stopped: its error is the one to report.
                if chunks.send(gathered).await.is_err() {
                    break;
                }
            }
        }
        drop(chunks);
        let bytes = written.await.map_err(|e| domain::Error::internal_from("writing the ledger", e))??;
        Ok(WrittenLedger { bytes, problems, rows, as_of: plan.as_of })
    }

    /// Which problems a ledger holds, in order, and its title.
    async fn ledger_plan(&self, actor: &Actor, q: &ProblemQuery) -> Result<LedgerPlan> {
        let q = ProblemQuery { sort: q.sort.clone().or_else(|| Some("number".into())), ..q.clone() };
        let listed = self.problem_ids(actor, &q).await?;
        let campaign_ids: std::collections::BTreeSet<_> = listed.iter().map(|(_, k)| *k).collect();
        let title = match campaign_ids.iter().collect::<Vec<_>>().as_slice() {
            [one] => {
                let mut pooled = self.db.acquire().await?;
                let campaign = store::campaigns::get_campaign(&mut pooled.conn(), **one).await?;
                ledger_title(campaign.map(|k| k.name).as_deref().unwrap_or_default())
            }
            _ => "整改台账".to_string(),
        };
        Ok(LedgerPlan { ids: listed.into_iter().map(|(id, _)| id).collect(), title, as_of: self.clock.today() })
    }
}

/// The problems a ledger holds and its title.
struct LedgerPlan {
    ids: Vec<ProblemId>,
    title: String,
    as_of: NaiveDate,
}

/// The file a ledger is written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LedgerFormat {
    Xlsx,
    Csv,
}

/// A ledger file being written.
enum LedgerWriter {
    Xlsx(Box<XlsxLedger>),
    // Boxed too: a CSV writer holds its buffer inline.
    Csv(Box<CsvLedger>),
}

impl LedgerWriter {
    fn push(&mut self, problems: &[LedgerProblem]) -> Result<()> {
        match self {
            LedgerWriter::Xlsx(w) => w.push(problems),
            LedgerWriter::Csv(w) => w.push(problems),
        }
    }

    fn finish(self) -> Result<Vec<u8>> {
        match self {
            LedgerWriter::Xlsx(w) => w.finish(),
            LedgerWriter::Csv(w) => w.finish(),
        }
    }
}

/// A ledger written, with what it holds.
#[derive(Debug)]
pub struct WrittenLedger {
    pub bytes: Vec<u8>,
    pub problems: usize,
    /// Measure rows (a problem without measures has one).
    pub rows: usize,
    pub as_of: NaiveDate,
}

/// What a ledger shows of a chunk of problems besides their own rows, read with one query each.
struct LedgerParts {
    measures: HashMap<ProblemId, Vec<store::rectification::MeasureRow>>,
    notes: HashMap<ProblemId, String>,
    evidence: HashMap<ProblemId, Vec<String>>,
    mechanisms: HashMap<ProblemId, Vec<String>>,
}

impl LedgerParts {
    async fn read(c: &mut store::Conn<'_>, ids: &[ProblemId]) -> Result<Self> {
        let mut measures: HashMap<ProblemId, Vec<store::rectification::MeasureRow>> = HashMap::new();
        for m in store::rectification::list_measures_of(c, ids).await? {
            measures.entry(m.problem_id).or_default().push(m);
        }
        let notes = store::rectification::latest_notes_of(c, ids).await?.into_iter().collect();
        let mut evidence: HashMap<ProblemId, Vec<String>> = HashMap::new();
        for (id, name) in store::rectification::evidence_names_of(c, ids).await? {
            evidence.entry(id).or_default().push(name);
        }
        let mut mechanisms: HashMap<ProblemId, Vec<String>> = HashMap::new();
        for (id, title) in store::mechanisms::mechanism_titles_of(c, ids).await? {
            mechanisms.entry(id).or_default().push(title);
        }
        Ok(Self { measures, notes, evidence, mechanisms })
    }
}

/// One problem as the ledger shows it: the one place that says what each cell holds.
fn ledger_problem(
    r: &store::ledger_rows::LedgerRow,
    stored: &[store::rectification::MeasureRow],
    parts: &mut LedgerParts,
    names: &LedgerNames,
) -> LedgerProblem {
    let p = &r.list;
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
    let flags = crate::problems::flags_of(p, names.today, names.cutoff, &names.cal);
    LedgerProblem {
        number: p.number.clone(),
        source: p.channel.label_zh().to_string(),
        category: p.category_id.map(|c| names.names.category(c)).unwrap_or_default(),
        description: ledger_description(&p.title, &r.description),
        leader: r.responsible_leader_id.and_then(|u| names.users.get(&u).cloned()).unwrap_or_default(),
        unit: p.lead_unit_id.map(|u| names.names.unit(u)).unwrap_or_default(),
        person: r.responsible_person.clone().unwrap_or_default(),
        deadline: p.deadline,
        rectification_type: p.rectification_type,
        progress: parts.notes.remove(&p.id).unwrap_or_default(),
        status: p.status,
        evidence: parts.evidence.remove(&p.id).unwrap_or_default(),
        signed_off: r
            .closed_at
            .filter(|_| p.status == Status::Closed)
            .map(|t| t.with_timezone(&domain::clock::CHINA).date_naive()),
        mechanisms: parts.mechanisms.remove(&p.id).unwrap_or_default(),
        overdue: flags.overdue,
        colour: flags.colour,
        measures: shown,
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
