//! The API's contract: error shapes for locking and transitions, the OpenAPI document covering
//! every route, languages, headers and cookies.

use crate::{TestApp, both};
use app::testkit::{Kind, password_of};
use axum::body::Body;
use axum::http::{Request, header};
use domain::feedback::Channel;
use serde_json::json;

async fn a_stale_edit_gets_409_and_the_winners_change_is_kept(kind: Kind) {
    let Some(t) = TestApp::new(kind).await else {
        return;
    };
    let id = t.problem().await;
    let v = t.version(id).await;
    let first = t
        .call(
            "PATCH",
            &format!("/api/v1/problems/{id}"),
            Some("office"),
            Some(json!({"version": v, "title": "甲改的标题"})),
        )
        .await;
    assert_eq!(first.status, 200);
    let second = t
        .call(
            "PATCH",
            &format!("/api/v1/problems/{id}"),
            Some("admin"),
            Some(json!({"version": v, "title": "乙改的标题"})),
        )
        .await;
    assert_eq!((second.status.as_u16(), second.code()), (409, "stale_version"));
    assert_eq!(second.json["error"]["current_version"], v + 1);
    let now = t.call("GET", &format!("/api/v1/problems/{id}"), Some("admin"), None).await;
    assert_eq!(now.json["title"], "甲改的标题");
    t.db.cleanup().await;
}

async fn an_illegal_transition_names_the_state_and_the_allowed_actions(kind: Kind) {
    let Some(t) = TestApp::new(kind).await else {
        return;
    };
    let id = t.problem().await;
    let r = t.act(id, "admin", json!({"action": "accept", "note": "x"})).await;
    assert_eq!((r.status.as_u16(), r.code()), (409, "illegal_transition"));
    assert_eq!(r.json["error"]["state"], "new");
    assert_eq!(r.json["error"]["allowed_actions"], json!(["assign", "dismiss", "merge", "flag", "unflag"]));
    assert!(r.json["error"]["message"].as_str().unwrap().contains("待分办"));
    let mut req = Request::builder()
        .method("POST")
        .uri(format!("/api/v1/problems/{id}/transitions"))
        .header(header::AUTHORIZATION, format!("Bearer {}", t.tokens["admin"]))
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::ACCEPT_LANGUAGE, "en-US,en;q=0.9");
    req = req.header("x-test", "1");
    let r = t
        .send(req.body(Body::from(json!({"action": "accept", "version": t.version(id).await}).to_string())).unwrap())
        .await;
    assert!(
        r.json["error"]["message"].as_str().unwrap().starts_with("cannot accept a problem that is new"),
        "{}",
        r.json
    );
    t.db.cleanup().await;
}

async fn every_route_is_in_the_openapi_document(kind: Kind) {
    let Some(t) = TestApp::new(kind).await else {
        return;
    };
    let r = t.call("GET", "/api/v1/openapi.json", None, None).await;
    assert_eq!(r.status, 200);
    let paths = r.json["paths"].as_object().unwrap();
    let mut operations = Vec::new();
    for (path, item) in paths {
        for method in ["get", "post", "put", "patch", "delete"] {
            if item.get(method).is_some() {
                operations.push((method.to_uppercase(), path.clone()));
            }
        }
    }
    // Every handler is annotated and registered with `routes!`, which routes and documents it in
    // one step; so the count of annotations in the source must equal the documented operations,
    // and no route may be added around `routes!`.
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/api");
    let mut annotated = 0;
    for entry in std::fs::read_dir(&src).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        annotated += text.matches("#[utoipa::path(").count();
        assert!(!text.contains(".route("), "a route registered outside routes! would be undocumented");
    }
    assert_eq!(operations.len(), annotated, "{operations:?}");
    // And every documented operation answers (not the fallback's no_route), with a status its
    // entry lists: anonymously, as an admin with no body, and with a body that is not JSON.
    let admin = format!("Bearer {}", t.tokens["admin"]);
    for (method, path) in &operations {
        let concrete = path.replace("{id}", "999999").replace("{year}", "2026").replace("{code}", "K7M2-Q9XP-A4TD");
        let documented = &paths[path][method.to_lowercase()]["responses"];
        for (who, body) in [(None, None), (Some(&admin), None), (Some(&admin), Some("not json"))] {
            let mut req = Request::builder().method(method.as_str()).uri(&concrete);
            if let Some(a) = who {
                req = req.header(header::AUTHORIZATION, a.as_str());
            }
            let req = match body {
                Some(b) => req.header(header::CONTENT_TYPE, "application/json").body(Body::from(b)),
                None => req.body(Body::empty()),
            };
            let r = t.send(req.unwrap()).await;
            assert_ne!(r.code(), "no_route", "{method} {path}");
            let status = r.status.as_str().to_string();
            assert!(documented.get(&status).is_some(), "{method} {path} answered {status}, not in {documented}");
        }
    }
    assert_eq!(t.call("GET", "/api/v1/nowhere", None, None).await.code(), "no_route");
    for key in ["/api/v1/problems/{id}/transitions", "/api/v1/problems", "/api/v1/public/feedback"] {
        assert!(paths.contains_key(key), "{key}");
    }
    t.db.cleanup().await;
}

