//! Open311 GeoReport v2 under `/open311/v2/`: every resource as `.json` and `.xml`, errors in the
//! specification's form with 400, 403 or 404, and a request body read by hand so that even an
//! oversized or malformed one gets that form. What each call does is the app's
//! ([`app::open311`]); this module reads the URL and the form and writes the answer.

mod node;

use crate::AppState;
use app::open311::{PostInput, RequestQuery, RequestView, ServiceDefinition, ServiceView, UpdateView};
use axum::Router;
use axum::body::Body;
use axum::extract::{Path, RawQuery, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{DateTime, Utc};
use domain::clock::CHINA;
use domain::open311::{Checked, Open311Error};
use node::{Node, to_xml};

/// The largest request body taken (a form of a few fields, with a 4,000-character description).
const MAX_BODY: usize = 64 * 1024;
/// When this interface last changed, for discovery.
const CHANGESET: &str = "2026-12-07T00:00:00+08:00";

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/open311/v2/{resource}", get(one_segment).post(post_requests))
        .route("/open311/v2/{resource}/{item}", get(two_segments))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Json,
    Xml,
}

/// `name.json` or `name.xml`: the name and the format; another suffix is refused.
fn split_format(segment: &str) -> Result<(&str, Format), Open311Error> {
    let (name, suffix) = segment
        .rsplit_once('.')
        .ok_or_else(|| Open311Error::bad(format!("\"{segment}\" names no format: add .json or .xml")))?;
    match suffix {
        "json" => Ok((name, Format::Json)),
        "xml" => Ok((name, Format::Xml)),
        other => Err(Open311Error::bad(format!("format .{other} is not served: use .json or .xml"))),
    }
}

/// A format for an error when the URL's is unreadable: JSON.
fn format_of(segment: &str) -> Format {
    split_format(segment).map_or(Format::Json, |(_, f)| f)
}

fn respond(format: Format, status: StatusCode, root: &str, node: &Node) -> Response {
    let (body, content_type) = match format {
        Format::Json => (serde_json::to_string(node).unwrap_or_default(), "application/json; charset=utf-8"),
        Format::Xml => (to_xml(root, node), "text/xml; charset=utf-8"),
    };
    let mut res = (status, body).into_response();
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    res
}

fn error(format: Format, e: &Open311Error) -> Response {
    let status = StatusCode::from_u16(e.status).unwrap_or(StatusCode::BAD_REQUEST);
    let node = Node::List(
        "error",
        vec![Node::Obj(vec![("code", Node::Int(i64::from(e.code))), ("description", Node::text(&e.description))])],
    );
    respond(format, status, "errors", &node)
}

fn answer(format: Format, root: &str, made: Checked<Node>) -> Response {
    match made {
        Ok(node) => respond(format, StatusCode::OK, root, &node),
        Err(e) => error(format, &e),
    }
}

/// A W3C date-time, in Beijing time.
fn when(t: DateTime<Utc>) -> Node {
    Node::Text(t.with_timezone(&CHINA).to_rfc3339_opts(chrono::SecondsFormat::Secs, false))
}

/// The query's pairs; an empty value counts as absent.
fn pairs(query: Option<&str>) -> Vec<(String, String)> {
    url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .filter(|(_, v)| !v.trim().is_empty())
        .collect()
}

fn param(pairs: &[(String, String)], name: &str) -> Option<String> {
    pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
}

fn service_node(s: ServiceView) -> Node {
    Node::Obj(vec![
        ("service_code", Node::Text(s.service_code)),
        ("service_name", Node::Text(s.service_name)),
        ("description", Node::Text(s.description)),
        ("metadata", Node::Bool(s.metadata)),
        ("type", Node::text("realtime")),
        ("keywords", Node::Text(s.keywords)),
        ("group", Node::Text(s.group)),
    ])
}

fn definition_node(d: ServiceDefinition) -> Node {
    let attributes = d
        .attributes
        .into_iter()
        .map(|a| {
            let a = a.0;
            let values = a
                .values
                .into_iter()
                .map(|v| Node::Obj(vec![("key", Node::Text(v.key)), ("name", Node::Text(v.name))]))
                .collect();
            Node::Obj(vec![
                ("variable", Node::Bool(a.variable)),
                ("code", Node::Text(a.code)),
                ("datatype", Node::text(a.datatype.as_str())),
                ("required", Node::Bool(a.required)),
                ("datatype_description", Node::opt_text(a.datatype_description)),
                ("order", Node::Int(i64::from(a.order))),
                ("description", Node::Text(a.description)),
                ("values", Node::List("value", values)),
            ])
        })
        .collect();
    Node::Obj(vec![("service_code", Node::Text(d.service_code)), ("attributes", Node::List("attribute", attributes))])
}

