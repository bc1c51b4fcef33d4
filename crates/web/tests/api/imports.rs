//! 导入 as the office and a unit's liaison meet it: a unit's ledger uploaded is previewed (how
//! its columns were read, what it would add) and nothing is written until the office confirms;
//! the same file again has nothing to do; a rejected row stops the file and says its row,
//! column and reason; an unknown header is mapped on the preview; messages import with their bad
//! rows reported and the rest added once; a liaison may not import messages and is told so; a
//! forged form or a made-up file id changes nothing.

use crate::pages::{enc, get_with, post_form, sign_in};
use crate::{TestApp, both};
use app::testkit::Kind;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};

/// A multipart upload of `file` with these other fields.
fn upload(cookies: &str, fields: &[(&str, String)], file_name: &str, bytes: &[u8]) -> Request<Body> {
    let boundary = "zhenggai-import-boundary";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
        );
    }
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: text/csv\r\n\r\n").as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    Request::builder()
        .method("POST")
        .uri("/import")
        .header(header::COOKIE, cookies)
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
        .body(Body::from(body))
        .unwrap()
}

/// The value of a hidden field of the preview's form.
fn hidden(page: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let at = page.find(&marker).unwrap_or_else(|| panic!("no {name} in {page}")) + marker.len();
    page[at..].split('"').next().unwrap().to_string()
}

/// A count of the preview, by its label.
fn count(page: &str, label: &str) -> i64 {
    let marker = format!("<dt>{label}</dt><dd>");
    let at = page.find(&marker).unwrap_or_else(|| panic!("no {label} in {page}")) + marker.len();
    page[at..].split('<').next().unwrap().parse().unwrap()
}

const LEDGER: &str = "\
2026年主题教育检视问题整改台账\n\
填报单位：市住建局\n\
序号,问题描述,整改措施,责任单位,责任人,完成时限,完成情况\n\
1,老旧小区加装电梯推进慢,制定加装电梯工作方案,市住建局,张三,2026年12月31日,已启动\n\
1,老旧小区加装电梯推进慢,每月通报加装进度,市住建局,李四,2026年12月31日,已启动\n\
2,物业服务投诉多,开展物业服务专项检查,市住建局,王五,2026/12/15,\n";

async fn problems_seen(t: &TestApp) -> usize {
    t.call("GET", "/api/v1/problems?limit=200", Some("office"), None).await.json["items"].as_array().unwrap().len()
}

async fn a_ledger_is_previewed_then_applied_only_when_confirmed(kind: Kind) {
    let Some(t) = TestApp::new(kind).await else { return };
    let campaign = t.world.campaign.id.to_string();
    let (office, token) = sign_in(&t, "office").await;
    let index = t.send(get_with("/import", &office)).await;
    assert_eq!(index.status, 200, "{}", index.text);
    assert!(index.text.contains("导入整改台账") && index.text.contains("导入诉求"), "{}", index.text);
    let fields =
        |csrf: &str| vec![("csrf", csrf.to_string()), ("kind", "ledger".into()), ("campaign_id", campaign.clone())];
    // A forged form is refused before the file is read.
    let forged = t.send(upload(&office, &fields("forged"), "台账.csv", LEDGER.as_bytes())).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let rows_before = t.audit_rows().await;
    let preview = t.send(upload(&office, &fields(&token), "住建局台账.csv", LEDGER.as_bytes())).await;
    assert_eq!(preview.status, 200, "{}", preview.text);
    let p = &preview.text;
    assert!(p.contains("尚未写入任何数据") && p.contains("住建局台账.csv") && p.contains("填报单位：市住建局"), "{p}");
    assert_eq!((count(p, "文件中的问题"), count(p, "整改措施行"), count(p, "新增")), (2, 3, 2), "{p}");
    assert!(p.contains("<option value=\"问题描述\" selected>"), "the mapping shows the header read: {p}");
    assert!(p.contains("id=\"import-apply\""), "{p}");
    assert_eq!(problems_seen(&t).await, 0, "nothing is written by a preview");
    assert_eq!(t.audit_rows().await, rows_before);
    // Confirmed: both problems, with their measures, and the page says what was done.
    let staged = hidden(p, "staged");
    let form =
        format!("csrf={token}&kind=ledger&staged={staged}&name={}&campaign_id={campaign}", enc("住建局台账.csv"));
    let applied = t.send(post_form("/import/apply", &office, form.clone())).await;
    assert_eq!(applied.status, StatusCode::SEE_OTHER, "{}", applied.text);
    let to = applied.headers[header::LOCATION].to_str().unwrap().to_string();
    assert!(to.starts_with("/import?done=ledger&new=2&updated=0"), "{to}");
    let done = t.send(get_with(&to, &office)).await;
    assert!(done.text.contains("台账已导入：新增问题 2"), "{}", done.text);
    assert_eq!(problems_seen(&t).await, 2);
    let list = t.call("GET", "/api/v1/problems?q=电梯", Some("office"), None).await;
    let id = list.json["items"][0]["id"].as_i64().unwrap();
    let detail = t.call("GET", &format!("/api/v1/problems/{id}"), Some("office"), None).await;
    assert_eq!(detail.json["measures"].as_array().map(Vec::len), Some(2), "{}", detail.json);
    // The staged file is gone once applied: the same form again is told so, and adds nothing.
    let again = t.send(post_form("/import/apply", &office, form)).await;
    assert!(again.text.contains("已过期或已导入"), "{}", again.text);
    // The same file uploaded again has nothing to do, and offers no import.
    let preview = t.send(upload(&office, &fields(&token), "住建局台账.csv", LEDGER.as_bytes())).await;
    assert_eq!((count(&preview.text, "新增"), count(&preview.text, "未变")), (0, 2), "{}", preview.text);
    assert!(!preview.text.contains("id=\"import-apply\"") && preview.text.contains("没有需要导入的内容"));
    // A made-up file id is refused, not read.
    let made_up = format!("csrf={token}&kind=ledger&staged=..%2F..%2Fetc%2Fpasswd&name=x.csv");
    let refused = t.send(post_form("/import/check", &office, made_up)).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.text);
    assert!(refused.text.contains("文件标识无效"), "{}", refused.text);
    assert_eq!(problems_seen(&t).await, 2);
    t.db.cleanup().await;
}

