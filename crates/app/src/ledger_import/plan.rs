//! What a sheet's problem asks for, compared with what is stored: the changes to make, the changes
//! refused (columns a unit may not change by sheet, or the reader may not change at all), and the
//! rows rejected (a date that is no date, a unit that does not exist). Nothing here writes.

use super::directory::Directory;
use super::sheet::{LedgerFile, SheetProblem, tidy};
use super::{LedgerChange, refusal_reason};
use crate::ledger_export::{Gathered, LedgerProblem, chinese_date};
use crate::message_file::RejectedRow;
use crate::problems::{NewProblemInput, ProblemPatch, check_add_records, check_edit_listing, check_edit_rectification};
use crate::rectification::{MeasureInput, MeasurePatch};
use crate::transitions::Assignment;
use chrono::NaiveDate;
use domain::access::{Principal, ProblemPlace};
use domain::feedback::Channel;
use domain::ledger::LedgerColumn;
use domain::problem::RectificationType;
use domain::workflow::Status;
use domain::{CampaignId, MeasureId, Msg, ProblemId};

/// A problem to put on the list.
pub(crate) struct Creation {
    pub row: usize,
    pub key: String,
    pub input: NewProblemInput,
    pub assignment: Option<Assignment>,
    pub measures: Vec<MeasureInput>,
    pub note: Option<String>,
}

/// Changes to a stored problem.
pub(crate) struct Update {
    pub row: usize,
    pub id: ProblemId,
    pub patch: ProblemPatch,
    pub patched: bool,
    pub measure_patches: Vec<(MeasureId, MeasurePatch)>,
    pub new_measures: Vec<MeasureInput>,
    pub note: Option<String>,
}

impl Update {
    pub(crate) fn changes_anything(&self) -> bool {
        self.patched || !self.measure_patches.is_empty() || !self.new_measures.is_empty() || self.note.is_some()
    }
}

/// What planning found, row by row.
#[derive(Default)]
pub(crate) struct Findings {
    pub changes: Vec<LedgerChange>,
    pub refused: Vec<RejectedRow>,
    pub rejected: Vec<RejectedRow>,
}

/// A deadline cell understood: the type, and the date for 限期整改.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Deadline {
    kind: RectificationType,
    date: Option<NaiveDate>,
}

impl Deadline {
    fn shown(self) -> String {
        match (self.kind, self.date) {
            (RectificationType::Deadline, Some(d)) => chinese_date(d),
            (RectificationType::Deadline, None) => String::new(),
            (other, _) => other.label_zh().to_string(),
        }
    }
}

/// Reads a 整改时限 cell: a date in any form (serials and 年底前 among them), or 立行立改 /
/// 限期整改 / 长期坚持.
fn deadline_of(cell: Option<&sheets::Cell>) -> Result<Deadline, Msg> {
    let Some(cell) = cell.filter(|c| !c.is_blank()) else {
        return Ok(Deadline { kind: RectificationType::Deadline, date: None });
    };
    if let Some(d) = sheets::parse_date(cell) {
        return Ok(Deadline { kind: RectificationType::Deadline, date: Some(d.date()) });
    }
    let text = tidy(&cell.text());
    match RectificationType::parse(&text) {
        Ok(kind) => Ok(Deadline { kind, date: None }),
        Err(_) => Err(Msg::new(
            format!("无法识别的整改时限“{text}”（可写日期，或立行立改、长期坚持）"),
            format!("\"{text}\" is not a deadline (a date, or 立行立改 / 长期坚持)"),
        )),
    }
}

/// The title and description a 问题描述 cell gives: its first line (or first sentence, when
/// the line is longer than a title may be) and the whole text.
fn title_and_description(text: &str) -> (String, String) {
    let first = text.lines().next().unwrap_or_default().trim();
    let title = if first.chars().count() <= domain::text::MAX_TITLE_CHARS {
        first.to_string()
    } else {
        let sentence: String = first.split_inclusive(['。', '；', ';']).next().unwrap_or(first).to_string();
        let limit = domain::text::MAX_TITLE_CHARS - 1;
        if sentence.chars().count() <= limit {
            sentence
        } else {
            format!("{}…", sentence.chars().take(limit).collect::<String>())
        }
    };
    let rest = text.lines().skip(1).collect::<Vec<_>>().join("\n");
    let description =
        if text.lines().count() > 1 && title == first { rest.trim().to_string() } else { text.to_string() };
    let description = if description.is_empty() { title.clone() } else { description };
    (title, description)
}

