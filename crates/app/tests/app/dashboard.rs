//! 工作台: the on-time rate agrees with the overdue count beside it (late is overdue and open, or
//! closed after the deadline), and the figures follow the campaign filter.

use crate::drive::{problem_in, sign_off};
use crate::{both, date, setup};
use domain::workflow::{State, Status};
use zhenggai_app::testkit::Kind;

async fn the_on_time_rate_counts_what_is_late_open_or_closed(kind: Kind) {
    let Some((db, w)) = setup(kind, date(2026, 11, 2)).await else {
        return;
    };
    let app = &db.app;
    let closed_late = problem_in(app, &w, State::new(Status::Assigned, None)).await;
    let _overdue = problem_in(app, &w, State::new(Status::Assigned, None)).await;
    // A month on, both are past their deadlines of five working days.
    db.clock.advance(chrono::Duration::days(30));
    sign_off(app, &w, closed_late).await;
    let on_time = problem_in(app, &w, State::new(Status::Assigned, None)).await;
    sign_off(app, &w, on_time).await;
    let _open = problem_in(app, &w, State::new(Status::Assigned, None)).await;
    let d = app.dashboard(&w.office, None).await.unwrap();
    assert_eq!((d.total, d.open, d.overdue, d.late_closed), (4, 2, 1, 1), "{d:?}");
    assert_eq!(d.on_time_rate, Some(0.5), "two of four are late: one overdue, one closed late");
    // Ranked at a level of the tree: the city holds all four; at the departments' level, 市住建局
    // (where they are led) does; a window of received dates keeps those received in it.
    let at = |depth, from: Option<chrono::NaiveDate>| zhenggai_app::dashboard::Ranking {
        depth,
        received_from: from,
        received_to: None,
    };
    let city = app.dashboard_ranked(&w.office, None, at(Some(1), None)).await.unwrap();
    assert_eq!(city.units.iter().map(|u| (u.unit.as_str(), u.total)).collect::<Vec<_>>(), vec![("临江市", 4)]);
    let departments = app.dashboard_ranked(&w.office, None, at(Some(2), None)).await.unwrap();
    assert_eq!(departments.units.iter().map(|u| (u.unit.as_str(), u.total)).collect::<Vec<_>>(), vec![("市住建局", 4)]);
    let later = app.dashboard_ranked(&w.office, None, at(Some(2), Some(date(2026, 11, 20)))).await.unwrap();
    assert_eq!(later.units.iter().map(|u| u.total).sum::<i64>(), 2, "the two received after 20 Nov");
    assert!(app.dashboard_ranked(&w.office, None, at(Some(0), None)).await.is_err());
    // Another campaign's figures are its own.
    let other = app.dashboard(&w.office, Some(w.campaign.id.get() + 1)).await.unwrap();
    assert_eq!((other.total, other.on_time_rate), (0, None));
    db.cleanup().await;
}

both!(the_on_time_rate_counts_what_is_late_open_or_closed);
