//! The pages without a browser: CSRF refusals, uploads refused by content and size, redirects to
//! sign in.

use crate::{TestApp, both};
use app::testkit::{Kind, password_of};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};

/// The cookie `name=value` a response sets, if it sets one.
pub(crate) fn set_cookie(res: &crate::Reply, name: &str) -> Option<String> {
    res.headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with(&format!("{name}=")))
        .and_then(|c| c.split(';').next())
        .map(str::to_string)
}

/// The CSRF token the forms of a page carry.
pub(crate) fn form_token(page: &crate::Reply) -> String {
    let at = page.text.find("name=\"csrf\" value=\"").expect("the page has a form") + "name=\"csrf\" value=\"".len();
    page.text[at..].split('"').next().unwrap().to_string()
}

/// Opens a page as a new browser: its CSRF cookie and the token its forms carry.
pub(crate) async fn new_browser(t: &TestApp, uri: &str) -> (String, String) {
    let page = t.send(Request::builder().uri(uri).body(Body::empty()).unwrap()).await;
    (set_cookie(&page, "zg_csrf").unwrap(), form_token(&page))
}

/// Signs in through the login form and returns the cookies (session and CSRF) and the CSRF token
/// of the signed-in session (read from a page, as a browser would).
pub(crate) async fn sign_in(t: &TestApp, username: &str) -> (String, String) {
    let (csrf_cookie, token) = new_browser(t, "/login").await;
    let form = format!("csrf={token}&username={username}&password={}&next=%2F", password_of(username));
    let res = t.send(post_form("/login", &csrf_cookie, form)).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let cookies = format!("{csrf_cookie}; {}", set_cookie(&res, "zg_session").unwrap());
    let page =
        t.send(Request::builder().uri("/search").header(header::COOKIE, &cookies).body(Body::empty()).unwrap()).await;
    (cookies, form_token(&page))
}

fn post_form(path: &str, cookies: &str, body: String) -> Request<Body> {
    Request::builder()
        .method("POST")
        .uri(path)
        .header(header::COOKIE, cookies)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap()
}

async fn a_form_without_its_csrf_token_gets_403_and_changes_nothing(kind: Kind) {
    let Some(t) = TestApp::new(kind).await else { return };
    let id = t.problem().await;
    let version = t.version(id).await;
    let rows = t.audit_rows().await;
    let (cookies, token) = sign_in(&t, "office").await;
    let rows = rows + 1; // the sign-in itself
    let action = format!("action=dismiss&version={version}&reason=x");
    for body in [action.clone(), format!("csrf=forged-forged-forged-forged-forged-00&{action}")] {
        let res = t.send(post_form(&format!("/problems/{id}/act"), &cookies, body)).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN);
    }
    // A token from another browser does not fit this browser's cookie either.
    let nonce = token.split('.').next().unwrap();
    let other_cookie = cookies.replace(nonce, "another-browsers-token-0000000000000");
    let res = t.send(post_form(&format!("/problems/{id}/act"), &other_cookie, format!("csrf={token}&{action}"))).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    // An attacker who plants a cookie of their own choosing and repeats it in the field, with or
    // without a made-up signature, gets nowhere: the token is signed with the install's key.
    let planted = "planted-by-the-attacker-000000000000";
    let session = cookies.split("; ").find(|c| c.starts_with("zg_session=")).unwrap();
    let planted_cookies = format!("zg_csrf={planted}; {session}");
    for forged in [planted.to_string(), format!("{planted}.made-up-signature")] {
        let res = t
            .send(post_form(&format!("/problems/{id}/act"), &planted_cookies, format!("csrf={forged}&{action}")))
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{forged}");
    }
    // Nor does the attacker's own valid token, planted with the attacker's cookie: it belongs to
    // another session.
    let (attacker_cookies, attacker_token) = sign_in(&t, "office_a").await;
    let attacker_nonce = attacker_cookies.split("; ").find(|c| c.starts_with("zg_csrf=")).unwrap();
    let victim = format!("{attacker_nonce}; {session}");
    let res =
        t.send(post_form(&format!("/problems/{id}/act"), &victim, format!("csrf={attacker_token}&{action}"))).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let rows = rows + 1; // the attacker's sign-in
    assert_eq!(t.version(id).await, version, "nothing changed");
    assert_eq!(t.audit_rows().await, rows);
    // With the token it goes through.
    let res = t.send(post_form(&format!("/problems/{id}/act"), &cookies, format!("csrf={token}&{action}"))).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(t.version(id).await, version + 1);
    t.db.cleanup().await;
}