/// The reader's view of one sheet, for planning.
pub(crate) struct Planner<'a> {
    pub file: &'a LedgerFile,
    pub directory: &'a Directory,
    pub principal: &'a Principal,
    pub today: NaiveDate,
    pub found: Findings,
}

impl Planner<'_> {
    fn reject(&mut self, row: usize, column: LedgerColumn, reason: Msg) {
        self.found.rejected.push(RejectedRow { row, column: self.file.header(column), reason });
    }

    fn refuse(&mut self, row: usize, column: LedgerColumn, reason: Msg) {
        self.found.refused.push(RejectedRow { row, column: self.file.header(column), reason });
    }

    fn change(&mut self, row: usize, number: &str, column: LedgerColumn, before: &str, after: &str) {
        self.found.changes.push(LedgerChange {
            row,
            number: number.to_string(),
            column: self.file.header(column),
            before: before.to_string(),
            after: after.to_string(),
        });
    }

    /// A name looked up, or the row rejected with the nearest names.
    fn lookup<T>(&mut self, row: usize, column: LedgerColumn, found: Result<T, Msg>) -> Option<T> {
        match found {
            Ok(v) => Some(v),
            Err(why) => {
                self.reject(row, column, why);
                None
            }
        }
    }

    fn deadline(&mut self, sp: &SheetProblem) -> Option<Deadline> {
        match deadline_of(sp.cell(LedgerColumn::Deadline)) {
            Ok(d) => {
                if let Some(date) = d.date.filter(|date| *date < self.today) {
                    let why = crate::problems::check_not_past("deadline", date, self.today).err().map(refusal_reason);
                    self.reject(sp.row, LedgerColumn::Deadline, why.unwrap_or_else(|| Msg::new("日期已过", "past")));
                    return None;
                }
                Some(d)
            }
            Err(why) => {
                self.reject(sp.row, LedgerColumn::Deadline, why);
                None
            }
        }
    }

    /// The changes `sp` makes to the stored problem `g`.
    pub(crate) fn update(&mut self, sp: &SheetProblem, g: &Gathered, place: &ProblemPlace) -> Update {
        let row = sp.row;
        let shown = &g.ledger;
        let number = shown.number.as_str().to_string();
        let listing = check_edit_listing(self.principal, &g.row, place).err().map(refusal_reason);
        let rectification = check_edit_rectification(self.principal, &g.row, place).err().map(refusal_reason);
        let records = check_add_records(self.principal, &g.row, place).err().map(refusal_reason);
        let mut up = Update {
            row,
            id: g.row.id,
            patch: ProblemPatch { version: g.row.version, ..Default::default() },
            patched: false,
            measure_patches: Vec::new(),
            new_measures: Vec::new(),
            note: None,
        };
        for &(column, _) in &self.file.columns {
            if LedgerProblem::per_measure(column) {
                continue;
            }
            let text = sp.text(column);
            let before = tidy(&shown.cell(column, 0));
            if column == LedgerColumn::Seq || column == LedgerColumn::Number || text == before {
                continue;
            }
            match column {
                LedgerColumn::Seq | LedgerColumn::Number | LedgerColumn::Measure | LedgerColumn::Person => {}
                LedgerColumn::Source => {
                    if text.is_empty() {
                        continue;
                    }
                    let Some(channel) = self.lookup(row, column, Channel::parse(&text).map_err(refusal_reason)) else {
                        continue;
                    };
                    if channel != g.row.channel && allowed_to(self, row, column, &listing) {
                        up.patch.channel = Some(channel);
                        up.patched = true;
                        self.change(row, &number, column, &before, &text);
                    }
                }
                LedgerColumn::Category => {
                    let found =
                        if text.is_empty() { Ok(None) } else { self.directory.categories.find(&text).map(Some) };
                    let Some(category) = self.lookup(row, column, found) else { continue };
                    if category != g.row.category_id && allowed_to(self, row, column, &listing) {
                        up.patch.category_id = Some(category);
                        up.patched = true;
                        self.change(row, &number, column, &before, &text);
                    }
                }
                LedgerColumn::Description => {
                    if text.is_empty() {
                        self.reject(row, column, Msg::new("问题描述不能为空", "the description must not be empty"));
                        continue;
                    }
                    if !allowed_to(self, row, column, &listing) {
                        continue;
                    }
                    let (title, description) = title_and_description(&text);
                    if title != g.row.title {
                        up.patch.title = Some(title);
                    }
                    if description != g.row.description {
                        up.patch.description = Some(description);
                    }
                    up.patched = true;
                    self.change(row, &number, column, &before, &text);
                }
                LedgerColumn::Leader => {
                    let found = if text.is_empty() { Ok(None) } else { self.directory.leaders.find(&text).map(Some) };
                    let Some(leader) = self.lookup(row, column, found) else { continue };
                    if leader != g.row.responsible_leader_id && allowed_to(self, row, column, &listing) {
                        up.patch.responsible_leader_id = Some(leader);
                        up.patched = true;
                        self.change(row, &number, column, &before, &text);
                    }
                }
                LedgerColumn::Deadline => {
                    let Some(asked) = self.deadline(sp) else { continue };
                    let stored = Deadline { kind: g.row.rectification_type, date: g.row.deadline };
                    if asked.shown() == stored.shown() || !allowed_to(self, row, column, &listing) {
                        continue;
                    }
                    if asked.kind != stored.kind {
                        up.patch.rectification_type = Some(asked.kind);
                    }
                    if asked.kind == RectificationType::Deadline || asked.kind == RectificationType::Ongoing {
                        up.patch.deadline = Some(asked.date);
                    }
                    up.patched = true;
                    self.change(row, &number, column, &before, &asked.shown());
                }
                LedgerColumn::Progress => {
                    if text.is_empty() {
                        self.refuse(
                            row,
                            column,
                            Msg::new(
                                "进展记录不能删除，此列的清空未导入",
                                "progress notes are kept; clearing the cell was not imported",
                            ),
                        );
                    } else if allowed_to(self, row, column, &records) {
                        up.note = Some(text.clone());
                        self.change(row, &number, column, &before, &text);
                    }
                }
                LedgerColumn::Unit => self.refuse(
                    row,
                    column,
                    Msg::new(
                        "责任单位须在系统中分办或改派，未按表修改",
                        "the responsible unit changes by assigning in zhenggai, not by sheet",
                    ),
                ),
                LedgerColumn::Status => {
                    let asked = text.trim_end_matches("（逾期）");
                    if Status::parse(asked).is_ok_and(|s| s == g.row.status) {
                        continue;
                    }
                    self.refuse(
                        row,
                        column,
                        Msg::new(
                            format!("状态随办理流程变化，不能按表修改（仍为“{}”）", g.row.status.label_zh()),
                            format!(
                                "the state follows the workflow and is not changed by sheet (still {})",
                                g.row.status
                            ),
                        ),
                    );
                }
                LedgerColumn::Goal
                | LedgerColumn::Evidence
                | LedgerColumn::SignedOffAt
                | LedgerColumn::Mechanism
                | LedgerColumn::Remarks => self.refuse(row, column, not_by_sheet(column)),
            }
        }
        if self.file.has(LedgerColumn::Measure) || self.file.has(LedgerColumn::Person) {
            self.plan_measures(sp, g, &mut up, &rectification, &records);
        }
        up
    }

    /// Measure rows matched with the stored measures: the same text first, then in order (a
    /// measure reworded), the rest new; a stored measure missing from the sheet is kept, and said.
    fn plan_measures(
        &mut self,
        sp: &SheetProblem,
        g: &Gathered,
        up: &mut Update,
        rectification: &Option<Msg>,
        records: &Option<Msg>,
    ) {
        let number = g.ledger.number.as_str().to_string();
        let with_measures = self.file.has(LedgerColumn::Measure);
        let rows: Vec<_> = sp.measures.iter().filter(|m| !m.description.is_empty() || !with_measures).collect();
        let mut paired: Vec<Option<usize>> = vec![None; rows.len()];
        let mut taken = vec![false; g.measures.len()];
        if with_measures {
            for (i, m) in rows.iter().enumerate() {
                if let Some(j) =
                    (0..g.measures.len()).find(|&j| !taken[j] && tidy(&g.measures[j].description) == m.description)
                {
                    paired[i] = Some(j);
                    taken[j] = true;
                }
            }
            for slot in paired.iter_mut().filter(|s| s.is_none()) {
                if let Some(j) = (0..g.measures.len()).find(|&j| !taken[j]) {
                    *slot = Some(j);
                    taken[j] = true;
                }
            }
        } else {
            for (i, slot) in paired.iter_mut().enumerate().take(g.measures.len()) {
                *slot = Some(i);
            }
        }
        let problem_person = g.row.responsible_person.clone().unwrap_or_default();
        let mut person_now = problem_person.clone();
        let shown_rows = sp.measures.len();
        // The placeholder row of a problem without measures carries the problem's person.
        if with_measures && rows.is_empty() && self.file.has(LedgerColumn::Person) {
            if let Some(first) = sp.measures.first()
                && !first.person.is_empty()
                && first.person != problem_person
                && allowed_to(self, first.row, LedgerColumn::Person, rectification)
            {
                up.patch.responsible_person = Some(Some(first.person.clone()));
                up.patched = true;
                self.change(first.row, &number, LedgerColumn::Person, &problem_person, &first.person);
            }
            return;
        }
        for (i, m) in rows.iter().enumerate() {
            match paired[i] {
                Some(j) => {
                    let stored = &g.measures[j];
                    let mut patch = MeasurePatch {
                        version: stored.version,
                        description: None,
                        owner_unit_id: None,
                        owner_name: None,
                        deadline: None,
                        status: None,
                    };
                    if with_measures && m.description != tidy(&stored.description) {
                        patch.description = Some(m.description.clone());
                        self.change(m.row, &number, LedgerColumn::Measure, &stored.description, &m.description);
                    }
                    let own = stored.owner_name.clone().unwrap_or_default();
                    let expected = if own.is_empty() { problem_person.clone() } else { own.clone() };
                    // An empty cell says nothing: a row added below leaves it to the problem's person.
                    if self.file.has(LedgerColumn::Person) && !m.person.is_empty() && m.person != expected {
                        if own.is_empty() && shown_rows <= 1 {
                            if allowed_to(self, m.row, LedgerColumn::Person, rectification) {
                                up.patch.responsible_person = Some(Some(m.person.clone()).filter(|p| !p.is_empty()));
                                up.patched = true;
                                person_now = m.person.clone();
                                self.change(m.row, &number, LedgerColumn::Person, &expected, &m.person);
                            }
                        } else {
                            patch.owner_name = Some(m.person.clone());
                            self.change(m.row, &number, LedgerColumn::Person, &expected, &m.person);
                        }
                    }
                    if (patch.description.is_some() || patch.owner_name.is_some())
                        && allowed_to(self, m.row, LedgerColumn::Measure, records)
                    {
                        up.measure_patches.push((stored.id, patch));
                    }
                }
                None => {
                    if allowed_to(self, m.row, LedgerColumn::Measure, records) {
                        let owner = (!m.person.is_empty() && m.person != person_now).then(|| m.person.clone());
                        up.new_measures.push(MeasureInput {
                            description: m.description.clone(),
                            owner_unit_id: None,
                            owner_name: owner,
                            deadline: None,
                            status: None,
                        });
                        self.change(m.row, &number, LedgerColumn::Measure, "", &m.description);
                    }
                }
            }
        }
        if with_measures {
            for (_, stored) in g.measures.iter().enumerate().filter(|(j, _)| !taken[*j]) {
                self.refuse(
                    sp.row,
                    LedgerColumn::Measure,
                    Msg::new(
                        format!("表中没有措施“{}”，系统中保留未删", stored.description),
                        format!("the measure \"{}\" is not on the sheet; it is kept", stored.description),
                    ),
                );
            }
        }
    }

    /// A new problem from `sp`, in `campaign`, remembered under `key`.
    pub(crate) fn creation(&mut self, sp: &SheetProblem, campaign: CampaignId, key: String) -> Option<Creation> {
        let row = sp.row;
        let before = self.found.rejected.len();
        let description = sp.text(LedgerColumn::Description);
        if description.is_empty() {
            self.reject(
                row,
                LedgerColumn::Description,
                Msg::new("新问题须有问题描述", "a new problem needs a description"),
            );
        }
        let (title, description) = title_and_description(&description);
        let source = sp.text(LedgerColumn::Source);
        let channel = if source.is_empty() {
            Some(Channel::SelfInspection)
        } else {
            self.lookup(row, LedgerColumn::Source, Channel::parse(&source).map_err(refusal_reason))
        };
        let category = match sp.text(LedgerColumn::Category) {
            t if t.is_empty() => None,
            t => self.lookup(row, LedgerColumn::Category, self.directory.categories.find(&t)),
        };
        let unit = match sp.text(LedgerColumn::Unit) {
            t if t.is_empty() => None,
            t => self.lookup(row, LedgerColumn::Unit, self.directory.units.find(&t)),
        };
        let leader = match sp.text(LedgerColumn::Leader) {
            t if t.is_empty() => None,
            t => self.lookup(row, LedgerColumn::Leader, self.directory.leaders.find(&t)),
        };
        let deadline = self.deadline(sp);
        if !sp.text(LedgerColumn::Leader).is_empty() && sp.text(LedgerColumn::Unit).is_empty() {
            self.reject(
                row,
                LedgerColumn::Leader,
                Msg::new("有责任领导而没有责任单位", "a responsible leader is given without a responsible unit"),
            );
        }
        let status = sp.text(LedgerColumn::Status);
        let status = status.trim_end_matches("（逾期）");
        if !status.is_empty() && !Status::parse(status).is_ok_and(|s| matches!(s, Status::New | Status::Assigned)) {
            self.refuse(
                row,
                LedgerColumn::Status,
                Msg::new(
                    format!("新问题从“待分办”或“整改中”开始，状态“{status}”未导入"),
                    format!("a new problem starts new or assigned; the state \"{status}\" was not imported"),
                ),
            );
        }
        for column in [LedgerColumn::Goal, LedgerColumn::Evidence, LedgerColumn::SignedOffAt, LedgerColumn::Mechanism] {
            if !sp.text(column).is_empty() {
                self.refuse(row, column, not_by_sheet(column));
            }
        }
        if self.found.rejected.len() > before {
            return None;
        }
        let (channel, deadline) = (channel?, deadline?);
        let person = sp.measures.iter().map(|m| m.person.clone()).find(|p| !p.is_empty()).unwrap_or_default();
        let measures = sp
            .measures
            .iter()
            .filter(|m| !m.description.is_empty())
            .map(|m| MeasureInput {
                description: m.description.clone(),
                owner_unit_id: None,
                owner_name: (!m.person.is_empty() && m.person != person).then(|| m.person.clone()),
                deadline: None,
                status: None,
            })
            .collect();
        let progress = sp.text(LedgerColumn::Progress);
        self.change(row, "", LedgerColumn::Description, "", &title);
        Some(Creation {
            row,
            key,
            input: NewProblemInput {
                category_id: category,
                rectification_type: Some(deadline.kind),
                ..NewProblemInput::new(campaign, title, description, channel)
            },
            assignment: unit.map(|lead| Assignment {
                deadline: deadline.date,
                responsible_leader_id: leader,
                responsible_person: Some(person).filter(|p| !p.is_empty()),
                rectification_type: Some(deadline.kind),
                ..Assignment::to(lead)
            }),
            measures,
            note: Some(progress).filter(|p| !p.is_empty()),
        })
    }
}

