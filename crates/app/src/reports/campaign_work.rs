//! The campaign summary report's account of the campaign beyond its problem list: how its goals
//! stand, what its research found and turned into problems, how its units studied, and the
//! lasting mechanisms it built — the same figures as the campaign page, read for the same reader.

use super::document::{Cell, Section, Table, Wording};
use crate::campaign_overview::CampaignOverview;

fn percent(v: Option<f64>) -> String {
    v.map(|x| format!("{:.0}%", x * 100.0)).unwrap_or_else(|| "—".into())
}

/// The four sections, in the order the campaign ran them.
pub(super) fn sections(o: &CampaignOverview, w: &dyn Wording) -> Vec<Section> {
    vec![goals(o, w), research(o, w), study(o, w), mechanisms(o, w)]
}

fn goals(o: &CampaignOverview, w: &dyn Wording) -> Section {
    let en = w.english();
    let top = o.goals.len();
    let paragraph = if en {
        format!(
            "{top} goals lead the campaign; across their tasks, {} are overdue and {} at risk of falling behind.",
            o.goals_overdue, o.goals_at_risk
        )
    } else {
        format!("本专项工作共设目标{top}项，所属任务中逾期{}项、进度滞后有风险{}项。", o.goals_overdue, o.goals_at_risk)
    };
    let state = |g: &crate::goals::GoalView| match (g.overdue, g.at_risk, en) {
        (true, _, false) => "逾期",
        (true, _, true) => "Overdue",
        (false, true, false) => "有风险",
        (false, true, true) => "At risk",
        (false, false, false) => "正常",
        (false, false, true) => "On track",
    };
    let rows = o
        .goals
        .iter()
        .map(|g| {
            vec![
                Cell { text: g.title.clone(), href: Some(format!("/goals/{}", g.id)) },
                Cell::text(&g.owner_unit.name),
                Cell::text(percent(Some(g.progress))),
                Cell::text(state(g)),
            ]
        })
        .collect();
    Section {
        heading: (if en { "Goals and tasks" } else { "目标任务推进情况" }).into(),
        paragraphs: vec![paragraph],
        chart: None,
        table: Some(Table {
            head: if en {
                ["Goal", "Unit", "Progress", "State"]
            } else {
                ["目标任务", "责任单位", "进度", "状态"]
            }
            .map(String::from)
            .to_vec(),
            rows,
            numeric: vec![false, false, true, false],
        }),
    }
}

fn research(o: &CampaignOverview, w: &dyn Wording) -> Section {
    let r = &o.research;
    let paragraph = if w.english() {
        format!(
            "{} research topics made {} visits and found {} problems; {} became problems on the list ({} signed off): a conversion rate of {}.",
            r.topics,
            r.visits,
            r.findings,
            r.converted,
            r.closed,
            percent(r.conversion_rate)
        )
    } else {
        format!(
            "围绕{}个调研课题开展走访调研{}次，发现问题{}个，转为问题清单{}个（已销号{}个），成果转化率{}。",
            r.topics,
            r.visits,
            r.findings,
            r.converted,
            r.closed,
            percent(r.conversion_rate)
        )
    };
    Section {
        heading: (if w.english() { "Research and what it turned into" } else { "调查研究及成果转化" }).into(),
        paragraphs: vec![paragraph],
        chart: None,
        table: None,
    }
}

fn study(o: &CampaignOverview, w: &dyn Wording) -> Section {
    let en = w.english();
    let s = &o.study;
    let without: Vec<&str> = s.units_without.iter().map(|u| u.name.as_str()).collect();
    let mut paragraphs = vec![if en {
        format!(
            "The units held {} study sessions with an attendance of {}; {} problems were found in study.",
            s.sessions, s.attendance, s.problems_found
        )
    } else {
        format!("各单位开展学习{}次、参加{}人次，学习中检视出问题{}个。", s.sessions, s.attendance, s.problems_found)
    }];
    if !without.is_empty() {
        paragraphs.push(if en {
            format!("No session yet: {}.", without.join(", "))
        } else {
            format!("尚未开展学习的单位：{}。", without.join("、"))
        });
    }
    let rows = s
        .by_unit
        .iter()
        .filter(|u| u.sessions > 0)
        .map(|u| {
            vec![
                Cell {
                    text: u.unit.name.clone(),
                    href: Some(format!("/study?campaign_id={}&unit_id={}", s.campaign_id, u.unit.id)),
                },
                Cell::text(u.sessions.to_string()),
                Cell::text(u.attendance.to_string()),
                Cell::text(u.problems_found.to_string()),
            ]
        })
        .collect();
    Section {
        heading: (if en { "Study" } else { "学习开展情况" }).into(),
        paragraphs,
        chart: None,
        table: Some(Table {
            head: if en {
                ["Unit", "Sessions", "Attendance", "Problems found"]
            } else {
                ["单位", "学习次数", "参加人次", "检视问题"]
            }
            .map(String::from)
            .to_vec(),
            rows,
            numeric: vec![false, true, true, true],
        }),
    }
}

fn mechanisms(o: &CampaignOverview, w: &dyn Wording) -> Section {
    let m = &o.mechanisms;
    let paragraph = if w.english() {
        format!(
            "{} lasting mechanisms were issued and {} are being drafted; problems came back {} times after a mechanism was issued, and {} recurring problems have no mechanism yet (blind spots).",
            m.issued, m.drafting, m.returns_after, m.blind_spots
        )
    } else {
        format!(
            "已印发长效机制{}项、正在起草{}项；机制印发后问题反弹{}次；反复出现而尚无长效机制的问题（治理盲区）{}个。",
            m.issued, m.drafting, m.returns_after, m.blind_spots
        )
    };
    Section {
        heading: (if w.english() { "Lasting mechanisms" } else { "长效机制建设" }).into(),
        paragraphs: vec![paragraph],
        chart: None,
        table: None,
    }
}
