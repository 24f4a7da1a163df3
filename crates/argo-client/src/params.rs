//! Parameter overrides (`NAME=VALUE`, Argo's `overrideParameters`) and node field selectors
//! (Argo's `SelectorMatchesNode`).

use argo_model::{AnyString, NodeStatus, Parameter, WorkflowSpec};

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
    let args = spec.arguments.get_or_insert_with(Default::default);
    for p in std::mem::take(&mut args.parameters) {
        if !new.iter().any(|n| n.name == p.name) {
            new.push(p);
        }
    }
    args.parameters = new;
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Term {
    key: String,
    value: String,
    negate: bool,
}

/// A parsed node field selector, e.g. `templateName=train,phase!=Skipped`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct NodeSelector(Vec<Term>);

impl NodeSelector {
    pub(crate) fn parse(selector: &str) -> Result<Self, RetryError> {
        let mut terms = Vec::new();
        for raw in selector.split(',').map(str::trim).filter(|t| !t.is_empty()) {
            let bad = || RetryError::Selector {
                term: raw.to_owned(),
            };
            let (key, value, negate) = if let Some((k, v)) = raw.split_once("!=") {
                (k, v, true)
            } else if let Some((k, v)) = raw.split_once("==") {
                (k, v, false)
            } else if let Some((k, v)) = raw.split_once('=') {
                (k, v, false)
            } else {
                return Err(bad());
            };
            if key.trim().is_empty() {
                return Err(bad());
            }
            terms.push(Term {
                key: key.trim().to_owned(),
                value: value.trim().to_owned(),
                negate,
            });
        }
        Ok(Self(terms))
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub(crate) fn matches(&self, node: &NodeStatus) -> bool {
        self.0.iter().all(|t| {
            let actual = field(node, &t.key);
            (actual.as_deref() == Some(t.value.as_str())) != t.negate
        })
    }
}

fn field(node: &NodeStatus, key: &str) -> Option<String> {
    let template_ref = node.template_ref.as_ref();
    match key {
        "id" => Some(node.id.clone()),
        "name" => Some(node.name.clone()),
        "displayName" => node.display_name.clone(),
        "phase" => node.phase.clone(),
        "templateName" => template_ref
            .and_then(|r| r.template.clone())
            .or_else(|| node.template_name.clone()),
        "templateRef.name" => template_ref.map(|r| r.name.clone()),
        "templateRef.template" => template_ref.and_then(|r| r.template.clone()),
        _ => {
            let name = key
                .strip_prefix("inputs.parameters.")?
                .strip_suffix(".value")?;
            node.inputs
                .as_ref()?
                .parameters
                .iter()
                .find(|p| p.name == name)?
                .value
                .as_ref()
                .map(|v| v.as_str().to_owned())
        }
    }
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

    #[test]
    fn selector_matches() {
        let node = NodeStatus {
            id: "wf-1".into(),
            name: "wf.a".into(),
            phase: Some("Succeeded".into()),
            template_name: Some("train".into()),
            ..NodeStatus::default()
        };
        let s = NodeSelector::parse("templateName=train,phase!=Failed").unwrap();
        assert!(s.matches(&node));
        assert!(!NodeSelector::parse("id=wf-2").unwrap().matches(&node));
        assert!(NodeSelector::parse("nope").is_err());
    }
}
