//! Grouping: what joins, what stays apart, and which matches below the link threshold are
//! proposed.

use zhenggai_text::Segmenter;
use zhenggai_text::group::{Thresholds, fingerprint, group_texts, similarity_estimated};

fn texts(items: &[&str]) -> Vec<(String, String)> {
    items.iter().map(|s| (String::new(), s.to_string())).collect()
}

#[test]
fn the_same_problem_in_other_words_is_grouped_and_another_estate_is_not() {
    let t = texts(&[
        "丽发新城小区旁边的搅拌站每天晚上施工，噪音和粉尘严重影响居民休息",
        "投诉丽发新城附近混凝土搅拌站扰民，夜里轰鸣不断，灰尘很大",
        "建议人民路增设公交站点，方便群众出行",
        "丽发新城小区旁边的搅拌站每天晚上施工，噪音和粉尘严重影响居民休息！！",
        "魅力之城小区旁边的搅拌站每天晚上施工，噪音和粉尘严重影响居民休息",
    ]);
    let g = group_texts(Segmenter::shared(), &t, Thresholds::default());
    assert_eq!(g[0], g[3], "near-identical");
    assert_eq!(g[0], g[1], "same estate, same salient word: {g:?}");
    assert_ne!(g[0], g[2]);
    assert_ne!(g[0], g[4], "another estate, same template");
}

#[test]
fn requests_about_other_roads_or_other_questions_are_apart() {
    let t: Vec<(String, String)> = [
        ("人民路公交班次太少", "人民路一带公交班次太少，早晚高峰等车要四十分钟，希望交通部门优化线路。"),
        ("人民路公交班次太少", "人民路一带公交班次太少，早晚高峰等车要半个小时，希望交通部门优化线路。"),
        ("解放路公交班次太少", "解放路一带公交班次太少，早晚高峰等车要四十分钟，希望交通部门优化线路。"),
        ("咨询失业保险金办理", "请问失业保险金的条件是什么？我在社区问了说不清楚，麻烦相关部门解答。"),
        ("咨询退休手续办理", "请问退休手续的条件是什么？我在社区问了说不清楚，麻烦相关部门解答。"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    let g = group_texts(Segmenter::shared(), &t, Thresholds::default());
    assert_eq!(g[0], g[1], "{g:?}");
    assert_ne!(g[0], g[2], "another road: {g:?}");
    assert_ne!(g[3], g[4], "another question: {g:?}");
}

#[test]
fn empty_and_punctuation_only_texts_stand_alone() {
    let t = texts(&["", "！！！？？", "***", "噪音"]);
    let g = group_texts(Segmenter::shared(), &t, Thresholds::default());
    assert_eq!(g, vec![0, 1, 2, 3]);
}

#[test]
fn a_proposal_needs_one_place_or_none_named_by_either() {
    let seg = Segmenter::shared();
    let t = Thresholds::default();
    let print = |title: &str, body: &str| fingerprint(seg, title, body);
    let template =
        "临街门面开了好几家火锅店，油烟直接排到楼上住户家里，窗户都不敢开，晚上还很吵，请城管和环保部门管一管。";
    let at_estate = print("金桂家园油烟扰民", &format!("金桂家园{template}"));
    let same_estate = print("金桂家园火锅店油烟", &format!("我们金桂家园{template}已经反映过多次了，请务必处理。"));
    let no_place = print("门面油烟扰民", &format!("我家楼下{template}"));
    let below_link = Thresholds { link: 1.01, propose: 0.0 };
    assert!(below_link.keeps(&at_estate, &same_estate, 0.47), "one estate, the same matter");
    assert!(!below_link.keeps(&at_estate, &no_place, 0.47), "an estate's report and a report naming no place");
    assert!(t.keeps(&at_estate, &no_place, t.link), "at the link threshold the score decides alone");
    assert!(!t.keeps(&at_estate, &same_estate, t.propose - 0.01), "below the band nothing is kept");
    // Questions asked from anywhere name no place: they are proposed on their words.
    let q1 = print("咨询退休年龄", "请问女职工的退休年龄是多少岁？我在社区问了说不清楚，麻烦相关部门解答。");
    let q2 = print("退休年龄问题", "请问女职工退休年龄到底是多少？麻烦相关部门解答，谢谢。");
    assert!(below_link.keeps(&q1, &q2, similarity_estimated(&q1, &q2)));
}
