//! The problem list (问题清单): creating problems (from feedback or by hand) and editing them with
//! optimistic locking. Reading one is in [`detail`], listing in [`list`], the list's view of a
//! problem in [`summary`].

mod abilities;
mod detail;
mod list;
mod summary;

use crate::views::ProblemDetail;
use crate::{Actor, App};
pub use abilities::Abilities;
pub(crate) use abilities::{abilities, check_add_records, check_edit_listing, check_edit_rectification};
use chrono::NaiveDate;
use domain::access::{self, Intent, Principal, ProblemPlace};
use domain::feedback::{Channel, FeedbackKind};
use domain::problem::{CodePrefix, Priority, ProblemNumber, RectificationType};
use domain::unit::UnitPath;
use domain::workflow::{Circumstances, State};
use domain::{CampaignId, CategoryId, Error, FeedbackId, ProblemId, Result, UnitId, UserId};
pub use list::ProblemQuery;
use serde::Deserialize;
use store::Conn;
use store::problems::{NewProblem, ProblemRow};
pub(crate) use summary::{flags_of, summary};

/// What the office gives to put a problem on the list.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewProblemInput {
    pub campaign_id: CampaignId,
    pub title: String,
    pub description: String,
    pub category_id: Option<CategoryId>,
    /// Where the problem came from: `hotline`, `portal`, `self_inspection`…
    pub channel: Channel,
    /// `consult`, `complaint`…; sets the time limits. Default `complaint`.
    pub kind: Option<FeedbackKind>,
    /// Default `normal`.
    pub priority: Option<Priority>,
    /// `immediate` (立行立改), `deadline` (限期整改, the default) or `ongoing` (长期坚持).
    pub rectification_type: Option<RectificationType>,
    /// The unit whose list it goes on; default the campaign's unit.
    pub owner_unit_id: Option<UnitId>,
    /// Feedback items this problem is made from.
    #[serde(default)]
    pub feedback_ids: Vec<FeedbackId>,
    /// When the problem was first reported; default today.
    pub received_on: Option<NaiveDate>,
}

impl NewProblemInput {
    /// A problem with only what every problem needs; the rest takes its default.
    pub fn new(
        campaign_id: CampaignId,
        title: impl Into<String>,
        description: impl Into<String>,
        channel: Channel,
    ) -> Self {
        Self {
            campaign_id,
            title: title.into(),
            description: description.into(),
            category_id: None,
            channel,
            kind: None,
            priority: None,
            rectification_type: None,
            owner_unit_id: None,
            feedback_ids: vec![],
            received_on: None,
        }
    }
}

/// Deserialises a field that may be absent (leave unchanged), null (clear) or a value.
fn double_option<'de, T: Deserialize<'de>, D: serde::Deserializer<'de>>(
    d: D,
) -> std::result::Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// A partial edit. `version` must be the version the editor read.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProblemPatch {
    pub version: i64,
    pub title: Option<String>,
    pub description: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>)]
    pub category_id: Option<Option<CategoryId>>,
    pub channel: Option<Channel>,
    pub kind: Option<FeedbackKind>,
    pub priority: Option<Priority>,
    pub rectification_type: Option<RectificationType>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<NaiveDate>)]
    pub deadline: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>)]
    pub responsible_leader_id: Option<Option<UserId>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub responsible_person: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub root_cause: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub public_reply: Option<Option<String>>,
    pub cooperating_unit_ids: Option<Vec<UnitId>>,
}

/// A problem row with where it sits in the tree.
pub(crate) struct Loaded {
    pub row: ProblemRow,
    pub place: ProblemPlace,
    /// The names the problem's summary shows, read with it.
    pub lead_unit_name: Option<String>,
    pub category_name: Option<String>,
    pub cooperating: Vec<store::problems::LinkedUnit>,
    /// An extension request awaits a decision.
    pub extension_pending: bool,
}

/// A problem with its place in the unit tree, in one statement.
pub(crate) async fn load(c: &mut Conn<'_>, id: ProblemId) -> Result<Loaded> {
    let placed = store::problems::get_placed(c, id).await?.ok_or_else(|| Error::not_found("problem"))?;
    let coop = placed.cooperating;
    let place = ProblemPlace {
        owner_unit: UnitPath::parse(&placed.owner_path)?,
        lead_unit: placed.lead_path.as_deref().map(UnitPath::parse).transpose()?,
        cooperating_units: coop.iter().map(|u| UnitPath::parse(&u.path)).collect::<Result<_>>()?,
        responsible_leader: placed.row.responsible_leader_id,
        published: placed.row.published,
    };
    Ok(Loaded {
        row: placed.row,
        place,
        lead_unit_name: placed.lead_unit_name,
        category_name: placed.category_name,
        cooperating: coop,
        extension_pending: placed.extension_pending,
    })
}

