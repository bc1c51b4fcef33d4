//! Webhooks (issue 14) against a receiver on loopback: what happened reaches the subscriptions
//! that want it, signed; a receiver that fails is tried again later, and again; a robot gets its
//! own message form and no more than 20 messages a minute; a unit's subscription hears only of
//! its subtree.

use crate::drive::{act, assign, new_problem};
use crate::{both, date, setup};
use axum::extract::{Request, State};
use axum::http::StatusCode;
use chrono::{DateTime, Duration, TimeZone, Utc};
use domain::notice::NoticeStatus;
use domain::webhook::{Event, WebhookFormat};
use hmac::{KeyInit, Mac};
use std::sync::{Arc, Mutex};
use zhenggai_app::App;
use zhenggai_app::testkit::{Kind, World};
use zhenggai_app::webhooks::{DeliveryView, WebhookInput, WebhookView};

/// A request the receiver got: its path and query, headers and body.
#[derive(Debug, Clone)]
struct Got {
    uri: String,
    headers: axum::http::HeaderMap,
    body: String,
}

#[derive(Clone, Default)]
struct Receiver {
    got: Arc<Mutex<Vec<Got>>>,
    /// How many more requests to `/hook` to answer with 500.
    failing: Arc<Mutex<u32>>,
}

async fn receive(State(r): State<Receiver>, req: Request) -> (StatusCode, String) {
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, 1 << 20).await.unwrap();
    let got = Got { uri: parts.uri.to_string(), headers: parts.headers, body: String::from_utf8_lossy(&bytes).into() };
    r.got.lock().unwrap().push(got);
    if parts.uri.path() == "/hook" {
        let mut failing = r.failing.lock().unwrap();
        if *failing > 0 {
            *failing -= 1;
            return (StatusCode::INTERNAL_SERVER_ERROR, "down for maintenance".into());
        }
        return (StatusCode::OK, "ok".into());
    }
    // The robots answer 200 with their error code in the body.
    (StatusCode::OK, r#"{"errcode":0,"errmsg":"ok"}"#.into())
}

async fn receiver() -> (Receiver, String) {
    let r = Receiver::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = axum::Router::new().fallback(receive).with_state(r.clone());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (r, format!("http://{addr}"))
}

fn at(m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    domain::clock::CHINA.with_ymd_and_hms(2026, m, d, h, min, 0).unwrap().with_timezone(&Utc)
}

fn hook(name: &str, url: String, format: WebhookFormat, secret: Option<&str>, events: &[Event]) -> WebhookInput {
    serde_json::from_value(serde_json::json!({
        "name": name, "url": url, "format": format, "secret": secret, "events": events,
    }))
    .unwrap()
}

async fn deliveries(app: &App, w: &World, hook: &WebhookView) -> Vec<DeliveryView> {
    app.webhook_deliveries(&w.admin, hook.id, None, None).await.unwrap()
}

