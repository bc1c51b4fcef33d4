//! Open311 GeoReport v2: the rules of the specification that do not depend on storage — the
//! attribute types of a service definition and how a posted value is checked against them, what
//! a posted request must carry, the two statuses and the extended list, the date window of a
//! request list, and the errors in the form the specification gives them.

use crate::problem::vocabulary;
use crate::workflow::Status;
use chrono::{DateTime, Duration, Utc};

vocabulary!(
    /// An attribute's datatype in a service definition.
    AttributeType, "datatype" {
        String = "string" / "单行文本",
        Number = "number" / "数字",
        Datetime = "datetime" / "日期时间",
        Text = "text" / "多行文本",
        /// One value from the list.
        SingleValueList = "singlevaluelist" / "单选",
        /// Any number of values from the list.
        MultiValueList = "multivaluelist" / "多选",
    }
);

impl AttributeType {
    pub fn is_list(self) -> bool {
        matches!(self, AttributeType::SingleValueList | AttributeType::MultiValueList)
    }
}

/// One choice of a list attribute.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct AttributeValue {
    pub key: String,
    pub name: String,
}

/// 服务字段: a field a category (an Open311 service) asks of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    pub code: String,
    /// False: display-only text, nothing to answer.
    pub variable: bool,
    pub datatype: AttributeType,
    pub required: bool,
    pub datatype_description: Option<String>,
    /// Its place in the form, from 1, unique within the service.
    pub order: u32,
    pub description: String,
    pub values: Vec<AttributeValue>,
}

/// The longest description a request may carry.
pub const MAX_DESCRIPTION: usize = 4000;
/// The longest span `start_date`…`end_date` of a request list, and its default.
pub const MAX_SPAN_DAYS: i64 = 90;
/// The most requests one list returns.
pub const MAX_REQUESTS: usize = 1000;

/// An error as the specification gives it: an HTTP status (400, 403 or 404) and, in the body, a
/// code and a description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Open311Error {
    pub status: u16,
    pub code: u16,
    pub description: String,
}

impl Open311Error {
    pub fn bad(description: impl Into<String>) -> Self {
        Self { status: 400, code: 400, description: description.into() }
    }
    pub fn forbidden(description: impl Into<String>) -> Self {
        Self { status: 403, code: 403, description: description.into() }
    }
    pub fn not_found(description: impl Into<String>) -> Self {
        Self { status: 404, code: 404, description: description.into() }
    }
}

pub type Checked<T> = std::result::Result<T, Open311Error>;

/// Checks the values posted for one attribute (`attribute[code]`, or `attribute[code][]` for a
/// multivaluelist) against its definition; the values to keep.
pub fn check_attribute(a: &Attribute, posted: &[String]) -> Checked<Vec<String>> {
    let posted: Vec<String> = posted.iter().map(|v| v.trim().to_string()).filter(|v| !v.is_empty()).collect();
    if !a.variable {
        return Ok(Vec::new());
    }
    if posted.is_empty() {
        return if a.required {
            Err(Open311Error::bad(format!("attribute[{}] is required", a.code)))
        } else {
            Ok(posted)
        };
    }
    if posted.len() > 1 && a.datatype != AttributeType::MultiValueList {
        return Err(Open311Error::bad(format!("attribute[{}] takes one value", a.code)));
    }
    for v in &posted {
        let fits = match a.datatype {
            AttributeType::Number => v.parse::<f64>().is_ok_and(f64::is_finite),
            AttributeType::Datetime => DateTime::parse_from_rfc3339(v).is_ok(),
            AttributeType::String => v.chars().count() <= 500,
            AttributeType::Text => v.chars().count() <= MAX_DESCRIPTION,
            AttributeType::SingleValueList | AttributeType::MultiValueList => a.values.iter().any(|x| x.key == *v),
        };
        if !fits {
            let what = match a.datatype {
                AttributeType::Number => "a number".to_string(),
                AttributeType::Datetime => "a date and time like 2026-12-07T09:30:00+08:00".to_string(),
                AttributeType::String => "at most 500 characters".to_string(),
                AttributeType::Text => format!("at most {MAX_DESCRIPTION} characters"),
                _ => format!("one of {}", a.values.iter().map(|x| x.key.as_str()).collect::<Vec<_>>().join(", ")),
            };
            return Err(Open311Error::bad(format!("attribute[{}] must be {what}", a.code)));
        }
    }
    Ok(posted)
}

