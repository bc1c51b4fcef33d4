//! A ledger sheet as units make them, read into problems: the header found below the title and
//! 填报单位 lines, each column found by any of its names (or one the caller gives), and the rows
//! of one problem — its 序号 merged down over its measure rows, or its 问题编号 repeated on a row
//! added below — gathered into one problem with one measure per row.

use crate::message_file::RejectedRow;
use domain::ledger::LedgerColumn;
use domain::{Error, Msg, Result};
use sheets::{Cell, find_header, normalise_name};
use std::collections::{BTreeMap, HashMap};

/// Headers the caller names for columns whose names are not among the known ones.
#[derive(Debug, Clone, Default)]
pub struct LedgerColumns {
    pub named: Vec<(LedgerColumn, String)>,
}

impl LedgerColumns {
    fn named(&self, column: LedgerColumn) -> Option<&str> {
        self.named.iter().find(|(c, _)| *c == column).map(|(_, n)| n.as_str())
    }

    /// Parses `问题描述=存在的突出问题`: a column of the ledger by any of its names, then the header
    /// the file gives it.
    pub fn parse_pair(pair: &str) -> Result<(LedgerColumn, String)> {
        let bad = || {
            let known: Vec<&str> = LedgerColumn::ALL.iter().map(|c| c.header_zh()).collect();
            Error::invalid(
                "column",
                format!("“{pair}”应写作 台账列=文件中的列名，台账列可为：{}", known.join("、")),
                format!(
                    "\"{pair}\" should read LEDGER COLUMN=FILE HEADER, the ledger column one of: {}",
                    known.join(", ")
                ),
            )
        };
        let (column, header) = pair.split_once('=').ok_or_else(bad)?;
        let column = LedgerColumn::from_header(&normalise_name(column)).ok_or_else(bad)?;
        let header = header.trim();
        if header.is_empty() {
            return Err(bad());
        }
        Ok((column, header.to_string()))
    }
}

/// One measure row of a problem.
#[derive(Debug, Clone, PartialEq)]
pub struct SheetMeasure {
    /// The row's number as the spreadsheet shows it.
    pub row: usize,
    pub description: String,
    pub person: String,
}

/// One problem of the sheet.
#[derive(Debug, Clone, PartialEq)]
pub struct SheetProblem {
    /// Its first row's number as the spreadsheet shows it.
    pub row: usize,
    /// The problem-level cells (every column but 整改措施 and 责任人), as on its first row that
    /// fills them.
    pub cells: BTreeMap<LedgerColumnKey, Cell>,
    /// One per row, in the sheet's order (a row without a measure has an empty description).
    pub measures: Vec<SheetMeasure>,
}

/// A ledger column as a map key (ordered as the standard layout).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LedgerColumnKey(usize);

impl From<LedgerColumn> for LedgerColumnKey {
    fn from(c: LedgerColumn) -> Self {
        LedgerColumnKey(LedgerColumn::ALL.iter().position(|x| *x == c).unwrap_or(usize::MAX))
    }
}

impl SheetProblem {
    pub fn cell(&self, column: LedgerColumn) -> Option<&Cell> {
        self.cells.get(&column.into())
    }

    /// A problem-level cell's text, trimmed, with Windows line ends as `\n`; empty when blank.
    pub fn text(&self, column: LedgerColumn) -> String {
        self.cell(column).map(|c| tidy(&c.text())).unwrap_or_default()
    }
}

/// Text as compared: line ends made `\n`, each line's trailing spaces and the whole trimmed.
pub fn tidy(text: &str) -> String {
    text.replace("\r\n", "\n")
        .replace('\r', "\n")
        .lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_string()
}

/// What a ledger file holds.
#[derive(Debug, Clone)]
pub struct LedgerFile {
    pub problems: Vec<SheetProblem>,
    /// The columns the file has, with its header for each.
    pub columns: Vec<(LedgerColumn, String)>,
    /// Headers not understood (mapped with `--column` or in the preview).
    pub unknown: Vec<String>,
    /// `填报单位：XX局` and the like above the header.
    pub notes: Vec<(String, String)>,
    /// Rows that belong to no problem, and why.
    pub rejected: Vec<RejectedRow>,
    pub kind: sheets::Kind,
}

