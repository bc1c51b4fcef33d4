//! Every view that shows, counts, links to or quotes another record passes the record's own read
//! check: each role against the lists, matches, recurrences, search, goals, research, study, mechanisms,
//! the campaign at a glance and their pages, none naming a record the caller may not see.

use crate::access::CALLERS;
use crate::{TestApp, both};
use app::testkit::Kind;
use serde_json::{Value, json};

/// Markers that name or quote one record: who may not see the record must never meet them.
struct Secret {
    what: &'static str,
    markers: Vec<String>,
    /// Callers (by index in [`CALLERS`]) who may see it.
    seen_by: [bool; 8],
}

/// Reads every view that refers to another record as each caller, and checks that none of them
/// names or quotes a record the caller may not open (and no reporter's phone reaches a reader who
/// may not see the reporter).
async fn every_view_that_names_or_quotes_a_record_passes_the_read_check(kind: Kind) {
    let Some(t) = TestApp::new(kind).await else {
        return;
    };
    let w = &t.world;
    // A: department A's problem. B: department B's, on a matter that department A's public also
    // reports. R: department B's, signed off, and reported again from department A (a recurrence).
    let a = t.problem_about("小区噪音扰民（甲局专办）", "夜间施工噪音很大").await;
    t.assign(a, w.dept_a.id.get()).await;
    let b = t
        .problem_about(
            "滨江化工厂废气直排（环保督察交办）",
            "滨江化工厂每天夜里直排刺鼻废气，附近居民头晕恶心，多次投诉没人管",
        )
        .await;
    t.assign(b, w.dept_b.id.get()).await;
    let r = t.problem_about("金桂苑垃圾站恶臭（巡察反馈）", "金桂苑小区垃圾站长期不清运，夏天恶臭难闻，蚊蝇成群").await;
    t.assign(r, w.dept_b.id.get()).await;
    let submit = json!({"action": "submit", "report": "已清运", "no_evidence_reason": "现场整改"});
    assert_eq!(t.act(r, "liaison_b", submit).await.status, 200);
    assert_eq!(t.act(r, "admin", json!({"action": "approve"})).await.status, 200);
    assert_eq!(t.act(r, "supervisor", json!({"action": "accept", "note": "已整改"})).await.status, 200);
    let report = |unit: i64, title: &str, body: &str, phone: &str| json!({"channel": "hotline", "unit_id": unit, "title": title, "body": body, "reporter_name": "匿名", "reporter_contact": phone});
    let take_in = async |body: Value| {
        let r = t.call("POST", "/api/v1/feedback", Some("office"), Some(body)).await;
        assert_eq!(r.status, 201, "{}", r.json);
        r.json["id"].as_i64().unwrap()
    };
    let fb = take_in(report(
        w.dept_b.id.get(),
        "化工厂夜里排废气",
        "滨江化工厂每天夜里直排刺鼻废气，附近居民头晕恶心，多次投诉没人管，联系电话13800000002",
        "13800000002",
    ))
    .await;
    let fa = take_in(report(
        w.dept_a.id.get(),
        "化工厂夜里排废气",
        "滨江化工厂每天夜里直排刺鼻废气，附近居民头晕恶心，多次投诉没人管（住建局转来），电话13800000001",
        "13800000001",
    ))
    .await;
    let fr = take_in(report(
        w.dept_a.id.get(),
        "金桂苑垃圾站又臭了",
        "金桂苑小区垃圾站长期不清运，夏天恶臭难闻，蚊蝇成群（住户来信），电话13800000003",
        "13800000003",
    ))
    .await;
    // A mechanism of department A that the office linked to A and to B.
    let m = json!({"unit_id": w.dept_a.id, "title": "夜间作业审批制度", "problem_ids": [a, b], "status": "issued"});
    let made = t.call("POST", "/api/v1/mechanisms", Some("office"), Some(m)).await;
    assert_eq!(made.status, 201, "{}", made.json);
    let m = made.json["id"].as_i64().unwrap();
    // What grouping found, as the admin sees it: the leaks this test guards against exist to leak.
    let admin_matches = t.call("GET", &format!("/api/v1/feedback/{fa}/matches"), Some("admin"), None).await;
    assert!(admin_matches.json.as_array().unwrap().iter().any(|m| m["problem"]["id"] == b), "{}", admin_matches.json);
    let admin_recurrences = t.call("GET", "/api/v1/recurrences", Some("admin"), None).await;
    assert!(
        admin_recurrences.json.as_array().unwrap().iter().any(|m| m["problem"]["id"] == r && m["feedback_id"] == fr)
    );

    // A goal of department A that the office linked to A, B and R.
    let goal = json!({"campaign_id": w.campaign.id, "owner_unit_id": w.dept_a.id, "title": "小区环境改善", "problem_ids": [a, b, r]});
    let made = t.call("POST", "/api/v1/goals", Some("office"), Some(goal)).await;
    assert_eq!(made.status, 201, "{}", made.json);
    let g = made.json["id"].as_i64().unwrap();
    // A study session of department A in which the office found A, B and R.
    let session = json!({"campaign_id": w.campaign.id, "unit_id": w.dept_a.id, "held_on": "2026-01-05", "format_id": 1,
        "topic": "专题学习", "present": 20, "problem_ids": [a, b, r]});
    let made = t.call("POST", "/api/v1/study/sessions", Some("office"), Some(session)).await;
    assert_eq!(made.status, 201, "{}", made.json);
    let st = made.json["id"].as_i64().unwrap();
    // A research topic of department A whose finding the office turned into a problem.
    let topic = json!({"campaign_id": w.campaign.id, "unit_id": w.dept_a.id, "title": "老旧小区调研"});
    let rt = t.call("POST", "/api/v1/research/topics", Some("office"), Some(topic)).await.json["id"].as_i64().unwrap();
    let visit = json!({"visited_on": "2026-01-05", "place": "金桂苑", "findings": ["楼道照明损坏（调研发现）"]});
    let with = t.call("POST", &format!("/api/v1/research/topics/{rt}/visits"), Some("office"), Some(visit)).await;
    let finding = with.json["visits"][0]["findings"][0]["id"].as_i64().unwrap();
    let convert = format!("/api/v1/research/findings/{finding}/convert");
    let converted = t.call("POST", &convert, Some("office"), Some(json!({"to": "problem"}))).await;
    let f = converted.json["visits"][0]["findings"][0]["problem"]["id"].as_i64().unwrap();
    let mut seen_f = [false; 8];
    for (i, who) in CALLERS.iter().enumerate() {
        seen_f[i] = t.call("GET", &format!("/api/v1/problems/{f}"), *who, None).await.status == 200;
    }
    assert!(!seen_f[6], "department B does not see the office's new problem");
    let number = async |id: i64| {
        t.call("GET", &format!("/api/v1/problems/{id}"), Some("admin"), None).await.json["number"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let (na, nb, nr, nf) = (number(a).await, number(b).await, number(r).await, number(f).await);
    //                          admin  office  superv liai_a lead_a view_a liai_b public
    let unit_a = [true, true, true, true, true, true, false, false];
    let unit_b = [true, true, true, false, false, false, true, false];
    let secrets = [
        Secret { what: "problem A", markers: vec![na.clone(), "甲局专办".into()], seen_by: unit_a },
        Secret { what: "problem B", markers: vec![nb.clone(), "环保督察交办".into()], seen_by: unit_b },
        Secret { what: "problem R", markers: vec![nr.clone(), "巡察反馈".into()], seen_by: unit_b },
        // The finding's own words stay on the topic; its problem's number is for those who see it.
        Secret { what: "problem F", markers: vec![nf.clone()], seen_by: seen_f },
        // Report fr is department A's and linked to nothing.
        Secret { what: "report fr", markers: vec!["住户来信".into()], seen_by: unit_a },
        // Phones: only for those handling the report (the office; and department B, which leads the
        // problem fa and fb are linked to).
        Secret {
            what: "fa's phone",
            markers: vec!["13800000001".into()],
            seen_by: [true, true, false, false, false, false, true, false],
        },
        Secret {
            what: "fb's phone",
            markers: vec!["13800000002".into()],
            seen_by: [true, true, false, false, false, false, true, false],
        },
        Secret {
            what: "fr's phone",
            markers: vec!["13800000003".into()],
            seen_by: [true, true, false, false, false, false, false, false],
        },
    ];
    // Statuses first: each view answers as its record's read check says.
    let rows = [
        ("matches of A's report", format!("/api/v1/feedback/{fa}/matches"), [200, 200, 200, 200, 200, 200, 200, 401]),
        ("matches of B's report", format!("/api/v1/feedback/{fb}/matches"), [200, 200, 200, 404, 404, 404, 200, 401]),
        ("A's report", format!("/api/v1/feedback/{fa}"), [200, 200, 200, 200, 200, 200, 200, 401]),
        ("the recurrence report", format!("/api/v1/feedback/{fr}"), [200, 200, 200, 200, 200, 200, 404, 401]),
        ("hot clusters", "/api/v1/hot".to_string(), [200, 200, 200, 200, 200, 200, 200, 401]),
        ("recurrences", "/api/v1/recurrences".to_string(), [200, 200, 200, 200, 200, 200, 200, 401]),
        ("search", "/api/v1/search?q=%E5%BA%9F%E6%B0%94".to_string(), [200, 200, 200, 200, 200, 200, 200, 401]),
        (
            "search 2",
            "/api/v1/search?q=%E5%9E%83%E5%9C%BE%E7%AB%99".to_string(),
            [200, 200, 200, 200, 200, 200, 200, 401],
        ),
        ("feedback list", "/api/v1/feedback".to_string(), [200, 200, 200, 200, 200, 200, 200, 401]),
        ("mechanisms", "/api/v1/mechanisms".to_string(), [200, 200, 200, 200, 200, 200, 200, 401]),
        ("goals", "/api/v1/goals".to_string(), [200, 200, 200, 200, 200, 200, 200, 401]),
        // A mechanism is seen within its unit's subtree (and by those above it).
        ("the mechanism", format!("/api/v1/mechanisms/{m}"), [200, 200, 200, 200, 200, 200, 404, 401]),
        (
            "blind spots",
            "/api/v1/mechanisms/blind-spots?at_least=1".to_string(),
            [200, 200, 200, 200, 200, 200, 200, 401],
        ),
        ("the goal", format!("/api/v1/goals/{g}"), [200, 200, 200, 200, 200, 200, 200, 401]),
        (
            "the campaign at a glance",
            format!("/api/v1/campaigns/{}/overview", w.campaign.id),
            [200, 200, 200, 200, 200, 200, 200, 401],
        ),
        ("research topics", "/api/v1/research/topics".to_string(), [200, 200, 200, 200, 200, 200, 200, 401]),
        ("study sessions", "/api/v1/study/sessions".to_string(), [200, 200, 200, 200, 200, 200, 200, 401]),
        ("the study session", format!("/api/v1/study/sessions/{st}"), [200, 200, 200, 200, 200, 200, 200, 401]),
        (
            "study counts",
            format!("/api/v1/study/counts?campaign_id={}", w.campaign.id),
            [200, 200, 200, 200, 200, 200, 200, 401],
        ),
        ("problem A", format!("/api/v1/problems/{a}"), [200, 200, 200, 200, 200, 200, 404, 401]),
        ("problem B", format!("/api/v1/problems/{b}"), [200, 200, 200, 404, 404, 404, 200, 401]),
        ("problem R", format!("/api/v1/problems/{r}"), [200, 200, 200, 404, 404, 404, 200, 401]),
        (
            "B's reports by problem",
            format!("/api/v1/feedback?problem_id={b}"),
            [200, 200, 200, 404, 404, 404, 200, 401],
        ),
    ];
    let mut failures = Vec::new();
    let mut check = |who: usize, what: &str, status: u16, expected: u16, body: &str| {
        if status != expected {
            failures.push(format!("{what} as {}: expected {expected}, got {status}", CALLERS[who].unwrap_or("public")));
        }
        for s in secrets.iter().filter(|s| !s.seen_by[who]) {
            for marker in s.markers.iter().filter(|m| body.contains(m.as_str())) {
                failures.push(format!("{what} as {} names {} ({marker})", CALLERS[who].unwrap_or("public"), s.what));
            }
        }
    };
    for (what, path, expect) in &rows {
        for (i, who) in CALLERS.iter().enumerate() {
            let res = t.call("GET", path, *who, None).await;
            check(i, what, res.status.as_u16(), expect[i], &res.text);
        }
    }
    // Every hot issue a caller is shown, opened: its messages and the problems it names pass the
    // same check (and one the caller is not shown is not found).
    for (i, who) in CALLERS.iter().enumerate().filter(|(_, who)| who.is_some()) {
        let listed = t.call("GET", "/api/v1/hot?limit=200", *who, None).await;
        let keys: Vec<i64> = listed.json.as_array().unwrap().iter().map(|h| h["key"].as_i64().unwrap()).collect();
        assert!(!keys.is_empty() || *who == Some("liaison_b"), "{who:?} is shown hot issues: {}", listed.json);
        for key in keys {
            let res = t.call("GET", &format!("/api/v1/hot/{key}"), *who, None).await;
            check(i, "a hot issue", res.status.as_u16(), 200, &res.text);
            let cookies = crate::pages::sign_in(&t, who.unwrap()).await.0;
            let req = axum::http::Request::builder()
                .uri(format!("/hot/{key}"))
                .header(axum::http::header::COOKIE, cookies.as_str());
            let res = t.send(req.body(axum::body::Body::empty()).unwrap()).await;
            check(i, "a hot issue's page", res.status.as_u16(), 200, &res.text);
        }
    }
    let unknown = t.call("GET", "/api/v1/hot/999999", Some("office"), None).await;
    check(1, "an unknown hot issue", unknown.status.as_u16(), 404, &unknown.text);
    // The same views as pages, signed in as each caller (the public is sent to sign in).
    let pages = [
        ("hot page", "/hot".to_string()),
        ("print view", "/problems/print".to_string()),
        // The ledger as the list's export button downloads it: CSV is text, so a leaked record
        // would show in the body; the workbook holds the same rows.
        ("ledger export (CSV)", "/problems/ledger.csv".to_string()),
        ("ledger export (xlsx)", "/problems/ledger.xlsx".to_string()),
        ("search page", "/search?q=%E5%BA%9F%E6%B0%94".to_string()),
        ("problem list", "/problems".to_string()),
        ("goals page", "/goals".to_string()),
        ("campaign page", "/campaign".to_string()),
        ("research page", "/research".to_string()),
        ("mechanisms page", "/mechanisms".to_string()),
        ("mechanism page", format!("/mechanisms/{m}")),
        ("goal page", format!("/goals/{g}")),
        ("goals export", "/goals.xlsx".to_string()),
        ("study page", "/study".to_string()),
        ("study session page", format!("/study/{st}")),
        ("study export", "/study.xlsx".to_string()),
        ("research export", "/research.xlsx".to_string()),
        ("mechanisms export", "/mechanisms.xlsx".to_string()),
        ("research report", format!("/research/{rt}/report")),
        ("research report (docx)", format!("/research/{rt}/report.docx")),
        ("to-do page", "/".to_string()),
        ("problem A page", format!("/problems/{a}")),
        ("problem B page", format!("/problems/{b}")),
        ("problem R page", format!("/problems/{r}")),
    ];
    for (i, who) in CALLERS.iter().enumerate() {
        let cookies = match who {
            Some(u) => Some(crate::pages::sign_in(&t, u).await.0),
            None => None,
        };
        for (what, path) in &pages {
            let mut req = axum::http::Request::builder().uri(path.as_str());
            if let Some(c) = &cookies {
                req = req.header(axum::http::header::COOKIE, c.as_str());
            }
            let res = t.send(req.body(axum::body::Body::empty()).unwrap()).await;
            let problem_page = |unit: [bool; 8]| if unit[i] { 200 } else { 404 };
            let expected = match (*who, *what) {
                (None, _) => 303,
                (_, "problem A page") => problem_page(unit_a),
                (_, "problem B page" | "problem R page") => problem_page(unit_b),
                (Some("liaison_b"), "mechanism page") => 404,
                _ => 200,
            };
            // A workbook is compressed: its cells, read back, are what a leak would show in.
            let body = if path.contains(".xlsx") && res.status.as_u16() == 200 {
                let book = sheets::read(&res.bytes, sheets::Limits::default()).expect("the export is a workbook");
                book.sheets.iter().flat_map(|s| s.rows.iter().flatten()).map(|c| c.text().into_owned()).collect()
            } else {
                res.text.clone()
            };
            if *who == Some("office") && matches!(*what, "research export" | "research report") {
                assert!(body.contains(nf.as_str()), "{what} names what the finding became to the office");
            }
            check(i, what, res.status.as_u16(), expected, &body);
        }
    }
    assert!(failures.is_empty(), "{} leaks or mismatches:\n{}", failures.len(), failures.join("\n"));
    t.db.cleanup().await;
}

both!(every_view_that_names_or_quotes_a_record_passes_the_read_check);
