//! Loading the Kedro project: discovery, the exporter, the IR, and the compile.

use std::path::{Path, PathBuf};

use argo_fuse::{CompileOptions, Compiled, LowerOptions, TextFormat};
use kedro_graph::Project;

use crate::cli::{CompileSelection, GlobalArgs, MemoryCrossingArg};
use crate::discover::{self, Python};
use crate::error::CliError;
use crate::exporter::{self, ExportRequest};
use crate::image;

/// A loaded project: where it is, which interpreter read it, and its IR.
pub(crate) struct Loaded {
    /// The project root.
    pub(crate) root: PathBuf,
    /// The interpreter that ran the exporter.
    pub(crate) python: Python,
    /// The IR.
    pub(crate) project: Project,
    /// The IR as the exporter printed it.
    pub(crate) json: String,
}

/// Runs the exporter for the project and loads its IR (graphs are checked by their users:
/// `export` checks every pipeline's, the compiler the one it plans).
pub(crate) fn load(
    global: &GlobalArgs,
    env: &str,
    pipeline: Option<&str>,
) -> Result<Loaded, CliError> {
    load_filtered(global, env, pipeline, &[])
}

/// [`load`], with Kedro's node filters (`(option, comma-separated values)`): the exporter
/// records the nodes Kedro's `Pipeline.filter(...)` selects (the IR's `selection`).
pub(crate) fn load_filtered(
    global: &GlobalArgs,
    env: &str,
    pipeline: Option<&str>,
    filter: &[(&str, String)],
) -> Result<Loaded, CliError> {
    let cwd = std::env::current_dir().map_err(CliError::CurrentDir)?;
    let root = discover::project_root(global.project.as_deref(), &cwd)?;
    let python = discover::python(
        global.python.as_deref(),
        |key| std::env::var(key).ok(),
        discover::binary_dir().as_deref(),
    );
    let request = ExportRequest {
        project: &root,
        env,
        pipeline,
        filter,
    };
    let json = exporter::export(&python, &request, global.verbose > 0)?;
    let project = Project::from_json(&json).map_err(CliError::Ir)?;
    Ok(Loaded {
        root,
        python,
        project,
        json,
    })
}

/// Loads the project for `selection` and compiles it; with `text`, the manifest is also
/// written as text in that format (`Compiled::text`).
pub(crate) fn compile(
    global: &GlobalArgs,
    selection: &CompileSelection,
    text: Option<TextFormat>,
) -> Result<(Loaded, Compiled), CliError> {
    compile_with_image(global, selection, text).map(|(loaded, compiled, _)| (loaded, compiled))
}

/// [`compile`], plus the image reference (`IMG:TAG`) the manifest's pods run.
pub(crate) fn compile_with_image(
    global: &GlobalArgs,
    selection: &CompileSelection,
    text: Option<TextFormat>,
) -> Result<(Loaded, Compiled, String), CliError> {
    compile_writing(global, selection, text, None)
}

/// [`compile_with_image`] for a manifest that will be written to `output`: when that file is in
/// the project, it is no part of the content the image tag follows (`${ka.random:}`), so that
/// compiling twice into it gives the same tag.
pub(crate) fn compile_writing(
    global: &GlobalArgs,
    selection: &CompileSelection,
    text: Option<TextFormat>,
    output: Option<&Path>,
) -> Result<(Loaded, Compiled, String), CliError> {
    let loaded = load_filtered(
        global,
        &selection.env,
        Some(&selection.pipeline),
        &selection.filter(),
    )?;
    let mut lower = LowerOptions::default().params(parse_params(selection.params.as_deref())?);
    if let Some(image) = &selection.image {
        if image::ImageRef::parse(image).is_none()
            || !argo_fuse::config::ValueRule::ImageReference.check(image)
        {
            return Err(CliError::InvalidImage {
                image: image.clone(),
            });
        }
        lower = lower.image(image.clone());
    } else if tag_is_random(&loaded.project) {
        // Only then: outside git the content tag reads every file of the project.
        let written = output.and_then(|path| inside(&loaded.root, path));
        lower = lower.random_tag(image::content_tag(
            &loaded.root,
            written.as_deref().as_slice(),
        ));
    }
    match selection.memory_crossing {
        Some(MemoryCrossingArg::Fuse) => crate::output::status(
            "warning: --memory-crossing fuse is deprecated: it is --group-by memory",
        ),
        Some(MemoryCrossingArg::Error) => crate::output::status(
            "warning: --memory-crossing error is deprecated: a MemoryDataset that crosses tasks \
             fails the compile under every --group-by strategy",
        ),
        None => {}
    }
    let mut options = CompileOptions::default()
        .pipeline(selection.pipeline.clone())
        .env(selection.env.clone())
        .lower(lower.clone());
    if let Some(group_by) = selection.group_by() {
        options = options.group_by(group_by);
    }
    let options = match text {
        Some(format) => options.text(format),
        None => options,
    };
    let compiled = argo_fuse::compile(&loaded.project, &options).map_err(CliError::Compile)?;
    let image = argo_fuse::lower::image(&compiled.plan, &compiled.config, &lower);
    Ok((loaded, compiled, image))
}

