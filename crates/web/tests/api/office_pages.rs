//! The office's and the units' pages without a browser (issue 11): the intake card, bulk actions,
//! the admin sections, the dashboard's definitions, the calendar, refusals said on their forms,
//! 我的待办 and the unit pickers.

use crate::pages::{enc, get_with, new_browser, post_form, sign_in};
use crate::{TestApp, both};
use app::testkit::{Kind, password_of};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};

/// Item 10 of issue 11: the intake card does it in one place — 立为问题 assigns in the same step
/// (an assignment refused leaves the problem made and says why on its assign form, the choice
/// kept), 不予受理 with a reason its sender reads, 并入 by a short number, titles cut between
/// words, newest first or hottest first.
async fn the_intake_card_does_it_in_one_place(kind: Kind) {
    let Some(t) = TestApp::new(kind).await else { return };
    let app = &t.db.app;
    let w = &t.world;
    let report = |body: &str| app::feedback::FeedbackInput {
        unit_id: Some(w.city.id),
        ..app::feedback::FeedbackInput::new(domain::feedback::Channel::Hotline, body)
    };
    let lift = "幸福小区3号楼电梯经常困人，物业不管，老人被困了两个小时，希望有关部门督促物业维修";
    for _ in 0..3 {
        app.create_feedback(&w.office, &report(lift)).await.unwrap();
    }
    app.create_feedback(&w.office, &report("东湖路路灯不亮")).await.unwrap();
    let (office, token) = sign_in(&t, "office").await;
    let inbox = t.send(get_with("/intake", &office)).await;
    let first = |page: &str| {
        let needle = "<section class=\"card\">\n  <h2>";
        let at = page.find(needle).expect("a card") + needle.len();
        page[at..page[at..].find("</h2>").unwrap() + at].to_string()
    };
    assert_eq!(first(&inbox.text), "东湖路路灯不亮", "newest first");
    let hot = t.send(get_with("/intake?sort=heat", &office)).await;
    assert!(first(&hot.text).starts_with("幸福小区3号楼电梯经常困人"), "hottest first: {}", first(&hot.text));
    assert!(!first(&hot.text).contains("老人被困了两个小时，"), "the title stops at a clause: {}", first(&hot.text));
    // 立为问题 with a lead unit and its leader: made and assigned in one step.
    let items = app
        .list_feedback(&w.office, &app::feedback::FeedbackQuery { linked: Some(false), ..Default::default() })
        .await
        .unwrap()
        .items;
    let lamp = items.iter().find(|f| f.body == "东湖路路灯不亮").unwrap().id;
    let body = format!(
        "csrf={token}&campaign_id={}&title={}&description={}&category_id=&channel=hotline&kind=complaint&lead_unit_id={}&responsible_leader_id={}&deadline=",
        w.campaign.id,
        enc("东湖路路灯不亮"),
        enc("东湖路路灯不亮"),
        w.dept_a.id,
        w.user("leader_a").id
    );
    let made = t.send(post_form(&format!("/intake/{lamp}/problem"), &office, body)).await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.text);
    let to = made.headers[header::LOCATION].to_str().unwrap().to_string();
    assert!(to.ends_with("?done=assign"), "{to}");
    let shown = t.send(get_with(&to, &office)).await;
    assert!(shown.text.contains("操作成功：已分办至 市住建局"), "{}", shown.text);
    // With a leader of another unit: the problem is made, the assignment refused on its form.
    let lift_id = items.iter().find(|f| f.body == lift).unwrap().id;
    let body = format!(
        "csrf={token}&campaign_id={}&title={}&description={}&category_id=&channel=hotline&kind=complaint&lead_unit_id={}&responsible_leader_id={}&deadline=",
        w.campaign.id,
        enc("幸福小区电梯困人"),
        enc(lift),
        w.dept_b.id,
        w.user("leader_a").id
    );
    let refused = t.send(post_form(&format!("/intake/{lift_id}/problem"), &office, body)).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.text);
    assert!(refused.text.contains("不是牵头单位的责任领导") && refused.text.contains("幸福小区电梯困人"));
    assert!(
        refused.text.contains(&format!("<option value=\"{}\" selected>", w.dept_b.id)),
        "the lead unit chosen is kept"
    );
    let number = app.get_feedback(&w.office, lift_id).await.unwrap().problem_id.expect("the problem was made");
    let number = app.get_problem(&w.office, number).await.unwrap().summary.number.to_string();
    // 并入已有问题 by the short number.
    let copy = app
        .list_feedback(&w.office, &app::feedback::FeedbackQuery { linked: Some(false), ..Default::default() })
        .await
        .unwrap()
        .items[0]
        .id;
    let short = number.rsplit('-').next().unwrap().trim_start_matches('0').to_string();
    let linked =
        t.send(post_form(&format!("/intake/{copy}/link"), &office, format!("csrf={token}&number={short}"))).await;
    assert_eq!(linked.status, StatusCode::SEE_OTHER, "{}", linked.text);
    assert!(app.get_feedback(&w.office, copy).await.unwrap().problem_id.is_some());
    // 不予受理 with a reason: off the inbox, and its sender reads why.
    let last = app
        .list_feedback(&w.office, &app::feedback::FeedbackQuery { linked: Some(false), ..Default::default() })
        .await
        .unwrap()
        .items[0]
        .clone();
    let empty =
        t.send(post_form(&format!("/intake/{}/dismiss", last.id), &office, format!("csrf={token}&reason="))).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY, "a reason is needed");
    let reason = "已由物业公司当场维修，不再立为问题";
    let declined = t
        .send(post_form(
            &format!("/intake/{}/dismiss", last.id),
            &office,
            format!("csrf={token}&reason={}", enc(reason)),
        ))
        .await;
    assert_eq!(declined.status, StatusCode::SEE_OTHER, "{}", declined.text);
    let back = t.send(get_with(declined.headers[header::LOCATION].to_str().unwrap(), &office)).await;
    assert!(
        back.text.contains("操作成功：已不予受理") && back.text.contains(last.tracking_code.as_str()),
        "{}",
        back.text
    );
    assert!(
        app.list_feedback(
            &w.office,
            &app::feedback::FeedbackQuery { linked: Some(false), dismissed: Some(false), ..Default::default() }
        )
        .await
        .unwrap()
        .items
        .is_empty()
    );
    let tracked = app.track(last.tracking_code.as_str()).await.unwrap();
    assert_eq!((tracked.status.as_str(), tracked.dismiss_reason.as_deref()), ("not_accepted", Some(reason)));
    let page = t
        .send(Request::builder().uri(format!("/portal/track?code={}", last.tracking_code)).body(Body::empty()).unwrap())
        .await;
    assert!(page.text.contains(">不予受理<") && page.text.contains(reason), "{}", page.text);
    assert!(!page.text.contains("not_accepted"), "never a code to the citizen");
    let rate = t
        .send(Request::builder().uri(format!("/portal/rate?code={}", last.tracking_code)).body(Body::empty()).unwrap())
        .await;
    assert!(
        rate.text.contains("无需评价") && !rate.text.contains("action=\"/portal/rate\""),
        "no form to fail: {}",
        rate.text
    );
    let again = app.dismiss_feedback(&w.office, last.id, "再次").await.unwrap_err();
    assert_eq!(again.code(), "conflict");
    assert!(matches!(app.dismiss_feedback(&w.liaison_b, last.id, "越权").await, Err(domain::Error::NotFound { .. })));
    t.db.cleanup().await;
}

