//! Static types of the expression subset: what expr-lang would reject at run time is rejected
//! before anything runs.

use super::ExprError;
use super::parse::{Ast, Bin};

/// The type of a value, as far as it is known before the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ty {
    Bool,
    Int,
    Float,
    Str,
    List,
    Nil,
    /// Known only at run time (an element of a list, a ternary of two types).
    Any,
}

fn numeric(t: Ty) -> bool {
    matches!(t, Ty::Int | Ty::Float | Ty::Any)
}

fn mismatch(what: &str, a: Ty, b: Ty) -> ExprError {
    ExprError::Type(format!(
        "`{what}` cannot compare {a} with {b} (variables are strings: convert with asInt() or asFloat())"
    ))
}

/// Checks `ast` and returns its type. `always_false` collects `==`/`!=` between a string and a
/// number (legal in expr-lang, and always false / always true).
pub(super) fn check(
    ast: &Ast,
    known: &dyn Fn(&str) -> bool,
    always_false: &mut Vec<String>,
) -> Result<Ty, ExprError> {
    let mut sub = |a: &Ast| check(a, known, always_false);
    Ok(match ast {
        Ast::Nil => Ty::Nil,
        Ast::Bool(_) => Ty::Bool,
        Ast::Int(_) => Ty::Int,
        Ast::Float(_) => Ty::Float,
        Ast::Str(_) => Ty::Str,
        Ast::List(items) => {
            for i in items {
                sub(i)?;
            }
            Ty::List
        }
        Ast::Var(name) if known(name) => Ty::Str,
        Ast::Var(name) => return Err(ExprError::UnknownVariable(name.clone())),
        Ast::Not(a) => {
            let t = sub(a)?;
            if !matches!(t, Ty::Bool | Ty::Any) {
                return Err(ExprError::Type(format!("`!` needs a boolean, not {t}")));
            }
            Ty::Bool
        }
        Ast::Neg(a) => {
            let t = sub(a)?;
            if !numeric(t) {
                return Err(ExprError::Type(format!("`-` needs a number, not {t}")));
            }
            t
        }
        Ast::Ternary(c, a, b) => {
            let tc = sub(c)?;
            if !matches!(tc, Ty::Bool | Ty::Any) {
                return Err(ExprError::Type(format!(
                    "`?:` needs a boolean condition, not {tc}"
                )));
            }
            let (ta, tb) = (sub(a)?, sub(b)?);
            if ta == tb { ta } else { Ty::Any }
        }
        Ast::Index(a, i) => {
            let (ta, ti) = (sub(a)?, sub(i)?);
            if !matches!(ta, Ty::List | Ty::Any) || !matches!(ti, Ty::Int | Ty::Any) {
                return Err(ExprError::Type(format!("cannot index {ta} with {ti}")));
            }
            Ty::Any
        }
        Ast::Call(name, args) => {
            let tys = args.iter().map(&mut sub).collect::<Result<Vec<_>, _>>()?;
            call(name, &tys)?
        }
        Ast::Binary(op, a, b) => {
            let (ta, tb) = (sub(a)?, sub(b)?);
            binary(*op, ta, tb, ast, b, always_false)?
        }
    })
}

fn call(name: &str, args: &[Ty]) -> Result<Ty, ExprError> {
    let one = |ok: &dyn Fn(Ty) -> bool, result: Ty| match args {
        [t] if ok(*t) => Ok(result),
        [t] => Err(ExprError::Type(format!("`{name}` cannot take {t}"))),
        _ => Err(ExprError::Type(format!("`{name}` takes one argument"))),
    };
    let scalar = |t: Ty| matches!(t, Ty::Str | Ty::Int | Ty::Float | Ty::Any);
    match name {
        "asInt" | "int" => one(&scalar, Ty::Int),
        "asFloat" | "float" => one(&scalar, Ty::Float),
        "string" => one(&|_| true, Ty::Str),
        "len" => one(&|t| matches!(t, Ty::Str | Ty::List | Ty::Any), Ty::Int),
        "lower" | "upper" | "trim" => one(&|t| matches!(t, Ty::Str | Ty::Any), Ty::Str),
        _ => Err(ExprError::Unsupported(format!("the function `{name}`"))),
    }
}

