//! One cell's value, as a spreadsheet or a CSV file holds it.

use chrono::NaiveDateTime;
use std::borrow::Cow;

/// A cell: CSV cells are all text; workbook cells keep their type (a date cell is a date, not the
/// number Excel stores for it).
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Cell {
    #[default]
    Empty,
    Text(String),
    Number(f64),
    DateTime(NaiveDateTime),
    Bool(bool),
    /// A formula's error value (`#N/A`, `#REF!`…).
    Error(String),
}

impl Cell {
    /// Whether the cell holds nothing but whitespace.
    pub fn is_blank(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }

    /// The cell as text, trimmed (whole numbers without a decimal point, as Excel shows them).
    pub fn text(&self) -> Cow<'_, str> {
        match self {
            Cell::Empty => Cow::Borrowed(""),
            Cell::Text(s) => Cow::Borrowed(s.trim()),
            Cell::Number(n) => Cow::Owned(number_text(*n)),
            Cell::DateTime(t) => Cow::Owned(if t.time() == chrono::NaiveTime::MIN {
                t.date().format("%Y-%m-%d").to_string()
            } else {
                t.format("%Y-%m-%d %H:%M:%S").to_string()
            }),
            Cell::Bool(b) => Cow::Borrowed(if *b { "TRUE" } else { "FALSE" }),
            Cell::Error(e) => Cow::Borrowed(e.as_str()),
        }
    }
}

fn number_text(n: f64) -> String {
    // Whole numbers up to 2^53 print exactly without a fraction.
    if n.fract() == 0.0 && n.abs() < 9_007_199_254_740_992.0 { format!("{n:.0}") } else { n.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_read_as_excel_shows_them() {
        assert_eq!(Cell::Number(12.0).text(), "12");
        assert_eq!(Cell::Number(-3.5).text(), "-3.5");
        assert_eq!(Cell::Text("  路灯\u{3000}".into()).text(), "路灯");
        let d = chrono::NaiveDate::from_ymd_opt(2019, 8, 1).unwrap();
        assert_eq!(Cell::DateTime(d.and_hms_opt(0, 0, 0).unwrap()).text(), "2019-08-01");
        assert_eq!(Cell::DateTime(d.and_hms_opt(11, 25, 5).unwrap()).text(), "2019-08-01 11:25:05");
        assert!(Cell::Text(" \t".into()).is_blank());
        assert!(!Cell::Number(0.0).is_blank());
    }
}