impl LedgerFile {
    pub fn has(&self, column: LedgerColumn) -> bool {
        self.columns.iter().any(|(c, _)| *c == column)
    }

    /// The file's own header for a column (for messages), else the standard one.
    pub fn header(&self, column: LedgerColumn) -> String {
        self.columns.iter().find(|(c, _)| *c == column).map_or(column.header_zh(), |(_, h)| h.as_str()).to_string()
    }
}

/// The problems of a ledger in `bytes`: the first sheet whose header names the description.
pub fn read_ledger_file(bytes: &[u8], named: &LedgerColumns) -> Result<LedgerFile> {
    let book = crate::message_file::read_workbook(bytes)?;
    let known = |name: &str| {
        crate::message_file::column_named(LedgerColumn::ALL, |c| named.named(c), LedgerColumn::from_header, name)
    };
    let found = book.sheets.iter().find_map(|s| {
        find_header(&s.rows, known, 2)
            .filter(|h| h.column(LedgerColumn::Description).is_some() || h.column(LedgerColumn::Number).is_some())
            .map(|h| (s, h))
    });
    let Some((sheet, header)) = found else {
        let names = LedgerColumn::Description.names().join("、");
        return Err(match named.named(LedgerColumn::Description) {
            Some(n) => Error::invalid(
                "column",
                format!("文件中没有名为“{n}”的列"),
                format!("the file has no column named \"{n}\""),
            ),
            None => Error::invalid(
                "column",
                format!("找不到台账的表头：须有问题描述列（{names}）或问题编号列，请用 --column 指定列名"),
                format!(
                    "no ledger header: it needs a description column ({names}) or a problem number; name it with --column"
                ),
            ),
        });
    };
    let header_row = &sheet.rows[header.row];
    let columns: Vec<(LedgerColumn, String)> = header
        .columns
        .iter()
        .map(|(i, c)| (*c, header_row.get(*i).map(|h| h.text().into_owned()).unwrap_or_default()))
        .collect();
    let mut out = LedgerFile {
        problems: Vec::new(),
        columns,
        unknown: header.unknown.iter().map(|(_, n)| n.clone()).collect(),
        notes: header.notes.clone(),
        rejected: Vec::new(),
        kind: book.kind,
    };
    let col = |c: LedgerColumn| header.column(c);
    let mut by_number: HashMap<String, usize> = HashMap::new();
    let mut current: Option<usize> = None;
    for (i, row) in sheet.rows.iter().enumerate().skip(header.row + 1) {
        if row.iter().all(Cell::is_blank) {
            continue;
        }
        let number_of_row = i + 1;
        let cell = |c: LedgerColumn| col(c).and_then(|i| row.get(i)).cloned().unwrap_or_default();
        let text = |c: LedgerColumn| tidy(&cell(c).text());
        let (number, seq, description) =
            (text(LedgerColumn::Number), text(LedgerColumn::Seq), text(LedgerColumn::Description));
        let measure = SheetMeasure {
            row: number_of_row,
            description: text(LedgerColumn::Measure),
            person: text(LedgerColumn::Person),
        };
        // Which problem the row belongs to: one of the same number wherever it is; else the one
        // above when the row carries the same 序号 (merged down) or nothing of its own.
        let owner = if !number.is_empty() {
            by_number.get(&number).copied()
        } else {
            current.filter(|&p| {
                let above = &out.problems[p];
                let same_seq = !seq.is_empty() && above.text(LedgerColumn::Seq) == seq;
                let bare = seq.is_empty() && description.is_empty();
                (same_seq && (description.is_empty() || above.text(LedgerColumn::Description) == description)) || bare
            })
        };
        let index = match owner {
            Some(p) => p,
            None => {
                if description.is_empty() && number.is_empty() {
                    out.rejected.push(RejectedRow {
                        row: number_of_row,
                        column: out.header(LedgerColumn::Description),
                        reason: Msg::new(
                            "问题描述为空，且不属于上方的问题",
                            "no description, and not part of the problem above",
                        ),
                    });
                    continue;
                }
                out.problems.push(SheetProblem { row: number_of_row, cells: BTreeMap::new(), measures: Vec::new() });
                if !number.is_empty() {
                    by_number.insert(number.clone(), out.problems.len() - 1);
                }
                out.problems.len() - 1
            }
        };
        current = Some(index);
        let mut conflict = None;
        let problem = &mut out.problems[index];
        for &(i, c) in &header.columns {
            if SheetProblem::per_measure(c) {
                continue;
            }
            let value = row.get(i).cloned().unwrap_or_default();
            if value.is_blank() {
                continue;
            }
            match problem.cells.get(&c.into()) {
                None => {
                    problem.cells.insert(c.into(), value);
                }
                Some(first) if tidy(&first.text()) != tidy(&value.text()) && c != LedgerColumn::Seq => {
                    conflict = Some((c, tidy(&first.text()), tidy(&value.text())));
                }
                Some(_) => {}
            }
        }
        problem.measures.push(measure);
        if let Some((c, first, other)) = conflict {
            out.rejected.push(RejectedRow {
                row: number_of_row,
                column: out.header(c),
                reason: Msg::new(
                    format!("同一问题的各行此列不一致：“{first}”与“{other}”"),
                    format!("the rows of one problem disagree in this column: \"{first}\" and \"{other}\""),
                ),
            });
        }
    }
    Ok(out)
}

