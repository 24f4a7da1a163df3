//! The typed `argo.yml`.
//!
//! Every key of argo-kedro 0.1.41 is accepted unchanged with the same defaults; the additions
//! (per machine type `node_selector`/`tolerations`/`affinity`/`on_oom`, `retry_strategy` and
//! `retry_overrides`, `ttl_strategy`, `pod_gc`, `service_account`, `labels`, `annotations`,
//! `deployment.image_pull_policy`, `ui_link`, `schedule`) are all optional. An unknown key is an error naming
//! its path and the nearest valid key. Secrets are references (`secret_ref`) only.
//!
//! ```
//! use argo_fuse::Config;
//!
//! let config = Config::from_yaml_str(r#"
//! namespace: argo-workflows
//! deployment: {image: registry/image}
//! runner: {use_memory_datasets: true}
//! machine_types:
//!   default: {mem: 16, cpu: 4, num_gpu: 0}
//! default_machine_type: default
//! "#)?;
//! assert_eq!(config.deployment.tag, "latest");
//! assert_eq!(config.machine_types["default"].emph_storage, 10);
//! assert_eq!(config.template.default_template.as_str(), "kedro");
//!
//! let err = Config::from_yaml_str("namespce: x\n").unwrap_err();
//! assert_eq!(err.to_string(), "unknown key `namespce` in argo.yml (nearest valid key: `namespace`)");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod check;
mod extra;
mod ident;
mod int;
mod k8s;
mod keys;
mod ladder;
mod schedule;
mod types;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use extra::{
    Backoff, ImagePullPolicy, PodGc, PodGcStrategy, RetryPolicy, RetryStrategy, TaintEffect,
    Toleration, TolerationOperator, TtlStrategy,
};
pub use ident::{BUILTIN_TEMPLATE, MachineTypeName, TemplateName, builtin_template};
pub use k8s::ValueRule;
pub use schedule::{ConcurrencyPolicy, Schedule};
pub use types::{
    CustomTemplate, Deployment, EnvVar, MachineSpec, OutputParameter, RANDOM_TAG, Runner,
    SecretRef, Sidecar, TemplateConfig, TemplateContainer, TemplateOutputs, Volume, VolumeMount,
};

use crate::error::ConfigError;
use crate::plan::GroupBy;
use crate::suggest;

/// The plugin configuration (`argo.yml`) for one Kedro env.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Config {
    /// Kubernetes namespace the workflow runs in.
    pub namespace: String,
    /// Image and build settings.
    pub deployment: Deployment,
    /// Runner settings.
    #[serde(default)]
    pub runner: Runner,
    /// Machine types by name.
    pub machine_types: BTreeMap<MachineTypeName, MachineSpec>,
    /// Machine type of the nodes and groups that name none.
    pub default_machine_type: MachineTypeName,
    /// Environment, custom and init templates.
    #[serde(default)]
    pub template: TemplateConfig,
    /// Addition: the retry strategy of every task.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_strategy: Option<RetryStrategy>,
    /// Addition: retry strategies by Kedro node or fused-group name, replacing the default.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub retry_overrides: BTreeMap<String, RetryStrategy>,
    /// Addition: when the finished workflow is deleted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttl_strategy: Option<TtlStrategy>,
    /// Addition: when the pods are deleted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod_gc: Option<PodGc>,
    /// Addition: the pods' service account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_account: Option<String>,
    /// Addition: labels on the Workflow and its pods.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    /// Addition: annotations on the Workflow and its pods.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
    /// Addition: the link printed after submit, with `{namespace}` and `{name}` placeholders
    /// (for example `https://argo.example.com/workflows/{namespace}/{name}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ui_link: Option<String>,
    /// Addition: when the pipeline runs by itself (`compile --cron` and `schedule` without
    /// `--cron` read it; their flags win).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule: Option<Schedule>,
    /// Addition: how nodes become tasks (`none`, `namespace`, `memory`, `tags`, `chains`); the
    /// planner's option wins over it.
    #[serde(default, skip_serializing_if = "is_default")]
    pub grouping: GroupBy,
}

fn is_default<T: Default + PartialEq>(value: &T) -> bool {
    *value == T::default()
}

impl Config {
    /// Reads the configuration from the JSON form the IR carries (`Project.config`).
    pub fn from_value(value: serde_json::Value) -> Result<Self, ConfigError> {
        let mut value = value;
        if value.is_null() {
            return Err(ConfigError::Missing);
        }
        keys::check(&mut value, &keys::ROOT, "").map_err(|u| ConfigError::UnknownKey {
            path: u.path,
            nearest: u.nearest,
        })?;
        let config: Self =
            serde_path_to_error::deserialize(value).map_err(|e| ConfigError::Invalid {
                path: e.path().to_string(),
                source: e.into_inner(),
            })?;
        config.validate()?;
        Ok(config)
    }

