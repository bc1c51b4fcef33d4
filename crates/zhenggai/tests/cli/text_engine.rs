//! `zhenggai group` and `zhenggai eval` on the real messages in `../shared/data` (skipped, with a
//! message, where they are absent), and on bad input.

use super::{text, zhenggai};
use std::collections::HashMap;
use std::path::PathBuf;

pub(crate) fn shared_data(relative: &str) -> Option<PathBuf> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data").join(relative);
    if path.exists() {
        Some(path)
    } else {
        eprintln!("skipping: {} is absent (the real data set is not in this checkout)", path.display());
        None
    }
}

/// The columns of the 2020 TipDM task C files.
const TIPDM_COLUMNS: [&str; 8] =
    ["--id-column", "留言编号", "--text-column", "留言详情", "--title-column", "留言主题", "--time-column", "留言时间"];

pub(crate) fn read_csv(path: &std::path::Path) -> Vec<HashMap<String, String>> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let headers: Vec<String> =
        reader.headers().unwrap().iter().map(|h| h.trim_start_matches('\u{feff}').to_string()).collect();
    reader.records().map(|r| headers.iter().cloned().zip(r.unwrap().iter().map(str::to_string)).collect()).collect()
}

/// `zhenggai group` over 附件3 (with its likes, dislikes and reporters) and `extra` arguments,
/// writing into `dir`: the per-message rows, all 4,326 of them.
pub(crate) fn group_tipdm(
    input: &std::path::Path,
    dir: &std::path::Path,
    extra: &[&str],
) -> Vec<HashMap<String, String>> {
    let output = dir.join("groups.csv");
    let mut args = vec!["group", "--input", input.to_str().unwrap()];
    args.extend(TIPDM_COLUMNS);
    args.extend(["--likes-column", "点赞数", "--dislikes-column", "反对数", "--reporter-column", "留言用户"]);
    args.extend(["--output", output.to_str().unwrap()]);
    args.extend(extra);
    let out = zhenggai(&args);
    assert!(out.status.success(), "{}", text(&out));
    let rows = read_csv(&output);
    assert_eq!(rows.len(), 4326);
    rows
}

#[test]
fn group_keeps_duplicates_together_and_other_places_apart_on_real_messages() {
    let (Some(input), Some(pairs)) = (
        shared_data("citizen-messages/tipdm2020-c/附件3.csv"),
        shared_data("citizen-messages/tipdm2020-c/derived/附件3_pairs.csv"),
    ) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let rows = group_tipdm(&input, dir.path(), &[]);
    let cluster: HashMap<&str, &str> =
        rows.iter().map(|r| (r["message_id"].as_str(), r["cluster_id"].as_str())).collect();
    let rank: HashMap<&str, u32> =
        rows.iter().map(|r| (r["message_id"].as_str(), r["heat_rank"].parse().unwrap())).collect();
    for pair in read_csv(&pairs) {
        let same = cluster[pair["id_a"].as_str()] == cluster[pair["id_b"].as_str()];
        let other_place = pair["relation"].contains("other_place");
        assert_eq!(same, !other_place, "{} / {} ({})", pair["title_a"], pair["title_b"], pair["relation"]);
    }
    let messages = read_csv(&input);
    let single_hot_cluster = |what: &str, is_it: &dyn Fn(&str) -> bool, at_least: usize| {
        let ids: Vec<&str> =
            messages.iter().filter(|m| is_it(&m["留言主题"])).map(|m| m["留言编号"].as_str()).collect();
        let mut sizes: HashMap<&str, usize> = HashMap::new();
        for id in &ids {
            *sizes.entry(cluster[id]).or_default() += 1;
        }
        let (biggest, n) = sizes.iter().max_by_key(|(_, n)| **n).unwrap();
        assert!(*n >= at_least, "{what}: {n} of {} in one cluster", ids.len());
        // "At the top" of 3,700-odd clusters: among the ten hottest.
        assert!(rank[biggest] <= 10, "{what} ranks {}", rank[biggest]);
    };
    single_hot_cluster("丽发新城 搅拌站", &|t| t.contains("丽发") && t.contains("搅拌"), 41);
    single_hot_cluster("伊景园滨河苑 捆绑车位", &|t| t.contains("滨河苑"), 35);
    single_hot_cluster(
        "经济学院 实习",
        &|t| t.contains("经济学院") && ["实习", "打工", "工厂"].iter().any(|w| t.contains(w)),
        8,
    );
}

