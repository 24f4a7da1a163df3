//! Integration tests of argo-fuse: properties over random pipelines, and scale.

mod examples;
mod oom_local;
mod props;
mod scale;

use argo_fuse::Config;

/// A configuration with two machine types.
pub(crate) fn config(use_memory_datasets: bool) -> Config {
    Config::from_yaml_str(&format!(
        "namespace: argo\n\
         deployment: {{image: registry.example/demo, tag: v1}}\n\
         runner: {{use_memory_datasets: {use_memory_datasets}}}\n\
         machine_types:\n  default: {{mem: 16, cpu: 4, num_gpu: 0}}\n  gpu: {{mem: 64, cpu: 16, num_gpu: 1}}\n\
         default_machine_type: default\n"
    ))
    .expect("test config is valid")
}
