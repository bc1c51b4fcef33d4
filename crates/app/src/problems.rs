//! The problem list (问题清单): creating problems (from feedback or by hand), reading one with
//! everything the reader may see, editing with optimistic locking, and listing with filters.

use crate::views::{
    CallbackView, EvidenceView, ExtensionView, MeasureView, Named, NoteView, ProblemDetail,
    ProblemPage, ProblemRef, ProblemSummary, SignoffView, TimelineEntry,
};
use crate::{Actor, App};
use base64::Engine as _;
use chrono::NaiveDate;
use domain::access::{self, Intent, Principal, ProblemPlace};
use domain::calendar::WorkCalendar;
use domain::feedback::{Channel, FeedbackKind};
use domain::problem::{CodePrefix, Priority, ProblemNumber, RectificationType};
use domain::supervision::{Colour, FlagInputs, Flags};
use domain::unit::UnitPath;
use domain::workflow::{Action, SignoffStage, State, Status};
use domain::{CampaignId, CategoryId, Error, FeedbackId, ProblemId, Result, UnitId, UserId};
use serde::Deserialize;
use store::Conn;
use store::problem_list::{After, CursorValue, ProblemFilter, SortKey, Visibility};
use store::problems::ProblemRow;

/// What the office gives to put a problem on the list.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewProblemInput {
    pub campaign_id: i64,
    pub title: String,
    pub description: String,
    pub category_id: Option<i64>,
    /// Where the problem came from: `hotline`, `portal`, `self_inspection`…
    pub channel: String,
    /// `consult`, `complaint`…; sets the time limits. Default `complaint`.
    pub kind: Option<String>,
    /// Default `normal`.
    pub priority: Option<String>,
    /// `immediate` (立行立改), `deadline` (限期整改, the default) or `ongoing` (长期坚持).
    pub rectification_type: Option<String>,
    /// The unit whose list it goes on; default the campaign's unit.
    pub owner_unit_id: Option<i64>,
    /// Feedback items this problem is made from.
    #[serde(default)]
    pub feedback_ids: Vec<i64>,
    /// When the problem was first reported; default today.
    pub received_on: Option<NaiveDate>,
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
    pub category_id: Option<Option<i64>>,
    pub channel: Option<String>,
    pub kind: Option<String>,
    pub priority: Option<String>,
    pub rectification_type: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<NaiveDate>)]
    pub deadline: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>)]
    pub responsible_leader_id: Option<Option<i64>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub responsible_person: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub root_cause: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub public_reply: Option<Option<String>>,
    pub cooperating_unit_ids: Option<Vec<i64>>,
}

/// Filters, sorting and paging for the problem list.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ProblemQuery {
    /// One status or several, comma-separated: `new,assigned`.
    pub status: Option<String>,
    /// Lead unit, including its sub-units.
    pub unit_id: Option<i64>,
    /// Category, including its sub-categories.
    pub category_id: Option<i64>,
    pub channel: Option<String>,
    pub rectification_type: Option<String>,
    pub campaign_id: Option<i64>,
    pub overdue: Option<bool>,
    /// `blue`, `yellow` or `red`.
    pub colour: Option<String>,
    pub deadline_from: Option<NaiveDate>,
    pub deadline_to: Option<NaiveDate>,
    /// `created`, `deadline`, `updated` or `number`; prefix `-` for descending. Default `-created`.
    pub sort: Option<String>,
    /// From the previous page's `next_cursor`.
    pub cursor: Option<String>,
    /// 1–200, default 50.
    pub limit: Option<i64>,
}

/// A problem row with where it sits in the tree.
pub(crate) struct Loaded {
    pub row: ProblemRow,
    pub place: ProblemPlace,
}