/// Loads a problem the actor may see; anything else is 404, so that existence does not leak.
pub(crate) async fn load_visible(c: &mut Conn<'_>, actor: &Actor, id: ProblemId) -> Result<(Loaded, Principal)> {
    let p = actor.user_for(Intent::Read)?.clone();
    let loaded = load(c, id).await?;
    if !access::may_read(&p, &loaded.place) {
        return Err(Error::not_found("problem"));
    }
    Ok((loaded, p))
}

pub(crate) fn state_of(row: &ProblemRow) -> Result<State> {
    Ok(State::new(row.status, row.signoff_stage))
}

/// What beyond its state decides which actions mean something for the problem now.
pub(crate) fn circumstances_of(row: &ProblemRow, extension_pending: bool) -> Circumstances {
    Circumstances {
        signed_for: domain::problem::signed_for(row.signed_at, row.assigned_at),
        published: row.published,
        flagged: row.manual_colour.is_some(),
        extension_pending,
    }
}

impl App {
    /// Puts a problem on the list, optionally made from feedback items.
    pub async fn create_problem(&self, actor: &Actor, input: &NewProblemInput) -> Result<ProblemDetail> {
        let id = self.insert_problem(actor, input).await?;
        self.get_problem(actor, id).await
    }

    pub(crate) async fn insert_problem(&self, actor: &Actor, input: &NewProblemInput) -> Result<ProblemId> {
        let mut tx = self.db.begin().await?;
        let id = self.insert_problem_in(&mut tx.conn(), actor, input).await?;
        self.commit(tx).await?;
        Ok(id)
    }

    /// Puts a problem on the list in the caller's transaction.
    pub(crate) async fn insert_problem_in(
        &self,
        c: &mut Conn<'_>,
        actor: &Actor,
        input: &NewProblemInput,
    ) -> Result<ProblemId> {
        let p = actor.user_for(Intent::Write)?.clone();
        let max = self.settings.text.max_text_chars;
        let title = domain::text::title("title", &input.title)?;
        let description = domain::text::required_text("description", &input.description, max)?;
        let channel = input.channel;
        let kind = input.kind.unwrap_or(FeedbackKind::Complaint);
        let priority = input.priority.unwrap_or(Priority::Normal);
        let rtype = input.rectification_type.unwrap_or(RectificationType::Deadline);
        let now = self.clock.now();
        let today = self.clock.today();
        let received_on = input.received_on.unwrap_or(today);
        if received_on > today {
            return Err(Error::invalid(
                "received_on",
                format!("日期 {received_on} 在未来"),
                format!("{received_on} is in the future"),
            ));
        }
        let campaign = store::campaigns::get_campaign(c, input.campaign_id).await?.ok_or_else(|| {
            Error::invalid_with_code(
                domain::Code::UnknownCampaign,
                "campaign_id",
                format!("专项工作 {} 不存在", input.campaign_id),
                format!("campaign {} does not exist", input.campaign_id),
            )
        })?;
        let owner_id = input.owner_unit_id.unwrap_or(campaign.unit_id);
        let owner =
            store::units::get_unit(c, owner_id).await?.ok_or_else(|| crate::units::unknown_unit_id(owner_id))?;
        if !p.may_run_list_in(&owner.unit_path()?) {
            return Err(Error::forbidden(
                "只有专班办公室可以在本单位的清单上建立问题",
                "only the campaign office may put problems on this unit's list",
            ));
        }
        if let Some(cid) = input.category_id {
            store::categories::get_category(c, cid).await?.ok_or_else(|| crate::categories::unknown_category(cid))?;
        }
        let prefix = CodePrefix::parse(&campaign.code_prefix)?;
        let year = chrono::Datelike::year(&today);
        let seq = store::campaigns::next_number(c, prefix.as_str(), year).await?;
        let number = ProblemNumber::new(&prefix, year, seq);
        let row = ProblemRow::new(NewProblem {
            number: number.clone(),
            campaign_id: campaign.id,
            owner_unit_id: owner.id,
            title,
            description,
            category_id: input.category_id,
            channel,
            kind,
            priority,
            rectification_type: rtype,
            received_on,
            created_by: Some(p.user_id),
            created_at: now,
        });
        let id = store::problems::insert_problem(c, &row).await?;
        let stored = store::problems::ProblemRow { id, ..row.clone() };
        crate::search::index_problem(c, &stored).await?;
        crate::grouping::keep_problem_print(c, &stored, now).await?;
        for &fid in &input.feedback_ids {
            let fb = store::feedback::get_feedback(c, fid).await?.ok_or_else(|| {
                Error::invalid("feedback_ids", format!("诉求 {fid} 不存在"), format!("feedback {fid} does not exist"))
            })?;
            let fb_unit = store::units::get_unit(c, fb.unit_id).await?;
            if !fb_unit.is_some_and(|u| u.unit_path().is_ok_and(|path| p.covers(&path))) {
                return Err(Error::invalid(
                    "feedback_ids",
                    format!("诉求 {fid} 不存在"),
                    format!("feedback {fid} does not exist"),
                ));
            }
            if let Some(existing) = fb.problem_id {
                return Err(Error::conflict(
                    "feedback_ids",
                    format!("诉求 {fid} 已关联问题 {existing}"),
                    format!("feedback {fid} is already linked to problem {existing}"),
                ));
            }
            store::feedback::link_feedback(c, fid, Some(id), now).await?;
        }
        let stored = store::problems::get_problem(c, id).await?.ok_or_else(|| Error::not_found("problem"))?;
        crate::audit::Entry::new(actor, "problem.create", "problem", Some(id.get()))
            .after(&stored)?
            .record(c, now)
            .await?;
        Ok(id)
    }

