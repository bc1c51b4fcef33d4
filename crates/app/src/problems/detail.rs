//! One problem with everything its reader may see: measures, notes, evidence, sign-offs,
//! extensions, callbacks, mechanisms, feedback (with reporters' contacts only for the handling
//! units), the timeline from the audit log and the actions the reader may take now.

use super::abilities::abilities;
use super::summary::{flags_of, summary};
use super::{Loaded, load_visible};
use crate::views::{
    CallbackView, Clock, Clocks, EvidenceView, ExtensionView, MeasureView, Named, NoteView, ProblemDetail, SignoffView,
    TimelineEntry,
};
use crate::{Actor, App};
use chrono::NaiveDate;
use domain::access;
use domain::unit::UnitPath;
use domain::{ProblemId, Result};
use store::problem_list::ProblemListRow;

impl App {
    /// Everything about one problem that the reader may see.
    pub async fn get_problem(&self, actor: &Actor, id: ProblemId) -> Result<ProblemDetail> {
        let mut pooled = self.db.acquire().await?;
        let mut c = pooled.conn();
        let (Loaded { row, place, category_name: category, cooperating: coop, extension_pending, .. }, p) =
            load_visible(&mut c, actor, id).await?;
        let cal = self.calendar().await?;
        let today = self.clock.today();
        let cutoff = domain::supervision::due_soon_cutoff(&cal, today, self.settings.due_soon_days);
        let units = store::units::list_units(&mut c).await?;
        let unit_named = |uid: domain::UnitId| Named {
            id: uid,
            name: units.iter().find(|u| u.id == uid).map(|u| u.name.clone()).unwrap_or_default(),
        };
        let lead_name = row.lead_unit_id.map(|u| unit_named(u).name);
        let listed = ProblemListRow::from_problem(&row);
        let flags = flags_of(&listed, today, cutoff, &cal);
        let summary = summary(listed, flags, lead_name, category);
        let leader = match row.responsible_leader_id {
            Some(uid) => store::users::get_user(&mut c, uid).await?.map(|u| Named { id: u.id, name: u.display_name }),
            None => None,
        };
        let measures = store::rectification::list_measures(&mut c, id).await?;
        let notes = store::rectification::list_notes(&mut c, id).await?;
        let mut note_views = Vec::with_capacity(notes.len());
        for n in &notes {
            let author = match n.author_id {
                Some(a) => store::users::get_user(&mut c, a).await?.map(|u| Named { id: u.id, name: u.display_name }),
                None => None,
            };
            note_views.push(NoteView::from_row(n, author));
        }
        let evidence = store::rectification::list_evidence(&mut c, id).await?;
        let signoffs = store::rectification::list_signoffs(&mut c, id).await?;
        let extensions = store::rectification::list_extensions(&mut c, id).await?;
        let callbacks = store::callbacks::list_callbacks(&mut c, id).await?;
        let mechanisms = store::mechanisms::mechanisms_of_problem(&mut c, id).await?;
        let root_causes = self.problem_root_causes(&mut c, id).await?;
        let feedback = store::feedback::list_feedback_of_problem(&mut c, id).await?;
        // Problems this one was merged into or from are named only if the reader may see them.
        let merged_into = match row.merged_into_id {
            Some(t) => Self::visible_problem(&mut c, &p, t).await?.map(|(r, _)| r),
            None => None,
        };
        let mut merged_from = Vec::new();
        for (from, _) in store::problems::list_merged_into(&mut c, id).await? {
            merged_from.extend(Self::visible_problem(&mut c, &p, ProblemId::new(from)).await?.map(|(r, _)| r));
        }
        // A mechanism is seen where its unit is (as in the list of mechanisms).
        let mechanisms: Vec<_> = mechanisms
            .into_iter()
            .filter(|m| {
                units
                    .iter()
                    .find(|u| u.id == m.unit_id)
                    .and_then(|u| UnitPath::parse(&u.path).ok())
                    .is_some_and(|path| p.covers(&path))
            })
            .collect();
        let recurrences = self.recurrences_of(&mut c, &p, id).await?;
        let reply_flags = match &row.public_reply {
            Some(reply) => {
                let corpus = self.reply_corpus(&mut c).await?;
                let mut flags: Vec<_> =
                    text::replies::check(&corpus, &format!("{} {}", row.title, row.description), reply)
                        .into_iter()
                        .map(|f| crate::views::ReplyFlag {
                            code: f.as_str().into(),
                            reason: f.reason_zh().into(),
                            reason_en: f.reason_en().into(),
                        })
                        .collect();
                if names_a_reporter(reply, &feedback) {
                    flags.push(crate::views::ReplyFlag {
                        code: "names_reporter".into(),
                        reason: "公开答复中含有来信人的姓名：公开答复其他来信人和公众都会看到，答复一位来信人请在其诉求下“答复来信人”"
                            .into(),
                        reason_en: "The public reply names a reporter: other reporters and the public read it; reply to one \
                                    reporter under their report instead"
                            .into(),
                    });
                }
                flags
            }
            None => vec![],
        };
        let history = store::audit::rows_for_entity(&mut c, "problem", id.get()).await?;
        let problem_ref = crate::views::ProblemRef { id: row.id, number: row.number.clone(), title: row.title.clone() };
        let notices = self.problem_notices(&mut c, problem_ref).await?;
        // Who acted, by name: the timeline never shows a login.
        let people = store::users::list_users(&mut c, "/").await?;
        let mut feedback_views = Vec::with_capacity(feedback.len());
        for f in &feedback {
            let unit_path = units.iter().find(|u| u.id == f.unit_id.get()).map(|u| u.path.clone()).unwrap_or_default();
            let see_reporter =
                UnitPath::parse(&unit_path).is_ok_and(|up| access::may_see_reporter(&p, &up, Some(&place)));
            let seen = crate::feedback::FeedbackAccess { unit: unit_named(f.unit_id), see_reporter, see_problem: true };
            feedback_views.push(crate::feedback::view(f, seen));
        }
        crate::feedback::with_files_and_replies(&mut c, &mut feedback_views).await?;
        let deadlines: Vec<NaiveDate> = row.deadline.into_iter().collect();
        let limits = self.limits_for(&mut c, row.category_id, row.kind).await?;
        let due = domain::limits::due_dates(&cal, row.received_on, &limits);
        let first_response = measures
            .iter()
            .map(|m| m.created_at)
            .chain(notes.iter().map(|n| n.created_at))
            .chain(row.submitted_at)
            .min();
        let clocks = Clocks {
            // The unit's clock starts when it is assigned the problem and stops when it signs.
            // Not yet assigned, no unit has it to sign for: the clock has not started.
            sign_for: Clock::new(
                row.assigned_at.map(|at| cal.add_working_days(domain::clock::china_date(at), limits.sign_days)),
                row.signed_at.filter(|_| domain::problem::signed_for(row.signed_at, row.assigned_at)),
                today,
            ),
            first_response: Clock::new(Some(due.respond_by), first_response, today),
            completion: Clock::new(Some(due.complete_by), row.closed_at, today),
            callback: Clock::new(
                row.closed_at
                    .map(|closed| domain::limits::callback_due(&cal, domain::clock::china_date(closed), &limits)),
                callbacks.first().map(|cb| cb.at),
                today,
            ),
        };
        let may = abilities(&p, &row, &place, extension_pending)?;
        Ok(ProblemDetail {
            description: row.description.clone(),
            kind: row.kind,
            owner_unit: unit_named(row.owner_unit_id),
            cooperating_units: coop.into_iter().map(|u| Named { id: u.id, name: u.name }).collect(),
            responsible_leader: leader,
            responsible_person: row.responsible_person.clone(),
            original_deadline: row.original_deadline,
            extension_count: row.extension_count,
            root_cause: row.root_cause.clone(),
            public_reply: row.public_reply.clone(),
            reply_superseded: row.reply_superseded,
            verification_note: row.verification_note.clone(),
            solved: row.solved,
            satisfaction: row.satisfaction,
            manual_colour: row.manual_colour,
            manual_colour_reason: row.manual_colour_reason.clone(),
            sent_back_count: row.sent_back_count,
            reopen_count: row.reopen_count,
            merged_into,
            merged_from,
            dismiss_reason: row.dismiss_reason.clone(),
            closed_without_evidence: row.closed_without_evidence,
            excluded_from_scoring: row.excluded_from_scoring,
            exclusion_reason: row.exclusion_reason.clone(),
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
            callbacks: callbacks.iter().map(CallbackView::from_row).collect::<Result<_>>()?,
            root_causes,
            mechanisms: mechanisms
                .into_iter()
                .map(|m| crate::views::MechanismRef { id: m.id, title: m.title })
                .collect(),
            feedback: feedback_views,
            recurrences,
            reply_flags,
            timeline: history
                .into_iter()
                .map(|h| {
                    let after: serde_json::Value =
                        h.after_json.as_deref().and_then(|j| serde_json::from_str(j).ok()).unwrap_or_default();
                    let to_unit = (h.action == "problem.assign")
                        .then(|| after["problem"]["lead_unit_id"].as_i64().map(domain::UnitId::new))
                        .flatten();
                    let extra = &after["extra"];
                    let callback =
                        extra["callback_id"].as_i64().and_then(|id| callbacks.iter().find(|cb| cb.id.get() == id));
                    let said = match callback {
                        Some(cb) => cb.comment.clone(),
                        None => extra["reason"].as_str().or(extra["note"].as_str()).map(str::to_owned),
                    };
                    let person = h.actor_id.and_then(|uid| people.iter().find(|u| u.id == uid));
                    TimelineEntry {
                        seq: h.seq,
                        at: h.at,
                        actor: h.actor,
                        actor_name: person.map(|u| u.display_name.clone()),
                        actor_unit: person.map(|u| unit_named(u.unit_id).name),
                        action: h.action,
                        to_unit: to_unit.map(unit_named),
                        rating: callback.map(|cb| cb.satisfaction),
                        said,
                    }
                })
                .collect(),
            notices,
            allowed_actions: may.actions.clone(),
            may,
            calendar_warnings: cal.warnings_for(&deadlines),
            clocks,
            summary,
        })
    }
}

/// Whether a reply names one of the problem's reporters (a name of two characters or more).
fn names_a_reporter(reply: &str, reports: &[store::feedback::FeedbackRow]) -> bool {
    reports
        .iter()
        .filter_map(|f| f.reporter_name.as_deref().map(str::trim))
        .any(|name| name.chars().count() >= 2 && reply.contains(name))
}

impl App {
    /// The recent replies boilerplate is judged against, built once per data generation rather
    /// than on every view of a problem page.
    async fn reply_corpus(&self, c: &mut store::Conn<'_>) -> Result<std::sync::Arc<text::replies::Corpus>> {
        let generation = self.generation().await?;
        if let Some(corpus) = self.reply_corpus.get(&(), generation) {
            return Ok(corpus);
        }
        let corpus = std::sync::Arc::new(text::replies::Corpus::new(&store::problems::recent_replies(c, 2_000).await?));
        self.reply_corpus.put((), generation, corpus.clone());
        Ok(corpus)
    }
}