pub(crate) async fn load(c: &mut Conn<'_>, id: ProblemId) -> Result<Loaded> {
    let row = store::problems::get_problem(c, id)
        .await?
        .ok_or_else(|| Error::not_found("problem"))?;
    let place_row = store::problems::get_place(c, id)
        .await?
        .ok_or_else(|| Error::not_found("problem"))?;
    let coop = store::problems::list_cooperating_units(c, id).await?;
    let place = ProblemPlace {
        owner_unit: UnitPath::parse(&place_row.owner_path)?,
        lead_unit: place_row
            .lead_path
            .as_deref()
            .map(UnitPath::parse)
            .transpose()?,
        cooperating_units: coop
            .iter()
            .map(|u| UnitPath::parse(&u.path))
            .collect::<Result<_>>()?,
        responsible_leader: place_row.responsible_leader_id.map(UserId::new),
        published: place_row.published,
    };
    Ok(Loaded { row, place })
}

/// Loads a problem the actor may see; anything else is 404, so that existence does not leak.
pub(crate) async fn load_visible(
    c: &mut Conn<'_>,
    actor: &Actor,
    id: ProblemId,
) -> Result<(Loaded, Principal)> {
    let p = actor.user_for(Intent::Read)?.clone();
    let loaded = load(c, id).await?;
    if !access::may_read(&p, &loaded.place) {
        return Err(Error::not_found("problem"));
    }
    Ok((loaded, p))
}

pub(crate) fn state_of(row: &ProblemRow) -> Result<State> {
    Ok(State::new(
        Status::parse(&row.status)?,
        row.signoff_stage.as_deref().and_then(SignoffStage::parse),
    ))
}

pub(crate) fn flags_of(
    row: &ProblemRow,
    today: NaiveDate,
    cutoff: NaiveDate,
    cal: &WorkCalendar,
) -> Flags {
    let open = Status::parse(&row.status)
        .map(Status::is_open)
        .unwrap_or(false);
    domain::supervision::derive(
        FlagInputs {
            open,
            deadline: row.deadline,
            next_measure_deadline: row.next_measure_deadline,
            awaiting_resubmission: row.awaiting_resubmission,
            manual: row
                .manual_colour
                .as_deref()
                .and_then(|c| Colour::parse(c).ok()),
        },
        today,
        cutoff,
        cal,
    )
}

pub(crate) fn summary(
    row: &ProblemRow,
    lead_unit_name: Option<String>,
    category_name: Option<String>,
    flags: Flags,
) -> ProblemSummary {
    let status_label = Status::parse(&row.status)
        .map(|s| s.label_zh().to_string())
        .unwrap_or_default();
    ProblemSummary {
        id: row.id,
        number: row.number.clone(),
        title: row.title.clone(),
        status: row.status.clone(),
        status_label,
        signoff_stage: row.signoff_stage.clone(),
        campaign_id: row.campaign_id,
        lead_unit: row.lead_unit_id.map(|id| Named {
            id,
            name: lead_unit_name.unwrap_or_default(),
        }),
        category: row.category_id.map(|id| Named {
            id,
            name: category_name.unwrap_or_default(),
        }),
        channel: row.channel.clone(),
        priority: row.priority.clone(),
        rectification_type: row.rectification_type.clone(),
        deadline: row.deadline,
        flags,
        published: row.published,
        created_at: row.created_at,
        updated_at: row.updated_at,
        version: row.version,
    }
}

/// The actions the principal may take now: legal from the state and allowed to them.
pub(crate) fn allowed_actions(
    p: &Principal,
    row: &ProblemRow,
    place: &ProblemPlace,
) -> Result<Vec<Action>> {
    let state = state_of(row)?;
    Ok(state
        .allowed()
        .into_iter()
        .filter(|a| match (a, state.stage) {
            (Action::SendBack, Some(SignoffStage::Leader)) => access::may_act_as_leader(p, place),
            (Action::SendBack, _) => access::may_verify(p, place),
            _ => access::may_take(p, *a, place),
        })
        .collect())
}