fn binary(
    op: Bin,
    ta: Ty,
    tb: Ty,
    ast: &Ast,
    right: &Ast,
    always_false: &mut Vec<String>,
) -> Result<Ty, ExprError> {
    let any = ta == Ty::Any || tb == Ty::Any;
    Ok(match op {
        Bin::Or | Bin::And => {
            if !matches!(ta, Ty::Bool | Ty::Any) || !matches!(tb, Ty::Bool | Ty::Any) {
                return Err(ExprError::Type(format!(
                    "`&&` and `||` need booleans, not {ta} and {tb}"
                )));
            }
            Ty::Bool
        }
        Bin::Eq | Bin::Ne => {
            let str_num = (ta == Ty::Str && matches!(tb, Ty::Int | Ty::Float))
                || (tb == Ty::Str && matches!(ta, Ty::Int | Ty::Float));
            if str_num {
                always_false.push(describe(ast));
            }
            Ty::Bool
        }
        Bin::Lt | Bin::Le | Bin::Gt | Bin::Ge => {
            let ok = any || (numeric(ta) && numeric(tb)) || (ta == Ty::Str && tb == Ty::Str);
            if !ok {
                let symbol = match op {
                    Bin::Lt => "<",
                    Bin::Le => "<=",
                    Bin::Gt => ">",
                    _ => ">=",
                };
                return Err(mismatch(symbol, ta, tb));
            }
            Ty::Bool
        }
        Bin::In | Bin::NotIn => {
            if !matches!(tb, Ty::List | Ty::Any) {
                return Err(ExprError::Type(format!(
                    "`in` needs a list on its right, not {tb}"
                )));
            }
            Ty::Bool
        }
        Bin::Matches | Bin::Contains | Bin::StartsWith | Bin::EndsWith => {
            if !matches!(ta, Ty::Str | Ty::Any) || !matches!(tb, Ty::Str | Ty::Any) {
                return Err(ExprError::Type(format!(
                    "string operators need strings, not {ta} and {tb}"
                )));
            }
            if let (Bin::Matches, Ast::Str(re)) = (op, right) {
                regex::Regex::new(re)
                    .map_err(|e| ExprError::Type(format!("invalid regular expression: {e}")))?;
            }
            Ty::Bool
        }
        Bin::Add if ta == Ty::Str && tb == Ty::Str => Ty::Str,
        Bin::Add | Bin::Sub | Bin::Mul | Bin::Div | Bin::Rem => {
            if !numeric(ta) || !numeric(tb) {
                return Err(ExprError::Type(format!(
                    "arithmetic needs numbers, not {ta} and {tb}"
                )));
            }
            match op {
                Bin::Div => Ty::Float,
                Bin::Rem if matches!(ta, Ty::Float) || matches!(tb, Ty::Float) => {
                    return Err(ExprError::Type("`%` needs integers".into()));
                }
                _ if any => Ty::Any,
                _ if ta == Ty::Int && tb == Ty::Int => Ty::Int,
                _ => Ty::Float,
            }
        }
    })
}

/// A short text for a comparison, for warnings.
fn describe(ast: &Ast) -> String {
    fn side(a: &Ast) -> String {
        match a {
            Ast::Var(v) => v.clone(),
            Ast::Int(i) => i.to_string(),
            Ast::Float(f) => f.to_string(),
            Ast::Str(s) => format!("'{s}'"),
            _ => "...".into(),
        }
    }
    match ast {
        Ast::Binary(op, a, b) => {
            let o = if *op == Bin::Eq { "==" } else { "!=" };
            format!("{} {o} {}", side(a), side(b))
        }
        _ => String::new(),
    }
}
