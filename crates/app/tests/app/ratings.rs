//! Public ratings: a dissatisfied rating reopens a problem only from a report it was made from; one
//! from a report linked later counts and waits for the office (不满意待核实), and the tracking page
//! tells such a report nothing of an unpublished problem.

use crate::drive::{act, problem_in, sign_off, t};
use crate::{both, date, setup};
use domain::problem::Satisfaction;
use domain::workflow::{State, Status};
use domain::{Error, ProblemId};
use zhenggai_app::App;
use zhenggai_app::public::{PublicSubmission, RatingInput, Receipt};
use zhenggai_app::ratings::{RatingReview, ReviewDecision};
use zhenggai_app::testkit::{Kind, TestDb, World};

/// A public report that copies the text of [`new_problem`]'s problem word for word.
async fn copy_of_the_problem(app: &App, contact: &str) -> Receipt {
    app.public_submit(
        &PublicSubmission {
            body: "每天晚上十一点以后还在施工，噪音很大。".into(),
            title: Some("阳光小区旁工地夜间施工噪音扰民".into()),
            kind: None,
            campaign_id: None,
            address: None,
            latitude: None,
            longitude: None,
            reporter_name: None,
            reporter_contact: Some(contact.into()),
        },
        None,
    )
    .await
    .unwrap()
}

/// The problem the office makes from the one report not yet on the list.
async fn problem_made_from_the_report(app: &App, w: &World) -> zhenggai_app::views::ProblemDetail {
    let fid = app
        .list_feedback(&w.office, &zhenggai_app::feedback::FeedbackQuery { linked: Some(false), ..Default::default() })
        .await
        .unwrap()
        .items[0]
        .id;
    let input = zhenggai_app::problems::NewProblemInput {
        feedback_ids: vec![fid],
        ..crate::problem_input(w.campaign.id, "阳光小区旁工地夜间施工噪音扰民", "每天晚上十一点以后还在施工。")
    };
    app.create_problem(&w.office, &input).await.unwrap()
}

fn dissatisfied(r: &Receipt, comment: &str) -> RatingInput {
    RatingInput {
        tracking_code: r.tracking_code.clone(),
        rating_key: r.rating_key.clone(),
        solved: false,
        satisfaction: Satisfaction::Dissatisfied,
        comment: Some(comment.into()),
    }
}

async fn an_assigned_problem_with_two_copies_linked(db: &TestDb, w: &World) -> (ProblemId, Receipt, Receipt) {
    let app = &db.app;
    let id = problem_in(app, w, State::new(Status::Assigned, None)).await;
    db.clock.advance(chrono::Duration::minutes(30));
    let first = copy_of_the_problem(app, "13911112222").await;
    let second = copy_of_the_problem(app, "13933334444").await;
    let linked = app
        .list_feedback(&w.office, &zhenggai_app::feedback::FeedbackQuery { problem_id: Some(id), ..Default::default() })
        .await
        .unwrap();
    assert_eq!(linked.items.len(), 2, "grouping links a word-for-word copy to the open problem");
    (id, first, second)
}

async fn a_report_linked_later_cannot_reopen_a_problem_by_its_rating_and_the_office_decides(kind: Kind) {
    let Some((db, w)) = setup(kind, date(2026, 11, 2)).await else { return };
    let app = &db.app;
    let (id, first, second) = an_assigned_problem_with_two_copies_linked(&db, &w).await;
    // Tracking an unpublished problem tells the copy nothing of it.
    let tracked = app.track(&first.tracking_code).await.unwrap();
    assert_eq!((tracked.status.as_str(), tracked.problem_number.as_ref(), tracked.deadline), ("handling", None, None));
    assert!(!tracked.can_rate);
    sign_off(app, &w, id).await;
    let tracked = app.track(&first.tracking_code).await.unwrap();
    assert_eq!((tracked.status.as_str(), tracked.problem_number.as_ref()), ("handled", None));
    assert!(tracked.can_rate && tracked.public_reply.is_none());
    // Rated dissatisfied: counted, not reopened, queued for the office with the comment.
    let after = app.public_rate(&dissatisfied(&first, "晚上还在施工")).await.unwrap();
    assert_eq!(after.status, "handled");
    let p = app.get_problem(&w.office, id).await.unwrap();
    assert_eq!(
        (p.summary.status.as_str(), p.reopen_count, p.satisfaction.map(|s| s.as_str())),
        ("closed", 0, Some("dissatisfied"))
    );
    let again = app.public_rate(&dissatisfied(&first, "再评一次")).await.unwrap_err();
    assert_eq!(again.code(), "conflict", "one rating per report per sign-off");
    app.public_rate(&dissatisfied(&second, "噪音依旧")).await.unwrap();
    let queue = app.pending_ratings(&w.office).await.unwrap();
    assert_eq!(queue.iter().map(|r| r.comment.as_deref().unwrap()).collect::<Vec<_>>(), ["晚上还在施工", "噪音依旧"]);
    assert!(queue.iter().all(|r| r.problem.id == id));
    for not_office in [&w.liaison_a, &w.supervisor, &w.leader_a, &w.liaison_b] {
        assert!(app.pending_ratings(not_office).await.unwrap().is_empty());
    }
    // Only the office decides; keeping it closed needs a reason.
    let keep =
        |reason: Option<&str>| RatingReview { decision: ReviewDecision::Keep, reason: reason.map(str::to_string) };
    for unit_side in [&w.liaison_a, &w.leader_a, &w.liaison_b, &w.office_a] {
        let refused = app.review_rating(unit_side, queue[0].id, &keep(Some("已核实"))).await.unwrap_err();
        assert!(matches!(refused, Error::Forbidden { .. }), "{refused:?}");
    }
    assert!(matches!(
        app.review_rating(&w.office, domain::CallbackId::new(999_999), &keep(Some("x"))).await,
        Err(Error::NotFound { .. })
    ));
    assert_eq!(app.review_rating(&w.office, queue[0].id, &keep(None)).await.unwrap_err().code(), "required");
    app.review_rating(&w.office, queue[0].id, &keep(Some("经现场核实，夜间已停工"))).await.unwrap();
    assert_eq!(app.review_rating(&w.office, queue[0].id, &keep(Some("x"))).await.unwrap_err().code(), "conflict");
    assert_eq!(app.get_problem(&w.office, id).await.unwrap().summary.status, "closed");
    // The other one the office reopens, quoting the citizen.
    let reopen = RatingReview { decision: ReviewDecision::Reopen, reason: None };
    app.review_rating(&w.office, queue[1].id, &reopen).await.unwrap();
    let p = app.get_problem(&w.office, id).await.unwrap();
    assert_eq!((p.summary.status.as_str(), p.reopen_count), ("assigned", 1));
    assert!(p.notes.iter().any(|n| n.body.contains("噪音依旧")), "the reopening quotes the citizen");
    let reviews: Vec<_> = p.callbacks.iter().filter_map(|c| c.review.map(|r| r.as_str())).collect();
    assert_eq!(reviews, ["kept", "reopened"]);
    assert!(p.timeline.iter().any(|e| e.action == "problem.rating_review"));
    assert!(app.pending_ratings(&w.office).await.unwrap().is_empty());
    assert!(app.verify_audit().await.unwrap().ok());
    db.cleanup().await;
}