fn multipart(path: &str, cookies: &str, csrf: &str, file_name: &str, bytes: &[u8]) -> Request<Body> {
    let boundary = "zhenggai-boundary-7d";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n").as_bytes(),
    );
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    Request::builder()
        .method("POST")
        .uri(path)
        .header(header::COOKIE, cookies)
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
        .body(Body::from(body))
        .unwrap()
}

/// A form value, percent-encoded.
fn enc(s: &str) -> String {
    s.bytes().map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}

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

/// The element with this id, up to its end tag's first occurrence.
fn section_by_id<'a>(page: &'a str, id: &str) -> &'a str {
    let start = page.find(&format!("id=\"{id}\"")).unwrap_or_else(|| panic!("no {id} in {page}"));
    let rest = &page[start..];
    &rest[..rest.find("</ul>").unwrap_or(rest.len())]
}

/// Item 16 of issue 11: a published problem has a public page — what it was (contacts masked), the
/// measures, the reply, the dates — and an unpublished one is not found there.
async fn a_published_problem_has_a_public_page(kind: Kind) {
    let Some(t) = TestApp::new(kind).await else { return };
    let id = t.problem_about("幸福路井盖缺失", "幸福路井盖丢了，联系人电话13800001111。").await;
    t.assign(id, t.world.dept_a.id.get()).await;
    let r = t
        .call(
            "POST",
            &format!("/api/v1/problems/{id}/measures"),
            Some("liaison_a"),
            Some(serde_json::json!({"description": "补装井盖并设置警示标志"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    let hidden = t.call("GET", &format!("/api/v1/problems/{id}"), Some("admin"), None).await.json["number"]
        .as_str()
        .unwrap()
        .to_string();
    let unpublished =
        t.send(Request::builder().uri(format!("/portal/published/{hidden}")).body(Body::empty()).unwrap()).await;
    assert_eq!(unpublished.status, StatusCode::NOT_FOUND, "nothing said of an unpublished problem");
    let r = t.act(id, "office", serde_json::json!({"action": "publish"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    let list = t.send(Request::builder().uri("/portal/published").body(Body::empty()).unwrap()).await;
    assert!(list.text.contains(&format!("href=\"/portal/published/{hidden}\"")), "{}", list.text);
    let page = t
        .send(
            Request::builder().uri(format!("/portal/published/{}", hidden.to_lowercase())).body(Body::empty()).unwrap(),
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert!(page.text.contains("补装井盖并设置警示标志") && page.text.contains("幸福路井盖丢了"), "{}", page.text);
    assert!(!page.text.contains("13800001111"), "contacts masked on the public page");
    // A photo of the rectification shows there once the office chooses it, and nothing else.
    let (liaison, liaison_token) = sign_in(&t, "liaison_a").await;
    let png = std::fs::read(crate::browser::png_file(t.db.dir.path())).unwrap();
    let up = t.send(multipart(&format!("/problems/{id}/evidence"), &liaison, &liaison_token, "现场.png", &png)).await;
    assert_eq!(up.status, StatusCode::SEE_OTHER, "{}", up.text);
    let evidence =
        t.call("GET", &format!("/api/v1/problems/{id}"), Some("admin"), None).await.json["evidence"][0]["id"]
            .as_i64()
            .unwrap();
    assert_eq!(
        t.send(Request::builder().uri(format!("/portal/evidence/{evidence}")).body(Body::empty()).unwrap())
            .await
            .status,
        StatusCode::NOT_FOUND,
        "not chosen yet"
    );
    let not_office = t
        .send(post_form(
            &format!("/evidence/{evidence}/public"),
            &liaison,
            format!("csrf={liaison_token}&problem_id={id}&public=yes"),
        ))
        .await;
    assert_eq!(not_office.status, StatusCode::FORBIDDEN, "the unit does not choose what the public sees");
    let (office, office_token) = sign_in(&t, "office").await;
    let chosen = t
        .send(post_form(
            &format!("/evidence/{evidence}/public"),
            &office,
            format!("csrf={office_token}&problem_id={id}&public=yes"),
        ))
        .await;
    assert_eq!(chosen.status, StatusCode::SEE_OTHER, "{}", chosen.text);
    let page = t.send(Request::builder().uri(format!("/portal/published/{hidden}")).body(Body::empty()).unwrap()).await;
    assert!(page.text.contains(&format!("src=\"/portal/evidence/{evidence}\"")), "{}", page.text);
    let staff = t.send(get_with(&format!("/problems/{id}"), &office)).await;
    assert!(
        staff.text.contains("选择整改公示照片") && staff.text.contains("已用于整改公示"),
        "said in the timeline and on the file"
    );
    let photo =
        t.send(Request::builder().uri(format!("/portal/evidence/{evidence}")).body(Body::empty()).unwrap()).await;
    assert_eq!(photo.status, StatusCode::OK);
    assert!(photo.headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap().contains("sandbox"));
    let api = t.call("GET", &format!("/api/v1/public/problems/{hidden}"), None, None).await;
    assert_eq!(api.status, StatusCode::OK, "{}", api.json);
    assert_eq!(api.json["measures"][0]["description"], "补装井盖并设置警示标志");
    t.db.cleanup().await;
}

/// Item 3 of issue 11: the photo a citizen sends shows to staff who may see the report — a
/// thumbnail on the intake card and on the problem made from it, a preview in place under the
/// sandbox — and is 404 to anyone else.
async fn a_citizens_photo_reaches_the_staff_who_may_see_the_report(kind: Kind) {
    let Some(t) = TestApp::new(kind).await else { return };
    let app = &t.db.app;
    let png = std::fs::read(crate::browser::png_file(t.db.dir.path())).unwrap();
    let submission = crate::submission("幸福路的井盖丢了，晚上有人踩空，照片在此。", Some("13800000000"));
    app.public_submit(&submission, Some(("井盖.png", &png))).await.unwrap();
    let (office, _) = sign_in(&t, "office").await;
    let inbox = t.send(get_with("/intake", &office)).await;
    let at = inbox.text.find("src=\"/files/feedback/").expect("a thumbnail on the intake card") + 5;
    let url = inbox.text[at..].split('"').next().unwrap().to_string();
    assert!(url.ends_with("?preview=1") && inbox.text.contains("alt=\"井盖.png\""), "{url}");
    let shown = t.send(get_with(&url, &office)).await;
    assert_eq!(shown.status, StatusCode::OK);
    let header = |name: header::HeaderName| {
        shown.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string()
    };
    assert_eq!(header(header::CONTENT_TYPE), "image/png");
    assert!(header(header::CONTENT_DISPOSITION).starts_with("inline"), "a preview in place");
    assert!(header(header::CONTENT_SECURITY_POLICY).contains("sandbox"), "under the same sandbox as evidence");
    let download = t.send(get_with(url.trim_end_matches("?preview=1"), &office)).await;
    assert!(download.headers[header::CONTENT_DISPOSITION].to_str().unwrap().starts_with("attachment"));
    // Units that may not see the report get 404; the public is sent to sign in.
    let (liaison_b, _) = sign_in(&t, "liaison_b").await;
    assert_eq!(t.send(get_with(&url, &liaison_b)).await.status, StatusCode::NOT_FOUND);
    let anonymous = t.send(Request::builder().uri(&url).body(Body::empty()).unwrap()).await;
    assert!(anonymous.status.is_redirection(), "{}", anonymous.status);
    // The problem made from it shows the photo on its page, to the unit it goes to as well.
    let fid = app.list_feedback(&t.world.office, &Default::default()).await.unwrap().items[0].id;
    let input = app::problems::NewProblemInput {
        feedback_ids: vec![fid],
        ..app::problems::NewProblemInput::new(
            t.world.campaign.id,
            "幸福路井盖缺失",
            "井盖丢失。",
            domain::feedback::Channel::Portal,
        )
    };
    let id = app.create_problem(&t.world.office, &input).await.unwrap().summary.id;
    t.assign(id.get(), t.world.dept_a.id.get()).await;
    let (liaison_a, _) = sign_in(&t, "liaison_a").await;
    let page = t.send(get_with(&format!("/problems/{id}"), &liaison_a)).await;
    assert!(page.text.contains(&format!("src=\"{url}\"")), "{}", page.text);
    assert_eq!(t.send(get_with(&url, &liaison_a)).await.status, StatusCode::OK, "the unit handling it sees it");
    assert_eq!(t.send(get_with(&url, &liaison_b)).await.status, StatusCode::NOT_FOUND);
    t.db.cleanup().await;
}

async fn an_upload_that_lies_or_is_too_large_is_refused_with_a_message_and_not_stored(kind: Kind) {
    let Some(t) = TestApp::new(kind).await else { return };
    let id = t.problem().await;
    t.assign(id, t.world.dept_a.id.get()).await;
    let (cookies, token) = sign_in(&t, "liaison_a").await;
    let path = format!("/problems/{id}/evidence");
    let png = b"\x89PNG\r\n\x1a\n0000".to_vec();
    let res = t.send(multipart(&path, &cookies, &token, "报告.pdf", &png)).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let res = t.send(multipart(&path, &cookies, &token, "照片.png", b"MZ not an image")).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let mut huge = png.clone();
    huge.resize(21 * 1024 * 1024, 0);
    let res = t.send(multipart(&path, &cookies, &token, "大.png", &huge)).await;
    assert_eq!(res.status, StatusCode::PAYLOAD_TOO_LARGE, "the same status as the API gives");
    let res = t.send(multipart(&path, &cookies, "forged", "照片.png", &png)).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "the CSRF field of a multipart form is checked too");
    let stored = std::fs::read_dir(t.db.dir.path().join("files")).map(|d| d.count()).unwrap_or(0);
    assert_eq!(stored, 0, "nothing refused was stored");
    let detail = t.call("GET", &format!("/api/v1/problems/{id}"), Some("office"), None).await;
    assert!(detail.json["evidence"].as_array().unwrap().is_empty());
    let res = t.send(multipart(&path, &cookies, &token, "照片.png", &png)).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    t.db.cleanup().await;
}

async fn pages_need_a_sign_in_and_the_portal_does_not(kind: Kind) {
    let Some(t) = TestApp::new(kind).await else { return };
    let root = t.send(Request::builder().uri("/").body(Body::empty()).unwrap()).await;
    assert_eq!(root.status, StatusCode::SEE_OTHER);
    assert_eq!(root.headers.get(header::LOCATION).unwrap(), "/portal", "a visitor at the root goes to the portal");
    for path in ["/problems", "/dashboard", "/intake", "/problems/1"] {
        let res = t.send(Request::builder().uri(path).body(Body::empty()).unwrap()).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{path}");
        assert!(res.headers.get(header::LOCATION).unwrap().to_str().unwrap().starts_with("/login?next="));
    }
    for path in ["/portal", "/portal/track", "/portal/published", "/portal/rate", "/login"] {
        let res = t.send(Request::builder().uri(path).body(Body::empty()).unwrap()).await;
        assert_eq!(res.status, StatusCode::OK, "{path}");
        let csp = res.headers.get(header::CONTENT_SECURITY_POLICY).unwrap().to_str().unwrap();
        assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"));
    }
    t.db.cleanup().await;
}

async fn the_portal_limits_how_often_one_client_may_submit(kind: Kind) {
    let Some(t) = TestApp::new(kind).await else { return };
    let (cookie, token) = new_browser(&t, "/portal").await;
    let submit = |ip: &str| {
        let boundary = "b0undary";
        let body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{token}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"body\"\r\n\r\n路灯坏了\r\n--{boundary}--\r\n"
        );
        let mut req = Request::builder()
            .method("POST")
            .uri("/portal")
            .header(header::COOKIE, &cookie)
            .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
            .body(Body::from(body))
            .unwrap();
        let addr: std::net::SocketAddr = format!("{ip}:40000").parse().unwrap();
        req.extensions_mut().insert(axum::extract::ConnectInfo(addr));
        req
    };
    for _ in 0..5 {
        assert_eq!(t.send(submit("10.1.1.1")).await.status, StatusCode::SEE_OTHER);
    }
    assert_eq!(t.send(submit("10.1.1.1")).await.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(t.send(submit("10.1.1.2")).await.status, StatusCode::SEE_OTHER, "another client is not held back");
    let inbox = t.call("GET", "/api/v1/feedback?limit=200", Some("office"), None).await;
    assert_eq!(inbox.json["items"].as_array().unwrap().len(), 6, "the refused one was not stored");
    t.db.cleanup().await;
}

async fn search_over_the_api_and_the_page_finds_marks_and_hides_by_unit(kind: Kind) {
    let Some(t) = TestApp::new(kind).await else { return };
    let id = t.problem().await; // 小区噪音扰民, office's own unit
    let r = t.call("GET", "/api/v1/search?q=%E5%99%AA%E9%9F%B3", Some("office"), None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    assert_eq!(r.json["problems"][0]["id"].as_i64(), Some(id), "{}", r.json);
    assert_eq!(r.json["problems"][0]["snippet"][1], serde_json::json!({"text": "噪音", "hit": true}), "{}", r.json);
    let r = t.call("GET", "/api/v1/problems?q=%E5%99%AA%E9%9F%B3&sort=relevance", Some("office"), None).await;
    assert_eq!(r.json["items"][0]["id"].as_i64(), Some(id), "{}", r.json);
    let r = t.call("GET", "/api/v1/search?q=%E5%99%AA%E9%9F%B3", Some("liaison_b"), None).await;
    assert!(r.json["problems"].as_array().unwrap().is_empty(), "{}", r.json);
    // Punctuation alone is a search that finds nothing, not an error (issue 11).
    let r = t.call("GET", "/api/v1/search?q=%EF%BC%81%EF%BC%81", Some("office"), None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    assert!(r.json["problems"].as_array().unwrap().is_empty(), "{}", r.json);
    let r = t.call("GET", "/api/v1/feedback?sort=relevance", Some("office"), None).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.json);
    // The page marks the words; a payload in the query is shown as text.
    let (cookies, _) = sign_in(&t, "office").await;
    let get = |uri: &str| Request::builder().uri(uri).header(header::COOKIE, &cookies).body(Body::empty()).unwrap();
    let page = t.send(get("/search?q=%E5%99%AA%E9%9F%B3")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("<mark>噪音</mark>"), "{}", page.text);
    assert!(page.text.contains(&format!("/problems/{id}")));
    for q in ["-", "%25", "%22"] {
        let page = t.send(get(&format!("/search?q={q}"))).await;
        assert_eq!(page.status, StatusCode::OK, "{q}: {}", page.text);
        assert!(!page.text.contains("class=\"error\""), "{q}: {}", page.text);
    }
    let page = t.send(get("/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E")).await;
    assert!(!page.text.contains("<script>alert(1)"), "{}", page.text);
    let inbox = t.send(get("/intake?q=%E5%99%AA%E9%9F%B3")).await;
    assert_eq!(inbox.status, StatusCode::OK);
    let hot = t.send(get("/hot?days=30")).await;
    assert_eq!(hot.status, StatusCode::OK);
    assert!(hot.text.contains("<h1>热点问题排行</h1>"), "{}", hot.text);
    let r = t.call("GET", "/api/v1/hot?days=30", Some("office"), None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    let r = t.call("GET", "/api/v1/hot?days=0", Some("office"), None).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.json);
    t.db.cleanup().await;
}

async fn a_cookie_authenticated_write_from_another_site_is_refused(kind: Kind) {
    let Some(t) = TestApp::new(kind).await else { return };
    let id = t.problem().await;
    t.assign(id, t.world.dept_a.id.get()).await;
    let (cookies, _) = sign_in(&t, "liaison_a").await;
    let png = b"\x89PNG\r\n\x1a\n0000";
    let upload = |from: Option<(&str, &str)>, bearer: bool| {
        let mut req = Request::builder()
            .method("POST")
            .uri(format!("/api/v1/problems/{id}/evidence?file_name=a.png"))
            .header(header::HOST, "zg.example.cn")
            .header(header::CONTENT_TYPE, "application/octet-stream");
        req = if bearer {
            req.header(header::AUTHORIZATION, format!("Bearer {}", t.tokens["liaison_a"]))
        } else {
            req.header(header::COOKIE, &cookies)
        };
        if let Some((name, value)) = from {
            req = req.header(name, value);
        }
        req.body(Body::from(png.to_vec())).unwrap()
    };
    let evidence = async || {
        t.call("GET", &format!("/api/v1/problems/{id}"), Some("admin"), None).await.json["evidence"]
            .as_array()
            .unwrap()
            .len()
    };
    for foreign in
        [("origin", "https://evil.example.cn"), ("origin", "null"), ("referer", "https://evil.example.cn/page")]
    {
        let res = t.send(upload(Some(foreign), false)).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{foreign:?}");
        assert_eq!(res.code(), "forbidden");
    }
    assert_eq!(evidence().await, 0, "nothing was stored");
    // The same site, a client that names no origin, and a bearer token from anywhere pass.
    assert_eq!(t.send(upload(Some(("origin", "https://zg.example.cn")), false)).await.status, StatusCode::CREATED);
    assert_eq!(
        t.send(upload(Some(("referer", "https://zg.example.cn/problems/1")), false)).await.status,
        StatusCode::CREATED
    );
    assert_eq!(t.send(upload(None, false)).await.status, StatusCode::CREATED);
    assert_eq!(t.send(upload(Some(("origin", "https://evil.example.cn")), true)).await.status, StatusCode::CREATED);
    assert_eq!(evidence().await, 4);
    // A page's form posted from another site is refused the same way, before its CSRF check.
    let (cookies, token) = sign_in(&t, "office").await;
    let mut req = post_form(&format!("/problems/{id}/notes"), &cookies, format!("csrf={token}&body=x"));
    req.headers_mut().insert(header::ORIGIN, "https://evil.example.cn".parse().unwrap());
    assert_eq!(t.send(req).await.status, StatusCode::FORBIDDEN);
    t.db.cleanup().await;
}

/// An address that leads nowhere, or to what the reader may not see, is a page of the site: HTML
/// for a browser, with a signed-in reader's own menu kept; JSON only under `/api/`.
async fn errors_are_pages_of_the_site_with_the_readers_menu(kind: Kind) {
    let Some(t) = TestApp::new(kind).await else { return };
    let get = |path: &str, cookies: Option<&str>| {
        let mut b = Request::builder().uri(path);
        if let Some(c) = cookies {
            b = b.header(header::COOKIE, c);
        }
        t.send(b.body(Body::empty()).unwrap())
    };
    let (office, _) = sign_in(&t, "office").await;
    for path in ["/no/such/page", "/problems/999999"] {
        let res = get(path, Some(&office)).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "{path}");
        let kind = res.headers.get(header::CONTENT_TYPE).unwrap().to_str().unwrap();
        assert!(kind.starts_with("text/html"), "{path}: {kind}");
        assert!(res.text.contains("未找到") && res.text.contains("或您无权查看"), "{path}: {}", res.text);
        for menu in ["我的待办", "退出登录", "/lang?to=en"] {
            assert!(res.text.contains(menu), "{path} as office keeps {menu}");
        }
    }
    let public = get("/no/such/page", None).await;
    assert_eq!(public.status, StatusCode::NOT_FOUND);
    assert!(public.text.contains("未找到该页面或记录") && !public.text.contains("退出登录"));
    let api = get("/api/v1/no/such/path", Some(&office)).await;
    assert_eq!(api.status, StatusCode::NOT_FOUND);
    assert!(api.text.starts_with("{\"error\""), "{}", api.text);
    t.db.cleanup().await;
}

/// After an action the page says what was done, from the problem as it now is.
async fn an_action_is_confirmed_on_the_page_it_leads_back_to(kind: Kind) {
    let Some(t) = TestApp::new(kind).await else { return };
    let id = t.problem().await;
    let (cookies, token) = sign_in(&t, "office").await;
    let version = t.version(id).await;
    let form = format!("csrf={token}&version={version}&action=assign&lead_unit_id={}", t.world.dept_a.id.get());
    let res = t.send(post_form(&format!("/problems/{id}/act"), &cookies, form)).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let to = res.headers.get(header::LOCATION).unwrap().to_str().unwrap().to_string();
    assert_eq!(to, format!("/problems/{id}?done=assign"));
    let page = t.send(Request::builder().uri(&to).header(header::COOKIE, &cookies).body(Body::empty()).unwrap()).await;
    let said = format!("<p class=\"notice\" role=\"status\">操作成功：已分办至 {}</p>", t.world.dept_a.name);
    assert!(page.text.contains(&said), "{}", page.text);
    // The timeline reads as a sentence with the actor's unit and name, never a login or a code.
    let sentence = format!("{} office 用户 分办至 {}</li>", t.world.city.name, t.world.dept_a.name);
    assert!(page.text.contains(&sentence), "{}", page.text);
    assert!(!page.text.contains("problem.") && page.text.contains("立为问题</li>"), "{}", page.text);
    // Read again later, the page does not repeat it.
    let again = t
        .send(
            Request::builder()
                .uri(format!("/problems/{id}"))
                .header(header::COOKIE, &cookies)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert!(!again.text.contains("操作成功"));
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

fn get_with(path: &str, cookies: &str) -> Request<Body> {
    Request::builder().uri(path).header(header::COOKIE, cookies).body(Body::empty()).unwrap()
}

/// The text of the 待办 section with this anchor, up to the next section.
fn section<'a>(page: &'a str, id: &str) -> &'a str {
    let start =
        page.find(&format!("<section class=\"card\" id=\"{id}\">")).unwrap_or_else(|| panic!("no {id} in {page}"));
    let rest = &page[start..];
    &rest[..rest.find("</section>").unwrap()]
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

/// The portal's form posts, redirects and gets: the receipt is a page of its own that a refresh
/// shows again, and the same form sent twice (a double tap, a resend) files one report.
async fn the_portal_files_a_report_once_however_often_its_form_is_sent(kind: Kind) {
    let Some(t) = TestApp::new(kind).await else { return };
    let form = t.send(Request::builder().uri("/portal").body(Body::empty()).unwrap()).await;
    let cookie = set_cookie(&form, "zg_csrf").unwrap();
    let token = form_token(&form);
    let at = form.text.find("name=\"submit_key\" value=\"").expect("the form has a submit key") + 26;
    let key = form.text[at..].split('"').next().unwrap().to_string();
    let submit = || {
        let boundary = "b0undary";
        let part = |name: &str, value: &str| {
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
        };
        let body = format!(
            "{}{}{}--{boundary}--\r\n",
            part("csrf", &token),
            part("submit_key", &key),
            part("body", "路灯坏了")
        );
        Request::builder()
            .method("POST")
            .uri("/portal")
            .header(header::COOKIE, &cookie)
            .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
            .body(Body::from(body))
            .unwrap()
    };
    // A report of blank text is refused on the form itself, with everything typed kept.
    let boundary = "b0undary";
    let part = |name: &str, value: &str| {
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
    };
    let blank = format!(
        "{}{}{}{}{}--{boundary}--\r\n",
        part("csrf", &token),
        part("submit_key", &key),
        part("body", "   "),
        part("address", "和平路12号"),
        part("reporter_contact", "13800000000")
    );
    let refused = t
        .send(
            Request::builder()
                .method("POST")
                .uri("/portal")
                .header(header::COOKIE, &cookie)
                .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
                .body(Body::from(blank))
                .unwrap(),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.text);
    assert!(refused.text.contains("id=\"submit-error\">反映内容："), "the field named: {}", refused.text);
    assert!(refused.text.contains("value=\"和平路12号\"") && refused.text.contains("value=\"13800000000\""), "kept");
    assert!(refused.text.contains(&format!("value=\"{key}\"")), "the same report when sent again");
    let first = t.send(submit()).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.text);
    assert_eq!(first.headers.get(header::LOCATION).unwrap(), "/portal/receipt");
    let receipt = set_cookie(&first, "zg_receipt").expect("the receipt travels in a cookie");
    let again = t.send(submit()).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    assert_eq!(set_cookie(&again, "zg_receipt").as_deref(), Some(receipt.as_str()), "the same receipt");
    let inbox = t.call("GET", "/api/v1/feedback?limit=200", Some("office"), None).await;
    assert_eq!(inbox.json["items"].as_array().unwrap().len(), 1, "filed once");
    let code = receipt.trim_start_matches("zg_receipt=").split('~').next().unwrap().to_string();
    for _ in 0..2 {
        let page = t
            .send(
                Request::builder().uri("/portal/receipt").header(header::COOKIE, &receipt).body(Body::empty()).unwrap(),
            )
            .await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.text.contains(&code) && page.text.contains("id=\"rating-key\""), "{}", page.text);
    }
    let none = t.send(Request::builder().uri("/portal/receipt").body(Body::empty()).unwrap()).await;
    assert_eq!(none.status, StatusCode::SEE_OTHER, "no receipt to show: to the tracking page");
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

both!(
    unit_pickers_draw_the_unit_tree,
    the_portal_files_a_report_once_however_often_its_form_is_sent,
    a_unit_sees_what_is_new_for_it_and_signs_for_it,
    a_refused_action_is_explained_without_codes,
    the_calendar_page_speaks_chinese_and_reads_back_its_own_lines,
    an_action_is_confirmed_on_the_page_it_leads_back_to,
    errors_are_pages_of_the_site_with_the_readers_menu,
    a_cookie_authenticated_write_from_another_site_is_refused,
    search_over_the_api_and_the_page_finds_marks_and_hides_by_unit,
    the_portal_limits_how_often_one_client_may_submit,
    a_form_without_its_csrf_token_gets_403_and_changes_nothing,
    an_upload_that_lies_or_is_too_large_is_refused_with_a_message_and_not_stored,
    a_citizens_photo_reaches_the_staff_who_may_see_the_report,
    the_intake_card_does_it_in_one_place,
    a_bulk_action_reports_each_row,
    a_published_problem_has_a_public_page,
    the_dashboard_says_how_its_rates_are_counted,
    the_admin_page_is_in_sections_with_a_user_search_and_a_password_reset,
    pages_need_a_sign_in_and_the_portal_does_not,
);