/// Item 6 of issue 11: a bulk action reports what it did to each row and why it refused any,
/// naming only what the reader may see.
async fn a_bulk_action_reports_each_row(kind: Kind) {
    let Some(t) = TestApp::new(kind).await else { return };
    let fresh = t.problem_about("幸福路井盖缺失", "井盖丢了").await;
    let taken = t.problem_about("东湖路路灯不亮", "路灯坏了").await;
    t.assign(taken, t.world.dept_b.id.get()).await;
    let (office, token) = sign_in(&t, "office").await;
    let body = format!(
        "csrf={token}&what=assign&lead_unit_id={}&deadline=&back=%2Fproblems&ids={fresh}&ids={taken}&ids=99999",
        t.world.dept_a.id
    );
    let res = t.send(post_form("/problems/bulk", &office, body)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert!(res.text.contains("已处理 1 个问题") && res.text.contains("未处理 2 个"), "{}", res.text);
    let row = |needle: &str| {
        let at = res.text.find(needle).unwrap_or_else(|| panic!("{needle} in {}", res.text));
        let end = res.text[at..].find("</tr>").unwrap() + at;
        res.text[at..end].to_string()
    };
    assert!(row("幸福路井盖缺失").contains("已分办至 市住建局"), "{}", row("幸福路井盖缺失"));
    assert!(
        row("东湖路路灯不亮").contains("未处理") && row("东湖路路灯不亮").contains("整改中"),
        "{}",
        row("东湖路路灯不亮")
    );
    assert!(res.text.contains("未找到"), "an unknown id is refused without a name");
    assert!(res.text.contains("href=\"/problems\""), "the way back to the list");
    t.db.cleanup().await;
}

/// Item 17 of issue 11: the admin page in sections, a user search, and a password reset that works
/// (the new password signs in, the old one no longer does).
async fn the_admin_page_is_in_sections_with_a_user_search_and_a_password_reset(kind: Kind) {
    let Some(t) = TestApp::new(kind).await else { return };
    let (admin, token) = sign_in(&t, "admin").await;
    let page = t.send(get_with("/admin", &admin)).await;
    assert!(page.text.contains("aria-current=\"page\" class=\"current\">用户<"), "users first");
    assert!(!page.text.contains("action=\"/admin/units\""), "one section at a time");
    for section in ["units", "categories", "campaigns", "calendar", "tokens"] {
        let shown = t.send(get_with(&format!("/admin?section={section}"), &admin)).await;
        assert_eq!(shown.status, StatusCode::OK, "{section}");
        assert!(shown.text.contains(&format!("href=\"/admin?section={section}\" aria-current=\"page\"")), "{section}");
    }
    let tokens = t.send(get_with("/admin?section=tokens", &admin)).await;
    assert!(tokens.text.contains(">只读<") && !tokens.text.contains(">read<"), "scopes by name, not code");
    let found = t.send(get_with(&format!("/admin?section=users&q={}", enc("住建局")), &admin)).await;
    assert!(found.text.contains(">liaison_a<") && !found.text.contains(">liaison_b<"), "{}", found.text);
    let leaders = t.send(get_with(&format!("/admin?section=users&q={}", enc("责任领导")), &admin)).await;
    assert!(leaders.text.contains(">leader_a<") && !leaders.text.contains(">office<"));
    // The liaison forgot the password: the admin sets a new one.
    let id = t.world.user("liaison_a").id;
    let short =
        t.send(post_form(&format!("/admin/users/{id}/password"), &admin, format!("csrf={token}&password=short"))).await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", short.text);
    let reset = t
        .send(post_form(
            &format!("/admin/users/{id}/password"),
            &admin,
            format!("csrf={token}&password={}", enc("新的密码 2026 十二月")),
        ))
        .await;
    assert_eq!(reset.status, StatusCode::SEE_OTHER, "{}", reset.text);
    let back = t.send(get_with(reset.headers[header::LOCATION].to_str().unwrap(), &admin)).await;
    assert!(back.text.contains("操作成功：已重置密码"), "{}", back.text);
    let (csrf_cookie, login_token) = new_browser(&t, "/login").await;
    let old = t
        .send(post_form(
            "/login",
            &csrf_cookie,
            format!("csrf={login_token}&username=liaison_a&password={}&next=%2F", enc(&password_of("liaison_a"))),
        ))
        .await;
    assert_ne!(old.status, StatusCode::SEE_OTHER, "the old password no longer signs in");
    let (csrf_cookie, login_token) = new_browser(&t, "/login").await;
    let new = t
        .send(post_form(
            "/login",
            &csrf_cookie,
            format!("csrf={login_token}&username=liaison_a&password={}&next=%2F", enc("新的密码 2026 十二月")),
        ))
        .await;
    assert_eq!(new.status, StatusCode::SEE_OTHER, "the new one does: {}", new.text);
    t.db.cleanup().await;
}

/// Item 15 of issue 11: the dashboard states how each rate is counted, from the figures beside it,
/// and filters by campaign.
async fn the_dashboard_says_how_its_rates_are_counted(kind: Kind) {
    let Some(t) = TestApp::new(kind).await else { return };
    let id = t.problem().await;
    t.assign(id, t.world.dept_a.id.get()).await;
    let (office, _) = sign_in(&t, "office").await;
    let page = t.send(get_with("/dashboard", &office)).await;
    let definitions = section_by_id(&page.text, "rate-definitions");
    assert!(definitions.contains("按期率 = 1 −（逾期未办结 0 + 超期办结 0）÷（已办结 0 + 办理中 1）"), "{definitions}");
    assert!(definitions.contains("与解决率分开统计"), "{definitions}");
    assert!(page.text.contains(&format!("<option value=\"{}\">主题教育检视整改</option>", t.world.campaign.id)));
    let filtered = t.send(get_with(&format!("/dashboard?campaign_id={}", t.world.campaign.id), &office)).await;
    assert!(filtered.text.contains(&format!("<option value=\"{}\" selected>", t.world.campaign.id)));
    t.db.cleanup().await;
}

/// The holiday calendar speaks the reader's language: 放假 and 调休上班 under 日期, and the form
/// takes back what it shows.
async fn the_calendar_page_speaks_chinese_and_reads_back_its_own_lines(kind: Kind) {
    let Some(t) = TestApp::new(kind).await else { return };
    let (cookies, token) = sign_in(&t, "admin").await;
    let get = |uri: &str| Request::builder().uri(uri).header(header::COOKIE, &cookies).body(Body::empty()).unwrap();
    let page = t.send(get("/admin/calendar/2026")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("<th scope=\"col\">日期</th>"), "{}", page.text);
    assert!(page.text.contains("<td>放假</td>") && page.text.contains("<td>调休上班</td>"), "{}", page.text);
    assert!(!page.text.contains("holiday") && !page.text.contains("<td>休</td>"), "{}", page.text);
    let lines = "2027-01-01,放假,元旦\n2027-02-07,调休上班,春节";
    let form = format!("csrf={token}&lines={}", lines.replace(',', "%2C").replace('\n', "%0A"));
    let res = t.send(post_form("/admin/calendar/2027", &cookies, form)).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let page = t.send(get("/admin/calendar/2027")).await;
    assert!(
        page.text.contains("2027-01-01,放假,元旦") && page.text.contains("2027-02-07,调休上班,春节"),
        "{}",
        page.text
    );
    // A bad line is named as the reader counts it (blank lines too), with this year's example,
    // and every line sent stays in the box; nothing is saved.
    let bad = "2027-01-01,放假,元旦\n\n2027-13-01,放假,错误";
    let form = format!("csrf={token}&lines={}", enc(bad));
    let refused = t.send(post_form("/admin/calendar/2027", &cookies, form)).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.text);
    assert!(refused.text.contains("第3行：日期应写作 2027-10-01"), "{}", refused.text);
    assert!(refused.text.contains("2027-13-01,放假,错误"), "kept");
    let unknown = t
        .send(post_form("/admin/calendar/2027", &cookies, format!("csrf={token}&lines={}", enc("2027-05-01,休息"))))
        .await;
    assert!(unknown.text.contains("第1行："), "{}", unknown.text);
    let page = t.send(get("/admin/calendar/2027")).await;
    assert!(page.text.contains("2027-02-07,调休上班,春节"), "the saved year is unchanged");
    t.db.cleanup().await;
}

