//! 催办 over HTTP: who reads which notices (the access matrix of the notice endpoints), what the
//! pages show each caller, and that a notice about a problem is named only to its readers.

use crate::access::{Row, mismatches};
use crate::{TestApp, both};
use app::testkit::Kind;
use serde_json::json;

async fn reminders_reach_their_readers_and_no_one_else(kind: Kind) {
    let Some(t) = TestApp::new(kind).await else {
        return;
    };
    let w = &t.world;
    // Problem A, department A's, is due on Wednesday 2026-11-04: due soon on Monday the 2nd.
    let a = t.problem().await;
    t.assign(a, w.dept_a.id.get()).await;
    t.db.raw(&format!("update problems set deadline = '2026-11-04' where id = {a}")).await;
    let number = t.call("GET", &format!("/api/v1/problems/{a}"), Some("office"), None).await.json["number"]
        .as_str()
        .unwrap()
        .to_string();
    let run = t.db.app.run_scheduler("test-node").await.unwrap();
    assert!(run.planned && run.made >= 2, "{run:?}");

    let rows = [
        Row {
            what: "every notice",
            method: "GET",
            path: "/api/v1/notices".into(),
            body: None,
            expect: [200, 403, 403, 403, 403, 403, 403, 401],
        },
        Row {
            what: "my notices",
            method: "GET",
            path: "/api/v1/notices/mine".into(),
            body: None,
            expect: [200, 200, 200, 200, 200, 200, 200, 401],
        },
        Row {
            what: "notices of an unknown kind",
            method: "GET",
            path: "/api/v1/notices?kind=sometimes".into(),
            body: None,
            // The query is read before the caller: a malformed one is refused as such to anyone.
            expect: [422, 422, 422, 422, 422, 422, 422, 422],
        },
    ];
    let failures = mismatches(&t, &rows).await;
    assert!(failures.is_empty(), "{} mismatches:\n{}", failures.len(), failures.join("\n"));

    // The liaison of department A got the due-soon reminder about A; department B's liaison got
    // nothing and is never told of A.
    let mine = t.call("GET", "/api/v1/notices/mine", Some("liaison_a"), None).await;
    let kinds: Vec<&str> = mine.json.as_array().unwrap().iter().map(|n| n["kind"].as_str().unwrap()).collect();
    assert!(kinds.contains(&"due_soon") && kinds.contains(&"daily_digest"), "{kinds:?}");
    assert!(mine.text.contains(&number));
    let theirs = t.call("GET", "/api/v1/notices/mine", Some("liaison_b"), None).await;
    assert_eq!(theirs.json, serde_json::json!([]));
    let limit = t.call("GET", "/api/v1/notices?limit=501", Some("admin"), None).await;
    assert_eq!((limit.status.as_u16(), limit.code()), (422, "validation_failed"));

    // The pages: the liaison's 提醒 lists it in words; the admin's 通知记录 names the recipient;
    // problem A's timeline shows it to its readers; nobody else sees A's number.
    let page = |who: &'static str, path: String| {
        let t = &t;
        async move {
            let (cookies, _) = crate::pages::sign_in(t, who).await;
            let req = axum::http::Request::builder()
                .uri(path.as_str())
                .header(axum::http::header::COOKIE, cookies)
                .body(axum::body::Body::empty())
                .unwrap();
            t.send(req).await
        }
    };
    let liaison = page("liaison_a", "/notices".into()).await;
    assert_eq!(liaison.status, 200);
    assert!(liaison.text.contains("临期提醒") && liaison.text.contains(&number), "{}", liaison.text);
    let todo = page("liaison_a", "/".into()).await;
    assert!(todo.text.contains("今天收到 2 条提醒"), "the to-do page says so: {}", todo.text);
    assert!(!page("liaison_b", "/".into()).await.text.contains("今天收到"));
    let other = page("liaison_b", "/notices".into()).await;
    assert!(other.text.contains("暂无提醒") && !other.text.contains(&number));
    let admin = page("admin", "/admin/notices".into()).await;
    assert!(admin.text.contains("通知记录") && admin.text.contains(&number) && admin.text.contains("已发送"));
    let filtered = page("admin", "/admin/notices?kind=overdue&status=&day=".into()).await;
    assert!(filtered.text.contains("没有符合条件的通知"), "no overdue notice yet");
    assert_eq!(page("office", "/admin/notices".into()).await.status, 403);
    let timeline = page("office", format!("/problems/{a}")).await;
    assert!(timeline.text.contains("临期提醒 → "), "the timeline shows the reminder");
    t.db.cleanup().await;
}

