//! What a reader may do with a problem now: the one answer that the use cases enforce and the pages
//! render from (no page looks at a role). Each rule is a check that says why not; the abilities
//! are which checks pass.

use super::summary::allowed_actions;
use domain::access::{self, Intent, Principal, ProblemPlace};
use domain::workflow::{Action, Status};
use domain::{Error, Result};
use store::problems::ProblemRow;

/// What the reader may do with the problem now.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Abilities {
    /// The workflow actions legal from the state, meaningful now, and allowed to the reader.
    pub actions: Vec<Action>,
    /// Edit what the office decides: title, description, category, units, deadline.
    pub edit_listing: bool,
    /// Edit the rectification details: root cause, public reply, responsible person.
    pub edit_rectification: bool,
    /// Add measures, progress notes and evidence.
    pub add_records: bool,
}

pub(crate) fn abilities(
    p: &Principal,
    row: &ProblemRow,
    place: &ProblemPlace,
    extension_pending: bool,
) -> Result<Abilities> {
    Ok(Abilities {
        actions: allowed_actions(p, row, place, extension_pending)?,
        edit_listing: check_edit_listing(p, row, place).is_ok(),
        edit_rectification: check_edit_rectification(p, row, place).is_ok(),
        add_records: check_add_records(p, row, place).is_ok(),
    })
}

fn writes(p: &Principal) -> Result<()> {
    if p.token_allows(Intent::Write) {
        Ok(())
    } else {
        Err(Error::forbidden("该令牌只读", "this token is read-only"))
    }
}

/// A problem's fields can change while it is open, and after sign-off (a reply corrected).
fn fields_editable(row: &ProblemRow) -> Result<()> {
    let status = row.status;
    if status.is_open() || status == Status::Closed {
        return Ok(());
    }
    Err(Error::conflict(
        "status",
        format!("问题已{}，不能再修改", status.label_zh()),
        format!("the problem is {status} and can no longer be edited"),
    ))
}

/// The office's fields: title, category, units, deadline.
pub(crate) fn check_edit_listing(p: &Principal, row: &ProblemRow, place: &ProblemPlace) -> Result<()> {
    writes(p)?;
    if !access::may_edit_listing(p, place) {
        return Err(Error::forbidden(
            "只有专班办公室可以修改问题的标题、类别、责任单位和时限",
            "only the campaign office may change the title, category, units or deadline",
        ));
    }
    fields_editable(row)
}

/// The rectification details: root cause, reply, responsible person.
pub(crate) fn check_edit_rectification(p: &Principal, row: &ProblemRow, place: &ProblemPlace) -> Result<()> {
    writes(p)?;
    if !access::may_edit_rectification(p, place) {
        return Err(rectification_forbidden());
    }
    fields_editable(row)
}

/// Measures, notes and evidence: only while the problem is open.
pub(crate) fn check_add_records(p: &Principal, row: &ProblemRow, place: &ProblemPlace) -> Result<()> {
    writes(p)?;
    if !access::may_edit_rectification(p, place) {
        return Err(rectification_forbidden());
    }
    let status = row.status;
    if !status.is_open() {
        return Err(Error::conflict(
            "status",
            format!("问题状态为“{}”，不能再修改整改措施", status.label_zh()),
            format!("the problem is {status}; its rectification can no longer change"),
        ));
    }
    Ok(())
}

fn rectification_forbidden() -> Error {
    Error::forbidden("您不能修改该问题的整改信息", "you may not edit this problem's rectification details")
}