fn encode_cursor(after: &After, sort: SortKey) -> String {
    let value = match &after.value {
        CursorValue::Id => String::new(),
        CursorValue::Date(d) => d.to_string(),
        CursorValue::Time(t) => t.to_rfc3339(),
        CursorValue::Text(s) => s.clone(),
    };
    let raw = format!("{}|{}|{}", sort_name(sort), after.id, value);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw)
}

fn decode_cursor(cursor: &str, sort: SortKey) -> Result<After> {
    let bad = || {
        Error::invalid(
            "cursor",
            "翻页游标无效，请从第一页重新开始",
            "the cursor is invalid; start again from the first page",
        )
    };
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(cursor.trim())
        .map_err(|_| bad())?;
    let raw = String::from_utf8(raw).map_err(|_| bad())?;
    let mut parts = raw.splitn(3, '|');
    let (Some(s), Some(id), Some(value)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(bad());
    };
    if s != sort_name(sort) {
        return Err(Error::invalid(
            "cursor",
            "游标与当前排序方式不符",
            "the cursor was made for another sort order",
        ));
    }
    let id: i64 = id.parse().map_err(|_| bad())?;
    let value = match sort {
        SortKey::Created => CursorValue::Id,
        SortKey::Deadline => CursorValue::Date(value.parse().map_err(|_| bad())?),
        SortKey::Updated => CursorValue::Time(
            chrono::DateTime::parse_from_rfc3339(value)
                .map_err(|_| bad())?
                .with_timezone(&chrono::Utc),
        ),
        SortKey::Number => CursorValue::Text(value.to_string()),
    };
    Ok(After { value, id })
}

fn sort_name(sort: SortKey) -> &'static str {
    match sort {
        SortKey::Created => "created",
        SortKey::Deadline => "deadline",
        SortKey::Updated => "updated",
        SortKey::Number => "number",
    }
}

fn parse_sort(s: Option<&str>) -> Result<(SortKey, bool)> {
    let s = s.unwrap_or("-created").trim();
    let (desc, name) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let key = match name {
        "created" => SortKey::Created,
        "deadline" => SortKey::Deadline,
        "updated" => SortKey::Updated,
        "number" => SortKey::Number,
        other => {
            return Err(Error::invalid(
                "sort",
                format!(
                    "未知排序“{other}”（可选：created、deadline、updated、number，前加 - 为倒序）"
                ),
                format!(
                    "unknown sort \"{other}\" (known: created, deadline, updated, number; prefix - for descending)"
                ),
            ));
        }
    };
    Ok((key, desc))
}

impl App {
    /// Puts a problem on the list, optionally made from feedback items.
    pub async fn create_problem(
        &self,
        actor: &Actor,
        input: &NewProblemInput,
    ) -> Result<ProblemDetail> {
        let id = self.insert_problem(actor, input).await?;
        self.get_problem(actor, id).await
    }