/// A refused action is explained in words: fields by their labels, actions and states by their
/// names, never a wire code.
async fn a_refused_action_is_explained_without_codes(kind: Kind) {
    let Some(t) = TestApp::new(kind).await else { return };
    let id = t.problem().await;
    t.assign(id, t.world.dept_a.id.get()).await;
    let (cookies, token) = sign_in(&t, "office").await;
    let post = |action: &str, version: i64| {
        post_form(&format!("/problems/{id}/act"), &cookies, format!("csrf={token}&version={version}&action={action}"))
    };
    let res = t.send(post("publish", t.version(id).await)).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let again = t.send(post("publish", t.version(id).await)).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(again.text.contains("该问题已公示") && !again.text.contains("published"), "{}", again.text);
    let illegal = t.send(post("accept", t.version(id).await)).await;
    assert_eq!(illegal.status, StatusCode::CONFLICT);
    assert!(illegal.text.contains("时不能“验收销号”；现在可以：签收、申请销号"), "{}", illegal.text);
    for code in ["assigned", "accept", "sign_for", "submit", "request_extension"] {
        assert!(
            !illegal.text.contains(&format!("{code}）")) && !illegal.text.contains(&format!("、{code}")),
            "{code}: {}",
            illegal.text
        );
    }
    // Refused on the problem's own page, the form open again with what was typed kept.
    assert!(illegal.text.contains("class=\"error\" role=\"alert\""), "said on the page: {}", illegal.text);
    let (liaison, liaison_token) = sign_in(&t, "liaison_a").await;
    let body = format!(
        "csrf={liaison_token}&version={}&action=submit&report=&no_evidence_reason=%E5%88%B6%E5%BA%A6%E7%B1%BB",
        t.version(id).await
    );
    let refused = t.send(post_form(&format!("/problems/{id}/act"), &liaison, body)).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.text);
    assert!(refused.text.contains("<details class=\"action\" open>"), "the form is open again");
    assert!(refused.text.contains("value=\"制度类\""), "what was typed is kept: {}", refused.text);
    let form = &refused.text[refused.text.find("<details class=\"action\" open>").unwrap()..];
    let needle = "role=\"alert\">";
    let alert = form.find(needle).expect("the reason on the form") + needle.len();
    assert!(
        form[alert..].starts_with("整改报告：请填写此项</p>"),
        "named by its label, no wire name: {}",
        &form[alert..]
    );
    assert!(refused.text.contains("退出登录"), "a page of the site, with its menu");
    // A message that names its field is not prefixed with it twice; a bad filter names no codes.
    let body = format!(
        "csrf={liaison_token}&version={}&action=submit&report=%E5%B7%B2%E6%95%B4%E6%94%B9",
        t.version(id).await
    );
    let no_evidence = t.send(post_form(&format!("/problems/{id}/act"), &liaison, body)).await;
    assert!(
        no_evidence.text.contains("未上传佐证材料") && !no_evidence.text.contains("无佐证材料的理由：未上传"),
        "{}",
        no_evidence.text
    );
    let filter = t.send(get_with("/problems?status=pending", &liaison)).await;
    assert!(filter.text.contains("未知状态“pending”") && !filter.text.contains("new、assigned"), "{}", filter.text);
    // A measure without its text: said on the measure form by its own label, the rest kept.
    let measure = |description: &str| {
        post_form(
            &format!("/problems/{id}/measures"),
            &liaison,
            format!("csrf={liaison_token}&description={}&owner_name={}&deadline=", enc(description), enc("王工")),
        )
    };
    let blank = t.send(measure("   ")).await;
    assert_eq!(blank.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", blank.text);
    assert!(blank.text.contains("role=\"alert\">措施内容："), "{}", blank.text);
    assert!(blank.text.contains("value=\"王工\""), "the owner typed is kept");
    let added = t.send(measure("更换灯头")).await;
    let to = added.headers[header::LOCATION].to_str().unwrap().to_string();
    assert!(t.send(get_with(&to, &liaison)).await.text.contains("操作成功：已添加整改措施"), "{to}");
    t.db.cleanup().await;
}

