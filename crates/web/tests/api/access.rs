//! The access matrix: every role against every endpoint, on a problem of its own unit, of another
//! unit, and as the public. Who may not see a record gets 404, not 403.

use crate::{TestApp, both};
use app::testkit::Kind;
use serde_json::{Value, json};

/// Callers, in the order of each row's expected statuses.
pub(crate) const CALLERS: [Option<&str>; 8] = [
    Some("admin"),
    Some("office"),
    Some("supervisor"),
    Some("liaison_a"),
    Some("leader_a"),
    Some("viewer_a"),
    Some("liaison_b"),
    None,
];

pub(crate) struct Row {
    pub(crate) what: &'static str,
    pub(crate) method: &'static str,
    pub(crate) path: String,
    /// `"version": "CURRENT"` is replaced by the record's version when each caller sends it.
    pub(crate) body: Option<Value>,
    /// Statuses for admin, office, supervisor, liaison_a, leader_a, viewer_a, liaison_b, public.
    pub(crate) expect: [u16; 8],
}

async fn every_role_meets_every_endpoint_as_the_rules_say(kind: Kind) {
    let Some(t) = TestApp::new(kind).await else {
        return;
    };
    let w = &t.world;
    // Problem A is led by department A (the liaison's, leader's and viewer's own unit); problem B
    // by department B (liaison_b's). Neither has cooperating units.
    let a = t.problem().await;
    t.assign(a, w.dept_a.id.get()).await;
    let b = t.problem().await;
    t.assign(b, w.dept_b.id.get()).await;
    // A goal of department A with one milestone, serving A and B.
    let goal = json!({"campaign_id": w.campaign.id, "owner_unit_id": w.dept_a.id, "title": "小区环境改善", "problem_ids": [a, b]});
    let made = t.call("POST", "/api/v1/goals", Some("office"), Some(goal)).await;
    assert_eq!(made.status, 201, "{}", made.json);
    let g = made.json["id"].as_i64().unwrap();
    let step = json!({"title": "摸排", "due_on": "2026-12-31"});
    let with = t.call("POST", &format!("/api/v1/goals/{g}/milestones"), Some("office"), Some(step)).await;
    let ms = with.json["milestones"][0]["id"].as_i64().unwrap();
    // A research topic of department A with a visit whose one finding the office turned into a problem.
    let topic = json!({"campaign_id": w.campaign.id, "unit_id": w.dept_a.id, "title": "老旧小区调研"});
    let made = t.call("POST", "/api/v1/research/topics", Some("office"), Some(topic)).await;
    assert_eq!(made.status, 201, "{}", made.json);
    let rt = made.json["id"].as_i64().unwrap();
    let step = json!({"visited_on": "2026-01-05", "place": "金桂苑", "findings": ["楼道照明损坏"]});
    let with = t.call("POST", &format!("/api/v1/research/topics/{rt}/visits"), Some("office"), Some(step)).await;
    assert_eq!(with.status, 201, "{}", with.json);
    let finding = with.json["visits"][0]["findings"][0]["id"].as_i64().unwrap();
    let to_problem = json!({"to": "problem"});
    let converted =
        t.call("POST", &format!("/api/v1/research/findings/{finding}/convert"), Some("office"), Some(to_problem)).await;
    assert_eq!(converted.status, 200, "{}", converted.json);
    let rows = vec![
        Row {
            what: "read own/other problem A",
            method: "GET",
            path: format!("/api/v1/problems/{a}"),
            body: None,
            expect: [200, 200, 200, 200, 200, 200, 404, 401],
        },
        Row {
            what: "read problem B",
            method: "GET",
            path: format!("/api/v1/problems/{b}"),
            body: None,
            expect: [200, 200, 200, 404, 404, 404, 200, 401],
        },
        Row {
            what: "timeline A",
            method: "GET",
            path: format!("/api/v1/problems/{a}/timeline"),
            body: None,
            expect: [200, 200, 200, 200, 200, 200, 404, 401],
        },
        Row {
            what: "list problems",
            method: "GET",
            path: "/api/v1/problems".into(),
            body: None,
            expect: [200, 200, 200, 200, 200, 200, 200, 401],
        },
        Row {
            what: "edit A's rectification",
            method: "PATCH",
            path: format!("/api/v1/problems/{a}"),
            body: Some(json!({"root_cause": "监管缺位"})),
            expect: [200, 200, 403, 200, 403, 403, 404, 401],
        },
        Row {
            what: "edit A's listing",
            method: "PATCH",
            path: format!("/api/v1/problems/{a}"),
            body: Some(json!({"title": "新标题"})),
            expect: [200, 200, 403, 403, 403, 403, 404, 401],
        },
        Row {
            what: "edit B's rectification",
            method: "PATCH",
            path: format!("/api/v1/problems/{b}"),
            body: Some(json!({"root_cause": "原因"})),
            expect: [200, 200, 403, 404, 404, 404, 200, 401],
        },
        Row {
            what: "flag A",
            method: "POST",
            path: format!("/api/v1/problems/{a}/transitions"),
            body: Some(json!({"action": "flag", "colour": "yellow", "reason": "督办"})),
            expect: [200, 403, 200, 403, 403, 403, 404, 401],
        },
        Row {
            what: "publish A",
            method: "POST",
            path: format!("/api/v1/problems/{a}/transitions"),
            body: Some(json!({"action": "publish"})),
            expect: [200, 200, 403, 403, 403, 403, 404, 401],
        },
        Row {
            what: "add a measure to A",
            method: "POST",
            path: format!("/api/v1/problems/{a}/measures"),
            body: Some(json!({"description": "整改"})),
            expect: [201, 201, 403, 201, 403, 403, 404, 401],
        },
        Row {
            what: "add a note to B",
            method: "POST",
            path: format!("/api/v1/problems/{b}/notes"),
            body: Some(json!({"body": "进展"})),
            expect: [201, 201, 403, 404, 404, 404, 201, 401],
        },
        Row {
            what: "create a problem",
            method: "POST",
            path: "/api/v1/problems".into(),
            body: Some(
                json!({"campaign_id": w.campaign.id, "title": "新问题", "description": "描述", "channel": "hotline"}),
            ),
            expect: [201, 201, 403, 403, 403, 403, 403, 401],
        },
        Row {
            what: "list feedback",
            method: "GET",
            path: "/api/v1/feedback".into(),
            body: None,
            expect: [200, 200, 200, 200, 200, 200, 200, 401],
        },
        Row {
            what: "take in feedback",
            method: "POST",
            path: "/api/v1/feedback".into(),
            body: Some(json!({"channel": "hotline", "body": "路灯不亮"})),
            expect: [201, 201, 403, 403, 403, 403, 403, 401],
        },
        Row {
            what: "list units",
            method: "GET",
            path: "/api/v1/units".into(),
            body: None,
            expect: [200, 200, 200, 200, 200, 200, 200, 401],
        },
        Row {
            what: "add a unit",
            method: "POST",
            path: "/api/v1/units".into(),
            body: Some(json!({"parent_id": w.city.id, "name": "UNIQUE"})),
            expect: [201, 403, 403, 403, 403, 403, 403, 401],
        },
        Row {
            what: "list users",
            method: "GET",
            path: "/api/v1/users".into(),
            body: None,
            expect: [200, 200, 200, 200, 200, 200, 200, 401],
        },
        Row {
            what: "add a user",
            method: "POST",
            path: "/api/v1/users".into(),
            body: Some(
                json!({"username": "UNIQUE", "display_name": "新用户", "role": "viewer", "unit_id": w.dept_a.id, "password": "a long password 1"}),
            ),
            expect: [201, 403, 403, 403, 403, 403, 403, 401],
        },
        Row {
            what: "campaigns",
            method: "GET",
            path: "/api/v1/campaigns".into(),
            body: None,
            expect: [200, 200, 200, 200, 200, 200, 200, 401],
        },
        Row {
            what: "add a campaign",
            method: "POST",
            path: "/api/v1/campaigns".into(),
            body: Some(
                json!({"unit_id": w.city.id, "name": "巡视整改", "kind": "巡视整改", "code_prefix": "XS", "starts_on": "2026-11-01"}),
            ),
            expect: [201, 403, 403, 403, 403, 403, 403, 401],
        },
        Row {
            what: "categories",
            method: "GET",
            path: "/api/v1/categories".into(),
            body: None,
            expect: [200, 200, 200, 200, 200, 200, 200, 401],
        },
        Row {
            what: "add a category",
            method: "POST",
            path: "/api/v1/categories".into(),
            body: Some(json!({"name": "UNIQUE"})),
            expect: [201, 403, 403, 403, 403, 403, 403, 401],
        },
        Row {
            what: "read the calendar",
            method: "GET",
            path: "/api/v1/calendar/2026".into(),
            body: None,
            expect: [200, 200, 200, 200, 200, 200, 200, 401],
        },
        Row {
            what: "set the calendar",
            method: "PUT",
            path: "/api/v1/calendar/2027".into(),
            body: Some(json!({"days": [{"date": "2027-01-01", "kind": "holiday", "note": "元旦"}]})),
            expect: [200, 403, 403, 403, 403, 403, 403, 401],
        },
        Row {
            what: "mechanisms",
            method: "GET",
            path: "/api/v1/mechanisms".into(),
            body: None,
            expect: [200, 200, 200, 200, 200, 200, 200, 401],
        },
        Row {
            what: "add a mechanism for unit A",
            method: "POST",
            path: "/api/v1/mechanisms".into(),
            body: Some(json!({"unit_id": w.dept_a.id, "title": "夜间施工审批制度", "problem_ids": [a]})),
            expect: [201, 201, 403, 201, 403, 403, 403, 401],
        },
        Row {
            what: "goals",
            method: "GET",
            path: "/api/v1/goals".into(),
            body: None,
            expect: [200, 200, 200, 200, 200, 200, 200, 401],
        },
        Row {
            what: "a goal of unit A",
            method: "GET",
            path: format!("/api/v1/goals/{g}"),
            body: None,
            expect: [200, 200, 200, 200, 200, 200, 200, 401],
        },
        Row {
            what: "set a goal",
            method: "POST",
            path: "/api/v1/goals".into(),
            body: Some(json!({"campaign_id": w.campaign.id, "owner_unit_id": w.dept_b.id, "title": "道路整治"})),
            expect: [201, 201, 403, 403, 403, 403, 403, 401],
        },
        Row {
            what: "add a milestone to unit A's goal",
            method: "POST",
            path: format!("/api/v1/goals/{g}/milestones"),
            body: Some(json!({"title": "验收", "due_on": "2027-01-31"})),
            expect: [201, 201, 403, 403, 403, 403, 403, 401],
        },
        Row {
            what: "mark unit A's milestone reached",
            method: "PUT",
            path: format!("/api/v1/goals/{g}/milestones/{ms}"),
            body: Some(json!({"title": "摸排", "due_on": "2026-12-31", "done_on": "2026-09-01"})),
            expect: [200, 200, 403, 200, 403, 403, 403, 401],
        },
        Row {
            what: "a goal that does not exist",
            method: "GET",
            path: "/api/v1/goals/99999".into(),
            body: None,
            expect: [404, 404, 404, 404, 404, 404, 404, 401],
        },
        Row {
            what: "public: projects",
            method: "GET",
            path: "/api/v1/public/projects".into(),
            body: None,
            expect: [200; 8],
        },
        Row {
            what: "root causes",
            method: "GET",
            path: "/api/v1/root-causes".into(),
            body: None,
            expect: [200, 200, 200, 200, 200, 200, 200, 401],
        },
        Row {
            what: "add a root cause",
            method: "POST",
            path: "/api/v1/root-causes".into(),
            body: Some(json!({"name": "UNIQUE"})),
            expect: [201, 403, 403, 403, 403, 403, 403, 401],
        },
        Row {
            what: "find A's root causes",
            method: "PUT",
            path: format!("/api/v1/problems/{a}/root-causes"),
            body: Some(json!({"root_cause_ids": [1, 3]})),
            expect: [200, 200, 403, 200, 403, 403, 404, 401],
        },
        Row {
            what: "blind spots",
            method: "GET",
            path: "/api/v1/mechanisms/blind-spots".into(),
            body: None,
            expect: [200, 200, 200, 200, 200, 200, 200, 401],
        },
        Row {
            what: "research topics",
            method: "GET",
            path: "/api/v1/research/topics".into(),
            body: None,
            expect: [200, 200, 200, 200, 200, 200, 200, 401],
        },
        Row {
            what: "a research topic of unit A",
            method: "GET",
            path: format!("/api/v1/research/topics/{rt}"),
            body: None,
            expect: [200, 200, 200, 200, 200, 200, 200, 401],
        },
        Row {
            what: "set a research topic",
            method: "POST",
            path: "/api/v1/research/topics".into(),
            body: Some(json!({"campaign_id": w.campaign.id, "unit_id": w.dept_b.id, "title": "道路调研"})),
            expect: [201, 201, 403, 403, 403, 403, 403, 401],
        },
        Row {
            what: "record a visit for unit A's topic",
            method: "POST",
            path: format!("/api/v1/research/topics/{rt}/visits"),
            body: Some(json!({"visited_on": "2026-01-06", "place": "丽发新城", "findings": ["电梯停运"]})),
            expect: [201, 201, 403, 201, 201, 403, 403, 401],
        },
        Row {
            // Already turned into a problem: those who may turn findings are told so (409).
            what: "turn unit A's finding again",
            method: "POST",
            path: format!("/api/v1/research/findings/{finding}/convert"),
            body: Some(json!({"to": "feedback"})),
            expect: [409, 409, 403, 409, 409, 403, 403, 401],
        },
        Row {
            what: "verify the audit log",
            method: "GET",
            path: "/api/v1/audit/verify".into(),
            body: None,
            expect: [200, 403, 403, 403, 403, 403, 403, 401],
        },
        Row {
            what: "me",
            method: "GET",
            path: "/api/v1/me".into(),
            body: None,
            expect: [200, 200, 200, 200, 200, 200, 200, 401],
        },
        Row {
            what: "make a token for oneself",
            method: "POST",
            path: "/api/v1/tokens".into(),
            body: Some(json!({"name": "脚本"})),
            expect: [201, 201, 201, 201, 201, 201, 201, 401],
        },
        Row {
            what: "public: published problems",
            method: "GET",
            path: "/api/v1/public/problems".into(),
            body: None,
            expect: [200; 8],
        },
        Row {
            what: "public: submit",
            method: "POST",
            path: "/api/v1/public/feedback".into(),
            body: Some(json!({"body": "公园路灯坏了"})),
            expect: [201; 8],
        },
        Row { what: "health", method: "GET", path: "/api/v1/health".into(), body: None, expect: [200; 8] },
    ];
    let failures = mismatches(&t, &rows).await;
    assert!(failures.is_empty(), "{} mismatches:\n{}", failures.len(), failures.join("\n"));
    // What the lists hold follows the same rules.
    let ids = |r: crate::Reply| {
        r.json["items"].as_array().unwrap().iter().map(|p| p["id"].as_i64().unwrap()).collect::<Vec<_>>()
    };
    assert_eq!(ids(t.call("GET", "/api/v1/problems?status=assigned", Some("liaison_a"), None).await), vec![a]);
    assert_eq!(ids(t.call("GET", "/api/v1/problems?status=assigned", Some("liaison_b"), None).await), vec![b]);
    let all = ids(t.call("GET", "/api/v1/problems?status=assigned", Some("supervisor"), None).await);
    assert!(all.contains(&a) && all.contains(&b));
    t.db.cleanup().await;
}