async fn only_the_admin_keeps_webhooks_and_a_refused_form_keeps_what_was_typed(kind: Kind) {
    let Some(t) = TestApp::new(kind).await else {
        return;
    };
    let hook = json!({"name": "台账对接", "url": "https://example.org/hook", "format": "json", "secret": "k",
                      "events": ["assigned", "overdue"]});
    let made = t.call("POST", "/api/v1/webhooks", Some("admin"), Some(hook.clone())).await;
    assert_eq!(made.status, 201, "{}", made.json);
    assert_eq!(made.json["has_secret"], true);
    assert!(made.json.get("secret").is_none(), "the secret is never shown");
    let id = made.json["id"].as_i64().unwrap();
    let mut edit = hook.clone();
    edit["version"] = json!("CURRENT");
    let rows = [
        Row {
            what: "webhooks",
            method: "GET",
            path: "/api/v1/webhooks".into(),
            body: None,
            expect: [200, 403, 403, 403, 403, 403, 403, 401],
        },
        Row {
            what: "add a webhook",
            method: "POST",
            path: "/api/v1/webhooks".into(),
            body: Some(hook.clone()),
            expect: [201, 403, 403, 403, 403, 403, 403, 401],
        },
        Row {
            what: "a webhook",
            method: "GET",
            path: format!("/api/v1/webhooks/{id}"),
            body: None,
            expect: [200, 403, 403, 403, 403, 403, 403, 401],
        },
        Row {
            what: "change a webhook",
            method: "PUT",
            path: format!("/api/v1/webhooks/{id}"),
            body: Some(edit),
            expect: [200, 403, 403, 403, 403, 403, 403, 401],
        },
        Row {
            what: "a webhook's deliveries",
            method: "GET",
            path: format!("/api/v1/webhooks/{id}/deliveries"),
            body: None,
            expect: [200, 403, 403, 403, 403, 403, 403, 401],
        },
        Row {
            what: "an unknown webhook",
            method: "GET",
            path: "/api/v1/webhooks/9999".into(),
            body: None,
            expect: [404, 403, 403, 403, 403, 403, 403, 401],
        },
    ];
    let failures = mismatches(&t, &rows).await;
    assert!(failures.is_empty(), "{} mismatches:\n{}", failures.len(), failures.join("\n"));
    // Bad input over HTTP: a code, the field, and nothing kept.
    let before = t.call("GET", "/api/v1/webhooks", Some("admin"), None).await.json.as_array().unwrap().len();
    for (body, field) in [
        (json!({"name": "x", "url": "http://example.org/", "format": "json", "events": ["assigned"]}), "url"),
        (json!({"name": "x", "url": "https://example.org/", "format": "json", "events": []}), "events"),
        (json!({"name": "x", "url": "https://example.org/", "format": "telegram", "events": ["assigned"]}), "format"),
        (json!({"name": "x", "url": "https://example.org/", "format": "json", "events": ["sometimes"]}), "events"),
    ] {
        let res = t.call("POST", "/api/v1/webhooks", Some("admin"), Some(body.clone())).await;
        assert_eq!(res.status, 422, "{body}: {}", res.json);
        assert_eq!(
            res.json["error"]["field"].as_str().map(|f| f.split('[').next().unwrap()),
            Some(field),
            "{}",
            res.json
        );
    }
    let after = t.call("GET", "/api/v1/webhooks", Some("admin"), None).await.json.as_array().unwrap().len();
    assert_eq!(before, after);

    // The page: a refused address is said on the form, with the name and events kept.
    let (cookies, token) = crate::pages::sign_in(&t, "admin").await;
    let form = format!(
        "csrf={token}&name=%E4%B8%93%E7%8F%AD%E7%BE%A4&url=http%3A%2F%2Fexample.org%2Fx&format=dingtalk&events=overdue&active=on"
    );
    let refused = t.send(crate::pages::post_form("/admin/webhooks", &cookies, form)).await;
    assert_eq!(refused.status, 422);
    assert!(refused.text.contains("https://") && refused.text.contains("value=\"专班群\""), "{}", refused.text);
    assert!(refused.text.contains("value=\"overdue\" checked"));
    let form = format!(
        "csrf={token}&name=%E4%B8%93%E7%8F%AD%E7%BE%A4&url=https%3A%2F%2Foapi.dingtalk.com%2Frobot%2Fsend%3Faccess_token%3Dx&format=dingtalk&secret=SEC&events=overdue&active=on"
    );
    let added = t.send(crate::pages::post_form("/admin/webhooks", &cookies, form)).await;
    assert_eq!(added.status, 303);
    let to = added.headers["location"].to_str().unwrap().to_string();
    let page = t
        .send(
            axum::http::Request::builder()
                .uri(to.as_str())
                .header(axum::http::header::COOKIE, &cookies)
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert!(page.text.contains("钉钉机器人") && page.text.contains("逾期催办") && page.text.contains("已设置"));
    assert!(!page.text.contains("SEC"), "the secret is not shown");
    t.db.cleanup().await;
}

async fn each_user_sets_how_reminders_reach_them(kind: Kind) {
    let Some(t) = TestApp::new(kind).await else {
        return;
    };
    let prefs = json!({"email": "me@example.org", "email_kinds": ["overdue", "daily_digest"],
                       "quiet_from": "22:00", "quiet_until": "07:30", "english": true});
    let rows = [
        Row {
            what: "my reminder settings",
            method: "GET",
            path: "/api/v1/notices/preferences".into(),
            body: None,
            expect: [200, 200, 200, 200, 200, 200, 200, 401],
        },
        Row {
            what: "set my reminder settings",
            method: "PUT",
            path: "/api/v1/notices/preferences".into(),
            body: Some(prefs.clone()),
            expect: [200, 200, 200, 200, 200, 200, 200, 401],
        },
    ];
    let failures = mismatches(&t, &rows).await;
    assert!(failures.is_empty(), "{} mismatches:\n{}", failures.len(), failures.join("\n"));
    // Each reads back their own; this install has no mail server, and says so.
    let mine = t.call("GET", "/api/v1/notices/preferences", Some("liaison_a"), None).await;
    assert_eq!(mine.json["email"], "me@example.org");
    assert_eq!(mine.json["email_kinds"], json!(["overdue", "daily_digest"]));
    assert_eq!((mine.json["quiet_from"].as_str(), mine.json["quiet_until"].as_str()), (Some("22:00"), Some("07:30")));
    assert_eq!(mine.json["mail_available"], false);
    // Bad input: a code, the field, and nothing changed.
    for (body, status, field) in [
        (json!({"email": "no at sign", "email_kinds": []}), 422, "email"),
        (json!({"email": "", "email_kinds": ["overdue"]}), 422, "email"),
        (json!({"email": "a@example.org", "email_kinds": ["sometimes"]}), 422, "email_kinds"),
        (json!({"email": "a@example.org", "quiet_from": "7 am", "quiet_until": "08:00"}), 422, "quiet_from"),
        (json!({"email": "a@example.org", "quiet_until": "08:00"}), 422, "quiet_from"),
        (json!({"email": "a@example.org", "colour": "red"}), 400, "colour"),
    ] {
        let res = t.call("PUT", "/api/v1/notices/preferences", Some("liaison_a"), Some(body.clone())).await;
        assert_eq!(res.status, status, "{body}: {}", res.json);
        let named = res.json["error"]["field"].as_str().map(|f| f.split('[').next().unwrap().to_string());
        assert_eq!(named.as_deref(), Some(field), "{body}: {}", res.json);
    }
    let still = t.call("GET", "/api/v1/notices/preferences", Some("liaison_a"), None).await;
    assert_eq!(still.json, mine.json);

    // The page: the liaison finds it from 我的提醒, a refused time is said with what was typed kept,
    // a good one is saved and shown.
    let (cookies, token) = crate::pages::sign_in(&t, "liaison_a").await;
    let get = |path: &'static str| {
        axum::http::Request::builder()
            .uri(path)
            .header(axum::http::header::COOKIE, &cookies)
            .body(axum::body::Body::empty())
            .unwrap()
    };
    assert!(t.send(get("/notices")).await.text.contains("href=\"/notices/settings\""));
    let page = t.send(get("/notices/settings")).await;
    assert_eq!(page.status, 200);
    assert!(page.text.contains("value=\"me@example.org\"") && page.text.contains("value=\"overdue\" checked"));
    assert!(page.text.contains("尚未配置邮件服务器"), "says e-mail is not set up");
    let form = format!("csrf={token}&email=new%40example.org&email_kinds=due_soon&quiet_from=23%3A00&quiet_until=");
    let refused = t.send(crate::pages::post_form("/notices/settings", &cookies, form)).await;
    assert_eq!(refused.status, 422);
    assert!(refused.text.contains("请填写免打扰的结束时间"), "{}", refused.text);
    assert!(refused.text.contains("value=\"new@example.org\"") && refused.text.contains("value=\"due_soon\" checked"));
    let form = format!("csrf={token}&email=new%40example.org&email_kinds=due_soon&quiet_from=&quiet_until=");
    let saved = t.send(crate::pages::post_form("/notices/settings", &cookies, form)).await;
    assert_eq!(saved.status, 303);
    let after = t.send(get("/notices/settings?done=saved")).await;
    assert!(after.text.contains("已保存") && after.text.contains("value=\"new@example.org\""));
    assert!(after.text.contains("value=\"due_soon\" checked") && !after.text.contains("value=\"overdue\" checked"));
    t.db.cleanup().await;
}

both!(reminders_reach_their_readers_and_no_one_else);
both!(each_user_sets_how_reminders_reach_them);
both!(only_the_admin_keeps_webhooks_and_a_refused_form_keeps_what_was_typed);
