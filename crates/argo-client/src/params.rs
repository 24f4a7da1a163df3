//! Parameter overrides (`NAME=VALUE`, Argo's `overrideParameters`).

use argo_model::{AnyString, Parameter, WorkflowSpec};

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

#[cfg(test)]
mod tests {
    use super::*;

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
