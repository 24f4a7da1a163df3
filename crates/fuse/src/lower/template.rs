//! The container templates: one per distinct (template, machine type, retry strategy) used,
//! plus one per init template.

use std::collections::{BTreeMap, HashMap};

use argo_model::{Inputs, Outputs, Parameter, Template, UserContainer, ValueFrom};
use indexmap::IndexMap;
use k8s_openapi::api::core::v1 as core;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use serde_json::json;

use super::{ENTRYPOINT, MEMORY_DATASETS_ENV};
use crate::config::{
    Backoff, Config, CustomTemplate, EnvVar, MachineSpec, PodGc, RetryStrategy, TemplateName,
    Toleration, TtlStrategy,
};
use crate::error::LowerError;
use crate::names::{self, Item};
use crate::plan::Plan;
use crate::versions::{REUSED_VERSIONS_ENV, REUSED_VERSIONS_PARAM, RUN_CREATED_ENV, RUN_UID_ENV};

/// The templates of a plan and who uses which.
pub(super) struct TemplateSet {
    /// Init templates then worker templates, in order of first use.
    pub(super) templates: Vec<Template>,
    /// Per plan task: its template's name.
    pub(super) worker: Vec<String>,
    /// Per init template (config name): its template's name.
    pub(super) init: HashMap<String, String>,
}

pub(super) fn templates(
    plan: &Plan,
    config: &Config,
    image: &str,
    has_params: bool,
) -> Result<TemplateSet, LowerError> {
    // Distinct worker keys in order of first use.
    let mut keys: Vec<(String, &crate::plan::Task)> = Vec::new();
    let mut key_index: HashMap<String, usize> = HashMap::new();
    let mut task_key: Vec<usize> = Vec::with_capacity(plan.tasks.len());
    for t in &plan.tasks {
        let retry = t
            .retry
            .as_ref()
            .map(|r| serde_json::to_string(r).unwrap_or_default())
            .unwrap_or_default();
        let key = format!("worker:{}\u{1f}{}\u{1f}{retry}", t.template, t.machine_type);
        let next = keys.len();
        let i = *key_index.entry(key.clone()).or_insert(next);
        if i == next {
            keys.push((key, t));
        }
        task_key.push(i);
    }
    let init_keys: Vec<String> = plan
        .init_tasks
        .iter()
        .map(|i| format!("init:{}", i.template))
        .collect();
    let raws: Vec<String> = plan
        .init_tasks
        .iter()
        .map(|i| i.template.to_string())
        .chain(keys.iter().map(|(_, t)| {
            if t.retry == config.retry_strategy {
                format!("{}-{}", t.template, t.machine_type)
            } else {
                let limit = t.retry.as_ref().map_or(0, |r| r.limit);
                format!("{}-{}-retry-{limit}", t.template, t.machine_type)
            }
        }))
        .collect();
    let items: Vec<Item<'_>> = raws
        .iter()
        .zip(init_keys.iter().chain(keys.iter().map(|(k, _)| k)))
        .map(|(r, k)| Item::new(r, k))
        .collect();
    let allocated = names::allocate(&items, "template", &[ENTRYPOINT]);
    let (init_names, worker_names) = allocated.split_at(plan.init_tasks.len());

    let outputs: Vec<String> = plan
        .init_tasks
        .iter()
        .flat_map(|i| i.outputs.iter().cloned())
        .collect();
    let mut out = Vec::with_capacity(init_names.len() + worker_names.len());
    let mut init = HashMap::new();
    for (i, name) in plan.init_tasks.iter().zip(init_names) {
        let custom = config.template.custom(i.template.as_str()).ok_or_else(|| {
            LowerError::UnknownTemplate {
                name: i.template.to_string(),
            }
        })?;
        out.push(init_template(name.as_str(), custom, config, image)?);
        init.insert(i.template.to_string(), name.to_string());
    }
    for ((_, t), name) in keys.iter().zip(worker_names) {
        let machine = &config.machine_types[t.machine_type.as_str()];
        let mut template = worker(
            name.as_str(),
            &t.template,
            t.machine_type.as_str(),
            machine,
            t.retry.as_ref(),
            config,
            image,
            has_params,
            &outputs,
            super::pipeline_option(&plan.kedro_version),
        )?;
        super::escalate::apply(
            &mut template,
            &config.ladder(t.machine_type.as_str()),
            t.retry.as_ref(),
        )?;
        out.push(template);
    }
    Ok(TemplateSet {
        templates: out,
        worker: task_key
            .iter()
            .map(|&i| worker_names[i].to_string())
            .collect(),
        init,
    })
}

