//! A day in the office, in a real browser (issue 11): a unit signs for new work and sees why a
//! problem came back, the portal files a report once and its receipt fits a phone, search finds
//! what people type, and unit pickers draw the tree. Every page visited is checked at a phone's
//! width (390 px, the receipt at 360 px) and for the accessibility basics.

use crate::both;
use crate::browser::{Browser, setup};
use app::testkit::{Kind, World};
use app::transitions::{Assignment, Transition, TransitionRequest};
use domain::ProblemId;
use domain::feedback::Channel;
use domain::problem::Satisfaction;

/// Each page at a phone's width: nothing wider than the screen, and the accessibility basics.
async fn fits_a_phone(b: &Browser, width: u32, pages: &[String], failures: &mut Vec<String>) {
    b.resize(width, 844).await;
    for page in pages {
        b.goto(page).await;
        if let Some(what) = b.too_wide().await {
            failures.push(format!("{page} at {width} px: {what}"));
        }
        for p in b.accessibility_problems().await {
            failures.push(format!("{page}: {p}"));
        }
        // Named by the path alone: a query (a tracking code) would make a new file every run.
        let path = page.split('?').next().unwrap_or_default();
        let name: String = path.chars().map(|c| if c.is_alphanumeric() { c } else { '-' }).collect();
        b.screenshot(&format!("phone-{width}{name}")).await;
    }
    b.resize(1366, 1000).await;
}

async fn act(app: &app::App, who: &app::Actor, id: ProblemId, transition: Transition) {
    let version = app.get_problem(who, id).await.unwrap().summary.version;
    app.transition(who, id, &TransitionRequest::new(version, transition)).await.unwrap();
}

async fn assigned_problem(app: &app::App, w: &World, title: &str, description: &str) -> ProblemId {
    let input = app::problems::NewProblemInput::new(w.campaign.id, title, description, Channel::Hotline);
    let id = app.create_problem(&w.office, &input).await.unwrap().summary.id;
    act(app, &w.office, id, assign_to_unit_a(w)).await;
    id
}

/// 分办 to 市住建局 with its leader as the responsible leader (who approves).
fn assign_to_unit_a(w: &World) -> Transition {
    Transition::Assign(Assignment { responsible_leader_id: Some(w.user("leader_a").id), ..Assignment::to(w.dept_a.id) })
}

/// Items 1 and 2: 新交办·待签收 with its 签收 button in the unit's 待办, and a problem reopened by a
/// dissatisfied callback back in the 待办 with the citizen's words, on its page too.
async fn a_unit_signs_for_new_work_and_sees_why_a_problem_came_back(kind: Kind) {
    let Some((db, w, b)) = setup(kind).await else { return };
    let app = &db.app;
    let id = assigned_problem(app, &w, "和平路路灯不亮", "和平路12号门口的路灯坏了一个月。").await;
    b.login("liaison_a").await;
    b.goto("/").await;
    let new = b.text("#sign-for").await;
    assert!(new.contains("新交办·待签收") && new.contains("和平路路灯不亮"), "{new}");
    b.screenshot("office-todo-sign-for").await;
    b.submit("#sign-for form button[type=submit]").await;
    let shown = b.body().await;
    assert!(shown.contains("操作成功：已签收"), "{shown}");
    assert!(b.path().await.starts_with(&format!("/problems/{id}")), "the record where the change shows");
    b.goto("/").await;
    assert!(b.text("#sign-for").await.contains("（0）"), "signed for: no longer new");
    // Done, accepted, then the citizen is called back and is not satisfied: it comes back.
    let submit =
        Transition::Submit { report: "已更换灯头".into(), no_evidence_reason: Some("制度类整改".into()) };
    act(app, &w.liaison_a, id, submit).await;
    act(app, &w.leader_a, id, Transition::Approve { note: Some("同意".into()) }).await;
    act(app, &w.supervisor, id, Transition::Accept { note: "夜间核查，路灯已亮".into() }).await;
    let callback = Transition::Callback {
        solved: false,
        satisfaction: Satisfaction::Dissatisfied,
        comment: Some("灯亮了两天又灭了".into()),
    };
    act(app, &w.office, id, callback).await;
    b.goto("/").await;
    let back = b.text("#reopened").await;
    assert!(back.contains("和平路路灯不亮") && back.contains("灯亮了两天又灭了"), "{back}");
    b.screenshot("office-todo-reopened").await;
    b.goto(&format!("/problems/{id}")).await;
    let page = b.body().await;
    assert!(page.contains("重新整改中") && page.contains("灯亮了两天又灭了"), "{page}");
    assert!(page.contains("重新整改前，已失效"), "the old effectiveness note is marked superseded");
    b.screenshot("office-detail-reopened").await;
    let mut failures = Vec::new();
    fits_a_phone(
        &b,
        390,
        &["/".into(), format!("/problems/{id}"), "/problems?situation=reopened".into()],
        &mut failures,
    )
    .await;
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    b.close().await;
    db.cleanup().await;
}

