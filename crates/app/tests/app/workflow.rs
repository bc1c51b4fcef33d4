//! The rectification workflow end to end, its illegal moves, optimistic locking and deadlines.

use crate::drive::{act, assign, new_problem, problem_in, t};
use crate::{both, date, setup};
use domain::UnitId;
use domain::feedback::Channel;
use domain::feedback::FeedbackKind;
use domain::problem::Satisfaction;
use domain::supervision::Colour;
use domain::workflow::{Action, SignoffStage, State, Status};
use domain::{Error, ProblemId};
use zhenggai_app::Actor;
use zhenggai_app::problems::{NewProblemInput, ProblemPatch};
use zhenggai_app::rectification::MeasureInput;
use zhenggai_app::testkit::Kind;
use zhenggai_app::transitions::TransitionInput;

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR";

async fn the_whole_loop_runs_from_feedback_to_a_reopened_problem(kind: Kind) {
    let Some((db, w)) = setup(kind, date(2026, 9, 28)).await else {
        return;
    };
    let app = &db.app;
    // The public reports; the office puts it on the list.
    let receipt = app
        .public_submit(
            &zhenggai_app::public::PublicSubmission {
                body: "阳光小区旁边工地每天深夜施工，噪音很大。".into(),
                title: None,
                kind: Some(FeedbackKind::Complaint),
                campaign_id: Some(w.campaign.id),
                address: Some("建设路12号".into()),
                latitude: None,
                longitude: None,
                reporter_name: Some("王先生".into()),
                reporter_contact: Some("13800000000".into()),
            },
            None,
        )
        .await
        .unwrap();
    assert_eq!(app.track(&receipt.tracking_code).await.unwrap().status, "received");
    let inbox = app
        .list_feedback(&w.office, &zhenggai_app::feedback::FeedbackQuery { linked: Some(false), ..Default::default() })
        .await
        .unwrap();
    let fb = &inbox.items[0];
    assert_eq!(fb.reporter_contact.as_deref(), Some("13800000000"), "the office handling it sees the contact");
    let p = app
        .create_problem(
            &w.office,
            &NewProblemInput {
                campaign_id: w.campaign.id,
                title: "阳光小区旁工地夜间施工扰民".into(),
                description: fb.body.clone(),
                category_id: Some(w.category.id),
                channel: Channel::Portal,
                kind: None,
                priority: None,
                rectification_type: None,
                owner_unit_id: None,
                feedback_ids: vec![fb.id],
                received_on: None,
            },
        )
        .await
        .unwrap();
    assert!(p.summary.number.as_str().starts_with("ZT-2026-"), "{}", p.summary.number);
    assert_eq!(p.summary.status, "new");
    let id = p.summary.id;
    // Assigned with no deadline: the category's 5 working days from 28 Sep cross National Day.
    let p = act(app, &w.office, id, assign(&w)).await.unwrap();
    assert_eq!(p.summary.status, "assigned");
    assert_eq!(p.summary.deadline, Some(date(2026, 10, 10)), "29, 30 Sep, 8, 9 Oct and the worked Saturday 10 Oct");
    assert_eq!(p.cooperating_units.len(), 1);
    // The liaison adds a measure and evidence, and submits.
    app.add_measure(
        &w.liaison_a,
        id,
        &MeasureInput {
            description: "约谈施工单位，夜间停止施工".into(),
            owner_unit_id: Some(w.dept_a.id),
            owner_name: None,
            deadline: Some(date(2026, 10, 9)),
            status: None,
        },
    )
    .await
    .unwrap();
    app.add_evidence(&w.liaison_a, id, "现场.png", PNG, None, domain::problem::EvidencePhase::After).await.unwrap();
    let p = act(app, &w.liaison_a, id, TransitionInput { report: Some("已约谈并停工".into()), ..t("submit") })
        .await
        .unwrap();
    assert_eq!((p.summary.status.as_str(), p.summary.signoff_stage.map(|s| s.as_str())), ("submitted", Some("leader")));
    // The leader approves; the verifier sends it back once, then accepts.
    act(app, &w.leader_a, id, t("approve")).await.unwrap();
    let p = act(app, &w.supervisor, id, TransitionInput { reason: Some("缺少整改后照片".into()), ..t("send_back") })
        .await
        .unwrap();
    assert_eq!(p.summary.status, "assigned");
    assert_eq!(p.sent_back_count, 1);
    assert_eq!(p.summary.flags.colour.map(|c| c.as_str()), Some("yellow"), "sent back is yellow");
    act(app, &w.liaison_a, id, TransitionInput { report: Some("补充了照片".into()), ..t("submit") }).await.unwrap();
    act(app, &w.leader_a, id, t("approve")).await.unwrap();
    let p = act(app, &w.supervisor, id, TransitionInput { note: Some("经复核，整改到位".into()), ..t("accept") })
        .await
        .unwrap();
    assert_eq!(p.summary.status, "closed");
    assert!(!p.closed_without_evidence);
    assert_eq!(p.signoffs.iter().map(|s| s.status.as_str()).collect::<Vec<_>>(), vec!["returned", "accepted"]);
    // Published, then the reporter rates it dissatisfied and it reopens.
    act(app, &w.office, id, t("publish")).await.unwrap();
    let public = app.public_problems(None, None, None).await.unwrap();
    assert_eq!(public.items.len(), 1);
    let tracked = app.track(&receipt.tracking_code).await.unwrap();
    assert!(tracked.can_rate);
    let rated = app
        .public_rate(&zhenggai_app::public::RatingInput {
            tracking_code: receipt.tracking_code.clone(),
            rating_key: receipt.rating_key.clone(),
            solved: false,
            satisfaction: Satisfaction::Dissatisfied,
            comment: Some("晚上还在施工".into()),
        })
        .await
        .unwrap();
    assert_eq!(rated.status, "assigned");
    let p = app.get_problem(&w.office, id).await.unwrap();
    assert_eq!((p.reopen_count, p.solved, p.satisfaction.map(|s| s.as_str())), (1, Some(false), Some("dissatisfied")));
    assert!(p.timeline.iter().any(|e| e.action == "problem.callback" && e.actor == "public"));
    assert!(app.verify_audit().await.unwrap().ok());
    db.cleanup().await;
}