async fn the_public_sees_published_problems_only_and_never_a_reporters_contact(kind: Kind) {
    let Some(t) = TestApp::new(kind).await else {
        return;
    };
    let receipt = t
        .call(
            "POST",
            "/api/v1/public/feedback",
            None,
            Some(json!({"body": "桥下有积水", "reporter_name": "赵六", "reporter_contact": "13700000000"})),
        )
        .await;
    assert_eq!(receipt.status, 201);
    let code = receipt.json["tracking_code"].as_str().unwrap().to_string();
    let fb = t.call("GET", "/api/v1/feedback?linked=false", Some("office"), None).await;
    let fid = fb.json["items"][0]["id"].as_i64().unwrap();
    assert_eq!(fb.json["items"][0]["reporter_contact"], "13700000000", "the office handling it sees the contact");
    let r = t.call("POST", "/api/v1/problems", Some("office"), Some(json!({"campaign_id": t.world.campaign.id, "title": "桥下积水", "description": "积水", "channel": "portal", "feedback_ids": [fid]}))).await;
    let id = r.json["id"].as_i64().unwrap();
    assert!(t.call("GET", "/api/v1/public/problems", None, None).await.json["items"].as_array().unwrap().is_empty());
    t.assign(id, t.world.dept_a.id.get()).await;
    let sup = t.call("GET", &format!("/api/v1/feedback/{fid}"), Some("supervisor"), None).await;
    assert!(sup.json.get("reporter_contact").is_none(), "supervisors do not handle the report");
    let liaison = t.call("GET", &format!("/api/v1/feedback/{fid}"), Some("liaison_a"), None).await;
    assert_eq!(liaison.json["reporter_contact"], "13700000000", "the lead unit handling it does");
    assert_eq!(t.act(id, "office", json!({"action": "publish"})).await.status, 200);
    for path in ["/api/v1/public/problems".to_string(), format!("/api/v1/public/track/{code}")] {
        let r = t.call("GET", &path, None, None).await;
        assert_eq!(r.status, 200);
        let text = r.json.to_string();
        assert!(!text.contains("13700000000") && !text.contains("赵六"), "{path}: {text}");
    }
    assert_eq!(t.call("GET", "/api/v1/public/track/K7M2-Q9XP-A4TD", None, None).await.status, 404);
    t.db.cleanup().await;
}

