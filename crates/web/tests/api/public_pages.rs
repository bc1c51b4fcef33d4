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

both!(
    a_published_problem_has_a_public_page,
    a_citizens_photo_reaches_the_staff_who_may_see_the_report,
    the_portal_files_a_report_once_however_often_its_form_is_sent,
);
