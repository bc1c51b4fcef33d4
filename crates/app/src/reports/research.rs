//! 调研报告: a research topic written up as a report — what was studied, by whom and when, where
//! the visits went and whom they met, what they found, and what became of it (成果转化) — from the
//! topic as its reader sees it, so that the report names only the problems the reader may open.

use super::document::{Cell, Document, Section, Table, Wording};
use crate::ledger_export::chinese_date;
use crate::research::TopicView;
use chrono::NaiveDate;

const NUMERALS: [&str; 4] = ["一", "二", "三", "四"];

/// The topic's report, in the reader's language, made on `today`.
pub fn research_document(t: &TopicView, w: &dyn Wording, today: NaiveDate) -> Document {
    let en = w.english();
    let date = |d: NaiveDate| if en { d.to_string() } else { chinese_date(d) };
    let sections = [basics(t, en, &date), visits(t, en, &date), findings(t, en), conversion(t, en)];
    Document {
        title: if en {
            format!("Research report: {}", t.title)
        } else {
            format!("关于“{}”的调研报告", t.title)
        },
        subtitle: if en {
            format!("{} · made on {}", t.unit.name, date(today))
        } else {
            format!("（{}　{}生成）", t.unit.name, date(today))
        },
        sections: sections
            .into_iter()
            .enumerate()
            .map(|(i, mut s)| {
                s.heading =
                    if en { format!("{}. {}", i + 1, s.heading) } else { format!("{}、{}", NUMERALS[i], s.heading) };
                s
            })
            .collect(),
    }
}

fn basics(t: &TopicView, en: bool, date: &dyn Fn(NaiveDate) -> String) -> Section {
    let leader = t.lead_leader.as_ref().map(|l| l.name.as_str());
    let period = match t.ends_on {
        Some(end) if en => format!("from {} to {}", date(t.starts_on), date(end)),
        Some(end) => format!("{}至{}", date(t.starts_on), date(end)),
        None if en => format!("from {}", date(t.starts_on)),
        None => format!("{}起", date(t.starts_on)),
    };
    let mut paragraphs = vec![if en {
        format!(
            "{} carried out this research {period}{}{}, with {} visits.",
            t.unit.name,
            leader.map(|l| format!(", led by {l}")).unwrap_or_default(),
            t.members.as_deref().map(|m| format!(" (members: {m})")).unwrap_or_default(),
            t.visits.len()
        )
    } else {
        format!(
            "{period}，{}{}{}围绕本课题开展调查研究，共走访{}次。",
            t.unit.name,
            leader.map(|l| format!("由{l}牵头")).unwrap_or_default(),
            t.members.as_deref().map(|m| format!("（课题组成员：{m}）")).unwrap_or_default(),
            t.visits.len()
        )
    }];
    if let Some(d) = &t.description {
        paragraphs.push(d.clone());
    }
    Section {
        heading: (if en { "The research" } else { "调研基本情况" }).into(), paragraphs, chart: None, table: None
    }
}

fn visits(t: &TopicView, en: bool, date: &dyn Fn(NaiveDate) -> String) -> Section {
    let rows = t
        .visits
        .iter()
        .map(|v| {
            vec![
                Cell::text(date(v.visited_on)),
                Cell::text(&v.place),
                Cell::text(v.met.clone().unwrap_or_default()),
                Cell::text(v.summary.clone().unwrap_or_default()),
                Cell::text(v.findings.len().to_string()),
            ]
        })
        .collect();
    Section {
        heading: (if en { "Visits" } else { "走访座谈情况" }).into(),
        paragraphs: Vec::new(),
        chart: None,
        table: Some(Table {
            head: if en {
                ["Date", "Place", "Met", "What they saw", "Findings"]
            } else {
                ["日期", "地点", "座谈走访对象", "走访情况", "发现问题"]
            }
            .map(String::from)
            .to_vec(),
            rows,
            numeric: vec![false, false, false, false, true],
        }),
    }
}

