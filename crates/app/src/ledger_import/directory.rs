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

    /// Up to three names closest to `wanted`. Short forms keep their characters in order (住建局
    /// for 住房和城乡建设局), so the share of `wanted`'s characters found in order in a name counts
    /// most; edit distance breaks ties.
    fn nearest(&self, wanted: &str) -> Vec<String> {
        let wanted_chars: Vec<char> = wanted.chars().collect();
        if wanted_chars.is_empty() {
            return Vec::new();
        }
        let mut scored: Vec<(f64, &str)> = self
            .entries
            .iter()
            .map(|(n, _)| {
                let name: Vec<char> = n.chars().collect();
                let in_order = common_in_order(&wanted_chars, &name) as f64 / wanted_chars.len() as f64;
                (in_order + 0.2 * strsim::normalized_levenshtein(n, wanted), n.as_str())
            })
            .filter(|(score, _)| *score >= 0.7)
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

/// The length of the longest run of `a`'s characters found in `b` in the same order.
fn common_in_order(a: &[char], b: &[char]) -> usize {
    let mut row = vec![0usize; b.len() + 1];
    for x in a {
        let mut diagonal = 0;
        for (j, y) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = if x == y { diagonal + 1 } else { row[j + 1].max(row[j]) };
            diagonal = above;
        }
    }
    row[b.len()]
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
                ("市住房和城乡建设局".to_string(), 5),
                ("市公安局".to_string(), 6),
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
        let short = units().find("市住建局").unwrap_err();
        assert!(short.zh.contains("是否指：市住房和城乡建设局"), "{}", short.zh);
        assert_eq!(common_in_order(&['a', 'c'], &['a', 'b', 'c']), 2);
    }
}
