//! `argo-kedro init`: writes `conf/<env>/argo.yml`, a Dockerfile and `.dockerignore`, adds
//! `.argo-kedro/` (the local runs) to `.gitignore` and `.dockerignore`, and creates the env
//! `cloud` that `submit` runs with when the project has none.
//!
//! Never prompts and never overwrites an existing file without `--force` (the ignore files only
//! get the entry appended).

use std::path::{Path, PathBuf};

use crate::cli::{GlobalArgs, InitArgs};
use crate::discover;
use crate::error::CliError;
use crate::fsutil;

/// The commented `argo.yml` template; `{{package_name}}` is replaced.
const ARGO_YML: &str = include_str!("../init/argo.yml");
/// The Dockerfile template; `{{package_name}}` is replaced.
const DOCKERFILE: &str = include_str!("../init/Dockerfile");
/// The `.dockerignore`.
const DOCKERIGNORE: &str = include_str!("../init/dockerignore");

/// The env `submit` runs the pods with unless given `-e` (as argo-kedro 0.1.41).
const SUBMIT_ENV: &str = "cloud";
/// The directory of `run-local`'s runs, which neither git nor the image should hold.
const RUNS_DIR: &str = ".argo-kedro/";

/// One file `init` writes.
struct Planned {
    path: PathBuf,
    text: String,
}

/// `argo-kedro init`.
pub(crate) fn run(global: &GlobalArgs, args: &InitArgs) -> Result<(), CliError> {
    let cwd = std::env::current_dir().map_err(CliError::CurrentDir)?;
    let root = discover::project_root(global.project.as_deref(), &cwd)?;
    let package = discover::package_name(&root).unwrap_or_else(|| "project".to_string());
    let say = |message: String| {
        if !args.silent {
            crate::output::status(&message);
        }
    };
    let shown = |path: &Path| {
        path.strip_prefix(&root)
            .unwrap_or(path)
            .display()
            .to_string()
    };
    for file in planned(&root, &args.env, &package) {
        if file.path.exists() && !args.force {
            say(format!(
                "kept {}: it exists (use --force to overwrite)",
                shown(&file.path)
            ));
            continue;
        }
        fsutil::write_output(&file.path, file.text.as_bytes())?;
        say(format!("wrote {}", shown(&file.path)));
    }
    for name in [".gitignore", ".dockerignore"] {
        let path = root.join(name);
        if let Some(text) = with_runs_ignored(&path)? {
            fsutil::write_output(&path, text.as_bytes())?;
            say(format!("added {RUNS_DIR} to {name}"));
        }
    }
    let cloud = root.join("conf").join(SUBMIT_ENV);
    if !cloud.exists() {
        fsutil::write_output(&cloud.join(".gitkeep"), b"")?;
        say(format!(
            "created conf/{SUBMIT_ENV}/: `argo-kedro submit` runs the pods with env `{SUBMIT_ENV}` (its files override conf/base/; -e picks another env)"
        ));
    } else if args.env != SUBMIT_ENV {
        say(format!(
            "note: `argo-kedro submit` runs the pods with env `{SUBMIT_ENV}` (conf/{SUBMIT_ENV}/ over conf/base/; -e picks another env)"
        ));
    }
    Ok(())
}

/// The text of the ignore file at `path` with a line ignoring [`RUNS_DIR`] appended, or `None`
/// when it already ignores it. A missing file counts as empty.
fn with_runs_ignored(path: &Path) -> Result<Option<String>, CliError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(source) => {
            return Err(CliError::ReadFile {
                path: path.to_path_buf(),
                source,
            });
        }
    };
    let entry = RUNS_DIR.trim_end_matches('/');
    let ignored = text.lines().map(str::trim).any(|line| {
        let line = line.trim_start_matches('/').trim_end_matches('/');
        line == entry || line == format!("{entry}/*") || line == format!("{entry}/**")
    });
    if ignored {
        return Ok(None);
    }
    let mut text = text;
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str("# argo-kedro: the local runs of `argo-kedro run-local`\n");
    text.push_str(RUNS_DIR);
    text.push('\n');
    Ok(Some(text))
}

