//! A report as a document: its title, and sections of sentences, a table and a chart, in the
//! reader's language. The sentences and the tables quote the same [`Figure`]s of the [`Report`],
//! so that a number in the text is the number in the table. The web page and the .docx render
//! this one document.

use super::{Figure, Report};
use crate::ledger_export::chinese_date;
use domain::report::ReportKind;
use domain::workflow::Status;

/// How the reader's language names things: the web's translations.
pub trait Wording {
    fn english(&self) -> bool;
    /// A vocabulary's value by kind and wire name: ("status", "closed") → 已销号.
    fn label(&self, kind: &str, value: &str) -> String;
}

#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub title: String,
    /// The period and the day it was made.
    pub subtitle: String,
    pub sections: Vec<Section>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    /// “一、总体情况”.
    pub heading: String,
    pub paragraphs: Vec<String>,
    pub chart: Option<Chart>,
    pub table: Option<Table>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub head: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    /// Which columns hold numbers (set right).
    pub numeric: Vec<bool>,
}

/// A cell, with the address of what it counts or names when there is one.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub text: String,
    /// `/problems?…` or `/problems/{id}`.
    pub href: Option<String>,
}

impl Cell {
    pub(super) fn text(s: impl Into<String>) -> Self {
        Cell { text: s.into(), href: None }
    }

    fn figure(f: &Figure) -> Self {
        Cell { text: f.count.to_string(), href: Some(list_href(f)) }
    }
}

/// What a chart draws; the page draws it as SVG, the .docx as a table of bars.
#[derive(Debug, Clone, PartialEq)]
pub enum Chart {
    /// Units by score, the best first.
    Scores { title: String, bars: Vec<(String, f64)> },
    /// Each week's received and signed-off counts.
    Weeks { title: String, received: String, closed: String, weeks: Vec<(String, i64, i64)> },
}

/// The problem list of a figure's records.
pub fn list_href(f: &Figure) -> String {
    format!("/problems?{}", f.filter)
}

fn percent(v: Option<f64>) -> String {
    v.map(|x| format!("{:.1}%", x * 100.0)).unwrap_or_else(|| "—".into())
}

/// The section numbers official Chinese documents use.
const NUMERALS: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];

impl Report {
    /// The report as a document in the reader's language.
    pub fn document(&self, w: &dyn Wording) -> Document {
        let en = w.english();
        let date = |d: chrono::NaiveDate| if en { d.to_string() } else { chinese_date(d) };
        let kind = if en {
            match self.kind {
                ReportKind::Weekly => "weekly progress report",
                ReportKind::Summary => "summary report",
            }
            .to_string()
        } else {
            self.kind.label_zh().to_string()
        };
        let title = if en { format!("{}: {kind}", self.campaign) } else { format!("{}{kind}", self.campaign) };
        let subtitle = if en {
            format!("{} to {} · made on {}", date(self.from), date(self.to), date(self.as_of))
        } else {
            format!("（{}至{}　{}生成）", date(self.from), date(self.to), date(self.as_of))
        };
        let sections = vec![
            self.overview(w, &date),
            self.period(w, &date),
            self.overdue_section(w, &date),
            self.ranking_section(w),
            self.hot_section(w),
        ];
        // A summary report goes on to the rest of the campaign: goals, research, study, mechanisms.
        let work = self.work.as_ref().map(|o| super::campaign_work::sections(o, w)).unwrap_or_default();
        let sections = sections.into_iter().chain(work);
        let sections = sections
            .into_iter()
            .enumerate()
            .map(|(i, mut s)| {
                s.heading =
                    if en { format!("{}. {}", i + 1, s.heading) } else { format!("{}、{}", NUMERALS[i], s.heading) };
                s
            })
            .collect();
        Document { title, subtitle, sections }
    }

