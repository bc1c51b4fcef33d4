//! The error answers every operation can give because of what it takes, added to the OpenAPI
//! document so that it lists every status an endpoint answers, not only those its handler names:
//! the shared extractors and the middleware give them the same way everywhere (see `extract`,
//! `security` and `error`).

use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::{Content, OpenApi, Ref, RefOr, ResponseBuilder};

/// Paths anyone may call: no 401 from them.
fn is_public(path: &str) -> bool {
    path.starts_with("/api/v1/public/")
        || matches!(path, "/api/v1/health" | "/api/v1/openapi.json" | "/api/v1/auth/login" | "/api/v1/auth/logout")
}

/// The statuses an operation can answer for what it takes, with what each means.
fn implied(path: &str, write: bool, op: &Operation) -> Vec<(&'static str, &'static str)> {
    let params = op.parameters.iter().flatten().filter_map(|p| match p {
        RefOr::T(p) => Some(&p.parameter_in),
        RefOr::Ref(_) => None,
    });
    let (mut in_path, mut in_query) = (false, false);
    for place in params {
        match place {
            ParameterIn::Path => in_path = true,
            ParameterIn::Query => in_query = true,
            _ => {}
        }
    }
    let mut out = Vec::new();
    if !is_public(path) {
        out.push(("401", "not signed in, or the session or token is no longer valid (`unauthenticated`)"));
    }
    if write {
        out.push((
            "403",
            "not allowed (`forbidden`): by role, unit or token scope, or sent by a browser from another site",
        ));
        out.push((
            "409",
            "in conflict with the record's state or another record: a stale version, a closed problem, a name already taken (`stale_version`, `illegal_transition`, `conflict`)",
        ));
    }
    if in_path {
        out.push(("400", "a path parameter that does not parse (`invalid_path`)"));
        out.push(("404", "no such record, or one the caller may not see (`not_found`)"));
        out.push(("422", "a path parameter out of range (`validation_failed` and others)"));
    }
    if in_query {
        out.push(("400", "a query that does not fit (`invalid_query`)"));
        out.push(("422", "a query value out of range (`validation_failed` and others)"));
    }
    if op.request_body.is_some() {
        out.push(("400", "malformed JSON or an unknown field (`invalid_json`, `unknown_field`)"));
        out.push(("413", "the body is over the limit (`payload_too_large`)"));
        out.push(("415", "the body is not of the type the operation takes (`unsupported_media_type`)"));
        out.push(("422", "a value that is wrong or missing (`invalid_field`, `required`…)"));
    }
    out
}

/// Adds the implied error answers to every operation that does not list them already.
pub(super) fn add_implied_statuses(doc: &mut OpenApi) {
    for (path, item) in doc.paths.paths.iter_mut() {
        let operations = [
            (false, item.get.as_mut()),
            (true, item.put.as_mut()),
            (true, item.post.as_mut()),
            (true, item.delete.as_mut()),
            (true, item.patch.as_mut()),
        ];
        for (write, op) in operations {
            let Some(op) = op else { continue };
            for (status, meaning) in implied(path, write, op) {
                op.responses.responses.entry(status.to_string()).or_insert_with(|| {
                    RefOr::T(
                        ResponseBuilder::new()
                            .description(meaning)
                            .content("application/json", Content::new(Some(Ref::from_schema_name("ErrorBody"))))
                            .build(),
                    )
                });
            }
        }
    }
}