    /// Edits a problem's fields. The office edits what it decides (title, category, units,
    /// deadline…); the units doing the work edit the rectification details (root cause, reply,
    /// responsible person). A stale `version` changes nothing.
    pub async fn update_problem(&self, actor: &Actor, id: ProblemId, patch: &ProblemPatch) -> Result<ProblemDetail> {
        let mut tx = self.db.begin().await?;
        self.update_problem_in(&mut tx.conn(), actor, id, patch).await?;
        self.commit(tx).await?;
        self.get_problem(actor, id).await
    }

    /// Edits a problem in the caller's transaction.
    pub(crate) async fn update_problem_in(
        &self,
        c: &mut Conn<'_>,
        actor: &Actor,
        id: ProblemId,
        patch: &ProblemPatch,
    ) -> Result<()> {
        let now = self.clock.now();
        let max = self.settings.text.max_text_chars;
        let (Loaded { row: before, place, cooperating, .. }, p) = load_visible(c, actor, id).await?;
        let listing = patch.title.is_some()
            || patch.description.is_some()
            || patch.category_id.is_some()
            || patch.channel.is_some()
            || patch.kind.is_some()
            || patch.priority.is_some()
            || patch.rectification_type.is_some()
            || patch.deadline.is_some()
            || patch.responsible_leader_id.is_some()
            || patch.cooperating_unit_ids.is_some();
        let rectification =
            patch.root_cause.is_some() || patch.public_reply.is_some() || patch.responsible_person.is_some();
        if listing {
            check_edit_listing(&p, &before, &place)?;
        }
        if rectification {
            check_edit_rectification(&p, &before, &place)?;
        }
        if !listing && !rectification {
            // Nothing to change: still only for those who may change something.
            check_edit_listing(&p, &before, &place).or_else(|_| check_edit_rectification(&p, &before, &place))?;
        }
        if patch.version != before.version {
            return Err(Error::StaleVersion { sent: patch.version, current: before.version });
        }
        let mut row = before.clone();
        if let Some(t) = &patch.title {
            row.title = domain::text::title("title", t)?;
        }
        if let Some(d) = &patch.description {
            row.description = domain::text::required_text("description", d, max)?;
        }
        if let Some(cat) = patch.category_id {
            if let Some(cid) = cat {
                store::categories::get_category(c, cid)
                    .await?
                    .ok_or_else(|| crate::categories::unknown_category(cid))?;
            }
            row.category_id = cat;
        }
        if let Some(v) = patch.channel {
            row.channel = v;
        }
        if let Some(v) = patch.kind {
            row.kind = v;
        }
        if let Some(v) = patch.priority {
            row.priority = v;
        }
        if let Some(v) = patch.rectification_type {
            row.rectification_type = v;
        }
        if let Some(deadline) = patch.deadline {
            if let Some(d) = deadline {
                check_not_past("deadline", d, self.clock.today())?;
            }
            row.deadline = deadline;
        }
        if let Some(leader) = patch.responsible_leader_id {
            if let Some(uid) = leader {
                self.check_responsible_leader(c, uid, row.lead_unit_id).await?;
            }
            row.responsible_leader_id = leader;
        }
        if let Some(v) = &patch.responsible_person {
            row.responsible_person = domain::text::optional_text("responsible_person", v.as_deref(), 100)?;
        }
        if let Some(v) = &patch.root_cause {
            row.root_cause = domain::text::optional_text("root_cause", v.as_deref(), max)?;
        }
        if let Some(v) = &patch.public_reply {
            let reply = domain::text::optional_text("public_reply", v.as_deref(), max)?;
            // A reply written again after a reopening is the current one.
            if reply != row.public_reply {
                row.reply_superseded = false;
            }
            row.public_reply = reply;
        }
        if let Some(ids) = &patch.cooperating_unit_ids {
            let units = self.check_cooperating_units(ids, row.lead_unit_id).await?;
            let before_ids: Vec<UnitId> = cooperating.iter().map(|u| u.id).collect();
            store::problems::set_cooperating_units(c, id, &before_ids, &units).await?;
        }
        row.updated_at = now;
        row.version = store::problems::update_problem(c, &row).await?;
        crate::search::index_problem(c, &row).await?;
        if (&row.title, &row.description) != (&before.title, &before.description) {
            crate::grouping::keep_problem_print(c, &row, now).await?;
        }
        crate::audit::Entry::new(actor, "problem.update", "problem", Some(id.get()))
            .before(&before)?
            .after(&row)?
            .record(c, now)
            .await?;
        Ok(())
    }
}

