//! 导入台账: a ledger kept in Excel — a unit's own, or one exported from here and edited — read
//! and applied. A row whose 问题编号 is one of ours updates that problem: each changed cell is
//! compared with what the export would show, the change made as the reader could make it by
//! hand (one audit entry each), and a change to a column nobody changes by sheet (the number, the
//! state) or that the reader may not change is reported, not applied. Other rows become new
//! problems, remembered by campaign and row key so that importing the same sheet again finds
//! them. A file with any rejected row changes nothing; the rest is applied in one transaction.

mod directory;
mod plan;
mod sheet;

pub use sheet::{LedgerColumns, LedgerFile, SheetMeasure, SheetProblem, read_ledger_file, tidy};

use crate::message_file::RejectedRow;
use crate::transitions::{Transition, TransitionRequest};
use crate::{Actor, App};
use directory::{Directory, NameList};
use domain::access::{self, Intent};
use domain::problem::ProblemNumber;
use domain::user::Role;
use domain::{CampaignId, Error, Msg, ProblemId, Result};
use plan::{Creation, Findings, Planner, Update};
use sha2::Digest;
use std::collections::HashMap;

/// How to import.
#[derive(Debug, Clone, Default)]
pub struct LedgerImportOptions {
    /// The campaign new problems join; needed only when the sheet has some and the install more
    /// than one campaign.
    pub campaign: Option<CampaignId>,
    /// Check and report without writing anything.
    pub dry_run: bool,
}

/// One change an import makes (or, on a dry run, would make).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct LedgerChange {
    /// The sheet's row.
    pub row: usize,
    /// The problem's number; empty for a new problem.
    pub number: String,
    /// The column's header as the file has it.
    pub column: String,
    pub before: String,
    pub after: String,
}

/// What an import did, or would do.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LedgerImportReport {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Rows that stop the file: nothing is applied while there is one.
    pub rejected: Vec<RejectedRow>,
    /// Changes reported and not applied (the number, the state, a column the reader may not change).
    pub refused: Vec<RejectedRow>,
    pub changes: Vec<LedgerChange>,
    /// Whether the changes were written (not on a dry run, nor with a rejected row).
    pub applied: bool,
}

/// The reason inside an error, without the field name a form would show it under.
pub(crate) fn refusal_reason(e: Error) -> Msg {
    match e {
        Error::Invalid { msg, .. } => msg,
        other => other.message(),
    }
}

/// A row's problem, once planned.
enum Planned {
    Create(Box<Creation>),
    Update(Box<Update>),
}

/// The key a problem made from a sheet row is remembered by: the sheet's own number, or its
/// description.
fn row_key(number: &str, description: &str) -> String {
    if number.is_empty() {
        format!("text:{}", hex::encode(sha2::Sha256::digest(description.as_bytes())))
    } else {
        format!("number:{number}")
    }
}

