//! 反弹回潮 and 治理盲区 as a reader meets them: the reports flagged as the return of a problem a
//! mechanism addresses, received after it was issued; and the problems that keep coming back with
//! no issued mechanism. The text engine decides what is a recurrence; `domain::recurrence` counts
//! them; here only the reports and problems the reader may see are named or counted.

use crate::App;
use crate::views::ProblemRef;
use chrono::NaiveDate;
use domain::access::{Intent, Principal};
use domain::problem::MechanismStatus;
use domain::recurrence::{Recurrence, after_mechanism, blind_spots};
use domain::{CampaignId, FeedbackId, ProblemId, Result};
use serde::Serialize;
use std::collections::BTreeSet;
use store::Conn;
use store::mechanisms::MechanismRow;

/// A report flagged as the return of a signed-off problem.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct RecurrenceView {
    pub feedback_id: FeedbackId,
    /// What it says, as the reader may read it (a reporter's name and number masked when the
    /// reader may not see them).
    pub excerpt: String,
    /// The problem it repeats.
    pub problem: ProblemRef,
    pub received_on: NaiveDate,
}

/// 治理盲区: a problem that keeps coming back with no issued mechanism addressing it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct BlindSpotView {
    pub problem: ProblemRef,
    pub recurrences: usize,
    /// The latest return.
    pub last: NaiveDate,
}

/// How many returns make a blind spot where nobody says otherwise.
pub const BLIND_SPOT_AT_LEAST: usize = 2;

/// The recurrences of `problems` the reader may see (of one campaign's problems when `campaign`
/// is given), each with its view.
async fn seen(
    c: &mut Conn<'_>,
    p: &Principal,
    problems: Option<&[ProblemId]>,
    campaign: Option<CampaignId>,
) -> Result<Vec<(Recurrence, RecurrenceView)>> {
    let mut out = Vec::new();
    for (feedback_id, problem, at) in store::causes::recurrences(c, problems).await? {
        let Some((problem_ref, row)) = App::visible_problem(c, p, problem).await? else { continue };
        if campaign.is_some_and(|id| row.campaign_id != id) {
            continue;
        }
        let Some(excerpt) = App::quote_feedback(c, p, feedback_id).await? else { continue };
        let received_on = domain::clock::china_date(at);
        out.push((
            Recurrence { problem, received_on },
            RecurrenceView { feedback_id, excerpt, problem: problem_ref, received_on },
        ));
    }
    Ok(out)
}

/// What came back after the mechanism was issued, of the problems it addresses (none for the
/// audit chain's copy, which records the mechanism itself).
pub(super) async fn after(
    c: &mut Conn<'_>,
    row: &MechanismRow,
    problems: &[ProblemId],
    reader: Option<&Principal>,
) -> Result<Vec<RecurrenceView>> {
    let (Some(p), Some(issued)) = (reader, row.issued_on.filter(|_| row.status == MechanismStatus::Issued)) else {
        return Ok(Vec::new());
    };
    let addressed: BTreeSet<ProblemId> = problems.iter().copied().collect();
    Ok(seen(c, p, Some(problems), None)
        .await?
        .into_iter()
        .filter(|(r, _)| !after_mechanism(Some(issued), &addressed, std::slice::from_ref(r)).is_empty())
        .map(|(_, v)| v)
        .collect())
}

impl App {
    /// 治理盲区: problems that came back at least `at_least` times and that no issued mechanism
    /// addresses, the most recurrent first; counting only what the reader may see.
    pub async fn blind_spots(&self, actor: &crate::Actor, at_least: usize) -> Result<Vec<BlindSpotView>> {
        self.blind_spots_in(actor, at_least, None).await
    }

    /// [`App::blind_spots`] among one campaign's problems (every campaign's when `None`).
    pub async fn blind_spots_in(
        &self,
        actor: &crate::Actor,
        at_least: usize,
        campaign: Option<CampaignId>,
    ) -> Result<Vec<BlindSpotView>> {
        let p = actor.user_for(Intent::Read)?.clone();
        let mut pooled = self.db.acquire().await?;
        let mut c = pooled.conn();
        let seen = seen(&mut c, &p, None, campaign).await?;
        let covered: BTreeSet<ProblemId> =
            store::causes::problems_with_issued_mechanisms(&mut c).await?.into_iter().collect();
        let returns: Vec<Recurrence> = seen.iter().map(|(r, _)| *r).collect();
        Ok(blind_spots(&returns, &covered, at_least)
            .into_iter()
            .filter_map(|b| {
                let problem = seen.iter().find(|(r, _)| r.problem == b.problem).map(|(_, v)| v.problem.clone())?;
                Some(BlindSpotView { problem, recurrences: b.recurrences, last: b.last })
            })
            .collect())
    }
}