/// `path` (as given on the command line) relative to the project `root`, when it names a file
/// in the project; its directory must exist.
fn inside(root: &Path, path: &Path) -> Option<PathBuf> {
    let absolute = std::env::current_dir().ok()?.join(path);
    let dir = absolute.parent()?.canonicalize().ok()?;
    let relative = dir.strip_prefix(root.canonicalize().ok()?).ok()?;
    Some(relative.join(absolute.file_name()?))
}

/// The namespace the project's `argo.yml` names, for the cluster commands that are given no
/// `--namespace`: `submit` creates workflows there, so `status`, `watch`, `logs`, `resubmit`,
/// `stop` and `terminate` look there too. `None` outside a Kedro project, and the kubeconfig's
/// namespace applies; see [`value_in`] for which file counts.
pub(crate) fn argo_yml_namespace(global: &GlobalArgs, envs: &[&str]) -> Option<String> {
    argo_yml_value(global, envs, &["namespace"])
}

/// The controller instance id the project's `argo.yml` gives its workflows (the label
/// `workflows.argoproj.io/controller-instanceid` of `labels`), looked up as the namespace is.
pub(crate) fn argo_yml_instance_id(global: &GlobalArgs, envs: &[&str]) -> Option<String> {
    argo_yml_value(global, envs, &["labels", argo_client::INSTANCE_ID_LABEL])
}

/// The string at `path` of the project's `argo.yml` for the first of `envs` that sets it.
fn argo_yml_value(global: &GlobalArgs, envs: &[&str], path: &[&str]) -> Option<String> {
    let cwd = std::env::current_dir().ok()?;
    let root = discover::project_root(global.project.as_deref(), &cwd).ok()?;
    value_in(&root.join("conf"), envs, path)
}

/// The string at `path` (keys, outermost first) of the first `argo*.yml` / `argo*.yaml` file
/// (in name order) of the first of `envs` (directories of `conf`) that sets it, read as written:
/// no Kedro, so a value with an interpolation (`${...}`) gives `None`, as does no file setting
/// it. An env's own file wins over the next env's, as in Kedro's merge of `cloud` over `base`.
fn value_in(conf: &Path, envs: &[&str], path: &[&str]) -> Option<String> {
    for env in envs {
        let Ok(entries) = std::fs::read_dir(conf.join(env)) else {
            continue;
        };
        let mut files: Vec<PathBuf> = entries
            .flatten()
            .map(|entry| entry.path())
            .filter(|path| {
                let name = path
                    .file_name()
                    .and_then(|n| n.to_str())
                    .unwrap_or_default();
                let yaml = path
                    .extension()
                    .and_then(|e| e.to_str())
                    .is_some_and(|e| e == "yml" || e == "yaml");
                name.starts_with("argo") && yaml && path.is_file()
            })
            .collect();
        files.sort();
        for file in files {
            let Ok(text) = crate::fsutil::read_text(&file) else {
                continue;
            };
            let Some(value) = argo_model::yaml_values(&text)
                .ok()
                .and_then(|docs| docs.into_iter().next())
                .and_then(|doc| path.iter().try_fold(&doc, |v, key| v.get(key)).cloned())
            else {
                continue;
            };
            // This file sets it: its value, or nothing we can read without Kedro.
            return value
                .as_str()
                .filter(|v| !v.contains("${"))
                .map(str::to_owned);
        }
    }
    None
}

