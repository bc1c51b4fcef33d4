//! Driving generated problems through the real use cases into every state: assigned, extended,
//! submitted, sent back, closed, rated, reopened, merged, dismissed.

use super::base::Base;
use super::corpus;
use crate::transitions::{Assignment, Transition, TransitionRequest};
use crate::{Actor, App};
use chrono::{DateTime, Duration, Utc};
use domain::Error;
use domain::problem::{MeasureStatus, Satisfaction};
use domain::{Clock, FixedClock, ProblemId, Result};
use rand::RngExt;
use rand::rngs::StdRng;

/// A one-pixel PNG, as a photo of the rectified site.
const SITE_PHOTO: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4, 0x89, 0x00, 0x00, 0x00, 0x0d, 0x49,
    0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x60, 0xa8, 0x60, 0x00, 0x00, 0x00, 0x82, 0x00, 0x81, 0x2a, 0x9a, 0x3a, 0x7a,
    0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

/// A one-pixel PNG in the grey-brown of a road before repair, as a photo of the site as found.
const SITE_BEFORE_PHOTO: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x00, 0x00, 0x00, 0x90, 0x77, 0x53, 0xde, 0x00, 0x00, 0x00, 0x0c, 0x49,
    0x44, 0x41, 0x54, 0x78, 0xda, 0x63, 0xe8, 0xaa, 0x2f, 0x00, 0x00, 0x03, 0x10, 0x01, 0x7a, 0x9b, 0x14, 0x2a, 0x76,
    0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

/// Where a generated problem ends up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Fate {
    New,
    Dismissed,
    Assigned,
    Extended,
    LeaderStage,
    VerifierStage,
    SentBack,
    Closed,
    ClosedRated,
    /// Rated dissatisfied from a report linked after the problem was made: waits for the office
    /// (不满意待核实).
    Disputed,
    Reopened,
    Merged,
}

pub(super) fn fate(rng: &mut StdRng) -> Fate {
    let r = rng.random_range(0..100);
    match r {
        0..8 => Fate::New,
        8..12 => Fate::Dismissed,
        12..35 => Fate::Assigned,
        35..42 => Fate::Extended,
        42..49 => Fate::LeaderStage,
        49..55 => Fate::VerifierStage,
        55..63 => Fate::SentBack,
        63..83 => Fate::Closed,
        83..89 => Fate::ClosedRated,
        89..92 => Fate::Disputed,
        92..97 => Fate::Reopened,
        _ => Fate::Merged,
    }
}

async fn version(app: &App, id: ProblemId) -> Result<i64> {
    let mut pooled = app.db.acquire().await?;
    Ok(store::problems::get_problem(&mut pooled.conn(), id).await?.map(|r| r.version).unwrap_or(0))
}

async fn act(app: &App, actor: &Actor, id: ProblemId, t: Transition) -> Result<()> {
    app.apply_transition(actor, id, &TransitionRequest::new(version(app, id).await?, t)).await
}

fn step(clock: &FixedClock, now: DateTime<Utc>, rng: &mut StdRng, max_days: i64) {
    let at = clock.now() + Duration::hours(rng.random_range(4..(24 * max_days.max(1))));
    clock.set(at.min(now - Duration::hours(1)));
}

