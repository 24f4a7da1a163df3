//! Values of `argo.yml` that the API server (or the container runtime) would refuse, refused
//! when the file is read, each naming its `argo.yml` field and the nearest valid form.

use super::k8s::ValueRule;
use super::types::{EnvVar, SecretRef};
use super::{Config, MachineSpec};
use crate::error::ConfigError;

/// `value`, read at `path`, satisfies `rule`.
fn check(path: impl FnOnce() -> String, value: &str, rule: ValueRule) -> Result<(), ConfigError> {
    if rule.check(value) {
        return Ok(());
    }
    Err(ConfigError::InvalidValue {
        path: path(),
        value: value.to_owned(),
        rule,
        nearest: rule.nearest(value),
    })
}

/// Checks every value of `config` that reaches a manifest under a Kubernetes naming rule.
pub(super) fn values(config: &Config) -> Result<(), ConfigError> {
    check(
        || "namespace".into(),
        &config.namespace,
        ValueRule::Dns1123Label,
    )?;
    let d = &config.deployment;
    check(|| "deployment.image".into(), &d.image, ValueRule::ImageName)?;
    if !d.tag_is_random() {
        check(|| "deployment.tag".into(), &d.tag, ValueRule::ImageTag)?;
    }
    if let Some(sa) = &config.service_account {
        check(|| "service_account".into(), sa, ValueRule::Dns1123Subdomain)?;
    }
    for (key, value) in &config.labels {
        check(|| format!("labels.{key}"), key, ValueRule::QualifiedName)?;
        check(|| format!("labels.{key}"), value, ValueRule::LabelValue)?;
    }
    for key in config.annotations.keys() {
        check(
            || format!("annotations.{key}"),
            key,
            ValueRule::QualifiedName,
        )?;
    }
    for (name, machine) in &config.machine_types {
        machine_type(&format!("machine_types.{name}"), machine)?;
    }
    let t = &config.template;
    env(&t.environment, "template.environment")?;
    for (i, custom) in t.templates.iter().enumerate() {
        let at = format!("template.templates[{i}]");
        let c = &custom.container;
        check(
            || format!("{at}.container.name"),
            &c.name,
            ValueRule::Dns1123Label,
        )?;
        env(&c.env, &format!("{at}.container.env"))?;
        for (j, s) in custom.sidecars.iter().enumerate() {
            let at = format!("{at}.sidecars[{j}]");
            check(|| format!("{at}.name"), &s.name, ValueRule::Dns1123Label)?;
            check(
                || format!("{at}.image"),
                &s.image,
                ValueRule::ImageReference,
            )?;
            env(&s.env, &format!("{at}.env"))?;
            for (k, m) in s.volume_mounts.iter().enumerate() {
                let name = || format!("{at}.volume_mounts[{k}].name");
                check(name, &m.name, ValueRule::Dns1123Label)?;
            }
        }
        for (j, v) in custom.volumes.iter().enumerate() {
            let at = format!("{at}.volumes[{j}]");
            check(|| format!("{at}.name"), &v.name, ValueRule::Dns1123Label)?;
            secret_ref(&v.secret_ref, &format!("{at}.secret_ref"))?;
        }
    }
    Ok(())
}

fn machine_type(at: &str, machine: &MachineSpec) -> Result<(), ConfigError> {
    for (key, value) in &machine.node_selector {
        let path = || format!("{at}.node_selector.{key}");
        check(path, key, ValueRule::QualifiedName)?;
        check(path, value, ValueRule::LabelValue)?;
    }
    for (i, t) in machine.tolerations.iter().enumerate() {
        if let Some(key) = t.key.as_deref().filter(|k| !k.is_empty()) {
            check(
                || format!("{at}.tolerations[{i}].key"),
                key,
                ValueRule::QualifiedName,
            )?;
        }
        if let Some(value) = &t.value {
            check(
                || format!("{at}.tolerations[{i}].value"),
                value,
                ValueRule::LabelValue,
            )?;
        }
    }
    Ok(())
}

fn env(vars: &[EnvVar], at: &str) -> Result<(), ConfigError> {
    for (i, var) in vars.iter().enumerate() {
        check(
            || format!("{at}[{i}].name"),
            &var.name,
            ValueRule::EnvVarName,
        )?;
        if let Some(s) = &var.secret_ref {
            secret_ref(s, &format!("{at}[{i}].secret_ref"))?;
        }
    }
    Ok(())
}

fn secret_ref(s: &SecretRef, at: &str) -> Result<(), ConfigError> {
    check(
        || format!("{at}.name"),
        &s.name,
        ValueRule::Dns1123Subdomain,
    )?;
    check(|| format!("{at}.key"), &s.key, ValueRule::SecretKey)
}
