//! The demo a newcomer opens (issue 13): the campaign's goals, research topics, study sessions and
//! mechanisms are listed by the API, and the campaign page shows every section, filled.

use app::generate::{DemoSpec, demo};
use app::testkit::{Kind, TestDb};
use axum::body::Body;
use axum::http::{Request, header};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;
use zhenggai_web as web;

async fn send(router: &axum::Router, req: Request<Body>) -> (u16, Option<String>, String) {
    let res = router.clone().oneshot(req).await.unwrap();
    let status = res.status().as_u16();
    let cookie = res.headers().get(header::SET_COOKIE).and_then(|v| v.to_str().ok()).map(str::to_string);
    let body = String::from_utf8_lossy(&res.into_body().collect().await.unwrap().to_bytes()).into_owned();
    (status, cookie, body)
}

async fn the_demo_fills_every_part_of_the_campaign(kind: Kind) {
    let Some(db) = TestDb::new(kind, chrono::NaiveDate::from_ymd_opt(2026, 11, 2).unwrap()).await else { return };
    demo(&db.app, &DemoSpec { feedback: 300, problems: 30, ..DemoSpec::default() }, None).await.unwrap();
    let router = web::router(web::AppState::new(db.app.clone(), web::WebConfig::default()));
    let login = json!({"username": "office", "password": "office-zhenggai-2026"});
    let req = Request::post("/api/v1/auth/login")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(login.to_string()))
        .unwrap();
    let (status, cookie, body) = send(&router, req).await;
    assert_eq!(status, 200, "{body}");
    let session = cookie.unwrap().split(';').next().unwrap().to_string();
    let get = |path: &str| Request::get(path).header(header::COOKIE, &session).body(Body::empty()).unwrap();
    for path in ["/api/v1/goals", "/api/v1/research/topics", "/api/v1/study/sessions", "/api/v1/mechanisms"] {
        let (status, _, body) = send(&router, get(path)).await;
        assert_eq!(status, 200, "{path}: {body}");
        let listed: Value = serde_json::from_str(&body).unwrap();
        assert!(!listed.as_array().unwrap().is_empty(), "{path} lists what the demo made");
    }
    let (status, _, page) = send(&router, get("/campaign")).await;
    assert_eq!(status, 200);
    for section in ["campaign-goals", "campaign-research", "campaign-problems", "campaign-mechanisms", "campaign-study"]
    {
        let at = page.find(&format!("id=\"{section}\"")).unwrap_or_else(|| panic!("{section} missing"));
        let end = page[at..].find("</section>").unwrap() + at;
        let numbers: Vec<u32> = page[at..end]
            .split(|c: char| !c.is_ascii_digit())
            .filter_map(|n| n.parse().ok())
            .filter(|n| *n > 0)
            .collect();
        assert!(!numbers.is_empty(), "{section} shows figures: {}", &page[at..end]);
    }
    db.cleanup().await;
}

crate::both!(the_demo_fills_every_part_of_the_campaign);
