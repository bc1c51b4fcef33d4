//! One study session: what was studied, who held it and how many were present, its materials
//! (downloaded by any signed-in reader, under a sandbox), the problems found in it, and for those
//! who record the unit's study, the edit form and the material upload.

use super::SessionFields;
use crate::AppState;
use crate::pages::goals::Kept;
use crate::pages::kit::{CsrfForm, Layout, PageCtx, domain_error, done_message, page_message, render, see_other};
use crate::pages::list::{Opt, opts, unit_tree_opts};
use app::study::SessionView;
use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::response::Response;
use domain::StudySessionId;

#[derive(serde::Deserialize, Default)]
pub(super) struct Params {
    done: Option<String>,
}

#[derive(Template)]
#[template(path = "study_session.html")]
struct SessionPage {
    layout: Layout,
    s: SessionView,
    units: Vec<Opt>,
    formats: Vec<Opt>,
    /// The problem numbers, as the edit form shows them.
    numbers: String,
    done: String,
    refusal: String,
    /// The form refused (`edit` or `material`).
    refused: String,
    kept: Kept,
    today: String,
}

impl SessionPage {
    fn kilobytes(&self, bytes: &i64) -> i64 {
        crate::pages::files::kilobytes(*bytes)
    }
}

pub(super) async fn page(
    State(s): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
    Query(q): Query<Params>,
) -> Response {
    page_with(&s, &ctx, StudySessionId::new(id), q.done.as_deref(), None).await
}

async fn page_with(
    s: &AppState,
    ctx: &PageCtx,
    id: StudySessionId,
    done: Option<&str>,
    refused: Option<(&str, &domain::Error, Kept)>,
) -> Response {
    if let Err(redirect) = ctx.require_user() {
        return redirect;
    }
    let tr = ctx.tr;
    let built = async {
        let session = s.app.get_study_session(&ctx.actor, id).await?;
        let (form, refusal, kept) = match refused {
            Some((form, e, kept)) => (form.to_string(), page_message(tr, e), kept),
            None => (String::new(), String::new(), Kept::default()),
        };
        let pick = |name: &str, current: String| if kept.any() { kept.v(name) } else { current };
        let unit = pick("unit_id", session.unit.id.to_string());
        let format = pick("format_id", session.format.id.to_string());
        let units =
            if session.actions.edit { s.app.study_units(&ctx.actor, session.campaign_id).await? } else { Vec::new() };
        let formats = s.app.list_study_formats(&ctx.actor).await?;
        let numbers = session.problems.iter().map(|p| p.number.to_string()).collect::<Vec<_>>().join(" ");
        Ok::<_, domain::Error>(SessionPage {
            layout: ctx.layout(session.topic.clone(), "campaign"),
            units: unit_tree_opts(&units, Some(&unit)),
            formats: opts(
                Some(&format),
                formats
                    .iter()
                    .filter(|f| f.active || f.id == session.format.id)
                    .map(|f| (f.id.to_string(), f.name.clone())),
            ),
            numbers: pick("problems", numbers),
            s: session,
            done: done_message(tr, "study", done),
            refusal,
            refused: form,
            kept,
            today: s.app.clock.today().to_string(),
        })
    }
    .await;
    match built {
        Ok(page) => render(&page),
        Err(e) => domain_error(tr, &e),
    }
}

pub(super) async fn edit(
    State(s): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<SessionFields>,
) -> Response {
    let id = StudySessionId::new(id);
    let saved = match f.input(&s, &ctx).await {
        Ok(input) => s.app.update_study_session(&ctx.actor, id, &input).await,
        Err(e) => Err(e),
    };
    match saved {
        Ok(_) => see_other(&format!("/study/{id}?done=edit")),
        Err(e) => page_with(&s, &ctx, id, None, Some(("edit", &e, f.kept()))).await,
    }
}

/// A material upload: a multipart form whose CSRF field is checked before the file is kept.
pub(super) async fn upload(
    State(s): State<AppState>,
    ctx: PageCtx,
    expected: Option<axum::extract::Extension<crate::pages::kit::CsrfToken>>,
    Path(id): Path<i64>,
    form: Multipart,
) -> Response {
    let id = StudySessionId::new(id);
    let added = match crate::pages::uploads::one_file(&s, ctx.tr, expected, form).await {
        Ok(Some((file_name, bytes))) => s.app.add_study_material(&ctx.actor, id, &file_name, &bytes).await,
        Ok(None) => Err(crate::pages::uploads::no_file()),
        Err(page) => return page,
    };
    match added {
        Ok(_) => see_other(&format!("/study/{id}?done=material")),
        Err(e) => page_with(&s, &ctx, id, None, Some(("material", &e, Kept::default()))).await,
    }
}
