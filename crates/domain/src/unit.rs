//! 单位: the unit tree (organisation → departments → sub-units). Visibility follows the tree, so a
//! unit carries its materialised path of ids from the root.

use crate::{Error, Result, UnitId};

/// The path of ids from the root to a unit, as `/1/4/9/`. A unit's subtree is every unit whose path
/// starts with its own.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(transparent)]
pub struct UnitPath(String);

impl UnitPath {
    pub fn root(id: UnitId) -> Self {
        Self(format!("/{id}/"))
    }

    pub fn child(&self, id: UnitId) -> Self {
        Self(format!("{}{id}/", self.0))
    }

    /// Reads a stored path; refuses anything that is not `/n/n/…/`.
    pub fn parse(s: &str) -> Result<Self> {
        let ok = s.len() >= 3
            && s.starts_with('/')
            && s.ends_with('/')
            && s[1..s.len() - 1].split('/').all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
        if ok { Ok(Self(s.to_string())) } else { Err(Error::internal(format!("malformed unit path {s:?}"))) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether `other` is this unit or lies below it.
    pub fn contains(&self, other: &UnitPath) -> bool {
        other.0.starts_with(&self.0)
    }

    pub fn depth(&self) -> usize {
        self.0.matches('/').count() - 1
    }

    /// The ids from the root down to this unit.
    pub fn ids(&self) -> Vec<UnitId> {
        self.0.split('/').filter_map(|p| p.parse::<i64>().ok()).map(UnitId::new).collect()
    }
}

/// A unit's name: one line, 1–100 characters.
pub fn unit_name(value: &str) -> Result<String> {
    let name = crate::text::title("name", value)?;
    if name.chars().count() > 100 {
        return Err(Error::invalid("name", "单位名称不能超过100字", "a unit name is at most 100 characters"));
    }
    Ok(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_unit_contains_itself_and_its_descendants_but_not_its_siblings() {
        let city = UnitPath::root(UnitId::new(1));
        let dept = city.child(UnitId::new(4));
        let sub = dept.child(UnitId::new(9));
        let other = city.child(UnitId::new(41));
        assert!(city.contains(&sub) && dept.contains(&sub) && dept.contains(&dept));
        assert!(!dept.contains(&other) && !sub.contains(&dept));
        assert_eq!(sub.as_str(), "/1/4/9/");
        assert_eq!(sub.depth(), 3);
        assert_eq!(sub.ids(), vec![UnitId::new(1), UnitId::new(4), UnitId::new(9)]);
    }

    #[test]
    fn a_prefix_that_is_not_a_whole_id_does_not_count_as_an_ancestor() {
        let four = UnitPath::parse("/1/4/").unwrap();
        let forty = UnitPath::parse("/1/41/").unwrap();
        assert!(!four.contains(&forty));
    }

    #[test]
    fn malformed_paths_are_refused() {
        for bad in ["", "/", "1/2/", "/1/x/", "/1//2/"] {
            assert!(UnitPath::parse(bad).is_err(), "{bad:?}");
        }
    }
}
