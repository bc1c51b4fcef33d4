//! 调查研究: a topic set by the office, visits and findings recorded by its unit, findings turned
//! into a feedback item or a problem in one step keeping the link, and the topic's conversion
//! (成果转化率) read back to the hand-computed figures — on both databases, counting only what the
//! reader may see, refusing bad input and the wrong people without writing anything.

use crate::{both, date, setup};
use domain::Code;
use zhenggai_app::research::{ConvertInput, ConvertTo, TopicInput, VisitInput};
use zhenggai_app::testkit::{Kind, World};

fn topic(w: &World) -> TopicInput {
    TopicInput {
        campaign_id: w.campaign.id,
        unit_id: w.dept_a.id,
        title: "老旧小区改造中的群众急难愁盼".into(),
        description: Some("走访老旧小区，听取居民意见".into()),
        lead_leader_id: Some(w.user("leader_a").id),
        members: Some("张伟、李娜".into()),
        starts_on: Some(date(2026, 10, 1)),
        ends_on: Some(date(2026, 12, 31)),
        version: None,
    }
}

fn visit(day: u32, place: &str, findings: &[&str]) -> VisitInput {
    VisitInput {
        visited_on: date(2026, 11, day),
        place: place.into(),
        met: Some("社区书记、居民代表".into()),
        summary: None,
        findings: findings.iter().map(|f| f.to_string()).collect(),
    }
}

async fn findings_become_problems_and_the_topic_counts_its_conversion(kind: Kind) {
    let Some((db, w)) = setup(kind, date(2026, 11, 20)).await else { return };
    let app = &db.app;
    let t = app.create_topic(&w.office, &topic(&w)).await.unwrap();
    assert!(t.actions.edit && t.actions.record && t.actions.convert);
    let t = app
        .add_visit(&w.liaison_a, t.id, &visit(5, "金桂苑小区", &["楼道照明损坏", "垃圾站清运不及时", "  "]))
        .await
        .unwrap();
    let t = app
        .add_visit(&w.leader_a, t.id, &visit(12, "丽发新城", &["电梯频繁停运", "停车位不足", "健身器材破损"]))
        .await
        .unwrap();
    let findings: Vec<_> = t.visits.iter().flat_map(|v| v.findings.iter().map(|f| f.id)).collect();
    assert_eq!(findings.len(), 5, "a blank finding is not kept");
    // Three become problems (one is then signed off), one a feedback item, one stays a finding.
    let to = |to: ConvertTo| ConvertInput { to, title: None };
    for f in &findings[..3] {
        app.convert_finding(&w.office, *f, &to(ConvertTo::Problem)).await.unwrap();
    }
    let t = app.convert_finding(&w.office, findings[3], &to(ConvertTo::Feedback)).await.unwrap();
    let first = t.visits[0].findings[0].problem.clone().unwrap();
    assert_eq!(first.title, "楼道照明损坏");
    db.raw(&format!("update problems set status = 'closed' where id = {}", first.id)).await;
    // By hand: 3 of 5 on problems (60%), 1 of those 3 signed off.
    let t = app.get_topic(&w.office, t.id).await.unwrap();
    assert_eq!((t.findings, t.converted, t.closed), (5, 3, 1));
    assert_eq!(t.conversion_rate, Some(0.6));
    assert!((t.closed_rate.unwrap() - 1.0 / 3.0).abs() < 1e-12);
    assert_eq!(t.visits[1].findings[1].outcome, "feedback");
    let detail = app.get_problem(&w.office, first.id).await.unwrap();
    assert_eq!(
        (detail.summary.channel, detail.description.as_str()),
        (domain::feedback::Channel::Research, "楼道照明损坏")
    );
    // Another unit's liaison reads the topic but none of what its findings became.
    let theirs = app.get_topic(&w.liaison_b, t.id).await.unwrap();
    assert_eq!((theirs.converted, theirs.conversion_rate), (0, Some(0.0)));
    assert!(theirs.visits.iter().flat_map(|v| &v.findings).all(|f| f.problem.is_none() && f.feedback_id.is_none()));
    assert_eq!(theirs.actions, Default::default());
    // Audited; listed.
    let actions: Vec<String> =
        app.history("research_topic", t.id.get()).await.unwrap().into_iter().map(|r| r.action).collect();
    assert_eq!(actions.iter().filter(|a| *a == "research.finding.convert").count(), 4, "{actions:?}");
    assert_eq!(app.list_topics(&w.viewer_a, None).await.unwrap().len(), 1);
    db.cleanup().await;
}

both!(findings_become_problems_and_the_topic_counts_its_conversion);

async fn bad_research_input_and_the_wrong_people_write_nothing(kind: Kind) {
    let Some((db, w)) = setup(kind, date(2026, 11, 20)).await else { return };
    let app = &db.app;
    let t = app.create_topic(&w.office, &topic(&w)).await.unwrap();
    let t = app.add_visit(&w.office, t.id, &visit(5, "金桂苑小区", &["楼道照明损坏"])).await.unwrap();
    let finding = t.visits[0].findings[0].id;
    app.convert_finding(&w.office, finding, &ConvertInput { to: ConvertTo::Problem, title: None }).await.unwrap();
    let audit = app.verify_audit().await.unwrap().rows_checked;
    let bad = [
        ("title", TopicInput { title: " ".into(), ..topic(&w) }),
        ("ends_on", TopicInput { ends_on: Some(date(2026, 9, 1)), ..topic(&w) }),
        ("lead_leader_id", TopicInput { lead_leader_id: Some(w.user("liaison_a").id), ..topic(&w) }),
        ("unit_id", TopicInput { unit_id: domain::UnitId::new(999), ..topic(&w) }),
    ];
    for (name, input) in bad {
        let e = app.create_topic(&w.office, &input).await.unwrap_err();
        assert_eq!(e.field(), Some(name), "{e:?}");
    }
    for who in [&w.liaison_a, &w.leader_a, &w.viewer_a, &w.supervisor] {
        assert_eq!(app.create_topic(who, &topic(&w)).await.unwrap_err().code(), Code::Forbidden);
    }
    let e = app.add_visit(&w.office, t.id, &visit(25, "未来", &[])).await.unwrap_err();
    assert_eq!(e.field(), Some("visited_on"));
    let e = app.add_visit(&w.office, t.id, &visit(5, " ", &[])).await.unwrap_err();
    assert_eq!(e.field(), Some("place"));
    for who in [&w.liaison_b, &w.viewer_a, &w.supervisor] {
        assert_eq!(app.add_visit(who, t.id, &visit(5, "金桂苑", &[])).await.unwrap_err().code(), Code::Forbidden);
    }
    let again = app.convert_finding(&w.office, finding, &ConvertInput { to: ConvertTo::Feedback, title: None }).await;
    assert_eq!(again.unwrap_err().code(), Code::Conflict);
    let missing = app.get_topic(&w.office, domain::ResearchTopicId::new(999)).await.unwrap_err();
    assert_eq!(missing.code(), Code::NotFound);
    assert_eq!(app.verify_audit().await.unwrap().rows_checked, audit, "nothing written");
    let now = app.get_topic(&w.office, t.id).await.unwrap();
    assert_eq!((now.visits.len(), now.findings, now.converted), (1, 1, 1));
    db.cleanup().await;
}

both!(bad_research_input_and_the_wrong_people_write_nothing);