    fn overview(&self, w: &dyn Wording, date: &dyn Fn(chrono::NaiveDate) -> String) -> Section {
        let en = w.english();
        let closed_total = self.status(Status::Closed);
        let t = &self.ranking.total;
        let scored = t.count(domain::rates::Tally::Scored);
        let paragraphs = if en {
            vec![
                format!(
                    "As of {}, {} lists {} problems: {} signed off and {} being rectified, of which {} are overdue ({} under red and {} under yellow supervision).",
                    date(self.as_of),
                    self.campaign,
                    self.total.count,
                    closed_total,
                    self.open.count,
                    self.overdue.count,
                    self.red.count,
                    self.yellow.count
                ),
                format!(
                    "Of the {} problems scored, the response rate is {}, the resolution rate {}, the satisfaction rate {} and the on-time rate {}.",
                    scored,
                    percent(t.response_rate),
                    percent(t.resolution_rate),
                    percent(t.satisfaction_rate),
                    percent(t.on_time_rate)
                ),
            ]
        } else {
            vec![
                format!(
                    "截至{}，{}共梳理问题{}个，已销号{}个，正在整改{}个，其中逾期未办结{}个（红色督办{}个、黄色督办{}个）。",
                    date(self.as_of),
                    self.campaign,
                    self.total.count,
                    closed_total,
                    self.open.count,
                    self.overdue.count,
                    self.red.count,
                    self.yellow.count
                ),
                format!(
                    "纳入考核的{}个问题中，响应率{}，解决率{}，满意率{}，按期办结率{}。",
                    scored,
                    percent(t.response_rate),
                    percent(t.resolution_rate),
                    percent(t.satisfaction_rate),
                    percent(t.on_time_rate)
                ),
            ]
        };
        let mut rows: Vec<Vec<Cell>> = self
            .by_status
            .iter()
            .map(|(s, f)| vec![Cell::text(w.label("status", s.as_str())), Cell::figure(f)])
            .collect();
        rows.push(vec![Cell::text(if en { "Overdue" } else { "逾期未办结" }), Cell::figure(&self.overdue)]);
        rows.push(vec![Cell::text(if en { "Total" } else { "合计" }), Cell::figure(&self.total)]);
        Section {
            heading: (if en { "Overview" } else { "总体情况" }).into(),
            paragraphs,
            chart: None,
            table: Some(Table {
                head: vec![(if en { "State" } else { "状态" }).into(), (if en { "Problems" } else { "问题数" }).into()],
                rows,
                numeric: vec![false, true],
            }),
        }
    }

    fn status(&self, status: Status) -> i64 {
        self.by_status.iter().find(|(s, _)| *s == status).map_or(0, |(_, f)| f.count)
    }

    fn period(&self, w: &dyn Wording, date: &dyn Fn(chrono::NaiveDate) -> String) -> Section {
        let en = w.english();
        let sources: Vec<String> = self
            .received_by_channel
            .iter()
            .map(|(c, f)| {
                let name = w.label("channel", c.as_str());
                if en { format!("{name} {}", f.count) } else { format!("{name}{}个", f.count) }
            })
            .collect();
        let mut paragraphs = vec![if en {
            format!(
                "From {} to {}, {} problems were received and {} signed off.",
                date(self.from),
                date(self.to),
                self.received.count,
                self.closed.count
            )
        } else {
            format!(
                "{}至{}，新受理问题{}个，销号{}个。",
                date(self.from),
                date(self.to),
                self.received.count,
                self.closed.count
            )
        }];
        if !sources.is_empty() {
            paragraphs.push(if en {
                format!("By source: {}.", sources.join(", "))
            } else {
                format!("按来源分：{}。", sources.join("，"))
            });
        }
        let (received, closed) = if en { ("Received", "Signed off") } else { ("新受理", "销号") };
        let week = |d: chrono::NaiveDate| {
            if en { d.format("%m-%d").to_string() } else { d.format("%-m月%-d日").to_string() }
        };
        let rows = self
            .weeks
            .iter()
            .map(|l| vec![Cell::text(week(l.starts)), Cell::figure(&l.received), Cell::figure(&l.closed)])
            .collect();
        Section {
            heading: match (self.kind, en) {
                (ReportKind::Weekly, false) => "本周新受理与销号".into(),
                (ReportKind::Summary, false) => "期间新受理与销号".into(),
                (_, true) => "Received and signed off".into(),
            },
            paragraphs,
            chart: Some(Chart::Weeks {
                title: (if en { "Each week" } else { "逐周受理与销号" }).into(),
                received: received.into(),
                closed: closed.into(),
                weeks: self.weeks.iter().map(|l| (week(l.starts), l.received.count, l.closed.count)).collect(),
            }),
            table: Some(Table {
                head: vec![(if en { "Week of" } else { "周（起）" }).into(), received.into(), closed.into()],
                rows,
                numeric: vec![false, true, true],
            }),
        }
    }

