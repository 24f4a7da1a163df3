//! The `depends` expressions of DAG tasks (`a && (b.Succeeded || c.Failed)`, `!d`), parsed once
//! and evaluated against the statuses of sibling tasks.

use std::fmt;

/// The outcome of a finished task as `depends` sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    Succeeded,
    Failed,
    Errored,
    Omitted,
    Skipped,
}

/// A result a `depends` operand may test (`task.Result`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Test {
    /// A bare task name: `Succeeded || Skipped || Daemoned`.
    Bare,
    Succeeded,
    Failed,
    Errored,
    Skipped,
    Omitted,
    Daemoned,
}

/// A parsed `depends` expression over task indices `T`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Expr<T> {
    Task(T, Test),
    Not(Box<Expr<T>>),
    And(Box<Expr<T>>, Box<Expr<T>>),
    Or(Box<Expr<T>>, Box<Expr<T>>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
/// Why a `depends` expression could not be parsed (for example `a &` or `a.Bogus`).
pub struct DependsSyntax(String);

impl fmt::Display for DependsSyntax {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DependsSyntax {}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Name(String),
    And,
    Or,
    Not,
    Open,
    Close,
}

fn lex(text: &str) -> Result<Vec<Tok>, DependsSyntax> {
    let mut toks = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            c if c.is_whitespace() => {}
            '(' => toks.push(Tok::Open),
            ')' => toks.push(Tok::Close),
            '!' => toks.push(Tok::Not),
            '&' | '|' => {
                if chars.next().map(|(_, d)| d) != Some(c) {
                    return Err(DependsSyntax(format!("expected `{c}{c}` at offset {i}")));
                }
                toks.push(if c == '&' { Tok::And } else { Tok::Or });
            }
            c if c.is_ascii_alphanumeric() => {
                let mut name = String::from(c);
                while let Some(&(_, d)) = chars.peek() {
                    if d.is_ascii_alphanumeric() || d == '-' || d == '.' || d == '_' {
                        name.push(d);
                        chars.next();
                    } else {
                        break;
                    }
                }
                toks.push(Tok::Name(name));
            }
            c => return Err(DependsSyntax(format!("unexpected `{c}` at offset {i}"))),
        }
    }
    Ok(toks)
}

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }

    fn or(&mut self) -> Result<Expr<String>, DependsSyntax> {
        let mut left = self.and()?;
        while self.peek() == Some(&Tok::Or) {
            self.pos += 1;
            left = Expr::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Expr<String>, DependsSyntax> {
        let mut left = self.unary()?;
        while self.peek() == Some(&Tok::And) {
            self.pos += 1;
            left = Expr::And(Box::new(left), Box::new(self.unary()?));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Expr<String>, DependsSyntax> {
        let tok = self.toks.get(self.pos).cloned();
        self.pos += 1;
        match tok {
            Some(Tok::Not) => Ok(Expr::Not(Box::new(self.unary()?))),
            Some(Tok::Open) => {
                let inner = self.or()?;
                if self.peek() != Some(&Tok::Close) {
                    return Err(DependsSyntax("missing `)`".into()));
                }
                self.pos += 1;
                Ok(inner)
            }
            Some(Tok::Name(name)) => operand(&name),
            Some(other) => Err(DependsSyntax(format!("unexpected {other:?}"))),
            None => Err(DependsSyntax("unexpected end of expression".into())),
        }
    }
}

fn operand(name: &str) -> Result<Expr<String>, DependsSyntax> {
    let (task, test) = match name.rsplit_once('.') {
        None => (name, Test::Bare),
        Some((task, result)) => {
            let test = match result {
                "Succeeded" => Test::Succeeded,
                "Failed" => Test::Failed,
                "Errored" => Test::Errored,
                "Skipped" => Test::Skipped,
                "Omitted" => Test::Omitted,
                "Daemoned" => Test::Daemoned,
                other => return Err(DependsSyntax(format!("unsupported task result `{other}`"))),
            };
            (task, test)
        }
    };
    Ok(Expr::Task(task.to_owned(), test))
}

/// Parses a `depends` expression; task operands stay names.
pub(crate) fn parse(text: &str) -> Result<Expr<String>, DependsSyntax> {
    let mut p = Parser {
        toks: lex(text)?,
        pos: 0,
    };
    let expr = p.or()?;
    if p.pos != p.toks.len() {
        return Err(DependsSyntax(format!("unexpected {:?}", p.toks[p.pos])));
    }
    Ok(expr)
}

impl<T> Expr<T> {
    /// The same expression with `f` applied to each task operand.
    pub(crate) fn try_map<U, E>(self, f: &mut impl FnMut(T) -> Result<U, E>) -> Result<Expr<U>, E> {
        Ok(match self {
            Self::Task(t, test) => Expr::Task(f(t)?, test),
            Self::Not(e) => Expr::Not(Box::new(e.try_map(f)?)),
            Self::And(a, b) => Expr::And(Box::new(a.try_map(f)?), Box::new(b.try_map(f)?)),
            Self::Or(a, b) => Expr::Or(Box::new(a.try_map(f)?), Box::new(b.try_map(f)?)),
        })
    }

    /// The tasks the expression reads.
    pub(crate) fn tasks(&self) -> Vec<&T> {
        match self {
            Self::Task(t, _) => vec![t],
            Self::Not(e) => e.tasks(),
            Self::And(a, b) | Self::Or(a, b) => {
                let mut v = a.tasks();
                v.extend(b.tasks());
                v
            }
        }
    }

    /// The same expression with each bare operand `T` spelt out as upstream's
    /// `expandDependency` does: `(T.Succeeded || T.Skipped || T.Daemoned)`, plus `T.Errored` and
    /// `T.Failed` when `continue_on(T)` gives `(failed, error)` true.
    pub(crate) fn expand_bare(self, continue_on: &dyn Fn(&T) -> (bool, bool)) -> Self
    where
        T: Clone,
    {
        match self {
            Self::Task(t, Test::Bare) => {
                let (failed, error) = continue_on(&t);
                let mut tests = vec![Test::Succeeded, Test::Skipped, Test::Daemoned];
                if error {
                    tests.push(Test::Errored);
                }
                if failed {
                    tests.push(Test::Failed);
                }
                let mut parts = tests.into_iter().map(|test| Self::Task(t.clone(), test));
                let first = parts
                    .next()
                    .unwrap_or(Self::Task(t.clone(), Test::Succeeded));
                parts.fold(first, |acc, p| Self::Or(Box::new(acc), Box::new(p)))
            }
            Self::Task(t, test) => Self::Task(t, test),
            Self::Not(e) => Self::Not(Box::new(e.expand_bare(continue_on))),
            Self::And(a, b) => Self::And(
                Box::new(a.expand_bare(continue_on)),
                Box::new(b.expand_bare(continue_on)),
            ),
            Self::Or(a, b) => Self::Or(
                Box::new(a.expand_bare(continue_on)),
                Box::new(b.expand_bare(continue_on)),
            ),
        }
    }

    /// `a && b` of two optional expressions.
    pub(crate) fn and_opt(a: Option<Self>, b: Option<Self>) -> Option<Self> {
        match (a, b) {
            (Some(a), Some(b)) => Some(Self::And(Box::new(a), Box::new(b))),
            (a, b) => a.or(b),
        }
    }

    /// Evaluates with `outcome` of every operand; `None` if an operand has not finished.
    pub(crate) fn eval(&self, outcome: &impl Fn(&T) -> Option<Outcome>) -> Option<bool> {
        Some(match self {
            Self::Task(t, test) => {
                let o = outcome(t)?;
                match test {
                    Test::Bare | Test::Succeeded => o == Outcome::Succeeded,
                    Test::Failed => o == Outcome::Failed,
                    Test::Errored => o == Outcome::Errored,
                    Test::Omitted => o == Outcome::Omitted,
                    Test::Skipped => o == Outcome::Skipped,
                    Test::Daemoned => false,
                }
            }
            Self::Not(e) => !e.eval(outcome)?,
            Self::And(a, b) => {
                let (a, b) = (a.eval(outcome), b.eval(outcome));
                a? && b?
            }
            Self::Or(a, b) => {
                let (a, b) = (a.eval(outcome), b.eval(outcome));
                a? || b?
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eval(text: &str, f: impl Fn(&str) -> Option<Outcome>) -> Option<bool> {
        parse(text).unwrap().eval(&|t: &String| f(t))
    }

    #[test]
    fn expand_dependency_adds_continue_on_results() {
        // Upstream `expandDependency` (workflow/common/ancestry.go).
        let e = parse("a").unwrap().expand_bare(&|_| (true, false));
        assert_eq!(eval_expr(&e, Outcome::Failed), Some(true));
        assert_eq!(eval_expr(&e, Outcome::Errored), Some(false));
        assert_eq!(eval_expr(&e, Outcome::Omitted), Some(false));
        let e = parse("a").unwrap().expand_bare(&|_| (false, true));
        assert_eq!(eval_expr(&e, Outcome::Errored), Some(true));
        assert_eq!(eval_expr(&e, Outcome::Failed), Some(false));
        // An explicit result is left as written.
        let e = parse("a.Failed").unwrap().expand_bare(&|_| (false, false));
        assert_eq!(eval_expr(&e, Outcome::Failed), Some(true));
    }

    fn eval_expr(e: &Expr<String>, o: Outcome) -> Option<bool> {
        e.eval(&|_: &String| Some(o))
    }

    #[test]
    fn parses_precedence_and_results() {
        let e = parse("a && b.Failed || !(c)").unwrap();
        assert_eq!(e.tasks(), ["a", "b", "c"]);
        assert!(matches!(e, Expr::Or(..)));
        assert!(parse("a &").is_err());
        assert!(parse("a.Bogus").is_err());
        assert!(parse("(a").is_err());
        assert!(parse("a b").is_err());
    }

    #[test]
    fn evaluates_once_every_operand_finished() {
        use Outcome::{Failed, Omitted, Succeeded};
        assert_eq!(eval("a && b", |_| Some(Succeeded)), Some(true));
        assert_eq!(eval("a && b", |t| (t == "a").then_some(Succeeded)), None);
        assert_eq!(eval("a.Failed", |_| Some(Failed)), Some(true));
        assert_eq!(eval("a", |_| Some(Omitted)), Some(false));
        assert_eq!(
            eval("!a.Succeeded || a.Omitted", |_| Some(Omitted)),
            Some(true)
        );
        assert_eq!(
            eval("task-1.Succeeded", |t| (t == "task-1").then_some(Succeeded)),
            Some(true)
        );
    }
}
