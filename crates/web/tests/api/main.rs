//! The HTTP suite: the access matrix, bad input, locking and transitions over the wire, the
//! OpenAPI document, headers and cookies. Every test runs on SQLite and on PostgreSQL. This is the
//! crate's only integration-test binary: add tests to a module here.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod access;
mod access_campaign;
mod agreement;
mod browser;
mod campaign_loop;
mod contract;
mod crawl;
mod demo_campaign;
mod hot;
mod imports;
mod input;
mod leaks;
mod notices;
mod office;
mod office_pages;
mod open311;
mod open311_clients;
mod pages;
mod probes;
mod public_pages;
mod ranking;
mod reports;
mod ui;

use app::testkit::{Kind, TestDb, World};
use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::NaiveDate;
use http_body_util::BodyExt;
use serde_json::{Value, json};
use std::collections::HashMap;
use tower::ServiceExt;
use zhenggai_web as web;

#[macro_export]
macro_rules! both {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test]
            async fn sqlite() {
                super::$name(app::testkit::Kind::Sqlite).await
            }
            #[tokio::test]
            async fn postgres() {
                super::$name(app::testkit::Kind::Postgres).await
            }
        }
    )*};
}

/// The server under test, with a bearer token for each world user.
pub struct TestApp {
    pub db: TestDb,
    pub world: World,
    pub router: Router,
    pub tokens: HashMap<String, String>,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub json: Value,
    /// The body as text (pages).
    pub text: String,
    /// The body as sent (files).
    pub bytes: Vec<u8>,
}

impl Reply {
    pub fn code(&self) -> &str {
        self.json["error"]["code"].as_str().unwrap_or("")
    }
}

impl TestApp {
    pub async fn new(kind: Kind) -> Option<Self> {
        Self::with_config(kind, web::WebConfig::default()).await
    }

    pub async fn with_config(kind: Kind, config: web::WebConfig) -> Option<Self> {
        let db = TestDb::new(kind, NaiveDate::from_ymd_opt(2026, 11, 2).unwrap()).await?;
        let world = World::new(&db.app).await;
        let mut tokens = HashMap::new();
        for u in &world.users {
            let (_, secret) = db
                .app
                .create_token(&app::Actor::System("test"), u.id, "test", domain::access::TokenScope::Full, None)
                .await
                .unwrap();
            tokens.insert(u.username.clone(), secret);
        }
        let router = web::router(web::AppState::new(db.app.clone(), config));
        Some(Self { db, world, router, tokens })
    }

    /// Sends a request as `who` (a world username, or `None` for the public).
    pub async fn call(&self, method: &str, path: &str, who: Option<&str>, body: Option<Value>) -> Reply {
        let mut req = Request::builder().method(method).uri(path);
        if let Some(who) = who {
            req = req.header(header::AUTHORIZATION, format!("Bearer {}", self.tokens[who]));
        }
        let req = match body {
            Some(b) => req.header(header::CONTENT_TYPE, "application/json").body(Body::from(b.to_string())),
            None => req.body(Body::empty()),
        }
        .unwrap();
        self.send(req).await
    }

    pub async fn send(&self, req: Request<Body>) -> Reply {
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Reply { status, headers, json, text: String::from_utf8_lossy(&bytes).into_owned(), bytes: bytes.to_vec() }
    }

    /// Creates a problem as the office and returns its id.
    pub async fn problem(&self) -> i64 {
        self.problem_about("小区噪音扰民", "夜间施工").await
    }

    /// Creates a problem with this title and description as the office and returns its id.
    pub async fn problem_about(&self, title: &str, description: &str) -> i64 {
        let r = self
            .call(
                "POST",
                "/api/v1/problems",
                Some("office"),
                Some(json!({
                    "campaign_id": self.world.campaign.id,
                    "title": title,
                    "description": description,
                    "channel": "hotline",
                    "category_id": self.world.category.id
                })),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
        r.json["id"].as_i64().unwrap()
    }

    pub async fn version(&self, id: i64) -> i64 {
        self.call("GET", &format!("/api/v1/problems/{id}"), Some("admin"), None).await.json["version"].as_i64().unwrap()
    }

    /// Takes a transition as `who` with the current version.
    pub async fn act(&self, id: i64, who: &str, mut body: Value) -> Reply {
        body["version"] = json!(self.version(id).await);
        self.call("POST", &format!("/api/v1/problems/{id}/transitions"), Some(who), Some(body)).await
    }

    /// Assigns a problem to a unit (deadline from the category's limit); department A's problems
    /// get leader_a as their responsible leader.
    pub async fn assign(&self, id: i64, unit: i64) {
        let mut body = json!({"action": "assign", "lead_unit_id": unit});
        if unit == self.world.dept_a.id {
            body["responsible_leader_id"] = json!(self.world.user("leader_a").id);
        }
        let r = self.act(id, "office", body).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    }

    pub async fn audit_rows(&self) -> i64 {
        self.call("GET", "/api/v1/audit/verify", Some("admin"), None).await.json["rows_checked"].as_i64().unwrap()
    }
}

/// A report from the public portal signed with a name and a phone number.
pub(crate) fn named_submission(body: &str, name: &str) -> app::public::PublicSubmission {
    app::public::PublicSubmission { reporter_name: Some(name.into()), ..submission(body, Some("13800000000")) }
}

/// A report from the public portal with only its text and a contact.
pub(crate) fn submission(body: &str, contact: Option<&str>) -> app::public::PublicSubmission {
    app::public::PublicSubmission {
        body: body.into(),
        title: None,
        kind: None,
        campaign_id: None,
        address: None,
        latitude: None,
        longitude: None,
        reporter_name: None,
        reporter_contact: contact.map(str::to_string),
    }
}
