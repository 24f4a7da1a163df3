//! The variables Argo substitutes into a template before each attempt of a task that has a
//! `retryStrategy` (`executeTemplate` in `workflow/controller/operator.go`): `{{retries}}` and
//! `{{lastRetry.exitCode|status|duration|message}}`, everywhere in the template, `podSpecPatch`
//! included.

use argo_model::Template;

use crate::expr::{Expr, ExprError};
use crate::subst::{Tag, replace_tags};

/// The values of one attempt's retry variables.
///
/// ```
/// use argo_local::{LastAttempt, RetryVariables};
/// let first = RetryVariables::default();
/// assert_eq!(first.value("retries").as_deref(), Some("0"));
/// assert_eq!(first.value("lastRetry.exitCode").as_deref(), Some("0"));
/// let second = RetryVariables::after(1, LastAttempt::failed(137, 12, "main: OOMKilled (exit code 137)"));
/// assert_eq!(second.value("lastRetry.exitCode").as_deref(), Some("137"));
/// assert_eq!(second.value("lastRetry.status").as_deref(), Some("Failed"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryVariables {
    /// `{{retries}}`: this attempt's number, from 0.
    pub retries: u32,
    /// The attempt before this one (`None` for the first).
    pub last: Option<LastAttempt>,
}

/// The previous attempt, as `{{lastRetry.*}}` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LastAttempt {
    /// Its exit code, if its process ran.
    pub exit_code: Option<i32>,
    /// Its phase as Argo names it: `Failed` or `Error`.
    pub status: String,
    /// Its duration in whole seconds.
    pub duration_secs: u64,
    /// Its message, as Argo's (`main: Error (exit code 1)`).
    pub message: String,
}

impl LastAttempt {
    /// A failed attempt (its process exited with `exit_code`).
    pub fn failed(exit_code: i32, duration_secs: u64, message: impl Into<String>) -> Self {
        Self {
            exit_code: Some(exit_code),
            status: "Failed".into(),
            duration_secs,
            message: message.into(),
        }
    }

    /// An errored attempt (its process did not run or its outputs could not be read).
    pub fn errored(duration_secs: u64, message: impl Into<String>) -> Self {
        Self {
            exit_code: None,
            status: "Error".into(),
            duration_secs,
            message: message.into(),
        }
    }
}

impl RetryVariables {
    /// The variables of attempt number `retries` (from 0), after `last`.
    pub fn after(retries: u32, last: LastAttempt) -> Self {
        Self {
            retries,
            last: Some(last),
        }
    }

    /// The value of the variable `name`, with upstream's defaults before the first retry
    /// (exit code `0`, duration `0`, empty status and message); `None` for other names.
    pub fn value(&self, name: &str) -> Option<String> {
        let last = self.last.as_ref();
        Some(match name {
            "retries" => self.retries.to_string(),
            "lastRetry.exitCode" => last
                .and_then(|l| l.exit_code)
                .map_or_else(|| "0".into(), |c| c.to_string()),
            "lastRetry.status" => last.map(|l| l.status.clone()).unwrap_or_default(),
            "lastRetry.duration" => {
                last.map_or_else(|| "0".into(), |l| l.duration_secs.to_string())
            }
            "lastRetry.message" => last.map(|l| l.message.clone()).unwrap_or_default(),
            _ => return None,
        })
    }
}

/// Why [`substitute_retry_variables`] failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SubstituteError {
    /// A `{{=...}}` tag over retry variables is outside the supported expression subset or fails.
    #[error("cannot evaluate `{{{{={expression}}}}}`")]
    Expression {
        /// The expression.
        expression: String,
        /// Why.
        #[source]
        source: ExprError,
    },
    /// The template could not be converted to or from JSON.
    #[error("cannot rewrite the template")]
    Model(#[source] serde_json::Error),
}