/// A change the reader may make is planned; one they may not is reported with the reason.
fn allowed_to(planner: &mut Planner<'_>, row: usize, column: LedgerColumn, denial: &Option<Msg>) -> bool {
    match denial {
        None => true,
        Some(why) => {
            planner.refuse(row, column, why.clone());
            false
        }
    }
}

/// Why a column is not imported: it is kept by the workflow or by its own pages.
fn not_by_sheet(column: LedgerColumn) -> Msg {
    match column {
        LedgerColumn::Goal => Msg::new(
            "整改目标请写入问题描述或整改措施，此列未导入",
            "goals are not a field; write them in the description or a measure",
        ),
        LedgerColumn::Evidence => {
            Msg::new("佐证材料须在系统中上传文件，此列未导入", "evidence is uploaded as files in zhenggai")
        }
        LedgerColumn::SignedOffAt => {
            Msg::new("销号时间由验收销号产生，此列未导入", "the sign-off date comes from signing off")
        }
        LedgerColumn::Mechanism => {
            Msg::new("长效机制须在系统中登记，此列未导入", "lasting mechanisms are recorded in zhenggai")
        }
        _ => Msg::new(
            "备注（督办标色）须在系统中操作，此列未导入",
            "remarks (the supervision colour) change in zhenggai",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_description_gives_a_title_and_the_rest() {
        assert_eq!(title_and_description("路灯不亮"), ("路灯不亮".into(), "路灯不亮".into()));
        assert_eq!(title_and_description("路灯不亮\n建设路三盏"), ("路灯不亮".into(), "建设路三盏".into()));
        let long = format!("{}。其余", "长".repeat(250));
        let (title, description) = title_and_description(&long);
        assert_eq!(title.chars().count(), domain::text::MAX_TITLE_CHARS);
        assert!(title.ends_with('…'));
        assert_eq!(description, long);
    }

    #[test]
    fn a_deadline_cell_is_a_date_or_a_type() {
        let d = |s: &str| deadline_of(Some(&sheets::Cell::Text(s.into())));
        assert_eq!(d("2026年12月31日").unwrap().shown(), "2026年12月31日");
        assert_eq!(d("长期坚持").unwrap().kind, RectificationType::Ongoing);
        assert_eq!(d("立行立改").unwrap().kind, RectificationType::Immediate);
        assert!(d("尽快").unwrap_err().zh.contains("尽快"));
        assert_eq!(deadline_of(None).unwrap().shown(), "");
    }
}
