//! A subset of [expr-lang](https://expr-lang.org), the language of Argo's
//! `retryStrategy.expression` and `{{=...}}` tags, checked before anything runs.
//!
//! The subset (anything else is refused when the workflow is planned, with the reason):
//! - literals: integers, floats, `'single'` or `"double"` quoted strings, `true`, `false`,
//!   `nil`, lists `[a, b]`;
//! - variables by dotted path (`lastRetry.exitCode`, `retries`, `inputs.parameters.x`,
//!   `inputs.parameters['my-x']`); every variable is a string, as in Argo;
//! - operators `!`/`not`, unary `-`, `* / %`, `+ -` (`+` also joins strings), `== != < <= > >=`,
//!   `in`, `not in`, `matches` (a regular expression), `contains`, `startsWith`, `endsWith`,
//!   `&&`/`and`, `||`/`or`, `c ? a : b`, parentheses, and indexing `list[i]`;
//! - functions `asInt`, `asFloat` (Argo's), `int`, `float`, `string`, `len`, `lower`, `upper`,
//!   `trim`.
//!
//! Types are checked up front: `<` and friends need two numbers or two strings, arithmetic
//! needs numbers, `&&`/`||`/`!` need booleans, `matches` & co. need strings (a literal regular
//! expression must compile). Where expr-lang fails at run time these are errors before the run;
//! `==` between a string and a number is allowed and false, as in expr-lang (the caller may warn).

mod eval;
mod lex;
mod parse;
mod types;

use std::fmt;

pub(crate) use eval::Value;
use parse::Ast;
pub(crate) use types::Ty;

/// Why an expression cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ExprError {
    /// It does not parse.
    #[error("syntax error: {0}")]
    Syntax(String),
    /// It uses something outside the supported subset.
    #[error("{0} is not supported locally")]
    Unsupported(String),
    /// It names a variable that does not exist there.
    #[error("unknown variable `{0}`")]
    UnknownVariable(String),
    /// Its operand types do not fit.
    #[error("{0}")]
    Type(String),
    /// Evaluating it failed (e.g. `asInt('x')`).
    #[error("{0}")]
    Runtime(String),
}

/// A parsed, type-checked expression.
#[derive(Debug, Clone)]
pub(crate) struct Expr {
    ast: Ast,
    /// The type of its result.
    pub(crate) ty: Ty,
    /// Comparisons that are always false (`==` between a string and a number), as text.
    pub(crate) always_false: Vec<String>,
}

impl Expr {
    /// Parses and checks `text`; `known(name)` tells whether a variable exists.
    pub(crate) fn new(text: &str, known: &dyn Fn(&str) -> bool) -> Result<Self, ExprError> {
        let ast = parse::parse(text)?;
        let mut always_false = Vec::new();
        let ty = types::check(&ast, known, &mut always_false)?;
        Ok(Self {
            ast,
            ty,
            always_false,
        })
    }

    /// Parses and checks `text` as a condition (a boolean result).
    pub(crate) fn condition(text: &str, known: &dyn Fn(&str) -> bool) -> Result<Self, ExprError> {
        let e = Self::new(text, known)?;
        if matches!(e.ty, Ty::Bool | Ty::Any) {
            Ok(e)
        } else {
            Err(ExprError::Type(format!(
                "the result is {}, not a boolean",
                e.ty
            )))
        }
    }

    /// The variables it reads.
    pub(crate) fn variables(&self) -> Vec<&str> {
        let mut out = Vec::new();
        vars(&self.ast, &mut out);
        out
    }

    /// Evaluates with the values of `vars` (strings).
    pub(crate) fn eval(&self, vars: &dyn Fn(&str) -> Option<String>) -> Result<Value, ExprError> {
        eval::eval(&self.ast, vars)
    }

    /// Evaluates a condition.
    pub(crate) fn eval_bool(
        &self,
        vars: &dyn Fn(&str) -> Option<String>,
    ) -> Result<bool, ExprError> {
        match self.eval(vars)? {
            Value::Bool(b) => Ok(b),
            other => Err(ExprError::Runtime(format!(
                "expected a boolean, got {}",
                other.type_name()
            ))),
        }
    }
}

fn vars<'a>(ast: &'a Ast, out: &mut Vec<&'a str>) {
    match ast {
        Ast::Var(v) => out.push(v),
        Ast::Not(a) | Ast::Neg(a) => vars(a, out),
        Ast::Binary(_, a, b) | Ast::Index(a, b) => {
            vars(a, out);
            vars(b, out);
        }
        Ast::Ternary(a, b, c) => {
            vars(a, out);
            vars(b, out);
            vars(c, out);
        }
        Ast::List(items) | Ast::Call(_, items) => items.iter().for_each(|i| vars(i, out)),
        Ast::Nil | Ast::Bool(_) | Ast::Int(_) | Ast::Float(_) | Ast::Str(_) => {}
    }
}

impl fmt::Display for Ty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Ty::Bool => "a boolean",
            Ty::Int => "an integer",
            Ty::Float => "a float",
            Ty::Str => "a string",
            Ty::List => "a list",
            Ty::Nil => "nil",
            Ty::Any => "a value",
        })
    }
}

#[cfg(test)]
mod tests;
