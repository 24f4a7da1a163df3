//! `{{workflow.*}}` values and workflow parameters (with overrides).

use std::collections::BTreeMap;

use argo_model::Workflow;

use crate::RunOptions;
use crate::error::{Error, Result};

/// `{{workflow.*}}` and other global values.
pub(crate) fn globals(
    wf: &Workflow,
    options: &RunOptions,
    name: &str,
    entry: &str,
) -> Result<BTreeMap<String, String>> {
    let mut g = BTreeMap::new();
    g.insert("workflow.name".to_owned(), name.to_owned());
    g.insert(
        "workflow.namespace".to_owned(),
        wf.metadata
            .namespace
            .clone()
            .unwrap_or_else(|| "default".into()),
    );
    g.insert("workflow.uid".to_owned(), format!("local-{name}"));
    g.insert("workflow.mainEntrypoint".to_owned(), entry.to_owned());
    if let Some(sa) = &wf.spec.service_account_name {
        g.insert("workflow.serviceAccountName".to_owned(), sa.clone());
    }
    let declared = wf
        .spec
        .arguments
        .as_ref()
        .map(|a| a.parameters.as_slice())
        .unwrap_or_default();
    for p in declared {
        let value = options
            .parameters
            .iter()
            .rev()
            .find(|(n, _)| *n == p.name)
            .map(|(_, v)| v.clone());
        let value = value
            .or_else(|| p.value.as_ref().map(|v| v.as_str().to_owned()))
            .or_else(|| {
                p.value_from
                    .as_ref()
                    .and_then(|f| f.default.as_ref())
                    .map(|v| v.as_str().to_owned())
            })
            .ok_or_else(|| Error::MissingWorkflowParameter {
                name: p.name.clone(),
            })?;
        g.insert(format!("workflow.parameters.{}", p.name), value);
    }
    for (n, v) in &options.parameters {
        g.entry(format!("workflow.parameters.{n}"))
            .or_insert_with(|| v.clone());
    }
    Ok(g)
}
