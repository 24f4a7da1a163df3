//! `docs/lint.md` stays complete: a row for every place upstream's `validate.go` returns an
//! error, each row's line inside the function it names, every rule id in the tables, every test
//! a row names existing, and every fixture of `tests/fixtures/validate` named by a row.

use std::path::Path;

use argo_model::lint::Rule;

/// Upstream's `validate.go` (f016ad89), vendored in `tests/fixtures/upstream-source`.
fn validate_go() -> String {
    let file =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/upstream-source/validate.go");
    std::fs::read_to_string(&file)
        .unwrap_or_else(|e| panic!("the vendored {} is missing: {e}", file.display()))
}

/// A row of the table of upstream checks: line, function, rules, tests.
struct Row {
    line: usize,
    function: String,
    rules: Vec<String>,
    tests: Vec<String>,
}

/// The backticked words of a table cell.
fn ticked(cell: &str) -> Vec<String> {
    cell.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

fn rows(doc: &str) -> Vec<Row> {
    doc.lines()
        .filter_map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            // | line | function | check | rule | test |
            let line = cells.get(1)?.parse().ok()?;
            Some(Row {
                line,
                function: ticked(cells.get(2)?).into_iter().next()?,
                rules: ticked(cells.get(4)?),
                tests: ticked(cells.get(5)?),
            })
        })
        .collect()
}

/// The functions of a Go file with the lines they span (1-based, inclusive).
fn functions(go: &str) -> Vec<(String, usize, usize)> {
    let mut out: Vec<(String, usize, usize)> = Vec::new();
    for (i, l) in go.lines().enumerate() {
        if let Some(rest) = l.strip_prefix("func ") {
            // `func (recv) name(` or `func name(`
            let rest = if rest.starts_with('(') {
                rest.split_once(") ").map_or(rest, |(_, r)| r)
            } else {
                rest
            };
            let name = rest.split('(').next().unwrap_or_default().to_owned();
            if let Some(last) = out.last_mut() {
                last.2 = i;
            }
            out.push((name, i + 1, go.lines().count()));
        }
    }
    out
}

/// The lines where `validate.go` makes an error (not internal ones).
fn error_lines(go: &str) -> Vec<usize> {
    go.lines()
        .enumerate()
        .filter(|(_, l)| {
            (l.contains("errors.Errorf(errors.CodeBadRequest")
                || l.contains("errors.New(errors.CodeBadRequest")
                || l.contains("fmt.Errorf("))
                && !l.trim_start().starts_with("//")
        })
        .map(|(i, _)| i + 1)
        .collect()
}

/// Whether a test a row names exists: a fixture file, or a `fn` of the crate.
fn test_exists(name: &str, sources: &str) -> bool {
    if let Some(fixture) = name.strip_prefix("fixtures/validate/") {
        return super::validate_fixtures::fixtures()
            .iter()
            .any(|p| p.file_stem().is_some_and(|s| s == fixture));
    }
    let f = name.rsplit("::").next().unwrap_or_default();
    !f.is_empty() && sources.contains(&format!("fn {f}()"))
}

/// Every `.rs` file of the crate, concatenated.
fn crate_sources() -> String {
    fn walk(dir: &Path, out: &mut String) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|e| e == "rs") {
                out.push_str(&std::fs::read_to_string(&p).unwrap());
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = String::new();
    walk(&root.join("src"), &mut out);
    walk(&root.join("tests"), &mut out);
    out
}

#[test]
fn docs_lint_md_is_complete() {
    let doc =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/lint.md"))
            .unwrap();
    let rows = rows(&doc);
    assert!(rows.len() > 100, "{} rows", rows.len());
    let sources = crate_sources();
    let mut bad = Vec::new();
    for r in &rows {
        for t in &r.tests {
            if !test_exists(t, &sources) {
                bad.push(format!("line {}: test `{t}` does not exist", r.line));
            }
        }
        if r.tests.is_empty() {
            bad.push(format!("line {}: no test", r.line));
        }
        for rule in &r.rules {
            if !Rule::ALL.iter().any(|x| x.as_str() == rule) {
                bad.push(format!("line {}: `{rule}` is no rule", r.line));
            }
        }
    }
    for rule in Rule::ALL {
        if !doc.contains(&format!("`{}`", rule.as_str())) {
            bad.push(format!("rule `{rule}` is not in docs/lint.md"));
        }
    }
    for f in super::validate_fixtures::fixtures() {
        let stem = f.file_stem().unwrap().to_string_lossy().into_owned();
        if !doc.contains(&format!("fixtures/validate/{stem}`"))
            && !doc.contains(&format!("`{stem}`"))
        {
            bad.push(format!("fixture {stem} is named by no row"));
        }
    }
    {
        let go = validate_go();
        let funcs = functions(&go);
        for line in error_lines(&go) {
            if !rows.iter().any(|r| r.line == line) {
                bad.push(format!("validate.go:{line} has no row"));
            }
        }
        for r in &rows {
            let inside = funcs
                .iter()
                .find(|(_, a, b)| (*a..=*b).contains(&r.line))
                .map(|(n, _, _)| n.as_str());
            if inside != Some(r.function.as_str()) {
                bad.push(format!(
                    "line {} is in {inside:?}, not `{}`",
                    r.line, r.function
                ));
            }
        }
    }
    assert!(bad.is_empty(), "docs/lint.md:\n{}", bad.join("\n"));
}
