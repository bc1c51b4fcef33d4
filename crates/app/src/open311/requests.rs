//! Requests: posting one (it becomes feedback, grouped like any other), listing the published ones,
//! reading one by its id, the token call, and the updates feed.

use super::refused;
use crate::feedback::FeedbackInput;
use crate::public::TrackedStatus;
use crate::{Actor, App};
use chrono::{DateTime, NaiveDate, Utc};
use domain::access::TokenScope;
use domain::clock::CHINA;
use domain::feedback::{Channel, ReportStatus};
use domain::open311::{self as spec, Checked, MAX_REQUESTS, Open311Error};
use domain::problem::ProblemNumber;
use domain::workflow::Status;
use std::collections::BTreeMap;
use store::open311::{PublishedFilter, PublishedRow, RequestExtras};

/// A posted request's form, as read from `application/x-www-form-urlencoded`.
#[derive(Debug, Clone, Default)]
pub struct PostInput {
    pub jurisdiction_id: Option<String>,
    pub api_key: Option<String>,
    pub service_code: Option<String>,
    pub lat: Option<String>,
    pub long: Option<String>,
    pub address_string: Option<String>,
    pub address_id: Option<String>,
    /// `attribute[code]=v` and `attribute[code][]=v`, in the order posted.
    pub attributes: Vec<(String, String)>,
    pub email: Option<String>,
    pub device_id: Option<String>,
    pub account_id: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub phone: Option<String>,
    pub description: Option<String>,
    pub media_url: Option<String>,
}

/// What a post answers.
#[derive(Debug, Clone, PartialEq)]
pub struct Posted {
    pub service_request_id: String,
    pub service_notice: String,
    pub account_id: Option<String>,
}

/// A request list's parameters, as given.
#[derive(Debug, Clone, Default)]
pub struct RequestQuery {
    pub jurisdiction_id: Option<String>,
    pub service_request_id: Option<String>,
    pub service_code: Option<String>,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    pub status: Option<String>,
    pub page: Option<String>,
    pub page_size: Option<String>,
}

/// One entry of a request's history (the `notes` of `extensions=true`).
#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    pub datetime: DateTime<Utc>,
    pub kind: &'static str,
    pub description: String,
}

/// A request as lists and reads show it.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestView {
    pub service_request_id: String,
    /// `open` or `closed`.
    pub status: &'static str,
    /// The extended status (`extensions=true`).
    pub extended_status: &'static str,
    pub status_notes: Option<String>,
    pub service_name: Option<String>,
    pub service_code: Option<String>,
    pub description: String,
    pub agency_responsible: Option<String>,
    pub requested_datetime: DateTime<Utc>,
    pub updated_datetime: DateTime<Utc>,
    /// The deadline, at its end (Beijing).
    pub expected_datetime: Option<DateTime<Utc>>,
    pub address: Option<String>,
    pub address_id: Option<String>,
    pub lat: Option<f64>,
    pub long: Option<f64>,
    pub media_url: Option<String>,
    /// The answers to the service's fields (`extensions=true`).
    pub attributes: BTreeMap<String, Vec<String>>,
    pub notes: Vec<Note>,
}

/// One entry of the updates feed.
#[derive(Debug, Clone, PartialEq)]
pub struct UpdateView {
    pub update_id: String,
    pub service_request_id: String,
    pub status: &'static str,
    pub extended_status: &'static str,
    pub updated_datetime: DateTime<Utc>,
    pub description: String,
}

fn present(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// The end of a deadline day, Beijing time.
fn end_of(day: NaiveDate) -> Option<DateTime<Utc>> {
    day.and_hms_opt(23, 59, 59).and_then(|t| t.and_local_timezone(CHINA).single()).map(|t| t.with_timezone(&Utc))
}

/// The SQL conditions (on `p`) for the `status` filter's names: a fixed list, never the caller's text.
fn status_sql(name: &str) -> &'static str {
    match name {
        "open" | "OPEN" => "p.status in ('new', 'assigned', 'submitted')",
        "INVESTIGATING" => "p.status = 'new'",
        "ACTION_SCHEDULED" => "(p.status = 'assigned' and p.deadline is not null and p.reopened_at is null)",
        "IN_PROGRESS" => {
            "((p.status = 'assigned' and p.deadline is null) or p.status = 'submitted') and p.reopened_at is null"
        }
        "REOPEN" => "(p.status in ('assigned', 'submitted') and p.reopened_at is not null)",
        "FIXED" => "p.status = 'closed'",
        "DUPLICATE" => "p.status = 'merged'",
        "NO_FURTHER_ACTION" => "p.status = 'dismissed'",
        "closed" | "CLOSED" => "p.status in ('closed', 'merged', 'dismissed')",
        // FOR_TRIAGE: a report not yet on the list is never published.
        _ => "1 = 0",
    }
}

