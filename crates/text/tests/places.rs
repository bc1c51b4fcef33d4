//! Place names: what is named, what conflicts, what is no name at all.

use zhenggai_text::Segmenter;
use zhenggai_text::places::{Place, conflict, extract, share_specific};

fn places(text: &str) -> Vec<Place> {
    extract(Segmenter::shared(), text)
}

#[test]
fn the_same_template_at_another_estate_or_school_conflicts() {
    let a = places("A3区梅溪湖看云路一师润芳园小区临街门面烧烤夜宵摊");
    let b = places("A5区劳动东路魅力之城小区临街门面烧烤夜宵摊");
    assert!(conflict(&a, &b), "{a:?} / {b:?}");
    let c = places("A市商贸旅游职业技术学院强制学生实习");
    let d = places("A市涉外经济学院强制学生实习");
    assert!(conflict(&c, &d), "{c:?} / {d:?}");
}

#[test]
fn a_dropped_word_does_not_make_another_place() {
    let a = places("A市涉外经济学院强制学生外出实习");
    let b = places("A市经济学院强制学生外出实习");
    assert!(!conflict(&a, &b), "{a:?} / {b:?}");
    assert!(share_specific(&a, &b));
}

#[test]
fn words_that_only_look_like_places_are_left_out() {
    let p = places("街道办的思路有问题，道路也坏了");
    assert!(p.iter().all(|x| x.name != "街道" && x.name != "思路"), "{p:?}");
    let p = places("该公司和物业公司以及有限公司都不管，正常生活小区也受影响");
    assert!(p.is_empty(), "{p:?}");
    let p = places("A3区丽发新城小区旁边");
    assert!(p.iter().any(|x| x.name == "丽发新城"), "{p:?}");
}

#[test]
fn a_district_glued_to_the_name_after_it_is_found_with_the_name() {
    let names = |text: &str| places(text).into_iter().map(|p| p.name).collect::<Vec<_>>();
    assert_eq!(names("A7县泉塘小区麻将馆扰民"), ["A7县", "泉塘小区"]);
    assert_eq!(names("A2区碧楚街摊贩的油烟污染环境"), ["A2区", "碧楚街"]);
    assert_eq!(names("举报临江县柳岸嘉禾新城物业公司不公开公共收益"), ["临江县", "柳岸嘉禾新城"]);
    // 县城 and 区域 are words, not a district's ending.
    assert!(names("临江县城区域内的路灯不亮").iter().all(|n| n != "城"), "{:?}", names("临江县城区域内的路灯不亮"));
}

#[test]
fn a_trade_alone_names_no_company() {
    let names = |text: &str| places(text).into_iter().map(|p| p.name).collect::<Vec<_>>();
    // 佳兆: 兆 is read as a number, and what is left is every builder's trade.
    assert!(names("我们在佳兆建筑工程公司的工地干了大半年").is_empty());
    assert!(names("在建筑工程公司干活，工程公司拖欠工资").is_empty());
    assert_eq!(names("在长盛建筑工程公司干活"), ["长盛建筑工程公司"]);
    assert_eq!(names("在天成劳务公司干活"), ["天成劳务公司"]);
}

#[test]
fn estates_the_segmenter_cuts_badly_are_still_named() {
    let names = |text: &str| places(text).into_iter().map(|p| p.name).collect::<Vec<_>>();
    // 德润名 / 邸, 恒 / 盛名 / 苑: the suffix's first character glued to the name.
    assert_eq!(names("领导您好，德润名邸车位价格高达二十多万"), ["德润名邸"]);
    assert_eq!(names("颐和恒盛名苑临街门面火锅店油烟扰民"), ["颐和恒盛名苑"]);
    // Names made of rare words of any part of speech (远航 a verb, 江岸 a place word).
    assert_eq!(names("远航家园开发商要求业主"), ["远航家园"]);
    assert_eq!(names("宏图江岸公寓有住户在顶楼"), ["宏图江岸公寓"]);
    assert!(conflict(&places("德润名邸车位只售不租"), &places("凯旋鑫源小区车位只售不租")));
    // Common words before a suffix are still no name.
    assert!(places("建设美好家园，我们的花园").is_empty());
    // A word like a place before a suffix is no name (路面 + 路 of 路面路灯).
    assert_eq!(names("岳麓北辰路路面路灯不亮"), ["岳麓北辰路"]);
}
