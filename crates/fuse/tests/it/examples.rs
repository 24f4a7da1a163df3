//! Snapshots of the manifests of the repository's example projects, compiled from the real
//! exporter's IR: committed in `tests/fixtures/ir` and kept equal to a fresh export by
//! `scripts/export_ir.py --check` in the test command.

use std::path::{Path, PathBuf};

use argo_fuse::{CompileOptions, LowerOptions, compile};
use argo_model::Document;
use kedro_graph::Project;

fn ir_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/ir");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(
        !files.is_empty(),
        "no exported IR in {} (run `python scripts/export_ir.py`)",
        dir.display()
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