async fn every_illegal_transition_is_refused_naming_the_state_and_what_it_allows(kind: Kind) {
    let Some((db, w)) = setup(kind, date(2026, 11, 2)).await else {
        return;
    };
    let app = &db.app;
    let states = [
        State::new(Status::New, None),
        State::new(Status::Assigned, None),
        State::new(Status::Submitted, Some(SignoffStage::Leader)),
        State::new(Status::Submitted, Some(SignoffStage::Verifier)),
        State::new(Status::Closed, None),
        State::new(Status::Dismissed, None),
        State::new(Status::Merged, None),
    ];
    for state in states {
        let id = problem_in(app, &w, state).await;
        let before = app.get_problem(&w.admin, id).await.unwrap();
        assert_eq!(before.summary.status, state.status.as_str());
        assert_eq!(before.summary.signoff_stage, state.stage);
        for action in Action::ALL.into_iter().filter(|a| !state.allowed().contains(a)) {
            let err = act(app, &w.admin, id, t(action.as_str())).await.unwrap_err();
            match err {
                Error::IllegalTransition { state: s, action: a, allowed } => {
                    assert_eq!((s, a), (state.status, action));
                    assert_eq!(allowed, state.allowed());
                }
                other => panic!("{action} from {:?}: expected illegal_transition, got {other:?}", state),
            }
        }
        let after = app.get_problem(&w.admin, id).await.unwrap();
        assert_eq!(after.summary.version, before.summary.version, "refused actions write nothing");
    }
    db.cleanup().await;
}

