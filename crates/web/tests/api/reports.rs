//! 本周进展通报 and 总结报告 as the office and a unit meet them: every figure of the weekly report
//! is the hand-counted one, each figure's link lists exactly the problems it counts, a unit's
//! liaison gets a report over its own problems that never names another unit's, and the .docx
//! opens in LibreOffice Writer with the report's sentences, its tables and a page number; and the
//! research report and the campaign summary speak of the whole campaign.

use crate::pages::{get_with, list_links as figure_links, rows_listed};
use crate::{TestApp, both};
use app::testkit::Kind;
use chrono::{Duration, NaiveDate};
use domain::clock::start_of_day;
use serde_json::json;
use std::path::Path;
use std::process::Command;

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).unwrap()
}

/// The report's sentences as the page shows them.
fn paragraphs(page: &str) -> Vec<String> {
    page.split("<p class=\"report-text\">")
        .skip(1)
        .map(|p| p.split("</p>").next().unwrap().replace("&#38;", "&").replace("&amp;", "&"))
        .collect()
}

/// Whether a program runs; under `CI=true` a missing one fails the test rather than skipping it.
fn available(program: &str, args: &[&str], package: &str) -> bool {
    let ok = Command::new(program).args(args).output().is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            !std::env::var("CI").is_ok_and(|v| v == "true"),
            "{package} is required under CI=true (.ci/run installs it)"
        );
        eprintln!("skipped: {package} is not installed");
    }
    ok
}

