//! The access matrix of 学习记录 and of a mechanism's document: every role against every study
//! endpoint and the document upload, on a record of its own unit and of another, and as the
//! public; and what a session names of a problem follows the problem's own read check.

use crate::access::{Row, mismatches};
use crate::{TestApp, both};
use app::testkit::Kind;
use serde_json::json;

async fn every_role_meets_the_study_and_document_endpoints_as_the_rules_say(kind: Kind) {
    let Some(t) = TestApp::new(kind).await else {
        return;
    };
    let w = &t.world;
    let a = t.problem().await;
    t.assign(a, w.dept_a.id.get()).await;
    // A session of department A, recorded by the office, that found problem A.
    let session = |unit: domain::UnitId| {
        json!({"campaign_id": w.campaign.id, "unit_id": unit, "held_on": "2026-01-05", "format_id": 1,
               "topic": "专题学习", "present": 20, "problem_ids": []})
    };
    let mut first = session(w.dept_a.id);
    first["problem_ids"] = json!([a]);
    let made = t.call("POST", "/api/v1/study/sessions", Some("office"), Some(first)).await;
    assert_eq!(made.status, 201, "{}", made.json);
    let s = made.json["id"].as_i64().unwrap();
    // A mechanism of department A, for its document.
    let m = json!({"unit_id": w.dept_a.id, "title": "夜间作业审批制度", "status": "issued"});
    let made = t.call("POST", "/api/v1/mechanisms", Some("office"), Some(m)).await;
    assert_eq!(made.status, 201, "{}", made.json);
    let m = made.json["id"].as_i64().unwrap();
    let mut edit = session(w.dept_a.id);
    edit["version"] = json!("CURRENT");
    edit["problem_ids"] = json!([a]);
    let rows = [
        Row {
            what: "study sessions",
            method: "GET",
            path: "/api/v1/study/sessions".into(),
            body: None,
            expect: [200, 200, 200, 200, 200, 200, 200, 401],
        },
        Row {
            what: "a session of unit A",
            method: "GET",
            path: format!("/api/v1/study/sessions/{s}"),
            body: None,
            expect: [200, 200, 200, 200, 200, 200, 200, 401],
        },
        Row {
            what: "record a session of unit A",
            method: "POST",
            path: "/api/v1/study/sessions".into(),
            body: Some(session(w.dept_a.id)),
            expect: [201, 201, 403, 201, 201, 403, 403, 401],
        },
        Row {
            what: "change unit A's session",
            method: "PUT",
            path: format!("/api/v1/study/sessions/{s}"),
            body: Some(edit),
            expect: [200, 200, 403, 200, 200, 403, 403, 401],
        },
        Row {
            // Not a file of any accepted kind: those who may add materials are told why (422).
            what: "add a material to unit A's session",
            method: "POST",
            path: format!("/api/v1/study/sessions/{s}/materials?file_name=a.pdf"),
            body: Some(json!({"not": "a pdf"})),
            expect: [422, 422, 403, 422, 422, 403, 403, 401],
        },
        Row {
            // Not a document of any accepted kind: those who keep unit A's mechanisms are told
            // why (422); the one who may not see it is told it does not exist.
            what: "attach a document to unit A's mechanism",
            method: "POST",
            path: format!("/api/v1/mechanisms/{m}/documents?file_name=a.pdf"),
            body: Some(json!({"not": "a pdf"})),
            expect: [422, 422, 403, 422, 403, 403, 404, 401],
        },
        Row {
            what: "study counts",
            method: "GET",
            path: format!("/api/v1/study/counts?campaign_id={}", w.campaign.id),
            body: None,
            expect: [200, 200, 200, 200, 200, 200, 200, 401],
        },
        Row {
            what: "study formats",
            method: "GET",
            path: "/api/v1/study/formats".into(),
            body: None,
            expect: [200, 200, 200, 200, 200, 200, 200, 401],
        },
        Row {
            what: "add a study format",
            method: "POST",
            path: "/api/v1/study/formats".into(),
            body: Some(json!({"name": "UNIQUE"})),
            expect: [201, 403, 403, 403, 403, 403, 403, 401],
        },
        Row {
            what: "change a study format",
            method: "PUT",
            path: "/api/v1/study/formats/1".into(),
            body: Some(json!({"name": "集中学习", "description": "全体党员集中学习"})),
            expect: [200, 403, 403, 403, 403, 403, 403, 401],
        },
    ];
    let failures = mismatches(&t, &rows).await;
    assert!(failures.is_empty(), "{} mismatches:\n{}", failures.len(), failures.join("\n"));
    // The session names problem A to those who may see it, and to nobody else; the counts agree.
    for (who, named) in [("office", 1), ("liaison_a", 1), ("liaison_b", 0)] {
        let one = t.call("GET", &format!("/api/v1/study/sessions/{s}"), Some(who), None).await;
        assert_eq!(one.json["problems"].as_array().unwrap().len(), named, "{who}");
        let counts =
            t.call("GET", &format!("/api/v1/study/counts?campaign_id={}", w.campaign.id), Some(who), None).await;
        assert_eq!(counts.json["problems_found"], named, "{who}");
    }
    t.db.cleanup().await;
}

both!(every_role_meets_the_study_and_document_endpoints_as_the_rules_say);
