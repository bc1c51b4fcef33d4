//! Issue 13's walk in a real browser: a research visit records a finding, the office turns it into
//! a problem, the unit rectifies it and it is signed off, a lasting mechanism is issued and linked
//! to it, and a similar report that comes in afterwards is flagged as its return — on the
//! mechanism's page and on the campaign's page.

use crate::both;
use crate::browser::setup;
use app::feedback::FeedbackInput;
use app::testkit::Kind;
use app::transitions::{Assignment, Transition, TransitionRequest};
use domain::ProblemId;
use domain::feedback::Channel;

const FINDING: &str =
    "万家丽南路丽发新城小区旁边的混凝土搅拌站每天晚上施工到凌晨，噪音和粉尘严重影响居民休息，多次投诉没有结果";

async fn from_research_to_a_return_after_a_mechanism(kind: Kind) {
    let Some((db, w, b)) = setup(kind).await else { return };
    // The office sets a research topic for department A.
    b.login("office").await;
    b.goto("/research").await;
    b.click("#topic-new summary").await;
    b.fill("#t-title", "夜间施工扰民调研").await;
    b.select("#t-unit", &w.dept_a.id.to_string()).await;
    b.submit("#topic-new button[type=submit]").await;
    assert!(b.body().await.contains("调研课题已建立"), "{}", b.body().await);
    let topic = b.path().await;
    // Department A's liaison records a visit and what it found.
    b.login("liaison_a").await;
    b.goto(&topic).await;
    b.click("#visit-new summary").await;
    b.js("document.getElementById('v-date').value = '2026-11-01'").await;
    b.fill("#v-place", "丽发新城").await;
    b.fill("#v-met", "居民代表").await;
    b.fill("#v-findings", FINDING).await;
    b.submit("#visit-new button[type=submit]").await;
    assert!(b.body().await.contains("走访已记录"), "{}", b.body().await);
    // The office turns the finding into a problem in one step.
    b.login("office").await;
    b.goto(&topic).await;
    b.submit("form[action*='/convert'] button[value=problem]").await;
    assert!(b.body().await.contains("已转为问题"), "{}", b.body().await);
    let href = b.js("return document.querySelector('.findings a[href^=\"/problems/\"]').getAttribute('href')").await;
    let id: i64 = href.as_str().unwrap().trim_start_matches("/problems/").parse().unwrap();
    b.screenshot("research-finding-converted").await;
    // It is rectified and signed off (the whole sign-off in the browser is `ui::the_whole_loop…`).
    let app = &db.app;
    let pid = ProblemId::new(id);
    let step = async |who: &app::Actor, t: Transition| {
        let v = app.get_problem(&w.office, pid).await.unwrap().summary.version;
        app.transition(who, pid, &TransitionRequest::new(v, t)).await.unwrap();
    };
    let assign = Assignment { responsible_leader_id: Some(w.user("leader_a").id), ..Assignment::to(w.dept_a.id) };
    step(&w.office, Transition::Assign(assign)).await;
    step(
        &w.liaison_a,
        Transition::Submit {
            report: "已限定施工时间".into(), no_evidence_reason: Some("制度类整改".into())
        },
    )
    .await;
    step(&w.leader_a, Transition::Approve { note: None }).await;
    step(&w.supervisor, Transition::Accept { note: "夜间巡查无施工".into() }).await;
    assert_eq!(app.get_problem(&w.office, pid).await.unwrap().summary.status, domain::workflow::Status::Closed);
    // Department A's liaison issues a mechanism against it, with a root cause.
    b.login("liaison_a").await;
    b.goto("/mechanisms").await;
    b.click("#mechanism-new summary").await;
    b.fill("#n-title", "夜间施工审批和巡查制度").await;
    b.select("#n-status", "issued").await;
    b.js("document.getElementById('n-issued').value = '2026-11-02'").await;
    b.fill("#n-doc", "临住建发〔2026〕18号").await;
    b.click("input[name=root_cause_ids][value='1']").await;
    let number = app.get_problem(&w.office, pid).await.unwrap().summary.number.to_string();
    b.fill("#n-problems", &number).await;
    b.submit("#mechanism-new button[type=submit]").await;
    assert!(b.body().await.contains("长效机制已建立"), "{}", b.body().await);
    let mechanism = b.path().await;
    // A similar report comes in after it was issued: the text engine flags the return.
    let again = FeedbackInput { unit_id: Some(w.dept_a.id), ..FeedbackInput::new(Channel::Hotline, FINDING) };
    app.create_feedback(&w.office, &again).await.unwrap();
    b.goto(mechanism.split('?').next().unwrap()).await;
    let returns = b.text("#mechanism-returns").await;
    assert!(returns.contains(&number) && returns.contains("搅拌站"), "{returns}");
    b.screenshot("mechanism-return").await;
    b.goto("/campaign").await;
    let section = b.text("#campaign-mechanisms").await;
    assert!(section.contains("印发后反弹") && section.contains('1'), "{section}");
    let research = b.text("#campaign-research").await;
    assert!(research.contains("100%"), "one finding, converted: {research}");
    assert!(b.too_wide().await.is_none());
    b.screenshot("campaign-after-return").await;
    b.close().await;
    db.cleanup().await;
}

both!(from_research_to_a_return_after_a_mechanism);
