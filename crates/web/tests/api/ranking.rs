//! 三率排名 as the office and the units meet it: the page ranks the units with every count a
//! link, and each link's list holds exactly as many problems as the count says; the list says
//! which figure it shows and keeps it when refiltered; the office takes a problem out of scoring
//! from its page (a reason required, said on the form) and puts it back; the API answers the same
//! and refuses a unit's liaison.

use crate::pages::{enc, get_with, list_links, post_form, rows_listed, sign_in};
use crate::{TestApp, both};
use app::testkit::Kind;
use serde_json::json;

/// Every link on the page that opens a ranking figure, with the count it shows.
fn figure_links(page: &str) -> Vec<(String, i64)> {
    list_links(page).into_iter().filter(|(href, _)| href.contains("counted=")).collect()
}

async fn the_ranking_page_links_each_figure_to_exactly_its_records(kind: Kind) {
    let Some(t) = TestApp::new(kind).await else { return };
    let w = &t.world;
    for unit in [w.dept_a.id.get(), w.dept_a.id.get(), w.dept_b.id.get()] {
        let id = t.problem().await;
        t.assign(id, unit).await;
    }
    let submitted = t.problem().await;
    t.assign(submitted, w.dept_a.id.get()).await;
    let submit = json!({"action": "submit", "report": "已整改", "no_evidence_reason": "制度类"});
    assert_eq!(t.act(submitted, "liaison_a", submit).await.status, 200);
    let (office, token) = sign_in(&t, "office").await;
    let page = t.send(get_with("/ranking", &office)).await;
    assert_eq!(page.status, 200, "{}", page.text);
    assert!(page.text.contains("市住建局") && page.text.contains("市生态环境局"), "{}", page.text);
    assert!(page.text.contains("响应率×30% + 解决率×35% + 满意率×35%"), "the weights are said");
    assert!(page.text.contains("<svg"), "the scores are charted");
    let links = figure_links(&page.text);
    assert!(links.len() >= 2 * 13, "every figure of both units and the total is a link: {links:?}");
    assert!(links.iter().any(|(h, n)| h.contains("counted=responded") && *n == 1));
    for (href, count) in &links {
        let list = t.send(get_with(&format!("{href}&limit=200"), &office)).await;
        assert_eq!(list.status, 200, "{href}: {}", list.text);
        assert_eq!(rows_listed(&list.text), *count, "{href} lists what it counts");
    }
    // The list says which figure it shows, and keeps it when refiltered.
    let (href, _) = links.iter().find(|(h, _)| h.contains("counted=scored")).unwrap();
    let list = t.send(get_with(href, &office)).await;
    assert!(list.text.contains("统计明细：纳入考核"), "{}", list.text);
    assert!(list.text.contains("<input type=\"hidden\" name=\"counted\" value=\"scored\">"));
    // The export carries the same figures.
    let csv = t.send(get_with("/ranking.csv", &office)).await;
    assert!(csv.text.starts_with('\u{feff}') && csv.text.contains("名次,单位,综合得分,响应率"), "{}", csv.text);
    // 不纳入考核 from the problem's page: a reason is required and said on the form.
    let refused = t
        .send(post_form(
            &format!("/problems/{submitted}/scoring"),
            &office,
            format!("csrf={token}&excluded=yes&reason="),
        ))
        .await;
    assert!(refused.text.contains("不纳入考核须写明理由"), "{}", refused.text);
    let done = t
        .send(post_form(
            &format!("/problems/{submitted}/scoring"),
            &office,
            format!("csrf={token}&excluded=yes&reason={}", enc("经核实为重复诉求")),
        ))
        .await;
    assert_eq!(done.status, 303, "{}", done.text);
    let detail = t.send(get_with(&format!("/problems/{submitted}?done=scoring"), &office)).await;
    assert!(detail.text.contains("已更新是否纳入考核") && detail.text.contains("经核实为重复诉求"), "{}", detail.text);
    let api = t.call("GET", "/api/v1/ranking", Some("office"), None).await;
    assert_eq!(api.status, 200, "{}", api.json);
    let a = api.json["units"].as_array().unwrap().iter().find(|u| u["unit"] == "市住建局").unwrap().clone();
    let count = |name: &str| a["counts"].as_array().unwrap().iter().find(|c| c[0] == name).unwrap()[1].clone();
    assert_eq!((count("scored"), count("excluded")), (json!(2), json!(1)));
    // A liaison may not decide it, and is told so; the office puts it back over the API.
    let path = format!("/api/v1/problems/{submitted}/scoring");
    let liaison = t.call("PUT", &path, Some("liaison_a"), Some(json!({"excluded": false}))).await;
    assert_eq!(liaison.status, 403, "{}", liaison.json);
    let back = t.call("PUT", &path, Some("office"), Some(json!({"excluded": false}))).await;
    assert_eq!(back.status, 204);
    let bad = t.call("GET", "/api/v1/ranking?period=year", Some("office"), None).await;
    assert!(bad.status.as_u16() >= 400 && bad.json.to_string().contains("本周"), "{}", bad.json);
    t.db.cleanup().await;
}

both!(the_ranking_page_links_each_figure_to_exactly_its_records);