fn number_of(text: &str, name: &str, default: i64, max: i64) -> Checked<i64> {
    match text.trim() {
        "" => Ok(default),
        t => t
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=max).contains(n))
            .ok_or_else(|| Open311Error::bad(format!("{name} must be a whole number from 1 to {max}, not \"{t}\""))),
    }
}

fn published_view(r: PublishedRow) -> RequestView {
    let open = matches!(r.status, Status::New | Status::Assigned | Status::Submitted);
    let (status, extended) = spec::status_of(Some(r.status), r.deadline.is_some(), open && r.reopened_at.is_some());
    let mut notes = vec![Note { datetime: r.created_at, kind: "received", description: "已受理 / received".into() }];
    if let Some(at) = r.assigned_at {
        let unit = r.lead_unit_name.clone().unwrap_or_default();
        notes.push(Note {
            datetime: at, kind: "assigned", description: format!("已交办{unit} / assigned to {unit}")
        });
    }
    if let Some(at) = r.reopened_at {
        notes.push(Note { datetime: at, kind: "reopened", description: "重新整改 / reopened".into() });
    }
    if let Some(at) = r.closed_at.filter(|_| !open) {
        notes.push(Note { datetime: at, kind: "closed", description: "已办结 / closed".into() });
    }
    notes.sort_by_key(|n| n.datetime);
    RequestView {
        service_request_id: r.number.to_string(),
        status,
        extended_status: extended,
        status_notes: r.public_reply,
        service_name: r.category_name,
        service_code: r.category_id.map(|c| c.to_string()),
        description: domain::privacy::mask_contacts(&r.description, &[]).into_owned(),
        agency_responsible: r.lead_unit_name,
        requested_datetime: r.created_at,
        updated_datetime: if open { r.updated_at } else { r.closed_at.unwrap_or(r.updated_at) },
        expected_datetime: r.deadline.and_then(end_of),
        address: r.address,
        address_id: None,
        lat: r.latitude,
        long: r.longitude,
        media_url: None,
        attributes: BTreeMap::new(),
        notes,
    }
}

impl App {
    /// Checks an `api_key`: a live token of the `open311` scope; 403 otherwise.
    async fn open311_key(&self, key: Option<&str>) -> Checked<Actor> {
        let key = key.ok_or_else(|| Open311Error::forbidden("api_key is required"))?;
        let actor = self.authenticate_token(key).await.map_err(|_| Open311Error::forbidden("api_key is not valid"))?;
        match actor.principal().and_then(|p| p.token_scope) {
            Some(TokenScope::Open311) => Ok(actor),
            _ => Err(Open311Error::forbidden("api_key is not an Open311 key (a token of the open311 scope)")),
        }
    }

    /// Posts a request: checked whole first (nothing is stored when anything is refused), then
    /// taken as feedback of the Open311 channel, grouped like any other.
    pub async fn open311_post(&self, input: &PostInput) -> Checked<Vec<Posted>> {
        let actor = self.open311_key(present(&input.api_key)).await?;
        let root = self.open311_jurisdiction(present(&input.jurisdiction_id)).await?;
        let code = present(&input.service_code).ok_or_else(|| Open311Error::bad("service_code is required"))?;
        let super::services::Service { category, name: service_name, attributes } = self.open311_service(code).await?;
        let place = spec::location(
            present(&input.lat),
            present(&input.long),
            present(&input.address_string),
            present(&input.address_id),
        )?;
        let description = spec::description(input.description.as_deref().unwrap_or_default())?;
        for (code, _) in &input.attributes {
            if !attributes.iter().any(|a| a.code == *code) {
                return Err(Open311Error::bad(format!("attribute[{code}] is not a field of service {category}")));
            }
        }
        let mut answers: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for a in &attributes {
            let posted: Vec<String> =
                input.attributes.iter().filter(|(c, _)| *c == a.code).map(|(_, v)| v.clone()).collect();
            let kept = spec::check_attribute(a, &posted)?;
            if !kept.is_empty() {
                answers.insert(a.code.clone(), kept);
            }
        }
        let short = |v: &Option<String>, name: &str, max: usize| -> Checked<Option<String>> {
            match present(v) {
                Some(t) if t.chars().count() > max => {
                    Err(Open311Error::bad(format!("{name} is longer than {max} characters")))
                }
                other => Ok(other.map(str::to_owned)),
            }
        };
        let extras = RequestExtras {
            answers: serde_json::to_string(&answers)
                .map_err(|e| refused(domain::Error::internal_from("answers", e)))?,
            address_id: short(&input.address_id, "address_id", 200)?,
            email: short(&input.email, "email", 254)?,
            phone: short(&input.phone, "phone", 50)?,
            first_name: short(&input.first_name, "first_name", 100)?,
            last_name: short(&input.last_name, "last_name", 100)?,
            device_id: short(&input.device_id, "device_id", 200)?,
            account_id: short(&input.account_id, "account_id", 200)?,
            media_url: short(&input.media_url, "media_url", 2000)?,
        };
        if place.address.as_ref().is_some_and(|a| a.chars().count() > 500) {
            return Err(Open311Error::bad("address_string is longer than 500 characters"));
        }
        // What the ledger reads: the description, or the service and its answers when there is none.
        let body = if description.is_empty() {
            let said: Vec<String> = answers.iter().map(|(k, v)| format!("{k}：{}", v.join("、"))).collect();
            if said.is_empty() { service_name.clone() } else { format!("{service_name}（{}）", said.join("；")) }
        } else {
            description
        };
        let name: Vec<&str> =
            [&extras.first_name, &extras.last_name].into_iter().filter_map(|n| n.as_deref()).collect();
        let as_feedback = FeedbackInput {
            unit_id: Some(root.id),
            address: place.address.clone(),
            latitude: place.point.map(|p| p.0),
            longitude: place.point.map(|p| p.1),
            reporter_name: (!name.is_empty()).then(|| name.join(" ")),
            reporter_contact: extras.phone.clone().or_else(|| extras.email.clone()),
            ..FeedbackInput::new(Channel::Open311, body)
        };
        let (_, receipt) =
            self.take_public_report(&actor, as_feedback, None, Some((category, &extras))).await.map_err(refused)?;
        Ok(vec![Posted {
            service_notice: format!("已受理，查询编号 {0}。/ Received; look it up as {0}.", receipt.tracking_code),
            service_request_id: receipt.tracking_code,
            account_id: extras.account_id,
        }])
    }

