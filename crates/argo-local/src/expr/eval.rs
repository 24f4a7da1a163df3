//! Evaluation of the expression subset, with expr-lang's semantics for the supported operators.

use std::cmp::Ordering;
use std::fmt;

use super::ExprError;
use super::parse::{Ast, Bin};

/// A value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Nil,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    List(Vec<Value>),
}

impl Value {
    pub(super) fn type_name(&self) -> &'static str {
        match self {
            Value::Nil => "nil",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Float(_) => "float",
            Value::Str(_) => "string",
            Value::List(_) => "list",
        }
    }

    fn number(&self) -> Option<f64> {
        match self {
            #[allow(clippy::cast_precision_loss)]
            Value::Int(i) => Some(*i as f64),
            Value::Float(f) => Some(*f),
            _ => None,
        }
    }
}

/// As Go's `fmt.Sprint` prints it (how Argo writes the result of a `{{=...}}` tag).
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Nil => f.write_str("<nil>"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(i) => write!(f, "{i}"),
            Value::Float(x) => f.write_str(&go_float(*x)),
            Value::Str(s) => f.write_str(s),
            Value::List(items) => {
                f.write_str("[")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" ")?;
                    }
                    write!(f, "{item}")?;
                }
                f.write_str("]")
            }
        }
    }
}

/// A float as Go's `%v` prints it (`strconv.FormatFloat(x, 'g', -1, 64)`): the shortest digits
/// that read back the same, in exponent form (`1e+06`) when the exponent is below -4 or at
/// least 6.
pub(crate) fn go_float(x: f64) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "+Inf" } else { "-Inf" }.into();
    }
    if x == 0.0 {
        return "0".into();
    }
    let sci = format!("{x:e}"); // shortest digits: "1.5e6", "-2e-5"
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if !(-4..6).contains(&exp) {
        let sign = if exp < 0 { '-' } else { '+' };
        return format!("{mantissa}e{sign}{:02}", exp.abs());
    }
    format!("{x}")
}

pub(super) fn eval(ast: &Ast, vars: &dyn Fn(&str) -> Option<String>) -> Result<Value, ExprError> {
    let ev = |a: &Ast| eval(a, vars);
    Ok(match ast {
        Ast::Nil => Value::Nil,
        Ast::Bool(b) => Value::Bool(*b),
        Ast::Int(i) => Value::Int(*i),
        Ast::Float(f) => Value::Float(*f),
        Ast::Str(s) => Value::Str(s.clone()),
        Ast::List(items) => Value::List(items.iter().map(ev).collect::<Result<_, _>>()?),
        Ast::Var(name) => {
            Value::Str(vars(name).ok_or_else(|| ExprError::UnknownVariable(name.clone()))?)
        }
        Ast::Not(a) => Value::Bool(!truth(&ev(a)?)?),
        Ast::Neg(a) => match ev(a)? {
            Value::Int(i) => Value::Int(-i),
            Value::Float(f) => Value::Float(-f),
            v => return Err(rt(&format!("cannot negate {}", v.type_name()))),
        },
        Ast::Ternary(c, a, b) => {
            if truth(&ev(c)?)? {
                ev(a)?
            } else {
                ev(b)?
            }
        }
        Ast::Index(a, i) => match (ev(a)?, ev(i)?) {
            (Value::List(items), Value::Int(i)) => {
                let len = i64::try_from(items.len()).unwrap_or(i64::MAX);
                let at = if i < 0 { i + len } else { i };
                usize::try_from(at)
                    .ok()
                    .and_then(|at| items.get(at).cloned())
                    .ok_or_else(|| rt(&format!("index {i} out of range (len {len})")))?
            }
            (a, i) => {
                return Err(rt(&format!(
                    "cannot index {} with {}",
                    a.type_name(),
                    i.type_name()
                )));
            }
        },
        Ast::Call(name, args) => {
            let args = args.iter().map(ev).collect::<Result<Vec<_>, _>>()?;
            call(name, &args)?
        }
        Ast::Binary(Bin::And, a, b) => Value::Bool(truth(&ev(a)?)? && truth(&ev(b)?)?),
        Ast::Binary(Bin::Or, a, b) => Value::Bool(truth(&ev(a)?)? || truth(&ev(b)?)?),
        Ast::Binary(op, a, b) => binary(*op, &ev(a)?, &ev(b)?)?,
    })
}

fn rt(what: &str) -> ExprError {
    ExprError::Runtime(what.to_owned())
}

fn truth(v: &Value) -> Result<bool, ExprError> {
    match v {
        Value::Bool(b) => Ok(*b),
        other => Err(rt(&format!(
            "expected a boolean, got {}",
            other.type_name()
        ))),
    }
}