fn request_node(r: RequestView, extensions: bool) -> Node {
    let mut fields = vec![
        ("service_request_id", Node::Text(r.service_request_id)),
        ("status", Node::text(r.status)),
        ("status_notes", Node::opt_text(r.status_notes)),
        ("service_name", Node::opt_text(r.service_name)),
        ("service_code", Node::opt_text(r.service_code)),
        ("description", Node::Text(r.description)),
        ("agency_responsible", Node::opt_text(r.agency_responsible)),
        ("service_notice", Node::Null),
        ("requested_datetime", when(r.requested_datetime)),
        ("updated_datetime", when(r.updated_datetime)),
        ("expected_datetime", r.expected_datetime.map_or(Node::Null, when)),
        ("address", Node::opt_text(r.address)),
        ("address_id", Node::opt_text(r.address_id)),
        ("zipcode", Node::Null),
        ("lat", Node::opt_number(r.lat)),
        ("long", Node::opt_number(r.long)),
        ("media_url", Node::opt_text(r.media_url)),
    ];
    if extensions {
        let answers = r
            .attributes
            .into_iter()
            .map(|(code, values)| {
                Node::Obj(vec![
                    ("code", Node::Text(code)),
                    ("values", Node::List("value", values.into_iter().map(Node::Text).collect())),
                ])
            })
            .collect();
        fields.push((
            "extended_attributes",
            Node::Obj(vec![
                ("status", Node::text(r.extended_status)),
                ("attributes", Node::List("attribute", answers)),
            ]),
        ));
        let notes = r
            .notes
            .into_iter()
            .map(|n| {
                Node::Obj(vec![
                    ("datetime", when(n.datetime)),
                    ("type", Node::text(n.kind)),
                    ("description", Node::Text(n.description)),
                ])
            })
            .collect();
        fields.push(("notes", Node::List("note", notes)));
    }
    Node::Obj(fields)
}

fn update_node(u: UpdateView) -> Node {
    Node::Obj(vec![
        ("update_id", Node::Text(u.update_id)),
        ("service_request_id", Node::Text(u.service_request_id)),
        ("status", Node::text(u.status)),
        ("external_status_code", Node::text(u.extended_status)),
        ("updated_datetime", when(u.updated_datetime)),
        ("description", Node::Text(u.description)),
        ("media_url", Node::Null),
    ])
}

/// Where this endpoint is, as the client reached it.
fn endpoint_url(headers: &HeaderMap) -> String {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("127.0.0.1");
    format!("http://{host}/open311/v2")
}

async fn one_segment(
    State(s): State<AppState>,
    Path(resource): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let (name, format) = match split_format(&resource) {
        Ok(split) => split,
        Err(e) => return error(Format::Json, &e),
    };
    let q = pairs(query.as_deref());
    let jurisdiction = param(&q, "jurisdiction_id");
    let app = &s.app;
    match name {
        "discovery" => {
            let formats = vec![Node::text("application/json"), Node::text("text/xml")];
            let endpoint = Node::Obj(vec![
                ("specification", Node::text("http://wiki.open311.org/GeoReport_v2")),
                ("url", Node::Text(endpoint_url(&headers))),
                ("changeset", Node::text(CHANGESET)),
                ("type", Node::text("production")),
                ("formats", Node::List("format", formats)),
            ]);
            let node = Node::Obj(vec![
                ("changeset", Node::text(CHANGESET)),
                ("contact", Node::text("整改台账管理员 / the ledger's administrator")),
                ("key_service", Node::text("api_key: an API token of the open311 scope, made by the administrator")),
                ("endpoints", Node::List("endpoint", vec![endpoint])),
            ]);
            respond(format, StatusCode::OK, "discovery", &node)
        }
        "services" => {
            let made = app.open311_services(jurisdiction.as_deref()).await;
            answer(format, "services", made.map(|l| Node::List("service", l.into_iter().map(service_node).collect())))
        }
        "requests" => {
            let rq = RequestQuery {
                jurisdiction_id: jurisdiction,
                service_request_id: param(&q, "service_request_id"),
                service_code: param(&q, "service_code"),
                start_date: param(&q, "start_date"),
                end_date: param(&q, "end_date"),
                status: param(&q, "status"),
                page: param(&q, "page"),
                page_size: param(&q, "page_size"),
            };
            let ext = param(&q, "extensions").is_some_and(|e| e == "true");
            let made = app.open311_requests(&rq).await;
            answer(
                format,
                "service_requests",
                made.map(|l| Node::List("request", l.into_iter().map(|r| request_node(r, ext)).collect())),
            )
        }
        "servicerequestupdates" => {
            let made = app
                .open311_updates(
                    jurisdiction.as_deref(),
                    param(&q, "start_date").as_deref(),
                    param(&q, "end_date").as_deref(),
                )
                .await;
            answer(
                format,
                "service_request_updates",
                made.map(|l| Node::List("request_update", l.into_iter().map(update_node).collect())),
            )
        }
        other => error(format, &Open311Error::not_found(format!("there is no resource \"{other}\""))),
    }
}

