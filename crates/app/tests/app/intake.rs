//! Intake, sign-in and tokens: idempotent imports, private contacts, throttling, token scopes.

use crate::{both, date, setup};
use domain::Error;
use domain::access::TokenScope;
use domain::feedback::Channel;
use zhenggai_app::feedback::FeedbackInput;
use zhenggai_app::testkit::{Kind, password_of};

fn item(key: &str, body: &str) -> FeedbackInput {
    FeedbackInput {
        channel: Channel::Hotline,
        body: body.into(),
        source: Some("12345".into()),
        source_key: Some(key.into()),
        reporter_name: Some("李女士".into()),
        reporter_contact: Some("13900000000".into()),
        ..FeedbackInput::new(Channel::Hotline, "")
    }
}

async fn importing_the_same_records_twice_gives_one_feedback_each(kind: Kind) {
    let Some((db, w)) = setup(kind, date(2026, 11, 2)).await else {
        return;
    };
    let app = &db.app;
    let batch = vec![item("A-1", "路灯不亮"), item("A-2", "井盖缺失")];
    let first = app.import_feedback(&w.office, &batch).await.unwrap();
    assert_eq!((first.created, first.existing), (2, 0));
    let second = app.import_feedback(&w.office, &batch).await.unwrap();
    assert_eq!((second.created, second.existing), (0, 2));
    assert_eq!(first.ids, second.ids);
    // A bad item stops the whole batch, named by its index, and nothing is written.
    let bad = vec![item("B-1", "正常"), FeedbackInput { body: "   ".into(), ..item("B-2", "") }];
    let err = app.import_feedback(&w.office, &bad).await.unwrap_err();
    match err {
        Error::Invalid { field, .. } => assert!(field.starts_with("items[1]"), "{field}"),
        other => panic!("{other:?}"),
    }
    let all = app.list_feedback(&w.office, &Default::default()).await.unwrap();
    assert_eq!(all.items.len(), 2, "the bad batch left nothing behind");
    db.cleanup().await;
}

async fn reporter_contact_is_for_the_handling_units_and_never_public(kind: Kind) {
    let Some((db, w)) = setup(kind, date(2026, 11, 2)).await else {
        return;
    };
    let app = &db.app;
    let (fb, created) = app.create_feedback(&w.office, &item("C-1", "噪音扰民")).await.unwrap();
    assert!(created);
    assert_eq!(fb.reporter_contact.as_deref(), Some("13900000000"));
    assert!(app.get_feedback(&w.supervisor, fb.id).await.unwrap().reporter_contact.is_none());
    assert!(matches!(app.get_feedback(&w.liaison_a, fb.id).await, Err(Error::NotFound { .. })));
    let tracked = app.track(fb.tracking_code.as_str()).await.unwrap();
    let json = serde_json::to_string(&tracked).unwrap();
    assert!(!json.contains("13900000000") && !json.contains("李女士"));
    db.cleanup().await;
}

async fn logins_are_checked_throttled_and_sessions_expire(kind: Kind) {
    let Some((db, _w)) = setup(kind, date(2026, 11, 2)).await else {
        return;
    };
    let app = &db.app;
    let session = app.login("office", &password_of("office"), "10.0.0.1").await.unwrap();
    let actor = app.authenticate_session(&session.secret).await.unwrap();
    assert_eq!(actor.label(), "office");
    let wrong = |client: &'static str| app.login("office", "wrong password!", client);
    for _ in 0..5 {
        assert!(matches!(wrong("10.0.0.2").await, Err(Error::Unauthenticated { .. })));
    }
    // The guesser now waits, even with the right password; the real user elsewhere does not.
    let err = app.login("office", &password_of("office"), "10.0.0.2").await.unwrap_err();
    assert!(matches!(err, Error::RateLimited { retry_after_secs: 1 }), "a second after the fifth failure: {err:?}");
    app.login("office", &password_of("office"), "10.0.0.3").await.unwrap();
    // Each further failure doubles the guesser's wait.
    for expected_wait in [2, 4, 8] {
        db.clock.advance(chrono::Duration::seconds(expected_wait));
        assert!(matches!(wrong("10.0.0.2").await, Err(Error::Unauthenticated { .. })));
        let err = wrong("10.0.0.2").await.unwrap_err();
        assert!(
            matches!(err, Error::RateLimited { retry_after_secs } if retry_after_secs == expected_wait as u64),
            "{err:?}"
        );
    }
    // A success from that address starts the count again.
    db.clock.advance(chrono::Duration::seconds(16));
    app.login("office", &password_of("office"), "10.0.0.2").await.unwrap();
    assert!(matches!(wrong("10.0.0.2").await, Err(Error::Unauthenticated { .. })));
    // Spraying many usernames from one address slows that address by seconds, never locks it.
    for i in 0..25 {
        db.clock.advance(chrono::Duration::seconds(31));
        let _ = app.login(&format!("nobody{i}"), "whatever-password", "10.0.0.9").await;
    }
    let err = app.login("office", &password_of("office"), "10.0.0.9").await.unwrap_err();
    assert!(matches!(err, Error::RateLimited { retry_after_secs } if retry_after_secs <= 30), "{err:?}");
    db.clock.advance(chrono::Duration::seconds(30));
    app.login("office", &password_of("office"), "10.0.0.9").await.unwrap();
    assert!(matches!(app.login("nobody", "whatever-password", "10.0.0.4").await, Err(Error::Unauthenticated { .. })));
    db.clock.advance(chrono::Duration::hours(13));
    assert!(app.authenticate_session(&session.secret).await.is_err(), "sessions expire");
    app.logout(&session.secret).await.unwrap();
    db.cleanup().await;
}

