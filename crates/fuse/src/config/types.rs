//! The sections of `argo.yml` that argo-kedro 0.1.41 defined, with its defaults.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::extra::{ImagePullPolicy, Toleration};
use super::ident::{MachineTypeName, TemplateName, builtin_template};
use super::int::lenient_u32;

/// The literal image tag that asks for a random tag (the `${ka.random:}` resolver of 0.1.41).
pub const RANDOM_TAG: &str = "${ka.random:}";

/// `deployment`: the image the pods run and how `submit` builds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Deployment {
    /// Image repository without tag (`registry/image`).
    pub image: String,
    /// Image tag; default `latest`. The literal `${ka.random:}` asks for a random tag
    /// (see [`Deployment::tag_is_random`]).
    #[serde(default = "default_tag")]
    pub tag: String,
    /// `docker buildx build --platform`; default `linux/amd64`.
    #[serde(default = "default_platform")]
    pub target_platform: String,
    /// Docker build context; default `./`.
    #[serde(default = "default_context")]
    pub context: String,
    /// Dockerfile path; default `Dockerfile`.
    #[serde(default = "default_dockerfile")]
    pub dockerfile: String,
    /// Addition: the pods' `imagePullPolicy`; default `Always` (as 0.1.41 emitted).
    #[serde(default)]
    pub image_pull_policy: ImagePullPolicy,
}

impl Deployment {
    /// Whether the tag is the `${ka.random:}` placeholder of old configs (spaces allowed inside).
    ///
    /// ```
    /// let config = argo_fuse::Config::from_yaml_str(
    ///     "namespace: ns\ndeployment: {image: img, tag: '${ka.random:}'}\n\
    ///      machine_types: {default: {mem: 1, cpu: 1, num_gpu: 0}}\ndefault_machine_type: default\n",
    /// )?;
    /// assert!(config.deployment.tag_is_random());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn tag_is_random(&self) -> bool {
        let compact: String = self.tag.chars().filter(|c| !c.is_whitespace()).collect();
        compact == RANDOM_TAG
    }
}

fn default_tag() -> String {
    "latest".to_owned()
}
fn default_platform() -> String {
    "linux/amd64".to_owned()
}
fn default_context() -> String {
    "./".to_owned()
}
fn default_dockerfile() -> String {
    "Dockerfile".to_owned()
}

/// `runner`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Runner {
    /// Keep the datasets internal to a fused task in memory; default `false`.
    #[serde(default)]
    pub use_memory_datasets: bool,
}

/// One entry of `machine_types`: the resources of a pod (requests = limits).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct MachineSpec {
    /// Memory in GiB.
    #[serde(deserialize_with = "lenient_u32")]
    pub mem: u32,
    /// CPU cores.
    #[serde(deserialize_with = "lenient_u32")]
    pub cpu: u32,
    /// `nvidia.com/gpu` count.
    #[serde(deserialize_with = "lenient_u32")]
    pub num_gpu: u32,
    /// Scratch ephemeral volume in GiB; default 10.
    #[serde(default = "default_emph_storage", deserialize_with = "lenient_u32")]
    pub emph_storage: u32,
    /// Addition: the pod's `nodeSelector`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub node_selector: BTreeMap<String, String>,
    /// Addition: extra tolerations (a GPU machine type always tolerates
    /// `nvidia.com/gpu=present:NoSchedule`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tolerations: Vec<Toleration>,
    /// Addition: a Kubernetes `Affinity` object, written as in a pod spec (camelCase keys).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub affinity: Option<serde_json::Map<String, serde_json::Value>>,
    /// Addition: the machine type a task of this one is retried on when its pod is killed for
    /// memory (`OOMKilled`). A chain of them is a ladder, climbed one rung per OOM kill (see
    /// [`Config::ladder`](crate::Config::ladder)).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_oom: Option<MachineTypeName>,
}

fn default_emph_storage() -> u32 {
    10
}