    /// A request by its id: a published problem's number, or the tracking code of a report (read
    /// as its tracking page reads it). `None` when there is no such request in the jurisdiction.
    async fn open311_one(&self, root_path: &str, id: &str) -> Checked<Option<RequestView>> {
        let id = id.trim();
        if let Ok(number) = ProblemNumber::parse(&id.to_ascii_uppercase()) {
            let filter = PublishedFilter {
                unit_path: root_path.to_string(),
                numbers: vec![number.to_string()],
                limit: 1,
                ..PublishedFilter::default()
            };
            let mut pooled = self.db.acquire().await.map_err(refused)?;
            let rows = store::open311::published(&mut pooled.conn(), &filter).await.map_err(refused)?;
            return Ok(rows.into_iter().next().map(published_view));
        }
        let Ok(tracked) = self.track(id).await else {
            return Ok(None);
        };
        let row = {
            let mut pooled = self.db.acquire().await.map_err(refused)?;
            store::open311::report_by_code(&mut pooled.conn(), &tracked.tracking_code).await.map_err(refused)?
        };
        let Some(row) = row.filter(|r| r.unit_path.starts_with(root_path)) else {
            return Ok(None);
        };
        let published = row.published == Some(true);
        let (status, extended) = match tracked.status {
            TrackedStatus::Problem(s) => {
                spec::status_of(Some(s), tracked.deadline.is_some(), row.reopened_at.is_some())
            }
            TrackedStatus::Report(ReportStatus::Received) => spec::status_of(None, false, false),
            TrackedStatus::Report(ReportStatus::Handling) => ("open", "IN_PROGRESS"),
            TrackedStatus::Report(ReportStatus::Handled) => ("closed", "FIXED"),
            TrackedStatus::Report(ReportStatus::NotAccepted) => ("closed", "NO_FURTHER_ACTION"),
        };
        let mut notes =
            vec![Note { datetime: row.received_at, kind: "received", description: "已受理 / received".into() }];
        if let Some(reply) = &tracked.reply_to_you {
            notes.push(Note { datetime: reply.at, kind: "reply", description: reply.body.clone() });
        }
        let attributes: BTreeMap<String, Vec<String>> =
            row.answers.as_deref().and_then(|a| serde_json::from_str(a).ok()).unwrap_or_default();
        Ok(Some(RequestView {
            service_request_id: tracked.tracking_code.clone(),
            status,
            extended_status: extended,
            status_notes: tracked.reply_to_you.map(|r| r.body).or(tracked.public_reply),
            service_name: row.category_name,
            service_code: row.category_id.map(|c| c.to_string()),
            description: domain::privacy::mask_contacts(&tracked.body, &[]).into_owned(),
            agency_responsible: if published { row.lead_unit_name } else { None },
            requested_datetime: row.received_at,
            updated_datetime: if published { row.problem_updated_at.unwrap_or(row.updated_at) } else { row.updated_at },
            expected_datetime: tracked.deadline.and_then(end_of),
            address: row.address,
            address_id: row.address_id,
            lat: row.latitude,
            long: row.longitude,
            media_url: row.media_url,
            attributes,
            notes,
        }))
    }