    fn overdue_section(&self, w: &dyn Wording, date: &dyn Fn(chrono::NaiveDate) -> String) -> Section {
        let en = w.english();
        let listed = self.overdue_problems.len() as i64;
        let mut paragraph = if en {
            format!("{} problems are past their deadline and not signed off", self.overdue.count)
        } else {
            format!("逾期未办结问题{}个", self.overdue.count)
        };
        if self.overdue.count == 0 {
            paragraph.push_str(if en { "." } else { "。" });
        } else if listed < self.overdue.count {
            paragraph.push_str(&if en {
                format!("; the {listed} longest overdue, with who holds them:")
            } else {
                format!("，逾期最久的{listed}个及其责任单位、责任人如下：")
            });
        } else {
            paragraph.push_str(if en { "; with who holds them:" } else { "，责任单位、责任人如下：" });
        }
        let rows = self
            .overdue_problems
            .iter()
            .map(|p| {
                vec![
                    Cell { text: p.number.as_str().to_string(), href: Some(format!("/problems/{}", p.id)) },
                    Cell::text(&p.title),
                    Cell::text(&p.unit),
                    Cell::text(&p.person),
                    Cell::text(&p.leader),
                    Cell::text(date(p.deadline)),
                    Cell::text(p.days_overdue.to_string()),
                    Cell::text(p.colour.map(|c| w.label("colour", c.as_str())).unwrap_or_default()),
                ]
            })
            .collect::<Vec<_>>();
        let head: Vec<String> = if en {
            ["Number", "Problem", "Unit", "Person", "Leader", "Deadline", "Days overdue", "Supervision"]
        } else {
            ["问题编号", "问题", "责任单位", "责任人", "责任领导", "整改时限", "逾期天数", "督办"]
        }
        .map(String::from)
        .to_vec();
        Section {
            heading: (if en { "Overdue and who holds it" } else { "逾期未办结问题" }).into(),
            paragraphs: vec![paragraph],
            chart: None,
            table: (!rows.is_empty()).then(|| Table {
                head,
                rows,
                numeric: vec![false, false, false, false, false, false, true, false],
            }),
        }
    }