fn input(name: &str, default: Option<&str>) -> Parameter {
    Parameter {
        name: name.to_owned(),
        default: default.map(Into::into),
        ..Parameter::default()
    }
}

fn plain(name: &str, value: impl Into<String>) -> core::EnvVar {
    core::EnvVar {
        name: name.to_owned(),
        value: Some(value.into()),
        ..core::EnvVar::default()
    }
}

fn workflow_id() -> core::EnvVar {
    core::EnvVar {
        name: "WORKFLOW_ID".to_owned(),
        value_from: Some(core::EnvVarSource {
            field_ref: Some(core::ObjectFieldSelector {
                field_path: "metadata.labels['workflows.argoproj.io/workflow']".to_owned(),
                ..core::ObjectFieldSelector::default()
            }),
            ..core::EnvVarSource::default()
        }),
        ..core::EnvVar::default()
    }
}

/// What the runtime hook derives the run's Kedro version from (`crate::versions`): Argo
/// substitutes these in every pod of one run.
fn run_version_env() -> [core::EnvVar; 3] {
    [
        plain(RUN_CREATED_ENV, "{{workflow.creationTimestamp}}"),
        plain(RUN_UID_ENV, "{{workflow.uid}}"),
        plain(
            REUSED_VERSIONS_ENV,
            format!("{{{{workflow.parameters.{REUSED_VERSIONS_PARAM}}}}}"),
        ),
    ]
}

/// `argo.yml` environment entries as Kubernetes env vars (secrets by reference only).
fn configured(env: &[EnvVar]) -> Vec<core::EnvVar> {
    env.iter()
        .map(|e| match &e.secret_ref {
            Some(s) => core::EnvVar {
                name: e.name.clone(),
                value_from: Some(core::EnvVarSource {
                    secret_key_ref: Some(core::SecretKeySelector {
                        name: s.name.clone(),
                        key: s.key.clone(),
                        ..core::SecretKeySelector::default()
                    }),
                    ..core::EnvVarSource::default()
                }),
                ..core::EnvVar::default()
            },
            None => plain(&e.name, e.value.clone().unwrap_or_default()),
        })
        .collect()
}

fn resources(machine: &MachineSpec) -> core::ResourceRequirements {
    let mut r = BTreeMap::new();
    r.insert("memory".to_owned(), Quantity(format!("{}Gi", machine.mem)));
    r.insert("cpu".to_owned(), Quantity(machine.cpu.to_string()));
    if machine.num_gpu > 0 {
        r.insert(
            "nvidia.com/gpu".to_owned(),
            Quantity(machine.num_gpu.to_string()),
        );
    }
    core::ResourceRequirements {
        limits: Some(r.clone()),
        requests: Some(r),
        ..core::ResourceRequirements::default()
    }
}

fn scratch_volume(machine: &MachineSpec) -> Result<core::Volume, LowerError> {
    from_json(
        "scratch volume",
        json!({
            "name": "scratch",
            "ephemeral": {"volumeClaimTemplate": {"spec": {
                "accessModes": ["ReadWriteOnce"],
                "resources": {"requests": {"storage": format!("{}Gi", machine.emph_storage)}}
            }}}
        }),
    )
}

fn from_json<T: serde::de::DeserializeOwned>(
    what: &'static str,
    v: serde_json::Value,
) -> Result<T, LowerError> {
    serde_json::from_value(v).map_err(|source| LowerError::Build { what, source })
}

fn toleration(t: &Toleration) -> Result<core::Toleration, LowerError> {
    from_json(
        "toleration",
        json!({
            "key": t.key, "operator": t.operator, "value": t.value, "effect": t.effect,
            "tolerationSeconds": t.toleration_seconds
        }),
    )
}

