//! The public's pages and what reaches staff from them, without a browser (issue 11): a published
//! problem's page, a citizen's photo, and the portal's form filing once.

use crate::pages::{form_token, get_with, multipart, post_form, set_cookie, sign_in};
use crate::{TestApp, both};
use app::testkit::Kind;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};

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

/// Item 16 of issue 11: a reply addressed to one reporter (答复来信人) reaches that reporter's
/// tracking page alone — not another reporter of the same problem, not the public page, not the
/// public API — and a public reply that names a reporter is flagged before it goes out. Photos the
/// office shows are marked 整改前 and 整改后, those of the problem as found first.
async fn a_reply_to_one_reporter_reaches_that_reporter_alone(kind: Kind) {
    let Some(t) = TestApp::new(kind).await else { return };
    let app = &t.db.app;
    let first =
        app.public_submit(&crate::named_submission("建设路路灯不亮，晚上很黑。", "张三丰"), None).await.unwrap();
    let second = app.public_submit(&crate::named_submission("建设路的路灯坏了好几盏。", "李四光"), None).await.unwrap();
    let alone = app.public_submit(&crate::named_submission("和平路有人占道经营。", "王五"), None).await.unwrap();
    let inbox = t.call("GET", "/api/v1/feedback?limit=200", Some("office"), None).await;
    let id_of = |code: &str| {
        let track = inbox.json["items"].as_array().unwrap().iter().find(|f| f["tracking_code"] == code);
        track.unwrap_or_else(|| panic!("{code} in {}", inbox.json))["id"].as_i64().unwrap()
    };
    let (f1, f2, f3) = (id_of(&first.tracking_code), id_of(&second.tracking_code), id_of(&alone.tracking_code));
    // A report not on the list has no problem to answer from yet.
    let r = t
        .call(
            "POST",
            &format!("/api/v1/feedback/{f3}/reply"),
            Some("office"),
            Some(serde_json::json!({"reply": "您好"})),
        )
        .await;
    assert_eq!((r.status, r.code()), (StatusCode::CONFLICT, "conflict"), "{}", r.json);
    let input = app::problems::NewProblemInput {
        feedback_ids: vec![domain::FeedbackId::new(f1), domain::FeedbackId::new(f2)],
        ..app::problems::NewProblemInput::new(
            t.world.campaign.id,
            "建设路路灯不亮",
            "建设路多盏路灯不亮。",
            domain::feedback::Channel::Portal,
        )
    };
    let id = app.create_problem(&t.world.office, &input).await.unwrap().summary.id.get();
    t.assign(id, t.world.dept_a.id.get()).await;
    // A unit that may not see the report is told nothing of it.
    let r = t
        .call(
            "POST",
            &format!("/api/v1/feedback/{f1}/reply"),
            Some("liaison_b"),
            Some(serde_json::json!({"reply": "您好"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.json);
    // A blank reply is refused on that report's form, which stays open.
    let (liaison, token) = sign_in(&t, "liaison_a").await;
    let blank = t
        .send(post_form(
            &format!("/feedback/{f1}/reply"),
            &liaison,
            format!("csrf={token}&problem_id={id}&reply=%20%20"),
        ))
        .await;
    assert_eq!(blank.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", blank.text);
    let form = blank.text.find(&format!("action=\"/feedback/{f1}/reply\"")).expect("the reply form");
    let open = blank.text[..form].rfind("<details").unwrap();
    assert!(blank.text[open..form].contains(" open"), "the refused form is open");
    assert!(blank.text[form..].split("</form>").next().unwrap().contains("role=\"alert\""), "said on that form");
    let written = "张三丰您好：您反映的建设路3号门前路灯已于本周更换灯头，如仍不亮请再联系我们。";
    let sent = t
        .send(post_form(
            &format!("/feedback/{f1}/reply"),
            &liaison,
            format!("csrf={token}&problem_id={id}&reply={}", crate::pages::enc(written)),
        ))
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.text);
    assert_eq!(sent.headers[header::LOCATION], format!("/problems/{id}?done=reply#report-{f1}").as_str());
    let page = t.send(get_with(&format!("/problems/{id}?done=reply"), &liaison)).await;
    assert!(page.text.contains(written) && page.text.contains("操作成功"), "{}", page.text);
    let timeline = page.text.split("<h2>办理过程</h2>").nth(1).expect("the timeline").split("</ol>").next().unwrap();
    assert!(timeline.contains(" 答复来信人</li>"), "the timeline says it: {timeline}");
    // Only the first reporter reads it.
    let track = |code: String| {
        t.send(Request::builder().uri(format!("/portal/track?code={code}")).body(Body::empty()).unwrap())
    };
    let mine = track(first.tracking_code.clone()).await;
    assert!(mine.text.contains("id=\"track-reply-to-you\"") && mine.text.contains(written), "{}", mine.text);
    let theirs = track(second.tracking_code.clone()).await;
    assert_eq!(theirs.status, StatusCode::OK);
    assert!(!theirs.text.contains(written) && !theirs.text.contains("track-reply-to-you"), "{}", theirs.text);
    let api = t.call("GET", &format!("/api/v1/public/track/{}", second.tracking_code), None, None).await;
    assert!(api.json["reply_to_you"].is_null(), "{}", api.json);
    let api = t.call("GET", &format!("/api/v1/public/track/{}", first.tracking_code), None, None).await;
    assert_eq!(api.json["reply_to_you"]["body"], written);
    // A public reply that names a reporter is flagged; the personal reply stays off the public page.
    let r = t
        .call(
            "PATCH",
            &format!("/api/v1/problems/{id}"),
            Some("liaison_a"),
            Some(
                serde_json::json!({"version": t.version(id).await, "public_reply": "李四光同志反映的路灯问题已修复。"}),
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    let detail = t.call("GET", &format!("/api/v1/problems/{id}"), Some("office"), None).await;
    let flags: Vec<_> = detail.json["reply_flags"].as_array().unwrap().iter().map(|f| f["code"].clone()).collect();
    assert!(flags.contains(&serde_json::json!("names_reporter")), "{}", detail.json["reply_flags"]);
    // Before and after photos, chosen by the office, labelled on the public page.
    let png = std::fs::read(crate::browser::png_file(t.db.dir.path())).unwrap();
    let mut photos = vec![];
    for phase in ["after", "before"] {
        let up = t
            .send(
                Request::builder()
                    .method("POST")
                    .uri(format!("/api/v1/problems/{id}/evidence?file_name={phase}.png&phase={phase}"))
                    .header(header::AUTHORIZATION, format!("Bearer {}", t.tokens["liaison_a"]))
                    .header(header::CONTENT_TYPE, "application/octet-stream")
                    .body(Body::from(png.clone()))
                    .unwrap(),
            )
            .await;
        assert_eq!(up.status, StatusCode::CREATED, "{}", up.text);
        assert_eq!(up.json["phase"], phase);
        photos.push(up.json["id"].as_i64().unwrap());
    }
    let bad = t
        .send(
            Request::builder()
                .method("POST")
                .uri(format!("/api/v1/problems/{id}/evidence?file_name=x.png&phase=during"))
                .header(header::AUTHORIZATION, format!("Bearer {}", t.tokens["liaison_a"]))
                .header(header::CONTENT_TYPE, "application/octet-stream")
                .body(Body::from(png.clone()))
                .unwrap(),
        )
        .await;
    assert_eq!(bad.status.as_u16() / 100, 4, "an unknown phase is refused: {}", bad.text);
    let (office, office_token) = sign_in(&t, "office").await;
    for evidence in &photos {
        let chosen = t
            .send(post_form(
                &format!("/evidence/{evidence}/public"),
                &office,
                format!("csrf={office_token}&problem_id={id}&public=yes"),
            ))
            .await;
        assert_eq!(chosen.status, StatusCode::SEE_OTHER, "{}", chosen.text);
    }
    let r = t.act(id, "office", serde_json::json!({"action": "publish"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    let number = detail.json["number"].as_str().unwrap().to_string();
    let public =
        t.send(Request::builder().uri(format!("/portal/published/{number}")).body(Body::empty()).unwrap()).await;
    assert_eq!(public.status, StatusCode::OK, "{}", public.text);
    assert!(!public.text.contains(written), "the personal reply is not public");
    let before = public.text.find(&format!("src=\"/portal/evidence/{}\"", photos[1])).expect("the before photo");
    let after = public.text.find(&format!("src=\"/portal/evidence/{}\"", photos[0])).expect("the after photo");
    assert!(before < after, "the problem as found comes first");
    assert!(public.text[before..after].contains("<figcaption>整改前</figcaption>"), "{}", public.text);
    assert!(public.text[after..].contains("<figcaption>整改后</figcaption>"));
    let api = t.call("GET", &format!("/api/v1/public/problems/{number}"), None, None).await;
    assert!(!api.text.contains(written), "nor in the public API");
    let phases: Vec<_> = api.json["photos"].as_array().unwrap().iter().map(|p| p["phase"].clone()).collect();
    assert_eq!(phases.len(), 2, "{}", api.json);
    assert!(phases.contains(&serde_json::json!("before")) && phases.contains(&serde_json::json!("after")));
    t.db.cleanup().await;
}

both!(
    a_published_problem_has_a_public_page,
    a_citizens_photo_reaches_the_staff_who_may_see_the_report,
    the_portal_files_a_report_once_however_often_its_form_is_sent,
    a_reply_to_one_reporter_reaches_that_reporter_alone,
);