/// Items 7 and 14: the portal's form posts, redirects and gets (a refresh of the receipt files
/// nothing); the receipt fits 360 px with a key short enough to write down and copy buttons; the
/// rating form starts empty, keeps what was typed when refused, and reads the key as typed.
async fn the_portal_files_once_and_its_receipt_fits_a_phone(kind: Kind) {
    let Some((db, w, b)) = setup(kind).await else { return };
    let app = &db.app;
    b.resize(360, 780).await;
    b.goto("/portal").await;
    b.fill("#p-body", "幸福小区3号楼电梯经常困人，物业不管。").await;
    b.fill("#p-contact", "13800000000").await;
    b.submit("form[action='/portal'] button[type=submit]").await;
    assert_eq!(b.path().await, "/portal/receipt", "posted, redirected, got");
    let code = b.text("#tracking-code").await;
    let key = b.text("#rating-key").await;
    let key_chars: String = key.chars().filter(|c| !c.is_whitespace()).collect();
    assert_eq!(key_chars.len(), app::public::RATING_KEY_CHARS, "a key to write down: {key}");
    assert!(b.js("return [...document.querySelectorAll('button.copy')].every((b) => !b.hidden);").await == true);
    assert_eq!(b.too_wide().await, None, "the receipt fits 360 px");
    b.screenshot("portal-receipt-360").await;
    b.js("location.reload();").await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(b.text("#tracking-code").await, code, "a refresh shows the receipt again");
    let filed = app.list_feedback(&w.office, &Default::default()).await.unwrap().items;
    assert_eq!(filed.len(), 1, "one report however often the page was loaded");
    // The office makes it a problem; it is done and closed.
    let input = app::problems::NewProblemInput {
        feedback_ids: vec![filed[0].id],
        ..app::problems::NewProblemInput::new(w.campaign.id, "幸福小区电梯困人", "3号楼电梯经常困人。", Channel::Portal)
    };
    let id = app.create_problem(&w.office, &input).await.unwrap().summary.id;
    act(app, &w.office, id, assign_to_unit_a(&w)).await;
    act(app, &w.liaison_a, id, Transition::Submit { report: "已维修".into(), no_evidence_reason: Some("口头".into()) })
        .await;
    act(app, &w.leader_a, id, Transition::Approve { note: None }).await;
    act(app, &w.supervisor, id, Transition::Accept { note: "电梯运行正常".into() }).await;
    // The rating form starts empty: a choice not made is asked for, and nothing typed is lost.
    b.goto(&format!("/portal/rate?code={code}")).await;
    assert_eq!(b.js("return document.querySelector('#r-sat').value;").await, "");
    assert_eq!(b.js("return document.querySelector('#r-solved').value;").await, "");
    b.fill("#r-key", &key.to_lowercase()).await;
    b.fill("#r-comment", "修好了，谢谢").await;
    b.js("document.querySelectorAll('[required]').forEach((e) => e.removeAttribute('required'));").await;
    b.submit("form[action='/portal/rate'] button[type=submit]").await;
    assert!(b.text("#rate-error").await.contains("请选择"), "{}", b.body().await);
    assert_eq!(b.js("return document.querySelector('#r-comment').value;").await, "修好了，谢谢");
    assert_eq!(b.js("return document.querySelector('#r-code').value;").await, code.as_str());
    b.select("#r-solved", "yes").await;
    b.select("#r-sat", "satisfied").await;
    b.submit("form[action='/portal/rate'] button[type=submit]").await;
    assert_eq!(b.text("#rated-status").await, "已办结", "{}", b.body().await);
    b.screenshot("portal-rated-360").await;
    let mut failures = Vec::new();
    let pages = ["/portal".to_string(), format!("/portal/track?code={code}"), "/portal/published".into()];
    fits_a_phone(&b, 360, &pages, &mut failures).await;
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    b.close().await;
    db.cleanup().await;
}