pub(crate) fn check_not_past(field: &str, date: NaiveDate, today: NaiveDate) -> Result<()> {
    if date < today {
        return Err(Error::invalid(
            field,
            format!("日期 {date} 已经过去（今天是 {today}）"),
            format!("{date} is in the past (today is {today})"),
        ));
    }
    Ok(())
}

impl App {
    /// 责任领导: an active user with the leader role, in the lead unit or a unit inside it (any
    /// unit while there is no lead unit yet).
    pub(crate) async fn check_responsible_leader(
        &self,
        c: &mut Conn<'_>,
        id: UserId,
        lead_unit: Option<UnitId>,
    ) -> Result<()> {
        let field = "responsible_leader_id";
        let user = store::users::get_user(c, id)
            .await?
            .ok_or_else(|| Error::invalid(field, format!("用户 {id} 不存在"), format!("user {id} does not exist")))?;
        let inside = match lead_unit {
            None => true,
            Some(lead) => {
                let units = self.units_with(user.unit_id).await?;
                let path = |u: UnitId| units.iter().find(|x| x.id == u).map(|x| x.path.clone());
                matches!((path(user.unit_id), path(lead)), (Some(own), Some(lead)) if own.starts_with(&lead))
            }
        };
        if user.role != domain::user::Role::Leader || !user.active || !inside {
            return Err(Error::invalid(
                field,
                format!(
                    "{} 不是牵头单位的责任领导（须为牵头单位或其下属单位中角色为“责任领导”的在用账号）",
                    user.display_name
                ),
                format!(
                    "{} is not a responsible leader of the lead unit (an active user with the leader role in the lead unit or a unit inside it)",
                    user.display_name
                ),
            ));
        }
        Ok(())
    }

    /// Cooperating units as given: each a known unit (from the units this node holds, read again
    /// for one it does not), none the lead unit, each once.
    pub(crate) async fn check_cooperating_units(&self, ids: &[UnitId], lead: Option<UnitId>) -> Result<Vec<UnitId>> {
        let mut out = Vec::new();
        for &id in ids {
            if Some(id) == lead {
                return Err(Error::invalid(
                    "cooperating_unit_ids",
                    "牵头单位不能同时是配合单位",
                    "the lead unit cannot also be a cooperating unit",
                ));
            }
            self.known_unit(id).await?;
            if !out.contains(&id) {
                out.push(id);
            }
        }
        Ok(out)
    }
}