    /// Reads the configuration the exporter put into the IR: `argo.yml` merged by Kedro's config
    /// loader for the project's env ([`ConfigError::Missing`] when the env has none).
    ///
    /// ```
    /// let project = kedro_graph::Project::from_json(r#"{
    ///   "format": "argo-kedro-ir", "version": 1,
    ///   "project": {"name": "Demo", "package_name": "demo", "kedro_version": "1.0.0",
    ///               "argo_kedro_version": "0.1.0", "env": "cloud"},
    ///   "pipelines": [], "datasets": [], "parameters": [],
    ///   "config": {"namespace": "argo", "deployment": {"image": "registry.example/demo"},
    ///              "machine_types": {"default": {"mem": 16, "cpu": 4, "num_gpu": 0}},
    ///              "default_machine_type": "default"}
    /// }"#)?;
    /// let config = argo_fuse::Config::from_project(&project)?;
    /// assert_eq!(config.namespace, "argo");
    /// assert_eq!(config.machine_type("default")?.mem, 16);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_project(project: &kedro_graph::Project) -> Result<Self, ConfigError> {
        Self::from_value(project.config().cloned().unwrap_or(serde_json::Value::Null))
    }

    /// Reads the configuration from `argo.yml` text (its first document), as strictly as
    /// [`argo_model::yaml_values`] reads YAML: nesting bounded, duplicate keys an error, merge
    /// keys resolved, a byte-order mark accepted.
    pub fn from_yaml_str(text: &str) -> Result<Self, ConfigError> {
        let value = argo_model::yaml_values(text)
            .map_err(|source| ConfigError::Yaml { source })?
            .into_iter()
            .next()
            .unwrap_or(serde_json::Value::Null);
        Self::from_value(value)
    }

    /// The machine type called `name`, or an error naming the nearest ones.
    pub fn machine_type(&self, name: &str) -> Result<&MachineSpec, ConfigError> {
        self.machine_types
            .get(name)
            .ok_or_else(|| ConfigError::UnknownMachineType {
                name: name.to_owned(),
                nearest: suggest::nearest(
                    name,
                    self.machine_types.keys().map(MachineTypeName::as_str),
                    3,
                ),
            })
    }

    /// Whether `name` is a template a node may use: a custom template or the built-in `kedro`.
    pub fn has_template(&self, name: &str) -> bool {
        name == BUILTIN_TEMPLATE || self.template.custom(name).is_some()
    }

    /// The names of the templates a node may use, built-in first.
    pub fn template_names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(BUILTIN_TEMPLATE)
            .chain(self.template.templates.iter().map(|t| t.name.as_str()))
    }

    /// The UI link of workflow `name`, if `ui_link` is set.
    ///
    /// ```
    /// let mut config = argo_fuse::Config::from_yaml_str(
    ///     "namespace: ns\ndeployment: {image: img}\nmachine_types: {default: {mem: 1, cpu: 1, num_gpu: 0}}\n\
    ///      default_machine_type: default\nui_link: https://argo.example/workflows/{namespace}/{name}\n",
    /// )?;
    /// assert_eq!(
    ///     config.ui_link_for("ns", "wf-1").as_deref(),
    ///     Some("https://argo.example/workflows/ns/wf-1")
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn ui_link_for(&self, namespace: &str, name: &str) -> Option<String> {
        self.ui_link
            .as_ref()
            .map(|t| t.replace("{namespace}", namespace).replace("{name}", name))
    }

    fn validate(&self) -> Result<(), ConfigError> {
        self.machine_type(self.default_machine_type.as_str())?;
        check::values(self)?;
        ladder::check(self)?;
        if let Some(schedule) = &self.schedule {
            crate::schedule::check(schedule).map_err(|source| ConfigError::Schedule { source })?;
        }
        let mut seen = std::collections::BTreeSet::new();
        for t in &self.template.templates {
            if !seen.insert(t.name.as_str()) {
                return Err(ConfigError::DuplicateTemplate {
                    name: t.name.to_string(),
                });
            }
        }
        self.check_template(
            "template.default_template",
            self.template.default_template.as_str(),
        )?;
        for (i, name) in self.template.init_templates.iter().enumerate() {
            if self.template.custom(name.as_str()).is_none() {
                return Err(ConfigError::UnknownTemplate {
                    key: format!("template.init_templates[{i}]"),
                    name: name.to_string(),
                    nearest: suggest::nearest(
                        name.as_str(),
                        self.template.templates.iter().map(|t| t.name.as_str()),
                        3,
                    ),
                });
            }
        }
        check_env(&self.template.environment, "template.environment")?;
        for (i, t) in self.template.templates.iter().enumerate() {
            check_env(
                &t.container.env,
                &format!("template.templates[{i}].container.env"),
            )?;
            for (j, s) in t.sidecars.iter().enumerate() {
                check_env(
                    &s.env,
                    &format!("template.templates[{i}].sidecars[{j}].env"),
                )?;
            }
        }
        Ok(())
    }

    /// Checks that `name`, read at `key`, is a known template.
    pub(crate) fn check_template(&self, key: &str, name: &str) -> Result<(), ConfigError> {
        if self.has_template(name) {
            Ok(())
        } else {
            Err(ConfigError::UnknownTemplate {
                key: key.to_owned(),
                name: name.to_owned(),
                nearest: suggest::nearest(name, self.template_names(), 3),
            })
        }
    }
}

fn check_env(env: &[EnvVar], path: &str) -> Result<(), ConfigError> {
    for (i, var) in env.iter().enumerate() {
        if var.value.is_some() == var.secret_ref.is_some() {
            return Err(ConfigError::EnvVar {
                path: format!("{path}[{i}]"),
                name: var.name.clone(),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