async fn a_transition_without_its_required_fields_is_refused_and_writes_nothing(kind: Kind) {
    let Some((db, w)) = setup(kind, date(2026, 11, 2)).await else {
        return;
    };
    let app = &db.app;
    let new = problem_in(app, &w, State::new(Status::New, None)).await;
    let assigned = problem_in(app, &w, State::new(Status::Assigned, None)).await;
    let verifier = problem_in(app, &w, State::new(Status::Submitted, Some(SignoffStage::Verifier))).await;
    let closed = problem_in(app, &w, State::new(Status::Closed, None)).await;
    let audit_before = app.verify_audit().await.unwrap().rows_checked;
    let cases: Vec<(ProblemId, &Actor, TransitionInput, &str)> = vec![
        (new, &w.office, t("dismiss"), "reason"),
        (new, &w.office, t("assign"), "lead_unit_id"),
        (
            new,
            &w.office,
            TransitionInput { lead_unit_id: Some(w.dept_a.id), deadline: Some(date(2026, 10, 1)), ..t("assign") },
            "deadline",
        ),
        (new, &w.office, TransitionInput { lead_unit_id: Some(UnitId::new(999_999)), ..t("assign") }, "unit_id"),
        (new, &w.office, t("merge"), "target_problem_id"),
        (assigned, &w.liaison_a, t("submit"), "report"),
        (assigned, &w.liaison_a, TransitionInput { report: Some("完成".into()), ..t("submit") }, "no_evidence_reason"),
        (
            assigned,
            &w.liaison_a,
            TransitionInput { reason: Some("协调".into()), ..t("request_extension") },
            "new_deadline",
        ),
        (verifier, &w.supervisor, t("send_back"), "reason"),
        (verifier, &w.supervisor, TransitionInput { reason: Some("   ".into()), ..t("send_back") }, "reason"),
        (verifier, &w.supervisor, t("accept"), "note"),
        (closed, &w.office, t("reopen"), "reason"),
        (closed, &w.office, TransitionInput { solved: Some(true), ..t("callback") }, "satisfaction"),
    ];
    for (id, actor, input, field) in cases {
        let before = app.get_problem(&w.admin, id).await.unwrap();
        let err = act(app, actor, id, input.clone()).await.unwrap_err();
        match &err {
            Error::Invalid { field: f, .. } => {
                assert!(f.contains(field), "{}: expected a problem with {field}, got {err:?}", input.action)
            }
            other => panic!("{}: expected 422 on {field}, got {other:?}", input.action),
        }
        let after = app.get_problem(&w.admin, id).await.unwrap();
        assert_eq!(after.summary.version, before.summary.version);
        assert_eq!(after.summary.status, before.summary.status);
    }
    assert_eq!(app.verify_audit().await.unwrap().rows_checked, audit_before, "no audit rows for refused requests");
    db.cleanup().await;
}

async fn two_edits_with_the_same_version_one_wins_and_the_other_is_stale(kind: Kind) {
    let Some((db, w)) = setup(kind, date(2026, 11, 2)).await else {
        return;
    };
    let app = &db.app;
    let id = new_problem(app, &w).await;
    let v = app.get_problem(&w.office, id).await.unwrap().summary.version;
    let first = ProblemPatch { version: v, title: Some("第一个人的标题".into()), ..Default::default() };
    let second = ProblemPatch { version: v, description: Some("第二个人的描述".into()), ..Default::default() };
    let (a, b) = tokio::join!(app.update_problem(&w.office, id, &first), app.update_problem(&w.admin, id, &second));
    let (won, lost) = match (a, b) {
        (Ok(won), Err(lost)) | (Err(lost), Ok(won)) => (won, lost),
        (a, b) => panic!("exactly one edit must win: {:?} / {:?}", a.is_ok(), b.is_ok()),
    };
    match lost {
        Error::StaleVersion { sent, current } => assert_eq!((sent, current), (v, v + 1)),
        other => panic!("expected stale_version, got {other:?}"),
    }
    let now = app.get_problem(&w.office, id).await.unwrap();
    assert_eq!(now.summary.version, v + 1);
    assert_eq!(
        (now.summary.title.clone(), now.description.clone()),
        (won.summary.title.clone(), won.description.clone()),
        "the winner's edit is kept whole"
    );
    // The loser re-reads and applies its change: nothing is lost.
    let retry = ProblemPatch {
        version: now.summary.version,
        description: Some("第二个人的描述".into()),
        title: Some("第一个人的标题".into()),
        ..Default::default()
    };
    let merged = app.update_problem(&w.admin, id, &retry).await.unwrap();
    assert_eq!(merged.summary.title, "第一个人的标题");
    assert_eq!(merged.description, "第二个人的描述");
    // Transitions are guarded the same way.
    let err = app.transition(&w.office, id, &TransitionInput { version: v, ..assign(&w) }).await.unwrap_err();
    assert!(matches!(err, Error::StaleVersion { .. }), "{err:?}");
    db.cleanup().await;
}

