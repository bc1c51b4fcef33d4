//! 邮件提醒 (issue 14): reminders a user chose to take by e-mail go through a real SMTP server on
//! loopback (aiosmtpd), in Chinese with an English part for a reader of English, held through
//! quiet hours, tried again after a temporary refusal and given up after a permanent one; bad
//! preferences are refused with the field named and change nothing.

use crate::drive::{act, assign, new_problem};
use crate::{both, date, setup};
use chrono::{DateTime, TimeZone, Utc};
use domain::Code;
use domain::notice::{NoticeChannel, NoticeKind, NoticeStatus};
use std::sync::Arc;
use zhenggai_app::App;
use zhenggai_app::notices::NoticeQuery;
use zhenggai_app::notices::mail::MailSettings;
use zhenggai_app::notices::prefs::NoticePreferencesInput;
use zhenggai_app::testkit::{Kind, SmtpReceiver};
use zhenggai_app::transitions::TransitionInput;

/// `h:m` Beijing time on a day of 2026.
fn at(m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    domain::clock::CHINA.with_ymd_and_hms(2026, m, d, h, min, 0).unwrap().with_timezone(&Utc)
}

fn prefs(email: &str, kinds: &[NoticeKind], quiet: Option<(&str, &str)>, english: bool) -> NoticePreferencesInput {
    NoticePreferencesInput {
        email: Some(email.into()),
        email_kinds: kinds.to_vec(),
        quiet_from: quiet.map(|q| q.0.into()),
        quiet_until: quiet.map(|q| q.1.into()),
        english,
    }
}

fn text<'a>(v: &'a serde_json::Value, field: &str) -> &'a str {
    v[field].as_str().unwrap_or_default()
}

