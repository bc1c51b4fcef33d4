//! 签收 and 重新整改 (issue 11): the lead unit signs for what it is given, its clock running from
//! the assignment; a problem reopened by a dissatisfied callback says why, in the lists and on
//! the public page.

use crate::drive::{act, assign, new_problem, t};
use crate::{both, date, setup};
use domain::Error;
use domain::problem::{ReopenCause, Satisfaction};
use domain::workflow::{Action, Status};
use zhenggai_app::problems::ProblemPatch;
use zhenggai_app::testkit::Kind;
use zhenggai_app::transitions::TransitionInput;

async fn a_unit_signs_for_what_it_is_given_and_sees_why_a_problem_came_back(kind: Kind) {
    let Some((db, w)) = setup(kind, date(2026, 11, 2)).await else {
        return;
    };
    let app = &db.app;
    let id = new_problem(app, &w).await;
    // Weeks on the office's desk before it is assigned: no unit's clock is running, none is late.
    db.clock.advance(chrono::Duration::days(20));
    let waiting_office = app.get_problem(&w.office, id).await.unwrap();
    assert_eq!((waiting_office.clocks.sign_for.due, waiting_office.clocks.sign_for.late), (None, false));
    let p = act(app, &w.office, id, assign(&w)).await.unwrap();
    assert!(p.summary.awaiting_sign_for && p.clocks.sign_for.done_at.is_none(), "assigned, not yet signed for");
    assert!(p.clocks.sign_for.due.is_some_and(|due| due > date(2026, 11, 22)), "the unit's clock starts now");
    assert!(!p.allowed_actions.contains(&Action::SignFor), "the office above the unit does not sign for it");
    let waiting = zhenggai_app::problems::ProblemQuery { awaiting_sign_for: Some(true), ..Default::default() };
    assert_eq!(app.list_problems(&w.liaison_a, &waiting).await.unwrap().items.len(), 1);
    assert_eq!(app.count_problems(&w.liaison_a, &waiting).await.unwrap(), 1);
    // Another unit's liaison may not sign for it; the lead unit's may, once.
    let err = act(app, &w.liaison_b, id, t("sign_for")).await.unwrap_err();
    assert!(matches!(err, Error::Forbidden { .. } | Error::NotFound { .. }), "{err:?}");
    let before = app.get_problem(&w.liaison_a, id).await.unwrap();
    assert!(before.allowed_actions.contains(&Action::SignFor));
    let p = act(app, &w.liaison_a, id, t("sign_for")).await.unwrap();
    assert!(!p.summary.awaiting_sign_for && p.clocks.sign_for.done_at.is_some(), "the sign-for clock stopped");
    assert_eq!(p.summary.status, Status::Assigned, "signing for changes no state");
    assert!(!p.allowed_actions.contains(&Action::SignFor), "signed for once");
    let err = act(app, &w.liaison_a, id, t("sign_for")).await.unwrap_err();
    assert!(matches!(err, Error::Conflict { .. }), "{err:?}");
    assert_eq!(app.count_problems(&w.liaison_a, &waiting).await.unwrap(), 0);
    // Closed with a reply, then the reporter is called back and is not satisfied: it reopens.
    let patch = ProblemPatch {
        version: p.summary.version,
        public_reply: Some(Some("已整改完毕".into())),
        ..Default::default()
    };
    app.update_problem(&w.liaison_a, id, &patch).await.unwrap();
    crate::drive::sign_off(app, &w, id).await;
    act(app, &w.office, id, t("publish")).await.unwrap();
    let callback = TransitionInput {
        solved: Some(false),
        satisfaction: Some(Satisfaction::Dissatisfied),
        comment: Some("路灯还是不亮".into()),
        ..t("callback")
    };
    let p = act(app, &w.office, id, callback).await.unwrap();
    assert_eq!(p.summary.status, Status::Assigned);
    let why = p.summary.reopened.as_ref().expect("the problem says it was reopened");
    assert_eq!((why.cause, why.reason.as_deref()), (ReopenCause::Dissatisfied, Some("路灯还是不亮")));
    assert!(p.reply_superseded, "the old public reply is marked as superseded");
    assert!(
        p.timeline.iter().any(|e| e.action == "problem.callback"
            && e.rating == Some(Satisfaction::Dissatisfied)
            && e.said.as_deref() == Some("路灯还是不亮")),
        "the timeline keeps the rating and the comment"
    );
    let reopened = zhenggai_app::problems::ProblemQuery { reopened: Some(true), ..Default::default() };
    let listed = app.list_problems(&w.liaison_a, &reopened).await.unwrap();
    assert_eq!(listed.items.len(), 1);
    assert_eq!(listed.items[0].reopened.as_ref().and_then(|r| r.reason.as_deref()), Some("路灯还是不亮"));
    let public = app.public_problems(None, None, None).await.unwrap();
    assert_eq!(public.items.len(), 1);
    assert!(public.items[0].reopened && public.items[0].reply_superseded, "the public page shows the reopening");
    // A new reply is the current one; once submitted again it leaves the reopened section.
    let patch = ProblemPatch {
        version: p.summary.version,
        public_reply: Some(Some("已更换灯具".into())),
        ..Default::default()
    };
    let p = app.update_problem(&w.liaison_a, id, &patch).await.unwrap();
    assert!(!p.reply_superseded);
    act(
        app,
        &w.liaison_a,
        id,
        TransitionInput {
            report: Some("已更换".into()), no_evidence_reason: Some("制度类整改".into()), ..t("submit")
        },
    )
    .await
    .unwrap();
    assert_eq!(app.count_problems(&w.liaison_a, &reopened).await.unwrap(), 0);
    let p = app.get_problem(&w.office, id).await.unwrap();
    assert!(p.summary.reopened.is_some(), "still open after a reopening: the old conclusion stays superseded");
    db.cleanup().await;
}

both!(a_unit_signs_for_what_it_is_given_and_sees_why_a_problem_came_back);