/// Where a posted request is: a point, an address, or an address id (at least one).
#[derive(Debug, Clone, PartialEq)]
pub struct Location {
    pub point: Option<(f64, f64)>,
    pub address: Option<String>,
    pub address_id: Option<String>,
}

/// Reads the location of a posted request: `lat` and `long` always together, in WGS84 range.
pub fn location(
    lat: Option<&str>,
    long: Option<&str>,
    address: Option<&str>,
    address_id: Option<&str>,
) -> Checked<Location> {
    let present = |v: Option<&str>| v.map(str::trim).filter(|v| !v.is_empty()).map(str::to_string);
    let coordinate = |name: &str, v: &str, limit: f64| -> Checked<f64> {
        match v.parse::<f64>() {
            Ok(x) if x.is_finite() && x.abs() <= limit => Ok(x),
            _ => Err(Open311Error::bad(format!("{name} must be a number from -{limit} to {limit}, not \"{v}\""))),
        }
    };
    let point = match (present(lat), present(long)) {
        (Some(la), Some(lo)) => Some((coordinate("lat", &la, 90.0)?, coordinate("long", &lo, 180.0)?)),
        (None, None) => None,
        _ => return Err(Open311Error::bad("lat and long are given together")),
    };
    let loc = Location { point, address: present(address), address_id: present(address_id) };
    if loc.point.is_none() && loc.address.is_none() && loc.address_id.is_none() {
        return Err(Open311Error::bad("a location is required: lat and long, address_string or address_id"));
    }
    Ok(loc)
}

/// Checks a posted description: at most 4,000 characters of plain text (no markup).
pub fn description(text: &str) -> Checked<String> {
    let text = text.trim();
    if text.chars().count() > MAX_DESCRIPTION {
        return Err(Open311Error::bad(format!("description is longer than {MAX_DESCRIPTION} characters")));
    }
    if looks_like_markup(text) {
        return Err(Open311Error::bad("description must be plain text, without HTML"));
    }
    Ok(text.to_string())
}

/// Whether text carries an HTML tag, comment or character reference.
fn looks_like_markup(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.windows(2).any(|w| w[0] == b'<' && (w[1].is_ascii_alphabetic() || w[1] == b'/' || w[1] == b'!'))
        || text.split('&').skip(1).any(|rest| {
            let entity: String = rest.chars().take_while(|c| *c != ';').take(10).collect();
            rest.len() > entity.len()
                && rest[entity.len()..].starts_with(';')
                && !entity.is_empty()
                && entity.chars().all(|c| c.is_ascii_alphanumeric() || c == '#')
        })
}

/// The extended status list (as FixMyStreet and others send it), beside the two of the
/// specification.
pub const EXTENDED_STATUSES: &[&str] = &[
    "OPEN",
    "FOR_TRIAGE",
    "INVESTIGATING",
    "IN_PROGRESS",
    "ACTION_SCHEDULED",
    "FIXED",
    "DUPLICATE",
    "NO_FURTHER_ACTION",
    "CLOSED",
    "REOPEN",
];

/// A request's status as the specification names it (`open` or `closed`) and in the extended
/// list, from its problem's status (none: not yet on the problem list).
pub fn status_of(problem: Option<Status>, has_deadline: bool, reopened: bool) -> (&'static str, &'static str) {
    match problem {
        None => ("open", "FOR_TRIAGE"),
        Some(Status::New) => ("open", "INVESTIGATING"),
        Some(Status::Assigned | Status::Submitted) if reopened => ("open", "REOPEN"),
        Some(Status::Assigned) if has_deadline => ("open", "ACTION_SCHEDULED"),
        Some(Status::Assigned | Status::Submitted) => ("open", "IN_PROGRESS"),
        Some(Status::Closed) => ("closed", "FIXED"),
        Some(Status::Merged) => ("closed", "DUPLICATE"),
        Some(Status::Dismissed) => ("closed", "NO_FURTHER_ACTION"),
    }
}

