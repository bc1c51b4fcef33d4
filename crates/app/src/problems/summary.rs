//! A problem as a list shows it: its derived flags (overdue, due soon, colour, working days left)
//! and the actions a reader may take.

use crate::views::{Named, ProblemSummary, Reopening};
use chrono::NaiveDate;
use domain::Result;
use domain::access::{self, Principal, ProblemPlace};
use domain::calendar::WorkCalendar;
use domain::supervision::{FlagInputs, Flags};
use domain::workflow::{Action, Status};
use store::problem_list::ProblemListRow;
use store::problems::ProblemRow;

/// The flags derived from the row and today; never stored.
pub(crate) fn flags_of(row: &ProblemListRow, today: NaiveDate, cutoff: NaiveDate, cal: &WorkCalendar) -> Flags {
    let open = row.status.is_open();
    domain::supervision::derive(
        FlagInputs {
            open,
            deadline: row.deadline,
            next_measure_deadline: row.next_measure_deadline,
            awaiting_resubmission: row.awaiting_resubmission,
            manual: row.manual_colour,
        },
        today,
        cutoff,
        cal,
    )
}

/// The list's view of a row, with the names of its lead unit and category.
pub(crate) fn summary(
    row: ProblemListRow,
    flags: Flags,
    lead_unit_name: Option<String>,
    category_name: Option<String>,
) -> ProblemSummary {
    let status_label = row.status.label_zh().to_string();
    let awaiting_sign_for =
        row.status == Status::Assigned && !domain::problem::signed_for(row.signed_at, row.assigned_at);
    let reopened = match (row.reopened_at, row.reopen_cause) {
        (Some(at), Some(cause)) if row.status.is_open() => Some(Reopening { at, cause, reason: row.reopen_reason }),
        _ => None,
    };
    ProblemSummary {
        id: row.id,
        number: row.number,
        title: row.title,
        status: row.status,
        status_label,
        signoff_stage: row.signoff_stage,
        campaign_id: row.campaign_id,
        lead_unit: row.lead_unit_id.map(|id| Named { id, name: lead_unit_name.unwrap_or_default() }),
        category: row.category_id.map(|id| Named { id, name: category_name.unwrap_or_default() }),
        channel: row.channel,
        priority: row.priority,
        rectification_type: row.rectification_type,
        deadline: row.deadline,
        flags,
        published: row.published,
        created_at: row.created_at,
        updated_at: row.updated_at,
        version: row.version,
        awaiting_sign_for,
        reopened,
    }
}

/// The actions the principal may take now: legal from the state, meaningful in the problem's
/// circumstances, and allowed to them.
pub(crate) fn allowed_actions(
    p: &Principal,
    row: &ProblemRow,
    place: &ProblemPlace,
    extension_pending: bool,
) -> Result<Vec<Action>> {
    let state = super::state_of(row)?;
    let now = super::circumstances_of(row, extension_pending);
    Ok(state.available(now).into_iter().filter(|a| access::may_take(p, *a, state.stage, place)).collect())
}