/// A Kubernetes secret key reference (`{name, key}`, and `path` for volumes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct SecretRef {
    /// The secret's name.
    pub name: String,
    /// The key inside the secret.
    pub key: String,
    /// For a volume: the file name the key is projected to (default: the key).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

/// An environment variable: a plain `value` or a `secret_ref`, exactly one of them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct EnvVar {
    /// Variable name.
    pub name: String,
    /// Plain value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// Reference to a key of a Kubernetes secret (never resolved by the compiler).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_ref: Option<SecretRef>,
}

/// The container of a custom template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct TemplateContainer {
    /// Container name.
    pub name: String,
    /// Command (for example `["/bin/sh", "-c"]`).
    pub command: Vec<String>,
    /// Extra environment variables.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub env: Vec<EnvVar>,
    /// The script passed as the single argument; may use `{{inputs.parameters.pipeline}}`,
    /// `{{inputs.parameters.environment}}` and `{{inputs.parameters.kedro_nodes}}`.
    pub args: String,
}

/// One output parameter of a custom template, read from a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct OutputParameter {
    /// Parameter name.
    pub name: String,
    /// File the value is read from.
    pub path: String,
}

/// `outputs` of a custom template.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct TemplateOutputs {
    /// Output parameters.
    #[serde(default)]
    pub parameters: Vec<OutputParameter>,
}

/// A volume mount of a sidecar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct VolumeMount {
    /// Name of a volume of the template.
    pub name: String,
    /// Mount path.
    pub mount_path: String,
    /// Read only; default `true`.
    #[serde(default = "default_true")]
    pub read_only: bool,
}

fn default_true() -> bool {
    true
}

/// A sidecar container of a custom template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Sidecar {
    /// Container name.
    pub name: String,
    /// Image.
    pub image: String,
    /// Environment variables.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub env: Vec<EnvVar>,
    /// Volume mounts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub volume_mounts: Vec<VolumeMount>,
}

/// A volume of a custom template, projected from a secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Volume {
    /// Volume name.
    pub name: String,
    /// The secret key it holds.
    pub secret_ref: SecretRef,
}

/// A custom template (`template.templates[]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct CustomTemplate {
    /// Name, referenced by `Node(template=...)`, `FusedPipeline(template=...)`,
    /// `default_template` or `init_templates`.
    pub name: TemplateName,
    /// The main container.
    pub container: TemplateContainer,
    /// Output parameters.
    #[serde(default)]
    pub outputs: TemplateOutputs,
    /// Sidecars.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sidecars: Vec<Sidecar>,
    /// Volumes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub volumes: Vec<Volume>,
}

/// `template`: environment, custom and init templates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct TemplateConfig {
    /// Custom templates.
    #[serde(default)]
    pub templates: Vec<CustomTemplate>,
    /// Environment of every Kedro pod.
    #[serde(default)]
    pub environment: Vec<EnvVar>,
    /// Templates run before the pipeline; their output parameters reach every task.
    #[serde(default)]
    pub init_templates: Vec<TemplateName>,
    /// Mount path of the scratch volume; default `/data`.
    #[serde(default = "default_mount_path")]
    pub emph_storage_mount_path: String,
    /// Template of the nodes that name none; default `kedro` (the built-in one).
    #[serde(default = "builtin_template")]
    pub default_template: TemplateName,
}

impl Default for TemplateConfig {
    fn default() -> Self {
        Self {
            templates: Vec::new(),
            environment: Vec::new(),
            init_templates: Vec::new(),
            emph_storage_mount_path: default_mount_path(),
            default_template: builtin_template(),
        }
    }
}

impl TemplateConfig {
    /// The custom template called `name`, if any.
    pub fn custom(&self, name: &str) -> Option<&CustomTemplate> {
        self.templates.iter().find(|t| t.name.as_str() == name)
    }
}

fn default_mount_path() -> String {
    "/data".to_owned()
}