async fn events_reach_their_subscriptions_signed_and_retried(kind: Kind) {
    let Some((db, w)) = setup(kind, date(2026, 11, 30)).await else {
        return;
    };
    let app = &db.app;
    db.clock.set(at(11, 30, 7, 0));
    let (r, base) = receiver().await;
    let json = app
        .create_webhook(
            &w.admin,
            &hook("台账对接", format!("{base}/hook"), WebhookFormat::Json, Some("s3cret"), &[Event::Assigned]),
        )
        .await
        .unwrap();
    assert!(json.has_secret);
    let ding = app
        .create_webhook(
            &w.admin,
            &hook(
                "专班钉钉群",
                format!("{base}/robot/send?access_token=abc"),
                WebhookFormat::Dingtalk,
                Some("secret"),
                &[Event::Assigned],
            ),
        )
        .await
        .unwrap();
    let mut scoped = hook("乙局群", format!("{base}/wecom"), WebhookFormat::Wecom, None, &[Event::Assigned]);
    scoped.unit_id = Some(w.dept_a_sub.id);
    let wecom = app.create_webhook(&w.admin, &scoped).await.unwrap();
    // The first turn starts the outbox here: nothing that happened before is sent.
    app.run_scheduler("node-a").await.unwrap();
    assert_eq!(app.deliver_due("node-a").await.unwrap(), 0);

    let id = new_problem(app, &w).await;
    act(app, &w.office, id, assign(&w)).await.unwrap();
    let turn = app.run_scheduler("node-a").await.unwrap();
    assert_eq!(turn.queued, 2, "assigned, to the JSON hook and the robot; not to the sub-unit's group: {turn:?}");
    *r.failing.lock().unwrap() = 2;
    assert_eq!(app.deliver_due("node-a").await.unwrap(), 2);
    let first = deliveries(app, &w, &json).await;
    assert_eq!((first[0].status, first[0].attempts, first[0].response_status), (NoticeStatus::Pending, 1, Some(500)));
    assert!(first[0].last_error.as_deref().is_some_and(|e| e.contains("down for maintenance")));
    assert_eq!(first[0].next_attempt_at, Some(at(11, 30, 7, 1)), "tried again a minute later");
    assert!(deliveries(app, &w, &wecom).await.is_empty());

    // Not before it is due; then a second failure, five minutes; then it goes through.
    db.clock.set(at(11, 30, 7, 0) + Duration::seconds(30));
    assert_eq!(app.deliver_due("node-a").await.unwrap(), 0);
    db.clock.set(at(11, 30, 7, 1));
    assert_eq!(app.deliver_due("node-a").await.unwrap(), 1);
    let second = &deliveries(app, &w, &json).await[0];
    assert_eq!((second.attempts, second.next_attempt_at), (2, Some(at(11, 30, 7, 6))));
    db.clock.set(at(11, 30, 7, 6));
    assert_eq!(app.deliver_due("node-a").await.unwrap(), 1);
    let sent = &deliveries(app, &w, &json).await[0];
    assert_eq!((sent.status, sent.attempts, sent.response_status), (NoticeStatus::Sent, 3, Some(200)));

    // What the receiver got: the same body three times, signed with the subscription's secret.
    let got = r.got.lock().unwrap().clone();
    let hooks: Vec<&Got> = got.iter().filter(|g| g.uri == "/hook").collect();
    assert_eq!(hooks.len(), 3);
    let body: serde_json::Value = serde_json::from_str(&hooks[2].body).unwrap();
    assert_eq!(body["event"], "assigned");
    assert_eq!(body["problem"]["id"], id.get());
    assert_eq!(body["problem"]["lead_unit"]["id"], w.dept_a.id.get());
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(b"s3cret").unwrap();
    mac.update(hooks[2].body.as_bytes());
    let expected = format!("sha256={}", hex::encode(mac.finalize().into_bytes()));
    assert_eq!(hooks[2].headers["x-zhenggai-signature"], expected.as_str());
    assert_eq!(hooks[2].headers["x-zhenggai-event"], "assigned");
    assert!(hooks.iter().all(|h| h.body == hooks[0].body), "every attempt sends the same body");

    // The robot: DingTalk's markdown, its signed address.
    let robot = got.iter().find(|g| g.uri.starts_with("/robot/send")).expect("the robot was posted to");
    let query: std::collections::HashMap<String, String> = robot
        .uri
        .split('?')
        .nth(1)
        .unwrap()
        .split('&')
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap();
            (k.to_string(), v.to_string())
        })
        .collect();
    assert_eq!(query["access_token"], "abc");
    let ts: i64 = query["timestamp"].parse().unwrap();
    assert_eq!(query["sign"], zhenggai_app::robots::dingtalk_sign(ts, "secret"));
    let message: serde_json::Value = serde_json::from_str(&robot.body).unwrap();
    assert_eq!(message["msgtype"], "markdown");
    assert!(message["markdown"]["text"].as_str().unwrap().contains("分办"), "{message}");
    assert_eq!(deliveries(app, &w, &ding).await[0].status, NoticeStatus::Sent);
    db.cleanup().await;
}

