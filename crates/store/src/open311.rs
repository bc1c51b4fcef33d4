//! Open311 GeoReport v2 as stored: services (leaf categories with their description, keywords and
//! fields), what a posted request adds to its feedback, and the published problems a request list
//! reads.

use crate::{Bind, Conn, Result, db_err};
use chrono::{DateTime, NaiveDate, Utc};
use domain::open311::AttributeType;
use domain::problem::ProblemNumber;
use domain::workflow::Status;
use domain::{CategoryId, FeedbackId};

/// A leaf category as a service.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ServiceRow {
    pub category_id: CategoryId,
    pub name: String,
    /// The parent category's name.
    pub group_name: Option<String>,
    pub description: Option<String>,
    /// Comma-separated.
    pub keywords: Option<String>,
    /// How many fields it asks (a definition is worth fetching when any).
    pub fields: i64,
}

/// Every leaf category, in id order.
pub async fn services(c: &mut Conn<'_>) -> Result<Vec<ServiceRow>> {
    with_conn!(c, |c| {
        sqlx::query_as(
            r"select c.id as category_id, c.name, p.name as group_name, s.description, s.keywords,
                     (select count(*) from category_fields f where f.category_id = c.id) as fields
              from categories c
              left join categories p on p.id = c.parent_id
              left join category_services s on s.category_id = c.id
              where not exists (select 1 from categories k where k.parent_id = c.id)
              order by c.id",
        )
        .fetch_all(&mut *c)
        .await
        .map_err(db_err)
    })
}

/// A field a service asks, as stored; `choices` is JSON `[{"key", "name"}]`.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct FieldRow {
    pub code: String,
    pub variable: bool,
    pub datatype: AttributeType,
    pub required: bool,
    pub datatype_description: Option<String>,
    pub position: i64,
    pub description: String,
    pub choices: String,
}

/// A service's fields, in order.
pub async fn fields(c: &mut Conn<'_>, category: CategoryId) -> Result<Vec<FieldRow>> {
    with_conn!(c, |c| {
        sqlx::query_as(
            "select code, variable, datatype, required, datatype_description, position, description, choices \
             from category_fields where category_id = $1 order by position",
        )
        .bind(category)
        .fetch_all(&mut *c)
        .await
        .map_err(db_err)
    })
}

/// Sets a service's description, keywords and fields, whole.
pub async fn set_service(
    c: &mut Conn<'_>,
    category: CategoryId,
    description: &str,
    keywords: &str,
    fields: &[FieldRow],
    now: DateTime<Utc>,
) -> Result<()> {
    with_conn!(c, |c| {
        sqlx::query(
            "insert into category_services (category_id, description, keywords, updated_at) values ($1, $2, $3, $4) \
             on conflict (category_id) do update set description = excluded.description, \
             keywords = excluded.keywords, updated_at = excluded.updated_at",
        )
        .bind(category)
        .bind(description)
        .bind(keywords)
        .bind(now)
        .execute(&mut *c)
        .await
        .map_err(db_err)?;
        sqlx::query("delete from category_fields where category_id = $1")
            .bind(category)
            .execute(&mut *c)
            .await
            .map_err(db_err)?;
        for f in fields {
            sqlx::query(
                "insert into category_fields (category_id, code, variable, datatype, required, datatype_description, \
                 position, description, choices) values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(category)
            .bind(&f.code)
            .bind(f.variable)
            .bind(f.datatype)
            .bind(f.required)
            .bind(&f.datatype_description)
            .bind(f.position)
            .bind(&f.description)
            .bind(&f.choices)
            .execute(&mut *c)
            .await
            .map_err(db_err)?;
        }
    });
    Ok(())
}

/// What a request posted through Open311 adds to its feedback.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RequestExtras {
    pub answers: String,
    pub address_id: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub device_id: Option<String>,
    pub account_id: Option<String>,
    pub media_url: Option<String>,
}

/// Stores what Open311 adds to new reports (their service and answers), many per statement.
pub async fn insert_requests(
    c: &mut Conn<'_>,
    requests: &[(FeedbackId, CategoryId, &RequestExtras)],
    now: DateTime<Utc>,
) -> Result<()> {
    if requests.is_empty() {
        return Ok(());
    }
    let rows = requests
        .iter()
        .map(|(feedback, category, x)| {
            vec![
                Bind::I64(feedback.get()),
                Bind::I64(category.get()),
                Bind::Text(x.answers.clone()),
                Bind::OptText(x.address_id.clone()),
                Bind::OptText(x.email.clone()),
                Bind::OptText(x.phone.clone()),
                Bind::OptText(x.first_name.clone()),
                Bind::OptText(x.last_name.clone()),
                Bind::OptText(x.device_id.clone()),
                Bind::OptText(x.account_id.clone()),
                Bind::OptText(x.media_url.clone()),
                Bind::Time(now),
            ]
        })
        .collect();
    let columns = [
        "feedback_id",
        "category_id",
        "answers",
        "address_id",
        "email",
        "phone",
        "first_name",
        "last_name",
        "device_id",
        "account_id",
        "media_url",
        "created_at",
    ];
    crate::bulk::insert_rows(c, "open311_requests", &columns, rows).await
}

