//! The expression subset against expr-lang's results for Argo's documented retry expressions.

use super::{Expr, ExprError, Value};

fn known(name: &str) -> bool {
    name == "retries" || name.starts_with("lastRetry.")
}

fn scope(name: &str) -> Option<String> {
    Some(
        match name {
            "retries" => "2",
            "lastRetry.exitCode" => "137",
            "lastRetry.status" => "Failed",
            "lastRetry.duration" => "12",
            "lastRetry.message" => "main: OOMKilled (exit code 137)",
            _ => return None,
        }
        .to_owned(),
    )
}

fn eval(text: &str) -> Result<Value, ExprError> {
    Expr::new(text, &known)?.eval(&scope)
}

#[test]
fn argo_documented_retry_expressions_evaluate() {
    // From Argo's retries documentation and examples/retry-conditional.yaml.
    let t = |e: &str| eval(e).unwrap();
    assert_eq!(t("asInt(lastRetry.exitCode) > 1"), Value::Bool(true));
    assert_eq!(
        t(
            "lastRetry.status == 'Error' or (lastRetry.status == 'Failed' and asInt(lastRetry.exitCode) not in [0])"
        ),
        Value::Bool(true)
    );
    assert_eq!(
        t("lastRetry.message matches 'OOMKilled|imminent'"),
        Value::Bool(true)
    );
    assert_eq!(
        t("lastRetry.message contains 'OOMKilled'"),
        Value::Bool(true)
    );
    assert_eq!(t("asFloat(lastRetry.duration) < 10.5"), Value::Bool(false));
    assert_eq!(
        t("!(asInt(retries) >= 3) && lastRetry.status != \"Error\""),
        Value::Bool(true)
    );
    assert_eq!(
        t("asInt(retries) == 0 ? '4Gi' : '16Gi'"),
        Value::Str("16Gi".into())
    );
    assert_eq!(
        t("['4Gi', '8Gi', '16Gi'][asInt(retries)]"),
        Value::Str("16Gi".into())
    );
    assert_eq!(t("lastRetry.status + '!'"), Value::Str("Failed!".into()));
    assert_eq!(t("7 / 2"), Value::Float(3.5));
    assert_eq!(t("7 % 4 + 1 * 2"), Value::Int(5));
}

#[test]
fn string_number_equality_is_false_as_in_expr_lang_and_flagged() {
    let e = Expr::new("lastRetry.exitCode == 137", &known).unwrap();
    assert_eq!(e.eval(&scope).unwrap(), Value::Bool(false));
    assert_eq!(e.always_false, ["lastRetry.exitCode == 137"]);
    assert!(
        Expr::new("lastRetry.exitCode == '137'", &known)
            .unwrap()
            .always_false
            .is_empty()
    );
}

#[test]
fn what_expr_lang_rejects_at_run_time_is_refused_up_front() {
    let err = |e: &str| Expr::new(e, &known).unwrap_err();
    assert!(matches!(err("lastRetry.exitCode > 1"), ExprError::Type(m) if m.contains("asInt")));
    assert!(matches!(
        err("lastRetry.status && true"),
        ExprError::Type(_)
    ));
    assert!(matches!(err("lastRetry.exitCode - 1"), ExprError::Type(_)));
    assert!(matches!(
        err("lastRetry.message matches '('"),
        ExprError::Type(_)
    ));
    assert!(
        matches!(err("steps.a.status == 'x'"), ExprError::UnknownVariable(v) if v == "steps.a.status")
    );
    assert!(matches!(
        err("sprig.upper(lastRetry.status)"),
        ExprError::Unsupported(_)
    ));
    assert!(matches!(
        err("filter([1], {# > 0})"),
        ExprError::Syntax(_) | ExprError::Unsupported(_)
    ));
    assert!(matches!(err("a ?? b"), ExprError::Unsupported(_)));
    assert!(matches!(err("(lastRetry.status"), ExprError::Syntax(_)));
    assert!(matches!(
        Expr::condition("asInt(retries) + 1", &known).unwrap_err(),
        ExprError::Type(m) if m.contains("not a boolean")
    ));
}

#[test]
fn run_time_errors_are_reported() {
    let e = Expr::new("asInt(lastRetry.status) > 1", &known).unwrap();
    assert!(matches!(e.eval(&scope), Err(ExprError::Runtime(m)) if m.contains("not an integer")));
}

#[test]
fn values_print_as_go_prints_them() {
    let s = |v: Value| v.to_string();
    assert_eq!(s(Value::Float(3.0)), "3");
    assert_eq!(s(Value::Float(2.5)), "2.5");
    assert_eq!(s(Value::Float(1e6)), "1e+06");
    assert_eq!(s(Value::Float(123_456.0)), "123456");
    assert_eq!(s(Value::Float(0.00001)), "1e-05");
    assert_eq!(s(Value::Bool(true)), "true");
    assert_eq!(s(Value::Nil), "<nil>");
}
