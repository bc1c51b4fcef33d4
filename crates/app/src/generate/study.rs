//! 学习记录 in the demo: every unit of the campaign studies — departments record their own
//! sessions through their liaisons, the office records the others' — in the formats the install
//! offers, with a material on the first session and a problem found in study (检视) linked to a
//! department's session.

use super::base::Base;
use crate::study::SessionInput;
use crate::{Actor, App};
use chrono::{DateTime, Duration, Utc};
use domain::{FixedClock, ProblemId, Result};

const TOPICS: [&str; 6] = [
    "读原著学原文悟原理，交流学习体会",
    "学习党章党规，对照检视作风方面的问题",
    "以人民为中心的发展思想专题学习",
    "学习接诉即办先进经验，研讨整改思路",
    "以学促干：聚焦群众急难愁盼问题",
    "警示教育：剖析形式主义、官僚主义典型案例",
];

/// Records two or three sessions for every unit over the campaign's `days`; `problems` are the
/// demo's problems with the department that leads each.
pub(super) async fn fill(
    app: &App,
    clock: &FixedClock,
    base: &Base,
    started: DateTime<Utc>,
    days: i64,
    problems: &[(ProblemId, usize)],
) -> Result<()> {
    let formats: Vec<_> = app.list_study_formats(&base.office).await?.into_iter().filter(|f| f.active).collect();
    let units = app.list_units(&base.office).await?;
    let mut first = true;
    for (i, unit) in units.iter().enumerate() {
        let dept = base.departments.iter().position(|d| *d == unit.id);
        let recorder: &Actor = match dept {
            Some(d) => &base.dept_staff[d].0,
            None => &base.office,
        };
        for k in 0..(2 + i % 2) {
            let day = (5 + (i as i64 * 3 + k as i64 * 37) % (days - 6).max(1)).min(days - 1);
            let at = started + Duration::days(day) + Duration::hours(1);
            clock.set(at);
            // The first session of a department brings up one of its own problems (检视).
            let mut found: Vec<ProblemId> = Vec::new();
            if let (Some(d), 0) = (dept, k) {
                for (p, _) in problems.iter().filter(|(_, pd)| *pd == d) {
                    if app.get_problem(recorder, *p).await.is_ok() {
                        found.push(*p);
                        break;
                    }
                }
            }
            let input = SessionInput {
                campaign_id: base.campaign,
                unit_id: unit.id,
                held_on: domain::clock::china_date(at),
                format_id: formats[(i + k) % formats.len()].id,
                topic: TOPICS[(i * 2 + k) % TOPICS.len()].into(),
                present: u32::try_from(8 + (i * 7 + k * 11) % 40).unwrap_or(8),
                summary: Some(format!("{}组织集中学习，围绕主题逐一发言，对照查摆问题。", unit.name)),
                problem_ids: found,
                version: None,
            };
            let session = app.create_study_session(recorder, &input).await?;
            if first {
                app.add_study_material(recorder, session.id, "学习辅导课件.pdf", super::SAMPLE_PDF).await?;
                first = false;
            }
        }
    }
    Ok(())
}