/// A report looked up by its tracking code, with what Open311 shows of it beyond the tracking view.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ReportRow {
    pub feedback_id: FeedbackId,
    pub received_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub address: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    /// The service it was posted to, or its problem's category.
    pub category_id: Option<CategoryId>,
    pub category_name: Option<String>,
    pub address_id: Option<String>,
    pub media_url: Option<String>,
    pub answers: Option<String>,
    pub problem_status: Option<Status>,
    pub published: Option<bool>,
    pub lead_unit_name: Option<String>,
    pub problem_updated_at: Option<DateTime<Utc>>,
    pub reopened_at: Option<DateTime<Utc>>,
    /// The jurisdiction's path prefix: the feedback's unit's path.
    pub unit_path: String,
}

pub async fn report_by_code(c: &mut Conn<'_>, code: &str) -> Result<Option<ReportRow>> {
    with_conn!(c, |c| {
        sqlx::query_as(
            r"select f.id as feedback_id, f.received_at, f.updated_at, f.address, f.latitude, f.longitude,
                     coalesce(o.category_id, p.category_id) as category_id, cat.name as category_name,
                     o.address_id, o.media_url, o.answers, p.status as problem_status, p.published,
                     lu.name as lead_unit_name, p.updated_at as problem_updated_at, p.reopened_at, u.path as unit_path
              from feedback f
              join units u on u.id = f.unit_id
              left join open311_requests o on o.feedback_id = f.id
              left join problems p on p.id = f.problem_id
              left join categories cat on cat.id = coalesce(o.category_id, p.category_id)
              left join units lu on lu.id = p.lead_unit_id
              where f.tracking_code = $1",
        )
        .bind(code)
        .fetch_optional(&mut *c)
        .await
        .map_err(db_err)
    })
}

/// A published problem as a request list reads it.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct PublishedRow {
    pub number: ProblemNumber,
    pub title: String,
    pub description: String,
    pub category_id: Option<CategoryId>,
    pub category_name: Option<String>,
    pub status: Status,
    pub deadline: Option<NaiveDate>,
    pub public_reply: Option<String>,
    pub lead_unit_name: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub assigned_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub reopened_at: Option<DateTime<Utc>>,
    pub address: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
}

/// Which published problems a request list reads.
#[derive(Debug, Clone, Default)]
pub struct PublishedFilter {
    /// The jurisdiction: problems owned by units whose path starts so.
    pub unit_path: String,
    /// Problem numbers; when given, every other condition but the jurisdiction is ignored.
    pub numbers: Vec<String>,
    pub categories: Vec<CategoryId>,
    /// SQL conditions on `p`, each from a fixed list (see the app's status filter), or'ed.
    pub status_sql: Vec<&'static str>,
    pub from: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    /// The window is on the last change rather than on when the problem was made.
    pub by_update: bool,
    pub limit: i64,
    pub offset: i64,
}

pub async fn published(c: &mut Conn<'_>, f: &PublishedFilter) -> Result<Vec<PublishedRow>> {
    let mut conds: Vec<String> = vec!["p.published = $1".into(), "ou.path like $2".into()];
    let mut next = 3;
    let mut texts: Vec<String> = Vec::new();
    let mut ids: Vec<CategoryId> = Vec::new();
    if f.numbers.is_empty() {
        if !f.categories.is_empty() {
            let marks: Vec<String> = f.categories.iter().enumerate().map(|(i, _)| format!("${}", next + i)).collect();
            ids.extend(f.categories.iter().copied());
            next += ids.len();
            conds.push(format!("p.category_id in ({})", marks.join(", ")));
        }
        if !f.status_sql.is_empty() {
            conds.push(format!("({})", f.status_sql.join(" or ")));
        }
    } else {
        let marks: Vec<String> = f.numbers.iter().enumerate().map(|(i, _)| format!("${}", next + i)).collect();
        texts.extend(f.numbers.iter().cloned());
        next += texts.len();
        conds.push(format!("p.number in ({})", marks.join(", ")));
    }
    let window = f.numbers.is_empty();
    if window {
        let at = if f.by_update { "p.updated_at" } else { "p.created_at" };
        conds.push(format!("{at} >= ${next} and {at} <= ${}", next + 1));
    }
    let limit_at = if window { next + 2 } else { next };
    let sql = format!(
        r"select p.number, p.title, p.description, p.category_id, cat.name as category_name, p.status, p.deadline,
                 p.public_reply,
                 lu.name as lead_unit_name, p.created_at, p.updated_at, p.assigned_at, p.closed_at, p.reopened_at,
                 (select fa.address from feedback fa where fa.problem_id = p.id and fa.address is not null
                  order by fa.id limit 1) as address,
                 (select fp.latitude from feedback fp where fp.problem_id = p.id and fp.latitude is not null
                  order by fp.id limit 1) as latitude,
                 (select fq.longitude from feedback fq where fq.problem_id = p.id and fq.latitude is not null
                  order by fq.id limit 1) as longitude
          from problems p
          join units ou on ou.id = p.owner_unit_id
          left join categories cat on cat.id = p.category_id
          left join units lu on lu.id = p.lead_unit_id
          where {}
          order by p.created_at desc, p.id desc limit ${limit_at} offset ${}",
        conds.join(" and "),
        limit_at + 1
    );
    let prefix = format!("{}%", f.unit_path);
    with_conn!(c, |c| {
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(true).bind(&prefix);
        for id in &ids {
            q = q.bind(*id);
        }
        for t in &texts {
            q = q.bind(t);
        }
        if window {
            q = q.bind(f.from).bind(f.until);
        }
        q.bind(f.limit).bind(f.offset).fetch_all(&mut *c).await.map_err(db_err)
    })
}