    pub(crate) async fn insert_problem(
        &self,
        actor: &Actor,
        input: &NewProblemInput,
    ) -> Result<ProblemId> {
        let p = actor.user_for(Intent::Write)?.clone();
        let max = self.settings.text.max_text_chars;
        let title = domain::text::title("title", &input.title)?;
        let description = domain::text::required_text("description", &input.description, max)?;
        let channel = Channel::parse(&input.channel)?;
        let kind = input
            .kind
            .as_deref()
            .map(FeedbackKind::parse)
            .transpose()?
            .unwrap_or(FeedbackKind::Complaint);
        let priority = input
            .priority
            .as_deref()
            .map(Priority::parse)
            .transpose()?
            .unwrap_or(Priority::Normal);
        let rtype = input
            .rectification_type
            .as_deref()
            .map(RectificationType::parse)
            .transpose()?
            .unwrap_or(RectificationType::Deadline);
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
        let mut tx = self.db.begin().await?;
        let campaign =
            store::campaigns::get_campaign(&mut tx.conn(), CampaignId::new(input.campaign_id))
                .await?
                .ok_or_else(|| {
                    Error::invalid_with_code(
                        "unknown_campaign",
                        "campaign_id",
                        format!("专项工作 {} 不存在", input.campaign_id),
                        format!("campaign {} does not exist", input.campaign_id),
                    )
                })?;
        let owner_id = UnitId::new(input.owner_unit_id.unwrap_or(campaign.unit_id));
        let owner = store::units::get_unit(&mut tx.conn(), owner_id)
            .await?
            .ok_or_else(|| crate::units::unknown_unit_id(owner_id))?;
        if !p.may_run_list_in(&owner.unit_path()?) {
            return Err(Error::forbidden(
                "只有专班办公室可以在本单位的清单上建立问题",
                "only the campaign office may put problems on this unit's list",
            ));
        }
        if let Some(cid) = input.category_id {
            store::categories::get_category(&mut tx.conn(), CategoryId::new(cid))
                .await?
                .ok_or_else(|| crate::categories::unknown_category(CategoryId::new(cid)))?;
        }
        let prefix = CodePrefix::parse(&campaign.code_prefix)?;
        let year = chrono::Datelike::year(&today);
        let seq = store::campaigns::next_number(&mut tx.conn(), prefix.as_str(), year).await?;
        let number = ProblemNumber::new(&prefix, year, seq);
        let row = ProblemRow {
            id: 0,
            number: number.as_str().to_string(),
            campaign_id: campaign.id,
            owner_unit_id: owner.id,
            title,
            description,
            category_id: input.category_id,
            channel: channel.as_str().into(),
            kind: kind.as_str().into(),
            priority: priority.as_str().into(),
            rectification_type: rtype.as_str().into(),
            status: Status::New.as_str().into(),
            signoff_stage: None,
            lead_unit_id: None,
            responsible_leader_id: None,
            responsible_person: None,
            deadline: None,
            original_deadline: None,
            extension_count: 0,
            root_cause: None,
            public_reply: None,
            verification_note: None,
            solved: None,
            satisfaction: None,
            published: false,
            published_at: None,
            excluded_from_scoring: false,
            exclusion_reason: None,
            manual_colour: None,
            manual_colour_reason: None,
            awaiting_resubmission: false,
            next_measure_deadline: None,
            sent_back_count: 0,
            reopen_count: 0,
            merged_into_id: None,
            dismiss_reason: None,
            closed_without_evidence: false,
            received_on,
            assigned_at: None,
            submitted_at: None,
            closed_at: None,
            created_by: Some(p.user_id.get()),
            created_at: now,
            updated_at: now,
            version: 1,
        };
        let id = store::problems::insert_problem(&mut tx.conn(), &row).await?;
        for fid in &input.feedback_ids {
            let fb = store::feedback::get_feedback(&mut tx.conn(), FeedbackId::new(*fid))
                .await?
                .ok_or_else(|| {
                    Error::invalid(
                        "feedback_ids",
                        format!("诉求 {fid} 不存在"),
                        format!("feedback {fid} does not exist"),
                    )
                })?;
            let fb_unit = store::units::get_unit(&mut tx.conn(), UnitId::new(fb.unit_id)).await?;
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
            store::feedback::link_feedback(&mut tx.conn(), FeedbackId::new(*fid), Some(id), now)
                .await?;
        }
        let stored = store::problems::get_problem(&mut tx.conn(), id)
            .await?
            .ok_or_else(|| Error::not_found("problem"))?;
        crate::audit::record::<(), _>(
            &mut tx.conn(),
            now,
            actor,
            "problem.create",
            "problem",
            Some(id.get()),
            None,
            Some(&stored),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Everything about one problem that the reader may see.
    pub async fn get_problem(&self, actor: &Actor, id: ProblemId) -> Result<ProblemDetail> {
        let mut pooled = self.db.acquire().await?;
        let mut c = pooled.conn();
        let (Loaded { row, place }, p) = load_visible(&mut c, actor, id).await?;
        let cal = self.calendar().await?;
        let today = self.clock.today();
        let cutoff = domain::supervision::due_soon_cutoff(&cal, today, self.settings.due_soon_days);
        let units = store::units::list_units(&mut c).await?;
        let unit_named = |uid: i64| Named {
            id: uid,
            name: units
                .iter()
                .find(|u| u.id == uid)
                .map(|u| u.name.clone())
                .unwrap_or_default(),
        };
        let category = match row.category_id {
            Some(cid) => store::categories::get_category(&mut c, CategoryId::new(cid))
                .await?
                .map(|r| r.name),
            None => None,
        };
        let flags = flags_of(&row, today, cutoff, &cal);
        let lead_name = row.lead_unit_id.map(|u| unit_named(u).name);
        let summary = summary(&row, lead_name, category, flags);
        let coop = store::problems::list_cooperating_units(&mut c, id).await?;
        let leader = match row.responsible_leader_id {
            Some(uid) => store::users::get_user(&mut c, UserId::new(uid))
                .await?
                .map(|u| Named {
                    id: u.id,
                    name: u.display_name,
                }),
            None => None,
        };
        let measures = store::rectification::list_measures(&mut c, id).await?;
        let notes = store::rectification::list_notes(&mut c, id).await?;
        let mut note_views = Vec::with_capacity(notes.len());
        for n in &notes {
            let author = match n.author_id {
                Some(a) => store::users::get_user(&mut c, UserId::new(a))
                    .await?
                    .map(|u| Named {
                        id: u.id,
                        name: u.display_name,
                    }),
                None => None,
            };
            note_views.push(NoteView::from_row(n, author));
        }
        let evidence = store::rectification::list_evidence(&mut c, id).await?;
        let signoffs = store::rectification::list_signoffs(&mut c, id).await?;
        let extensions = store::rectification::list_extensions(&mut c, id).await?;
        let callbacks = store::rectification::list_callbacks(&mut c, id).await?;
        let mechanisms = store::mechanisms::mechanisms_of_problem(&mut c, id).await?;
        let feedback = store::feedback::list_feedback_of_problem(&mut c, id).await?;
        let merged_into = match row.merged_into_id {
            Some(t) => store::problems::get_problem(&mut c, ProblemId::new(t))
                .await?
                .map(|r| ProblemRef {
                    id: r.id,
                    number: r.number,
                    title: r.title,
                }),
            None => None,
        };
        let merged_from = store::problems::list_merged_into(&mut c, id).await?;
        let history = store::audit::rows_for_entity(&mut c, "problem", id.get()).await?;
        let mut feedback_views = Vec::with_capacity(feedback.len());
        for f in &feedback {
            let unit_path = units
                .iter()
                .find(|u| u.id == f.unit_id)
                .map(|u| u.path.clone())
                .unwrap_or_default();
            let see_reporter = UnitPath::parse(&unit_path)
                .is_ok_and(|up| access::may_see_reporter(&p, &up, Some(&place)));
            feedback_views.push(crate::feedback::view(
                f,
                unit_named(f.unit_id),
                see_reporter,
            ));
        }
        let deadlines: Vec<NaiveDate> = row.deadline.into_iter().collect();
        Ok(ProblemDetail {
            description: row.description.clone(),
            kind: row.kind.clone(),
            owner_unit: unit_named(row.owner_unit_id),
            cooperating_units: coop
                .into_iter()
                .map(|u| Named {
                    id: u.id,
                    name: u.name,
                })
                .collect(),
            responsible_leader: leader,
            responsible_person: row.responsible_person.clone(),
            original_deadline: row.original_deadline,
            extension_count: row.extension_count,
            root_cause: row.root_cause.clone(),
            public_reply: row.public_reply.clone(),
            verification_note: row.verification_note.clone(),
            solved: row.solved,
            satisfaction: row.satisfaction.clone(),
            manual_colour: row.manual_colour.clone(),
            manual_colour_reason: row.manual_colour_reason.clone(),
            sent_back_count: row.sent_back_count,
            reopen_count: row.reopen_count,
            merged_into,
            merged_from: merged_from
                .into_iter()
                .map(|(id, number)| ProblemRef {
                    id,
                    number,
                    title: String::new(),
                })
                .collect(),
            dismiss_reason: row.dismiss_reason.clone(),
            closed_without_evidence: row.closed_without_evidence,
            excluded_from_scoring: row.excluded_from_scoring,
            received_on: row.received_on,
            assigned_at: row.assigned_at,
            submitted_at: row.submitted_at,
            closed_at: row.closed_at,
            measures: measures
                .iter()
                .map(|m| MeasureView::from_row(m, m.owner_unit_id.map(unit_named), today))
                .collect(),
            notes: note_views,
            evidence: evidence.iter().map(EvidenceView::from_row).collect(),
            signoffs: signoffs.iter().map(SignoffView::from_row).collect(),
            extensions: extensions.iter().map(ExtensionView::from_row).collect(),
            callbacks: callbacks.iter().map(CallbackView::from_row).collect(),
            mechanisms: mechanisms
                .into_iter()
                .map(|m| ProblemRef {
                    id: m.id,
                    number: String::new(),
                    title: m.title,
                })
                .collect(),
            feedback: feedback_views,
            timeline: history
                .into_iter()
                .map(|h| TimelineEntry {
                    seq: h.seq,
                    at: h.at,
                    actor: h.actor,
                    action: h.action,
                })
                .collect(),
            allowed_actions: allowed_actions(&p, &row, &place)?
                .into_iter()
                .map(|a| a.as_str().to_string())
                .collect(),
            calendar_warnings: cal.warnings_for(&deadlines),
            summary,
        })
    }

    /// Edits a problem's fields. The office edits what it decides (title, category, units,
    /// deadline…); the units doing the work edit the rectification details (root cause, reply,
    /// responsible person). A stale `version` changes nothing.
    pub async fn update_problem(
        &self,
        actor: &Actor,
        id: ProblemId,
        patch: &ProblemPatch,
    ) -> Result<ProblemDetail> {
        let now = self.clock.now();
        let max = self.settings.text.max_text_chars;
        let mut tx = self.db.begin().await?;
        let (Loaded { row: before, place }, p) = load_visible(&mut tx.conn(), actor, id).await?;
        if !p.token_allows(Intent::Write) {
            return Err(Error::forbidden("该令牌只读", "this token is read-only"));
        }
        if patch.version != before.version {
            return Err(Error::StaleVersion {
                sent: patch.version,
                current: before.version,
            });
        }
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
        let rectification = patch.root_cause.is_some()
            || patch.public_reply.is_some()
            || patch.responsible_person.is_some();
        if listing && !access::may_edit_listing(&p, &place) {
            return Err(Error::forbidden(
                "只有专班办公室可以修改问题的标题、类别、责任单位和时限",
                "only the campaign office may change the title, category, units or deadline",
            ));
        }
        if rectification && !access::may_edit_rectification(&p, &place) {
            return Err(Error::forbidden(
                "您不能修改该问题的整改信息",
                "you may not edit this problem's rectification details",
            ));
        }
        let status = Status::parse(&before.status)?;
        if !status.is_open() && status != Status::Closed {
            return Err(Error::conflict(
                "status",
                format!("问题已{}，不能再修改", status.label_zh()),
                format!("the problem is {status} and can no longer be edited"),
            ));
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
                store::categories::get_category(&mut tx.conn(), CategoryId::new(cid))
                    .await?
                    .ok_or_else(|| crate::categories::unknown_category(CategoryId::new(cid)))?;
            }
            row.category_id = cat;
        }
        if let Some(v) = &patch.channel {
            row.channel = Channel::parse(v)?.as_str().into();
        }
        if let Some(v) = &patch.kind {
            row.kind = FeedbackKind::parse(v)?.as_str().into();
        }
        if let Some(v) = &patch.priority {
            row.priority = Priority::parse(v)?.as_str().into();
        }
        if let Some(v) = &patch.rectification_type {
            row.rectification_type = RectificationType::parse(v)?.as_str().into();
        }
        if let Some(deadline) = patch.deadline {
            if let Some(d) = deadline {
                check_not_past("deadline", d, self.clock.today())?;
            }
            row.deadline = deadline;
        }
        if let Some(leader) = patch.responsible_leader_id {
            if let Some(uid) = leader {
                check_user_exists(&mut tx.conn(), uid, "responsible_leader_id").await?;
            }
            row.responsible_leader_id = leader;
        }
        if let Some(v) = &patch.responsible_person {
            row.responsible_person =
                domain::text::optional_text("responsible_person", v.as_deref(), 100)?;
        }
        if let Some(v) = &patch.root_cause {
            row.root_cause = domain::text::optional_text("root_cause", v.as_deref(), max)?;
        }
        if let Some(v) = &patch.public_reply {
            row.public_reply = domain::text::optional_text("public_reply", v.as_deref(), max)?;
        }
        if let Some(ids) = &patch.cooperating_unit_ids {
            let units = check_cooperating_units(&mut tx.conn(), ids, row.lead_unit_id).await?;
            store::problems::set_cooperating_units(&mut tx.conn(), id, &units).await?;
        }
        row.updated_at = now;
        store::problems::update_problem(&mut tx.conn(), &row).await?;
        let after = store::problems::get_problem(&mut tx.conn(), id)
            .await?
            .ok_or_else(|| Error::not_found("problem"))?;
        crate::audit::record(
            &mut tx.conn(),
            now,
            actor,
            "problem.update",
            "problem",
            Some(id.get()),
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        self.get_problem(actor, id).await
    }

    /// One page of the problems the reader may see.
    pub async fn list_problems(&self, actor: &Actor, q: &ProblemQuery) -> Result<ProblemPage> {
        let p = actor.user_for(Intent::Read)?;
        let visibility = if p.is_admin() {
            None
        } else {
            Some(Visibility {
                path_prefix: p.unit_path.as_str().to_string(),
                user_id: p.user_id.get(),
            })
        };
        self.list_problems_with(visibility, false, q).await
    }

    pub(crate) async fn list_problems_with(
        &self,
        visibility: Option<Visibility>,
        published_only: bool,
        q: &ProblemQuery,
    ) -> Result<ProblemPage> {
        let cal = self.calendar().await?;
        let today = self.clock.today();
        let cutoff = domain::supervision::due_soon_cutoff(&cal, today, self.settings.due_soon_days);
        let (sort, descending) = parse_sort(q.sort.as_deref())?;
        let limit = q.limit.unwrap_or(50);
        if !(1..=200).contains(&limit) {
            return Err(Error::invalid(
                "limit",
                "每页条数须为1–200",
                "limit must be 1–200",
            ));
        }
        let statuses = match &q.status {
            Some(s) => s
                .split(',')
                .filter(|x| !x.trim().is_empty())
                .map(|x| Status::parse(x).map(|s| s.as_str().to_string()))
                .collect::<Result<Vec<_>>>()?,
            None => vec![],
        };
        if let (Some(from), Some(to)) = (q.deadline_from, q.deadline_to)
            && from > to
        {
            return Err(Error::invalid(
                "deadline_from",
                format!("起始日期 {from} 晚于截止日期 {to}"),
                format!("deadline_from {from} is after deadline_to {to}"),
            ));
        }
        let mut pooled = self.db.acquire().await?;
        let mut c = pooled.conn();
        let lead_unit_path = match q.unit_id {
            Some(uid) => Some(
                store::units::get_unit(&mut c, UnitId::new(uid))
                    .await?
                    .ok_or_else(|| crate::units::unknown_unit_id(UnitId::new(uid)))?
                    .path,
            ),
            None => None,
        };
        let category_ids = match q.category_id {
            Some(cid) => {
                let all = store::categories::list_categories(&mut c).await?;
                if !all.iter().any(|x| x.id == cid) {
                    return Err(crate::categories::unknown_category(CategoryId::new(cid)));
                }
                descendants(cid, &all)
            }
            None => vec![],
        };
        let filter = ProblemFilter {
            visibility,
            published_only,
            statuses,
            lead_unit_path,
            category_ids,
            channel: q
                .channel
                .as_deref()
                .map(Channel::parse)
                .transpose()?
                .map(|c| c.as_str().to_string()),
            rectification_type: q
                .rectification_type
                .as_deref()
                .map(RectificationType::parse)
                .transpose()?
                .map(|t| t.as_str().to_string()),
            campaign_id: q.campaign_id,
            overdue: q.overdue,
            colour: q
                .colour
                .as_deref()
                .map(Colour::parse)
                .transpose()?
                .map(|c| c.as_str().to_string()),
            deadline_from: q.deadline_from,
            deadline_to: q.deadline_to,
            today,
            due_soon_cutoff: cutoff,
            sort,
            descending,
            after: q
                .cursor
                .as_deref()
                .map(|cur| decode_cursor(cur, sort))
                .transpose()?,
            limit,
        };
        let (rows, more) = store::problem_list::list_problems(&mut c, &filter).await?;
        let next_cursor = if more {
            rows.last()
                .map(|r| encode_cursor(&store::problem_list::cursor_of(&r.problem, sort), sort))
        } else {
            None
        };
        let items = rows
            .into_iter()
            .map(|r| {
                let flags = flags_of(&r.problem, today, cutoff, &cal);
                summary(&r.problem, r.lead_unit_name, r.category_name, flags)
            })
            .collect();
        Ok(ProblemPage { items, next_cursor })
    }
}

fn descendants(root: i64, all: &[store::categories::CategoryRow]) -> Vec<i64> {
    let mut out = vec![root];
    let mut i = 0;
    while i < out.len() {
        let parent = out[i];
        out.extend(
            all.iter()
                .filter(|c| c.parent_id == Some(parent))
                .map(|c| c.id),
        );
        i += 1;
    }
    out
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

pub(crate) async fn check_user_exists(c: &mut Conn<'_>, id: i64, field: &str) -> Result<()> {
    match store::users::get_user(c, UserId::new(id)).await? {
        Some(_) => Ok(()),
        None => Err(Error::invalid(
            field,
            format!("用户 {id} 不存在"),
            format!("user {id} does not exist"),
        )),
    }
}

pub(crate) async fn check_cooperating_units(
    c: &mut Conn<'_>,
    ids: &[i64],
    lead: Option<i64>,
) -> Result<Vec<UnitId>> {
    let mut out = Vec::new();
    for id in ids {
        if Some(*id) == lead {
            return Err(Error::invalid(
                "cooperating_unit_ids",
                "牵头单位不能同时是配合单位",
                "the lead unit cannot also be a cooperating unit",
            ));
        }
        store::units::get_unit(c, UnitId::new(*id))
            .await?
            .ok_or_else(|| crate::units::unknown_unit_id(UnitId::new(*id)))?;
        if !out.contains(&UnitId::new(*id)) {
            out.push(UnitId::new(*id));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_refuse_another_sort() {
        let after = After {
            value: CursorValue::Date(NaiveDate::from_ymd_opt(2026, 10, 9).unwrap()),
            id: 42,
        };
        let enc = encode_cursor(&after, SortKey::Deadline);
        let dec = decode_cursor(&enc, SortKey::Deadline).unwrap();
        assert_eq!(dec.id, 42);
        assert_eq!(dec.value, after.value);
        assert!(decode_cursor(&enc, SortKey::Created).is_err());
        assert!(decode_cursor("!!!", SortKey::Created).is_err());
    }

    #[test]
    fn sort_names_parse_with_an_optional_minus() {
        assert_eq!(
            parse_sort(Some("-deadline")).unwrap(),
            (SortKey::Deadline, true)
        );
        assert_eq!(parse_sort(None).unwrap(), (SortKey::Created, true));
        assert!(parse_sort(Some("colour")).is_err());
    }
}