/// Item 9: every two characters people type are found, marked once in the text as written; a
/// problem is found by the short forms of its number.
async fn search_finds_what_people_type(kind: Kind) {
    let Some((db, w, b)) = setup(kind).await else { return };
    let app = &db.app;
    let id = assigned_problem(app, &w, "东湖路路灯不亮", "东湖路一段晚上一片漆黑，路灯不亮已经一周。").await;
    let number = app.get_problem(&w.office, id).await.unwrap().summary.number.to_string();
    b.login("office").await;
    for q in ["路灯", "不亮", "灯不", "一片漆黑"] {
        b.goto(&format!("/search?q={q}")).await;
        let hits = b.text("ul.hits").await;
        assert!(hits.contains("东湖路路灯不亮"), "{q}: {hits}");
        let marked = b.js("return [...document.querySelectorAll('ul.hits mark')].map((m) => m.textContent);").await;
        assert!(marked.as_array().is_some_and(|m| m.iter().any(|t| t.as_str().is_some_and(|t| t.contains(q)))), "{q}");
    }
    b.goto("/search?q=路灯不亮").await;
    b.screenshot("search-marked").await;
    let sequence = number.rsplit('-').next().unwrap().to_string();
    for short in [sequence.trim_start_matches('0').to_string(), sequence.clone()] {
        b.goto(&format!("/problems?q={short}")).await;
        assert!(b.body().await.contains("东湖路路灯不亮"), "{short} finds {number}");
    }
    let mut failures = Vec::new();
    fits_a_phone(&b, 390, &["/search?q=路灯".to_string(), format!("/problems?q={sequence}")], &mut failures).await;
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    b.close().await;
    db.cleanup().await;
}

