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
            Format::Xlsx => super::kit::XLSX,
            Format::Csv => "text/csv; charset=utf-8",
        }
    }

    fn extension(self) -> &'static str {
        match self {
            Format::Xlsx => "xlsx",
            Format::Csv => "csv",
        }
    }

    fn ledger_format(self) -> app::ledger_export::LedgerFormat {
        match self {
            Format::Xlsx => app::ledger_export::LedgerFormat::Xlsx,
            Format::Csv => app::ledger_export::LedgerFormat::Csv,
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
    let written = match params.to_query(200) {
        Ok(query) => s.app.export_ledger(&ctx.actor, &query, format.ledger_format()).await,
        Err(e) => Err(e),
    };
    match written {
        Ok(w) => {
            let file_name = format!("整改台账-{}.{}", w.as_of, format.extension());
            attachment(format.content_type(), &format!("ledger.{}", format.extension()), &file_name, w.bytes)
        }
        Err(e) => domain_error(ctx.tr, &e),
    }
}
