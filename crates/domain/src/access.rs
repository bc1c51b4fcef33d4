//! Who may see and do what (SPEC §1): by role and by the unit tree. A user acts within the subtree
//! of their own unit; the admin acts everywhere; the public sees only what is published. Callers
//! turn "may not see" into 404, so that a record's existence does not leak.

use crate::unit::UnitPath;
use crate::user::Role;
use crate::workflow::{Action, SignoffStage};
use crate::{UnitId, UserId};

/// What an API token may do, on top of its user's own rights.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TokenScope {
    /// Everything the user may do.
    Full,
    /// Reads only.
    Read,
    /// Reads, and feedback intake (for hotline integrations).
    Intake,
    /// An Open311 GeoReport v2 `api_key`: posts service requests through `/open311/v2/` and
    /// nothing else.
    Open311,
}

impl TokenScope {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenScope::Full => "full",
            TokenScope::Read => "read",
            TokenScope::Intake => "intake",
            TokenScope::Open311 => "open311",
        }
    }

    pub fn parse(s: &str) -> crate::Result<Self> {
        match s.trim() {
            "full" => Ok(TokenScope::Full),
            "read" => Ok(TokenScope::Read),
            "intake" => Ok(TokenScope::Intake),
            "open311" => Ok(TokenScope::Open311),
            other => Err(crate::Error::invalid(
                "scope",
                format!("未知令牌范围“{other}”（可选：full、read、intake、open311）"),
                format!("unknown token scope \"{other}\" (known: full, read, intake, open311)"),
            )),
        }
    }
}

/// The signed-in user, as the access rules see them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub user_id: UserId,
    pub role: Role,
    pub unit_id: UnitId,
    pub unit_path: UnitPath,
    /// Set when the request came with an API token rather than a login session.
    pub token_scope: Option<TokenScope>,
}

/// The kind of request, for token scopes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Intent {
    Read,
    Intake,
    Write,
}

impl Principal {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// Whether the token (if any) allows this kind of request.
    pub fn token_allows(&self, intent: Intent) -> bool {
        matches!(
            (self.token_scope, intent),
            (None | Some(TokenScope::Full), _)
                | (Some(TokenScope::Read | TokenScope::Intake), Intent::Read)
                | (Some(TokenScope::Intake), Intent::Intake)
        )
    }

    /// Whether `unit` lies in this user's subtree (everything, for the admin).
    pub fn covers(&self, unit: &UnitPath) -> bool {
        self.is_admin() || self.unit_path.contains(unit)
    }

    /// Whether the user manages units, users, categories, campaigns and the calendar.
    pub fn may_administer(&self) -> bool {
        self.is_admin()
    }

    /// Whether the user runs a list anywhere: takes in feedback, puts problems on it, acts on
    /// many at once (the intake inbox and the bulk actions).
    pub fn runs_a_list(&self) -> bool {
        self.may_run_list_in(&self.unit_path)
    }

    /// Whether the user keeps a ledger and so may bring one in from a spreadsheet: the office its
    /// list, a unit's liaison its rectification. Leaders, supervisors and viewers change nothing
    /// by sheet.
    pub fn keeps_a_ledger(&self) -> bool {
        matches!(self.role, Role::Admin | Role::Office | Role::Liaison)
    }

    /// Whether the user may verify (验收) anyone's report: the sign-off queue is theirs to see.
    pub fn verifies(&self) -> bool {
        matches!(self.role, Role::Admin | Role::Office | Role::Supervisor)
    }

    /// Whether the user runs the list in `unit`'s subtree: creates problems, takes in feedback.
    pub fn may_run_list_in(&self, unit: &UnitPath) -> bool {
        match self.role {
            Role::Admin => true,
            Role::Office => self.covers(unit),
            _ => false,
        }
    }
}

/// Where a problem sits in the unit tree, and who leads it.
#[derive(Debug, Clone)]
pub struct ProblemPlace {
    /// The unit whose list the problem is on (the campaign office's unit).
    pub owner_unit: UnitPath,
    pub lead_unit: Option<UnitPath>,
    pub cooperating_units: Vec<UnitPath>,
    pub responsible_leader: Option<UserId>,
    pub published: bool,
}

impl ProblemPlace {
    fn units(&self) -> impl Iterator<Item = &UnitPath> {
        std::iter::once(&self.owner_unit).chain(self.lead_unit.iter()).chain(self.cooperating_units.iter())
    }

    /// Whether one of the problem's units lies in the subtree (what a unit's staff may read of it).
    pub fn within(&self, subtree: &UnitPath) -> bool {
        self.units().any(|u| subtree.contains(u))
    }

    fn lead_covered_by(&self, p: &Principal) -> bool {
        self.lead_unit.as_ref().is_some_and(|u| p.covers(u))
    }