async fn deadlines_across_national_day_count_working_days(kind: Kind) {
    // 30 Sep 2026, with the category's 5 working days for complaints.
    let Some((db, w)) = setup(kind, date(2026, 9, 30)).await else {
        return;
    };
    let app = &db.app;
    let id = new_problem(app, &w).await;
    let p = act(app, &w.office, id, assign(&w)).await.unwrap();
    assert_eq!(p.summary.deadline, Some(date(2026, 10, 13)), "8, 9, 10 (Sat, worked), 12, 13 Oct");
    assert_eq!(p.summary.flags.working_days_left, Some(5));
    assert!(!p.summary.flags.due_soon && p.calendar_warnings.is_empty());
    // The category's four clocks, from the day it was received (30 Sep).
    assert_eq!(p.clocks.sign_for.due, Some(date(2026, 10, 8)));
    assert!(p.clocks.sign_for.done_at.is_none(), "the unit has not signed for it yet");
    let p = act(app, &w.liaison_a, id, t("sign_for")).await.unwrap();
    assert!(p.clocks.sign_for.done_at.is_some() && !p.clocks.sign_for.late, "signed for the same day");
    assert_eq!(p.clocks.first_response.due, Some(date(2026, 10, 9)));
    assert_eq!(p.clocks.completion.due, Some(date(2026, 10, 13)));
    assert_eq!(p.clocks.callback.due, None, "the callback clock starts at sign-off");
    // On 9 Oct, 3 working days are left (10, 12, 13): due soon, blue.
    db.clock.set(chrono::DateTime::parse_from_rfc3339("2026-10-09T01:00:00Z").unwrap().into());
    let p = app.get_problem(&w.office, id).await.unwrap();
    assert_eq!(p.summary.flags.working_days_left, Some(3));
    assert!(p.summary.flags.due_soon);
    assert_eq!(p.summary.flags.colour.map(|c| c.as_str()), Some("blue"));
    // On 14 Oct it is overdue and red, and the list's overdue filter finds it.
    db.clock.set(chrono::DateTime::parse_from_rfc3339("2026-10-14T01:00:00Z").unwrap().into());
    let p = app.get_problem(&w.office, id).await.unwrap();
    assert!(p.summary.flags.overdue);
    assert!(p.clocks.first_response.late && p.clocks.completion.late, "no response and no completion by their dates");
    assert_eq!(p.summary.flags.colour.map(|c| c.as_str()), Some("red"));
    let q = zhenggai_app::problems::ProblemQuery { overdue: Some(true), ..Default::default() };
    assert_eq!(app.list_problems(&w.office, &q).await.unwrap().items.len(), 1);
    let q = zhenggai_app::problems::ProblemQuery { colour: Some(Colour::Red), ..Default::default() };
    assert_eq!(app.list_problems(&w.office, &q).await.unwrap().items.len(), 1);
    // A deadline in 2027, which the calendar does not cover, carries a warning.
    let v = p.summary.version;
    let p = app
        .update_problem(
            &w.office,
            id,
            &ProblemPatch { version: v, deadline: Some(Some(date(2027, 2, 10))), ..Default::default() },
        )
        .await
        .unwrap();
    assert_eq!(p.calendar_warnings.len(), 1);
    assert_eq!(p.calendar_warnings[0].year, 2027);
    db.cleanup().await;
}

