//! Units, leaders and categories found by the names a sheet gives them; for a name that matches
//! none, the nearest names are suggested (a typo, a short form, an old name).

use domain::{CategoryId, Msg, UnitId, UserId};
use sheets::normalise_name;

/// Names and what they name, of one kind.
pub(crate) struct NameList<T> {
    /// What the list holds: 单位 / unit.
    what: (&'static str, &'static str),
    entries: Vec<(String, T)>,
}

impl<T: Copy + PartialEq> NameList<T> {
    pub(crate) fn new(what: (&'static str, &'static str), entries: impl IntoIterator<Item = (String, T)>) -> Self {
        Self { what, entries: entries.into_iter().map(|(n, v)| (normalise_name(&n), v)).collect() }
    }

    /// The one entry of that name; otherwise why not, with the nearest names.
    pub(crate) fn find(&self, name: &str) -> Result<T, Msg> {
        let wanted = normalise_name(name);
        let mut found = self.entries.iter().filter(|(n, _)| *n == wanted).map(|(_, v)| *v);
        match (found.next(), found.next()) {
            (Some(v), None) => Ok(v),
            (Some(_), Some(_)) => Err(Msg::new(
                format!("有多个名为“{name}”的{}，请在系统中改名区分后再导入", self.what.0),
                format!("several {}s are named \"{name}\"; rename them apart first", self.what.1),
            )),
            (None, _) => {
                let near = self.nearest(&wanted);
                if near.is_empty() {
                    Err(Msg::new(
                        format!("没有名为“{name}”的{}", self.what.0),
                        format!("no {} is named \"{name}\"", self.what.1),
                    ))
                } else {
                    Err(Msg::new(
                        format!("没有名为“{name}”的{}，是否指：{}？", self.what.0, near.join("、")),
                        format!("no {} is named \"{name}\"; did you mean {}?", self.what.1, near.join(", ")),
                    ))
                }
            }
        }
    }

    /// Up to three names closest to `wanted`: those that contain it or that it contains first,
    /// then by edit distance over characters.
    fn nearest(&self, wanted: &str) -> Vec<String> {
        let mut scored: Vec<(f64, &str)> = self
            .entries
            .iter()
            .map(|(n, _)| {
                let contains = !wanted.is_empty() && (n.contains(wanted) || wanted.contains(n.as_str()));
                let score = strsim::normalized_levenshtein(n, wanted) + if contains { 1.0 } else { 0.0 };
                (score, n.as_str())
            })
            .filter(|(score, _)| *score >= 0.34)
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
        let mut out: Vec<String> = Vec::new();
        for (_, n) in scored {
            if !out.iter().any(|o| o == n) {
                out.push(n.to_string());
            }
            if out.len() == 3 {
                break;
            }
        }
        out
    }
}

/// What a ledger's names can name.
pub(crate) struct Directory {
    pub units: NameList<UnitId>,
    pub leaders: NameList<UserId>,
    pub categories: NameList<CategoryId>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn units() -> NameList<u8> {
        NameList::new(
            ("单位", "unit"),
            [
                ("城市管理局".to_string(), 1),
                ("市场监管局".to_string(), 2),
                ("办公室".to_string(), 3),
                ("办公室".to_string(), 4),
            ],
        )
    }

    #[test]
    fn a_name_finds_its_entry_and_a_miss_suggests_the_nearest() {
        assert_eq!(units().find(" 城市管理局 "), Ok(1));
        let miss = units().find("城管局").unwrap_err();
        assert!(miss.zh.contains("是否指：城市管理局"), "{}", miss.zh);
        let short = units().find("市场监管").unwrap_err();
        assert!(short.zh.contains("是否指：市场监管局"), "{}", short.zh);
        assert!(!units().find("教育局教育局教育局").unwrap_err().zh.contains("是否指"));
        assert!(units().find("办公室").unwrap_err().zh.contains("多个"));
    }
}
