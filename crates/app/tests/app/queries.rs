//! How many statements a use case sends, held to the number stated here (issue 10: a transition
//! reads what it needs once, writes, audits and answers from what it has). The count is of store
//! calls on this thread (`store::queries::sent`), begin and commit included. The ceilings are
//! today's figures, answer included; they come down as the write path is made lean.

use crate::drive::{act, assign, new_problem, t};
use crate::{both, date, setup};
use domain::ProblemId;
use zhenggai_app::testkit::Kind;
use zhenggai_app::transitions::TransitionInput;
use zhenggai_app::{Actor, App};

/// The statements one call of `transition` sends (the answer included).
async fn cost(app: &App, actor: &Actor, id: ProblemId, input: TransitionInput) -> u64 {
    let before = store::queries::sent();
    act(app, actor, id, input).await.unwrap();
    // `act` reads the version first: one statement that is the caller's, not the transition's.
    store::queries::sent() - before - 1
}

async fn a_transition_sends_few_statements(kind: Kind) {
    let Some((db, w)) = setup(kind, date(2026, 9, 28)).await else {
        return;
    };
    let app = &db.app;
    let id = new_problem(app, &w).await;
    let mut costs = Vec::new();
    costs.push(("assign", cost(app, &w.office, id, assign(&w)).await));
    let report =
        TransitionInput {
            report: Some("已整改".into()), no_evidence_reason: Some("制度类整改".into()), ..t("submit")
        };
    costs.push(("submit", cost(app, &w.liaison_a, id, report).await));
    costs.push(("approve", cost(app, &w.leader_a, id, t("approve")).await));
    costs.push((
        "accept",
        cost(app, &w.supervisor, id, TransitionInput { note: Some("整改到位".into()), ..t("accept") }).await,
    ));
    costs.push(("publish", cost(app, &w.office, id, t("publish")).await));
    let before = store::queries::sent();
    app.get_problem(&w.office, id).await.unwrap();
    costs.push(("the detail read alone", store::queries::sent() - before));
    let ceilings = [33, 31, 30, 30, 28, 19];
    for ((what, n), ceiling) in costs.iter().zip(ceilings) {
        assert!(*n <= ceiling, "{what} sent {n} statements, more than the {ceiling} stated: {costs:?}");
        assert!(*n > 0, "{what}: the count counts");
    }
    db.cleanup().await;
}

both!(a_transition_sends_few_statements);
