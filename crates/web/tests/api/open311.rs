//! Open311 GeoReport v2 conformance (issue 14): every endpoint in `.json` and `.xml`, the
//! specification's error form and statuses, the api_key, jurisdictions, the request list's filters
//! and defaults, the extensions, and bad input of every kind refused with nothing stored.

use crate::{TestApp, both};
use app::testkit::Kind;
use axum::body::Body;
use axum::http::{Request, header};
use serde_json::{Value, json};

/// An Open311 answer: its status, content type, text and (for JSON) value.
struct Answer {
    status: u16,
    content_type: String,
    text: String,
    json: Value,
}

async fn get(t: &TestApp, path: &str) -> Answer {
    let req = Request::builder().uri(path).body(Body::empty()).unwrap();
    answer(t, req).await
}

async fn post(t: &TestApp, path: &str, form: &str) -> Answer {
    let req = Request::builder()
        .method("POST")
        .uri(path)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded; charset=utf-8")
        .body(Body::from(form.to_string()))
        .unwrap();
    answer(t, req).await
}

async fn answer(t: &TestApp, req: Request<Body>) -> Answer {
    let r = t.send(req).await;
    let content_type =
        r.headers.get(header::CONTENT_TYPE).and_then(|h| h.to_str().ok()).unwrap_or_default().to_string();
    Answer { status: r.status.as_u16(), content_type, text: r.text, json: r.json }
}

