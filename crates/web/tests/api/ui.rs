//! The web UI in a real browser (see `browser`): the whole loop, the portal in both languages,
//! XSS payloads, unit isolation and accessibility.

use crate::both;
use crate::browser::{Browser, png_file, setup};
use app::testkit::{Kind, World};
use app::transitions::{Assignment, Transition, TransitionRequest};
use domain::ProblemId;
use domain::feedback::Channel;

async fn check_a11y(b: &Browser, page: &str, failures: &mut Vec<String>) {
    for p in b.accessibility_problems().await {
        failures.push(format!("{page}: {p}"));
    }
}

async fn problem_id_from_path(b: &Browser) -> i64 {
    let path = b.path().await;
    path.trim_start_matches("/problems/")
        .split(['?', '/'])
        .next()
        .unwrap()
        .parse()
        .unwrap_or_else(|_| panic!("not a problem page: {path}"))
}

async fn the_whole_loop_runs_in_the_browser(kind: Kind) {
    let Some((db, w, b)) = setup(kind).await else { return };
    let mut a11y = Vec::new();
    // The public reports a problem with a photo.
    b.goto("/portal").await;
    check_a11y(&b, "portal", &mut a11y).await;
    b.screenshot("portal-submit").await;
    b.fill("#p-body", "和平路12号门口的路灯坏了一个月，晚上很黑。").await;
    b.fill("#p-address", "和平路12号").await;
    b.fill("#p-name", "王先生").await;
    b.fill("#p-contact", "13800000000").await;
    let photo = png_file(db.dir.path());
    b.fill("#p-photo", photo.to_str().unwrap()).await;
    b.submit("form[action='/portal'] button[type=submit]").await;
    let code = b.text("#tracking-code").await;
    let key = b.text("#rating-key").await;
    assert_eq!(code.len(), 14, "{code}");
    b.screenshot("portal-receipt").await;
    // The office puts it on the list and assigns it.
    b.login("office").await;
    b.goto("/").await;
    check_a11y(&b, "todo", &mut a11y).await;
    b.screenshot("todo").await;
    b.goto("/intake").await;
    check_a11y(&b, "intake", &mut a11y).await;
    b.screenshot("intake").await;
    assert!(b.body().await.contains("13800000000"), "the office handling it sees the contact");
    b.click("section.card details.action summary").await;
    b.fill("input[name=title]", "和平路路灯损坏").await;
    b.select("select[name=category_id]", &w.category.id.to_string()).await;
    b.submit("form[action$='/problem'] button[type=submit]").await;
    let id = problem_id_from_path(&b).await;
    b.open_action("assign").await;
    b.select("#a-lead", &w.dept_a.id.to_string()).await;
    b.select("#a-leader", &w.user("leader_a").id.to_string()).await;
    b.submit_action("assign").await;
    assert!(b.body().await.contains("整改中"), "{}", b.body().await);
    check_a11y(&b, "detail", &mut a11y).await;
    b.screenshot("problem-detail").await;
    b.goto("/problems").await;
    check_a11y(&b, "problems", &mut a11y).await;
    b.screenshot("problems").await;
    b.goto("/dashboard").await;
    check_a11y(&b, "dashboard", &mut a11y).await;
    b.screenshot("dashboard").await;
    // The liaison adds a measure and evidence, and applies for sign-off.
    b.login("liaison_a").await;
    b.goto(&format!("/problems/{id}")).await;
    b.fill("#m-desc", "更换路灯灯头并检修线路").await;
    b.submit("form[action$='/measures'] button[type=submit]").await;
    b.fill("#e-file", photo.to_str().unwrap()).await;
    b.submit("form[action$='/evidence'] button[type=submit]").await;
    assert!(b.body().await.contains("现场照片.png"), "{}", b.body().await);
    b.open_action("submit").await;
    b.fill("#a-report", "已更换灯头，路灯恢复照明。").await;
    b.submit_action("submit").await;
    // The leader approves; the verifier sends it back once, then accepts.
    b.login("leader_a").await;
    b.goto(&format!("/problems/{id}")).await;
    b.open_action("approve").await;
    b.submit_action("approve").await;
    b.login("supervisor").await;
    b.goto(&format!("/problems/{id}")).await;
    b.open_action("send_back").await;
    b.fill("#a-reason-send_back", "请补充夜间照明照片").await;
    b.submit_action("send_back").await;
    assert!(b.body().await.contains("整改中"));
    b.login("liaison_a").await;
    b.goto(&format!("/problems/{id}")).await;
    b.open_action("submit").await;
    b.fill("#a-report", "已补充夜间照片。").await;
    b.submit_action("submit").await;
    b.login("leader_a").await;
    b.goto(&format!("/problems/{id}")).await;
    b.open_action("approve").await;
    b.submit_action("approve").await;
    b.login("supervisor").await;
    b.goto(&format!("/problems/{id}")).await;
    b.open_action("accept").await;
    b.fill("#a-note-accept", "夜间核查，路灯正常").await;
    b.submit_action("accept").await;
    assert!(b.body().await.contains("已销号"));
    // The office publishes it.
    b.login("office").await;
    b.goto(&format!("/problems/{id}")).await;
    b.open_action("publish").await;
    b.submit_action("publish").await;
    b.logout().await;
    // The public sees it published, and rates it dissatisfied: it reopens.
    b.goto("/portal/published").await;
    check_a11y(&b, "published", &mut a11y).await;
    b.screenshot("portal-published").await;
    assert!(b.body().await.contains("和平路路灯损坏"));
    b.goto(&format!("/portal/track?code={code}")).await;
    check_a11y(&b, "track", &mut a11y).await;
    assert_eq!(b.text("#track-status").await, "已销号");
    b.goto(&format!("/portal/rate?code={code}")).await;
    check_a11y(&b, "rate", &mut a11y).await;
    b.fill("#r-key", &key).await;
    b.select("#r-solved", "no").await;
    b.select("#r-sat", "dissatisfied").await;
    b.submit("form[action='/portal/rate'] button[type=submit]").await;
    assert_eq!(b.text("#rated-status").await, "整改中");
    b.screenshot("portal-rated").await;
    let p = db.app.get_problem(&w.office, ProblemId::new(id)).await.unwrap();
    assert_eq!((p.summary.status.as_str(), p.reopen_count, p.sent_back_count), ("assigned", 1, 1));
    // The admin pages.
    b.login("admin").await;
    b.goto("/admin").await;
    check_a11y(&b, "admin", &mut a11y).await;
    b.screenshot("admin").await;
    b.goto("/admin/calendar/2027").await;
    check_a11y(&b, "calendar", &mut a11y).await;
    assert!(b.body().await.contains("尚未录入"));
    b.goto("/login").await;
    b.logout().await;
    b.goto("/login").await;
    check_a11y(&b, "login", &mut a11y).await;
    assert!(a11y.is_empty(), "accessibility:\n{}", a11y.join("\n"));
    b.close().await;
    db.cleanup().await;
}

