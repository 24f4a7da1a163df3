//! Memory ladders: `machine_types.<name>.on_oom` names the machine type a task is retried on
//! when its pod is killed for memory; a chain of them is a ladder.

use std::collections::BTreeSet;

use super::{Config, MachineSpec, MachineTypeName};
use crate::error::ConfigError;
use crate::suggest;

impl Config {
    /// The memory ladder of machine type `name`: the machine type itself, then its `on_oom`,
    /// then that one's, and so on (checked when the config is read: every rung exists, has more
    /// memory than the one before, and no machine type comes twice). Empty when `name` is not a
    /// machine type.
    ///
    /// ```
    /// let config = argo_fuse::Config::from_yaml_str(
    ///     "namespace: ns\ndeployment: {image: img}\ndefault_machine_type: default\n\
    ///      machine_types: {default: {mem: 16, cpu: 4, num_gpu: 0, on_oom: highmem}, \
    ///        highmem: {mem: 64, cpu: 8, num_gpu: 0, on_oom: huge}, \
    ///        huge: {mem: 256, cpu: 16, num_gpu: 0}}\n",
    /// )?;
    /// let names: Vec<&str> = config.ladder("default").iter().map(|(n, _)| n.as_str()).collect();
    /// assert_eq!(names, ["default", "highmem", "huge"]);
    /// assert_eq!(config.ladder("huge").len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn ladder(&self, name: &str) -> Vec<(&MachineTypeName, &MachineSpec)> {
        let mut out: Vec<(&MachineTypeName, &MachineSpec)> = Vec::new();
        let mut next = self.machine_types.get_key_value(name);
        while let Some((n, spec)) = next {
            if out.iter().any(|(seen, _)| *seen == n) {
                break;
            }
            out.push((n, spec));
            next = spec
                .on_oom
                .as_ref()
                .and_then(|o| self.machine_types.get_key_value(o.as_str()));
        }
        out
    }
}

/// Checks every `on_oom`: it names a machine type, the chains have no cycle, and each rung has
/// more memory than the one below it.
pub(super) fn check(config: &Config) -> Result<(), ConfigError> {
    let types = &config.machine_types;
    for (name, spec) in types {
        let Some(next) = &spec.on_oom else { continue };
        if !types.contains_key(next.as_str()) {
            return Err(ConfigError::OnOomUnknown {
                machine_type: name.to_string(),
                name: next.to_string(),
                nearest: suggest::nearest(
                    next.as_str(),
                    types.keys().map(MachineTypeName::as_str),
                    3,
                ),
            });
        }
    }
    for name in types.keys() {
        let mut path: Vec<&str> = vec![name.as_str()];
        let mut seen = BTreeSet::from([name.as_str()]);
        let mut at = name.as_str();
        while let Some(next) = types.get(at).and_then(|s| s.on_oom.as_ref()) {
            if !seen.insert(next.as_str()) {
                let start = path.iter().position(|p| *p == next.as_str()).unwrap_or(0);
                let mut cycle: Vec<String> =
                    path[start..].iter().map(|s| (*s).to_owned()).collect();
                cycle.push(next.to_string());
                return Err(ConfigError::OnOomCycle { cycle });
            }
            path.push(next.as_str());
            at = next.as_str();
        }
    }
    for (name, spec) in types {
        let Some(next) = &spec.on_oom else { continue };
        let bigger = &types[next.as_str()];
        if bigger.mem <= spec.mem {
            return Err(ConfigError::OnOomNotBigger {
                machine_type: name.to_string(),
                mem: spec.mem,
                name: next.to_string(),
                next_mem: bigger.mem,
            });
        }
    }
    Ok(())
}
