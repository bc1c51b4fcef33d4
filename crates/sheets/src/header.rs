//! Finding the header row of a sheet as units make them: a merged title row on top (“XX局主题教育
//! 检视问题整改台账”), a line or two such as “填报单位：XX局　填报时间：2023年9月”, and only then
//! the column names. What a column name means is the caller's to say; this finds the row.

use crate::Cell;

/// How many rows from the top a header may be found in.
const SEARCH_ROWS: usize = 30;

/// The header row and what its columns mean.
#[derive(Debug, Clone, PartialEq)]
pub struct Header<F> {
    /// Its index among the sheet's rows (0-based; the rows after it hold the data).
    pub row: usize,
    /// Each understood column: its index and what it holds. A meaning is given to one column
    /// only, the leftmost that names it.
    pub columns: Vec<(usize, F)>,
    /// Column names not understood, with their index (the caller may map them by hand).
    pub unknown: Vec<(usize, String)>,
    /// `label：value` lines above the header (填报单位, 填报时间…), in order.
    pub notes: Vec<(String, String)>,
}

impl<F: Copy + PartialEq> Header<F> {
    /// The column that holds `field`.
    pub fn column(&self, field: F) -> Option<usize> {
        self.columns.iter().find(|(_, f)| *f == field).map(|(i, _)| *i)
    }
}

/// A column name as people vary it: no spaces or line breaks (a long name is often wrapped), no
/// required-field star, no trailing colon.
pub fn normalise_name(name: &str) -> String {
    name.chars()
        .filter(|c| !c.is_whitespace() && *c != '*' && *c != '＊')
        .collect::<String>()
        .trim_end_matches([':', '：'])
        .to_string()
}

/// The header: the first of the top rows in which at least `min_known` cells name a column that
/// `known` understands (it is given the normalised name). `None` when no row does.
pub fn find_header<F: Copy + PartialEq>(
    rows: &[Vec<Cell>],
    known: impl Fn(&str) -> Option<F>,
    min_known: usize,
) -> Option<Header<F>> {
    let found = rows.iter().take(SEARCH_ROWS).position(|row| {
        let mut seen: Vec<F> = Vec::new();
        for f in row.iter().filter_map(|c| known(&normalise_name(&c.text()))) {
            if !seen.contains(&f) {
                seen.push(f);
            }
        }
        seen.len() >= min_known.max(1)
    })?;
    let mut columns: Vec<(usize, F)> = Vec::new();
    let mut unknown = Vec::new();
    for (i, cell) in rows[found].iter().enumerate() {
        let name = normalise_name(&cell.text());
        if name.is_empty() {
            continue;
        }
        match known(&name) {
            Some(f) if !columns.iter().any(|(_, g)| *g == f) => columns.push((i, f)),
            // A merged header cell filled across its columns names the same thing twice.
            Some(_) => {}
            None => unknown.push((i, name)),
        }
    }
    let notes = rows[..found].iter().flat_map(|row| notes_of(row)).collect();
    Some(Header { row: found, columns, unknown, notes })
}

/// The `label：value` pairs of a row above the header: in one cell (“填报单位：XX局”, several in a
/// cell separated by spaces) or a label cell ending in a colon followed by its value cell.
fn notes_of(row: &[Cell]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let texts: Vec<String> = row.iter().map(|c| c.text().into_owned()).collect();
    let mut i = 0;
    while i < texts.len() {
        let t = texts[i].as_str();
        if let Some(label) = t.strip_suffix(['：', ':']) {
            let value = texts.get(i + 1).cloned().unwrap_or_default();
            if !label.trim().is_empty() {
                out.push((label.trim().to_string(), value.trim().to_string()));
            }
            i += 2;
            continue;
        }
        for piece in t.split(['\u{3000}', ' ', '\t']).filter(|p| !p.is_empty()) {
            if let Some((label, value)) = piece.split_once(['：', ':'])
                && !label.trim().is_empty()
            {
                out.push((label.trim().to_string(), value.trim().to_string()));
            }
        }
        i += 1;
    }
    // A merged row repeats its text in every cell of the region.
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, Copy, PartialEq)]
    enum F {
        Seq,
        Problem,
        Deadline,
    }

    fn known(name: &str) -> Option<F> {
        match name {
            "序号" => Some(F::Seq),
            "问题描述" | "存在问题" => Some(F::Problem),
            "整改时限" | "完成时限" => Some(F::Deadline),
            _ => None,
        }
    }

    fn row(cells: &[&str]) -> Vec<Cell> {
        cells.iter().map(|s| if s.is_empty() { Cell::Empty } else { Cell::Text((*s).to_string()) }).collect()
    }

    #[test]
    fn the_header_is_found_below_titles_and_the_notes_are_kept() {
        let title = "XX局主题教育检视问题整改台账";
        let rows = vec![
            row(&[title, title, title, title]),
            row(&["填报单位：XX局　填报时间：2023年9月1日", "", "", ""]),
            row(&["联系人：", "张三", "", ""]),
            row(&["序 号", "存在\n问题", "*整改时限", "备注"]),
            row(&["1", "路灯不亮", "2023年12月底前", ""]),
        ];
        let h = find_header(&rows, known, 2).unwrap();
        assert_eq!(h.row, 3);
        assert_eq!(h.columns, vec![(0, F::Seq), (1, F::Problem), (2, F::Deadline)]);
        assert_eq!(h.unknown, vec![(3, "备注".to_string())]);
        assert_eq!(
            h.notes,
            vec![
                ("填报单位".to_string(), "XX局".to_string()),
                ("填报时间".to_string(), "2023年9月1日".to_string()),
                ("联系人".to_string(), "张三".to_string()),
            ]
        );
        assert_eq!(h.column(F::Deadline), Some(2));
    }

    #[test]
    fn a_merged_header_cell_gives_its_meaning_to_the_first_column_only() {
        let rows = vec![row(&["序号", "问题描述", "问题描述", "完成时限"])];
        let h = find_header(&rows, known, 2).unwrap();
        assert_eq!(h.columns, vec![(0, F::Seq), (1, F::Problem), (3, F::Deadline)]);
    }

    #[test]
    fn no_header_when_too_few_names_are_known() {
        let rows = vec![row(&["甲", "乙"]), row(&["序号", "丙"])];
        assert_eq!(find_header(&rows, known, 2), None);
        assert_eq!(find_header(&[], known, 1), None);
    }
}