async fn the_portal_works_in_english_and_chinese(kind: Kind) {
    let Some((db, _w, b)) = setup(kind).await else { return };
    b.goto("/portal").await;
    assert!(b.text("h1").await.contains("我要反映"));
    b.submit("a.lang").await;
    assert_eq!(b.text("h1").await, "Report a problem");
    b.screenshot("portal-submit-en").await;
    b.fill("#p-body", "The street light at No. 3 is broken.").await;
    b.submit("form[action='/portal'] button[type=submit]").await;
    assert_eq!(b.text("h1").await, "We have your report");
    let code = b.text("#tracking-code").await;
    b.goto(&format!("/portal/track?code={code}")).await;
    assert_eq!(b.text("#track-status").await, "Received");
    b.goto("/portal/published").await;
    assert_eq!(b.text("h1").await, "Published rectifications");
    let mut a11y = Vec::new();
    check_a11y(&b, "published-en", &mut a11y).await;
    assert!(a11y.is_empty(), "{a11y:?}");
    b.submit("a.lang").await;
    assert_eq!(b.text("h1").await, "整改公示");
    b.goto("/portal/track?lang=en").await;
    assert_eq!(b.text("h1").await, "Track a report");
    b.close().await;
    db.cleanup().await;
}

const PAYLOADS: [&str; 4] = [
    "<script>window.__xss=1</script>",
    "<img src=x onerror=\"window.__xss=2\">",
    "\"><svg onload=window.__xss=3>",
    "'-alert(1)-'<b onmouseover=window.__xss=4>x</b>",
];