async fn a_rejected_row_stops_the_file_and_an_unknown_header_is_mapped_on_the_preview(kind: Kind) {
    let Some(t) = TestApp::new(kind).await else { return };
    let campaign = t.world.campaign.id.to_string();
    let (office, token) = sign_in(&t, "office").await;
    let fields = vec![("csrf", token.clone()), ("kind", "ledger".into()), ("campaign_id", campaign.clone())];
    // Row 6 (after the title, the 填报单位 line and the header) has a deadline nobody can read: the file stops there and says so.
    let bad = LEDGER.replace("2026/12/15", "明年春天");
    let preview = t.send(upload(&office, &fields, "台账.csv", bad.as_bytes())).await;
    let p = &preview.text;
    assert!(p.contains("被拒绝的行") && p.contains("<td class=\"num\">6</td><td>完成时限</td>"), "{p}");
    assert!(p.contains("明年春天") && !p.contains("id=\"import-apply\"") && p.contains("整个文件不会导入"), "{p}");
    // Applying it anyway writes nothing and says why.
    let form = format!("csrf={token}&kind=ledger&staged={}&name=x.csv&campaign_id={campaign}", hidden(p, "staged"));
    let forced = t.send(post_form("/import/apply", &office, form)).await;
    assert!(forced.text.contains("文件未导入"), "{}", forced.text);
    assert_eq!(problems_seen(&t).await, 0);
    // A header nobody knows: the preview says what is missing and lists the file's headers.
    let odd = LEDGER.replace("问题描述", "存在的突出问题");
    let preview = t.send(upload(&office, &fields, "台账.csv", odd.as_bytes())).await;
    let p = &preview.text;
    assert!(p.contains("找不到台账的表头") && p.contains("<option value=\"存在的突出问题\">"), "{p}");
    let description = 4; // 问题描述 in the ledger's column order
    let form = format!(
        "csrf={token}&kind=ledger&staged={}&name=x.csv&campaign_id={campaign}&col{description}={}",
        hidden(p, "staged"),
        enc("存在的突出问题")
    );
    let mapped = t.send(post_form("/import/check", &office, form)).await;
    assert!(!mapped.text.contains("id=\"import-unknown\""), "{}", mapped.text);
    assert_eq!(count(&mapped.text, "新增"), 2, "{}", mapped.text);
    assert!(mapped.text.contains("<option value=\"存在的突出问题\" selected>"), "{}", mapped.text);
    // A header the file has but nobody knows is said aloud, not silently left out.
    let vague = LEDGER.replace("完成情况", "进展情况（截至本周）");
    let preview = t.send(upload(&office, &fields, "台账.csv", vague.as_bytes())).await;
    let p = &preview.text;
    assert!(p.contains("以下列未能识别，其内容不会导入：“进展情况（截至本周）”"), "{p}");
    assert!(p.contains("<details open id=\"import-mapping\">"), "the mapping is open: {p}");
    t.db.cleanup().await;
}