#[test]
fn group_refuses_bad_input_with_a_clear_error_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("out.csv");
    let run = |input: &std::path::Path, link: &str| {
        zhenggai(&[
            "group",
            "--input",
            input.to_str().unwrap(),
            "--id-column",
            "id",
            "--text-column",
            "text",
            "--link",
            link,
            "--output",
            output.to_str().unwrap(),
        ])
    };
    let not_utf8 = dir.path().join("gbk.csv");
    std::fs::write(&not_utf8, b"id,text\n1,\xc4\xe3\xba\xc3\n").unwrap();
    let out = run(&not_utf8, "0.5");
    assert!(!out.status.success());
    assert!(text(&out).contains("row 2") && text(&out).contains("UTF-8"), "{}", text(&out));
    let wrong_column = dir.path().join("wrong.csv");
    std::fs::write(&wrong_column, "id,body\n1,噪音\n").unwrap();
    let out = run(&wrong_column, "0.5");
    assert!(text(&out).contains("\"text\"") && text(&out).contains("body"), "{}", text(&out));
    let out = run(&wrong_column, "7");
    assert!(text(&out).contains("--link"), "{}", text(&out));
    assert!(!output.exists(), "nothing is written on error");
    let odd = dir.path().join("odd.csv");
    let long = "噪音".repeat(50_000);
    std::fs::write(&odd, format!("id,text\n1,\n2,！！！***\n3,{long}\n4,😀😀 noise 噪音 ＡＢＣ\n5,{long}\n")).unwrap();
    let out = run(&odd, "0.5");
    assert!(out.status.success(), "{}", text(&out));
    let rows = read_csv(&output);
    assert_eq!(rows.len(), 5);
    assert_eq!(rows[2]["cluster_id"], rows[4]["cluster_id"], "the two long texts are one");
    assert_ne!(rows[0]["cluster_id"], rows[1]["cluster_id"], "empty texts stand alone");
}

/// The cells of the row of `eval proposals`' table for the default band.
fn default_band_row(output: &str) -> Vec<String> {
    let row =
        output.lines().find(|l| l.contains(" (default) |")).unwrap_or_else(|| panic!("no default row in {output}"));
    row.trim_matches('|').split('|').map(|c| c.trim().trim_end_matches('%').to_string()).collect()
}

#[test]
fn eval_proposals_are_mostly_right_on_real_messages_at_the_default_band() {
    let dir = "citizen-messages/tipdm2020-c";
    let (Some(input), Some(pairs), Some(hot)) = (
        shared_data(&format!("{dir}/附件3.csv")),
        shared_data(&format!("{dir}/derived/附件3_pairs.csv")),
        shared_data(&format!("{dir}/derived/附件3_hot_issues.csv")),
    ) else {
        return;
    };
    let mut args = vec!["eval", "proposals", "--input", input.to_str().unwrap()];
    args.extend(TIPDM_COLUMNS);
    args.extend(["--pairs", pairs.to_str().unwrap(), "--hot-issues", hot.to_str().unwrap()]);
    let out = zhenggai(&args);
    assert!(out.status.success(), "{}", text(&out));
    let output = text(&out);
    assert!(output.contains("messages 4326"), "{output}");
    let row = default_band_row(&output);
    let (judged, precision, recall): (u32, f64, f64) =
        (row[3].parse().unwrap(), row[4].parse().unwrap(), row[5].parse().unwrap());
    assert!(judged > 0, "no proposal could be judged: {output}");
    assert!(precision >= 0.8, "proposal precision {precision}: {output}");
    assert!(recall >= 0.8, "messages pointed to their group {recall}: {output}");
}

#[test]
fn eval_proposals_judges_against_true_issues_and_refuses_what_it_cannot_judge() {
    let dir = tempfile::tempdir().unwrap();
    let body = "丽发新城小区旁边建了搅拌站，每天夜里施工噪音很大，粉尘污染严重，居民无法休息，请有关部门处理。";
    // The second joins the first (one issue); the third, word for word the same but labelled as
    // another issue, joins them too: one right link and one wrong.
    let file = dir.path().join("messages.csv");
    std::fs::write(
        &file,
        format!(
            "id,title,text,issue,time\n1,丽发新城搅拌站扰民,{body},1,2026-03-01 08:00:00\n\
             2,丽发新城搅拌站扰民,{body},1,2026-03-02 08:00:00\n3,丽发新城搅拌站扰民,{body},2,2026-03-03 08:00:00\n"
        ),
    )
    .unwrap();
    let run = |extra: &[&str]| {
        let mut args = vec!["eval", "proposals", "--input", file.to_str().unwrap(), "--time-column", "time"];
        args.extend_from_slice(extra);
        zhenggai(&args)
    };
    let out = run(&["--truth-column", "issue"]);
    assert!(out.status.success(), "{}", text(&out));
    let row = default_band_row(&text(&out));
    assert_eq!(row[2], "66.7", "two of three messages are linked: {row:?}");
    assert_eq!((row[6].as_str(), row[7].as_str()), ("2", "0.500"), "{row:?}");

    let out = run(&[]);
    assert!(!out.status.success());
    assert!(text(&out).contains("--truth-column"), "{}", text(&out));
    let out = run(&["--truth-column", "label"]);
    assert!(text(&out).contains("\"label\"") && text(&out).contains("issue"), "{}", text(&out));
    let bad_time = dir.path().join("bad-time.csv");
    std::fs::write(&bad_time, "id,title,text,issue,time\n1,a,噪音,1,yesterday\n").unwrap();
    let out = zhenggai(&[
        "eval",
        "proposals",
        "--input",
        bad_time.to_str().unwrap(),
        "--time-column",
        "time",
        "--truth-column",
        "issue",
    ]);
    assert!(!out.status.success());
    assert!(text(&out).contains("row 2") && text(&out).contains("yesterday"), "{}", text(&out));
}
