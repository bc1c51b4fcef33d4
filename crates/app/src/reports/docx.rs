//! A report as an editable Word document laid out as Chinese official documents are (GB/T 9704):
//! A4 with the standard margins, the title in 小标宋 二号, headings in 黑体 三号, the text in
//! 仿宋_GB2312 三号 with a two-character indent, tables in 仿宋 小四, and the page number centred
//! at the foot (“— 1 —”). The fonts are named styles, so that an office restyles the whole document
//! from Word's style list. Charts become tables of bars, which stay editable.

use super::document::{Chart, Document, Section, Table};
use docx_rs::{
    AlignmentType, Docx, Footer, LineSpacing, PageMargin, PageNum, Paragraph, Run, RunFonts, Shading, Style, StyleType,
    TableCell, TableRow, WidthType,
};
use domain::{Error, Result};

/// A4 in twentieths of a point.
const A4: (u32, u32) = (11_906, 16_838);
/// The writing width: A4 less the 28 mm and 26 mm side margins.
const TEXT_WIDTH: usize = 8_844;
/// Half-points: 二号 22 pt, 三号 16 pt, 小四 12 pt, 四号 14 pt.
const SIZE_TITLE: usize = 44;
const SIZE_TEXT: usize = 32;
const SIZE_TABLE: usize = 24;
const SIZE_PAGE_NUMBER: usize = 28;
/// The longest bar of a chart, in block characters.
const BAR_CELLS: f64 = 24.0;

const FANGSONG: &str = "仿宋_GB2312";
const HEITI: &str = "黑体";
const XIAOBIAOSONG: &str = "方正小标宋简体";

fn fonts(east_asia: &str) -> RunFonts {
    RunFonts::new().east_asia(east_asia).ascii("Times New Roman").hi_ansi("Times New Roman")
}

fn styles(doc: Docx) -> Docx {
    doc.add_style(
        Style::new("ReportTitle", StyleType::Paragraph)
            .name("公文标题（小标宋）")
            .fonts(fonts(XIAOBIAOSONG))
            .size(SIZE_TITLE)
            .align(AlignmentType::Center),
    )
    .add_style(
        Style::new("ReportSubtitle", StyleType::Paragraph)
            .name("副标题（楷体）")
            .fonts(fonts("楷体_GB2312"))
            .size(SIZE_TEXT)
            .align(AlignmentType::Center),
    )
    .add_style(
        Style::new("Heading1", StyleType::Paragraph)
            .name("heading 1")
            .fonts(fonts(HEITI))
            .size(SIZE_TEXT)
            .outline_lvl(0),
    )
    .add_style(
        Style::new("ReportBody", StyleType::Paragraph)
            .name("正文（仿宋）")
            .fonts(fonts(FANGSONG))
            .size(SIZE_TEXT)
            .first_line_chars(200)
            .line_spacing(LineSpacing::new().line(560)),
    )
    .add_style(
        Style::new("ReportTable", StyleType::Paragraph)
            .name("表格（仿宋小四）")
            .fonts(fonts(FANGSONG))
            .size(SIZE_TABLE),
    )
}

fn styled(style: &str, text: &str) -> Paragraph {
    Paragraph::new().style(style).add_run(Run::new().add_text(text))
}

fn cell(text: &str, width: usize, right: bool, head: bool) -> TableCell {
    let mut p = styled("ReportTable", text);
    if right {
        p = p.align(AlignmentType::Right);
    }
    if head {
        p = Paragraph::new()
            .style("ReportTable")
            .align(AlignmentType::Center)
            .add_run(Run::new().add_text(text).fonts(fonts(HEITI)));
    }
    let c = TableCell::new().add_paragraph(p).width(width, WidthType::Dxa);
    if head { c.shading(Shading::new().fill("E7E6E6")) } else { c }
}

/// Column widths: text columns share what the number columns leave.
fn widths(numeric: &[bool]) -> Vec<usize> {
    const NUMBER: usize = 1_000;
    let numbers = numeric.iter().filter(|n| **n).count();
    let texts = numeric.len() - numbers;
    let text = TEXT_WIDTH.saturating_sub(numbers * NUMBER).checked_div(texts).unwrap_or(0);
    numeric.iter().map(|n| if *n { NUMBER } else { text.max(NUMBER) }).collect()
}

fn table(t: &Table) -> docx_rs::Table {
    let widths = widths(&t.numeric);
    let mut rows = vec![TableRow::new(t.head.iter().zip(&widths).map(|(h, w)| cell(h, *w, false, true)).collect())];
    for r in &t.rows {
        rows.push(TableRow::new(
            r.iter().zip(&widths).zip(&t.numeric).map(|((c, w), right)| cell(&c.text, *w, *right, false)).collect(),
        ));
    }
    docx_rs::Table::new(rows).set_grid(widths)
}