/// `template` with every `{{retries}}` and `{{lastRetry.*}}` tag replaced by its value in
/// `vars`, in every string of the template (command, args, env, script source, `podSpecPatch`,
/// ...), as the controller does before each attempt. A `{{=expr}}` tag whose variables are all
/// retry variables is evaluated (see the expression subset in the crate docs); other tags are
/// left for later substitution.
///
/// ```
/// use argo_local::{LastAttempt, RetryVariables, substitute_retry_variables};
/// let template: argo_model::Template = serde_json::from_value(serde_json::json!({
///     "name": "train",
///     "podSpecPatch": "{\"containers\":[{\"name\":\"main\",\"resources\":{\"limits\":{\"memory\":\"{{=asInt(lastRetry.exitCode) == 137 ? '16Gi' : '4Gi'}}\"}}}]}",
///     "container": {"image": "x", "command": ["echo", "try {{retries}} of {{inputs.parameters.n}}"]}
/// }))?;
/// let oom = RetryVariables::after(1, LastAttempt::failed(137, 40, "main: OOMKilled (exit code 137)"));
/// let t = substitute_retry_variables(&template, &oom)?;
/// assert!(t.pod_spec_patch.as_deref().unwrap().contains("\"memory\":\"16Gi\""));
/// assert_eq!(t.container.unwrap().command.unwrap()[1], "try 1 of {{inputs.parameters.n}}");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn substitute_retry_variables(
    template: &Template,
    vars: &RetryVariables,
) -> Result<Template, SubstituteError> {
    substitute_retry_variables_with(template, vars, &|_| None)
}

/// [`substitute_retry_variables`], where a `{{=expr}}` tag over retry variables may also read
/// the template's other variables (`other`: its inputs, workflow parameters, ...), as Argo's
/// `SubstituteParams` of that stage has them (globals and locals, then the inputs): for
/// instance `asInt(retries) + asInt(inputs.parameters.start)`.
pub(crate) fn substitute_retry_variables_with(
    template: &Template,
    vars: &RetryVariables,
    other: &dyn Fn(&str) -> Option<String>,
) -> Result<Template, SubstituteError> {
    let mut json = serde_json::to_value(template).map_err(SubstituteError::Model)?;
    substitute_value(&mut json, vars, other)?;
    serde_json::from_value(json).map_err(SubstituteError::Model)
}

fn substitute_value(
    v: &mut serde_json::Value,
    vars: &RetryVariables,
    other: &dyn Fn(&str) -> Option<String>,
) -> Result<(), SubstituteError> {
    match v {
        serde_json::Value::String(s) if s.contains("{{") => {
            *s = substitute_text(s, vars, other)?;
        }
        serde_json::Value::Array(items) => {
            for item in items {
                substitute_value(item, vars, other)?;
            }
        }
        serde_json::Value::Object(map) => {
            for (_, item) in map.iter_mut() {
                substitute_value(item, vars, other)?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// `text` with its retry tags replaced (see [`substitute_retry_variables_with`]).
pub(crate) fn substitute_text(
    text: &str,
    vars: &RetryVariables,
    other: &dyn Fn(&str) -> Option<String>,
) -> Result<String, SubstituteError> {
    let lookup = |v: &str| vars.value(v).or_else(|| other(v));
    replace_tags(text, &mut |tag| match tag {
        Tag::Simple(name) => Ok(vars.value(name)),
        Tag::Expression(e) => {
            let err = |source| SubstituteError::Expression {
                expression: e.to_owned(),
                source,
            };
            // Only expressions over retry variables belong to this stage (with the template's
            // other variables, when they are all known).
            let Ok(parsed) = Expr::new(e, &|_| true) else {
                return Ok(None);
            };
            let variables = parsed.variables();
            if !variables.iter().any(|v| vars.value(v).is_some())
                || variables.iter().any(|v| lookup(v).is_none())
            {
                return Ok(None);
            }
            let checked = Expr::new(e, &|v| lookup(v).is_some()).map_err(err)?;
            checked
                .eval(&lookup)
                .map(|v| Some(v.to_string()))
                .map_err(err)
        }
    })
}
