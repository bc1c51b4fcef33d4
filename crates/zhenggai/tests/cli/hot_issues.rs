//! `zhenggai group --issues`: hot issues (level two) on the real messages of 附件3 against the
//! hand-checked reference `derived/附件3_hot_issues.csv` (skipped, with a message, where the data
//! are absent), the table's form, and bad input.

use super::text_engine::{group_tipdm, read_csv, shared_data};
use super::{text, zhenggai};
use std::collections::{HashMap, HashSet};

#[test]
fn hot_issues_on_real_messages_keep_each_place_and_matter_together_and_name_its_place() {
    let (Some(input), Some(reference)) = (
        shared_data("citizen-messages/tipdm2020-c/附件3.csv"),
        shared_data("citizen-messages/tipdm2020-c/derived/附件3_hot_issues.csv"),
    ) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let issues = dir.path().join("issues.csv");
    let rows = group_tipdm(&input, dir.path(), &["--issues", issues.to_str().unwrap()]);
    let issue_of: HashMap<&str, &str> =
        rows.iter().map(|r| (r["message_id"].as_str(), r["issue_id"].as_str())).collect();
    let table = read_csv(&issues);
    assert_eq!(
        table[0].keys().map(String::as_str).collect::<HashSet<_>>(),
        HashSet::from(["热度排名", "问题ID", "热度指数", "时间范围", "地点/人群", "问题描述", "留言数", "留言人数"])
    );
    let by_id: HashMap<&str, &HashMap<String, String>> = table.iter().map(|r| (r["问题ID"].as_str(), r)).collect();
    // Every message's issue is in the table, with as many messages as name it.
    let mut sizes: HashMap<&str, usize> = HashMap::new();
    for id in issue_of.values() {
        *sizes.entry(id).or_default() += 1;
    }
    for (id, n) in &sizes {
        assert_eq!(by_id[id]["留言数"], n.to_string());
    }

    let mut labelled: HashMap<String, Vec<String>> = HashMap::new();
    let mut place_of: HashMap<String, String> = HashMap::new();
    for r in read_csv(&reference) {
        labelled.entry(r["issue_id"].clone()).or_default().push(r["message_id"].trim().to_string());
        place_of.insert(r["issue_id"].clone(), r["place_or_people"].clone());
    }
    let main_issue = |ids: &[String]| {
        let mut count: HashMap<&str, usize> = HashMap::new();
        for id in ids {
            *count.entry(issue_of[id.as_str()]).or_default() += 1;
        }
        count.into_iter().max_by_key(|(id, n)| (*n, std::cmp::Reverse(*id))).unwrap()
    };
    let mut together = 0;
    let big: Vec<&String> = labelled.keys().filter(|k| labelled[*k].len() >= 5).collect();
    for issue in &big {
        let ids = &labelled[*issue];
        let (found, n) = main_issue(ids);
        if n * 5 >= ids.len() * 4 {
            together += 1;
        }
        // Its label names the place or group as the reference does (three characters in a row).
        let label = &by_id[found]["地点/人群"];
        let reference: Vec<char> = place_of[*issue].chars().collect();
        assert!(
            reference.windows(3).any(|w| label.contains(&w.iter().collect::<String>())),
            "issue {issue}: {label} / {}",
            place_of[*issue]
        );
    }
    // Measured at 9 of 11 (bench/results and the issue's note: 58车贷 splits at a misspelt
    // company, 月亮岛路 keeps 7 of 9).
    assert!(together >= 9, "{together} of {} labelled issues have 80% in one", big.len());
    // The same matter at two estates stays apart.
    assert_ne!(main_issue(&labelled["3"]).0, main_issue(&labelled["13"]).0);
    // The largest are at the top.
    for issue in ["1", "2", "3"] {
        let rank: usize = by_id[main_issue(&labelled[issue]).0]["热度排名"].parse().unwrap();
        assert!(rank <= 10, "issue {issue} ranks {rank}");
    }
    // Pair precision among the labelled messages: pairs put in one issue that the reference has
    // in one, of all pairs put in one.
    let all: Vec<(&String, &String)> = labelled.iter().flat_map(|(k, ids)| ids.iter().map(move |id| (k, id))).collect();
    let (mut right, mut joined, mut truth) = (0usize, 0usize, 0usize);
    for (i, (ka, a)) in all.iter().enumerate() {
        for (kb, b) in &all[i + 1..] {
            let same = issue_of[a.as_str()] == issue_of[b.as_str()];
            joined += usize::from(same);
            right += usize::from(same && ka == kb);
            truth += usize::from(ka == kb);
        }
    }
    let (precision, recall) = (right as f64 / joined as f64, right as f64 / truth as f64);
    assert!(precision >= 0.9 && recall >= 0.75, "precision {precision:.3} recall {recall:.3}");
}

#[test]
fn the_hot_issue_table_is_written_as_a_workbook_and_a_bad_name_is_refused_before_any_work() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    std::fs::write(
        &input,
        "id,title,text,time\n\
         1,丽发新城搅拌站噪音扰民,丽发新城小区旁边的搅拌站日夜施工，噪音粉尘扰民,2019-08-01 10:00:00\n\
         2,投诉丽发新城搅拌站,丽发新城附近搅拌站夜间施工噪音大，粉尘严重,2019-08-03 09:00:00\n\
         3,人民路路灯不亮,人民路一段路灯坏了一个月,2019-08-05 20:00:00\n",
    )
    .unwrap();
    let output = dir.path().join("groups.csv");
    let run = |issues: &std::path::Path| {
        zhenggai(&[
            "group",
            "--input",
            input.to_str().unwrap(),
            "--id-column",
            "id",
            "--title-column",
            "title",
            "--text-column",
            "text",
            "--time-column",
            "time",
            "--output",
            output.to_str().unwrap(),
            "--issues",
            issues.to_str().unwrap(),
        ])
    };
    let refused = run(&dir.path().join("issues.txt"));
    assert!(!refused.status.success());
    assert!(text(&refused).contains(".csv or .xlsx"), "{}", text(&refused));
    assert!(!output.exists(), "nothing is written when the table cannot be");

    let xlsx = dir.path().join("issues.xlsx");
    let out = run(&xlsx);
    assert!(out.status.success(), "{}", text(&out));
    let book = sheets::read(&std::fs::read(&xlsx).unwrap(), sheets::Limits::default()).unwrap();
    let sheet = &book.sheets[0];
    assert_eq!(sheet.name, "热点问题表");
    let header: Vec<String> = sheet.rows[0].iter().map(|c| c.text().to_string()).collect();
    assert_eq!(header[..6], ["热度排名", "问题ID", "热度指数", "时间范围", "地点/人群", "问题描述"]);
    let first: Vec<String> = sheet.rows[1].iter().map(|c| c.text().to_string()).collect();
    assert_eq!(first[0], "1");
    assert_eq!(first[3], "2019/08/01 至 2019/08/03");
    assert!(first[4].contains("丽发新城"), "{first:?}");
    assert!(first[5].contains("搅拌站"), "{first:?}");
    assert_eq!(first[6], "2");
    assert_eq!(sheet.rows.len(), 3, "two issues and the header");
    let rows = read_csv(&output);
    assert_eq!(rows[0]["issue_id"], rows[1]["issue_id"]);
    assert_ne!(rows[0]["issue_id"], rows[2]["issue_id"]);
}
