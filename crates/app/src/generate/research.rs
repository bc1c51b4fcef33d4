//! 调查研究 in the demo: two topics led by department leaders, visits with what they found, and
//! findings turned into problems (then worked like any other, one of them to sign-off) and into a
//! feedback item, so that each topic shows its conversion.

use super::base::Base;
use super::workflow::{Fate, drive};
use crate::research::{ConvertInput, ConvertTo, TopicInput, VisitInput};
use crate::{Actor, App};
use chrono::{DateTime, Duration, Utc};
use domain::{FixedClock, ProblemId, Result};
use rand::rngs::StdRng;

struct Visit<'a> {
    day: i64,
    place: &'a str,
    met: &'a str,
    /// Each finding with what it becomes: a problem with its fate, a feedback item, or nothing.
    findings: &'a [(&'a str, Outcome)],
}

#[derive(Clone, Copy)]
enum Outcome {
    Stays,
    Feedback,
    Problem(fn() -> Fate),
}

struct Topic<'a> {
    dept: usize,
    title: &'a str,
    description: &'a str,
    members: &'a str,
    visits: &'a [Visit<'a>],
}

const TOPICS: [Topic; 2] = [
    Topic {
        dept: 0,
        title: "老旧小区改造中的群众急难愁盼",
        description: "深入老旧小区，听取居民对改造和物业服务的意见，找准群众反映最集中的问题。",
        members: "住建局 张伟、李娜；街道办事处 王强",
        visits: &[
            Visit {
                day: 10,
                place: "金桂苑小区",
                met: "社区书记、楼栋长和 12 位居民代表",
                findings: &[
                    ("小区楼道照明长期损坏，老人夜间上下楼不便", Outcome::Problem(|| Fate::Closed)),
                    ("雨污管网老化，雨天地下室进水", Outcome::Problem(|| Fate::Assigned)),
                    ("加装电梯意见不统一，缺少协调机制", Outcome::Stays),
                ],
            },
            Visit {
                day: 24,
                place: "丽发新城",
                met: "物业公司负责人、业委会成员",
                findings: &[
                    ("小区停车位严重不足，消防通道长期被占用", Outcome::Problem(|| Fate::LeaderStage)),
                    ("物业公示栏长期不更新，收费不透明", Outcome::Feedback),
                ],
            },
        ],
    },
    Topic {
        dept: 6,
        title: "企业办事中的堵点难点",
        description: "走访企业和办事窗口，查找企业开办、年报等环节中的堵点。",
        members: "市场监管局 陈静、刘洋",
        visits: &[Visit {
            day: 15,
            place: "高新区企业服务中心",
            met: "12 家企业负责人、窗口工作人员",
            findings: &[
                ("企业开办需要在多个窗口重复提交同样的材料", Outcome::Problem(|| Fate::Closed)),
                ("个体户年报系统操作复杂，老年经营者不会用", Outcome::Stays),
            ],
        }],
    },
];

/// Sets the topics and records their visits on the days they were made; returns the problems the
/// findings became.
pub(super) async fn fill(
    app: &App,
    clock: &FixedClock,
    now: DateTime<Utc>,
    base: &Base,
    started: DateTime<Utc>,
    rng: &mut StdRng,
) -> Result<Vec<ProblemId>> {
    let at = |day: i64| started + Duration::days(day) + Duration::hours(3);
    let mut made = Vec::new();
    for t in &TOPICS {
        let (liaison, leader) = &base.dept_staff[t.dept];
        clock.set(at(3));
        let input = TopicInput {
            campaign_id: base.campaign,
            unit_id: base.departments[t.dept],
            title: t.title.into(),
            description: Some(t.description.into()),
            lead_leader_id: leader.principal().map(|p| p.user_id),
            members: Some(t.members.into()),
            starts_on: Some(domain::clock::china_date(at(3))),
            ends_on: Some(domain::clock::china_date(at(90))),
            version: None,
        };
        let topic = app.create_topic(&base.office, &input).await?;
        for v in t.visits {
            clock.set(at(v.day));
            let visit = VisitInput {
                visited_on: domain::clock::china_date(at(v.day)),
                place: v.place.into(),
                met: Some(v.met.into()),
                summary: None,
                findings: v.findings.iter().map(|(f, _)| f.to_string()).collect(),
            };
            let recorded = app.add_visit(liaison, topic.id, &visit).await?;
            let ids: Vec<_> =
                recorded.visits.last().map(|x| x.findings.iter().map(|f| f.id).collect()).unwrap_or_default();
            clock.set(at(v.day + 2));
            for ((_, outcome), id) in v.findings.iter().zip(ids) {
                let to = match outcome {
                    Outcome::Stays => continue,
                    Outcome::Feedback => ConvertTo::Feedback,
                    Outcome::Problem(_) => ConvertTo::Problem,
                };
                let after = app.convert_finding(&base.office, id, &ConvertInput { to, title: None }).await?;
                let problem =
                    after.visits.iter().flat_map(|x| &x.findings).find(|f| f.id == id).and_then(|f| f.problem.clone());
                if let (Outcome::Problem(fate), Some(p)) = (outcome, problem) {
                    drive(app, clock, now, base, liaison as &Actor, leader, p.id, fate(), &made, rng, None).await?;
                    made.push(p.id);
                }
            }
        }
    }
    Ok(made)
}