async fn sessions_use_safe_cookies_and_responses_carry_security_headers(kind: Kind) {
    let Some(t) = TestApp::new(kind).await else {
        return;
    };
    let r = t
        .call(
            "POST",
            "/api/v1/auth/login",
            None,
            Some(json!({"username": "office", "password": password_of("office")})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.json);
    let cookie = r.headers.get(header::SET_COOKIE).unwrap().to_str().unwrap().to_string();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), "{cookie}");
    let session = cookie.split(';').next().unwrap().to_string();
    let me = t
        .send(Request::builder().uri("/api/v1/me").header(header::COOKIE, &session).body(Body::empty()).unwrap())
        .await;
    assert_eq!(me.json["username"], "office");
    for (name, value) in [("x-content-type-options", "nosniff"), ("x-frame-options", "DENY")] {
        assert_eq!(me.headers.get(name).unwrap(), value);
    }
    assert!(me.headers.get("content-security-policy").unwrap().to_str().unwrap().contains("frame-ancestors 'none'"));
    let out = t
        .send(
            Request::builder()
                .method("POST")
                .uri("/api/v1/auth/logout")
                .header(header::COOKIE, &session)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(out.status, 204);
    let me = t
        .send(Request::builder().uri("/api/v1/me").header(header::COOKIE, &session).body(Body::empty()).unwrap())
        .await;
    assert_eq!((me.status.as_u16(), me.code()), (401, "unauthenticated"));
    let wrong = t
        .call("POST", "/api/v1/auth/login", None, Some(json!({"username": "office", "password": "not the password"})))
        .await;
    assert_eq!((wrong.status.as_u16(), wrong.code()), (401, "unauthenticated"));
    let bad_token = t
        .send(
            Request::builder()
                .uri("/api/v1/me")
                .header(header::AUTHORIZATION, "Bearer zgt_nope")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(bad_token.status, 401);
    t.db.cleanup().await;
}

async fn the_whole_loop_runs_over_http(kind: Kind) {
    let Some(t) = TestApp::new(kind).await else {
        return;
    };
    let w = &t.world;
    let receipt = t
        .call(
            "POST",
            "/api/v1/public/feedback",
            None,
            Some(json!({"body": "小区门口垃圾没人清运", "campaign_id": w.campaign.id})),
        )
        .await;
    let code = receipt.json["tracking_code"].as_str().unwrap().to_string();
    let key = receipt.json["rating_key"].as_str().unwrap().to_string();
    let fid = t.call("GET", "/api/v1/feedback?linked=false", Some("office"), None).await.json["items"][0]["id"]
        .as_i64()
        .unwrap();
    let p = t.call("POST", "/api/v1/problems", Some("office"), Some(json!({"campaign_id": w.campaign.id, "title": "垃圾清运不及时", "description": "垃圾", "channel": "portal", "feedback_ids": [fid]}))).await;
    let id = p.json["id"].as_i64().unwrap();
    t.assign(id, w.dept_a.id.get()).await;
    let steps = [
        ("liaison_a", json!({"action": "submit", "report": "已清运", "no_evidence_reason": "日常保洁"})),
        ("leader_a", json!({"action": "approve"})),
        ("supervisor", json!({"action": "send_back", "reason": "请补充照片"})),
        ("liaison_a", json!({"action": "submit", "report": "已清运并建立台账", "no_evidence_reason": "日常保洁"})),
        ("leader_a", json!({"action": "approve"})),
        ("supervisor", json!({"action": "accept", "note": "整改到位"})),
        ("office", json!({"action": "publish"})),
    ];
    for (who, body) in steps {
        let r = t.act(id, who, body.clone()).await;
        assert_eq!(r.status, 200, "{who} {body}: {}", r.json);
    }
    let rated = t
        .call(
            "POST",
            "/api/v1/public/ratings",
            None,
            Some(json!({"tracking_code": code, "rating_key": key, "solved": false, "satisfaction": "dissatisfied"})),
        )
        .await;
    assert_eq!(rated.status, 200, "{}", rated.json);
    let wrong_key = t
        .call(
            "POST",
            "/api/v1/public/ratings",
            None,
            Some(
                json!({"tracking_code": code, "rating_key": "zgk_wrong", "solved": true, "satisfaction": "satisfied"}),
            ),
        )
        .await;
    assert_eq!(wrong_key.status, 403);
    let p = t.call("GET", &format!("/api/v1/problems/{id}"), Some("office"), None).await;
    assert_eq!((p.json["status"].as_str(), p.json["reopen_count"].as_i64()), (Some("assigned"), Some(1)));
    let verify = t.call("GET", "/api/v1/audit/verify", Some("admin"), None).await;
    assert!(verify.json["first_bad"].is_null());
    t.db.cleanup().await;
}

both!(
    a_stale_edit_gets_409_and_the_winners_change_is_kept,
    an_illegal_transition_names_the_state_and_the_allowed_actions,
    every_route_is_in_the_openapi_document,
    sessions_use_safe_cookies_and_responses_carry_security_headers,
    the_whole_loop_runs_over_http,
);

async fn cached_lists_show_every_write_on_this_node_and_the_others(kind: Kind) {
    let Some(t) = TestApp::new(kind).await else {
        return;
    };
    let count = |r: crate::Reply| r.json["items"].as_array().map(Vec::len).unwrap_or(0);
    let path = "/api/v1/problems?status=new";
    assert_eq!(count(t.call("GET", path, Some("office"), None).await), 0);
    // This node's own write shows at once, whatever its cache window.
    t.problem().await;
    assert_eq!(count(t.call("GET", path, Some("office"), None).await), 1);
    // A write through another node on the same database shows too (the test window is zero: a
    // real node sees it within `read_cache_ms`).
    let other = app::App::new(t.db.app.db.clone(), t.db.clock.clone(), app::testkit::test_settings(t.db.dir.path()));
    let office = t.world.office.clone();
    let g_before = t.db.app.generation().await.unwrap();
    other
        .create_problem(
            &office,
            &app::problems::NewProblemInput::new(t.world.campaign.id, "另一节点", "写入", Channel::Hotline),
        )
        .await
        .unwrap();
    let g_after = t.db.app.generation().await.unwrap();
    assert!(g_after > g_before, "the other node's write moved the generation");
    assert_eq!(count(t.call("GET", path, Some("office"), None).await), 2);
    // Each caller gets their own page: the liaison sees none of them.
    assert_eq!(count(t.call("GET", path, Some("liaison_a"), None).await), 0);
    // A revoked token stops working at once on this node.
    let tokens = t.call("GET", "/api/v1/tokens", Some("viewer_a"), None).await;
    let id = tokens.json[0]["id"].as_i64().unwrap();
    assert_eq!(t.call("DELETE", &format!("/api/v1/tokens/{id}"), Some("viewer_a"), None).await.status, 204);
    assert_eq!(t.call("GET", path, Some("viewer_a"), None).await.status, 401);
    t.db.cleanup().await;
}

async fn a_node_with_a_long_cache_window_still_sees_its_own_writes_at_once(kind: Kind) {
    let Some(t) = TestApp::new(kind).await else {
        return;
    };
    let settings = app::Settings { read_cache_ms: 60_000, ..app::testkit::test_settings(t.db.dir.path()) };
    let node = app::App::new(t.db.app.db.clone(), t.db.clock.clone(), settings);
    let router = zhenggai_web::router(zhenggai_web::AppState::new(node, Default::default()));
    let list = || {
        let req = Request::builder()
            .uri("/api/v1/problems")
            .header(header::AUTHORIZATION, format!("Bearer {}", t.tokens["office"]))
            .body(Body::empty())
            .unwrap();
        let router = router.clone();
        async move {
            use http_body_util::BodyExt;
            use tower::ServiceExt;
            let res = router.oneshot(req).await.unwrap();
            let body = res.into_body().collect().await.unwrap().to_bytes();
            serde_json::from_slice::<serde_json::Value>(&body).unwrap()["items"].as_array().unwrap().len()
        }
    };
    assert_eq!(list().await, 0);
    let create = Request::builder()
        .method("POST")
        .uri("/api/v1/problems")
        .header(header::AUTHORIZATION, format!("Bearer {}", t.tokens["office"]))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(json!({"campaign_id": t.world.campaign.id, "title": "本节点写入", "description": "x", "channel": "hotline"}).to_string()))
        .unwrap();
    {
        use tower::ServiceExt;
        assert_eq!(router.clone().oneshot(create).await.unwrap().status(), 201);
    }
    assert_eq!(list().await, 1);
    t.db.cleanup().await;
}

both!(
    cached_lists_show_every_write_on_this_node_and_the_others,
    a_node_with_a_long_cache_window_still_sees_its_own_writes_at_once
);
