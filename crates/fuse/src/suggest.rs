//! Nearest-name suggestions for error messages, and counted nouns for messages.

/// `n` with its noun, singular for 1 (`1 node`, `2 nodes`).
pub(crate) fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The candidates closest to `name`, best first (at most `n`), by normalised Damerau-Levenshtein
/// similarity; ties keep the candidates' order. Deterministic for a given candidate order.
pub(crate) fn nearest<'a, I>(name: &str, candidates: I, n: usize) -> Vec<String>
where
    I: IntoIterator<Item = &'a str>,
{
    let mut scored: Vec<(f64, usize, &str)> = candidates
        .into_iter()
        .enumerate()
        .map(|(i, c)| (strsim::normalized_damerau_levenshtein(name, c), i, c))
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut out: Vec<String> = Vec::with_capacity(n);
    for (_, _, c) in scored {
        if out.len() == n {
            break;
        }
        if !out.iter().any(|o| o == c) {
            out.push(c.to_owned());
        }
    }
    out
}

/// The single candidate closest to `name`, if any.
pub(crate) fn nearest_one<'a, I>(name: &str, candidates: I) -> Option<String>
where
    I: IntoIterator<Item = &'a str>,
{
    nearest(name, candidates, 1).into_iter().next()
}

/// Formats a list of names as `` `a`, `b` `` (or `(none)`).
pub(crate) fn list(names: &[String]) -> String {
    if names.is_empty() {
        "(none)".to_owned()
    } else {
        names
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_the_closest_first() {
        let c = ["namespace", "deployment", "runner"];
        assert_eq!(nearest_one("nmespace", c), Some("namespace".to_owned()));
        assert_eq!(nearest("runer", c, 2)[0], "runner");
        assert_eq!(nearest_one("x", std::iter::empty()), None);
    }

    #[test]
    fn lists_names() {
        assert_eq!(list(&[]), "(none)");
        assert_eq!(list(&["a".into(), "b".into()]), "`a`, `b`");
    }
}
