//! The goal tree as a spreadsheet for a meeting or a report: one row per goal, indented under its
//! parent, with its progress, where that comes from, its flags, milestones and linked problems.

use super::GoalView;
use domain::goals::ProgressSource;
use domain::{Error, Result};
use rust_xlsxwriter::{Format, FormatAlign, Workbook};

const HEADERS: [&str; 13] = [
    "目标任务",
    "类型",
    "责任单位",
    "责任领导",
    "开始日期",
    "完成时限",
    "权重",
    "进度",
    "进度依据",
    "状态",
    "里程碑",
    "关联问题（已销号/总数）",
    "关联整改措施",
];

fn source_zh(s: ProgressSource) -> &'static str {
    match s {
        ProgressSource::Milestones => "按里程碑",
        ProgressSource::LinkedProblems => "按关联问题",
        ProgressSource::Reported => "按报告进展",
        ProgressSource::Children => "按下级汇总",
    }
}

fn flags_zh(g: &GoalView) -> String {
    match (g.overdue, g.at_risk) {
        (true, _) => "逾期".into(),
        (false, true) => "有风险".into(),
        _ if g.progress >= 1.0 => "已完成".into(),
        _ => "正常".into(),
    }
}

pub fn write_xlsx(goals: &[GoalView]) -> Result<Vec<u8>> {
    let err = |e: rust_xlsxwriter::XlsxError| Error::internal_from("xlsx", e);
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    let percent = Format::new().set_num_format("0%").set_align(FormatAlign::Top);
    sheet.write_with_format(0, 0, "目标任务进展表", &bold).map_err(err)?;
    for (i, h) in HEADERS.iter().enumerate() {
        let col = i as u16;
        sheet.write_with_format(1, col, *h, &bold).map_err(err)?;
        let width = match i {
            0 => 36.0,
            2 | 10 | 12 => 24.0,
            _ => 11.0,
        };
        sheet.set_column_width(col, width).map_err(err)?;
    }
    sheet.set_freeze_panes(2, 1).map_err(err)?;
    for (n, g) in goals.iter().enumerate() {
        let row = u32::try_from(n + 2).unwrap_or(u32::MAX);
        let milestones: Vec<String> = g
            .milestones
            .iter()
            .map(|m| match m.done_on {
                Some(done) => format!("{}（{} 已完成）", m.title, done),
                None => format!("{}（{} 前）", m.title, m.due_on),
            })
            .collect();
        let text = [
            format!("{}{}", "　".repeat(g.depth), g.title),
            g.kind.label_zh().to_string(),
            g.owner_unit.name.clone(),
            g.responsible_leader.as_ref().map(|l| l.name.clone()).unwrap_or_default(),
            g.starts_on.to_string(),
            g.deadline.map(|d| d.to_string()).unwrap_or_default(),
            g.weight.map(|w| w.to_string()).unwrap_or_default(),
        ];
        for (i, cell) in text.iter().enumerate() {
            sheet.write_with_format(row, i as u16, cell.as_str(), &wrap).map_err(err)?;
        }
        sheet.write_number_with_format(row, 7, g.progress, &percent).map_err(err)?;
        sheet.write_with_format(row, 8, source_zh(g.progress_source), &wrap).map_err(err)?;
        sheet.write_with_format(row, 9, flags_zh(g), &wrap).map_err(err)?;
        sheet.write_with_format(row, 10, milestones.join("\n"), &wrap).map_err(err)?;
        let linked =
            if g.problems.is_empty() { String::new() } else { format!("{}/{}", g.problems_closed, g.problems.len()) };
        sheet.write_with_format(row, 11, linked, &wrap).map_err(err)?;
        let measures: Vec<String> = g
            .measures
            .iter()
            .map(|m| format!("{} {}{}", m.problem.number, m.description, if m.done { "（已完成）" } else { "" }))
            .collect();
        sheet.write_with_format(row, 12, measures.join("\n"), &wrap).map_err(err)?;
    }
    book.save_to_buffer().map_err(err)
}