async fn extensions_are_requested_approved_and_counted(kind: Kind) {
    let Some((db, w)) = setup(kind, date(2026, 11, 2)).await else {
        return;
    };
    let app = &db.app;
    let id = problem_in(app, &w, State::new(Status::Assigned, None)).await;
    let deadline = app.get_problem(&w.office, id).await.unwrap().summary.deadline.unwrap();
    let later = deadline + chrono::Duration::days(20);
    act(
        app,
        &w.liaison_a,
        id,
        TransitionInput {
            new_deadline: Some(later), reason: Some("需多部门协调".into()), ..t("request_extension")
        },
    )
    .await
    .unwrap();
    let again = act(
        app,
        &w.liaison_a,
        id,
        TransitionInput { new_deadline: Some(later), reason: Some("再申请".into()), ..t("request_extension") },
    )
    .await;
    assert!(matches!(again, Err(Error::Conflict { .. })), "one pending request at a time");
    // The liaison's own unit may not approve; the office outside it may.
    assert!(matches!(
        act(app, &w.office_a, id, TransitionInput { approve: Some(true), ..t("decide_extension") }).await,
        Err(Error::Forbidden { .. })
    ));
    let p = act(
        app,
        &w.office,
        id,
        TransitionInput { approve: Some(true), note: Some("同意".into()), ..t("decide_extension") },
    )
    .await
    .unwrap();
    assert_eq!(p.summary.deadline, Some(later));
    assert_eq!(p.original_deadline, Some(deadline));
    assert_eq!(p.extension_count, 1);
    assert_eq!(p.extensions[0].status, "approved");
    // A refusal needs a note and leaves the deadline.
    act(
        app,
        &w.liaison_a,
        id,
        TransitionInput {
            new_deadline: Some(later + chrono::Duration::days(5)),
            reason: Some("再延".into()),
            ..t("request_extension")
        },
    )
    .await
    .unwrap();
    assert!(act(app, &w.office, id, TransitionInput { approve: Some(false), ..t("decide_extension") }).await.is_err());
    let p = act(
        app,
        &w.office,
        id,
        TransitionInput { approve: Some(false), note: Some("理由不充分".into()), ..t("decide_extension") },
    )
    .await
    .unwrap();
    assert_eq!((p.summary.deadline, p.extension_count), (Some(later), 1));
    db.cleanup().await;
}

async fn sign_off_needs_the_leader_then_a_verifier_outside_the_unit(kind: Kind) {
    let Some((db, w)) = setup(kind, date(2026, 11, 2)).await else {
        return;
    };
    let app = &db.app;
    // The responsible leader is a leader (the role) of the lead unit: not a liaison, not a
    // read-only user, not another unit's leader.
    let other = new_problem(app, &w).await;
    for (who, unit) in [("liaison_a", w.dept_a.id), ("viewer_a", w.dept_a.id), ("leader_a", w.dept_b.id)] {
        let assign =
            TransitionInput { lead_unit_id: Some(unit), responsible_leader_id: Some(w.user(who).id), ..t("assign") };
        match act(app, &w.office, other, assign).await {
            Err(Error::Invalid { field, msg, .. }) => {
                assert_eq!(field, "responsible_leader_id");
                assert!(msg.zh.contains("不是牵头单位的责任领导"), "{}", msg.zh);
            }
            res => panic!("{who} for unit {unit}: {res:?}"),
        }
    }
    assert_eq!(w.user("leader_a").role_label, "责任领导", "named for what they are");
    let id = problem_in(app, &w, State::new(Status::Assigned, None)).await;
    // Without evidence the reason is required, and a closing on it is flagged.
    act(
        app,
        &w.liaison_a,
        id,
        TransitionInput {
            report: Some("已整改".into()), no_evidence_reason: Some("制度完善类".into()), ..t("submit")
        },
    )
    .await
    .unwrap();
    assert!(
        matches!(act(app, &w.office, id, t("approve")).await, Err(Error::Forbidden { .. })),
        "only the responsible leader approves"
    );
    act(app, &w.leader_a, id, t("approve")).await.unwrap();
    // A new application voids the pending one.
    let p = act(
        app,
        &w.liaison_a,
        id,
        TransitionInput {
            report: Some("补充报告".into()),
            no_evidence_reason: Some("制度完善类".into()),
            ..t("submit")
        },
    )
    .await
    .unwrap();
    assert_eq!(p.summary.signoff_stage.map(|s| s.as_str()), Some("leader"));
    assert_eq!(p.signoffs.iter().map(|s| s.status.as_str()).collect::<Vec<_>>(), vec!["voided", "pending_leader"]);
    act(app, &w.leader_a, id, t("approve")).await.unwrap();
    for insider in [&w.office_a, &w.liaison_a, &w.viewer_a] {
        let err =
            act(app, insider, id, TransitionInput { note: Some("自己验收".into()), ..t("accept") }).await.unwrap_err();
        assert!(matches!(err, Error::Forbidden { .. }), "{err:?}");
    }
    let p = act(app, &w.office, id, TransitionInput { note: Some("核查属实".into()), ..t("accept") }).await.unwrap();
    assert_eq!(p.summary.status, "closed");
    assert!(p.closed_without_evidence, "closing without evidence is flagged");
    db.cleanup().await;
}

