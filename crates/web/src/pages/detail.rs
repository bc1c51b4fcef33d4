//! One problem's page: every field, the measures, evidence files, the timeline from the audit log,
//! and a form for each action the reader may take now (and only those), with the reasons the
//! workflow needs. Evidence files are served only to those who may see the problem.

use super::i18n::Tr;
use super::kit::{Layout, PageCtx, domain_error, render};
use super::list::{LeaderOpt, Opt, leader_opts, vocab_opts};
use crate::AppState;
use app::views::ProblemDetail;
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::get;
use chrono::NaiveDate;
use domain::ProblemId;
use domain::problem::{MeasureStatus, RectificationType, Satisfaction};
use domain::supervision::Colour;
use domain::workflow::Action;

pub(super) fn router() -> Router<AppState> {
    Router::new().route("/problems/{id}", get(show))
}

/// A measure as its table row shows it.
struct MeasureLine {
    id: i64,
    description: String,
    owner: String,
    deadline: String,
    status_label: String,
    late: bool,
    version: i64,
    status: String,
}

/// A callback or public rating as the page lists it.
struct CallbackLine {
    id: i64,
    at: String,
    via: String,
    solved: String,
    satisfaction: String,
    comment: String,
    /// The office's check, for a dissatisfied rating that could not reopen the problem by itself.
    review: String,
    review_note: String,
    /// Waiting for a decision the reader may take.
    decide: bool,
}

/// An action the page refused, said on its own form, which is open again and keeps what was
/// typed (the reader fixes one field instead of starting over).
#[derive(Default)]
struct Refused {
    action: String,
    message: String,
    /// What the form held, by field name (a multiple choice as its values joined by spaces).
    kept: std::collections::HashMap<&'static str, String>,
}

impl Refused {
    fn is(&self, action: &str) -> bool {
        !self.action.is_empty() && self.action == action
    }

    /// What was typed in `field` of the refused `action`'s form; empty for any other form.
    fn kept(&self, action: &str, field: &str) -> &str {
        if self.is(action) { self.kept.get(field).map(String::as_str).unwrap_or_default() } else { "" }
    }

    /// Whether `value` was among those chosen in the multiple-choice `field`.
    fn holds(&self, action: &str, field: &str, value: &str) -> bool {
        self.kept(action, field).split(' ').any(|v| v == value)
    }
}

/// A piece of evidence as the page lists it.
struct EvidenceLine {
    id: i64,
    name: String,
    size: String,
    note: String,
    image: bool,
    /// Opens in place (a picture or a PDF).
    preview: bool,
    /// Shown on the public page once published.
    public: bool,
    /// 整改前 or 整改后.
    phase: String,
}

/// One report on the problem, with the reply addressed to its sender.
struct ReportLine {
    id: domain::FeedbackId,
    at: String,
    channel: String,
    body: String,
    reporter: String,
    files: Vec<app::views::FeedbackFileView>,
    reply: String,
    replied_at: String,
    /// The key of its reply form, for a refusal said there.
    form: String,
}

/// The key under which a refused reply to one report is said on its own form.
pub(super) fn reply_form_key(id: domain::FeedbackId) -> String {
    format!("reply-{id}")
}

/// One application for sign-off with each opinion on it, kept apart: the unit's report, the
/// responsible leader's opinion (领导审核意见) and the verifier's (验收意见).
struct SignoffLine {
    at: String,
    status: String,
    report: String,
    no_evidence_reason: String,
    leader: String,
    verifier: String,
}

/// An action form on the page.
struct ActionForm {
    action: String,
    label: String,
}