fn findings(t: &TopicView, en: bool) -> Section {
    let outcome = |f: &crate::research::FindingView| -> Cell {
        match (&f.problem, f.outcome) {
            (Some(p), _) => Cell {
                text: match (f.closed, en) {
                    (true, false) => format!("{}（已整改销号）", p.number),
                    (true, true) => format!("{} (signed off)", p.number),
                    (false, false) => format!("{}（整改中）", p.number),
                    (false, true) => format!("{} (being rectified)", p.number),
                },
                href: Some(format!("/problems/{}", p.id)),
            },
            (None, "feedback") => Cell::text(if en { "taken in as a report" } else { "已转为诉求" }),
            _ => Cell::text(if en { "not yet turned into a record" } else { "待转化" }),
        }
    };
    let rows = t
        .visits
        .iter()
        .flat_map(|v| v.findings.iter().map(move |f| (v, f)))
        .enumerate()
        .map(|(i, (v, f))| vec![Cell::text((i + 1).to_string()), Cell::text(&f.body), Cell::text(&v.place), outcome(f)])
        .collect();
    Section {
        heading: (if en { "What was found" } else { "发现的主要问题" }).into(),
        paragraphs: Vec::new(),
        chart: None,
        table: Some(Table {
            head: if en {
                ["No.", "Finding", "Where", "Became"]
            } else {
                ["序号", "问题", "发现地点", "转化情况"]
            }
            .map(String::from)
            .to_vec(),
            rows,
            numeric: vec![true, false, false, false],
        }),
    }
}

fn conversion(t: &TopicView, en: bool) -> Section {
    let rate = |r: Option<f64>| r.map(|x| format!("{:.0}%", x * 100.0)).unwrap_or_else(|| "—".into());
    let paragraph = if en {
        format!(
            "Of {} findings, {} became problems on the list and {} of those are signed off: a conversion rate of {}, {} of it closed.",
            t.findings,
            t.converted,
            t.closed,
            rate(t.conversion_rate),
            rate(t.closed_rate)
        )
    } else {
        format!(
            "调研发现问题{}个，已转为问题清单{}个，其中整改销号{}个；成果转化率{}，转化成果的销号率{}。",
            t.findings,
            t.converted,
            t.closed,
            rate(t.conversion_rate),
            rate(t.closed_rate)
        )
    };
    Section {
        heading: (if en { "What became of it" } else { "成果转化情况" }).into(),
        paragraphs: vec![paragraph],
        chart: None,
        table: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::research::{FindingView, TopicActions, VisitView};
    use crate::views::{Named, ProblemRef};

    struct Zh;
    impl Wording for Zh {
        fn english(&self) -> bool {
            false
        }
        fn label(&self, _: &str, value: &str) -> String {
            value.into()
        }
    }

    #[test]
    fn the_report_says_each_visit_finding_and_what_it_became() {
        let d = |day| NaiveDate::from_ymd_opt(2026, 11, day).unwrap();
        let finding = |id, body: &str, problem: Option<(i64, bool)>| FindingView {
            id: domain::FindingId::new(id),
            body: body.into(),
            outcome: if problem.is_some() { "problem" } else { "open" },
            feedback_id: None,
            problem: problem.map(|(p, _)| ProblemRef {
                id: domain::ProblemId::new(p),
                number: domain::problem::ProblemNumber::parse("ZT-2026-000007").unwrap(),
                title: body.into(),
            }),
            closed: problem.is_some_and(|(_, c)| c),
        };
        let t = TopicView {
            id: domain::ResearchTopicId::new(1),
            campaign_id: domain::CampaignId::new(1),
            unit: Named { id: domain::UnitId::new(2), name: "市住房和城乡建设局".into() },
            title: "老旧小区改造".into(),
            description: None,
            lead_leader: Some(Named { id: domain::UserId::new(3), name: "李局长".into() }),
            members: Some("张伟".into()),
            starts_on: d(1),
            ends_on: None,
            visits: vec![VisitView {
                id: domain::VisitId::new(1),
                visited_on: d(5),
                place: "金桂苑小区".into(),
                met: Some("居民代表".into()),
                summary: None,
                findings: vec![finding(1, "楼道照明损坏", Some((7, true))), finding(2, "加装电梯难协调", None)],
            }],
            findings: 2,
            converted: 1,
            closed: 1,
            conversion_rate: Some(0.5),
            closed_rate: Some(1.0),
            actions: TopicActions::default(),
            version: 1,
        };
        let doc = research_document(&t, &Zh, d(20));
        assert_eq!(doc.title, "关于“老旧小区改造”的调研报告");
        let headings: Vec<&str> = doc.sections.iter().map(|s| s.heading.as_str()).collect();
        assert_eq!(headings, ["一、调研基本情况", "二、走访座谈情况", "三、发现的主要问题", "四、成果转化情况"]);
        assert!(
            doc.sections[0].paragraphs[0].contains("由李局长牵头") && doc.sections[0].paragraphs[0].contains("走访1次")
        );
        let rows = &doc.sections[2].table.as_ref().unwrap().rows;
        assert_eq!(rows[0][3].text, "ZT-2026-000007（已整改销号）");
        assert_eq!(rows[0][3].href.as_deref(), Some("/problems/7"));
        assert_eq!(rows[1][3].text, "待转化");
        assert!(doc.sections[3].paragraphs[0].contains("成果转化率50%"), "{}", doc.sections[3].paragraphs[0]);
    }
}