/// The envs whose `argo.yml` gives the cluster commands their namespace: `cloud` (where
/// `submit` runs by default), then `base`.
pub(crate) const NAMESPACE_ENVS: &[&str] = &["cloud", "base"];

/// Whether the project's `deployment.tag` asks for a tag drawn at build time
/// (`${ka.random:}`). An unreadable config says no: the compile reports it.
fn tag_is_random(project: &Project) -> bool {
    argo_fuse::Config::from_project(project).is_ok_and(|c| c.deployment.tag_is_random())
}

/// Parses `k=v,k2=v2` (also repeated flags) into pairs.
pub(crate) fn parse_params(params: Option<&[String]>) -> Result<Vec<(String, String)>, CliError> {
    let mut pairs = Vec::new();
    for item in params.unwrap_or_default().iter().flat_map(|p| p.split(',')) {
        if item.trim().is_empty() {
            continue;
        }
        match item.split_once('=') {
            Some((key, value)) if !key.trim().is_empty() => {
                pairs.push((key.trim().to_string(), value.trim().to_string()));
            }
            _ => {
                return Err(CliError::InvalidParam {
                    item: item.to_string(),
                });
            }
        }
    }
    Ok(pairs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespace_comes_from_the_first_env_whose_argo_yml_sets_it() {
        let tmp = tempfile::tempdir().unwrap();
        let conf = tmp.path();
        let write = |env: &str, file: &str, text: &str| {
            std::fs::create_dir_all(conf.join(env)).unwrap();
            std::fs::write(conf.join(env).join(file), text).unwrap();
        };
        write(
            "base",
            "argo.yml",
            "namespace: team-base\ndeployment: {image: i}\n",
        );
        write("prod", "argo.yml", "deployment: {tag: v1}\n");
        write("cloud", "argo.yml", "namespace: team-cloud\n");
        write("cloud", "notes.yml", "namespace: not-argo\n");
        write("dyn", "argo.yml", "namespace: ${oc.env:NS}\n");
        let ns = |envs: &[&str]| value_in(conf, envs, &["namespace"]);
        assert_eq!(ns(&["cloud", "base"]).as_deref(), Some("team-cloud"));
        // An env without one falls back to the next.
        assert_eq!(ns(&["prod", "base"]).as_deref(), Some("team-base"));
        assert_eq!(ns(&["missing", "base"]).as_deref(), Some("team-base"));
        // An interpolated namespace stops the search: it is not base's.
        assert_eq!(ns(&["dyn", "base"]), None);
        assert_eq!(ns(&["prod"]), None);
        // Nested keys, as the instance id in `labels`.
        write(
            "prod",
            "argo.yml",
            "labels: {workflows.argoproj.io/controller-instanceid: blue}\n",
        );
        let id = |envs: &[&str]| value_in(conf, envs, &["labels", argo_client::INSTANCE_ID_LABEL]);
        assert_eq!(id(&["prod", "base"]).as_deref(), Some("blue"));
        assert_eq!(id(&["cloud", "base"]), None);
    }

    #[test]
    fn parses_params() {
        let given = vec!["a=1,b.c=x".to_string(), "d=".to_string()];
        let pairs = parse_params(Some(&given)).unwrap();
        assert_eq!(
            pairs,
            [("a", "1"), ("b.c", "x"), ("d", "")].map(|(k, v)| (k.to_string(), v.to_string()))
        );
        assert!(parse_params(None).unwrap().is_empty());
        let err = parse_params(Some(&["a=1,oops".to_string()])).unwrap_err();
        assert!(
            matches!(err, CliError::InvalidParam { ref item } if item == "oops"),
            "{err:?}"
        );
    }
}