    /// The user's own unit is the lead unit or lies inside it: such a user cannot verify the
    /// unit's own report.
    fn is_inside_lead_unit(&self, p: &Principal) -> bool {
        self.lead_unit.as_ref().is_some_and(|lead| lead.contains(&p.unit_path))
    }
}

/// Whether the user may see the problem at all.
pub fn may_read(p: &Principal, place: &ProblemPlace) -> bool {
    p.is_admin() || place.units().any(|u| p.covers(u)) || place.responsible_leader == Some(p.user_id)
}

/// Whether the user may edit the problem's rectification details: root cause, reply, measures,
/// progress notes. The units doing the work and the office running the list may.
pub fn may_edit_rectification(p: &Principal, place: &ProblemPlace) -> bool {
    match p.role {
        Role::Admin => true,
        Role::Office => place.units().any(|u| p.covers(u)),
        Role::Liaison => place.lead_covered_by(p) || place.cooperating_units.iter().any(|u| p.covers(u)),
        Role::Supervisor | Role::Leader | Role::Viewer => false,
    }
}

/// Whether the user may edit what the office decides: title, category, priority, units, deadline.
pub fn may_edit_listing(p: &Principal, place: &ProblemPlace) -> bool {
    p.may_run_list_in(&place.owner_unit)
}

/// Whether the user may take `action` on the problem at its sign-off `stage` (the workflow decides
/// separately whether the action is legal from the problem's state). `Approve`, and `SendBack` at
/// the leader stage, are checked with [`may_act_as_leader`]; `Accept`, and `SendBack` at the
/// verifier stage, with [`may_verify`].
pub fn may_take(p: &Principal, action: Action, stage: Option<SignoffStage>, place: &ProblemPlace) -> bool {
    if !p.token_allows(Intent::Write) {
        return false;
    }
    match action {
        Action::Assign | Action::Dismiss | Action::Merge | Action::Reopen | Action::Callback => {
            p.may_run_list_in(&place.owner_unit)
        }
        Action::Publish | Action::Unpublish => p.may_run_list_in(&place.owner_unit),
        Action::SignFor => signs_for_lead_unit(p, place.lead_unit.as_ref()),
        Action::Submit | Action::RequestExtension => does_lead_unit_work(p, place.lead_unit.as_ref()),
        Action::DecideExtension => {
            p.is_admin() || (p.may_run_list_in(&place.owner_unit) && !place.is_inside_lead_unit(p))
        }
        Action::Flag | Action::Unflag => p.is_admin() || (p.role == Role::Supervisor && may_read(p, place)),
        Action::Approve => may_act_as_leader(p, place),
        Action::Accept => may_verify(p, place),
        Action::SendBack => match stage {
            Some(SignoffStage::Leader) => may_act_as_leader(p, place),
            _ => may_verify(p, place),
        },
    }
}

/// Whether the user does the lead unit's work on a problem (签收, 申请销号, 延期申请): its liaison or
/// office staff, or an admin.
pub fn does_lead_unit_work(p: &Principal, lead_unit: Option<&UnitPath>) -> bool {
    p.is_admin() || (matches!(p.role, Role::Liaison | Role::Office) && lead_unit.is_some_and(|u| p.covers(u)))
}

/// 签收: the lead unit's own people take on what it was given (its liaison or office staff, in the
/// unit or below it); an office above the unit watches who has not signed but does not sign for it.
pub fn signs_for_lead_unit(p: &Principal, lead_unit: Option<&UnitPath>) -> bool {
    p.is_admin()
        || (matches!(p.role, Role::Liaison | Role::Office) && lead_unit.is_some_and(|u| u.contains(&p.unit_path)))
}

/// 单位领导审核: the problem's responsible leader approves or returns the unit's report.
pub fn may_act_as_leader(p: &Principal, place: &ProblemPlace) -> bool {
    p.token_allows(Intent::Write) && (p.is_admin() || place.responsible_leader == Some(p.user_id))
}

/// 验收: a supervisor or the office, from outside the lead unit, verifies the report.
pub fn may_verify(p: &Principal, place: &ProblemPlace) -> bool {
    if !p.token_allows(Intent::Write) {
        return false;
    }
    p.is_admin() || (p.verifies() && may_read(p, place) && !place.is_inside_lead_unit(p))
}