#[derive(Template)]
#[template(path = "detail.html")]
struct DetailPage {
    layout: Layout,
    /// What the action just taken did, shown once after it.
    done: String,
    /// The action just refused, with why and what was typed.
    refused: Refused,
    /// The refused action has no form here (it is not one the reader can take now): its reason
    /// shows at the top.
    refused_elsewhere: bool,
    p: ProblemDetail,
    status: String,
    stage: String,
    kind: String,
    type_label: String,
    priority: String,
    channel: String,
    received: String,
    deadline: String,
    original_deadline: String,
    countdown: String,
    colour: String,
    colour_label: String,
    satisfaction: String,
    solved: String,
    /// Why and when the problem was reopened, while it is rectified again.
    reopened_cause: String,
    reopened_at: String,
    clocks: Vec<(String, String, String, bool)>,
    measures: Vec<MeasureLine>,
    evidence: Vec<EvidenceLine>,
    /// The reader publishes this problem, and so chooses the photos the public sees.
    chooses_public: bool,
    timeline: Vec<(String, String, String)>,
    feedback: Vec<ReportLine>,
    signoffs: Vec<SignoffLine>,
    callbacks: Vec<CallbackLine>,
    actions: Vec<ActionForm>,
    units: Vec<Opt>,
    leaders: Vec<LeaderOpt>,
    types: Vec<Opt>,
    colours: Vec<Opt>,
    satisfactions: Vec<Opt>,
    measure_statuses: Vec<Opt>,
    /// Edit the rectification details (root cause, reply, responsible person).
    can_edit: bool,
    /// The root causes to choose from (id, name, found for this problem).
    causes: Vec<(String, String, bool)>,
    /// The office decides whether the problem is scored (不纳入考核).
    can_score: bool,
    /// Add measures, notes and evidence.
    can_add: bool,
}

fn size(bytes: i64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / 1_048_576.0)
    } else {
        format!("{:.0} KB", (bytes as f64 / 1024.0).ceil())
    }
}