/// The `status` filter of a request list: `open`, `closed` or extended names, comma-separated.
pub fn status_filter(text: &str) -> Checked<Vec<String>> {
    let mut out = Vec::new();
    for s in text.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let lower = s.to_ascii_lowercase();
        if lower == "open" || lower == "closed" {
            out.push(lower);
        } else if let Some(ext) = EXTENDED_STATUSES.iter().find(|e| e.eq_ignore_ascii_case(s)) {
            out.push((*ext).to_string());
        } else {
            return Err(Open311Error::bad(format!(
                "status \"{s}\" is not open, closed or one of {}",
                EXTENDED_STATUSES.join(", ")
            )));
        }
    }
    Ok(out)
}

/// The window of a request list: `start_date` and `end_date` as given (W3C date-times), at most
/// 90 days apart; without them the 90 days up to `now` (or after the start, or before the end).
pub fn window(start: Option<&str>, end: Option<&str>, now: DateTime<Utc>) -> Checked<(DateTime<Utc>, DateTime<Utc>)> {
    let parse = |name: &str, v: &str| -> Checked<DateTime<Utc>> {
        DateTime::parse_from_rfc3339(v.trim()).map(|d| d.with_timezone(&Utc)).map_err(|_| {
            Open311Error::bad(format!("{name} must be a W3C date and time like 2026-12-07T00:00:00+08:00, not \"{v}\""))
        })
    };
    let span = Duration::days(MAX_SPAN_DAYS);
    let start = start.map(str::trim).filter(|v| !v.is_empty()).map(|v| parse("start_date", v)).transpose()?;
    let end = end.map(str::trim).filter(|v| !v.is_empty()).map(|v| parse("end_date", v)).transpose()?;
    let (start, end) = match (start, end) {
        (Some(s), Some(e)) => (s, e),
        (Some(s), None) => (s, (s + span).min(now.max(s))),
        (None, Some(e)) => (e - span, e),
        (None, None) => (now - span, now),
    };
    if end < start {
        return Err(Open311Error::bad("end_date is before start_date"));
    }
    if end - start > span {
        return Err(Open311Error::bad(format!("start_date and end_date are more than {MAX_SPAN_DAYS} days apart")));
    }
    Ok((start, end))
}