/// Whether the user may see a reporter's name and contact: only the units handling the report.
pub fn may_see_reporter(p: &Principal, feedback_unit: &UnitPath, problem: Option<&ProblemPlace>) -> bool {
    match p.role {
        Role::Admin => true,
        Role::Office => p.covers(feedback_unit) || problem.is_some_and(|pl| may_edit_rectification(p, pl)),
        Role::Liaison => problem.is_some_and(|pl| may_edit_rectification(p, pl)),
        Role::Supervisor | Role::Leader | Role::Viewer => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(s: &str) -> UnitPath {
        UnitPath::parse(s).unwrap()
    }

    fn user(id: i64, role: Role, unit: &str) -> Principal {
        let unit_path = path(unit);
        let unit_id = *unit_path.ids().last().unwrap();
        Principal { user_id: UserId::new(id), role, unit_id, unit_path, token_scope: None }
    }

    fn place() -> ProblemPlace {
        ProblemPlace {
            owner_unit: path("/1/"),
            lead_unit: Some(path("/1/2/")),
            cooperating_units: vec![path("/1/3/")],
            responsible_leader: Some(UserId::new(50)),
            published: false,
        }
    }

    #[test]
    fn a_liaison_sees_its_own_and_cooperating_units_problems_but_not_a_sibling_units() {
        let pl = place();
        assert!(may_read(&user(1, Role::Liaison, "/1/2/"), &pl));
        assert!(may_read(&user(1, Role::Liaison, "/1/3/"), &pl));
        assert!(!may_read(&user(1, Role::Liaison, "/1/4/"), &pl));
        assert!(may_edit_rectification(&user(1, Role::Liaison, "/1/2/"), &pl));
        assert!(!may_edit_rectification(&user(1, Role::Viewer, "/1/2/"), &pl));
    }

    #[test]
    fn only_the_lead_unit_submits_and_only_the_responsible_leader_approves() {
        let pl = place();
        assert!(may_take(&user(1, Role::Liaison, "/1/2/"), Action::Submit, None, &pl));
        assert!(!may_take(&user(1, Role::Liaison, "/1/3/"), Action::Submit, None, &pl));
        assert!(may_take(&user(50, Role::Viewer, "/1/2/"), Action::Approve, None, &pl));
        assert!(!may_take(&user(51, Role::Office, "/1/"), Action::Approve, None, &pl));
    }

    #[test]
    fn sending_back_belongs_to_whoever_holds_the_stage() {
        let pl = place();
        let leader = user(50, Role::Viewer, "/1/2/");
        let verifier = user(2, Role::Supervisor, "/1/");
        assert!(may_take(&leader, Action::SendBack, Some(SignoffStage::Leader), &pl));
        assert!(!may_take(&leader, Action::SendBack, Some(SignoffStage::Verifier), &pl));
        assert!(may_take(&verifier, Action::SendBack, Some(SignoffStage::Verifier), &pl));
        assert!(!may_take(&verifier, Action::SendBack, Some(SignoffStage::Leader), &pl));
    }

    #[test]
    fn the_verifier_must_stand_outside_the_lead_unit() {
        let pl = place();
        assert!(may_verify(&user(2, Role::Supervisor, "/1/"), &pl));
        assert!(may_verify(&user(2, Role::Office, "/1/"), &pl));
        assert!(!may_verify(&user(2, Role::Office, "/1/2/"), &pl), "the unit cannot verify itself");
        assert!(!may_verify(&user(2, Role::Office, "/1/2/7/"), &pl), "nor can a sub-unit of it");
        assert!(!may_verify(&user(2, Role::Supervisor, "/1/4/"), &pl), "a supervisor elsewhere cannot see it");
        assert!(!may_verify(&user(2, Role::Liaison, "/1/"), &pl));
    }

    #[test]
    fn a_read_token_may_not_write_and_an_intake_token_may_only_take_in_feedback() {
        let mut office = user(3, Role::Office, "/1/");
        office.token_scope = Some(TokenScope::Read);
        assert!(!may_take(&office, Action::Assign, None, &place()));
        assert!(office.token_allows(Intent::Read) && !office.token_allows(Intent::Intake));
        office.token_scope = Some(TokenScope::Intake);
        assert!(office.token_allows(Intent::Intake) && !office.token_allows(Intent::Write));
    }

    #[test]
    fn reporter_contact_is_for_the_handling_units_only() {
        let pl = place();
        let city = path("/1/");
        assert!(may_see_reporter(&user(1, Role::Office, "/1/"), &city, Some(&pl)));
        assert!(may_see_reporter(&user(1, Role::Liaison, "/1/2/"), &city, Some(&pl)));
        assert!(!may_see_reporter(&user(1, Role::Supervisor, "/1/"), &city, Some(&pl)));
        assert!(!may_see_reporter(&user(1, Role::Viewer, "/1/2/"), &city, Some(&pl)));
        assert!(!may_see_reporter(&user(1, Role::Liaison, "/1/2/"), &city, None));
    }

    #[test]
    fn supervisors_flag_what_they_can_see_and_offices_run_their_own_list() {
        let pl = place();
        assert!(may_take(&user(1, Role::Supervisor, "/1/"), Action::Flag, None, &pl));
        assert!(!may_take(&user(1, Role::Office, "/1/"), Action::Flag, None, &pl));
        assert!(may_take(&user(1, Role::Office, "/1/"), Action::Assign, None, &pl));
        assert!(!may_take(&user(1, Role::Office, "/1/2/"), Action::Assign, None, &pl));
    }
}

crate::deserialize_by_parse!(TokenScope);