fn bar(value: f64, max: f64) -> String {
    let n = if max > 0.0 { (value / max * BAR_CELLS).round() as usize } else { 0 };
    "█".repeat(n)
}

/// A chart as a table: a label, the bar, the value.
fn chart(c: &Chart) -> (String, docx_rs::Table) {
    match c {
        Chart::Scores { title, bars } => {
            let max = bars.iter().map(|(_, v)| *v).fold(0.0, f64::max);
            let lines: Vec<Vec<String>> =
                bars.iter().map(|(name, v)| vec![name.clone(), bar(*v, max), format!("{v:.1}")]).collect();
            (title.clone(), bar_table(&lines, &[false, false, true]))
        }
        Chart::Weeks { title, received, closed, weeks } => {
            let max = weeks.iter().map(|(_, a, b)| (*a).max(*b)).max().unwrap_or(0) as f64;
            let mut lines = Vec::new();
            for (week, a, b) in weeks {
                lines.push(vec![format!("{week} {received}"), bar(*a as f64, max), a.to_string()]);
                lines.push(vec![format!("{week} {closed}"), bar(*b as f64, max), b.to_string()]);
            }
            (title.clone(), bar_table(&lines, &[false, false, true]))
        }
    }
}

fn bar_table(lines: &[Vec<String>], numeric: &[bool]) -> docx_rs::Table {
    let widths = vec![2_600, TEXT_WIDTH - 3_600, 1_000];
    let rows = lines
        .iter()
        .map(|l| {
            TableRow::new(
                l.iter().zip(&widths).zip(numeric).map(|((t, w), right)| cell(t, *w, *right, false)).collect(),
            )
        })
        .collect();
    docx_rs::Table::without_borders(rows).set_grid(widths)
}

fn section(mut doc: Docx, s: &Section) -> Docx {
    doc = doc.add_paragraph(styled("Heading1", &s.heading).keep_next(true));
    for p in &s.paragraphs {
        doc = doc.add_paragraph(styled("ReportBody", p));
    }
    if let Some(c) = &s.chart {
        let (title, t) = chart(c);
        doc = doc.add_paragraph(styled("ReportTable", &title).align(AlignmentType::Center).keep_next(true));
        doc = doc.add_table(t);
    }
    if let Some(t) = &s.table {
        doc = doc.add_paragraph(Paragraph::new().style("ReportTable"));
        doc = doc.add_table(table(t));
    }
    doc
}

/// The document as .docx bytes.
pub fn write_docx(d: &Document) -> Result<Vec<u8>> {
    let footer = Footer::new().add_paragraph(
        Paragraph::new()
            .align(AlignmentType::Center)
            .add_run(Run::new().add_text("— ").size(SIZE_PAGE_NUMBER))
            .add_page_num(PageNum::new())
            .add_run(Run::new().add_text(" —").size(SIZE_PAGE_NUMBER)),
    );
    // Millimetres in twips: top 37, bottom 35, left 28, right 26 (GB/T 9704).
    let mm = |v: f64| (v * 56.7).round() as i32;
    let margin = PageMargin {
        top: mm(37.0),
        bottom: mm(35.0),
        left: mm(28.0),
        right: mm(26.0),
        header: mm(15.0),
        footer: mm(25.0),
        gutter: 0,
    };
    let mut doc = styles(Docx::new())
        .page_size(A4.0, A4.1)
        .page_margin(margin)
        .default_fonts(fonts(FANGSONG))
        .default_size(SIZE_TEXT)
        .footer(footer)
        .add_paragraph(styled("ReportTitle", &d.title))
        .add_paragraph(styled("ReportSubtitle", &d.subtitle));
    for s in &d.sections {
        doc = section(doc, s);
    }
    let mut out = std::io::Cursor::new(Vec::new());
    doc.build().pack(&mut out).map_err(|e| Error::internal_from("writing the report as .docx", e))?;
    Ok(out.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_fill_the_line() {
        let w = widths(&[false, true, false, true]);
        assert_eq!(w.iter().sum::<usize>(), TEXT_WIDTH);
        assert_eq!(w[1], 1_000);
    }

    #[test]
    fn the_longest_bar_is_full() {
        assert_eq!(bar(50.0, 100.0).chars().count(), 12);
        assert_eq!(bar(0.0, 0.0), "");
    }
}
