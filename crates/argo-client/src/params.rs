//! Parameter overrides (`NAME=VALUE`, Argo's `overrideParameters`), and argument overrides of
//! DAG tasks.

use argo_model::{AnyString, Arguments, Parameter, WorkflowSpec};

use crate::error::RetryError;

/// Applies `NAME=VALUE` overrides to `spec.arguments.parameters`: the overrides in the given order,
/// then the existing parameters that were not overridden.
pub(crate) fn override_parameters(
    spec: &mut WorkflowSpec,
    overrides: &[String],
) -> Result<(), RetryError> {
    if overrides.is_empty() {
        return Ok(());
    }
    let mut new: Vec<Parameter> = Vec::with_capacity(overrides.len());
    for given in overrides {
        let (name, value) = given.split_once('=').ok_or_else(|| RetryError::Parameter {
            given: given.clone(),
        })?;
        new.push(Parameter {
            name: name.to_owned(),
            value: Some(AnyString::new(value)),
            ..Parameter::default()
        });
    }
    let passed: Vec<String> = new.iter().map(|p| p.name.clone()).collect();
    let args = spec.arguments.get_or_insert_with(Default::default);
    for p in std::mem::take(&mut args.parameters) {
        if !passed.contains(&p.name) {
            new.push(p);
        }
    }
    args.parameters = new;
    Ok(())
}

/// A new value for one argument parameter of a DAG task: what a retry or resubmit changes so
/// that the task runs differently the next time (argo-kedro raises `oom_rung` of a task killed
/// for memory).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TaskArgument {
    /// The DAG task's name (in any DAG template of the workflow).
    pub task: String,
    /// The argument parameter.
    pub name: String,
    /// Its new value.
    pub value: String,
}

impl TaskArgument {
    /// Argument `name` of DAG task `task` set to `value`.
    pub fn new(task: impl Into<String>, name: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            task: task.into(),
            name: name.into(),
            value: value.into(),
        }
    }
}

/// Sets each of `arguments` on the DAG tasks of that name (replacing the parameter, or adding
/// it), in every DAG template of `spec`.
pub(crate) fn override_task_arguments(spec: &mut WorkflowSpec, arguments: &[TaskArgument]) {
    for template in &mut spec.templates {
        let Some(dag) = template.dag.as_mut() else {
            continue;
        };
        for task in &mut dag.tasks {
            for a in arguments.iter().filter(|a| a.task == task.name) {
                let params = &mut task
                    .arguments
                    .get_or_insert_with(Arguments::default)
                    .parameters;
                let value = Some(AnyString::new(&a.value));
                match params.iter_mut().find(|p| p.name == a.name) {
                    Some(p) => p.value = value,
                    None => params.push(Parameter {
                        name: a.name.clone(),
                        value,
                        ..Parameter::default()
                    }),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn task_arguments_are_replaced_or_added() {
        let mut spec: WorkflowSpec = serde_json::from_value(serde_json::json!({
            "templates": [{"name": "main", "dag": {"tasks": [
                {"name": "a", "template": "t", "arguments": {"parameters": [
                    {"name": "x", "value": "1"}, {"name": "oom_rung", "value": "0"}]}},
                {"name": "b", "template": "t"}]}}]
        }))
        .unwrap();
        override_task_arguments(
            &mut spec,
            &[
                TaskArgument::new("a", "oom_rung", "2"),
                TaskArgument::new("b", "oom_rung", "1"),
            ],
        );
        let tasks = &spec.templates[0].dag.as_ref().unwrap().tasks;
        let args = |i: usize| -> Vec<(String, String)> {
            tasks[i]
                .arguments
                .as_ref()
                .unwrap()
                .parameters
                .iter()
                .map(|p| (p.name.clone(), p.value.clone().unwrap().into_string()))
                .collect()
        };
        assert_eq!(
            args(0),
            [("x".into(), "1".into()), ("oom_rung".into(), "2".into())]
        );
        assert_eq!(args(1), [("oom_rung".into(), "1".into())]);
    }

    #[test]
    fn overrides_come_first() {
        let mut spec = WorkflowSpec::default();
        override_parameters(&mut spec, &["a=1".into()]).unwrap();
        override_parameters(&mut spec, &["b=2".into(), "a=3=4".into()]).unwrap();
        let got: Vec<_> = spec
            .arguments
            .unwrap()
            .parameters
            .into_iter()
            .map(|p| (p.name, p.value.unwrap().into_string()))
            .collect();
        assert_eq!(got, [("b".into(), "2".into()), ("a".into(), "3=4".into())]);
        assert!(matches!(
            override_parameters(&mut WorkflowSpec::default(), &["x".into()]),
            Err(RetryError::Parameter { .. })
        ));
    }
}
