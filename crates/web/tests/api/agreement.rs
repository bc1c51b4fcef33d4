//! Pages and API agree on what a reader may do: for every role and every state, the problem page
//! offers a form for exactly the actions the API would accept now. The API is asked without
//! changing anything: a transition sent with a stale version is refused with `stale_version` only
//! once it is legal from the state, meaningful now and allowed to the caller (those checks come
//! first).

use crate::pages::sign_in;
use crate::{TestApp, both};
use app::testkit::Kind;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use domain::workflow::Action;
use serde_json::json;
use std::collections::BTreeSet;

const READERS: [&str; 8] =
    ["admin", "office", "supervisor", "liaison_a", "leader_a", "viewer_a", "liaison_b", "office_a"];

/// The actions whose forms the problem page shows to the signed-in reader (none when the page is
/// not theirs to see).
async fn offered(t: &TestApp, cookies: &str, id: i64) -> BTreeSet<String> {
    let Some(text) = page(t, cookies, id).await else {
        return BTreeSet::new();
    };
    let marker = "name=\"action\" value=\"";
    text.match_indices(marker).map(|(at, _)| text[at + marker.len()..].split('"').next().unwrap().to_string()).collect()
}

/// The problem page as the signed-in reader sees it (none when it is not theirs to see).
async fn page(t: &TestApp, cookies: &str, id: i64) -> Option<String> {
    let page = t
        .send(
            Request::builder()
                .uri(format!("/problems/{id}"))
                .header(header::COOKIE, cookies)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    if page.status == StatusCode::NOT_FOUND {
        return None;
    }
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    Some(page.text)
}

/// The actions the API would take from `who` now.
async fn accepted(t: &TestApp, who: &str, id: i64) -> BTreeSet<String> {
    let stale = t.version(id).await - 1;
    let mut out = BTreeSet::new();
    for action in Action::ALL {
        let body = json!({"action": action.as_str(), "version": stale});
        let r = t.call("POST", &format!("/api/v1/problems/{id}/transitions"), Some(who), Some(body)).await;
        match r.code() {
            "stale_version" => {
                out.insert(action.as_str().to_string());
            }
            // `conflict`: legal in the state but meaningless now (nothing pending, nothing published…).
            "illegal_transition" | "conflict" | "forbidden" | "not_found" => {}
            other => panic!("{who} {action} on {id}: unexpected {other} {}", r.json),
        }
    }
    out
}

async fn pages_offer_exactly_the_actions_the_api_accepts(kind: Kind) {
    let Some(t) = TestApp::new(kind).await else {
        return;
    };
    let a = t.world.dept_a.id.get();
    let ok = |r: crate::Reply| assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    // One problem in each state the workflow knows.
    let new = t.problem().await;
    let assigned = t.problem().await;
    t.assign(assigned, a).await;
    let at_leader = t.problem().await;
    t.assign(at_leader, a).await;
    ok(t.act(at_leader, "liaison_a", json!({"action": "submit", "report": "已整改", "no_evidence_reason": "制度类"}))
        .await);
    let at_verifier = t.problem().await;
    t.assign(at_verifier, a).await;
    ok(t.act(
        at_verifier,
        "liaison_a",
        json!({"action": "submit", "report": "已整改", "no_evidence_reason": "制度类"}),
    )
    .await);
    ok(t.act(at_verifier, "leader_a", json!({"action": "approve"})).await);
    let closed = t.problem().await;
    t.assign(closed, a).await;
    ok(t.act(closed, "liaison_a", json!({"action": "submit", "report": "已整改", "no_evidence_reason": "制度类"}))
        .await);
    ok(t.act(closed, "leader_a", json!({"action": "approve"})).await);
    ok(t.act(closed, "supervisor", json!({"action": "accept", "note": "整改到位"})).await);
    // The same state with everything that makes more actions mean something: a flag to lift, a
    // public page to withdraw, an extension request to decide.
    let busy = t.problem().await;
    t.assign(busy, a).await;
    ok(t.act(busy, "supervisor", json!({"action": "flag", "colour": "yellow", "reason": "督办"})).await);
    ok(t.act(busy, "office", json!({"action": "publish"})).await);
    ok(t.act(
        busy,
        "liaison_a",
        json!({"action": "request_extension", "new_deadline": "2030-06-30", "reason": "施工周期长"}),
    )
    .await);
    let dismissed = t.problem().await;
    ok(t.act(dismissed, "office", json!({"action": "dismiss", "reason": "不属于受理范围"})).await);
    let merged = t.problem().await;
    let target = t.problem().await;
    ok(t.act(merged, "office", json!({"action": "merge", "target_problem_id": target})).await);

    let mut disagreements = Vec::new();
    let mut offered_somewhere = BTreeSet::new();
    for who in READERS {
        let (cookies, _) = sign_in(&t, who).await;
        for (state, id) in [
            ("new", new),
            ("assigned", assigned),
            ("flagged, published, extension pending", busy),
            ("leader stage", at_leader),
            ("verifier stage", at_verifier),
            ("closed", closed),
            ("dismissed", dismissed),
            ("merged", merged),
        ] {
            let page = offered(&t, &cookies, id).await;
            let api = accepted(&t, who, id).await;
            offered_somewhere.extend(page.iter().cloned());
            if page != api {
                disagreements
                    .push(format!("{who} on the {state} problem: page offers {page:?}, the API accepts {api:?}"));
            }
        }
    }
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
    // The comparison means something only if the pages offer actions at all: every action is
    // offered to someone in some state.
    let all: BTreeSet<String> = Action::ALL.iter().map(|a| a.as_str().to_string()).collect();
    assert_eq!(offered_somewhere, all);
    // What the office reads beside the actions: a published problem says so; publishing one not yet
    // signed off is labelled as such; a callback starts with nothing chosen.
    let (office, _) = sign_in(&t, "office").await;
    let busy_page = page(&t, &office, busy).await.unwrap();
    assert!(busy_page.contains("<span class=\"tag\">已公示</span>"), "the published badge");
    let assigned_page = page(&t, &office, assigned).await.unwrap();
    assert!(!assigned_page.contains("<span class=\"tag\">已公示</span>"));
    assert!(assigned_page.contains("公示（整改中）") && assigned_page.contains("状态显示为“整改中”"));
    let closed_page = page(&t, &office, closed).await.unwrap();
    assert!(closed_page.contains(">公示</button>") && !closed_page.contains("公示（整改中）"));
    assert!(
        closed_page.contains("name=\"satisfaction\" required><option value=\"\">请选择</option>"),
        "a callback chooses"
    );
    t.db.cleanup().await;
}

both!(pages_offer_exactly_the_actions_the_api_accepts);