/// The text LibreOffice Writer lays out for a .docx, page by page (form feeds between pages).
fn docx_text(docx: &[u8], dir: &Path) -> String {
    let file = dir.join("report.docx");
    std::fs::write(&file, docx).unwrap();
    let profile = format!("-env:UserInstallation=file://{}", dir.join("lo-profile").display());
    let out = Command::new("soffice")
        .args([profile.as_str(), "--headless", "--convert-to", "pdf", "--outdir"])
        .arg(dir)
        .arg(&file)
        .output()
        .unwrap();
    let pdf = dir.join("report.pdf");
    assert!(out.status.success() && pdf.exists(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = Command::new("pdftotext").arg(&pdf).arg("-").output().unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

async fn the_weekly_report_counts_by_hand_and_links_each_figure_to_its_records(kind: Kind) {
    let Some(t) = TestApp::new(kind).await else { return };
    let w = &t.world;
    let campaign = w.campaign.id;
    // Monday 2 November: four problems, two to 市住建局 and one to 市生态环境局 (5 working days:
    // due 9 November), one not yet assigned.
    let mended = t.problem_about("老旧小区楼道灯长期不亮", "楼道灯坏了半年").await;
    let late_a = t.problem_about("小区垃圾清运不及时", "垃圾堆放三天").await;
    let late_b = t.problem_about("河道排污口夜间偷排", "河水发黑发臭").await;
    let waiting = t.problem_about("公交站台破损", "顶棚漏雨").await;
    t.assign(mended, w.dept_a.id.get()).await;
    t.assign(late_a, w.dept_a.id.get()).await;
    t.assign(late_b, w.dept_b.id.get()).await;
    // Tuesday 17 November: the first is rectified and signed off.
    t.db.clock.set(start_of_day(day(11, 17)) + Duration::hours(10));
    let submit = json!({"action": "submit", "report": "已更换楼道灯", "no_evidence_reason": "现场整改"});
    assert_eq!(t.act(mended, "liaison_a", submit).await.status, 200);
    assert_eq!(t.act(mended, "leader_a", json!({"action": "approve"})).await.status, 200);
    assert_eq!(t.act(mended, "supervisor", json!({"action": "accept", "note": "整改到位"})).await.status, 200);
    // Friday 20 November: a fifth comes in.
    t.db.clock.set(start_of_day(day(11, 20)) + Duration::hours(10));
    let fresh = t.problem_about("学校门口早高峰拥堵", "接送车辆占道").await;
    let _ = (waiting, fresh);

    let (office, _) = crate::pages::sign_in(&t, "office").await;
    let path = format!("/reports?kind=weekly&campaign_id={campaign}&from=2026-11-16");
    let page = t.send(get_with(&path, &office)).await;
    assert_eq!(page.status, 200, "{}", page.text);
    assert!(page.text.contains("主题教育检视整改本周进展通报"), "{}", page.text);
    assert!(page.text.contains("2026年11月16日至2026年11月22日，新受理问题1个，销号1个。"), "{}", page.text);
    // Five problems, one signed off, four open; the two assigned and still open are overdue.
    assert!(page.text.contains("共梳理问题5个，已销号1个，正在整改4个，其中逾期未办结2个"), "{}", page.text);
    assert!(page.text.contains("小区垃圾清运不及时") && page.text.contains("河道排污口夜间偷排"));
    assert!(page.text.contains("<svg"), "the trend and the scores are charted");
    // This week and last week are a click away (the clock is on Friday 20 November).
    let last_week = format!("/reports?kind=weekly&#38;campaign_id={campaign}&#38;from=2026-11-09\">上周</a>");
    assert!(page.text.contains(&last_week), "{}", page.text);
    let links = figure_links(&page.text);
    assert!(links.len() >= 20, "every figure is a link: {links:?}");
    assert!(
        links
            .iter()
            .any(|(h, n)| h.contains("closed_from=2026-11-16") && h.contains("closed_to=2026-11-22") && *n == 1)
    );
    for (href, count) in &links {
        let list = t.send(get_with(&format!("{href}&limit=200"), &office)).await;
        assert_eq!(list.status, 200, "{href}: {}", list.text);
        assert_eq!(rows_listed(&list.text), *count, "{href} lists what it counts");
    }
    let list = t
        .send(get_with(
            &format!("/problems?campaign_id={campaign}&closed_from=2026-11-16&closed_to=2026-11-22"),
            &office,
        ))
        .await;
    assert!(list.text.contains("老旧小区楼道灯长期不亮") && list.text.contains("统计明细"), "{}", list.text);

    // 市住建局's liaison: only its own problems, and never the other unit's by name.
    let (liaison, _) = crate::pages::sign_in(&t, "liaison_a").await;
    let own = t.send(get_with(&path, &liaison)).await;
    assert_eq!(own.status, 200, "{}", own.text);
    assert!(own.text.contains("共梳理问题2个，已销号1个，正在整改1个，其中逾期未办结1个"), "{}", own.text);
    assert!(!own.text.contains("河道排污口夜间偷排") && !own.text.contains("公交站台破损"), "{}", own.text);
    for (href, count) in figure_links(&own.text) {
        let list = t.send(get_with(&format!("{href}&limit=200"), &liaison)).await;
        assert_eq!(rows_listed(&list.text), count, "{href} lists what it counts for the liaison");
    }
    let docx = t
        .send(get_with(&format!("/reports/report.docx?kind=weekly&campaign_id={campaign}&from=2026-11-16"), &liaison))
        .await;
    assert_eq!(docx.status, 200);
    // The public and a bad request get a clear answer, not a report.
    let public = t.call("GET", &path, None, None).await;
    assert!(public.status.is_redirection() || public.status == 401, "{}", public.status);
    let bad = t
        .send(get_with(&format!("/reports?kind=weekly&campaign_id={campaign}&from=2026-11-30&to=2026-11-01"), &office))
        .await;
    assert!(bad.text.contains("开始日期晚于结束日期"), "{}", bad.text);
    let unknown = t.send(get_with("/reports?kind=weekly&campaign_id=999999", &office)).await;
    assert_eq!(unknown.status, 404, "{}", unknown.text);

    // The .docx, as LibreOffice Writer lays it out.
    let docx = t
        .send(get_with(&format!("/reports/report.docx?kind=weekly&campaign_id={campaign}&from=2026-11-16"), &office))
        .await;
    assert_eq!(docx.status, 200, "{}", docx.text);
    let disposition = docx.headers[axum::http::header::CONTENT_DISPOSITION].to_str().unwrap();
    assert!(disposition.contains(".docx"), "{disposition}");
    if available("soffice", &["--version"], "libreoffice-writer") && available("pdftotext", &["-v"], "poppler-utils") {
        let dir = tempfile::tempdir().unwrap();
        let text = docx_text(&docx.bytes, dir.path());
        let flat: String = text.split_whitespace().collect();
        // Every sentence of the page is in the document, with the same numbers.
        let sentences = paragraphs(&page.text);
        assert!(sentences.len() >= 6, "{sentences:?}");
        for sentence in sentences {
            let sentence: String = sentence.split_whitespace().collect();
            assert!(flat.contains(&sentence), "the .docx says “{sentence}”: {text}");
        }
        assert!(flat.contains("新受理问题1个，销号1个"), "{text}");
        assert!(flat.contains("逾期未办结问题2个"), "{text}");
        assert!(flat.contains("小区垃圾清运不及时") && flat.contains("市生态环境局"), "{text}");
        assert!(flat.contains("—1—"), "the first page is numbered “— 1 —”: {text}");
    }
    t.db.cleanup().await;
}

/// 调研报告 and 总结报告 (issue 13): a topic's report tells its visits, findings and conversion,
/// as a page and as a .docx LibreOffice opens with the same sentences; the campaign summary goes
/// on to the goals, research, study and mechanisms, each with its hand-counted figures.
async fn the_research_report_and_the_summary_speak_of_the_whole_campaign(kind: Kind) {
    let Some(t) = TestApp::new(kind).await else { return };
    let w = &t.world;
    let campaign = w.campaign.id;
    let call = async |path: &str, body: serde_json::Value| {
        let r = t.call("POST", path, Some("office"), Some(body)).await;
        assert!(r.status.is_success(), "{path}: {}", r.json);
        r.json
    };
    // One topic, one visit, two findings, one turned into a problem: 50%.
    let topic =
        json!({"campaign_id": campaign, "unit_id": w.dept_a.id, "title": "老旧小区改造调研", "members": "张伟"});
    let rt = call("/api/v1/research/topics", topic).await["id"].as_i64().unwrap();
    let visit = json!({"visited_on": "2026-10-20", "place": "金桂苑小区", "met": "居民代表",
        "findings": ["楼道照明长期损坏", "加装电梯意见不一"]});
    let with = call(&format!("/api/v1/research/topics/{rt}/visits"), visit).await;
    let finding = with["visits"][0]["findings"][0]["id"].as_i64().unwrap();
    let converted = call(&format!("/api/v1/research/findings/{finding}/convert"), json!({"to": "problem"})).await;
    let p = converted["visits"][0]["findings"][0]["problem"]["id"].as_i64().unwrap();
    // One study session of 20 that found that problem; one issued mechanism; one goal.
    call(
        "/api/v1/study/sessions",
        json!({"campaign_id": campaign, "unit_id": w.dept_a.id, "held_on": "2026-10-22",
        "format_id": 1, "topic": "专题学习", "present": 20, "problem_ids": [p]}),
    )
    .await;
    call(
        "/api/v1/mechanisms",
        json!({"unit_id": w.dept_a.id, "campaign_id": campaign, "title": "楼道照明巡查制度",
        "status": "issued", "problem_ids": [p]}),
    )
    .await;
    call(
        "/api/v1/goals",
        json!({"campaign_id": campaign, "owner_unit_id": w.dept_a.id, "title": "小区环境改善",
        "problem_ids": [p]}),
    )
    .await;

    let (office, _) = crate::pages::sign_in(&t, "office").await;
    let page = t.send(get_with(&format!("/research/{rt}/report"), &office)).await;
    assert_eq!(page.status, 200, "{}", page.text);
    assert!(page.text.contains("关于“老旧小区改造调研”的调研报告"), "{}", page.text);
    assert!(page.text.contains("调研发现问题2个，已转为问题清单1个，其中整改销号0个；成果转化率50%"), "{}", page.text);
    assert!(page.text.contains("金桂苑小区") && page.text.contains("加装电梯意见不一"));
    let docx = t.send(get_with(&format!("/research/{rt}/report.docx"), &office)).await;
    assert_eq!(docx.status, 200);
    if available("soffice", &["--version"], "libreoffice-writer") && available("pdftotext", &["-v"], "poppler-utils") {
        let dir = tempfile::tempdir().unwrap();
        let flat: String = docx_text(&docx.bytes, dir.path()).split_whitespace().collect();
        let sentences = paragraphs(&page.text);
        assert!(sentences.len() >= 2, "{sentences:?}");
        for sentence in sentences {
            let sentence: String = sentence.split_whitespace().collect();
            assert!(flat.contains(&sentence), "the .docx says “{sentence}”: {flat}");
        }
        assert!(flat.contains("楼道照明长期损坏") && flat.contains("待转化"), "{flat}");
    }

    let summary = t.send(get_with(&format!("/reports?kind=summary&campaign_id={campaign}"), &office)).await;
    assert_eq!(summary.status, 200);
    for heading in ["六、目标任务推进情况", "七、调查研究及成果转化", "八、学习开展情况", "九、长效机制建设"]
    {
        assert!(summary.text.contains(heading), "{heading}: {}", summary.text);
    }
    for sentence in [
        "围绕1个调研课题开展走访调研1次，发现问题2个，转为问题清单1个（已销号0个），成果转化率50%。",
        "各单位开展学习1次、参加20人次，学习中检视出问题1个。",
        "已印发长效机制1项、正在起草0项",
    ] {
        assert!(summary.text.contains(sentence), "{sentence}: {}", summary.text);
    }
    // The weekly report stays about the week.
    let weekly = t.send(get_with(&format!("/reports?kind=weekly&campaign_id={campaign}"), &office)).await;
    assert!(!weekly.text.contains("学习开展情况"));
    t.db.cleanup().await;
}

both!(
    the_weekly_report_counts_by_hand_and_links_each_figure_to_its_records,
    the_research_report_and_the_summary_speak_of_the_whole_campaign
);
