//! What probing the install as an attacker found (issue 9), each kept from coming back: redirects
//! to another origin, 500s from a control character in a redirect target, the public API without a
//! rate limit, public endpoints that answer 401 to a stale session cookie.

use crate::pages::{new_browser, set_cookie};
use crate::{TestApp, both};
use app::testkit::{Kind, password_of};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::json;
use zhenggai_web as web;

fn get(uri: &str) -> Request<Body> {
    Request::builder().uri(uri).body(Body::empty()).unwrap()
}

fn location(res: &crate::Reply) -> &str {
    res.headers.get(header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or("")
}

async fn redirects_stay_on_this_site_and_a_bad_target_falls_back_to_the_start(kind: Kind) {
    let Some(t) = TestApp::new(kind).await else { return };
    let evil = [
        "/%09/other.host",
        "/%0a/other.host",
        "//other.host",
        "/%5Cother.host",
        "https://other.host/",
        "/%252F%252Fother.host/%2509",
        "/%01",
        "/%7F",
    ];
    for back in evil {
        let res = t.send(get(&format!("/lang?to=en&back={back}"))).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{back}");
        assert_eq!(location(&res), "/", "lang back={back}");
    }
    let res = t.send(get("/lang?to=en&back=/problems%3Fstatus%3Dnew%26lang%3Dzh")).await;
    assert_eq!(location(&res), "/problems?status=new", "a local path is kept, without its lang");
    // The login form carries only a safe target, and signing in with a bad one lands on the start.
    for next in evil {
        let page = t.send(get(&format!("/login?next={next}"))).await;
        assert_eq!(page.status, StatusCode::OK, "{next}");
        assert!(page.text.contains("name=\"next\" value=\"/\""), "{next}");
        let (cookie, token) = new_browser(&t, "/login").await;
        let form = format!("csrf={token}&username=office&password={}&next={next}", password_of("office"));
        let res = t
            .send(
                Request::builder()
                    .method("POST")
                    .uri("/login")
                    .header(header::COOKIE, cookie)
                    .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .body(Body::from(form))
                    .unwrap(),
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "login with next={next}");
        assert_eq!(location(&res), "/", "login with next={next}");
        assert!(set_cookie(&res, "zg_session").is_some());
    }
    t.db.cleanup().await;
}

async fn the_public_api_is_rate_limited_like_the_portal(kind: Kind) {
    let Some(t) = TestApp::new(kind).await else { return };
    let post = |ip: &str, i: usize| {
        let mut req = Request::builder()
            .method("POST")
            .uri("/api/v1/public/feedback")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(json!({"body": format!("第{i}次：复制来的问题原文")}).to_string()))
            .unwrap();
        req.extensions_mut()
            .insert(axum::extract::ConnectInfo(format!("{ip}:40000").parse::<std::net::SocketAddr>().unwrap()));
        req
    };
    let mut statuses = Vec::new();
    for i in 0..30 {
        statuses.push(t.send(post("10.9.9.9", i)).await.status.as_u16());
    }
    assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 5, "{statuses:?}");
    let refused = t.send(post("10.9.9.9", 99)).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(refused.code(), "rate_limited");
    let retry: u64 = refused.headers[header::RETRY_AFTER].to_str().unwrap().parse().unwrap();
    assert!((1..=600).contains(&retry), "{retry}");
    assert_eq!(t.send(post("10.9.9.8", 0)).await.status, StatusCode::CREATED, "another client is not held back");
    let stored = t.call("GET", "/api/v1/feedback?limit=200", Some("admin"), None).await;
    assert_eq!(stored.json["items"].as_array().unwrap().len(), 6, "the refused ones were not stored");
    t.db.cleanup().await;
}

async fn public_endpoints_ignore_a_stale_session_and_private_ones_need_a_user(kind: Kind) {
    let Some(t) = TestApp::new(kind).await else { return };
    let stale = "zg_session=zgs_this-session-ended-long-ago-0000000000000";
    let with_stale = |method: &str, uri: &str, body: Option<serde_json::Value>| {
        let req = Request::builder().method(method).uri(uri).header(header::COOKIE, stale);
        match body {
            Some(b) => req.header(header::CONTENT_TYPE, "application/json").body(Body::from(b.to_string())),
            None => req.body(Body::empty()),
        }
        .unwrap()
    };
    let receipt = t.send(with_stale("POST", "/api/v1/public/feedback", Some(json!({"body": "路灯不亮"})))).await;
    assert_eq!(receipt.status, StatusCode::CREATED, "{}", receipt.text);
    let code = receipt.json["tracking_code"].as_str().unwrap();
    for uri in [
        format!("/api/v1/public/track/{code}"),
        "/api/v1/public/problems".to_string(),
        "/api/v1/health".to_string(),
        "/portal".to_string(),
        "/portal/published".to_string(),
    ] {
        assert_eq!(t.send(with_stale("GET", &uri, None)).await.status, StatusCode::OK, "{uri}");
    }
    let rating = json!({"tracking_code": code, "rating_key": "wrong", "solved": true, "satisfaction": "satisfied"});
    assert_eq!(t.send(with_stale("POST", "/api/v1/public/ratings", Some(rating))).await.status, StatusCode::FORBIDDEN);
    // Private endpoints still want a user, anonymous or stale.
    for uri in ["/api/v1/recurrences", "/api/v1/hot", "/api/v1/ratings/pending", "/api/v1/search?q=路灯"] {
        assert_eq!(t.call("GET", uri, None, None).await.status, StatusCode::UNAUTHORIZED, "{uri}");
        assert_eq!(t.send(with_stale("GET", uri, None)).await.status, StatusCode::UNAUTHORIZED, "{uri}");
    }
    t.db.cleanup().await;
}

async fn failed_logins_slow_the_guesser_behind_a_trusted_proxy_and_not_the_real_user(kind: Kind) {
    let config = web::WebConfig { trusted_proxies: vec!["10.0.0.0/8".parse().unwrap()], ..web::WebConfig::default() };
    let Some(t) = TestApp::with_config(kind, config).await else { return };
    let login = |forwarded_for: &str, password: &str| {
        let mut req = Request::builder()
            .method("POST")
            .uri("/api/v1/auth/login")
            .header(header::CONTENT_TYPE, "application/json")
            .header("x-forwarded-for", forwarded_for)
            .body(Body::from(json!({"username": "office", "password": password}).to_string()))
            .unwrap();
        req.extensions_mut()
            .insert(axum::extract::ConnectInfo("10.0.0.1:40000".parse::<std::net::SocketAddr>().unwrap()));
        req
    };
    for _ in 0..5 {
        assert_eq!(t.send(login("203.0.113.5", "wrong password!")).await.status, StatusCode::UNAUTHORIZED);
    }
    let held = t.send(login("203.0.113.5", &password_of("office"))).await;
    assert_eq!(held.status, StatusCode::TOO_MANY_REQUESTS, "the guesser waits");
    assert!(held.headers.contains_key(header::RETRY_AFTER));
    // The same proxy forwards the real user from elsewhere: the guesses do not count against them.
    let ok = t.send(login("198.51.100.7, 10.0.0.3", &password_of("office"))).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
    t.db.cleanup().await;
}

both!(
    failed_logins_slow_the_guesser_behind_a_trusted_proxy_and_not_the_real_user,
    redirects_stay_on_this_site_and_a_bad_target_falls_back_to_the_start,
    the_public_api_is_rate_limited_like_the_portal,
    public_endpoints_ignore_a_stale_session_and_private_ones_need_a_user,
);