/// 我的待办: a new assignment waits to be signed for with its count and a 签收 button; signing
/// stops the clock and says so; a reopened problem shows why; only a leader gets the approval
/// section.
async fn a_unit_sees_what_is_new_for_it_and_signs_for_it(kind: Kind) {
    let Some(t) = TestApp::new(kind).await else { return };
    let id = t.problem().await;
    t.assign(id, t.world.dept_a.id.get()).await;
    let (cookies, token) = sign_in(&t, "liaison_a").await;
    let todo = t.send(get_with("/", &cookies)).await;
    assert_eq!(todo.status, StatusCode::OK);
    let new = section(&todo.text, "sign-for");
    assert!(new.contains("新交办·待签收") && new.contains("（1）"), "{new}");
    assert!(new.contains(&format!("action=\"/problems/{id}/act\"")) && new.contains("value=\"sign_for\""), "{new}");
    assert!(!todo.text.contains("id=\"approve\""), "a liaison is nobody's responsible leader");
    let body = format!("csrf={token}&version={}&action=sign_for", t.version(id).await);
    let res = t.send(post_form(&format!("/problems/{id}/act"), &cookies, body)).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let shown = t.send(get_with(&format!("/problems/{id}?done=sign_for"), &cookies)).await;
    assert!(shown.text.contains("操作成功") && shown.text.contains("签收"), "{}", shown.text);
    let todo = t.send(get_with("/", &cookies)).await;
    assert!(section(&todo.text, "sign-for").contains("（0）"));
    // Closed, rated dissatisfied on a callback: back in the unit's 待办 with the comment.
    for (who, body) in [
        ("liaison_a", serde_json::json!({"action": "submit", "report": "已整改", "no_evidence_reason": "制度类整改"})),
        ("leader_a", serde_json::json!({"action": "approve"})),
        ("supervisor", serde_json::json!({"action": "accept", "note": "整改到位"})),
        (
            "office",
            serde_json::json!({"action": "callback", "solved": false, "satisfaction": "dissatisfied", "comment": "噪音依旧"}),
        ),
    ] {
        let r = t.act(id, who, body).await;
        assert_eq!(r.status, StatusCode::OK, "{who}: {}", r.json);
    }
    let todo = t.send(get_with("/", &cookies)).await;
    let back = section(&todo.text, "reopened");
    assert!(back.contains("（1）") && back.contains("回访不满意：噪音依旧"), "{back}");
    let page = t.send(get_with(&format!("/problems/{id}"), &cookies)).await;
    assert!(page.text.contains("重新整改中") && page.text.contains("噪音依旧"), "{}", page.text);
    assert!(page.text.contains("重新整改前，已失效"), "the old effectiveness note is marked superseded");
    // Each opinion kept apart on the application it was given on.
    let signoffs = &page.text[page.text.find("class=\"signoffs\"").expect("the applications")..];
    assert!(
        signoffs.contains("<dt>领导审核意见</dt>")
            && signoffs.contains("<dt>验收意见</dt><dd class=\"pre\">整改到位（"),
        "{signoffs}"
    );
    // The leader sees an approval section; the office, nobody's leader here, does not.
    let (leader, _) = sign_in(&t, "leader_a").await;
    assert!(t.send(get_with("/", &leader)).await.text.contains("id=\"approve\""));
    let waiting = t.problem().await;
    t.assign(waiting, t.world.dept_a.id.get()).await;
    let (office, _) = sign_in(&t, "office").await;
    let todo = t.send(get_with("/", &office)).await;
    assert!(section(&todo.text, "sign-for").contains("（1）"), "the office sees who has not signed");
    assert!(!todo.text.contains("id=\"approve\"") && todo.text.contains("id=\"verify\""), "{}", todo.text);
    assert!(!todo.text.contains("value=\"sign_for\""), "the office watches who signs but does not sign for a unit");
    // The whole list of a section: the same filter on the list page.
    let list = t.send(get_with("/problems?situation=reopened", &cookies)).await;
    assert!(list.text.contains("小区噪音扰民") && list.text.contains("tag yellow\">重新整改"), "{}", list.text);
    t.db.cleanup().await;
}