/// expr-lang's `==`: numbers compare by value across int and float (exactly, as Go's `==`);
/// other types must match.
#[allow(clippy::float_cmp)]
fn equal(a: &Value, b: &Value) -> bool {
    match (a.number(), b.number()) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

fn string(v: &Value) -> Result<&str, ExprError> {
    match v {
        Value::Str(s) => Ok(s),
        other => Err(rt(&format!("expected a string, got {}", other.type_name()))),
    }
}

fn binary(op: Bin, a: &Value, b: &Value) -> Result<Value, ExprError> {
    let order = || -> Result<Ordering, ExprError> {
        match (a, b) {
            (Value::Str(x), Value::Str(y)) => Ok(x.cmp(y)),
            _ => match (a.number(), b.number()) {
                (Some(x), Some(y)) => x.partial_cmp(&y).ok_or_else(|| rt("cannot compare NaN")),
                _ => Err(rt(&format!(
                    "cannot compare {} with {}",
                    a.type_name(),
                    b.type_name()
                ))),
            },
        }
    };
    Ok(match op {
        Bin::Eq => Value::Bool(equal(a, b)),
        Bin::Ne => Value::Bool(!equal(a, b)),
        Bin::Lt => Value::Bool(order()? == Ordering::Less),
        Bin::Le => Value::Bool(order()? != Ordering::Greater),
        Bin::Gt => Value::Bool(order()? == Ordering::Greater),
        Bin::Ge => Value::Bool(order()? != Ordering::Less),
        Bin::In | Bin::NotIn => {
            let Value::List(items) = b else {
                return Err(rt(&format!("`in` needs a list, got {}", b.type_name())));
            };
            let found = items.iter().any(|i| equal(a, i));
            Value::Bool(found == (op == Bin::In))
        }
        Bin::Matches => {
            let re = regex::Regex::new(string(b)?)
                .map_err(|e| rt(&format!("invalid regular expression: {e}")))?;
            Value::Bool(re.is_match(string(a)?))
        }
        Bin::Contains => Value::Bool(string(a)?.contains(string(b)?)),
        Bin::StartsWith => Value::Bool(string(a)?.starts_with(string(b)?)),
        Bin::EndsWith => Value::Bool(string(a)?.ends_with(string(b)?)),
        Bin::Add => match (a, b) {
            (Value::Str(x), Value::Str(y)) => Value::Str(format!("{x}{y}")),
            _ => arith(op, a, b)?,
        },
        Bin::Sub | Bin::Mul | Bin::Div | Bin::Rem => arith(op, a, b)?,
        Bin::And | Bin::Or => unreachable_logic()?,
    })
}

fn unreachable_logic() -> Result<Value, ExprError> {
    Err(rt("internal: logic operator evaluated as arithmetic"))
}

fn arith(op: Bin, a: &Value, b: &Value) -> Result<Value, ExprError> {
    if let (Value::Int(x), Value::Int(y)) = (a, b) {
        let (x, y) = (*x, *y);
        let overflow = || rt("integer overflow");
        return Ok(match op {
            Bin::Add => Value::Int(x.checked_add(y).ok_or_else(overflow)?),
            Bin::Sub => Value::Int(x.checked_sub(y).ok_or_else(overflow)?),
            Bin::Mul => Value::Int(x.checked_mul(y).ok_or_else(overflow)?),
            #[allow(clippy::cast_precision_loss)]
            Bin::Div => Value::Float(x as f64 / y as f64),
            _ => Value::Int(
                x.checked_rem(y)
                    .ok_or_else(|| rt("integer divide by zero"))?,
            ),
        });
    }
    let (Some(x), Some(y)) = (a.number(), b.number()) else {
        return Err(rt(&format!(
            "arithmetic needs numbers, got {} and {}",
            a.type_name(),
            b.type_name()
        )));
    };
    Ok(Value::Float(match op {
        Bin::Add => x + y,
        Bin::Sub => x - y,
        Bin::Mul => x * y,
        Bin::Div => x / y,
        _ => return Err(rt("`%` needs integers")),
    }))
}

fn call(name: &str, args: &[Value]) -> Result<Value, ExprError> {
    let [arg] = args else {
        return Err(rt(&format!("`{name}` takes one argument")));
    };
    Ok(match name {
        // Argo's asInt/asFloat parse strings and convert numbers.
        "asInt" | "int" => Value::Int(match arg {
            Value::Int(i) => *i,
            #[allow(clippy::cast_possible_truncation)]
            Value::Float(f) => *f as i64,
            Value::Str(s) => s
                .trim()
                .parse()
                .map_err(|_| rt(&format!("{name}('{s}'): not an integer")))?,
            v => return Err(rt(&format!("{name} cannot take {}", v.type_name()))),
        }),
        "asFloat" | "float" => Value::Float(match arg {
            Value::Str(s) => s
                .trim()
                .parse()
                .map_err(|_| rt(&format!("{name}('{s}'): not a number")))?,
            v => v
                .number()
                .ok_or_else(|| rt(&format!("{name} cannot take {}", v.type_name())))?,
        }),
        "string" => Value::Str(arg.to_string()),
        "len" => match arg {
            Value::Str(s) => Value::Int(i64::try_from(s.chars().count()).unwrap_or(i64::MAX)),
            Value::List(l) => Value::Int(i64::try_from(l.len()).unwrap_or(i64::MAX)),
            v => return Err(rt(&format!("len cannot take {}", v.type_name()))),
        },
        "lower" => Value::Str(string(arg)?.to_lowercase()),
        "upper" => Value::Str(string(arg)?.to_uppercase()),
        "trim" => Value::Str(string(arg)?.trim().to_owned()),
        _ => return Err(rt(&format!("unknown function `{name}`"))),
    })
}
