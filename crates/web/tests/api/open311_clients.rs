//! Real Open311 clients from PyPI against a server on loopback (issue 14): georeport lists the
//! services, reads a definition, lists and reads requests in json and in xml; civicbot's client
//! does the same in json and posts a request with attributes (its rate limiter at 0). Every call
//! succeeds, and the posted request is then feedback in the ledger.

use crate::open311::service_and_key;
use crate::{TestApp, both};
use app::testkit::Kind;
use serde_json::{Value, json};

async fn georeport_and_civicbot_work_against_the_server(kind: Kind) {
    let Some(python) = app::testkit::python_clients() else {
        return;
    };
    let Some(t) = TestApp::new(kind).await else {
        return;
    };
    let (code, key) = service_and_key(&t).await;
    let id = t.problem_about("和平路路灯不亮", "和平路12号门前路灯不亮").await;
    t.assign(id, t.world.dept_a.id.get()).await;
    assert_eq!(t.act(id, "office", json!({"action": "publish"})).await.status, 200);
    let number = t.call("GET", &format!("/api/v1/problems/{id}"), Some("office"), None).await.json["number"]
        .as_str()
        .unwrap()
        .to_string();
    let addr = crate::browser::serve(&t.db).await;
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/api/py/open311_clients.py");
    let args = vec![
        script.display().to_string(),
        format!("http://{addr}/open311/v2"),
        key.clone(),
        code.clone(),
        number.clone(),
    ];
    // The clients block; the server runs on this test's runtime meanwhile.
    let out = tokio::task::spawn_blocking(move || std::process::Command::new(python).args(&args).output())
        .await
        .unwrap()
        .expect("run the clients");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "the clients failed:\n{stderr}");
    let seen: Value = serde_json::from_slice(out.stdout.trim_ascii()).expect("one JSON line");
    eprintln!("the clients saw: {seen}");
    for fmt in ["json", "xml"] {
        assert_eq!(seen[format!("georeport_{fmt}_services")], json!([code]), "{fmt}");
        assert_eq!(
            seen[format!("georeport_{fmt}_attributes")],
            json!(["note", "lamp", "faults", "pole", "count", "since"]),
            "{fmt}"
        );
        assert_eq!(seen[format!("georeport_{fmt}_open")], json!([number]), "{fmt}");
        assert_eq!(seen[format!("georeport_{fmt}_by_id")], json!([number]), "{fmt}");
        assert_eq!(seen[format!("georeport_{fmt}_one")], json!(number), "{fmt}");
    }
    assert_eq!(seen["civicbot_services"], json!([code]));
    assert_eq!(seen["civicbot_one"], json!(number));
    let posted = seen["civicbot_posted"].as_str().unwrap();
    assert_eq!(seen["civicbot_posted_read"], json!(posted));
    assert_eq!(seen["civicbot_token"], json!(posted));
    // The posted request is feedback in the ledger, of the Open311 channel, with its answers.
    let listed = t.call("GET", "/api/v1/feedback?limit=200", Some("office"), None).await;
    let item = listed.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["tracking_code"] == posted)
        .unwrap_or_else(|| panic!("{posted} is not in the ledger: {}", listed.json))
        .clone();
    assert_eq!(item["channel"], "open311");
    assert!(item["body"].as_str().unwrap().contains("路灯坏了好几个月"));
    let read = t.call("GET", &format!("/open311/v2/requests/{posted}.json?extensions=true"), None, None).await;
    let answers = &read.json[0]["extended_attributes"]["attributes"];
    assert!(
        answers.as_array().unwrap().iter().any(|a| a["code"] == "faults" && a["values"] == json!(["dark", "flicker"]))
    );
    t.db.cleanup().await;
}

both!(georeport_and_civicbot_work_against_the_server);