both!(
    every_role_meets_every_endpoint_as_the_rules_say,
    the_public_sees_published_problems_only_and_never_a_reporters_contact
);

/// Each row called by each caller: the calls whose status is not the expected one, described.
pub(crate) async fn mismatches(t: &TestApp, rows: &[Row]) -> Vec<String> {
    let mut failures = Vec::new();
    for row in rows {
        for (i, who) in CALLERS.iter().enumerate() {
            if row.body.as_ref().is_some_and(|b| b["action"] == "publish") {
                // Each caller meets the problem unpublished: a published one cannot be published again.
                let id: i64 = row.path.split('/').nth(4).unwrap().parse().unwrap();
                let v = t.version(id).await;
                t.call("POST", &row.path, Some("admin"), Some(json!({"action": "unpublish", "version": v}))).await;
            }
            let mut body = row.body.clone();
            if let Some(b) = body.as_mut() {
                // Unique names per caller; the current version for edits and transitions.
                for key in ["name", "username"] {
                    if b[key] == "UNIQUE" {
                        b[key] = json!(format!("u{}{}", i, row.what.len()));
                    }
                }
                if b["version"] == "CURRENT" {
                    b["version"] = t.call("GET", &row.path, Some("admin"), None).await.json["version"].clone();
                }
                if row.method == "PATCH" || row.path.ends_with("/transitions") {
                    let id: i64 = row.path.split('/').nth(4).unwrap().parse().unwrap();
                    b["version"] = json!(t.version(id).await);
                }
            }
            let r = t.call(row.method, &row.path, *who, body).await;
            if r.status.as_u16() != row.expect[i] {
                failures.push(format!(
                    "{} as {}: expected {}, got {} {}",
                    row.what,
                    who.unwrap_or("public"),
                    row.expect[i],
                    r.status,
                    r.json
                ));
            }
        }
    }
    failures
}
