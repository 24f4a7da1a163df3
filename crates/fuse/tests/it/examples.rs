//! Snapshots of the manifests of the repository's example projects, compiled from the real
//! exporter's IR.
//!
//! `scripts/test.sh` exports every example project and env into `ARGO_KEDRO_IR_DIR`. Without
//! that variable the test fails under CI and is a no-op for a plain `cargo test`.

use std::path::PathBuf;

use argo_fuse::{CompileOptions, LowerOptions, compile};
use argo_model::Document;
use kedro_graph::Project;

#[allow(clippy::print_stderr)] // says why the test did nothing
fn ir_files() -> Vec<PathBuf> {
    let Some(dir) = std::env::var_os("ARGO_KEDRO_IR_DIR") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "ARGO_KEDRO_IR_DIR must be set in CI"
        );
        eprintln!("ARGO_KEDRO_IR_DIR is not set: run scripts/test.sh for the example snapshots");
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("ARGO_KEDRO_IR_DIR is readable")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(
        !files.is_empty(),
        "no IR files in {}",
        PathBuf::from(dir).display()
    );
    files
}

#[test]
fn example_project_manifests() {
    for file in ir_files() {
        let text = std::fs::read_to_string(&file).expect("IR is readable");
        let project = Project::from_json(&text).expect("the exporter's IR loads");
        let stem = file
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("UTF-8 name")
            .to_owned();
        let options = CompileOptions::default()
            .env(project.info().env.clone())
            .lower(LowerOptions::default().image("registry.example/snapshot:v1"));
        let compiled = compile(&project, &options).unwrap_or_else(|e| panic!("{stem}: {e}"));
        let yaml = Document::from(compiled.workflow)
            .to_yaml_string()
            .expect("serialises");
        let again = compile(&project, &options).expect("compiles twice");
        assert_eq!(
            yaml,
            Document::from(again.workflow)
                .to_yaml_string()
                .expect("serialises")
        );
        insta::assert_snapshot!(format!("example-{stem}"), yaml);
    }
}