/// Item 3: the citizen's photo shows on the intake card as a thumbnail that loads, and opens in
/// place.
async fn a_citizens_photo_shows_on_the_intake_card(kind: Kind) {
    let Some((db, _w, b)) = setup(kind).await else { return };
    let app = &db.app;
    let png = std::fs::read(crate::browser::png_file(db.dir.path())).unwrap();
    let submission = crate::submission("幸福路的井盖丢了，晚上有人踩空，照片在此。", None);
    app.public_submit(&submission, Some(("井盖.png", &png))).await.unwrap();
    b.login("office").await;
    b.goto("/intake").await;
    let mut loaded = serde_json::Value::Null;
    for _ in 0..40 {
        loaded = b
            .js("const i = document.querySelector('img.thumb'); return i ? (i.complete && i.naturalWidth > 0) : 'none';")
            .await;
        if loaded == true {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(loaded, true, "the thumbnail loads under the page's policy");
    b.screenshot("intake-photo").await;
    let src = b.js("return document.querySelector('img.thumb').getAttribute('src');").await;
    b.goto(src.as_str().unwrap()).await;
    assert_eq!(b.js("return document.contentType;").await, "image/png", "the preview opens in place");
    let mut failures = Vec::new();
    fits_a_phone(&b, 390, &["/intake".to_string()], &mut failures).await;
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    b.close().await;
    db.cleanup().await;
}

/// Item 12: the assign picker draws the unit tree, each unit right under its parent.
async fn the_assign_picker_draws_the_unit_tree(kind: Kind) {
    let Some((db, w, b)) = setup(kind).await else { return };
    let app = &db.app;
    let input = app::problems::NewProblemInput::new(w.campaign.id, "小区噪音", "夜间施工噪音。", Channel::Hotline);
    let id = app.create_problem(&w.office, &input).await.unwrap().summary.id;
    b.login("office").await;
    b.goto(&format!("/problems/{id}")).await;
    b.open_action("assign").await;
    let options = b.js("return [...document.querySelectorAll('#a-lead option')].map((o) => o.textContent);").await;
    let names: Vec<String> = options
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|o| o.as_str().map(|s| s.trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}').to_string()))
        .filter(|s| !s.is_empty() && !s.contains("选择"))
        .collect();
    let at = |name: &str| names.iter().position(|n| n.ends_with(name)).unwrap_or_else(|| panic!("{name} in {names:?}"));
    assert!(at("市住建局") + 1 == at("住建局物业科"), "a sub-unit right under its parent: {names:?}");
    assert!(at("临江市") < at("市住建局") && at("住建局物业科") < at("市生态环境局"), "{names:?}");
    b.screenshot("assign-picker-tree").await;
    // Item 13: the 责任领导 picker holds leaders only, and only those of the lead unit chosen.
    let offered = async || {
        let v = b
            .js("return [...document.querySelectorAll('#a-leader option')].filter((o) => o.value && !o.hidden).map((o) => o.textContent);")
            .await;
        v.as_array().unwrap().iter().map(|o| o.as_str().unwrap().to_string()).collect::<Vec<_>>()
    };
    let leader = w.user("leader_a").display_name.clone();
    assert_eq!(offered().await, vec![format!("{leader}（市住建局）")], "leaders only, not liaisons or viewers");
    b.select("#a-lead", &w.dept_b.id.to_string()).await;
    assert!(offered().await.is_empty(), "市生态环境局 has no leader: {:?}", offered().await);
    b.select("#a-lead", &w.dept_a_sub.id.to_string()).await;
    assert!(offered().await.is_empty(), "the leader of 市住建局 does not lead its sub-unit's problems here");
    b.select("#a-lead", &w.dept_a.id.to_string()).await;
    assert_eq!(offered().await.len(), 1);
    b.select("#a-leader", &w.user("leader_a").id.to_string()).await;
    b.submit_action("assign").await;
    assert!(b.body().await.contains(&leader), "{}", b.body().await);
    b.login("leader_a").await;
    assert!(b.text("header").await.contains("责任领导"), "a leader is named so: {}", b.text("header").await);
    b.close().await;
    db.cleanup().await;
}

/// Items 4, 5, 6, 8, 10, 11, 15 and 17, walked as the office: the intake card assigns in one
/// step; a refused action keeps its form and input; a bulk action reports each row; hot problems
/// explain their heat; the dashboard its rates; the admin page has sections; the root sends the
/// public to the portal and staff to their 待办; an unknown page is a page of the site.
async fn the_office_works_through_its_pages(kind: Kind) {
    let Some((db, w, b)) = setup(kind).await else { return };
    let app = &db.app;
    let report = app::feedback::FeedbackInput {
        unit_id: Some(w.city.id),
        ..app::feedback::FeedbackInput::new(Channel::Hotline, "幸福小区3号楼电梯经常困人，物业不管。")
    };
    app.create_feedback(&w.office, &report).await.unwrap();
    let other = assigned_problem(app, &w, "东湖路路灯不亮", "路灯坏了一周。").await;
    // Item 17: the root.
    b.goto("/").await;
    assert_eq!(b.path().await, "/portal", "the public lands on the portal");
    b.login("office").await;
    b.goto("/").await;
    assert_eq!(b.path().await, "/", "staff land on their 待办");
    // Item 10: 立为问题 with a lead unit assigns at once.
    b.goto("/intake").await;
    b.click("section.card details.action summary").await;
    b.select("select[name=lead_unit_id]", &w.dept_a.id.to_string()).await;
    b.select("select[name=responsible_leader_id]", &w.user("leader_a").id.to_string()).await;
    b.submit("form[action$='/problem'] button[type=submit]").await;
    assert!(b.text("p.notice").await.contains("已分办至 市住建局"), "{}", b.body().await);
    b.screenshot("intake-assigned").await;
    // Item 5: a refused action keeps its form open with the input.
    b.goto(&format!("/problems/{other}")).await;
    b.login("liaison_a").await;
    b.goto(&format!("/problems/{other}")).await;
    b.open_action("submit").await;
    b.fill("#a-noev", "制度类整改").await;
    b.js("document.querySelectorAll('[required]').forEach((e) => e.removeAttribute('required'));").await;
    b.submit_action("submit").await;
    assert!(b.exists("details.action[open] p.error").await, "said on the form: {}", b.body().await);
    let kept = b.js("return document.querySelector('#a-noev').value;").await;
    assert_eq!(kept, "制度类整改", "what was typed is kept");
    b.screenshot("refused-on-its-form").await;
    b.login("office").await;
    // Item 6: a bulk action reports each row.
    b.goto("/problems").await;
    b.js("document.querySelectorAll('input[name=ids]').forEach((c) => { c.checked = true; });").await;
    b.select("#bulk-what", "deadline").await;
    // A date field takes its value as the browser's picker would give it.
    b.js("document.querySelector('#bulk-deadline').value = '2026-12-31';").await;
    b.submit("#bulk button[type=submit]").await;
    assert!(b.text("#bulk-summary").await.contains("已处理"), "{}", b.body().await);
    b.screenshot("bulk-result").await;
    // Items 11 and 15: the heat and the rates say how they are counted.
    b.goto("/hot").await;
    assert!(b.text("#heat-formula").await.contains("热度 ="));
    b.goto("/dashboard").await;
    assert!(b.text("#rate-definitions").await.contains("按期率 ="));
    // Item 8: an unknown page is a page of the site, with the reader's menu.
    b.goto("/no-such-page").await;
    assert!(b.body().await.contains("退出登录") && b.body().await.contains("English"), "{}", b.body().await);
    // Item 17: the admin page in sections.
    b.login("admin").await;
    b.goto("/admin").await;
    assert!(b.exists("nav.tabs a[aria-current=page]").await);
    let mut failures = Vec::new();
    let pages = ["/admin".to_string(), "/admin?section=units".into(), "/admin/calendar/2026".into()];
    fits_a_phone(&b, 390, &pages, &mut failures).await;
    b.login("office").await;
    let pages = [
        "/intake".to_string(),
        "/hot".into(),
        "/dashboard".into(),
        format!("/problems/{other}"),
        "/problems".into(),
        "/search?q=路灯".into(),
    ];
    fits_a_phone(&b, 390, &pages, &mut failures).await;
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    b.close().await;
    db.cleanup().await;
}

/// Item 16, walked: the liaison marks a photo of the site as found (整改前) and one of the work
/// done, and answers one reporter by name; the office shows both photos and publishes. On a phone,
/// the public page shows the site as found first, each photo labelled, and not the personal reply;
/// that reporter's tracking page shows it, the other reporter's does not.
async fn the_public_page_shows_before_and_after_and_a_reply_reaches_its_reporter(kind: Kind) {
    let Some((db, w, b)) = setup(kind).await else { return };
    let app = &db.app;
    let first =
        app.public_submit(&crate::named_submission("建设路路灯不亮，晚上很黑。", "张三丰"), None).await.unwrap();
    let second = app.public_submit(&crate::named_submission("建设路的路灯坏了好几盏。", "李四光"), None).await.unwrap();
    let reports = app.list_feedback(&w.office, &Default::default()).await.unwrap().items;
    let report_of = |code: &str| reports.iter().find(|f| f.tracking_code.as_str() == code).unwrap().id;
    let input = app::problems::NewProblemInput {
        feedback_ids: vec![report_of(&first.tracking_code), report_of(&second.tracking_code)],
        ..app::problems::NewProblemInput::new(w.campaign.id, "建设路路灯不亮", "建设路多盏路灯不亮。", Channel::Portal)
    };
    let created = app.create_problem(&w.office, &input).await.unwrap().summary;
    let (id, number) = (created.id, created.number);
    act(app, &w.office, id, assign_to_unit_a(&w)).await;
    // The liaison records the site as found and the work done, and answers the first reporter.
    let photo = crate::browser::png_file(db.dir.path());
    b.login("liaison_a").await;
    b.goto(&format!("/problems/{id}")).await;
    for phase in ["before", "after"] {
        b.fill("#e-file", photo.to_str().unwrap()).await;
        b.click(&format!("input[name=phase][value={phase}]")).await;
        b.submit("form[action$='/evidence'] button[type=submit]").await;
    }
    let phases = b.js("return [...document.querySelectorAll('ul.evidence .tag')].map((t) => t.textContent);").await;
    assert_eq!(phases, serde_json::json!(["整改前", "整改后"]), "{}", b.body().await);
    let f1 = report_of(&first.tracking_code);
    b.click(&format!("details:has(form[action='/feedback/{f1}/reply']) summary")).await;
    let written = "张三丰您好：建设路3号门前的路灯已更换灯头，如仍不亮请再联系我们。";
    b.fill(&format!("#reply-{f1}"), written).await;
    b.submit(&format!("form[action='/feedback/{f1}/reply'] button[type=submit]")).await;
    assert!(b.text("p.notice").await.contains("操作成功"), "{}", b.body().await);
    assert!(b.body().await.contains(written), "the reply shows under its report");
    b.screenshot("reply-to-reporter").await;
    act(app, &w.liaison_a, id, Transition::Submit { report: "已更换灯头".into(), no_evidence_reason: None }).await;
    act(app, &w.leader_a, id, Transition::Approve { note: None }).await;
    act(app, &w.supervisor, id, Transition::Accept { note: "夜间核查，路灯正常".into() }).await;
    // The office shows both photos to the public and publishes.
    b.login("office").await;
    b.goto(&format!("/problems/{id}")).await;
    for _ in 0..2 {
        b.submit("form[action$='/public']:has(input[name=public][value=yes]) button").await;
    }
    assert!(!b.exists("form[action$='/public']:has(input[name=public][value=yes])").await, "both shown");
    b.open_action("publish").await;
    b.submit_action("publish").await;
    assert!(b.body().await.contains("已公示"), "{}", b.body().await);
    b.logout().await;
    // The public on a phone: the site as found first, each photo labelled, no personal reply.
    b.resize(360, 780).await;
    b.goto(&format!("/portal/published/{number}")).await;
    let captions = b.js("return [...document.querySelectorAll('figure figcaption')].map((c) => c.textContent);").await;
    assert_eq!(captions, serde_json::json!(["整改前", "整改后"]), "{}", b.body().await);
    // The photos are lazy: the second lies below a phone's fold and would not have been fetched
    // yet. Load each now and wait for it; a photo the page's policy blocks fails to decode.
    let loaded = b.js("return Promise.all([...document.querySelectorAll('figure img')].map((i) => { \
        i.loading = 'eager'; return i.decode().then(() => i.naturalWidth > 0, () => false); })) \
        .then((all) => all.length === 2 && all.every((ok) => ok));");
    assert_eq!(loaded.await, true, "the photos load under the page's policy");
    assert!(!b.body().await.contains(written), "the personal reply is not public");
    b.screenshot("portal-published-photos-360").await;
    b.goto(&format!("/portal/track?code={}", first.tracking_code)).await;
    assert!(b.text("#track-reply-to-you").await.contains(written));
    b.screenshot("portal-track-reply-360").await;
    b.goto(&format!("/portal/track?code={}", second.tracking_code)).await;
    assert!(!b.exists("#track-reply-to-you").await && !b.body().await.contains(written), "not to the other reporter");
    let mut failures = Vec::new();
    let pages = [
        format!("/portal/published/{number}"),
        format!("/portal/track?code={}", first.tracking_code),
        format!("/portal/track?code={}", second.tracking_code),
    ];
    fits_a_phone(&b, 360, &pages, &mut failures).await;
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    b.close().await;
    db.cleanup().await;
}

both!(
    the_office_works_through_its_pages,
    the_public_page_shows_before_and_after_and_a_reply_reaches_its_reporter,
    a_unit_signs_for_new_work_and_sees_why_a_problem_came_back,
    the_portal_files_once_and_its_receipt_fits_a_phone,
    search_finds_what_people_type,
    a_citizens_photo_shows_on_the_intake_card,
    the_assign_picker_draws_the_unit_tree,
);