async fn tokens_are_hashed_scoped_and_revocable(kind: Kind) {
    let Some((db, w)) = setup(kind, date(2026, 11, 2)).await else {
        return;
    };
    let app = &db.app;
    let office_id = w.user("office").id;
    let (view, secret) =
        app.create_token(&w.admin, office_id, "12345 对接", TokenScope::Intake, Some(30)).await.unwrap();
    assert!(secret.starts_with("zgt_"));
    let actor = app.authenticate_token(&secret).await.unwrap();
    app.import_feedback(&actor, &[item("T-1", "令牌导入")]).await.unwrap();
    let err = app
        .create_problem(
            &actor,
            &zhenggai_app::problems::NewProblemInput::new(w.campaign.id, "x", "y", Channel::Hotline),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Forbidden { .. }), "an intake token cannot write problems: {err:?}");
    // The database holds only the hash.
    let mut pooled = app.db.acquire().await.unwrap();
    let tokens = store::auth::list_tokens(&mut pooled.conn(), None).await.unwrap();
    drop(pooled);
    assert_eq!(tokens.len(), 1);
    assert!(!format!("{tokens:?}").contains(&secret));
    // A liaison cannot mint tokens for others.
    assert!(app.create_token(&w.liaison_a, office_id, "x", TokenScope::Full, None).await.is_err());
    app.revoke_token(&w.admin, view.id).await.unwrap();
    assert!(app.authenticate_token(&secret).await.is_err());
    db.cleanup().await;
}

async fn the_calendar_can_be_extended_for_a_new_year(kind: Kind) {
    let Some((db, w)) = setup(kind, date(2026, 12, 28)).await else {
        return;
    };
    let app = &db.app;
    assert!(!app.calendar_year(2027).await.unwrap().covered);
    let (due, warnings) = app.working_deadline(date(2026, 12, 30), 2).await.unwrap();
    assert_eq!(due, date(2027, 1, 1), "without the 2027 arrangement New Year's Day counts as a Friday");
    assert_eq!(warnings.len(), 1);
    let day = |m, d, kind| domain::calendar::SpecialDay { date: date(2027, m, d), kind, note: "元旦".into() };
    app.set_calendar_year(&w.admin, 2027, vec![day(1, 1, domain::calendar::DayKind::Holiday)]).await.unwrap();
    let (due, warnings) = app.working_deadline(date(2026, 12, 30), 2).await.unwrap();
    assert_eq!(due, date(2027, 1, 4));
    assert!(warnings.is_empty());
    assert!(app.set_calendar_year(&w.office, 2027, vec![]).await.is_err(), "only the admin edits the calendar");
    assert!(
        app.set_calendar_year(
            &w.admin,
            2027,
            vec![day(1, 1, domain::calendar::DayKind::Holiday), day(1, 1, domain::calendar::DayKind::Workday)]
        )
        .await
        .is_err()
    );
    db.cleanup().await;
}

both!(
    importing_the_same_records_twice_gives_one_feedback_each,
    reporter_contact_is_for_the_handling_units_and_never_public,
    logins_are_checked_throttled_and_sessions_expire,
    tokens_are_hashed_scoped_and_revocable,
    the_calendar_can_be_extended_for_a_new_year,
);
