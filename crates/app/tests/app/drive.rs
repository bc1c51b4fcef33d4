//! Helpers that drive problems through the workflow for the scenario tests: a fresh problem, a
//! transition at the current version, and a problem brought to any state.

use domain::workflow::{SignoffStage, State, Status};
use domain::{Error, ProblemId};
use zhenggai_app::problems::NewProblemInput;
use zhenggai_app::testkit::World;
use zhenggai_app::transitions::TransitionInput;
use zhenggai_app::{Actor, App};

pub(crate) async fn new_problem(app: &App, w: &World) -> ProblemId {
    let p = app
        .create_problem(
            &w.office,
            &NewProblemInput {
                category_id: Some(w.category.id),
                ..crate::problem_input(
                    w.campaign.id,
                    "阳光小区旁工地夜间施工噪音扰民",
                    "每天晚上十一点以后还在施工，噪音很大。",
                )
            },
        )
        .await
        .unwrap();
    p.summary.id
}

pub(crate) async fn act(
    app: &App,
    actor: &Actor,
    id: ProblemId,
    t: TransitionInput,
) -> Result<zhenggai_app::views::ProblemDetail, Error> {
    let version = {
        let mut pooled = app.db.acquire().await.unwrap();
        store::problems::get_problem(&mut pooled.conn(), id).await.unwrap().unwrap().version
    };
    let answer = app.transition(actor, id, &TransitionInput { version, ..t }).await?;
    // The answer is built from what the transition had in hand: it says what a fresh read says.
    let detail = app.get_problem(actor, id).await?;
    assert_eq!(answer.summary, detail.summary, "the answer's summary is the problem's");
    assert_eq!((&answer.allowed_actions, &answer.may), (&detail.allowed_actions, &detail.may));
    Ok(detail)
}

pub(crate) fn t(action: &str) -> TransitionInput {
    TransitionInput::new(domain::workflow::Action::parse(action).expect("a known action"))
}

pub(crate) fn assign(w: &World) -> TransitionInput {
    TransitionInput {
        lead_unit_id: Some(w.dept_a.id),
        responsible_leader_id: Some(w.user("leader_a").id),
        cooperating_unit_ids: Some(vec![w.dept_b.id]),
        ..t("assign")
    }
}

/// Drives a fresh problem to the given state and returns it.
pub(crate) async fn problem_in(app: &App, w: &World, state: State) -> ProblemId {
    let id = new_problem(app, w).await;
    if state.status == Status::New {
        return id;
    }
    if state.status == Status::Dismissed {
        act(app, &w.office, id, TransitionInput { reason: Some("不属于受理范围".into()), ..t("dismiss") })
            .await
            .unwrap();
        return id;
    }
    if state.status == Status::Merged {
        let target = new_problem(app, w).await;
        act(app, &w.office, id, TransitionInput { target_problem_id: Some(target), ..t("merge") }).await.unwrap();
        return id;
    }
    act(app, &w.office, id, assign(w)).await.unwrap();
    if state.status == Status::Assigned {
        return id;
    }
    act(
        app,
        &w.liaison_a,
        id,
        TransitionInput {
            report: Some("已整改".into()), no_evidence_reason: Some("制度类整改".into()), ..t("submit")
        },
    )
    .await
    .unwrap();
    if state.stage == Some(SignoffStage::Leader) {
        return id;
    }
    act(app, &w.leader_a, id, t("approve")).await.unwrap();
    if state.status == Status::Submitted {
        return id;
    }
    act(app, &w.supervisor, id, TransitionInput { note: Some("整改到位".into()), ..t("accept") }).await.unwrap();
    id
}

/// Takes an assigned problem through the two-stage sign-off to closed.
pub(crate) async fn sign_off(app: &App, w: &World, id: ProblemId) {
    let report =
        TransitionInput {
            report: Some("已整改".into()), no_evidence_reason: Some("制度类整改".into()), ..t("submit")
        };
    act(app, &w.liaison_a, id, report).await.unwrap();
    act(app, &w.leader_a, id, t("approve")).await.unwrap();
    act(app, &w.supervisor, id, TransitionInput { note: Some("整改到位".into()), ..t("accept") }).await.unwrap();
}