impl SheetProblem {
    /// Whether a column's cell belongs to each measure row rather than to the problem.
    pub fn per_measure(column: LedgerColumn) -> bool {
        crate::ledger_export::LedgerProblem::per_measure(column)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> LedgerFile {
        read_ledger_file(text.as_bytes(), &LedgerColumns::default()).unwrap()
    }

    #[test]
    fn rows_of_one_problem_are_gathered_by_number_or_by_the_seq_above() {
        let file = read(
            "XX局整改台账\n填报单位：XX局\n序号,问题编号,存在问题,整改措施,具体责任人\n\
             1,,食堂卫生差,每周检查,王五\n1,,食堂卫生差,更换供应商,\n,,,公示结果,\n\
             2,ZX-2026-0001,路灯不亮,更换灯头,\n3,,窗口排队,,\n,ZX-2026-0001,,补一条措施,\n",
        );
        assert_eq!(file.rejected, vec![]);
        assert_eq!(file.notes, vec![("填报单位".to_string(), "XX局".to_string())]);
        let seen: Vec<(usize, String, Vec<&str>)> = file
            .problems
            .iter()
            .map(|p| {
                (p.row, p.text(LedgerColumn::Description), p.measures.iter().map(|m| m.description.as_str()).collect())
            })
            .collect();
        assert_eq!(
            seen,
            vec![
                (4, "食堂卫生差".to_string(), vec!["每周检查", "更换供应商", "公示结果"]),
                (7, "路灯不亮".to_string(), vec!["更换灯头", "补一条措施"]),
                (8, "窗口排队".to_string(), vec![""]),
            ]
        );
        assert_eq!(file.problems[0].measures[0].person, "王五");
    }

    #[test]
    fn a_row_of_no_problem_and_rows_that_disagree_are_reported() {
        let file = read("序号,问题描述,整改时限\n,,\n,,2026-12-31\n1,甲,2026-12-31\n1,甲,2027-01-31\n");
        let said: Vec<(usize, &str)> = file.rejected.iter().map(|r| (r.row, r.column.as_str())).collect();
        assert_eq!(said, vec![(3, "问题描述"), (5, "整改时限")]);
    }

    #[test]
    fn a_named_column_maps_an_unknown_header() {
        let pair = LedgerColumns::parse_pair("问题描述=突出问题").unwrap();
        assert_eq!(pair, (LedgerColumn::Description, "突出问题".to_string()));
        assert!(LedgerColumns::parse_pair("无此列=甲").is_err());
        let named = LedgerColumns { named: vec![pair] };
        let file = read_ledger_file("序号,突出问题\n1,甲\n".as_bytes(), &named).unwrap();
        assert_eq!(file.problems[0].text(LedgerColumn::Description), "甲");
        let err = read_ledger_file("甲,乙\n1,2\n".as_bytes(), &LedgerColumns::default()).unwrap_err();
        assert!(format!("{err:?}").contains("问题描述"), "{err:?}");
    }
}