    fn ranking_section(&self, w: &dyn Wording) -> Section {
        let en = w.english();
        let wt = self.ranking.weights;
        let ranked: Vec<&crate::rates::UnitRanking> = self.ranking.units.iter().filter(|u| u.rank.is_some()).collect();
        let mut paragraphs = vec![if en {
            format!(
                "Units are scored by the response, resolution and satisfaction rates weighted {}/{}/{}, over the campaign's problems received by {}.",
                wt.response, wt.resolution, wt.satisfaction, self.to
            )
        } else {
            format!(
                "按响应率、解决率、满意率{}/{}/{}加权计算综合得分，统计截至{}受理的本专项问题。",
                wt.response,
                wt.resolution,
                wt.satisfaction,
                chinese_date(self.to)
            )
        }];
        if let (Some(first), Some(last)) = (ranked.first(), ranked.last())
            && ranked.len() > 1
        {
            let score = |u: &crate::rates::UnitRanking| u.score.map(|s| format!("{s:.1}")).unwrap_or_default();
            paragraphs.push(if en {
                format!(
                    "{} ranks first with {}; {} ranks last with {}.",
                    first.unit,
                    score(first),
                    last.unit,
                    score(last)
                )
            } else {
                format!("{}以{}分排名第一，{}以{}分排名末位。", first.unit, score(first), last.unit, score(last))
            });
        }
        let link = |u: &crate::rates::UnitRanking, t: domain::rates::Tally| {
            let sep = if u.filter.is_empty() { "" } else { "&" };
            Cell {
                text: u.count(t).to_string(),
                href: Some(format!("/problems?{}{sep}counted={}", u.filter, t.as_str())),
            }
        };
        let rows = self
            .ranking
            .units
            .iter()
            .map(|u| {
                vec![
                    Cell::text(u.rank.map(|r| r.to_string()).unwrap_or_else(|| "—".into())),
                    Cell::text(&u.unit),
                    Cell::text(u.score.map(|s| format!("{s:.1}")).unwrap_or_else(|| "—".into())),
                    Cell::text(percent(u.response_rate)),
                    Cell::text(percent(u.resolution_rate)),
                    Cell::text(percent(u.satisfaction_rate)),
                    Cell::text(percent(u.on_time_rate)),
                    link(u, domain::rates::Tally::Overdue),
                ]
            })
            .collect::<Vec<_>>();
        let head: Vec<String> = if en {
            ["Rank", "Unit", "Score", "Response", "Resolution", "Satisfaction", "On time", "Overdue"]
        } else {
            ["排名", "单位", "综合得分", "响应率", "解决率", "满意率", "按期办结率", "逾期"]
        }
        .map(String::from)
        .to_vec();
        Section {
            heading: (if en { "Units ranked" } else { "单位三率排名" }).into(),
            paragraphs,
            chart: (!ranked.is_empty()).then(|| Chart::Scores {
                title: (if en { "Score by unit" } else { "各单位综合得分" }).into(),
                bars: ranked.iter().map(|u| (u.unit.clone(), u.score.unwrap_or(0.0))).collect(),
            }),
            table: (!rows.is_empty()).then(|| Table {
                head,
                rows,
                numeric: vec![true, false, true, true, true, true, true, true],
            }),
        }
    }

    fn hot_section(&self, w: &dyn Wording) -> Section {
        let en = w.english();
        let paragraph = match self.hot.first() {
            None => (if en { "No feedback was received in the period." } else { "期间未收到群众诉求。" }).to_string(),
            Some(top) if en => format!(
                "The {} hottest matters the public raised; the first, “{}”, was reported {} times by {} people.",
                self.hot.len(),
                top.label(),
                top.reports,
                top.reporters
            ),
            Some(top) => format!(
                "群众反映最集中的{}个热点问题如下，居首的“{}”被反映{}次、涉及{}人。",
                self.hot.len(),
                top.label(),
                top.reports,
                top.reporters
            ),
        };
        let rows = self
            .hot
            .iter()
            .map(|h| {
                vec![
                    Cell::text(h.rank.to_string()),
                    Cell::text(h.label()),
                    Cell::text(h.reports.to_string()),
                    Cell::text(h.reporters.to_string()),
                    Cell::text(format!("{:.2}", h.heat)),
                    match &h.problem {
                        Some(p) => {
                            Cell { text: p.number.as_str().to_string(), href: Some(format!("/problems/{}", p.id)) }
                        }
                        None => Cell::text(if en { "none yet" } else { "尚未立项" }),
                    },
                ]
            })
            .collect::<Vec<_>>();
        let head: Vec<String> = if en {
            ["Rank", "Matter", "Reports", "People", "Heat", "Problem"]
        } else {
            ["热度排名", "热点问题", "反映次数", "反映人数", "热度指数", "对应问题"]
        }
        .map(String::from)
        .to_vec();
        Section {
            heading: (if en { "What the public raised most" } else { "群众反映热点" }).into(),
            paragraphs: vec![paragraph],
            chart: None,
            table: (!rows.is_empty()).then(|| Table {
                head,
                rows,
                numeric: vec![true, false, true, true, true, false],
            }),
        }
    }
}
