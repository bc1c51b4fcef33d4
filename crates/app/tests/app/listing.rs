//! The problem list: who sees what (the unit subtree, 404 for the rest) and cursor paging under
//! every sort order.

use crate::drive::{act, new_problem, problem_in, t};
use crate::{both, date, setup};
use domain::Error;
use domain::workflow::{State, Status};
use zhenggai_app::Actor;
use zhenggai_app::testkit::Kind;
use zhenggai_app::transitions::TransitionInput;

async fn users_see_only_their_subtree_and_others_get_not_found(kind: Kind) {
    let Some((db, w)) = setup(kind, date(2026, 11, 2)).await else {
        return;
    };
    let app = &db.app;
    let id = problem_in(app, &w, State::new(Status::Assigned, None)).await;
    let other = new_problem(app, &w).await;
    let b_only = problem_in(app, &w, State::new(Status::New, None)).await;
    act(app, &w.office, b_only, TransitionInput { lead_unit_id: Some(w.dept_b.id), ..t("assign") }).await.unwrap();
    let list = |actor: &Actor| {
        let actor = actor.clone();
        async move {
            app.list_problems(&actor, &Default::default())
                .await
                .unwrap()
                .items
                .into_iter()
                .map(|p| p.id.get())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(list(&w.office).await.len(), 3);
    assert_eq!(list(&w.liaison_a).await, vec![id.get()], "dept A sees its own problem only");
    assert_eq!(list(&w.viewer_a).await, vec![id.get()]);
    // Dept B cooperates on `id` and leads `b_only`.
    let mut b = list(&w.liaison_b).await;
    b.sort();
    assert_eq!(b, vec![id.get(), b_only.get()]);
    for (actor, pid) in [(&w.liaison_a, other), (&w.liaison_a, b_only), (&w.viewer_a, other)] {
        assert!(matches!(app.get_problem(actor, pid).await, Err(Error::NotFound { .. })));
        let err = act(app, actor, pid, t("submit")).await.unwrap_err();
        assert!(matches!(err, Error::NotFound { .. }), "acting on an unseen problem is 404 too: {err:?}");
    }
    // A viewer may read but not act.
    assert!(matches!(
        act(app, &w.viewer_a, id, TransitionInput { report: Some("x".into()), ..t("submit") }).await,
        Err(Error::Forbidden { .. })
    ));
    // The list filter by unit includes sub-units.
    let sub = problem_in(app, &w, State::new(Status::New, None)).await;
    act(app, &w.office, sub, TransitionInput { lead_unit_id: Some(w.dept_a_sub.id), ..t("assign") }).await.unwrap();
    let q = zhenggai_app::problems::ProblemQuery {
        unit_id: Some(w.dept_a.id),
        status: Some(domain::workflow::Statuses::from([domain::workflow::Status::Assigned])),
        ..Default::default()
    };
    assert_eq!(app.list_problems(&w.office, &q).await.unwrap().items.len(), 2);
    db.cleanup().await;
}

async fn pages_follow_each_other_without_gaps_or_repeats(kind: Kind) {
    let Some((db, w)) = setup(kind, date(2026, 11, 2)).await else {
        return;
    };
    let app = &db.app;
    let mut all = Vec::new();
    for i in 0..7 {
        let id = new_problem(app, &w).await;
        if i % 2 == 0 {
            act(
                app,
                &w.office,
                id,
                TransitionInput {
                    lead_unit_id: Some(w.dept_a.id),
                    deadline: Some(date(2026, 12, 1 + i)),
                    ..t("assign")
                },
            )
            .await
            .unwrap();
        }
        all.push(id.get());
    }
    for sort in ["-created", "created", "deadline", "-deadline", "number", "-updated"] {
        let mut seen = Vec::new();
        let mut cursor = None;
        loop {
            let q = zhenggai_app::problems::ProblemQuery {
                sort: Some(sort.into()),
                limit: Some(3),
                cursor: cursor.clone(),
                ..Default::default()
            };
            let page = app.list_problems(&w.office, &q).await.unwrap();
            seen.extend(page.items.iter().map(|p| p.id.get()));
            match page.next_cursor {
                Some(c) => cursor = Some(c),
                None => break,
            }
        }
        let mut sorted = seen.clone();
        sorted.sort();
        let mut expected = all.clone();
        expected.sort();
        assert_eq!(sorted, expected, "sort {sort}: every problem exactly once");
    }
    let q = zhenggai_app::problems::ProblemQuery { sort: Some("deadline".into()), ..Default::default() };
    let items = app.list_problems(&w.office, &q).await.unwrap().items;
    let deadlines: Vec<_> = items.iter().filter_map(|p| p.deadline).collect();
    assert!(deadlines.windows(2).all(|w| w[0] <= w[1]));
    assert!(items.last().unwrap().deadline.is_none(), "problems without a deadline sort last");
    db.cleanup().await;
}

/// The list names units and categories from maps the node keeps (no join per row): a rename made
/// here shows at once, and a unit that another node added after the maps were read is named, not
/// left blank.
async fn lists_name_units_and_categories_as_they_are_now(kind: Kind) {
    let Some((db, w)) = setup(kind, date(2026, 11, 2)).await else {
        return;
    };
    let app = &db.app;
    let id = new_problem(app, &w).await;
    act(app, &w.office, id, TransitionInput { lead_unit_id: Some(w.dept_a.id), ..t("assign") }).await.unwrap();
    let office = &w.office;
    let named = |id| async move {
        let items = app.list_problems(office, &Default::default()).await.unwrap().items;
        let p = items.into_iter().find(|p| p.id == id).unwrap();
        (p.lead_unit.map(|u| (u.id, u.name)), p.category.map(|c| c.name))
    };
    assert_eq!(named(id).await, (Some((w.dept_a.id, w.dept_a.name.clone())), Some(w.category.name.clone())));
    app.update_unit(&w.admin, w.dept_a.id, "改名后的部门", None).await.unwrap();
    let input = zhenggai_app::categories::CategoryInput {
        parent_id: w.category.parent_id,
        name: "改名后的类别".into(),
        limits: vec![],
    };
    app.update_category(&w.admin, w.category.id, &input).await.unwrap();
    assert_eq!(named(id).await, (Some((w.dept_a.id, "改名后的部门".to_string())), Some("改名后的类别".to_string())));
    // Another node on the same database adds a unit and gives it a problem; this node's maps are
    // younger than their reload interval and do not hold the unit.
    let other = zhenggai_app::App::new(app.db.clone(), app.clock.clone(), (*app.settings).clone());
    let fresh = other.create_unit(&w.admin, Some(w.dept_a.id), "新设科室", None).await.unwrap();
    let second = new_problem(&other, &w).await;
    act(&other, &w.office, second, TransitionInput { lead_unit_id: Some(fresh.id), ..t("assign") }).await.unwrap();
    assert_eq!(named(second).await.0, Some((fresh.id, "新设科室".to_string())));
    db.cleanup().await;
}

both!(
    users_see_only_their_subtree_and_others_get_not_found,
    pages_follow_each_other_without_gaps_or_repeats,
    lists_name_units_and_categories_as_they_are_now
);
