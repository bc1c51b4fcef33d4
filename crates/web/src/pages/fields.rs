//! Reading the fields of an HTML form or a page's query string, where every value is a string and
//! a blank one means "not given". Each bad value gets the same error the API gives for it.

use chrono::NaiveDate;
use serde::de::{DeserializeOwned, IntoDeserializer};

/// The value, trimmed, when it is not blank.
pub(super) fn filled(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// The value as owned text, when it is not blank.
pub(super) fn text(v: &Option<String>) -> Option<String> {
    filled(v).map(str::to_string)
}

/// A number such as an id; the caller wraps it in its typed id.
pub(super) fn number(v: &Option<String>, field: &str) -> Result<Option<i64>, domain::Error> {
    filled(v)
        .map(|s| {
            s.parse()
                .map_err(|_| domain::Error::invalid(field, format!("“{s}”不是编号"), format!("\"{s}\" is not an id")))
        })
        .transpose()
}

/// A date as a date input sends it (`2026-12-04`).
pub(super) fn date(v: &Option<String>, field: &str) -> Result<Option<NaiveDate>, domain::Error> {
    filled(v)
        .map(|s| {
            NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map_err(|_| domain::Error::invalid(field, format!("“{s}”不是日期"), format!("\"{s}\" is not a date")))
        })
        .transpose()
}

/// A value of one of the domain's vocabularies (a status, a colour, a channel…), read through its
/// own parse, so that the wire name and the Chinese label both work and anything else is refused
/// naming the values it could be.
pub(super) fn choice<T: DeserializeOwned>(v: &Option<String>, field: &str) -> Result<Option<T>, domain::Error> {
    filled(v).map(|s| parse_choice(s, field)).transpose()
}

/// [`choice`] for a value that must be given.
pub(super) fn parse_choice<T: DeserializeOwned>(s: &str, field: &str) -> Result<T, domain::Error> {
    T::deserialize(s.into_deserializer()).map_err(|e: serde::de::value::Error| {
        domain::Error::from_deserializer(&e.to_string(), Some(field)).unwrap_or_else(|| {
            domain::Error::invalid(field, format!("未知取值“{s}”"), format!("unknown value \"{s}\""))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::supervision::Colour;

    #[test]
    fn a_blank_field_is_not_given_and_a_bad_one_is_refused_naming_the_field() {
        assert_eq!(choice::<Colour>(&Some("  ".into()), "colour").unwrap(), None);
        assert_eq!(choice::<Colour>(&Some("红色".into()), "colour").unwrap(), Some(Colour::Red));
        assert_eq!(choice::<Colour>(&Some("red".into()), "colour").unwrap(), Some(Colour::Red));
        let e = choice::<Colour>(&Some("purple".into()), "colour").unwrap_err();
        assert_eq!(e.code(), domain::Code::ValidationFailed);
        assert!(e.to_string().contains("purple"), "{e}");
        assert!(matches!(&e, domain::Error::Invalid { field, .. } if field == "colour"));
        assert!(number(&Some("x1".into()), "unit_id").is_err());
        assert_eq!(number(&Some(" 7 ".into()), "unit_id").unwrap(), Some(7));
        assert!(date(&Some("2026-13-01".into()), "deadline").is_err());
    }
}