async fn two_segments(
    State(s): State<AppState>,
    Path((resource, item)): Path<(String, String)>,
    RawQuery(query): RawQuery,
) -> Response {
    let (id, format) = match split_format(&item) {
        Ok(split) => split,
        Err(e) => return error(Format::Json, &e),
    };
    let q = pairs(query.as_deref());
    let jurisdiction = param(&q, "jurisdiction_id");
    let app = &s.app;
    match resource.as_str() {
        "services" => {
            let made = app.open311_definition(jurisdiction.as_deref(), id).await;
            answer(format, "service_definition", made.map(definition_node))
        }
        "requests" => {
            let ext = param(&q, "extensions").is_some_and(|e| e == "true");
            let made = app.open311_request(jurisdiction.as_deref(), id).await;
            answer(
                format,
                "service_requests",
                made.map(|l| Node::List("request", l.into_iter().map(|r| request_node(r, ext)).collect())),
            )
        }
        "tokens" => {
            let made = app.open311_token(jurisdiction.as_deref(), id).await;
            answer(
                format,
                "service_requests",
                made.map(|l| {
                    Node::List(
                        "request",
                        l.into_iter()
                            .map(|(sid, token)| {
                                Node::Obj(vec![("service_request_id", Node::Text(sid)), ("token", Node::Text(token))])
                            })
                            .collect(),
                    )
                }),
            )
        }
        other => error(format, &Open311Error::not_found(format!("there is no resource \"{other}\""))),
    }
}

/// Reads the posted form whole (at most [`MAX_BODY`] bytes, `application/x-www-form-urlencoded`),
/// with the query string's pairs before it.
async fn read_form(req: Request) -> Checked<Vec<(String, String)>> {
    let form_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|h| h.to_str().ok())
        .is_some_and(|t| t.trim().to_ascii_lowercase().starts_with("application/x-www-form-urlencoded"));
    let mut out = pairs(req.uri().query());
    if !form_type {
        return Err(Open311Error::bad("post the request as application/x-www-form-urlencoded"));
    }
    let bytes = axum::body::to_bytes(req.into_body(), MAX_BODY).await.map_err(|_| Open311Error {
        status: 400,
        code: 413,
        description: format!("the request body is over {MAX_BODY} bytes"),
    })?;
    if std::str::from_utf8(&bytes).is_err() {
        return Err(Open311Error::bad("the request body is not UTF-8"));
    }
    out.extend(pairs(Some(&String::from_utf8_lossy(&bytes))));
    Ok(out)
}

fn post_input(form: &[(String, String)]) -> PostInput {
    let mut input = PostInput::default();
    for (k, value) in form {
        let v = Some(value.clone());
        match k.as_str() {
            "jurisdiction_id" => input.jurisdiction_id = v,
            "api_key" => input.api_key = v,
            "service_code" => input.service_code = v,
            "lat" => input.lat = v,
            "long" => input.long = v,
            "address_string" => input.address_string = v,
            "address_id" => input.address_id = v,
            "email" => input.email = v,
            "device_id" => input.device_id = v,
            "account_id" => input.account_id = v,
            "first_name" => input.first_name = v,
            "last_name" => input.last_name = v,
            "phone" => input.phone = v,
            "description" => input.description = v,
            "media_url" => input.media_url = v,
            other => {
                // attribute[code] and attribute[code][]
                if let Some(code) = other.strip_prefix("attribute[").and_then(|r| r.split_once(']')).map(|(c, _)| c) {
                    input.attributes.push((code.to_string(), value.clone()));
                }
            }
        }
    }
    input
}

async fn post_requests(State(s): State<AppState>, Path(resource): Path<String>, req: Request<Body>) -> Response {
    let (name, format) = match split_format(&resource) {
        Ok(split) => split,
        Err(e) => return error(format_of(&resource), &e),
    };
    if name != "requests" {
        return error(format, &Open311Error::not_found(format!("there is nothing to post to \"{name}\"")));
    }
    let form = match read_form(req).await {
        Ok(form) => form,
        Err(e) => return error(format, &e),
    };
    let made = s.app.open311_post(&post_input(&form)).await;
    let made = made.map(|l| {
        Node::List(
            "request",
            l.into_iter()
                .map(|p| {
                    Node::Obj(vec![
                        ("service_request_id", Node::Text(p.service_request_id)),
                        ("service_notice", Node::Text(p.service_notice)),
                        ("account_id", Node::opt_text(p.account_id)),
                    ])
                })
                .collect(),
        )
    });
    match made {
        Ok(node) => respond(format, StatusCode::CREATED, "service_requests", &node),
        Err(e) => error(format, &e),
    }
}
