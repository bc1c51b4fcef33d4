//! Bad input of every kind gets 400 or 422 with a code and a message, and nothing is written.

use crate::{TestApp, both};
use app::testkit::Kind;
use axum::body::Body;
use axum::http::{Request, header};
use serde_json::{Value, json};
use zhenggai_web as web;

async fn bad_input_is_refused_with_a_code_and_writes_nothing(kind: Kind) {
    let Some(t) = TestApp::new(kind).await else {
        return;
    };
    let w = &t.world;
    let id = t.problem().await;
    let long = "长".repeat(20_001);
    let raw = |method: &str, path: &str, content_type: &str, body: &str| {
        Request::builder()
            .method(method)
            .uri(path)
            .header(header::AUTHORIZATION, format!("Bearer {}", t.tokens["office"]))
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(body.to_string()))
            .unwrap()
    };
    let problem_body = |extra: Value| {
        let mut b = json!({"campaign_id": w.campaign.id, "title": "标题", "description": "描述", "channel": "hotline"});
        for (k, v) in extra.as_object().unwrap() {
            b[k] = v.clone();
        }
        b
    };
    let rows_before = t.audit_rows().await;
    let version_before = t.version(id).await;
    let cases: Vec<(&str, crate::Reply, u16, &str)> = vec![
        ("malformed JSON", t.send(raw("POST", "/api/v1/problems", "application/json", "{\"title\": ")).await, 400, "invalid_json"),
        ("not JSON at all", t.send(raw("POST", "/api/v1/problems", "application/json", "title=x")).await, 400, "invalid_json"),
        ("wrong content type", t.send(raw("POST", "/api/v1/problems", "text/plain", "{}")).await, 415, "unsupported_media_type"),
        ("unknown field", t.call("POST", "/api/v1/problems", Some("office"), Some(problem_body(json!({"colour": "red"})))).await, 400, "unknown_field"),
        ("missing field", t.call("POST", "/api/v1/problems", Some("office"), Some(json!({"title": "x"}))).await, 422, "invalid_field"),
        ("wrong type", t.call("POST", "/api/v1/problems", Some("office"), Some(problem_body(json!({"campaign_id": "one"})))).await, 422, "invalid_field"),
        ("text over the limit", t.call("POST", "/api/v1/problems", Some("office"), Some(problem_body(json!({"description": long})))).await, 422, "text_too_long"),
        ("empty title", t.call("POST", "/api/v1/problems", Some("office"), Some(problem_body(json!({"title": "  "})))).await, 422, "required"),
        ("unknown channel", t.call("POST", "/api/v1/problems", Some("office"), Some(problem_body(json!({"channel": "pigeon"})))).await, 422, "validation_failed"),
        ("impossible date", t.call("POST", "/api/v1/problems", Some("office"), Some(problem_body(json!({"received_on": "2026-02-30"})))).await, 422, "invalid_field"),
        ("future date", t.call("POST", "/api/v1/problems", Some("office"), Some(problem_body(json!({"received_on": "2027-01-01"})))).await, 422, "validation_failed"),
        ("unknown campaign", t.call("POST", "/api/v1/problems", Some("office"), Some(problem_body(json!({"campaign_id": 999_999})))).await, 422, "unknown_campaign"),
        ("unknown owner unit", t.call("POST", "/api/v1/problems", Some("office"), Some(problem_body(json!({"owner_unit_id": 999_999})))).await, 422, "unknown_unit"),
        ("unknown lead unit", t.act(id, "office", json!({"action": "assign", "lead_unit_id": 999_999})).await, 422, "unknown_unit"),
        ("deadline in the past", t.act(id, "office", json!({"action": "assign", "lead_unit_id": w.dept_a.id, "deadline": "2026-10-01"})).await, 422, "validation_failed"),
        ("impossible deadline", t.act(id, "office", json!({"action": "assign", "lead_unit_id": w.dept_a.id, "deadline": "2026-13-01"})).await, 422, "invalid_field"),
        ("dismiss without a reason", t.act(id, "office", json!({"action": "dismiss"})).await, 422, "required"),
        ("dismiss with a blank reason", t.act(id, "office", json!({"action": "dismiss", "reason": " \n "})).await, 422, "required"),
        ("unknown action", t.act(id, "office", json!({"action": "destroy"})).await, 422, "validation_failed"),
        ("transition without a version", t.call("POST", &format!("/api/v1/problems/{id}/transitions"), Some("office"), Some(json!({"action": "dismiss", "reason": "x"}))).await, 422, "invalid_field"),
        ("non-numeric id", t.call("GET", "/api/v1/problems/abc", Some("office"), None).await, 400, "invalid_path"),
        ("bad query value", t.call("GET", "/api/v1/problems?overdue=perhaps", Some("office"), None).await, 400, "invalid_query"),
        ("unknown query parameter", t.call("GET", "/api/v1/problems?color=red", Some("office"), None).await, 400, "invalid_query"),
        ("unknown status filter", t.call("GET", "/api/v1/problems?status=lost", Some("office"), None).await, 422, "validation_failed"),
        ("limit out of range", t.call("GET", "/api/v1/problems?limit=100000", Some("office"), None).await, 422, "validation_failed"),
        ("forged cursor", t.call("GET", "/api/v1/problems?cursor=bm9wZQ", Some("office"), None).await, 422, "validation_failed"),
        ("reversed deadline range", t.call("GET", "/api/v1/problems?deadline_from=2026-12-01&deadline_to=2026-11-01", Some("office"), None).await, 422, "validation_failed"),
        ("unknown unit filter", t.call("GET", "/api/v1/problems?unit_id=999999", Some("office"), None).await, 422, "unknown_unit"),
        ("control characters", t.call("POST", "/api/v1/feedback", Some("office"), Some(json!({"channel": "hotline", "body": "路灯\u{0007}不亮"}))).await, 422, "validation_failed"),
        ("half a source key", t.call("POST", "/api/v1/feedback", Some("office"), Some(json!({"channel": "hotline", "body": "x", "source": "12345"}))).await, 422, "validation_failed"),
        ("weak password", t.call("POST", "/api/v1/users", Some("admin"), Some(json!({"username": "newbie", "display_name": "新", "role": "viewer", "unit_id": w.dept_a.id, "password": "short"}))).await, 422, "validation_failed"),
        ("unknown role", t.call("POST", "/api/v1/users", Some("admin"), Some(json!({"username": "newbie", "display_name": "新", "role": "boss", "unit_id": w.dept_a.id, "password": "a long password 1"}))).await, 422, "validation_failed"),
        ("campaign ending before it starts", t.call("POST", "/api/v1/campaigns", Some("admin"), Some(json!({"unit_id": w.city.id, "name": "x", "kind": "审计整改", "code_prefix": "SJ", "starts_on": "2026-11-01", "ends_on": "2026-10-01"}))).await, 422, "validation_failed"),
        ("calendar day in another year", t.call("PUT", "/api/v1/calendar/2027", Some("admin"), Some(json!({"days": [{"date": "2028-01-01", "kind": "holiday"}]}))).await, 422, "validation_failed"),
        ("duplicate username", t.call("POST", "/api/v1/users", Some("admin"), Some(json!({"username": "office", "display_name": "重名", "role": "viewer", "unit_id": w.dept_a.id, "password": "a long password 1"}))).await, 409, "conflict"),
    ];
    let mut failures = Vec::new();
    for (what, r, status, code) in &cases {
        let message = r.json["error"]["message"].as_str().unwrap_or("");
        if r.status.as_u16() != *status || r.code() != *code || message.is_empty() {
            failures.push(format!("{what}: expected {status} {code}, got {} {}", r.status, r.json));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(t.audit_rows().await, rows_before, "nothing was written");
    assert_eq!(t.version(id).await, version_before);
    let list = t.call("GET", "/api/v1/problems?limit=200", Some("office"), None).await;
    assert_eq!(list.json["items"].as_array().unwrap().len(), 1, "no problem was created");
    t.db.cleanup().await;
}

async fn a_body_over_the_limit_is_refused_before_it_is_read(kind: Kind) {
    let config = web::WebConfig { max_json_bytes: 64 * 1024, ..Default::default() };
    let Some(t) = TestApp::with_config(kind, config).await else {
        return;
    };
    let big = json!({"channel": "hotline", "body": "字".repeat(40_000)});
    let r = t.call("POST", "/api/v1/feedback", Some("office"), Some(big)).await;
    assert_eq!((r.status.as_u16(), r.code()), (413, "payload_too_large"), "{}", r.json);
    t.db.cleanup().await;
}

async fn uploads_are_checked_by_content_and_size(kind: Kind) {
    let Some(t) = TestApp::new(kind).await else {
        return;
    };
    let id = t.problem().await;
    t.assign(id, t.world.dept_a.id.get()).await;
    let upload = |name: &str, bytes: Vec<u8>| {
        Request::builder()
            .method("POST")
            .uri(format!("/api/v1/problems/{id}/evidence?file_name={}", name))
            .header(header::AUTHORIZATION, format!("Bearer {}", t.tokens["liaison_a"]))
            .header(header::CONTENT_TYPE, "application/octet-stream")
            .body(Body::from(bytes))
            .unwrap()
    };
    let png = b"\x89PNG\r\n\x1a\n0000".to_vec();
    let r = t.send(upload("photo.pdf", png.clone())).await;
    assert_eq!((r.status.as_u16(), r.code()), (422, "file_type_mismatch"), "{}", r.json);
    let r = t.send(upload("run.png", b"MZ\x90\x00 not an image".to_vec())).await;
    assert_eq!((r.status.as_u16(), r.code()), (422, "unsupported_file_type"));
    let mut huge = png.clone();
    huge.resize(21 * 1024 * 1024, 0);
    let r = t.send(upload("huge.png", huge)).await;
    assert_eq!((r.status.as_u16(), r.code()), (413, "file_too_large"));
    let stored = std::fs::read_dir(t.db.dir.path().join("files")).map(|d| d.count()).unwrap_or(0);
    assert_eq!(stored, 0, "nothing refused was stored");
    let r = t.send(upload("photo.png", png)).await;
    assert_eq!(r.status.as_u16(), 201, "{}", r.json);
    assert_eq!(r.json["content_type"], "image/png");
    t.db.cleanup().await;
}

/// 学习记录 (issue 13): each bad session, format, filter and material is refused with a code and a
/// message through the API, and nothing is written or stored.
async fn bad_study_input_is_refused_with_a_code_and_writes_nothing(kind: Kind) {
    let Some(t) = TestApp::new(kind).await else {
        return;
    };
    let w = &t.world;
    let session = |extra: Value| {
        let mut b = json!({"campaign_id": w.campaign.id, "unit_id": w.dept_a.id, "held_on": "2026-10-05",
            "format_id": 1, "topic": "专题学习", "present": 20});
        for (k, v) in extra.as_object().unwrap() {
            b[k] = v.clone();
        }
        b
    };
    let made = t.call("POST", "/api/v1/study/sessions", Some("liaison_a"), Some(session(json!({})))).await;
    assert_eq!(made.status, 201, "{}", made.json);
    let id = made.json["id"].as_i64().unwrap();
    let rows_before = t.audit_rows().await;
    let post = async |body: Value| t.call("POST", "/api/v1/study/sessions", Some("liaison_a"), Some(body)).await;
    let material = async |name: &str, bytes: &[u8]| {
        let req = Request::builder()
            .method("POST")
            .uri(format!("/api/v1/study/sessions/{id}/materials?file_name={name}"))
            .header(header::AUTHORIZATION, format!("Bearer {}", t.tokens["liaison_a"]))
            .header(header::CONTENT_TYPE, "application/octet-stream")
            .body(Body::from(bytes.to_vec()))
            .unwrap();
        t.send(req).await
    };
    let cases: Vec<(&str, crate::Reply, u16, &str)> = vec![
        ("unknown field", post(session(json!({"score": 5}))).await, 400, "unknown_field"),
        ("blank topic", post(session(json!({"topic": " "}))).await, 422, "required"),
        ("nobody present", post(session(json!({"present": 0}))).await, 422, "validation_failed"),
        ("present as words", post(session(json!({"present": "many"}))).await, 422, "invalid_field"),
        ("future date", post(session(json!({"held_on": "2027-01-01"}))).await, 422, "validation_failed"),
        ("unknown format", post(session(json!({"format_id": 999}))).await, 422, "validation_failed"),
        ("unknown problem", post(session(json!({"problem_ids": [999_999]}))).await, 422, "validation_failed"),
        ("unknown unit", post(session(json!({"unit_id": 999_999}))).await, 422, "unknown_unit"),
        (
            "edit without a version",
            t.call("PUT", &format!("/api/v1/study/sessions/{id}"), Some("liaison_a"), Some(session(json!({})))).await,
            422,
            "required",
        ),
        (
            "stale version",
            t.call(
                "PUT",
                &format!("/api/v1/study/sessions/{id}"),
                Some("liaison_a"),
                Some(session(json!({"version": 7}))),
            )
            .await,
            409,
            "stale_version",
        ),
        (
            "malformed month",
            t.call("GET", "/api/v1/study/sessions?month=May", Some("office"), None).await,
            422,
            "validation_failed",
        ),
        ("not a file we take", material("notes.pdf", b"plain words").await, 422, "unsupported_file_type"),
        ("empty file", material("slides.pdf", b"").await, 422, "empty_file"),
        (
            "duplicate format",
            t.call("POST", "/api/v1/study/formats", Some("admin"), Some(json!({"name": "读书班"}))).await,
            409,
            "conflict",
        ),
    ];
    let mut failures = Vec::new();
    for (what, r, status, code) in &cases {
        let message = r.json["error"]["message"].as_str().unwrap_or("");
        if r.status.as_u16() != *status || r.code() != *code || message.is_empty() {
            failures.push(format!("{what}: expected {status} {code}, got {} {}", r.status, r.json));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(t.audit_rows().await, rows_before, "nothing was written");
    let stored = std::fs::read_dir(t.db.dir.path().join("files")).map(|d| d.count()).unwrap_or(0);
    assert_eq!(stored, 0, "no refused material was stored");
    let listed = t.call("GET", "/api/v1/study/sessions", Some("office"), None).await;
    assert_eq!(listed.json.as_array().unwrap().len(), 1, "no session was added");
    t.db.cleanup().await;
}

both!(
    bad_input_is_refused_with_a_code_and_writes_nothing,
    bad_study_input_is_refused_with_a_code_and_writes_nothing,
    a_body_over_the_limit_is_refused_before_it_is_read,
    uploads_are_checked_by_content_and_size,
);
