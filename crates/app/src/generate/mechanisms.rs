//! Root causes and lasting mechanisms in the demo: causes found on signed-off problems, a
//! mechanism issued against two of those causes and linked to the problems it answers, one still
//! being drafted, and a new report of one of those problems after the mechanism was issued, which
//! the text engine flags as its return (反弹回潮).

use super::base::Base;
use crate::mechanisms::{MechanismInput, ProblemCausesInput};
use crate::{Actor, App};
use chrono::{Duration, NaiveDate};
use domain::feedback::Channel;
use domain::problem::MechanismStatus;
use domain::workflow::Status;
use domain::{ProblemId, Result, RootCauseId};

/// `made`: each problem with the department that leads it.
pub(super) async fn fill(app: &App, base: &Base, made: &[(ProblemId, usize)]) -> Result<()> {
    let office = &base.office;
    let causes = app.list_root_causes(office).await?;
    let cause = |name: &str| causes.iter().find(|c| c.name == name).map(|c| c.id);
    let closed_of = async |dept: usize, n: usize| -> Result<Vec<ProblemId>> {
        let mut out = Vec::new();
        for (id, _) in made.iter().filter(|(_, d)| *d == dept) {
            if out.len() == n {
                break;
            }
            if app.get_problem(office, *id).await?.summary.status == Status::Closed {
                out.push(*id);
            }
        }
        Ok(out)
    };
    // 根源分析 on the signed-off problems of housing and of the environment.
    let housing = closed_of(0, 4).await?;
    let noise = closed_of(1, 3).await?;
    let found: Vec<RootCauseId> = [cause("制度缺失"), cause("监督缺位")].into_iter().flatten().collect();
    for id in &housing {
        app.set_problem_root_causes(office, *id, &ProblemCausesInput { root_cause_ids: found.clone() }).await?;
    }
    let slack: Vec<RootCauseId> = [cause("执行不力")].into_iter().flatten().collect();
    for id in &noise {
        app.set_problem_root_causes(office, *id, &ProblemCausesInput { root_cause_ids: slack.clone() }).await?;
    }
    let today = app.clock.today();
    let issued = today - Duration::days(30);
    let mechanism = |unit: usize,
                     title: &str,
                     body: &str,
                     status,
                     issued_on: Option<NaiveDate>,
                     doc: Option<&str>,
                     problems: &[ProblemId],
                     causes: &[RootCauseId]| MechanismInput {
        unit_id: base.departments[unit],
        campaign_id: Some(base.campaign),
        title: title.into(),
        body: Some(body.into()),
        status: Some(status),
        issued_on,
        doc_number: doc.map(str::to_string),
        problem_ids: problems.to_vec(),
        root_cause_ids: Some(causes.to_vec()),
        version: None,
    };
    let liaison = |dept: usize| -> &Actor { &base.dept_staff[dept].0 };
    let issued_one = app.create_mechanism(
        liaison(0),
        &mechanism(
            0,
            "住宅小区物业服务质量监管办法",
            "明确物业服务标准和考核办法，街道每季度对小区物业服务开展检查并公示结果，群众投诉集中的物业企业列入重点监管名单。",
            MechanismStatus::Issued,
            Some(issued),
            Some("临住建发〔2026〕18号"),
            &housing,
            &found,
        ),
    )
    .await?;
    // The issued rule as its unit filed it.
    app.add_mechanism_document(liaison(0), issued_one.id, "住宅小区物业服务质量监管办法.pdf", super::SAMPLE_PDF)
        .await?;
    app.create_mechanism(
        liaison(1),
        &mechanism(
            1,
            "夜间施工噪音审批和巡查制度",
            "夜间施工一律事先审批、公示，执法部门夜间巡查，群众投诉 2 小时内到场处置。",
            MechanismStatus::Drafting,
            None,
            None,
            &noise,
            &slack,
        ),
    )
    .await?;
    // After the mechanism was issued, a resident writes again about the first problem it answers;
    // a noise problem no issued mechanism covers comes back twice (a blind spot).
    let again = async |id: ProblemId, days_ago: i64, said: &str| -> Result<()> {
        let p = app.get_problem(office, id).await?;
        let mut input = crate::feedback::FeedbackInput::new(Channel::Hotline, format!("{}（{said}）", p.description));
        input.title = Some(p.summary.title.clone());
        input.campaign_id = Some(base.campaign);
        input.received_at = Some(app.clock.now() - Duration::days(days_ago));
        app.create_feedback(office, &input).await.map(|_| ())
    };
    if let Some(first) = housing.first() {
        again(*first, 2, "整改过，现在又出现了").await?;
    }
    // The noise problem, or in a small demo any other signed-off problem no issued mechanism covers.
    let mut uncovered = noise.first().copied();
    for (id, _) in made.iter().filter(|(id, _)| !housing.contains(id)) {
        if uncovered.is_some() {
            break;
        }
        if app.get_problem(office, *id).await?.summary.status == Status::Closed {
            uncovered = Some(*id);
        }
    }
    if let Some(id) = uncovered {
        again(id, 9, "又开始了").await?;
        again(id, 3, "还是老样子").await?;
    }
    Ok(())
}