/// The text of every element of this name in an XML answer, in order.
fn xml_texts(xml: &str, name: &str) -> Vec<String> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut out = Vec::new();
    let mut inside = false;
    let mut text = String::new();
    loop {
        match reader.read_event().expect("well-formed XML") {
            quick_xml::events::Event::Start(e) if e.name().as_ref() == name.as_bytes() => {
                inside = true;
                text.clear();
            }
            quick_xml::events::Event::Empty(e) if e.name().as_ref() == name.as_bytes() => out.push(String::new()),
            quick_xml::events::Event::Text(e) if inside => text.push_str(&e.decode().unwrap()),
            quick_xml::events::Event::GeneralRef(e) if inside => {
                let name = e.decode().unwrap();
                text.push_str(match name.as_ref() {
                    "lt" => "<",
                    "gt" => ">",
                    "amp" => "&",
                    "quot" => "\"",
                    _ => "'",
                });
            }
            quick_xml::events::Event::End(e) if e.name().as_ref() == name.as_bytes() => {
                inside = false;
                out.push(text.clone());
            }
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    out
}

/// Sets the world's category up as a service with every datatype, and returns its code and an
/// Open311 key.
pub(crate) async fn service_and_key(t: &TestApp) -> (String, String) {
    let w = &t.world;
    let code = w.category.id.to_string();
    let settings = json!({
        "description": "路灯不亮、闪烁或倒伏",
        "keywords": ["路灯", "照明"],
        "fields": [
            {"code": "note", "variable": false, "datatype": "text", "order": 1, "description": "请尽量注明灯杆编号"},
            {"code": "lamp", "datatype": "singlevaluelist", "required": true, "order": 2, "description": "哪种灯",
             "values": [{"key": "street", "name": "路灯"}, {"key": "yard", "name": "院灯"}]},
            {"code": "faults", "datatype": "multivaluelist", "order": 3, "description": "故障",
             "values": [{"key": "dark", "name": "不亮"}, {"key": "flicker", "name": "闪烁"}]},
            {"code": "pole", "datatype": "string", "order": 4, "description": "灯杆编号"},
            {"code": "count", "datatype": "number", "order": 5, "description": "几盏"},
            {"code": "since", "datatype": "datetime", "order": 6, "description": "何时开始"}
        ]
    });
    let set = t.call("PUT", &format!("/api/v1/categories/{code}/service"), Some("admin"), Some(settings.clone())).await;
    assert_eq!(set.status, 200, "{}", set.json);
    let refused = t.call("PUT", &format!("/api/v1/categories/{code}/service"), Some("office"), Some(settings)).await;
    assert_eq!(refused.status, 403);
    let office = t.world.user("office").id;
    let (_, key) =
        t.db.app
            .create_token(&app::Actor::System("test"), office, "市民App", domain::access::TokenScope::Open311, None)
            .await
            .unwrap();
    (code, key)
}

async fn feedback_count(t: &TestApp) -> usize {
    let f = t.call("GET", "/api/v1/feedback?limit=200", Some("admin"), None).await;
    f.json["items"].as_array().map_or(0, Vec::len)
}

async fn every_resource_in_json_and_xml_as_the_specification_says(kind: Kind) {
    let Some(t) = TestApp::new(kind).await else {
        return;
    };
    let (code, key) = service_and_key(&t).await;

    // Discovery.
    let d = get(&t, "/open311/v2/discovery.json").await;
    assert_eq!((d.status, d.content_type.as_str()), (200, "application/json; charset=utf-8"));
    assert_eq!(d.json["endpoints"][0]["specification"], "http://wiki.open311.org/GeoReport_v2");
    assert_eq!(d.json["endpoints"][0]["formats"], json!(["application/json", "text/xml"]));
    for field in ["changeset", "contact", "key_service"] {
        assert!(d.json[field].as_str().is_some_and(|v| !v.is_empty()), "{field}");
    }
    let dx = get(&t, "/open311/v2/discovery.xml").await;
    assert_eq!((dx.status, dx.content_type.as_str()), (200, "text/xml; charset=utf-8"));
    assert!(dx.text.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<discovery>"), "{}", dx.text);
    assert_eq!(xml_texts(&dx.text, "format"), ["application/json", "text/xml"]);

    // Services: the leaf category, with its group, keywords and metadata.
    let s = get(&t, "/open311/v2/services.json").await;
    assert_eq!(s.status, 200);
    let service = &s.json[0];
    assert_eq!(service["service_code"], code.as_str(), "codes are strings");
    assert_eq!(service["service_name"], t.world.category.name.as_str());
    assert_eq!((service["metadata"].as_bool(), service["type"].as_str()), (Some(true), Some("realtime")));
    assert_eq!(service["keywords"], "路灯,照明");
    assert_eq!(service["description"], "路灯不亮、闪烁或倒伏");
    let sx = get(&t, "/open311/v2/services.xml").await;
    assert_eq!(xml_texts(&sx.text, "service_code"), [code.as_str()]);
    assert_eq!(xml_texts(&sx.text, "metadata"), ["true"]);

    // A service's definition: every datatype, in order, with the lists' values.
    let def = get(&t, &format!("/open311/v2/services/{code}.json")).await;
    assert_eq!(def.status, 200, "{}", def.text);
    assert_eq!(def.json["service_code"], code.as_str());
    let attrs = def.json["attributes"].as_array().unwrap();
    let codes: Vec<&str> = attrs.iter().map(|a| a["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["note", "lamp", "faults", "pole", "count", "since"]);
    let types: Vec<&str> = attrs.iter().map(|a| a["datatype"].as_str().unwrap()).collect();
    assert_eq!(types, ["text", "singlevaluelist", "multivaluelist", "string", "number", "datetime"]);
    assert_eq!(attrs[0]["variable"], false);
    assert_eq!((attrs[1]["required"].as_bool(), attrs[1]["order"].as_u64()), (Some(true), Some(2)));
    assert_eq!(attrs[1]["values"], json!([{"key": "street", "name": "路灯"}, {"key": "yard", "name": "院灯"}]));
    let defx = get(&t, &format!("/open311/v2/services/{code}.xml")).await;
    assert!(defx.text.contains("<service_definition><service_code>"), "{}", defx.text);
    assert_eq!(xml_texts(&defx.text, "key"), ["street", "yard", "dark", "flicker"]);

    // A post: a form with a point, every kind of attribute, contacts; answered with the id.
    let before = feedback_count(&t).await;
    let form = format!(
        "api_key={key}&service_code={code}&lat=30.27&long=120.15&address_string=%E5%92%8C%E5%B9%B3%E8%B7%AF12%E5%8F%B7\
         &description=%E8%B7%AF%E7%81%AF%E5%9D%8F%E4%BA%86%E5%A5%BD%E5%87%A0%E4%B8%AA%E6%9C%88\
         &attribute[lamp]=street&attribute[faults][]=dark&attribute[faults][]=flicker&attribute[pole]=P-17\
         &attribute[count]=2&attribute[since]=2026-10-01T20:00:00%2B08:00\
         &email=a%40example.org&first_name=%E5%BC%A0&last_name=%E4%B8%89&phone=13800000000&account_id=acc-1"
    );
    let posted = post(&t, "/open311/v2/requests.json", &form).await;
    assert_eq!(posted.status, 201, "{}", posted.text);
    let id = posted.json[0]["service_request_id"].as_str().unwrap().to_string();
    assert!(posted.json[0].get("token").is_none(), "an id, never a token as well");
    assert_eq!(posted.json[0]["account_id"], "acc-1");
    assert!(posted.json[0]["service_notice"].as_str().unwrap().contains(&id));
    assert_eq!(feedback_count(&t).await, before + 1);
    // In the ledger: feedback of the Open311 channel, with the reporter's contact kept private.
    let listed = t.call("GET", "/api/v1/feedback?limit=200", Some("office"), None).await;
    let mine =
        listed.json["items"].as_array().unwrap().iter().find(|f| f["tracking_code"] == id.as_str()).unwrap().clone();
    assert_eq!(mine["channel"], "open311");
    assert_eq!(mine["body"], "路灯坏了好几个月");
    // Read back by its id: an array of one, with the answers under the extensions.
    let one = get(&t, &format!("/open311/v2/requests/{id}.json?extensions=true")).await;
    assert_eq!(one.status, 200, "{}", one.text);
    let r = &one.json.as_array().unwrap()[0];
    assert_eq!(one.json.as_array().unwrap().len(), 1);
    assert_eq!((r["service_request_id"].as_str(), r["status"].as_str()), (Some(id.as_str()), Some("open")));
    assert_eq!(
        (r["service_code"].as_str(), r["lat"].as_f64(), r["long"].as_f64()),
        (Some(code.as_str()), Some(30.27), Some(120.15))
    );
    assert_eq!(r["address"], "和平路12号");
    assert!(r["requested_datetime"].as_str().unwrap().ends_with("+08:00"));
    assert_eq!(r["extended_attributes"]["status"], "FOR_TRIAGE");
    let answers = &r["extended_attributes"]["attributes"];
    assert!(
        answers.as_array().unwrap().iter().any(|a| a["code"] == "faults" && a["values"] == json!(["dark", "flicker"]))
    );
    assert_eq!(r["notes"][0]["type"], "received");
    let plain = get(&t, &format!("/open311/v2/requests/{id}.json")).await;
    assert!(plain.json[0].get("notes").is_none(), "extensions only when asked");
    let onex = get(&t, &format!("/open311/v2/requests/{id}.xml")).await;
    assert!(onex.text.contains("<service_requests><request><service_request_id>"), "{}", onex.text);
    assert_eq!(xml_texts(&onex.text, "status"), ["open"]);
    // The token call answers with the id.
    let tok = get(&t, &format!("/open311/v2/tokens/{id}.json")).await;
    assert_eq!(tok.json, json!([{"service_request_id": id, "token": id}]));
    // Posting in XML answers in XML.
    let form_x = format!(
        "api_key={key}&service_code={code}&address_id=A-17&attribute[lamp]=yard&description=%E9%99%A2%E7%81%AF%E4%B8%8D%E4%BA%AE"
    );
    let px = post(&t, "/open311/v2/requests.xml", &form_x).await;
    assert_eq!((px.status, px.content_type.as_str()), (201, "text/xml; charset=utf-8"), "{}", px.text);
    assert_eq!(xml_texts(&px.text, "service_request_id").len(), 1);

    // The list shows published problems only, in the window, by service and status.
    let open = t.problem_about("和平路路灯不亮", "和平路12号门前路灯不亮，联系人13912345678").await;
    t.assign(open, t.world.dept_a.id.get()).await;
    let hidden = t.problem_about("未公开的问题", "不公开").await;
    assert!(get(&t, "/open311/v2/requests.json").await.json.as_array().unwrap().is_empty(), "nothing published yet");
    assert_eq!(t.act(open, "office", json!({"action": "publish"})).await.status, 200);
    let list = get(&t, "/open311/v2/requests.json").await;
    assert_eq!(list.status, 200);
    let items = list.json.as_array().unwrap();
    assert_eq!(items.len(), 1, "{}", list.text);
    let number = items[0]["service_request_id"].as_str().unwrap().to_string();
    assert!(number.starts_with("ZT-") || number.contains('-'), "{number}");
    assert_eq!(items[0]["status"], "open");
    assert_eq!(items[0]["agency_responsible"], t.world.dept_a.name.as_str());
    assert!(items[0]["expected_datetime"].as_str().is_some_and(|d| d.ends_with("23:59:59+08:00")));
    assert!(!list.text.contains("13912345678"), "contacts are masked");
    assert!(!list.text.contains("未公开的问题"), "problem {hidden} is not published");
    for (query, n) in [
        ("status=open", 1),
        ("status=closed", 0),
        ("status=ACTION_SCHEDULED", 1),
        (&format!("service_code={code}") as &str, 1),
        ("service_code=999999", 0),
        ("start_date=2026-01-01T00:00:00%2B08:00&end_date=2026-03-01T00:00:00%2B08:00", 0),
        ("page=2&page_size=1", 0),
        ("page=1&page_size=1", 1),
    ] {
        let l = get(&t, &format!("/open311/v2/requests.json?{query}")).await;
        assert_eq!((l.status, l.json.as_array().map(Vec::len)), (200, Some(n)), "{query}: {}", l.text);
    }
    let both = get(&t, &format!("/open311/v2/requests.json?service_request_id={number},{id}&status=closed")).await;
    let ids: Vec<&str> =
        both.json.as_array().unwrap().iter().map(|r| r["service_request_id"].as_str().unwrap()).collect();
    assert_eq!(ids, [number.as_str(), id.as_str()], "ids override every other filter");
    let lx = get(&t, "/open311/v2/requests.xml").await;
    assert_eq!(xml_texts(&lx.text, "service_request_id"), [number.as_str()]);
    let ups = get(&t, "/open311/v2/servicerequestupdates.json").await;
    assert_eq!(ups.status, 200, "{}", ups.text);
    assert!(ups.json.as_array().unwrap().iter().any(|u| u["service_request_id"] == number.as_str()));
    let upx = get(&t, "/open311/v2/servicerequestupdates.xml").await;
    assert!(upx.text.contains("<service_request_updates><request_update>"), "{}", upx.text);

    // One jurisdiction: its id is accepted, another is not found.
    let root = &t.world.city;
    let jid = root.code.clone().filter(|c| !c.is_empty()).unwrap_or_else(|| root.id.to_string());
    assert_eq!(get(&t, &format!("/open311/v2/services.json?jurisdiction_id={jid}")).await.status, 200);
    let wrong = get(&t, "/open311/v2/services.json?jurisdiction_id=elsewhere.example").await;
    assert_eq!((wrong.status, wrong.json[0]["code"].as_u64()), (404, Some(404)));
    // Several jurisdictions: then it is required.
    t.db.app.create_unit(&t.world.admin, None, "邻市", Some("neighbour.example")).await.unwrap();
    let missing = get(&t, "/open311/v2/services.json").await;
    assert_eq!(missing.status, 400, "{}", missing.text);
    assert!(missing.json[0]["description"].as_str().unwrap().contains("jurisdiction_id is required"));
    assert_eq!(get(&t, "/open311/v2/services.json?jurisdiction_id=neighbour.example").await.status, 200);
    assert_eq!(
        get(&t, &format!("/open311/v2/requests/{number}.json?jurisdiction_id=neighbour.example")).await.status,
        404
    );
    t.db.cleanup().await;
}

async fn bad_input_gets_the_specified_error_and_nothing_is_stored(kind: Kind) {
    let Some(t) = TestApp::new(kind).await else {
        return;
    };
    let (code, key) = service_and_key(&t).await;
    let full = t.tokens["office"].clone();
    let good = format!("api_key={key}&service_code={code}&lat=30.27&long=120.15&attribute[lamp]=street&description=ok");
    let cases: Vec<(&str, String, String, u16)> = vec![
        (
            "missing service_code",
            "requests.json".into(),
            format!("api_key={key}&lat=30.27&long=120.15&description=x"),
            400,
        ),
        (
            "unknown service_code",
            "requests.json".into(),
            good.replace(&format!("service_code={code}"), "service_code=999999"),
            404,
        ),
        ("lat out of range", "requests.json".into(), good.replace("lat=30.27", "lat=95"), 400),
        ("long not a number", "requests.json".into(), good.replace("long=120.15", "long=east"), 400),
        (
            "no location",
            "requests.json".into(),
            format!("api_key={key}&service_code={code}&attribute[lamp]=street"),
            400,
        ),
        (
            "description over 4,000",
            "requests.json".into(),
            good.replace("description=ok", &format!("description={}", "x".repeat(4001))),
            400,
        ),
        (
            "HTML in the description",
            "requests.json".into(),
            good.replace("description=ok", "description=%3Cb%3Ehi%3C%2Fb%3E"),
            400,
        ),
        ("no api_key", "requests.json".into(), good.replace(&format!("api_key={key}&"), ""), 403),
        ("a wrong api_key", "requests.json".into(), good.replace(&key, "zgt_wrong"), 403),
        ("a full token as api_key", "requests.json".into(), good.replace(&key, &full), 403),
        ("a required attribute left out", "requests.json".into(), good.replace("&attribute[lamp]=street", ""), 400),
        ("a value not in the list", "requests.json".into(), good.replace("lamp]=street", "lamp]=moon"), 400),
        ("an unknown attribute", "requests.json".into(), format!("{good}&attribute[colour]=red"), 400),
        ("a number that is not", "requests.json".into(), format!("{good}&attribute[count]=two"), 400),
        ("an unknown jurisdiction", "requests.json".into(), format!("{good}&jurisdiction_id=elsewhere"), 404),
        ("a 10 MB body", "requests.json".into(), format!("{good}&media_url={}", "x".repeat(10 * 1024 * 1024)), 400),
        ("an unknown format", "requests.csv".into(), good.clone(), 400),
    ];
    let before = feedback_count(&t).await;
    for (what, resource, form, status) in &cases {
        let a = post(&t, &format!("/open311/v2/{resource}"), form).await;
        assert_eq!(a.status, *status, "{what}: {}", a.text);
        let errors = a.json.as_array().unwrap_or_else(|| panic!("{what}: errors are an array: {}", a.text));
        assert!(
            errors[0]["code"].is_u64() && errors[0]["description"].as_str().is_some_and(|d| !d.is_empty()),
            "{what}"
        );
        assert_eq!(a.content_type, "application/json; charset=utf-8", "{what}");
    }
    assert_eq!(feedback_count(&t).await, before, "nothing stored");
    // In XML, the errors are XML.
    let x = post(&t, "/open311/v2/requests.xml", &good.replace(&key, "zgt_wrong")).await;
    assert_eq!(x.status, 403);
    assert!(x.text.contains("<errors><error><code>403</code><description>"), "{}", x.text);
    // Not a form at all.
    let req = Request::builder()
        .method("POST")
        .uri("/open311/v2/requests.json")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from("{}"))
        .unwrap();
    assert_eq!(answer(&t, req).await.status, 400);
    // The read side: unknown resources, services and requests are 404; bad filters 400.
    for (path, status) in [
        ("/open311/v2/services/999999.json", 404),
        ("/open311/v2/services/street-lights.xml", 404),
        ("/open311/v2/requests/ZT-2099-999999.json", 404),
        ("/open311/v2/requests/nonsense.json", 404),
        ("/open311/v2/tokens/nonsense.json", 404),
        ("/open311/v2/nothing.json", 404),
        ("/open311/v2/services.html", 400),
        ("/open311/v2/services", 400),
        ("/open311/v2/requests.json?status=maybe", 400),
        ("/open311/v2/requests.json?start_date=yesterday", 400),
        ("/open311/v2/requests.json?start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z", 400),
        ("/open311/v2/requests.json?page_size=1001", 400),
        ("/open311/v2/requests.json?page=0", 400),
        ("/open311/v2/requests.json?service_code=lights", 400),
    ] {
        let a = get(&t, path).await;
        assert_eq!(a.status, status, "{path}: {}", a.text);
        assert!(a.json[0]["description"].is_string() || a.text.contains("<errors>"), "{path}: {}", a.text);
    }
    // The admin's settings refuse bad fields with the field named.
    for (fields, field) in [
        (json!([{"code": "a b", "datatype": "string", "order": 1, "description": "x"}]), "fields[0].code"),
        (
            json!([{"code": "a", "datatype": "string", "order": 1, "description": "x"},
                {"code": "a", "datatype": "string", "order": 2, "description": "y"}]),
            "fields[1].code",
        ),
        (json!([{"code": "a", "datatype": "singlevaluelist", "order": 1, "description": "x"}]), "fields[0].values"),
        (json!([{"code": "a", "datatype": "string", "order": 0, "description": "x"}]), "fields[0].order"),
    ] {
        let r = t
            .call("PUT", &format!("/api/v1/categories/{code}/service"), Some("admin"), Some(json!({"fields": fields})))
            .await;
        assert_eq!((r.status.as_u16(), r.json["error"]["field"].as_str()), (422, Some(field)), "{}", r.json);
    }
    let kept = t.call("GET", &format!("/api/v1/categories/{code}/service"), Some("admin"), None).await;
    assert_eq!(kept.json["fields"].as_array().map(Vec::len), Some(6), "refused settings change nothing");
    t.db.cleanup().await;
}

both!(
    every_resource_in_json_and_xml_as_the_specification_says,
    bad_input_gets_the_specified_error_and_nothing_is_stored
);