async fn reminders_reach_people_by_e_mail_as_they_chose(kind: Kind) {
    let Some(smtp) = SmtpReceiver::start() else {
        return;
    };
    let Some((db, w)) = setup(kind, date(2026, 11, 30)).await else {
        return;
    };
    db.clock.set(at(11, 30, 7, 0));
    // This node sends e-mail through the receiver; plain is allowed only because it is loopback.
    let mut settings = zhenggai_app::testkit::test_settings(&db.dir.path().join("files"));
    settings.mail = Some(
        MailSettings::new(
            &format!("smtp://127.0.0.1:{}", smtp.port),
            "整改台账 <ledger@example.org>",
            Some("https://zg.example.org/"),
        )
        .unwrap(),
    );
    let app = &App::open(&db.url, db.clock.clone() as Arc<dyn domain::Clock>, settings).await.unwrap();
    let id = new_problem(app, &w).await;
    act(app, &w.office, id, TransitionInput { deadline: Some(date(2026, 12, 3)), ..assign(&w) }).await.unwrap();

    // The liaison takes due-soon, overdue and the digest by e-mail, with English; the leader only
    // the digest, in Chinese, with quiet hours until nine.
    let liaison =
        prefs("liaison@example.org", &[NoticeKind::DueSoon, NoticeKind::Overdue, NoticeKind::DailyDigest], None, true);
    let set = app.set_my_notice_preferences(&w.liaison_a, &liaison).await.unwrap();
    assert!(set.mail_available && set.english && set.email_kinds.len() == 3, "{set:?}");
    app.set_my_notice_preferences(
        &w.leader_a,
        &prefs("leader@example.org", &[NoticeKind::DailyDigest], Some(("08:00", "09:00")), false),
    )
    .await
    .unwrap();

    // Bad preferences: each names its field and changes nothing.
    for (bad, field) in [
        (prefs("not an address", &[NoticeKind::Overdue], None, false), "email"),
        (prefs("", &[NoticeKind::Overdue], None, false), "email"),
        (prefs("a@example.org", &[], Some(("25:00", "07:00")), false), "quiet_from"),
        (prefs("a@example.org", &[], Some(("07:00", "07:00")), false), "quiet_until"),
    ] {
        let err = app.set_my_notice_preferences(&w.liaison_a, &bad).await.unwrap_err();
        assert_eq!((err.code(), err.field()), (Code::ValidationFailed, Some(field)), "{err:?}");
    }
    assert_eq!(app.my_notice_preferences(&w.liaison_a).await.unwrap(), set, "nothing changed");

    // Monday 08:31: the day is planned; the inbox has every reminder, e-mail what was chosen.
    db.clock.set(at(11, 30, 8, 31));
    app.run_scheduler("node-a").await.unwrap();
    let emails = app
        .notices(&w.admin, &NoticeQuery { channel: Some(NoticeChannel::Email), ..NoticeQuery::default() })
        .await
        .unwrap();
    let mut planned: Vec<(NoticeKind, String)> =
        emails.iter().map(|n| (n.kind, n.recipient.as_ref().map(|r| r.name.clone()).unwrap_or_default())).collect();
    planned.sort_by_key(|(k, who)| (k.as_str(), who.clone()));
    assert_eq!(planned.len(), 3, "the liaison's due-soon and digest, the leader's digest: {planned:?}");
    assert!(emails.iter().all(|n| n.status == NoticeStatus::Pending));
    let inbox = app.my_notices(&w.liaison_a, None, None).await.unwrap();
    assert_eq!(inbox.len(), 2, "the inbox lists each reminder once");
    assert!(inbox.iter().all(|n| n.channel == NoticeChannel::Inbox));

    // Sending: the liaison's two go now; the leader's waits for the end of the quiet hours.
    assert_eq!(app.send_mail_due("node-a").await.unwrap(), 3);
    let got = smtp.received(2);
    assert_eq!(got.len(), 2, "{got:?}");
    let due_soon = got.iter().find(|m| text(m, "subject").contains("临期提醒")).expect("the due-soon e-mail");
    assert_eq!(due_soon["rcpt_tos"], serde_json::json!(["liaison@example.org"]));
    assert_eq!(text(due_soon, "mail_from"), "ledger@example.org");
    assert!(text(due_soon, "from").contains("整改台账"), "{}", text(due_soon, "from"));
    assert_eq!((text(due_soon, "content_type"), text(due_soon, "charset")), ("text/plain", "utf-8"));
    let body = text(due_soon, "body");
    assert!(body.contains("原因：您是牵头单位的联络员"), "{body}");
    assert!(body.contains(&format!("https://zg.example.org/problems/{id}")), "{body}");
    assert!(body.contains("2026-12-03"), "{body}");
    let english = body.find("---- English ----").expect("an English part for the liaison");
    assert!(body.find("原因").unwrap() < english, "Chinese first");
    assert!(body[english..].contains("Due soon:") && body[english..].contains("Why: you are the lead unit's liaison"));
    assert!(got.iter().any(|m| text(m, "subject").contains("每日汇总")));
    let waiting = app
        .notices(
            &w.admin,
            &NoticeQuery {
                channel: Some(NoticeChannel::Email),
                status: Some(NoticeStatus::Pending),
                ..NoticeQuery::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(waiting.len(), 1);
    assert_eq!(waiting[0].recipient.as_ref().map(|r| r.id), Some(w.user("leader_a").id));
    assert_eq!(waiting[0].attempts, 0, "held for quiet hours, not tried");
    db.clock.set(at(11, 30, 8, 59));
    assert_eq!(app.send_mail_due("node-a").await.unwrap(), 0, "still quiet");
    db.clock.set(at(11, 30, 9, 0));
    assert_eq!(app.send_mail_due("node-a").await.unwrap(), 1);
    let got = smtp.received(3);
    let leader = &got[2];
    assert_eq!(leader["rcpt_tos"], serde_json::json!(["leader@example.org"]));
    assert!(text(leader, "subject").contains("每日汇总"));
    assert!(!text(leader, "body").contains("English"), "no English part for the leader");
    assert_eq!(app.send_mail_due("node-a").await.unwrap(), 0, "nothing is sent twice");

    // Tuesday: the liaison's server refuses for now (451), then takes it; Wednesday it refuses for
    // good (550), and the notice fails with the server's answer, not tried again.
    app.set_my_notice_preferences(&w.liaison_a, &prefs("flaky@example.org", &[NoticeKind::DailyDigest], None, false))
        .await
        .unwrap();
    db.clock.set(at(12, 1, 9, 0));
    app.run_scheduler("node-a").await.unwrap();
    app.send_mail_due("node-a").await.unwrap();
    let liaison_mail = |status| NoticeQuery {
        channel: Some(NoticeChannel::Email),
        user_id: Some(w.user("liaison_a").id),
        status: Some(status),
        ..NoticeQuery::default()
    };
    let retry = app.notices(&w.admin, &liaison_mail(NoticeStatus::Pending)).await.unwrap();
    assert_eq!(retry.len(), 1);
    assert_eq!(retry[0].attempts, 1);
    assert!(retry[0].last_error.as_deref().is_some_and(|e| e.contains("451")), "{:?}", retry[0].last_error);
    assert_eq!(app.send_mail_due("node-a").await.unwrap(), 0, "not before the backoff");
    db.clock.set(at(12, 1, 9, 2));
    assert_eq!(app.send_mail_due("node-a").await.unwrap(), 1);
    // Tuesday's two digests: the leader's at once, the liaison's on the second try.
    let got = smtp.received(5);
    assert_eq!(got.len(), 5);
    assert_eq!(got[4]["rcpt_tos"], serde_json::json!(["flaky@example.org"]));
    let sent = app.notices(&w.admin, &liaison_mail(NoticeStatus::Sent)).await.unwrap();
    assert!(sent.iter().any(|n| n.day == date(2026, 12, 1) && n.last_error.is_none()));

    app.set_my_notice_preferences(&w.liaison_a, &prefs("reject@example.org", &[NoticeKind::DailyDigest], None, false))
        .await
        .unwrap();
    db.clock.set(at(12, 2, 9, 0));
    app.run_scheduler("node-a").await.unwrap();
    app.send_mail_due("node-a").await.unwrap();
    let failed = app.notices(&w.admin, &liaison_mail(NoticeStatus::Failed)).await.unwrap();
    assert_eq!(failed.len(), 1);
    assert!(failed[0].last_error.as_deref().is_some_and(|e| e.contains("550")), "{:?}", failed[0].last_error);
    db.clock.set(at(12, 2, 18, 0));
    assert_eq!(app.send_mail_due("node-a").await.unwrap(), 0, "a permanent refusal is not retried");

    // A user who takes e-mail off: the next day's digest stays in the inbox only.
    app.set_my_notice_preferences(&w.liaison_a, &NoticePreferencesInput::default()).await.unwrap();
    db.clock.set(at(12, 3, 9, 0));
    app.run_scheduler("node-a").await.unwrap();
    let thursday = app
        .notices(
            &w.admin,
            &NoticeQuery {
                day: Some(date(2026, 12, 3)),
                user_id: Some(w.user("liaison_a").id),
                ..NoticeQuery::default()
            },
        )
        .await
        .unwrap();
    assert!(!thursday.is_empty() && thursday.iter().all(|n| n.channel == NoticeChannel::Inbox), "{thursday:?}");
    // An e-mail about a problem that went to another unit before it was sent is not sent: it
    // would name a record its reader may no longer open.
    app.set_my_notice_preferences(&w.liaison_a, &prefs("liaison@example.org", &[NoticeKind::Overdue], None, false))
        .await
        .unwrap();
    db.clock.set(at(12, 4, 9, 0));
    app.run_scheduler("node-a").await.unwrap();
    db.raw(&format!("update problems set lead_unit_id = {} where id = {id}", w.dept_b.id)).await;
    let received = smtp.received(0).len();
    app.send_mail_due("node-a").await.unwrap();
    let moved = app
        .notices(&w.admin, &NoticeQuery { day: Some(date(2026, 12, 4)), ..liaison_mail(NoticeStatus::Failed) })
        .await
        .unwrap();
    assert_eq!(moved.len(), 1, "{moved:?}");
    assert!(moved[0].last_error.as_deref().is_some_and(|e| e.contains("no longer see")), "{:?}", moved[0].last_error);
    let after = smtp.received(0);
    assert!(
        after[received..].iter().all(|m| m["rcpt_tos"] != serde_json::json!(["liaison@example.org"])),
        "nothing went to the liaison: {:?}",
        &after[received..]
    );
    db.raw(&format!("update problems set lead_unit_id = {} where id = {id}", w.dept_a.id)).await;

    // On the record.
    let history = app.history("user", w.user("liaison_a").id.get()).await.unwrap();
    let changes: Vec<_> = history
        .iter()
        .filter(|e| e.action == "notice.preferences")
        .map(|e| (e.actor.clone(), e.after_json.clone()))
        .collect();
    assert_eq!(changes.len(), 5, "each change, none refused: {changes:#?}");
    assert!(app.verify_audit().await.unwrap().first_bad.is_none(), "the chain holds");
    db.cleanup().await;
}

async fn without_a_mail_server_reminders_stay_in_the_inbox(kind: Kind) {
    let Some((db, w)) = setup(kind, date(2026, 11, 30)).await else {
        return;
    };
    let app = &db.app;
    db.clock.set(at(11, 30, 7, 0));
    let id = new_problem(app, &w).await;
    act(app, &w.office, id, TransitionInput { deadline: Some(date(2026, 12, 3)), ..assign(&w) }).await.unwrap();
    let set = app
        .set_my_notice_preferences(&w.liaison_a, &prefs("liaison@example.org", &[NoticeKind::DueSoon], None, false))
        .await
        .unwrap();
    assert!(!set.mail_available, "the page says e-mail is not set up");
    db.clock.set(at(11, 30, 9, 0));
    app.run_scheduler("node-a").await.unwrap();
    let all = app.notices(&w.admin, &NoticeQuery::default()).await.unwrap();
    assert!(!all.is_empty() && all.iter().all(|n| n.channel == NoticeChannel::Inbox));
    assert_eq!(app.send_mail_due("node-a").await.unwrap(), 0);
    db.cleanup().await;
}

both!(reminders_reach_people_by_e_mail_as_they_chose, without_a_mail_server_reminders_stay_in_the_inbox);
