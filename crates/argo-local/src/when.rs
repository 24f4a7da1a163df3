//! `when` conditions, as upstream's `shouldExecute` (steps.go) evaluates them with govaluate
//! after substitution: bare words are strings (`heads == heads`), numbers are floats, and
//! `== != < <= > >= =~ !~ && || !` and parentheses combine them.

/// Why a `when` condition cannot be evaluated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid 'when' expression '{when}': {reason}")]
pub struct WhenError {
    /// The condition, substituted.
    pub when: String,
    /// What is wrong.
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(f64),
    Str(String),
    Bool(bool),
    Op(&'static str),
}

#[derive(Debug, Clone, PartialEq)]
enum Val {
    Num(f64),
    Str(String),
    Bool(bool),
}

const OPS: &[&str] = &[
    "==", "!=", "<=", ">=", "=~", "!~", "&&", "||", "<", ">", "!", "(", ")",
];

fn lex(text: &str) -> Result<Vec<Tok>, String> {
    let mut toks = Vec::new();
    let mut rest = text.trim_start();
    while let Some(c) = rest.chars().next() {
        if let Some(op) = OPS.iter().find(|op| rest.starts_with(**op)) {
            toks.push(Tok::Op(op));
            rest = &rest[op.len()..];
        } else if c == '\'' || c == '"' {
            let end = rest[1..]
                .find(c)
                .ok_or_else(|| "unterminated string".to_owned())?;
            toks.push(Tok::Str(rest[1..=end].to_owned()));
            rest = &rest[end + 2..];
        } else {
            let end = rest
                .find(|ch: char| ch.is_whitespace() || "=!<>&|()'\"".contains(ch))
                .unwrap_or(rest.len());
            if end == 0 {
                return Err(format!("invalid token `{c}`"));
            }
            let word = &rest[..end];
            toks.push(match word {
                "true" => Tok::Bool(true),
                "false" => Tok::Bool(false),
                _ => word
                    .parse()
                    .map_or_else(|_| Tok::Str(word.to_owned()), Tok::Num),
            });
            rest = &rest[end..];
        }
        rest = rest.trim_start();
    }
    Ok(toks)
}

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
}

impl Parser {
    fn op(&self, op: &str) -> bool {
        matches!(self.toks.get(self.pos), Some(Tok::Op(o)) if *o == op)
    }

    fn or(&mut self) -> Result<Val, String> {
        let mut left = self.and()?;
        while self.op("||") {
            self.pos += 1;
            let right = self.and()?;
            left = Val::Bool(truth(&left)? || truth(&right)?);
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Val, String> {
        let mut left = self.compare()?;
        while self.op("&&") {
            self.pos += 1;
            let right = self.compare()?;
            left = Val::Bool(truth(&left)? && truth(&right)?);
        }
        Ok(left)
    }

    fn compare(&mut self) -> Result<Val, String> {
        let left = self.unary()?;
        let Some(Tok::Op(op)) = self.toks.get(self.pos).cloned() else {
            return Ok(left);
        };
        if !["==", "!=", "<", "<=", ">", ">=", "=~", "!~"].contains(&op) {
            return Ok(left);
        }
        self.pos += 1;
        let right = self.unary()?;
        compare(op, &left, &right).map(Val::Bool)
    }

    fn unary(&mut self) -> Result<Val, String> {
        if self.op("!") {
            self.pos += 1;
            return Ok(Val::Bool(!truth(&self.unary()?)?));
        }
        let tok = self.toks.get(self.pos).cloned();
        self.pos += 1;
        match tok {
            Some(Tok::Num(n)) => Ok(Val::Num(n)),
            Some(Tok::Str(s)) => Ok(Val::Str(s)),
            Some(Tok::Bool(b)) => Ok(Val::Bool(b)),
            Some(Tok::Op("(")) => {
                let v = self.or()?;
                if !self.op(")") {
                    return Err("missing `)`".into());
                }
                self.pos += 1;
                Ok(v)
            }
            Some(Tok::Op(o)) => Err(format!("unexpected `{o}`")),
            None => Err("unexpected end".into()),
        }
    }
}

fn truth(v: &Val) -> Result<bool, String> {
    match v {
        Val::Bool(b) => Ok(*b),
        other => Err(format!("{other:?} is not a boolean")),
    }
}

#[allow(clippy::float_cmp)]
fn compare(op: &str, a: &Val, b: &Val) -> Result<bool, String> {
    Ok(match (op, a, b) {
        ("==", a, b) => a == b,
        ("!=", a, b) => a != b,
        ("=~" | "!~", Val::Str(s), Val::Str(re)) => {
            let re = regex::Regex::new(re).map_err(|e| e.to_string())?;
            re.is_match(s) == (op == "=~")
        }
        (_, Val::Num(x), Val::Num(y)) => match op {
            "<" => x < y,
            "<=" => x <= y,
            ">" => x > y,
            _ => x >= y,
        },
        (_, Val::Str(x), Val::Str(y)) => match op {
            "<" => x < y,
            "<=" => x <= y,
            ">" => x > y,
            _ => x >= y,
        },
        _ => return Err(format!("cannot apply `{op}` to {a:?} and {b:?}")),
    })
}

/// Evaluates a substituted `when` condition (`shouldExecute`): empty is true.
pub(crate) fn should_execute(when: &str) -> Result<bool, WhenError> {
    let fail = |reason: String| WhenError {
        when: when.to_owned(),
        reason,
    };
    if when.trim().is_empty() {
        return Ok(true);
    }
    let mut p = Parser {
        toks: lex(when).map_err(fail)?,
        pos: 0,
    };
    let v = p.or().map_err(fail)?;
    if p.pos != p.toks.len() {
        return Err(fail("unexpected text after the condition".into()));
    }
    truth(&v).map_err(|_| fail(format!("expected a boolean, got {v:?}")))
}

#[cfg(test)]
mod tests {
    use super::should_execute;

    #[test]
    fn should_execute_treats_bare_words_as_strings() {
        // Upstream examples: coinflip.yaml, status-reference.yaml, conditionals.yaml.
        assert_eq!(should_execute("heads == heads"), Ok(true));
        assert_eq!(should_execute("tails == heads"), Ok(false));
        assert_eq!(
            should_execute("Failed == Succeeded || Failed == Failed"),
            Ok(true)
        );
        assert_eq!(should_execute("5 > 3 && !(2 >= 4)"), Ok(true));
        assert_eq!(should_execute("'a b' == \"a b\""), Ok(true));
        assert_eq!(should_execute("hello =~ '^h.*o$'"), Ok(true));
        assert_eq!(should_execute("true"), Ok(true));
        assert_eq!(should_execute(""), Ok(true));
        assert!(should_execute("5 ==").is_err());
        assert!(should_execute("heads").is_err());
        assert!(should_execute("(a == a").is_err());
    }
}