fn planned(root: &Path, env: &str, package: &str) -> Vec<Planned> {
    let fill = |text: &str| {
        text.replace("{{package_name}}", package)
            .replace("{{argo_kedro_version}}", env!("CARGO_PKG_VERSION"))
    };
    vec![
        Planned {
            path: root.join("conf").join(env).join("argo.yml"),
            text: fill(ARGO_YML),
        },
        Planned {
            path: root.join("Dockerfile"),
            text: fill(DOCKERFILE),
        },
        Planned {
            path: root.join(".dockerignore"),
            text: DOCKERIGNORE.to_string(),
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_name_the_package() {
        let files = planned(Path::new("/p"), "cloud", "spaceflights");
        assert_eq!(files[0].path, Path::new("/p/conf/cloud/argo.yml"));
        assert!(files[0].text.contains("registry.example.com/spaceflights"));
        assert!(files[1].text.contains("WORKDIR /home/kedro/spaceflights"));
        assert!(
            files[1]
                .text
                .contains(&format!("\"argo-kedro>={}\"", env!("CARGO_PKG_VERSION")))
        );
        assert!(
            files.iter().all(|f| !f.text.contains("{{package_name}}")
                && !f.text.contains("{{argo_kedro_version}}"))
        );
        assert!(files[2].text.lines().any(|l| l == ".argo-kedro"));
    }

    #[test]
    fn the_runs_directory_is_added_to_ignore_files_once() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join(".gitignore");
        let text = with_runs_ignored(&path).unwrap().unwrap();
        assert!(text.ends_with("\n.argo-kedro/\n"), "{text}");
        std::fs::write(&path, "data/\n*.pyc").unwrap();
        let text = with_runs_ignored(&path).unwrap().unwrap();
        assert!(text.starts_with("data/\n*.pyc\n# argo-kedro"), "{text}");
        std::fs::write(&path, &text).unwrap();
        assert_eq!(with_runs_ignored(&path).unwrap(), None);
        for entry in [".argo-kedro", "/.argo-kedro/", ".argo-kedro/**"] {
            std::fs::write(&path, format!("x\n{entry}\n")).unwrap();
            assert_eq!(with_runs_ignored(&path).unwrap(), None, "{entry}");
        }
    }

    #[test]
    fn the_written_argo_yml_is_a_valid_config_with_a_content_tag() {
        let files = planned(Path::new("/p"), "base", "demo");
        let config = argo_fuse::Config::from_yaml_str(&files[0].text).unwrap();
        assert_eq!(config.namespace, "argo-workflows");
        assert_eq!(config.deployment.image, "registry.example.com/demo");
        // Not `latest`: a tag that follows the project's content.
        assert!(
            config.deployment.tag_is_random(),
            "{}",
            config.deployment.tag
        );
        assert_eq!(config.default_machine_type.as_str(), "default");
        assert_eq!(config.machine_types["default"].emph_storage, 10);
        assert!(!config.runner.use_memory_datasets);
    }

    /// The commented-out examples of the optional top-level keys are valid once uncommented.
    #[test]
    fn the_commented_examples_are_valid_config() {
        let text = &planned(Path::new("/p"), "base", "demo")[0].text;
        let keys = [
            "retry_strategy:",
            "retry_overrides:",
            "ttl_strategy:",
            "pod_gc:",
            "service_account:",
            "labels:",
            "annotations:",
            "ui_link:",
            "schedule:",
        ];
        let mut uncommented = 0;
        let lines: Vec<&str> = text
            .lines()
            .map(|line| match line.strip_prefix("# ") {
                Some(rest) if keys.iter().any(|k| rest.starts_with(k)) => {
                    uncommented += 1;
                    rest
                }
                _ => line,
            })
            .collect();
        assert_eq!(uncommented, keys.len(), "{text}");
        let config = argo_fuse::Config::from_yaml_str(&lines.join("\n")).unwrap();
        assert_eq!(
            config.labels["workflows.argoproj.io/controller-instanceid"],
            "my-instance"
        );
        assert!(config.retry_strategy.is_some() && config.ttl_strategy.is_some());
        assert_eq!(config.schedule.unwrap().cron, "0 2 * * *");

        // The memory ladder of `default`, uncommented.
        let ladder = text
            .replace("    # on_oom: highmem", "    on_oom: highmem")
            .replace(
                "  # highmem:\n  #   mem: 64\n  #   cpu: 8\n  #   num_gpu: 0\n",
                "  highmem:\n    mem: 64\n    cpu: 8\n    num_gpu: 0\n",
            );
        let config = argo_fuse::Config::from_yaml_str(&ladder).unwrap();
        let rungs: Vec<&str> = config
            .ladder("default")
            .iter()
            .map(|(n, _)| n.as_str())
            .collect();
        assert_eq!(rungs, ["default", "highmem"]);

        // The indented example (a retry that only catches lost pods) is valid too.
        let example = text
            .lines()
            .filter_map(|l| l.strip_prefix('#'))
            .map(str::trim)
            .find(|l| l.starts_with("retry_strategy:") && l.contains("expression:"))
            .unwrap();
        let config = argo_fuse::Config::from_yaml_str(&format!("{text}\n{example}\n")).unwrap();
        let retry = config.retry_strategy.unwrap();
        assert!(retry.expression.unwrap().contains("imminent node shutdown"));
    }
}