/// Every unit picker draws the tree: a sub-unit under its own parent, indented, before the
/// parent's next sibling (the units are made parent, sibling, then the sub-unit's… in any order).
async fn unit_pickers_draw_the_unit_tree(kind: Kind) {
    let Some(t) = TestApp::new(kind).await else { return };
    let w = &t.world;
    // A sub-unit of department B made after department A's: breadth-first order would put it last.
    let late = t
        .call(
            "POST",
            "/api/v1/units",
            Some("admin"),
            Some(serde_json::json!({"name": "生态环境局监测站", "parent_id": w.dept_b.id})),
        )
        .await;
    assert_eq!(late.status, StatusCode::CREATED, "{}", late.json);
    let id = t.problem().await;
    for (who, page) in [
        ("office", "/problems".to_string()),
        ("office", format!("/problems/{id}")),
        ("admin", "/admin?section=units".to_string()),
    ] {
        let (cookies, _) = sign_in(&t, who).await;
        let text = t.send(get_with(&page, &cookies)).await.text;
        let at = |name: &str| {
            text.find(&format!(">　　{name}<")).unwrap_or_else(|| panic!("{name} indented under its parent on {page}"))
        };
        let (a, a_sub, b, b_sub) = (
            text.find(&format!(">　{}<", w.dept_a.name)).unwrap_or_else(|| panic!("{page}")),
            at(&w.dept_a_sub.name),
            text.find(&format!(">　{}<", w.dept_b.name)).unwrap(),
            at("生态环境局监测站"),
        );
        assert!(a < a_sub && a_sub < b && b < b_sub, "{page}: {a} {a_sub} {b} {b_sub}");
    }
    t.db.cleanup().await;
}

/// The element with this id, up to its end tag's first occurrence.
fn section_by_id<'a>(page: &'a str, id: &str) -> &'a str {
    let start = page.find(&format!("id=\"{id}\"")).unwrap_or_else(|| panic!("no {id} in {page}"));
    let rest = &page[start..];
    &rest[..rest.find("</ul>").unwrap_or(rest.len())]
}

/// The text of the 待办 section with this anchor, up to the next section.
fn section<'a>(page: &'a str, id: &str) -> &'a str {
    let start =
        page.find(&format!("<section class=\"card\" id=\"{id}\">")).unwrap_or_else(|| panic!("no {id} in {page}"));
    let rest = &page[start..];
    &rest[..rest.find("</section>").unwrap()]
}

both!(
    the_intake_card_does_it_in_one_place,
    a_bulk_action_reports_each_row,
    the_admin_page_is_in_sections_with_a_user_search_and_a_password_reset,
    the_dashboard_says_how_its_rates_are_counted,
    the_calendar_page_speaks_chinese_and_reads_back_its_own_lines,
    a_refused_action_is_explained_without_codes,
    a_unit_sees_what_is_new_for_it_and_signs_for_it,
    unit_pickers_draw_the_unit_tree,
);