async fn the_report_a_problem_was_made_from_still_reopens_it_and_sees_it_once_published(kind: Kind) {
    let Some((db, w)) = setup(kind, date(2026, 11, 2)).await else { return };
    let app = &db.app;
    let own = copy_of_the_problem(app, "13955556666").await;
    let p = problem_made_from_the_report(app, &w).await;
    let id = p.summary.id;
    act(app, &w.office, id, crate::drive::assign(&w)).await.unwrap();
    let tracked = app.track(&own.tracking_code).await.unwrap();
    assert_eq!((tracked.status.as_str(), tracked.problem_number.as_ref()), ("handling", None), "unpublished");
    act(app, &w.office, id, t("publish")).await.unwrap();
    let tracked = app.track(&own.tracking_code).await.unwrap();
    assert_eq!(tracked.status, "assigned");
    assert_eq!(tracked.problem_number.as_deref(), Some(p.summary.number.as_str()));
    assert!(tracked.deadline.is_some());
    sign_off(app, &w, id).await;
    let rated = app.public_rate(&dissatisfied(&own, "没有解决")).await.unwrap();
    assert_eq!(rated.status, "assigned", "its own report reopens it");
    assert!(app.pending_ratings(&w.office).await.unwrap().is_empty());
    db.cleanup().await;
}

/// The rating key is short enough to write down (eight characters, typed in any case, with or
/// without spaces), so wrong keys for one report are counted: after a few, each try waits.
async fn a_short_rating_key_is_read_as_typed_and_cannot_be_guessed(kind: Kind) {
    let Some((db, w)) = setup(kind, date(2026, 11, 2)).await else { return };
    let app = &db.app;
    let own = copy_of_the_problem(app, "13977778888").await;
    assert_eq!(own.rating_key.len(), zhenggai_app::public::RATING_KEY_CHARS, "{}", own.rating_key);
    assert!(own.rating_key.bytes().all(|b| b.is_ascii_digit() || b.is_ascii_uppercase()), "{}", own.rating_key);
    let p = problem_made_from_the_report(app, &w).await;
    let id = p.summary.id;
    act(app, &w.office, id, crate::drive::assign(&w)).await.unwrap();
    sign_off(app, &w, id).await;
    // Wrong keys: refused, and after the free ones the next try must wait, even the right key.
    let wrong = RatingInput { rating_key: "ABCD2345".into(), ..dissatisfied(&own, "没有解决") };
    for _ in 0..domain::throttle::FREE_RATING_FAILURES {
        assert_eq!(app.public_rate(&wrong).await.unwrap_err().code(), "forbidden");
    }
    match app.public_rate(&dissatisfied(&own, "没有解决")).await {
        Err(Error::RateLimited { retry_after_secs }) => assert!(retry_after_secs >= 1),
        other => panic!("the key is tried too often: {other:?}"),
    }
    db.clock.advance(chrono::Duration::minutes(2));
    // Typed in lower case with a space, as read off a receipt: the right key.
    let key = own.rating_key.to_lowercase();
    let typed =
        RatingInput { rating_key: format!(" {} {} ", &key[..4], &key[4..]), ..dissatisfied(&own, "没有解决") };
    app.public_rate(&typed).await.unwrap();
    let p = app.get_problem(&w.office, id).await.unwrap();
    assert_eq!(p.summary.status, Status::Assigned, "the right key rated it: its own report reopens it");
    db.cleanup().await;
}

both!(
    a_short_rating_key_is_read_as_typed_and_cannot_be_guessed,
    a_report_linked_later_cannot_reopen_a_problem_by_its_rating_and_the_office_decides,
    the_report_a_problem_was_made_from_still_reopens_it_and_sees_it_once_published
);