pub(super) fn retry(r: &RetryStrategy) -> argo_model::RetryStrategy {
    argo_model::RetryStrategy {
        limit: Some(IntOrString::Int(i32::try_from(r.limit).unwrap_or(i32::MAX))),
        retry_policy: r.retry_policy.map(|p| p.as_str().to_owned()),
        backoff: r.backoff.as_ref().map(backoff),
        expression: r.expression.clone(),
        ..argo_model::RetryStrategy::default()
    }
}

/// Argo's `backoff` of argo.yml's.
pub(super) fn backoff(b: &Backoff) -> argo_model::Backoff {
    argo_model::Backoff {
        duration: Some(b.duration.clone()),
        factor: b
            .factor
            .map(|f| IntOrString::Int(i32::try_from(f).unwrap_or(i32::MAX))),
        max_duration: b.max_duration.clone(),
        ..argo_model::Backoff::default()
    }
}

pub(super) fn ttl(t: &TtlStrategy) -> argo_model::TtlStrategy {
    argo_model::TtlStrategy {
        seconds_after_completion: t.seconds_after_completion.map(i64::from),
        seconds_after_success: t.seconds_after_success.map(i64::from),
        seconds_after_failure: t.seconds_after_failure.map(i64::from),
        ..argo_model::TtlStrategy::default()
    }
}

pub(super) fn pod_gc(p: &PodGc) -> argo_model::PodGC {
    argo_model::PodGC {
        strategy: Some(p.strategy.as_str().to_owned()),
        delete_delay_duration: p.delete_delay_duration.clone(),
        ..argo_model::PodGC::default()
    }
}

fn sidecars(custom: &CustomTemplate) -> Vec<UserContainer> {
    custom
        .sidecars
        .iter()
        .map(|s| UserContainer {
            name: s.name.clone(),
            image: Some(s.image.clone()),
            env: configured(&s.env),
            volume_mounts: s
                .volume_mounts
                .iter()
                .map(|m| core::VolumeMount {
                    name: m.name.clone(),
                    mount_path: m.mount_path.clone(),
                    read_only: Some(m.read_only),
                    ..core::VolumeMount::default()
                })
                .collect(),
            ..UserContainer::default()
        })
        .collect()
}

fn secret_volumes(custom: &CustomTemplate) -> Result<Vec<core::Volume>, LowerError> {
    custom
        .volumes
        .iter()
        .map(|v| {
            let s = &v.secret_ref;
            from_json("secret volume", json!({
                "name": v.name,
                "secret": {"secretName": s.name, "items": [{"key": s.key, "path": s.path.as_ref().unwrap_or(&s.key)}]}
            }))
        })
        .collect()
}

/// Tolerations (the GPU one first for GPU machine types) and affinity of a machine type.
pub(super) fn scheduling(
    machine_name: &str,
    machine: &MachineSpec,
) -> Result<(Vec<core::Toleration>, Option<core::Affinity>), LowerError> {
    let mut tolerations = Vec::new();
    if machine.num_gpu > 0 {
        tolerations.push(toleration(&Toleration::gpu())?);
    }
    for t in &machine.tolerations {
        let t = toleration(t)?;
        if !tolerations.contains(&t) {
            tolerations.push(t);
        }
    }
    let affinity = match &machine.affinity {
        Some(a) => Some(
            serde_json::from_value(serde_json::Value::Object(a.clone())).map_err(|source| {
                LowerError::Affinity {
                    machine_type: machine_name.to_owned(),
                    source,
                }
            })?,
        ),
        None => None,
    };
    Ok((tolerations, affinity))
}