async fn dismiss_merge_flag_and_reopen_do_what_they_say(kind: Kind) {
    let Some((db, w)) = setup(kind, date(2026, 11, 2)).await else {
        return;
    };
    let app = &db.app;
    let a = problem_in(app, &w, State::new(Status::New, None)).await;
    let p = act(app, &w.office, a, TransitionInput { reason: Some("重复诉求".into()), ..t("dismiss") }).await.unwrap();
    assert_eq!((p.summary.status.as_str(), p.dismiss_reason.as_deref()), ("dismissed", Some("重复诉求")));
    // Merge moves the feedback to the target.
    let (created, _) = app
        .create_feedback(
            &w.office,
            &zhenggai_app::feedback::FeedbackInput {
                channel: Channel::Hotline,
                body: "同一个问题".into(),
                ..zhenggai_app::feedback::FeedbackInput::new(Channel::Hotline, "")
            },
        )
        .await
        .unwrap();
    let source = app
        .create_problem(
            &w.office,
            &NewProblemInput {
                campaign_id: w.campaign.id,
                title: "重复的问题".into(),
                description: "同一个问题".into(),
                category_id: None,
                channel: Channel::Hotline,
                kind: None,
                priority: None,
                rectification_type: None,
                owner_unit_id: None,
                feedback_ids: vec![created.id],
                received_on: None,
            },
        )
        .await
        .unwrap();
    let target = problem_in(app, &w, State::new(Status::Assigned, None)).await;
    let merged =
        act(app, &w.office, source.summary.id, TransitionInput { target_problem_id: Some(target), ..t("merge") })
            .await
            .unwrap();
    assert_eq!(merged.summary.status, "merged");
    assert_eq!(merged.merged_into.as_ref().map(|r| r.id), Some(target));
    let target_view = app.get_problem(&w.office, target).await.unwrap();
    assert_eq!(target_view.feedback.len(), 1);
    assert_eq!(target_view.merged_from.len(), 1);
    // 挂牌督办: the supervisor raises it to red; the office may not.
    assert!(matches!(
        act(
            app,
            &w.office,
            target,
            TransitionInput { colour: Some(Colour::Red), reason: Some("x".into()), ..t("flag") }
        )
        .await,
        Err(Error::Forbidden { .. })
    ));
    let p = act(
        app,
        &w.supervisor,
        target,
        TransitionInput { colour: Some(Colour::Red), reason: Some("群众反映强烈".into()), ..t("flag") },
    )
    .await
    .unwrap();
    assert_eq!(p.summary.flags.colour.map(|c| c.as_str()), Some("red"));
    let p = act(app, &w.supervisor, target, t("unflag")).await.unwrap();
    assert_eq!(p.summary.flags.colour, None);
    // Reopen on a confirmed recurrence.
    let closed = problem_in(app, &w, State::new(Status::Closed, None)).await;
    let p =
        act(app, &w.office, closed, TransitionInput { reason: Some("问题反弹".into()), ..t("reopen") }).await.unwrap();
    assert_eq!((p.summary.status.as_str(), p.reopen_count), ("assigned", 1));
    assert!(p.notes.iter().any(|n| n.body.contains("问题反弹")));
    // A satisfied callback keeps it closed.
    let closed = problem_in(app, &w, State::new(Status::Closed, None)).await;
    let p = act(
        app,
        &w.office,
        closed,
        TransitionInput { solved: Some(true), satisfaction: Some(Satisfaction::Satisfied), ..t("callback") },
    )
    .await
    .unwrap();
    assert_eq!((p.summary.status.as_str(), p.solved), ("closed", Some(true)));
    db.cleanup().await;
}

both!(
    the_whole_loop_runs_from_feedback_to_a_reopened_problem,
    every_illegal_transition_is_refused_naming_the_state_and_what_it_allows,
    a_transition_without_its_required_fields_is_refused_and_writes_nothing,
    two_edits_with_the_same_version_one_wins_and_the_other_is_stale,
    deadlines_across_national_day_count_working_days,
    extensions_are_requested_approved_and_counted,
    sign_off_needs_the_leader_then_a_verifier_outside_the_unit,
    dismiss_merge_flag_and_reopen_do_what_they_say,
);
