//! Checks on the JSON value of a document, for what the typed model reads as "absent":
//! `enum: []` of an argument parameter (`validateArgumentsValues`: an enum needs a value).

use serde_json::Value;

use super::{Finding, Rule};
use crate::JsonPath;

/// The findings of `value` (a whole document).
pub(crate) fn check(value: &Value, out: &mut Vec<Finding>) {
    walk(value, &JsonPath::root(), out);
}

fn walk(v: &Value, path: &JsonPath, out: &mut Vec<Finding>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                let p = path.key(k);
                if k == "arguments" {
                    empty_enums(x, &p, out);
                }
                walk(x, &p, out);
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                walk(x, &path.index(i), out);
            }
        }
        _ => {}
    }
}

/// Argument parameters with `enum: []`.
fn empty_enums(args: &Value, path: &JsonPath, out: &mut Vec<Finding>) {
    let Some(params) = args.get("parameters").and_then(Value::as_array) else {
        return;
    };
    for (i, p) in params.iter().enumerate() {
        if p.get("enum")
            .and_then(Value::as_array)
            .is_some_and(Vec::is_empty)
        {
            let name = p.get("name").and_then(Value::as_str).unwrap_or_default();
            out.push(Finding::error(
                Rule::ArgumentValue,
                &path.key("parameters").index(i).key("enum"),
                format!("{name}.enum should contain at least one value; list the allowed values or remove `enum`"),
            ));
        }
    }
}