impl App {
    /// Imports a ledger file as `actor`: checks every row and plans every change, then (unless a
    /// row was rejected or it is a dry run) applies them all in one transaction.
    pub async fn import_ledger(
        &self,
        actor: &Actor,
        file: &LedgerFile,
        options: &LedgerImportOptions,
    ) -> Result<LedgerImportReport> {
        let principal = actor.user_for(Intent::Write)?.clone();
        let mut pooled = self.db.acquire().await?;
        let mut c = pooled.conn();
        let directory = Directory {
            units: NameList::new(
                ("单位", "unit"),
                store::units::list_units(&mut c).await?.into_iter().map(|u| (u.name, u.id)),
            ),
            leaders: NameList::new(
                ("责任领导", "responsible leader"),
                store::users::list_users(&mut c, "/")
                    .await?
                    .into_iter()
                    .filter(|u| u.role == Role::Leader && u.active)
                    .map(|u| (u.display_name, u.id)),
            ),
            categories: NameList::new(
                ("问题类别", "category"),
                store::categories::list_categories(&mut c).await?.into_iter().map(|k| (k.name, k.id)),
            ),
        };
        // The stored problems the sheet names, those the reader may see.
        let mut known: HashMap<String, (ProblemId, domain::access::ProblemPlace)> = HashMap::new();
        for sp in &file.problems {
            let number = sp.text(domain::ledger::LedgerColumn::Number);
            if number.is_empty() || known.contains_key(&number) {
                continue;
            }
            if let Some(row) = store::problems::get_problem_by_number(&mut c, &number).await? {
                let loaded = crate::problems::load(&mut c, row.id).await?;
                if access::may_read(&principal, &loaded.place) {
                    known.insert(number, (row.id, loaded.place));
                }
            }
        }
        let campaign = self.import_campaign(&mut c, options.campaign).await?;
        let keys: HashMap<String, ProblemId> = match campaign {
            Some(k) => store::ledger_keys::keys_of(&mut c, k).await?.into_iter().collect(),
            None => HashMap::new(),
        };
        // Which stored problem each sheet problem is, if any.
        let mut targets: Vec<Option<ProblemId>> = Vec::with_capacity(file.problems.len());
        let mut rejected_numbers = Vec::new();
        for sp in &file.problems {
            let number = sp.text(domain::ledger::LedgerColumn::Number);
            let target = match known.get(&number) {
                Some((id, _)) => Some(*id),
                None if !number.is_empty() && ProblemNumber::parse(&number).is_ok() => {
                    rejected_numbers.push(RejectedRow {
                        row: sp.row,
                        column: file.header(domain::ledger::LedgerColumn::Number),
                        reason: Msg::new(
                            format!("问题编号 {number} 不存在，或您无权查看"),
                            format!("problem {number} does not exist, or you may not see it"),
                        ),
                    });
                    None
                }
                None => keys.get(&row_key(&number, &sp.text(domain::ledger::LedgerColumn::Description))).copied(),
            };
            targets.push(target);
        }
        let ids: Vec<ProblemId> = targets.iter().flatten().copied().collect();
        let names = self.ledger_names(&mut c).await?;
        let gathered: HashMap<ProblemId, crate::ledger_export::Gathered> =
            self.gather(&mut c, &names, &ids).await?.into_iter().map(|g| (g.row.id, g)).collect();
        let mut places: HashMap<ProblemId, domain::access::ProblemPlace> = known.into_values().collect();
        for id in &ids {
            if !places.contains_key(id) {
                places.insert(*id, crate::problems::load(&mut c, *id).await?.place);
            }
        }
        let needs_campaign = targets.iter().zip(&file.problems).any(|(t, sp)| {
            t.is_none() && ProblemNumber::parse(&sp.text(domain::ledger::LedgerColumn::Number)).is_err()
        });
        let campaign = match (campaign, needs_campaign) {
            (Some(k), _) => Some(k),
            (None, false) => None,
            (None, true) => {
                return Err(Error::invalid(
                    "campaign",
                    "文件中有新问题，请指定导入到哪个专项工作（--campaign）",
                    "the file has new problems: say which campaign they join (--campaign)",
                ));
            }
        };
        if needs_campaign && let Some(k) = campaign {
            let row = store::campaigns::get_campaign(&mut c, k).await?.ok_or_else(|| Error::not_found("campaign"))?;
            let unit = store::units::get_unit(&mut c, row.unit_id).await?.ok_or_else(|| Error::not_found("unit"))?;
            if !principal.may_run_list_in(&unit.unit_path()?) {
                return Err(Error::forbidden(
                    "只有专班办公室可以把新问题列入清单；本文件中有新问题",
                    "only the campaign office may put new problems on the list, and this file has some",
                ));
            }
        }
        let mut planner = Planner {
            file,
            directory: &directory,
            principal: &principal,
            today: self.clock.today(),
            found: Findings::default(),
        };
        planner.found.rejected.extend(file.rejected.iter().cloned());
        planner.found.rejected.extend(rejected_numbers);
        let mut plans = Vec::new();
        let mut report = LedgerImportReport::default();
        for (sp, target) in file.problems.iter().zip(&targets) {
            match target.and_then(|id| gathered.get(&id).zip(places.get(&id))) {
                Some((g, place)) => {
                    let up = planner.update(sp, g, place);
                    if up.changes_anything() {
                        report.updated += 1;
                        plans.push(Planned::Update(Box::new(up)));
                    } else {
                        report.unchanged += 1;
                    }
                }
                None => {
                    let number = sp.text(domain::ledger::LedgerColumn::Number);
                    if ProblemNumber::parse(&number).is_ok() {
                        continue; // rejected above
                    }
                    let Some(k) = campaign else { continue };
                    let key = row_key(&number, &sp.text(domain::ledger::LedgerColumn::Description));
                    if let Some(creation) = planner.creation(sp, k, key) {
                        report.created += 1;
                        plans.push(Planned::Create(Box::new(creation)));
                    }
                }
            }
        }
        drop(pooled);
        let Findings { changes, refused, mut rejected } = planner.found;
        rejected.sort_by_key(|r| r.row);
        report.changes = changes;
        report.refused = refused;
        report.rejected = rejected;
        if !report.rejected.is_empty() || options.dry_run {
            return Ok(report);
        }
        self.apply_ledger(actor, campaign, &plans).await?;
        report.applied = true;
        Ok(report)
    }

