//! Routing suggestion: proposals learnt from the install's own decided problems, with a
//! confidence; none until there is enough history. And the formalism flags on replies.

use crate::{both, date, setup};
use zhenggai_app::categories::CategoryInput;
use zhenggai_app::problems::NewProblemInput;
use zhenggai_app::testkit::Kind;

async fn routing_is_learnt_from_decided_problems(kind: Kind) {
    let Some((db, w)) = setup(kind, date(2026, 11, 2)).await else {
        return;
    };
    let app = &db.app;
    // Too little history: no proposal, and no error.
    let none = app.suggest_routing(&w.office, "路灯不亮").await.unwrap();
    assert_eq!((none.category, none.lead_unit), (None, None));

    let lights = app
        .create_category(&w.admin, &CategoryInput { parent_id: None, name: "路灯照明".into(), limits: vec![] })
        .await
        .unwrap();
    let places = ["幸福路", "建设路", "人民路", "解放路", "中山路", "和平路", "文化路", "青年路"];
    for place in places {
        for (title, category) in [
            (format!("{place}路灯不亮，晚上一片漆黑"), lights.id),
            (format!("{place}饭店油烟噪音扰民，晚上睡不着"), w.category.id),
        ] {
            let input = NewProblemInput {
                category_id: Some(category),
                ..crate::problem_input(w.campaign.id, &title, &format!("{title}，请尽快处理。"))
            };
            app.create_problem(&w.office, &input).await.unwrap();
        }
    }
    // The lead units as the office decided them.
    db.raw(&format!("update problems set lead_unit_id = {} where title like '%路灯%'", w.dept_a.id)).await;
    db.raw(&format!("update problems set lead_unit_id = {} where title like '%油烟%'", w.dept_b.id)).await;
    let s = app.suggest_routing(&w.office, "光明路的路灯坏了好几天，晚上漆黑一片").await.unwrap();
    let category = s.category.expect("a category");
    assert_eq!(category.id, lights.id, "{category:?}");
    assert!(category.confidence > 0.5 && category.confidence <= 1.0, "{category:?}");
    assert_eq!(s.lead_unit.expect("a unit").id, w.dept_a.id);
    assert_eq!(s.trained_on, 16);
    let s = app.suggest_routing(&w.office, "楼下烧烤店油烟大、噪音大，晚上睡不着").await.unwrap();
    assert_eq!(s.category.unwrap().id, w.category.id);
    assert_eq!(s.lead_unit.unwrap().id, w.dept_b.id);
    // Retraining by command reports what it learnt.
    let r = app.retrain_routing().await.unwrap();
    assert_eq!((r.decided, r.categories, r.units), (16, 2, 2));
    // Bad input is refused clearly.
    assert!(app.suggest_routing(&w.office, "   ").await.is_err());
    db.cleanup().await;
}

async fn the_install_dictionary_holds_its_units_categories_and_places(kind: Kind) {
    let Some((db, w)) = setup(kind, date(2026, 11, 2)).await else {
        return;
    };
    let app = &db.app;
    let parking = app
        .create_category(&w.admin, &CategoryInput { parent_id: None, name: "物业车位管理".into(), limits: vec![] })
        .await
        .unwrap();
    let title = "伊景园滨河苑小区捆绑销售车位";
    let input = NewProblemInput {
        category_id: Some(parking.id),
        ..crate::problem_input(w.campaign.id, title, "伊景园滨河苑小区开发商捆绑销售车位，业主不买车位就不给交房。")
    };
    app.create_problem(&w.office, &input).await.unwrap();
    let words = app.install_words().await.unwrap();
    for expected in [w.dept_a.name.as_str(), "物业车位管理"] {
        assert!(words.iter().any(|x| x == expected), "{expected} missing from {words:?}");
    }
    // The estate its decided problem names, read whole by routing's segmenter and not by the
    // built-in dictionary alone.
    let estate = words.iter().find(|x| x.contains("滨河苑")).unwrap_or_else(|| panic!("no estate in {words:?}"));
    let routing = text::Segmenter::new(words.iter().map(String::as_str));
    let text = "伊景园滨河苑的车位问题";
    assert!(routing.words(text).contains(estate), "{:?}", routing.words(text));
    assert!(!text::Segmenter::shared().words(text).contains(estate));
    db.cleanup().await;
}

async fn a_reply_that_says_nothing_is_flagged_with_its_reasons(kind: Kind) {
    let Some((db, w)) = setup(kind, date(2026, 11, 2)).await else {
        return;
    };
    let app = &db.app;
    let input =
        crate::problem_input(w.campaign.id, "丽发新城搅拌站夜间施工扰民", "搅拌站每天夜里施工到凌晨，噪音很大。");
    let p = app.create_problem(&w.office, &input).await.unwrap().summary;
    let id = p.id;
    assert!(app.get_problem(&w.office, id).await.unwrap().reply_flags.is_empty(), "no reply, no flag");
    let reply = |text: &str, version: i64| zhenggai_app::problems::ProblemPatch {
        version,
        public_reply: Some(Some(text.to_string())),
        ..Default::default()
    };
    let stock = "网友您好，您的留言已收悉，感谢您对我们工作的关心和支持。";
    let d = app.update_problem(&w.office, id, &reply(stock, p.version)).await.unwrap();
    let codes: Vec<String> = d.reply_flags.iter().map(|f| f.code.clone()).collect();
    assert_eq!(codes, vec!["off_topic", "no_action"], "{:?}", d.reply_flags);
    assert!(d.reply_flags.iter().all(|f| !f.reason.is_empty() && !f.reason_en.is_empty()));
    let good = "经核查，丽发新城搅拌站夜间施工属实，我局已责令其于12月5日前停止夜间施工并安装降噪设施。";
    let d = app.update_problem(&w.office, id, &reply(good, d.summary.version)).await.unwrap();
    assert!(d.reply_flags.is_empty(), "{:?}", d.reply_flags);
    db.cleanup().await;
}

both!(
    routing_is_learnt_from_decided_problems,
    the_install_dictionary_holds_its_units_categories_and_places,
    a_reply_that_says_nothing_is_flagged_with_its_reasons
);
