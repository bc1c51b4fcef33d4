//! 热点问题 over the wire: reports of one estate and one matter in other words are one hot issue,
//! named by its place and matter on the API and the page; its page lists every message; the
//! office puts the messages not yet on the list on it as one problem that all of them join, and
//! the issue then names that problem. A unit that sees none of it finds nothing.

use crate::pages::{enc, post_form, sign_in};
use crate::{TestApp, both};
use app::testkit::Kind;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::json;

/// One estate, one matter, four wordings; the same matter at another estate twice.
const REPORTS: [(&str, &str, &str); 6] = [
    (
        "伊景园滨河苑捆绑销售车位",
        "伊景园滨河苑开发商捆绑销售车位，不买车位就不给交房，严重侵害业主权益。",
        "13900000001",
    ),
    (
        "投诉伊景园滨河苑强制业主购买车位",
        "伊景园滨河苑项目要求购房者必须同时购买车位，车位价格高达十几万，请有关部门查处。",
        "13900000002",
    ),
    (
        "关于伊景园滨河苑车位捆绑销售的问题",
        "伊景园滨河苑交房时开发商强行搭售车位，业主不同意就不能办理收房手续。",
        "13900000003",
    ),
    (
        "伊景园滨河苑车位问题",
        "我们是伊景园滨河苑业主，开发商把车位和房子捆绑在一起卖，违反商品房销售规定。",
        "13900000004",
    ),
    ("金桂苑捆绑销售车位", "金桂苑小区开发商捆绑销售车位，不买车位就不给交房。", "13900000005"),
    ("金桂苑强制购买车位", "金桂苑小区交房要求必须购买车位，业主很无奈。", "13900000006"),
];