    /// The campaign given, or the install's only one.
    async fn import_campaign(&self, c: &mut store::Conn<'_>, given: Option<CampaignId>) -> Result<Option<CampaignId>> {
        if let Some(k) = given {
            store::campaigns::get_campaign(c, k).await?.ok_or_else(|| {
                Error::invalid_with_code(
                    domain::Code::UnknownCampaign,
                    "campaign",
                    format!("专项工作 {k} 不存在"),
                    format!("campaign {k} does not exist"),
                )
            })?;
            return Ok(Some(k));
        }
        let all = store::campaigns::list_campaigns(c).await?;
        Ok(match all.as_slice() {
            [one] => Some(one.id),
            _ => None,
        })
    }

    /// Writes every planned change in one transaction; the first failure undoes them all and
    /// is reported with its row.
    async fn apply_ledger(&self, actor: &Actor, campaign: Option<CampaignId>, plans: &[Planned]) -> Result<()> {
        let mut tx = self.db.begin().await?;
        for plan in plans {
            let (row, result) = match plan {
                Planned::Create(k) => (k.row, self.apply_creation(&mut tx.conn(), actor, campaign, k).await),
                Planned::Update(u) => (u.row, self.apply_update(&mut tx.conn(), actor, u).await),
            };
            result.map_err(|e| {
                let why = e.message();
                Error::invalid(
                    "file",
                    format!("第 {row} 行：{}；文件未导入", why.zh),
                    format!("row {row}: {}; nothing was imported", why.en),
                )
            })?;
        }
        self.commit(tx).await
    }

    async fn apply_creation(
        &self,
        c: &mut store::Conn<'_>,
        actor: &Actor,
        campaign: Option<CampaignId>,
        k: &Creation,
    ) -> Result<()> {
        let id = self.insert_problem_in(c, actor, &k.input).await?;
        if let Some(campaign) = campaign {
            store::ledger_keys::insert_key(c, campaign, &k.key, id).await?;
        }
        if let Some(a) = &k.assignment {
            let request = TransitionRequest::new(1, Transition::Assign(a.clone()));
            self.transition_in(c, actor, id, (&request).into()).await?;
        }
        for m in &k.measures {
            self.add_measure_in(c, actor, id, m).await?;
        }
        if let Some(note) = &k.note {
            self.add_note_in(c, actor, id, &crate::rectification::NoteInput { body: note.clone() }).await?;
        }
        Ok(())
    }

    async fn apply_update(&self, c: &mut store::Conn<'_>, actor: &Actor, u: &Update) -> Result<()> {
        if u.patched {
            self.update_problem_in(c, actor, u.id, &u.patch).await?;
        }
        for (id, patch) in &u.measure_patches {
            self.update_measure_in(c, actor, *id, patch).await?;
        }
        for m in &u.new_measures {
            self.add_measure_in(c, actor, u.id, m).await?;
        }
        if let Some(note) = &u.note {
            self.add_note_in(c, actor, u.id, &crate::rectification::NoteInput { body: note.clone() }).await?;
        }
        Ok(())
    }
}
