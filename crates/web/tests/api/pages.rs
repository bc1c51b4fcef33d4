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

pub(crate) fn post_form(path: &str, cookies: &str, body: String) -> Request<Body> {
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

pub(crate) fn multipart(path: &str, cookies: &str, csrf: &str, file_name: &str, bytes: &[u8]) -> Request<Body> {
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

/// Every link on the page to a list of problems, with the count it shows.
pub(crate) fn list_links(page: &str) -> Vec<(String, i64)> {
    let mut out = Vec::new();
    let mut rest = page;
    while let Some(at) = rest.find("<a href=\"/problems?") {
        let tail = &rest[at + 9..];
        let end = tail.find('"').unwrap();
        let href = tail[..end].replace("&amp;", "&").replace("&#38;", "&");
        let text_start = tail.find('>').unwrap() + 1;
        let text_end = tail[text_start..].find('<').unwrap() + text_start;
        if let Ok(count) = tail[text_start..text_end].parse() {
            out.push((href, count));
        }
        rest = &tail[text_end..];
    }
    out
}

/// How many problems a list page shows.
pub(crate) fn rows_listed(page: &str) -> i64 {
    let Some(body) = page.split("<tbody>").nth(1) else { return 0 };
    body.split("</tbody>").next().unwrap_or_default().matches("<tr>").count() as i64
}

/// A form value, percent-encoded.
pub(crate) fn enc(s: &str) -> String {
    s.bytes().map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
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

pub(crate) fn get_with(path: &str, cookies: &str) -> Request<Body> {
    Request::builder().uri(path).header(header::COOKIE, cookies).body(Body::empty()).unwrap()
}

both!(
    a_form_without_its_csrf_token_gets_403_and_changes_nothing,
    an_upload_that_lies_or_is_too_large_is_refused_with_a_message_and_not_stored,
    pages_need_a_sign_in_and_the_portal_does_not,
    the_portal_limits_how_often_one_client_may_submit,
    search_over_the_api_and_the_page_finds_marks_and_hides_by_unit,
    a_cookie_authenticated_write_from_another_site_is_refused,
    errors_are_pages_of_the_site_with_the_readers_menu,
    an_action_is_confirmed_on_the_page_it_leads_back_to,
);
