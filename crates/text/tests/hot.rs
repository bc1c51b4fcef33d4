//! Hot issues (level two): one place and one matter however worded, another place or another
//! matter apart, and each issue named by its place and its matter.

use zhenggai_text::Segmenter;
use zhenggai_text::group::{Fingerprint, Thresholds, fingerprint, group};
use zhenggai_text::hot::{Corpus, describe, hot_issues};

const MESSAGES: &[(&str, &str)] = &[
    ("丽发新城小区附近搅拌站噪音扰民", "丽发新城旁边的搅拌站日夜施工，噪音和粉尘严重影响居民休息。"),
    ("投诉丽发新城搅拌站粉尘污染", "丽发新城小区旁的搅拌站粉尘很大，晚上还有噪音，窗户都不敢开。"),
    ("A2区丽发新城的搅拌站什么时候搬走", "搅拌站建在丽发新城居民区旁边，粉尘噪音扰民大半年了，请问何时搬迁？"),
    ("魅力之城小区附近搅拌站噪音扰民", "魅力之城旁边的搅拌站日夜施工，噪音和粉尘严重影响居民休息。"),
    ("丽发新城小区物业费上涨", "丽发新城物业公司擅自上涨物业费，业主大会没有表决。"),
    ("人民路路灯不亮", "人民路一段的路灯坏了一个月，晚上出行很不安全。"),
    ("建议增加公交班次", "早晚高峰公交车太挤，建议增加班次。"),
    ("小学门口交通拥堵", "每天放学时间学校门口车辆乱停，交通拥堵。"),
    ("咨询退休手续办理", "请问退休手续需要准备哪些材料，在哪里办理？"),
    ("农贸市场卫生差", "农贸市场地面污水横流，气味难闻，希望加强管理。"),
    // Words every estate's reports use (小区, 业主) say little about which matter it is.
    ("金桂小区停车难", "金桂小区车位不够，业主晚上回来没地方停车。"),
    ("枫林小区电梯经常坏", "枫林小区的电梯一个月坏了三次，业主出行困难。"),
    ("锦绣小区垃圾清运不及时", "锦绣小区的垃圾桶满了也没人清运，业主意见很大。"),
    ("南湖小区绿化被毁", "南湖小区绿化带被人改成菜地，业主希望恢复。"),
];

fn prints() -> Vec<Fingerprint> {
    MESSAGES.iter().map(|(t, b)| fingerprint(Segmenter::shared(), t, b)).collect()
}

#[test]
fn one_place_and_one_matter_in_other_words_is_one_issue_and_another_place_or_matter_is_not() {
    let prints = prints();
    // Each report its own level-one cluster: what level two joins by itself.
    let clusters: Vec<usize> = (0..MESSAGES.len()).collect();
    let issues = hot_issues(MESSAGES, &prints, &clusters, Default::default());
    assert_eq!(issues[0], issues[1], "{issues:?}");
    assert_eq!(issues[0], issues[2], "asked as a question, with the district: {issues:?}");
    assert_ne!(issues[0], issues[3], "the same template at another estate: {issues:?}");
    assert_ne!(issues[0], issues[4], "another matter at the same estate: {issues:?}");
    // Each issue is numbered by its first report.
    assert!(issues.iter().enumerate().all(|(i, first)| *first <= i && issues[*first] == *first));
}

#[test]
fn a_level_one_cluster_stays_whole_in_its_issue() {
    let prints = prints();
    let clusters = group(&prints, Thresholds::default());
    let issues = hot_issues(MESSAGES, &prints, &clusters, Default::default());
    for (i, c) in clusters.iter().enumerate() {
        assert_eq!(issues[i], issues[*c], "{clusters:?} / {issues:?}");
    }
    assert_eq!(issues.len(), MESSAGES.len());
}

#[test]
fn an_issue_is_named_by_its_place_and_its_matter_without_the_words_that_address_the_office() {
    let prints = prints();
    let corpus = Corpus::of(MESSAGES);
    let members = [0, 1, 2];
    let d = describe(
        &corpus,
        &members.iter().map(|&i| MESSAGES[i]).collect::<Vec<_>>(),
        &members.iter().map(|&i| &prints[i]).collect::<Vec<_>>(),
    );
    assert!(d.place.contains("丽发新城"), "{d:?}");
    assert!(d.matter.contains("搅拌站"), "{d:?}");
    assert!(!d.matter.contains("丽发新城") && !d.matter.starts_with("投诉"), "{d:?}");
}

#[test]
fn a_phrase_many_places_share_joins_none_of_them() {
    // The same complaint at a road and at an estate; at an estate of one district and in another.
    let messages: &[(&str, &str)] = &[
        ("碧楚街摊贩的油烟污染环境", "碧楚街的摊贩每晚烧烤，油烟污染环境，居民无法开窗。"),
        ("金桂苑小区门面小餐馆油烟严重污染环境", "金桂苑小区门面的小餐馆油烟废气直排，严重污染环境。"),
        ("A7县泉塘小区麻将馆扰民", "泉塘小区一楼开了麻将馆，每晚吵到凌晨，严重扰民。"),
        ("A1区小区麻将馆噪音扰民", "A1区的麻将馆噪音很大，通宵营业扰民，每晚吵到凌晨。"),
    ];
    let prints: Vec<Fingerprint> = messages.iter().map(|(t, b)| fingerprint(Segmenter::shared(), t, b)).collect();
    let clusters: Vec<usize> = (0..messages.len()).collect();
    let issues = hot_issues(messages, &prints, &clusters, Default::default());
    assert_eq!(issues, [0, 1, 2, 3], "each place its own issue");
}

#[test]
fn a_place_few_of_an_issues_reports_name_does_not_name_the_issue() {
    let messages: &[(&str, &str)] = &[
        ("灵活就业社保如何申请", "我在宏图物流公司上班，想问灵活就业人员社保怎么申请？"),
        ("咨询灵活就业社保办理", "请问灵活就业人员的社保在哪里办理，需要什么材料？"),
        ("灵活就业社保怎么交", "灵活就业人员社保每月怎么缴纳，可以网上办理吗？"),
        ("关于灵活就业社保的政策咨询", "想了解灵活就业社保的缴费标准和办理流程。"),
    ];
    let prints: Vec<Fingerprint> = messages.iter().map(|(t, b)| fingerprint(Segmenter::shared(), t, b)).collect();
    // The install asks about 灵活就业社保 all the time: the phrase names no one issue either.
    let others: Vec<(String, String)> = (0..60)
        .map(|i| (format!("灵活就业社保第{i}个问题"), "灵活就业社保缴费基数什么时候调整？".to_string()))
        .collect();
    let mut all: Vec<(&str, &str)> = messages.to_vec();
    all.extend(others.iter().map(|(t, b)| (t.as_str(), b.as_str())));
    let corpus = Corpus::of(&all);
    let d = describe(&corpus, messages, &prints.iter().collect::<Vec<_>>());
    assert!(!d.place.contains("宏图物流"), "one asker's employer is not the issue's place: {d:?}");
    assert!(d.matter.contains("社保") || d.place.contains("社保"), "{d:?}");
}