async fn xss_payloads_typed_anywhere_show_as_text(kind: Kind) {
    let Some((db, w, b)) = setup(kind).await else { return };
    let payload = PAYLOADS.join(" ");
    // Feedback from the portal.
    b.goto("/portal").await;
    b.fill("#p-body", &payload).await;
    b.fill("#p-address", &payload).await;
    b.submit("form[action='/portal'] button[type=submit]").await;
    // A title, a measure, a reply, a unit name.
    b.login("office").await;
    b.goto("/intake").await;
    b.click("section.card details.action summary").await;
    b.fill("input[name=title]", &payload).await;
    b.submit("form[action$='/problem'] button[type=submit]").await;
    let id = problem_id_from_path(&b).await;
    b.fill("#m-desc", &payload).await;
    b.submit("form[action$='/measures'] button[type=submit]").await;
    b.fill("#x-reply", &payload).await;
    b.fill("#x-cause", &payload).await;
    b.submit("form[action$='/edit'] button[type=submit]").await;
    b.login("admin").await;
    b.goto("/admin?section=units").await;
    b.fill("#u-name", &PAYLOADS[1].replace('\n', "")).await;
    b.submit("form[action='/admin/units'] button[type=submit]").await;
    b.goto(&format!("/problems/{id}")).await;
    let mut failures = Vec::new();
    for page in [
        format!("/problems/{id}"),
        "/problems".into(),
        "/intake".into(),
        "/admin?section=units".into(),
        "/admin?section=users".into(),
        "/problems/print".into(),
        "/".into(),
    ] {
        b.goto(&page).await;
        let ran = b.js("return window.__xss === undefined ? null : window.__xss;").await;
        if !ran.is_null() {
            failures.push(format!("{page}: a payload ran ({ran})"));
        }
        let injected = b.js("return document.querySelectorAll('script:not([src]), img[onerror], svg[onload], b[onmouseover]').length;").await;
        if injected.as_i64() != Some(0) {
            failures.push(format!("{page}: payload markup in the DOM ({injected})"));
        }
    }
    b.goto(&format!("/problems/{id}")).await;
    let text = b.body().await;
    for p in PAYLOADS {
        assert!(text.contains(p), "the payload {p} is shown as text");
    }
    b.goto("/admin").await;
    assert!(b.body().await.contains(PAYLOADS[1]), "the unit name is shown as text");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    b.close().await;
    db.cleanup().await;
    let _ = w;
}

async fn a_liaison_sees_no_other_units_problem_anywhere(kind: Kind) {
    let Some((db, w, b)) = setup(kind).await else { return };
    let app = &db.app;
    let make = async |title: &str, unit: domain::UnitId, world: &World| {
        let p = app
            .create_problem(
                &world.office,
                &app::problems::NewProblemInput::new(world.campaign.id, title, "描述", Channel::Hotline),
            )
            .await
            .unwrap();
        let assign = Transition::Assign(Assignment::to(unit));
        app.transition(&world.office, p.summary.id, &TransitionRequest::new(p.summary.version, assign)).await.unwrap()
    };
    let a = make("住建局的秘密问题", w.dept_a.id, &w).await;
    let b_problem = make("环境局自己的问题", w.dept_b.id, &w).await;
    let evidence = app
        .add_evidence(
            &w.liaison_a,
            a.summary.id,
            "a.png",
            &std::fs::read(png_file(db.dir.path())).unwrap(),
            None,
            domain::problem::EvidencePhase::After,
        )
        .await
        .unwrap();
    b.login("liaison_b").await;
    let secret = "住建局的秘密问题";
    for page in [
        "/problems".to_string(),
        format!("/problems?q={}", "秘密"),
        "/problems/print".into(),
        "/".into(),
        "/dashboard".into(),
    ] {
        b.goto(&page).await;
        let body = b.body().await;
        assert!(
            !body.contains(secret) && !body.contains(a.summary.number.as_str()),
            "{page} shows another unit's problem"
        );
    }
    b.goto("/problems").await;
    assert!(b.body().await.contains("环境局自己的问题"), "but it sees its own");
    b.goto(&format!("/problems/{}", a.summary.id)).await;
    assert!(b.body().await.contains("未找到"), "detail is 404");
    b.goto(&format!("/files/evidence/{}", evidence.id)).await;
    assert!(b.body().await.contains("未找到"), "files are 404");
    b.goto(&format!("/problems/{}", b_problem.summary.id)).await;
    assert!(b.body().await.contains("环境局自己的问题"));
    b.close().await;
    db.cleanup().await;
}

both!(
    the_whole_loop_runs_in_the_browser,
    the_portal_works_in_english_and_chinese,
    xss_payloads_typed_anywhere_show_as_text,
    a_liaison_sees_no_other_units_problem_anywhere,
);