#[allow(clippy::too_many_arguments)]
fn worker(
    name: &str,
    template: &TemplateName,
    machine_name: &str,
    machine: &MachineSpec,
    retry_strategy: Option<&RetryStrategy>,
    config: &Config,
    image: &str,
    has_params: bool,
    init_outputs: &[String],
    pipeline_option: &str,
) -> Result<Template, LowerError> {
    let mut inputs = vec![
        input("pipeline", Some("{{workflow.parameters.pipeline}}")),
        input("environment", Some("{{workflow.parameters.environment}}")),
        input("kedro_nodes", None),
        input("memory_datasets", Some("")),
    ];
    inputs.extend(init_outputs.iter().map(|o| input(o, None)));

    let mut env = vec![
        workflow_id(),
        plain("NUM_CPU", machine.cpu.to_string()),
        plain("MEM_LIMIT_GB", machine.mem.to_string()),
    ];
    env.extend(configured(&config.template.environment));
    env.push(plain(
        MEMORY_DATASETS_ENV,
        "{{inputs.parameters.memory_datasets}}",
    ));
    env.extend(run_version_env());
    env.extend(init_outputs.iter().map(|o| {
        plain(
            &o.to_ascii_uppercase(),
            format!("{{{{inputs.parameters.{o}}}}}"),
        )
    }));

    let custom = config.template.custom(template.as_str());
    let (container_name, command, args) = if let Some(c) = custom {
        env.extend(configured(&c.container.env));
        (
            Some(c.container.name.clone()),
            c.container.command.clone(),
            vec![c.container.args.clone()],
        )
    } else {
        let mut args: Vec<String> = [
            "run",
            pipeline_option,
            "{{inputs.parameters.pipeline}}",
            "--nodes",
            "{{inputs.parameters.kedro_nodes}}",
            "--env",
            "{{inputs.parameters.environment}}",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        if has_params {
            args.extend([
                "--params".to_owned(),
                "{{workflow.parameters.params}}".to_owned(),
            ]);
        }
        (None, vec!["kedro".to_owned()], args)
    };
    let container = core::Container {
        name: container_name.unwrap_or_default(),
        image: Some(image.to_owned()),
        image_pull_policy: Some(config.deployment.image_pull_policy.as_str().to_owned()),
        command: Some(command),
        args: Some(args),
        env: Some(env),
        resources: Some(resources(machine)),
        volume_mounts: Some(vec![core::VolumeMount {
            name: "scratch".to_owned(),
            mount_path: config.template.emph_storage_mount_path.clone(),
            ..core::VolumeMount::default()
        }]),
        ..core::Container::default()
    };

    let (tolerations, affinity) = scheduling(machine_name, machine)?;
    let mut volumes = vec![scratch_volume(machine)?];
    if let Some(c) = custom {
        volumes.extend(secret_volumes(c)?);
    }
    Ok(Template {
        name: name.to_owned(),
        inputs: Some(Inputs {
            parameters: inputs,
            ..Inputs::default()
        }),
        container: Some(container),
        sidecars: custom.map(sidecars).unwrap_or_default(),
        volumes,
        node_selector: machine
            .node_selector
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect::<IndexMap<_, _>>(),
        tolerations,
        affinity,
        retry_strategy: retry_strategy.map(retry),
        ..Template::default()
    })
}

fn init_template(
    name: &str,
    custom: &CustomTemplate,
    config: &Config,
    image: &str,
) -> Result<Template, LowerError> {
    let mut env = vec![workflow_id()];
    env.extend(configured(&config.template.environment));
    env.extend(configured(&custom.container.env));
    let container = core::Container {
        name: custom.container.name.clone(),
        image: Some(image.to_owned()),
        image_pull_policy: Some(config.deployment.image_pull_policy.as_str().to_owned()),
        command: Some(custom.container.command.clone()),
        args: Some(vec![custom.container.args.clone()]),
        env: Some(env),
        ..core::Container::default()
    };
    let outputs: Vec<Parameter> = custom
        .outputs
        .parameters
        .iter()
        .map(|p| Parameter {
            name: p.name.clone(),
            value_from: Some(ValueFrom {
                path: Some(p.path.clone()),
                ..ValueFrom::default()
            }),
            ..Parameter::default()
        })
        .collect();
    Ok(Template {
        name: name.to_owned(),
        container: Some(container),
        outputs: (!outputs.is_empty()).then(|| Outputs {
            parameters: outputs,
            ..Outputs::default()
        }),
        sidecars: sidecars(custom),
        volumes: secret_volumes(custom)?,
        ..Template::default()
    })
}