    /// `requests/{id}`: an array of one, or 404.
    pub async fn open311_request(&self, jurisdiction: Option<&str>, id: &str) -> Checked<Vec<RequestView>> {
        let root = self.open311_jurisdiction(jurisdiction).await?;
        match self.open311_one(&root.path, id).await? {
            Some(one) => Ok(vec![one]),
            None => Err(Open311Error::not_found(format!("service request \"{}\" is not found", id.trim()))),
        }
    }

    /// `tokens/{token}`: every request here is answered with its id at once, so a token is the id.
    pub async fn open311_token(&self, jurisdiction: Option<&str>, token: &str) -> Checked<Vec<(String, String)>> {
        let root = self.open311_jurisdiction(jurisdiction).await?;
        match self.open311_one(&root.path, token).await? {
            Some(one) => Ok(vec![(one.service_request_id, token.trim().to_string())]),
            None => Err(Open311Error::not_found(format!("token \"{}\" is not found", token.trim()))),
        }
    }

    /// `requests`: by ids (every other filter then ignored), or the published problems received in
    /// the window (the last 90 days by default), by service and status, 1,000 at most a page.
    pub async fn open311_requests(&self, q: &RequestQuery) -> Checked<Vec<RequestView>> {
        let root = self.open311_jurisdiction(present(&q.jurisdiction_id)).await?;
        if let Some(ids) = present(&q.service_request_id) {
            let mut out = Vec::new();
            for id in ids.split(',').map(str::trim).filter(|i| !i.is_empty()).take(MAX_REQUESTS) {
                if let Some(one) = self.open311_one(&root.path, id).await? {
                    out.push(one);
                }
            }
            return Ok(out);
        }
        let (from, until) = spec::window(present(&q.start_date), present(&q.end_date), self.clock.now())?;
        let statuses = spec::status_filter(present(&q.status).unwrap_or_default())?;
        let mut categories = Vec::new();
        for code in present(&q.service_code).unwrap_or_default().split(',').map(str::trim).filter(|c| !c.is_empty()) {
            let id = code
                .parse::<i64>()
                .map_err(|_| Open311Error::bad(format!("service_code \"{code}\" is not a service code")))?;
            categories.push(domain::CategoryId::new(id));
        }
        let page_size = number_of(
            q.page_size.as_deref().unwrap_or_default(),
            "page_size",
            MAX_REQUESTS as i64,
            MAX_REQUESTS as i64,
        )?;
        let page = number_of(q.page.as_deref().unwrap_or_default(), "page", 1, 1_000_000)?;
        let filter = PublishedFilter {
            unit_path: root.path.clone(),
            numbers: Vec::new(),
            categories,
            status_sql: statuses.iter().map(|s| status_sql(s)).collect(),
            from: Some(from),
            until: Some(until),
            by_update: false,
            limit: page_size,
            offset: (page - 1) * page_size,
        };
        let mut pooled = self.db.acquire().await.map_err(refused)?;
        let rows = store::open311::published(&mut pooled.conn(), &filter).await.map_err(refused)?;
        Ok(rows.into_iter().map(published_view).collect())
    }

    /// `servicerequestupdates`: what changed on published problems in the window, oldest first.
    pub async fn open311_updates(
        &self,
        jurisdiction: Option<&str>,
        start: Option<&str>,
        end: Option<&str>,
    ) -> Checked<Vec<UpdateView>> {
        let root = self.open311_jurisdiction(jurisdiction).await?;
        let (from, until) = spec::window(start, end, self.clock.now())?;
        let filter = PublishedFilter {
            unit_path: root.path.clone(),
            from: Some(from),
            until: Some(until),
            by_update: true,
            limit: MAX_REQUESTS as i64,
            ..PublishedFilter::default()
        };
        let mut pooled = self.db.acquire().await.map_err(refused)?;
        let rows = store::open311::published(&mut pooled.conn(), &filter).await.map_err(refused)?;
        let mut out = Vec::new();
        for r in rows {
            let view = published_view(r);
            for n in view.notes.iter().filter(|n| n.datetime >= from && n.datetime <= until) {
                out.push(UpdateView {
                    update_id: format!("{}-{}-{}", view.service_request_id, n.kind, n.datetime.timestamp()),
                    service_request_id: view.service_request_id.clone(),
                    status: if n.kind == "closed" { "closed" } else { "open" },
                    extended_status: match n.kind {
                        "closed" => view.extended_status,
                        "reopened" => "REOPEN",
                        "assigned" => "IN_PROGRESS",
                        _ => "OPEN",
                    },
                    updated_datetime: n.datetime,
                    description: n.description.clone(),
                });
            }
        }
        out.sort_by(|a, b| a.updated_datetime.cmp(&b.updated_datetime).then(a.update_id.cmp(&b.update_id)));
        Ok(out)
    }
}
