//! `zhenggai group` and `zhenggai eval` on the real messages in `../shared/data` (skipped, with a
//! message, where they are absent), and on bad input.

use super::{text, zhenggai};
use std::collections::HashMap;
use std::path::PathBuf;

fn shared_data(relative: &str) -> Option<PathBuf> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data").join(relative);
    if path.exists() {
        Some(path)
    } else {
        eprintln!("skipping: {} is absent (the real data set is not in this checkout)", path.display());
        None
    }
}

fn read_csv(path: &std::path::Path) -> Vec<HashMap<String, String>> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let headers: Vec<String> =
        reader.headers().unwrap().iter().map(|h| h.trim_start_matches('\u{feff}').to_string()).collect();
    reader.records().map(|r| headers.iter().cloned().zip(r.unwrap().iter().map(str::to_string)).collect()).collect()
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
    let output = dir.path().join("groups.csv");
    let out = zhenggai(&[
        "group",
        "--input",
        input.to_str().unwrap(),
        "--id-column",
        "留言编号",
        "--text-column",
        "留言详情",
        "--title-column",
        "留言主题",
        "--time-column",
        "留言时间",
        "--likes-column",
        "点赞数",
        "--dislikes-column",
        "反对数",
        "--output",
        output.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out));
    let rows = read_csv(&output);
    assert_eq!(rows.len(), 4326);
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
