//! Integration tests of argo-fuse: properties over random pipelines, fuzzing of the parsers
//! (manifests, IR, argo.yml), and scale.

mod examples;
mod fuzz;
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
         default_machine_type: default\n\
         template:\n  templates:\n    - name: neo4j\n      container: {{name: kedro, command: [kedro], args: run}}\n"
    ))
    .expect("test config is valid")
}