async fn a_robot_gets_at_most_twenty_messages_a_minute(kind: Kind) {
    let Some((db, w)) = setup(kind, date(2026, 11, 30)).await else {
        return;
    };
    let app = &db.app;
    db.clock.set(at(11, 30, 7, 0));
    let (r, base) = receiver().await;
    let wecom = app
        .create_webhook(
            &w.admin,
            &hook("专班群", format!("{base}/wecom"), WebhookFormat::Wecom, None, &[Event::ProblemCreated]),
        )
        .await
        .unwrap();
    app.run_scheduler("node-a").await.unwrap();
    // Twenty-one problems one after another, each sent on its own turn within one minute.
    for n in 0..21 {
        new_problem(app, &w).await;
        app.run_scheduler("node-a").await.unwrap();
        app.deliver_due("node-a").await.unwrap();
        db.clock.set(at(11, 30, 7, 0) + Duration::seconds(2 * (n + 1)));
    }
    let posted = r.got.lock().unwrap().iter().filter(|g| g.uri == "/wecom").count();
    assert_eq!(posted, 20, "the twenty-first waits for the next minute");
    let log = deliveries(app, &w, &wecom).await;
    assert_eq!(log.iter().filter(|d| d.status == NoticeStatus::Pending).count(), 1);
    assert_eq!(log[0].attempts, 0, "waiting for the robot's minute is not a failed attempt");
    // A minute on, what waited goes out — five more problems with it, as one message.
    for _ in 0..5 {
        new_problem(app, &w).await;
    }
    app.run_scheduler("node-a").await.unwrap();
    // The twenty-first waits until 07:01:40, a minute after the robot's limit was reached.
    db.clock.set(at(11, 30, 7, 1) + Duration::seconds(45));
    app.deliver_due("node-a").await.unwrap();
    let got = r.got.lock().unwrap().clone();
    let wecoms: Vec<&Got> = got.iter().filter(|g| g.uri == "/wecom").collect();
    assert_eq!(wecoms.len(), 21);
    let last: serde_json::Value = serde_json::from_str(&wecoms[20].body).unwrap();
    let text = last["markdown"]["content"].as_str().unwrap();
    assert!(text.contains("6 条新消息"), "one message of six: {text}");
    assert!(deliveries(app, &w, &wecom).await.iter().all(|d| d.status == NoticeStatus::Sent));
    db.cleanup().await;
}

async fn bad_subscriptions_are_refused_and_only_the_admin_keeps_them(kind: Kind) {
    let Some((db, w)) = setup(kind, date(2026, 11, 30)).await else {
        return;
    };
    let app = &db.app;
    let good = hook("对接", "https://example.org/hook".into(), WebhookFormat::Json, Some("k"), &[Event::Assigned]);
    let cases = [
        ("url", hook("对接", "http://example.org/hook".into(), WebhookFormat::Json, None, &[Event::Assigned])),
        ("url", hook("对接", "ftp://example.org/".into(), WebhookFormat::Json, None, &[Event::Assigned])),
        ("url", hook("对接", "不是网址".into(), WebhookFormat::Json, None, &[Event::Assigned])),
        ("events", hook("对接", "https://example.org/hook".into(), WebhookFormat::Json, None, &[])),
        ("name", hook(" ", "https://example.org/hook".into(), WebhookFormat::Json, None, &[Event::Assigned])),
        (
            "secret",
            hook(
                "企微",
                "https://qyapi.weixin.qq.com/x?key=1".into(),
                WebhookFormat::Wecom,
                Some("s"),
                &[Event::Assigned],
            ),
        ),
    ];
    for (field, input) in &cases {
        let e = app.create_webhook(&w.admin, input).await.unwrap_err();
        assert_eq!(e.field(), Some(*field), "{input:?}: {e:?}");
    }
    assert!(app.list_webhooks(&w.admin).await.unwrap().is_empty(), "nothing was kept");
    for who in [&w.office, &w.supervisor, &w.liaison_a] {
        assert_eq!(app.create_webhook(who, &good).await.unwrap_err().code(), domain::Code::Forbidden);
        assert_eq!(app.list_webhooks(who).await.unwrap_err().code(), domain::Code::Forbidden);
    }
    let made = app.create_webhook(&w.admin, &good).await.unwrap();
    // A change that leaves the secret out keeps it; a stale version is refused.
    let change = WebhookInput { secret: None, version: Some(made.version), active: false, ..good.clone() };
    let changed = app.update_webhook(&w.admin, made.id, &change).await.unwrap();
    assert!(changed.has_secret && !changed.active);
    let stale = app.update_webhook(&w.admin, made.id, &change).await.unwrap_err();
    assert_eq!(stale.code(), domain::Code::StaleVersion);
    let missing = app.get_webhook(&w.admin, domain::WebhookId::new(999)).await.unwrap_err();
    assert_eq!(missing.code(), domain::Code::NotFound);
    db.cleanup().await;
}

both!(events_reach_their_subscriptions_signed_and_retried);
both!(a_robot_gets_at_most_twenty_messages_a_minute);
both!(bad_subscriptions_are_refused_and_only_the_admin_keeps_them);