/// What the reader just did here, said once on the page it leads to (`?done=`).
#[derive(Debug, Clone, Copy)]
enum Done {
    /// 立为问题 (from the intake card).
    Created,
    Took(Action),
    /// A record added or a detail saved here: the catalogue key that says so.
    Recorded(&'static str),
}

impl Done {
    fn parse(s: &str) -> Option<Self> {
        match s {
            "create" => Some(Done::Created),
            "measure" => Some(Done::Recorded("done-measure")),
            "measure_status" => Some(Done::Recorded("done-measure-status")),
            "note" => Some(Done::Recorded("done-note")),
            "evidence" => Some(Done::Recorded("done-evidence")),
            "edit" => Some(Done::Recorded("done-edit")),
            "reply" => Some(Done::Recorded("done-reply")),
            "scoring" => Some(Done::Recorded("done-scoring")),
            "shown" => Some(Done::Recorded("done-photo-shown")),
            "hidden" => Some(Done::Recorded("done-photo-hidden")),
            "joined" => Some(Done::Recorded("done-joined")),
            _ => Action::ALL.iter().copied().find(|x| x.as_str() == s).map(Done::Took),
        }
    }
}

/// The confirmation after an action, from the problem as it now is (`操作成功：已分办至 市住建局`).
fn confirmation(tr: Tr, done: Option<Done>, p: &ProblemDetail) -> String {
    let Some(done) = done else {
        return String::new();
    };
    let what = match (done, &p.summary.lead_unit) {
        (Done::Created, _) => tr.t("done-create"),
        (Done::Recorded(key), _) => tr.t(key),
        (Done::Took(Action::Assign), Some(unit)) => format!("{} {}", tr.t("done-assign-to"), unit.name),
        // What was done, in the past (已公示, 已签收), where the catalogue says it so.
        (Done::Took(action), _) => tr.label("done", action.as_str()),
    };
    format!("{}：{what}", tr.t("done-title"))
}

async fn page(
    s: &AppState,
    ctx: &PageCtx,
    id: i64,
    done: Option<Done>,
    refused: Refused,
) -> Result<Response, domain::Error> {
    let tr: Tr = ctx.tr;
    let actor = &ctx.actor;
    let p = s.app.get_problem(actor, ProblemId::new(id)).await?;
    let done = confirmation(tr, done, &p);
    let units = s.app.list_units(actor).await?;
    let users = s.app.list_users(actor).await.unwrap_or_default();
    let causes = s.app.list_root_causes(actor).await?;
    let d = |x: &Option<NaiveDate>| x.map(|d| tr.date(&d)).unwrap_or_default();
    let clock = |key: &str, c: &app::views::Clock| {
        (
            tr.t(key),
            c.due.map(|d| format!("{} {}", tr.t("clock-due"), tr.date(&d))).unwrap_or_default(),
            c.done_at.map(|t| format!("{} {}", tr.t("clock-done"), tr.time(&t))).unwrap_or_default(),
            c.late,
        )
    };
    let detail = DetailPage {
        layout: ctx.layout(format!("{} {}", p.summary.number, p.summary.title), "problems"),
        refused_elsewhere: !refused.action.is_empty() && !p.may.actions.iter().any(|a| a.as_str() == refused.action),
        refused,
        status: tr.label("status", p.summary.status.as_str()),
        stage: p.summary.signoff_stage.map(|s| tr.label("stage", s.as_str())).unwrap_or_default(),
        kind: tr.label("kind", p.kind.as_str()),
        type_label: tr.label("type", p.summary.rectification_type.as_str()),
        priority: tr.label("priority", p.summary.priority.as_str()),
        channel: tr.label("channel", p.summary.channel.as_str()),
        received: tr.date(&p.received_on),
        deadline: d(&p.summary.deadline),
        original_deadline: d(&p.original_deadline),
        countdown: p.summary.flags.working_days_left.map(|n| tr.countdown(n)).unwrap_or_default(),
        colour: p.summary.flags.colour.map(|c| c.as_str().to_string()).unwrap_or_default(),
        colour_label: p.summary.flags.colour.map(|c| tr.label("colour", c.as_str())).unwrap_or_default(),
        satisfaction: p.satisfaction.map(|s| tr.label("satisfaction", s.as_str())).unwrap_or_default(),
        solved: p.solved.map(|b| tr.t(if b { "yes" } else { "no" })).unwrap_or_default(),
        reopened_cause: p
            .summary
            .reopened
            .as_ref()
            .map(|r| tr.label("reopen-cause", r.cause.as_str()))
            .unwrap_or_default(),
        reopened_at: p.summary.reopened.as_ref().map(|r| tr.time(&r.at)).unwrap_or_default(),
        clocks: vec![
            clock("clock-sign-for", &p.clocks.sign_for),
            clock("clock-first-response", &p.clocks.first_response),
            clock("clock-completion", &p.clocks.completion),
            clock("clock-callback", &p.clocks.callback),
        ],
        measures: p
            .measures
            .iter()
            .map(|m| MeasureLine {
                id: m.id.get(),
                description: m.description.clone(),
                owner: m
                    .owner_unit
                    .as_ref()
                    .map(|u| u.name.clone())
                    .or_else(|| m.owner_name.clone())
                    .unwrap_or_default(),
                deadline: d(&m.deadline),
                status_label: tr.label("measure", m.status.as_str()),
                late: m.overdue,
                version: m.version,
                status: m.status.as_str().to_string(),
            })
            .collect(),
        chooses_public: p.may.actions.iter().any(|a| matches!(a, Action::Publish | Action::Unpublish)),
        evidence: p
            .evidence
            .iter()
            .map(|e| EvidenceLine {
                id: e.id.get(),
                name: e.file_name.clone(),
                size: size(e.size_bytes),
                note: e.note.clone().unwrap_or_default(),
                image: e.content_type.starts_with("image/"),
                preview: app::pages_support::previews(&e.content_type),
                public: e.public,
                phase: tr.label("phase", e.phase.as_str()),
            })
            .collect(),
        timeline: timeline(&tr, &p),
        feedback: p
            .feedback
            .iter()
            .map(|f| {
                let reporter = match (&f.reporter_name, &f.reporter_contact) {
                    (Some(n), Some(c)) => format!("{n} {c}"),
                    (Some(n), None) => n.clone(),
                    (None, Some(c)) => c.clone(),
                    (None, None) => String::new(),
                };
                ReportLine {
                    id: f.id,
                    at: tr.time(&f.received_at),
                    channel: f.channel_label.clone(),
                    body: f.body.clone(),
                    reporter,
                    files: f.files.clone(),
                    reply: f.reply.as_ref().map(|r| r.body.clone()).unwrap_or_default(),
                    replied_at: f.reply.as_ref().map(|r| tr.time(&r.at)).unwrap_or_default(),
                    form: reply_form_key(f.id),
                }
            })
            .collect(),
        signoffs: p
            .signoffs
            .iter()
            .map(|s| {
                let said = |note: &Option<String>, at: &Option<chrono::DateTime<chrono::Utc>>| match (note, at) {
                    (Some(note), Some(at)) => format!("{note}（{}）", tr.time(at)),
                    (Some(note), None) => note.clone(),
                    (None, Some(at)) => format!("{}（{}）", tr.t("signoff-no-opinion"), tr.time(at)),
                    (None, None) => String::new(),
                };
                SignoffLine {
                    at: tr.time(&s.submitted_at),
                    status: tr.label("signoff", s.status.as_str()),
                    report: s.report.clone(),
                    no_evidence_reason: s.no_evidence_reason.clone().unwrap_or_default(),
                    leader: said(&s.leader_note, &s.leader_at),
                    verifier: said(&s.verifier_note, &s.verifier_at),
                }
            })
            .collect(),
        callbacks: p
            .callbacks
            .iter()
            .map(|cb| CallbackLine {
                id: cb.id.get(),
                at: tr.time(&cb.at),
                via: tr.t(if cb.via == "public" { "callback-via-public" } else { "callback-via-staff" }),
                solved: tr.t(if cb.solved { "yes" } else { "no" }),
                satisfaction: tr.label("satisfaction", cb.satisfaction.as_str()),
                comment: cb.comment.clone().unwrap_or_default(),
                review: cb.review.map(|r| tr.label("review", r.as_str())).unwrap_or_default(),
                review_note: cb.review_note.clone().unwrap_or_default(),
                // Deciding reopens the problem: offered to those the workflow lets reopen it now.
                decide: cb.review == Some(domain::problem::CallbackReview::Pending)
                    && p.may.actions.contains(&Action::Reopen),
            })
            .collect(),
        actions: p
            .may
            .actions
            .iter()
            .map(|a| {
                // Publishing before sign-off is a choice made knowingly: the button says so.
                let label = if *a == Action::Publish && p.summary.status.is_open() {
                    tr.t("action-publish-open")
                } else if *a == Action::Submit && p.summary.status == domain::workflow::Status::Submitted {
                    // A second application replaces the pending one: the button says so.
                    tr.t("action-resubmit")
                } else {
                    tr.label("action", a.as_str())
                };
                ActionForm { action: a.to_string(), label }
            })
            .collect(),
        units: super::list::unit_tree_opts(&units, None),
        leaders: leader_opts(&users, &units),
        types: vocab_opts(
            &tr,
            "type",
            RectificationType::ALL.iter().map(|v| v.as_str()),
            Some(p.summary.rectification_type.as_str()),
        ),
        colours: vocab_opts(&tr, "colour", Colour::ALL.iter().map(|v| v.as_str()), None),
        satisfactions: vocab_opts(&tr, "satisfaction", Satisfaction::ALL.iter().map(|v| v.as_str()), None),
        measure_statuses: vocab_opts(&tr, "measure", MeasureStatus::ALL.iter().map(|v| v.as_str()), None),
        causes: causes
            .into_iter()
            .filter(|c| c.active || p.root_causes.iter().any(|x| x.id == c.id))
            .map(|c| (c.id.to_string(), c.name, p.root_causes.iter().any(|x| x.id == c.id)))
            .collect(),
        can_edit: p.may.edit_rectification,
        can_score: p.may.edit_listing,
        can_add: p.may.add_records,
        done,
        p,
    };
    Ok(render(&detail))
}

/// `?done=assign`: the action the reader just took here (see `actions::act`).
#[derive(serde::Deserialize)]
struct Shown {
    done: Option<String>,
}

async fn show(State(s): State<AppState>, ctx: PageCtx, Path(id): Path<i64>, Query(shown): Query<Shown>) -> Response {
    if let Err(redirect) = ctx.require_user() {
        return redirect;
    }
    let done = shown.done.as_deref().and_then(Done::parse);
    let (actor, path, lang, csrf) = (ctx.actor.clone(), ctx.path_and_query.clone(), ctx.tr.lang, ctx.csrf.clone());
    crate::cached::html(&s, &actor, &path, lang, &csrf, async || {
        page(&s, &ctx, id, done, Refused::default()).await.map_err(|e| domain_error(ctx.tr, &e))
    })
    .await
}

/// The problem's page with an action refused on its form, keeping `kept` (field name, value):
/// for a step taken elsewhere that ended in an action here (the intake card's 立为问题 that also
/// assigns).
pub(super) async fn page_with_refusal(
    s: &AppState,
    ctx: &PageCtx,
    id: ProblemId,
    form: &str,
    e: &domain::Error,
    kept: Vec<(&'static str, String)>,
) -> Response {
    // Errors a reader cannot fix on the form: the error page.
    if matches!(e, domain::Error::Unauthenticated { .. } | domain::Error::NotFound { .. } | domain::Error::Internal(_))
    {
        return domain_error(ctx.tr, e);
    }
    // A measure's text is its 措施内容, not the problem's 描述.
    let message = match (form, e) {
        ("measure", domain::Error::Invalid { field, .. }) if field == "description" => {
            let text = super::kit::page_message(ctx.tr, e);
            text.replacen(&ctx.tr.t("field-description"), &ctx.tr.t("measure-description"), 1)
        }
        _ => super::kit::page_message(ctx.tr, e),
    };
    let refused = Refused { action: form.to_string(), message, kept: kept.into_iter().collect() };
    match page(s, ctx, id.get(), None, refused).await {
        Ok(res) => super::kit::refused_with(res, Some(e)),
        Err(e) => domain_error(ctx.tr, &e),
    }
}

/// The problem's timeline as sentences: what was done (the audit log) and the reminders sent,
/// in time order.
fn timeline(tr: &super::i18n::Tr, p: &app::views::ProblemDetail) -> Vec<(String, String, String)> {
    let mut entries: Vec<(chrono::DateTime<chrono::Utc>, String, String)> = Vec::new();
    entries.extend(p.timeline.iter().map(|t| {
        // A sentence in the reader's language: who (their unit and name), what, and to whom.
        // Workflow actions by their own names; records added to the problem by theirs.
        let key = match t.action.strip_prefix("problem.") {
            Some(action) => format!("action-{}", action.replace('_', "-")),
            None => format!("audit-{}", t.action.replace(['.', '_'], "-")),
        };
        let label = tr.t(&key);
        let label = if label == key { tr.t("action-other") } else { label };
        let mut what = match &t.to_unit {
            Some(unit) => format!("{label}{} {}", tr.t("timeline-to"), unit.name),
            None => label,
        };
        if let Some(rating) = t.rating {
            what = format!("{what}（{}）", tr.label("satisfaction", rating.as_str()));
        }
        if let Some(said) = &t.said {
            what = format!("{what}：{said}");
        }
        let who = match (t.actor.as_str(), &t.actor_name, &t.actor_unit) {
            ("public", ..) => tr.t("actor-public"),
            (a, ..) if a.starts_with("system:") => tr.t("actor-system"),
            // A name that already says its unit (“市住建局联络员”) is not prefixed twice.
            (_, Some(name), Some(unit)) if !name.contains(unit.as_str()) => format!("{unit} {name}"),
            (_, Some(name), _) => name.clone(),
            _ => tr.t("actor-former"),
        };
        (t.at, who, what)
    }));
    // The reminders sent about it (催办, 督办), among what was done, in time order.
    entries.extend(p.notices.iter().map(|n| {
        let to = n.recipient.as_ref().map(|r| r.name.clone()).unwrap_or_else(|| tr.t("notices-nobody"));
        let mut what = format!(
            "{} → {to}（{}）",
            tr.label("notice-kind", n.kind.as_str()),
            tr.label("notice-channel", n.channel.as_str())
        );
        if n.status != domain::notice::NoticeStatus::Sent {
            what = format!("{what} · {}", tr.label("notice-status", n.status.as_str()));
        }
        (n.sent_at.unwrap_or(n.created_at), tr.t("actor-system"), what)
    }));
    entries.sort_by_key(|(at, ..)| *at);
    entries.into_iter().map(|(at, who, what)| (tr.time(&at), who, what)).collect()
}