const MESSAGES: &str = "\
留言编号,留言主题,留言详情,留言时间,点赞数\n\
A1001,幸福小区噪音扰民,幸福小区旁工地夜间施工噪音大,2019/2/28 11:25:05,3\n\
A1002,公交站台破损,人民路公交站台顶棚漏雨,某天下午,0\n\
A1003,路灯不亮,滨江路路灯坏了一周,2019-03-01,1\n";

async fn messages_import_once_with_their_bad_rows_reported_and_a_liaison_is_told_no(kind: Kind) {
    let Some(t) = TestApp::new(kind).await else { return };
    let (office, token) = sign_in(&t, "office").await;
    let unit = t.world.city.id.to_string();
    let fields = vec![
        ("csrf", token.clone()),
        ("kind", "feedback".into()),
        ("unit_id", unit.clone()),
        ("channel", "hotline".into()),
    ];
    let preview = t.send(upload(&office, &fields, "12345留言.csv", MESSAGES.as_bytes())).await;
    let p = &preview.text;
    assert_eq!(preview.status, 200, "{p}");
    assert_eq!((count(p, "可导入的留言"), count(p, "新增"), count(p, "被拒绝的行")), (2, 2, 1), "{p}");
    assert!(p.contains("<td class=\"num\">3</td><td>留言时间</td><td>无法识别的时间“某天下午”</td>"), "{p}");
    assert!(p.contains("幸福小区噪音扰民") && p.contains("被拒绝的行不会导入"), "{p}");
    let feedback = || async {
        t.call("GET", "/api/v1/feedback", Some("office"), None).await.json["items"].as_array().unwrap().len()
    };
    assert_eq!(feedback().await, 0, "nothing is written by a preview");
    let form = format!(
        "csrf={token}&kind=feedback&staged={}&name={}&unit_id={unit}&channel=hotline",
        hidden(p, "staged"),
        enc("12345留言.csv")
    );
    let applied = t.send(post_form("/import/apply", &office, form)).await;
    assert_eq!(applied.status, StatusCode::SEE_OTHER, "{}", applied.text);
    let to = applied.headers[header::LOCATION].to_str().unwrap().to_string();
    assert_eq!(to, "/import?done=feedback&new=2&unchanged=0&rejected=1");
    assert_eq!(feedback().await, 2);
    let again = t.send(upload(&office, &fields, "12345留言.csv", MESSAGES.as_bytes())).await;
    assert_eq!((count(&again.text, "新增"), count(&again.text, "此前已导入")), (0, 2), "{}", again.text);
    assert!(!again.text.contains("id=\"import-apply\""));
    // 市住建局's liaison imports its ledger, not messages: the page offers only the ledger, and a
    // message file sent anyway is refused on the preview.
    let (liaison, liaison_token) = sign_in(&t, "liaison_a").await;
    let index = t.send(get_with("/import", &liaison)).await;
    assert!(index.text.contains("导入整改台账") && !index.text.contains("id=\"import-feedback\""), "{}", index.text);
    let fields = vec![("csrf", liaison_token), ("kind", "feedback".into()), ("unit_id", t.world.dept_a.id.to_string())];
    let refused = t.send(upload(&liaison, &fields, "留言.csv", MESSAGES.as_bytes())).await;
    assert!(refused.text.contains("只有专班办公室可以导入诉求"), "{}", refused.text);
    assert!(!refused.text.contains("id=\"import-apply\""));
    // A read-only user is told who imports, offered no form, and cannot send a file anyway.
    let (viewer, viewer_token) = sign_in(&t, "viewer_a").await;
    let index = t.send(get_with("/import", &viewer)).await;
    assert!(index.text.contains("导入由专班办公室和各单位联络员进行") && !index.text.contains("type=\"file\""));
    assert!(!index.text.contains("href=\"/import\""), "no 导入 in a viewer's menu");
    let fields = vec![("csrf", viewer_token), ("kind", "ledger".into())];
    let refused = t.send(upload(&viewer, &fields, "台账.csv", LEDGER.as_bytes())).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.text);
    assert!(refused.text.contains("只有专班办公室和各单位联络员可以导入"), "{}", refused.text);
    // The public is sent to sign in.
    let public = t.send(Request::builder().uri("/import").body(Body::empty()).unwrap()).await;
    assert!(public.status.is_redirection(), "{}", public.status);
    assert_eq!(feedback().await, 2);
    t.db.cleanup().await;
}

both!(
    a_ledger_is_previewed_then_applied_only_when_confirmed,
    a_rejected_row_stops_the_file_and_an_unknown_header_is_mapped_on_the_preview,
    messages_import_once_with_their_bad_rows_reported_and_a_liaison_is_told_no,
);
