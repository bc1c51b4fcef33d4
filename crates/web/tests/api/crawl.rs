//! The crawl of issue 11: signed in as each role, and as the public, every link on every page
//! reachable from the menu answers below 400, and no page shows a raw code (`problem.`, `_id`,
//! `{"error"`). The install holds a problem in each of several states, a report with a photo, a
//! declined report and a published problem, so that the pages have their links to follow.

use crate::pages::sign_in;
use crate::{TestApp, both};
use app::transitions::{Assignment, Transition, TransitionRequest};
use axum::body::Body;
use axum::http::{Request, header};
use std::collections::{BTreeSet, VecDeque};

/// Pages a crawl reads at most per reader: enough to reach every kind of page from the menu.
const MAX_PAGES: usize = 150;

/// Text that must never reach a reader: wire codes, field names and JSON errors.
const RAW: [&str; 4] = ["problem.", "_id", "{\"error\"", "feedback."];

/// Fills the install with something on every page.
async fn fill(t: &TestApp) {
    let app = &t.db.app;
    let w = &t.world;
    let act = async |who: &app::Actor, id: domain::ProblemId, tr: Transition| {
        let v = app.get_problem(who, id).await.unwrap().summary.version;
        app.transition(who, id, &TransitionRequest::new(v, tr)).await.unwrap();
    };
    let assign = || {
        Transition::Assign(Assignment {
            responsible_leader_id: Some(w.user("leader_a").id),
            ..Assignment::to(w.dept_a.id)
        })
    };
    let new = async |title: &str| {
        let input = app::problems::NewProblemInput::new(
            w.campaign.id,
            title,
            "夜间施工噪音扰民。",
            domain::feedback::Channel::Hotline,
        );
        app.create_problem(&w.office, &input).await.unwrap().summary.id
    };
    let _waiting = new("待分办的问题").await;
    let assigned = new("整改中的问题").await;
    act(&w.office, assigned, assign()).await;
    let closed = new("已销号的问题").await;
    act(&w.office, closed, assign()).await;
    act(
        &w.liaison_a,
        closed,
        Transition::Submit { report: "已整改".into(), no_evidence_reason: Some("制度类".into()) },
    )
    .await;
    act(&w.leader_a, closed, Transition::Approve { note: Some("同意".into()) }).await;
    act(&w.supervisor, closed, Transition::Accept { note: "整改到位".into() }).await;
    act(&w.office, closed, Transition::Publish).await;
    let png = std::fs::read(crate::browser::png_file(t.db.dir.path())).unwrap();
    let submission = app::public::PublicSubmission {
        address: Some("幸福路".into()),
        ..crate::submission("幸福路的井盖丢了，晚上有人踩空。", Some("13800000000"))
    };
    app.public_submit(&submission, Some(("井盖.png", &png))).await.unwrap();
    let declined = app
        .create_feedback(
            &w.office,
            &app::feedback::FeedbackInput {
                unit_id: Some(w.city.id),
                ..app::feedback::FeedbackInput::new(domain::feedback::Channel::Hotline, "咨询公积金提取")
            },
        )
        .await
        .unwrap()
        .0;
    app.dismiss_feedback(&w.office, declined.id, "属咨询类，已电话答复").await.unwrap();
}

/// The internal links of a page worth following with GET: not the sign-out, not a file.
fn links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find("href=\"") {
        rest = &rest[at + 6..];
        let Some(end) = rest.find('"') else { break };
        let href = rest[..end].replace("&amp;", "&").replace("&#38;", "&");
        if href.starts_with('/') && !href.starts_with("//") && !href.starts_with("/static/") && !href.contains("logout")
        {
            out.push(href.split('#').next().unwrap_or_default().to_string());
        }
    }
    out
}

/// Reads every page reachable from `start` (breadth first, up to [`MAX_PAGES`]) with `cookies`;
/// returns what failed.
async fn crawl(t: &TestApp, who: &str, cookies: &str, start: &[&str]) -> (usize, Vec<String>) {
    let mut seen: BTreeSet<String> = start.iter().map(|s| s.to_string()).collect();
    let mut queue: VecDeque<String> = start.iter().map(|s| s.to_string()).collect();
    let mut failures = Vec::new();
    let mut read = 0;
    while let Some(path) = queue.pop_front() {
        if read >= MAX_PAGES {
            break;
        }
        read += 1;
        let mut req = Request::builder().uri(&path);
        if !cookies.is_empty() {
            req = req.header(header::COOKIE, cookies);
        }
        let res = t.send(req.body(Body::empty()).unwrap()).await;
        if res.status.as_u16() >= 400 {
            failures.push(format!("{who} {path}: {}", res.status));
            continue;
        }
        let html = res.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
        if !html.starts_with("text/html") {
            continue;
        }
        // What a reader reads: the text between tags, not attribute values or scripts.
        let text = visible_text(&res.text);
        for raw in RAW {
            if text.contains(raw) {
                let at = text.find(raw).unwrap_or(0);
                let start = text[..at].char_indices().rev().nth(20).map_or(0, |(i, _)| i);
                let around: String = text[start..].chars().take(60).collect();
                failures.push(format!("{who} {path}: shows {raw:?} in …{around}…"));
            }
        }
        for link in links(&res.text) {
            if seen.insert(link.clone()) {
                queue.push_back(link);
            }
        }
    }
    (read, failures)
}

/// The text of a page as shown: tags dropped.
fn visible_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

async fn every_link_from_the_menu_answers_and_no_page_shows_a_raw_code(kind: app::testkit::Kind) {
    let Some(t) = TestApp::new(kind).await else { return };
    fill(&t).await;
    let mut failures = Vec::new();
    for who in ["office", "liaison_a", "leader_a", "supervisor", "viewer_a", "admin"] {
        let (cookies, _) = sign_in(&t, who).await;
        let (read, failed) = crawl(&t, who, &cookies, &["/"]).await;
        assert!(read >= 10, "{who} reached only {read} pages");
        failures.extend(failed);
    }
    let (read, failed) = crawl(&t, "public", "", &["/portal"]).await;
    assert!(read >= 3, "the public reached only {read} pages");
    failures.extend(failed);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    t.db.cleanup().await;
}

both!(every_link_from_the_menu_answers_and_no_page_shows_a_raw_code);