#[allow(clippy::too_many_arguments)]
pub(super) async fn drive(
    app: &App,
    clock: &FixedClock,
    now: DateTime<Utc>,
    base: &Base,
    liaison: &Actor,
    leader: &Actor,
    id: ProblemId,
    fate: Fate,
    earlier: &[ProblemId],
    rng: &mut StdRng,
    issue: Option<usize>,
) -> Result<()> {
    // The unit's measures and reply speak of this kind of issue.
    let rectify = issue.and_then(|i| corpus::RECTIFY.get(i)).unwrap_or(&corpus::RECTIFY_ANY);
    match fate {
        Fate::New => return Ok(()),
        Fate::Dismissed => {
            return act(
                app,
                &base.office,
                id,
                Transition::Dismiss {
                    reason: "经核实，该诉求不属于本次专项工作受理范围，已告知来电人向相关渠道反映。".into(),
                },
            )
            .await;
        }
        Fate::Merged => {
            if let Some(target) = earlier.iter().rev().take(20).nth(rng.random_range(0..3)) {
                let ok = act(
                    app,
                    &base.office,
                    id,
                    Transition::Merge {
                        target_problem_id: *target, reason: Some("与已有问题属同一事项".into())
                    },
                )
                .await;
                if ok.is_ok() {
                    return Ok(());
                }
            }
        }
        _ => {}
    }
    step(clock, now, rng, 2);
    let leader_id = leader.user_id();
    let lead_unit = liaison.principal().map(|p| p.unit_id).ok_or_else(|| Error::internal("the liaison has no unit"))?;
    let district = base.districts[rng.random_range(0..base.districts.len())];
    let cooperating = if rng.random_bool(0.3) { Some(vec![district]) } else { None };
    act(
        app,
        &base.office,
        id,
        Transition::Assign(Assignment {
            responsible_leader_id: leader_id,
            responsible_person: Some("科长 周涛".into()),
            cooperating_unit_ids: cooperating,
            ..Assignment::to(lead_unit)
        }),
    )
    .await?;
    // Units sign for what they are given; some assignments of the last few days still wait
    // (新交办·待签收).
    let recent = (now - clock.now()).num_days() < 5;
    if fate != Fate::Assigned || !recent || rng.random_bool(0.5) {
        step(clock, now, rng, 1);
        act(app, liaison, id, Transition::SignFor).await?;
    }
    step(clock, now, rng, 3);
    for (m, measure) in rectify.measures.iter().take(rng.random_range(1..4)).enumerate() {
        let deadline = clock.today() + Duration::days(rng.random_range(2..25));
        app.add_measure(
            liaison,
            id,
            &crate::rectification::MeasureInput {
                description: (*measure).into(),
                owner_unit_id: None,
                owner_name: Some("周涛".into()),
                deadline: Some(deadline),
                status: Some(if m == 0 { MeasureStatus::InProgress } else { MeasureStatus::Planned }),
            },
        )
        .await?;
    }
    let reply = rectify.reply;
    app.update_problem(
        liaison,
        id,
        &crate::problems::ProblemPatch {
            version: version(app, id).await?,
            root_cause: Some(Some("日常监管不到位，相关主体责任落实不力。".into())),
            public_reply: Some(Some(reply.into())),
            ..Default::default()
        },
    )
    .await
    .map(|_| ())?;
    // Someone copies the open problem into the portal: grouping links the copy to it.
    let copy = match fate {
        Fate::Disputed => {
            let row = {
                let mut pooled = app.db.acquire().await?;
                store::problems::get_problem(&mut pooled.conn(), id).await?
            };
            match row {
                Some(p) => Some(
                    app.public_submit(
                        &crate::public::PublicSubmission {
                            body: p.description,
                            title: Some(p.title),
                            kind: None,
                            campaign_id: Some(p.campaign_id),
                            address: None,
                            latitude: None,
                            longitude: None,
                            reporter_name: None,
                            reporter_contact: None,
                        },
                        None,
                    )
                    .await?,
                ),
                None => None,
            }
        }
        _ => None,
    };
    match fate {
        Fate::Assigned => return Ok(()),
        Fate::Extended => {
            step(clock, now, rng, 4);
            let current = {
                let mut pooled = app.db.acquire().await?;
                store::problems::get_problem(&mut pooled.conn(), id).await?.and_then(|r| r.deadline)
            };
            let new_deadline =
                current.unwrap_or(clock.today()).max(clock.today()) + Duration::days(rng.random_range(10..30));
            act(
                app,
                liaison,
                id,
                Transition::RequestExtension {
                    new_deadline, reason: "涉及多个部门协调，需延长整改时限。".into()
                },
            )
            .await?;
            if rng.random_bool(0.7) {
                step(clock, now, rng, 2);
                act(
                    app,
                    &base.office,
                    id,
                    Transition::DecideExtension { approve: true, note: Some("同意延期".into()) },
                )
                .await?;
            }
            return Ok(());
        }
        _ => {}
    }
    step(clock, now, rng, 6);
    // Done before it is reported done: every measure finished, and (mostly) a photo of the site.
    finish_measures(app, liaison, id).await?;
    if rng.random_bool(0.9) {
        // Every other one also has the site as found, without a draw that would change the rest.
        if id.get() % 2 == 0 {
            app.add_evidence(
                liaison,
                id,
                "整改前现场照片.png",
                SITE_BEFORE_PHOTO,
                Some("整改前现场"),
                domain::problem::EvidencePhase::Before,
            )
            .await?;
        }
        app.add_evidence(
            liaison,
            id,
            "整改现场照片.png",
            SITE_PHOTO,
            Some("整改后现场"),
            domain::problem::EvidencePhase::After,
        )
        .await?;
    }
    let with_evidence = {
        let mut pooled = app.db.acquire().await?;
        store::rectification::count_evidence(&mut pooled.conn(), id).await? > 0
    };
    let submit = || Transition::Submit {
        report: "已按整改措施完成整改，现场问题已消除，申请销号。".into(),
        no_evidence_reason: (!with_evidence).then(|| "整改为制度完善类，无现场佐证材料。".into()),
    };
    act(app, liaison, id, submit()).await?;
    if fate == Fate::LeaderStage {
        return Ok(());
    }
    step(clock, now, rng, 2);
    act(app, leader, id, Transition::Approve { note: Some("同意".into()) }).await?;
    if fate == Fate::VerifierStage {
        return Ok(());
    }
    step(clock, now, rng, 3);
    if fate == Fate::SentBack || rng.random_bool(0.15) {
        act(
            app,
            &base.supervisor,
            id,
            Transition::SendBack { reason: "佐证材料不充分，请补充整改前后对比照片。".into() },
        )
        .await?;
        if fate == Fate::SentBack {
            return Ok(());
        }
        step(clock, now, rng, 3);
        act(app, liaison, id, submit()).await?;
        step(clock, now, rng, 1);
        act(app, leader, id, Transition::Approve { note: Some("同意".into()) }).await?;
        step(clock, now, rng, 2);
    }
    act(app, &base.supervisor, id, Transition::Accept { note: "经实地核查，整改到位，群众认可。".into() }).await?;
    if rng.random_bool(0.6) {
        act(app, &base.office, id, Transition::Publish).await?;
        // The office shows the site photo on the public page.
        let photos = {
            let mut pooled = app.db.acquire().await?;
            store::rectification::list_evidence(&mut pooled.conn(), id).await?
        };
        for photo in photos.iter().filter(|e| e.content_type.starts_with("image/")) {
            app.set_evidence_public(&base.office, photo.id, true).await?;
        }
    }
    if let Some(copy) = copy {
        step(clock, now, rng, 3);
        app.public_rate(&crate::public::RatingInput {
            tracking_code: copy.tracking_code,
            rating_key: copy.rating_key,
            solved: false,
            satisfaction: Satisfaction::Dissatisfied,
            comment: Some("我反映的问题还没有解决，希望再核实一下。".into()),
        })
        .await?;
    }
    if matches!(fate, Fate::ClosedRated | Fate::Reopened) {
        step(clock, now, rng, 3);
        let dissatisfied = fate == Fate::Reopened;
        act(
            app,
            &base.office,
            id,
            Transition::Callback {
                solved: !dissatisfied,
                satisfaction: if dissatisfied {
                    Satisfaction::Dissatisfied
                } else if rng.random_bool(0.7) {
                    Satisfaction::Satisfied
                } else {
                    Satisfaction::Basic
                },
                comment: Some(
                    if dissatisfied {
                        "问题没有根本解决，晚上还是很吵。"
                    } else {
                        "处理及时，谢谢。"
                    }
                    .into(),
                ),
            },
        )
        .await?;
    }
    Ok(())
}

/// Marks every measure of a problem done (before its unit applies for sign-off).
async fn finish_measures(app: &App, liaison: &Actor, id: ProblemId) -> Result<()> {
    let measures = {
        let mut pooled = app.db.acquire().await?;
        store::rectification::list_measures(&mut pooled.conn(), id).await?
    };
    for m in measures {
        let patch = crate::rectification::MeasurePatch {
            version: m.version,
            description: None,
            owner_unit_id: None,
            owner_name: None,
            deadline: None,
            status: Some(MeasureStatus::Done),
        };
        app.update_measure(liaison, m.id, &patch).await?;
    }
    Ok(())
}