/// A refusal of the ledger's own, in the specification's form: not found is 404, a refused key
/// 403, our fault 500 (kept whole in the log by the caller), anything else 400.
impl From<&crate::Error> for Open311Error {
    fn from(e: &crate::Error) -> Self {
        use crate::error::Code;
        let status = match e.code() {
            Code::NotFound => 404,
            Code::Forbidden | Code::Unauthenticated => 403,
            Code::Internal => 500,
            _ => 400,
        };
        let description = if status == 500 { "internal error".to_string() } else { e.message().en };
        Self { status, code: status, description }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(datatype: AttributeType, required: bool) -> Attribute {
        Attribute {
            code: "kind".into(),
            variable: true,
            datatype,
            required,
            datatype_description: None,
            order: 1,
            description: "什么灯".into(),
            values: vec![
                AttributeValue { key: "street".into(), name: "路灯".into() },
                AttributeValue { key: "yard".into(), name: "院灯".into() },
            ],
        }
    }

    fn v(values: &[&str]) -> Vec<String> {
        values.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn attributes_are_checked_against_their_definition() {
        let single = list(AttributeType::SingleValueList, true);
        assert_eq!(check_attribute(&single, &v(&["yard"])).unwrap(), ["yard"]);
        assert!(check_attribute(&single, &v(&["moon"])).unwrap_err().description.contains("street, yard"));
        assert!(check_attribute(&single, &v(&["street", "yard"])).is_err());
        assert!(check_attribute(&single, &v(&[" "])).unwrap_err().description.contains("required"));
        let multi = list(AttributeType::MultiValueList, false);
        assert_eq!(check_attribute(&multi, &v(&["street", "yard"])).unwrap().len(), 2);
        assert!(check_attribute(&multi, &[]).unwrap().is_empty());
        let number = Attribute { datatype: AttributeType::Number, ..list(AttributeType::Number, true) };
        assert!(check_attribute(&number, &v(&["3.5"])).is_ok());
        assert!(check_attribute(&number, &v(&["three"])).is_err());
        let when = Attribute { datatype: AttributeType::Datetime, ..number.clone() };
        assert!(check_attribute(&when, &v(&["2026-12-07T09:30:00+08:00"])).is_ok());
        assert!(check_attribute(&when, &v(&["yesterday"])).is_err());
        let shown = Attribute { variable: false, ..number };
        assert!(check_attribute(&shown, &v(&["ignored"])).unwrap().is_empty(), "display-only text takes nothing");
    }

    #[test]
    fn a_location_is_a_point_an_address_or_an_address_id() {
        let p = location(Some("30.27"), Some("120.15"), None, None).unwrap();
        assert_eq!(p.point, Some((30.27, 120.15)));
        assert!(location(None, None, Some("和平路12号"), None).unwrap().address.is_some());
        assert!(location(None, None, None, Some("A-17")).is_ok());
        for (lat, long) in [("91", "120"), ("30", "181"), ("north", "120"), ("NaN", "1")] {
            assert_eq!(location(Some(lat), Some(long), None, None).unwrap_err().status, 400, "{lat},{long}");
        }
        assert!(location(Some("30"), None, Some("x"), None).is_err(), "lat without long");
        assert!(location(None, Some(""), None, None).unwrap_err().description.contains("location is required"));
    }

    #[test]
    fn a_description_is_plain_text_of_at_most_4000_characters() {
        assert_eq!(description(" 路灯坏了 <3 个月, a < b & c ").unwrap(), "路灯坏了 <3 个月, a < b & c");
        assert!(description(&"灯".repeat(4000)).is_ok());
        assert!(description(&"灯".repeat(4001)).is_err());
        for html in ["<b>路灯</b>", "路灯<script>x</script>", "</p>", "<!-- x -->", "a &amp; b", "&#60;b&#62;"] {
            assert!(description(html).unwrap_err().description.contains("HTML"), "{html}");
        }
    }

    #[test]
    fn statuses_and_their_filter() {
        assert_eq!(status_of(None, false, false), ("open", "FOR_TRIAGE"));
        assert_eq!(status_of(Some(Status::Assigned), true, false), ("open", "ACTION_SCHEDULED"));
        assert_eq!(status_of(Some(Status::Assigned), true, true), ("open", "REOPEN"));
        assert_eq!(status_of(Some(Status::Closed), true, false), ("closed", "FIXED"));
        assert_eq!(status_of(Some(Status::Merged), false, false), ("closed", "DUPLICATE"));
        assert_eq!(status_filter("open, Fixed").unwrap(), ["open", "FIXED"]);
        assert!(status_filter("maybe").is_err());
    }

    #[test]
    fn a_window_is_ninety_days_at_most_and_by_default() {
        let now = DateTime::parse_from_rfc3339("2026-12-07T12:00:00Z").unwrap().with_timezone(&Utc);
        let (s, e) = window(None, None, now).unwrap();
        assert_eq!((e - s).num_days(), 90);
        assert_eq!(e, now);
        let (s, e) = window(Some("2026-10-01T00:00:00+08:00"), Some("2026-11-01T00:00:00+08:00"), now).unwrap();
        assert_eq!((e - s).num_days(), 31);
        assert!(window(Some("2026-01-01T00:00:00Z"), Some("2026-06-01T00:00:00Z"), now).is_err());
        assert!(window(Some("2026-11-01T00:00:00Z"), Some("2026-10-01T00:00:00Z"), now).is_err());
        assert!(window(Some("last week"), None, now).unwrap_err().description.contains("start_date"));
    }
}