async fn a_hot_issue_is_named_opened_and_put_on_the_list_as_one_problem(kind: Kind) {
    let Some(t) = TestApp::new(kind).await else { return };
    let unit = t.world.dept_a.id;
    for (title, body, phone) in REPORTS {
        let input =
            json!({"channel": "portal", "title": title, "body": body, "reporter_contact": phone, "unit_id": unit});
        let r = t.call("POST", "/api/v1/feedback", Some("office"), Some(input)).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    }
    let listed = t.call("GET", "/api/v1/hot?days=30", Some("office"), None).await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.json);
    let issues = listed.json.as_array().unwrap();
    let estate =
        issues.iter().find(|h| h["place"].as_str().unwrap().contains("伊景园滨河苑")).expect("named by its estate");
    assert_eq!(estate["reports"], 4, "four wordings, one issue: {}", listed.json);
    assert_eq!(estate["unlinked"], 4);
    assert!(estate["problem"].is_null());
    assert!(estate["matter"].as_str().unwrap().contains("车位"), "{estate}");
    assert!(
        !estate["matter"].as_str().unwrap().contains("伊景园"),
        "the place is not repeated in the matter: {estate}"
    );
    let other = issues.iter().find(|h| h["place"].as_str().unwrap().contains("金桂苑")).expect("the other estate");
    assert_eq!(other["reports"], 2, "the same matter at another estate is another issue: {}", listed.json);
    let key = estate["key"].as_i64().unwrap();

    // The issue opened: every message, and the office may make it a problem.
    let opened = t.call("GET", &format!("/api/v1/hot/{key}?days=30"), Some("office"), None).await;
    assert_eq!(opened.status, StatusCode::OK, "{}", opened.json);
    let messages = opened.json["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 4);
    assert_eq!(opened.json["may_make_problem"], true);
    assert_eq!(opened.json["channel"], "portal");
    assert!(!opened.text.contains("13900000001"), "no phone in a hot issue: {}", opened.text);
    // Department B sees none of it; an unknown key and a bad window are refused.
    let r = t.call("GET", &format!("/api/v1/hot/{key}?days=30"), Some("liaison_b"), None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.json);
    assert!(!r.text.contains("伊景园"), "{}", r.text);
    let r = t.call("GET", "/api/v1/hot/999999?days=30", Some("office"), None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.json);
    let r = t.call("GET", &format!("/api/v1/hot/{key}?days=0"), Some("office"), None).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.json);

    // The ranking page names it and links to its page; the page lists the messages and the form.
    let (cookies, _) = sign_in(&t, "office").await;
    let get = |uri: String| Request::builder().uri(uri).header(header::COOKIE, &cookies).body(Body::empty()).unwrap();
    let ranking = t.send(get("/hot?days=30".into())).await;
    assert_eq!(ranking.status, StatusCode::OK);
    assert!(ranking.text.contains("伊景园滨河苑"), "{}", ranking.text);
    assert!(ranking.text.contains(&format!("href=\"/hot/{key}?days=30\"")), "{}", ranking.text);
    assert!(ranking.text.contains("4条待立项"), "{}", ranking.text);
    let page = t.send(get(format!("/hot/{key}?days=30"))).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    for (title, _, _) in &REPORTS[..4] {
        assert!(page.text.contains(title), "{title} listed: {}", page.text);
    }
    assert!(!page.text.contains("金桂苑强制购买车位"), "not the other estate's messages");
    assert!(page.text.contains("立为一个问题（并入4条留言）"), "{}", page.text);
    let token = crate::pages::form_token(&page);

    // A form missing its campaign changes nothing; the whole form makes one problem of all four.
    let ids: Vec<i64> = messages.iter().map(|m| m["id"].as_i64().unwrap()).collect();
    let id_fields: String = ids.iter().map(|id| format!("&feedback_ids={id}")).collect();
    let bad = format!("csrf={token}&title={}&description=x&channel=portal&kind=complaint{id_fields}", enc("车位"));
    let res = t.send(post_form(&format!("/hot/{key}/problem"), &cookies, bad)).await;
    assert!(res.status.is_client_error(), "{}", res.status);
    let campaign = t.world.campaign.id;
    let form = format!(
        "csrf={token}&campaign_id={campaign}&title={}&description={}&category_id=&channel=portal&kind=complaint{id_fields}",
        enc("伊景园滨河苑捆绑销售车位"),
        enc("业主反映开发商捆绑销售车位")
    );
    let res = t.send(post_form(&format!("/hot/{key}/problem"), &cookies, form)).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let to = res.headers.get(header::LOCATION).unwrap().to_str().unwrap().to_string();
    let problem: i64 = to.trim_start_matches("/problems/").split('?').next().unwrap().parse().unwrap();
    for id in &ids {
        let f = t.call("GET", &format!("/api/v1/feedback/{id}"), Some("office"), None).await;
        assert_eq!(f.json["problem_id"], problem, "every message joined the problem: {}", f.json);
    }
    let again = t.call("GET", &format!("/api/v1/hot/{key}?days=30"), Some("office"), None).await;
    assert_eq!(again.json["problem"]["id"], problem, "{}", again.json);
    assert_eq!(again.json["unlinked"], 0);
    let page = t.send(get(format!("/hot/{key}?days=30"))).await;
    assert!(page.text.contains("本热点问题的留言均已在问题清单上"), "{}", page.text);
    // One more message of the issue, not on the list: the page offers to join the problem.
    let late = json!({"channel": "portal", "title": "伊景园滨河苑车位必须和房子一起买吗", "unit_id": unit,
        "body": "请问伊景园滨河苑的车位是否必须和住房一起购买？开发商说不买车位就不能收房，这合法吗？", "reporter_contact": "13900000009"});
    let late = t.call("POST", "/api/v1/feedback", Some("office"), Some(late)).await;
    assert_eq!(late.status, StatusCode::CREATED, "{}", late.json);
    let late = late.json["id"].as_i64().unwrap();
    // Intake may have joined it already (it is that close): the office takes it off again.
    let off = t
        .call("PUT", &format!("/api/v1/feedback/{late}/problem"), Some("office"), Some(json!({"problem_id": null})))
        .await;
    assert_eq!(off.status, StatusCode::OK, "{}", off.json);
    let again = t.call("GET", &format!("/api/v1/hot/{key}?days=30"), Some("office"), None).await;
    assert_eq!(
        (again.json["unlinked"].as_i64(), again.json["problem"]["id"].as_i64()),
        (Some(1), Some(problem)),
        "{}",
        again.json
    );
    let page = t.send(get(format!("/hot/{key}?days=30"))).await;
    assert!(page.text.contains(&format!("action=\"/hot/{key}/join\"")), "{}", page.text);
    let join = format!("csrf={token}&problem_id={problem}&feedback_ids={late}");
    let res = t.send(post_form(&format!("/hot/{key}/join"), &cookies, join)).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text.split("<main").nth(1).unwrap_or_default());
    let f = t.call("GET", &format!("/api/v1/feedback/{late}"), Some("office"), None).await;
    assert_eq!(f.json["problem_id"], problem, "{}", f.json);
    // Made again from a stale page: refused, and nothing moves.
    let form =
        format!("csrf={token}&campaign_id={campaign}&title=x&description=x&channel=portal&kind=complaint{id_fields}");
    let res = t.send(post_form(&format!("/hot/{key}/problem"), &cookies, form)).await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.text);
    t.db.cleanup().await;
}

both!(a_hot_issue_is_named_opened_and_put_on_the_list_as_one_problem);
