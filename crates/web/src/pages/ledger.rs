//! 导出台账: the list page's export buttons — the ledger of what the list shows (its filters, the
//! reader's access) as an .xlsx or CSV download.

use super::kit::{PageCtx, attachment, domain_error};
use super::list::ListParams;
use crate::AppState;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/problems/ledger.xlsx", get(|s, ctx, q| download(s, ctx, q, Format::Xlsx)))
        .route("/problems/ledger.csv", get(|s, ctx, q| download(s, ctx, q, Format::Csv)))
}

#[derive(Clone, Copy)]
enum Format {
    Xlsx,
    Csv,
}

impl Format {
    fn content_type(self) -> &'static str {
        match self {
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Format::Csv => "text/csv; charset=utf-8",
        }
    }

    fn extension(self) -> &'static str {
        match self {
            Format::Xlsx => "xlsx",
            Format::Csv => "csv",
        }
    }

    fn write(self, ledger: &app::ledger_export::Ledger) -> domain::Result<Vec<u8>> {
        match self {
            Format::Xlsx => app::ledger_export::write_xlsx(ledger),
            Format::Csv => app::ledger_export::write_csv(ledger),
        }
    }
}

async fn download(
    State(s): State<AppState>,
    ctx: PageCtx,
    Query(params): Query<ListParams>,
    format: Format,
) -> Response {
    if let Err(redirect) = ctx.require_user() {
        return redirect;
    }
    let ledger = match params.to_query(200) {
        Ok(query) => s.app.ledger(&ctx.actor, &query).await,
        Err(e) => Err(e),
    };
    let ledger = match ledger {
        Ok(l) => l,
        Err(e) => return domain_error(ctx.tr, &e),
    };
    let file_name = format!("整改台账-{}.{}", ledger.as_of, format.extension());
    // Writing a large workbook is seconds of CPU: off the request threads.
    let written = tokio::task::spawn_blocking(move || format.write(&ledger))
        .await
        .map_err(|e| domain::Error::internal_from("ledger export", e))
        .and_then(|r| r);
    match written {
        Ok(bytes) => attachment(format.content_type(), &format!("ledger.{}", format.extension()), &file_name, bytes),
        Err(e) => domain_error(ctx.tr, &e),
    }
}
