//! `argo-kedro init`: writes `conf/<env>/argo.yml`, a Dockerfile and `.dockerignore`.
//!
//! Never prompts and never overwrites an existing file without `--force`.

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
    for file in planned(&root, &args.env, &package) {
        let shown = file
            .path
            .strip_prefix(&root)
            .unwrap_or(&file.path)
            .display();
        let say = |message: String| {
            if !args.silent {
                crate::output::status(&message);
            }
        };
        if file.path.exists() && !args.force {
            say(format!(
                "kept {shown}: it exists (use --force to overwrite)"
            ));
            continue;
        }
        fsutil::write_atomic(&file.path, file.text.as_bytes())?;
        say(format!("wrote {shown}"));
    }
    Ok(())
}

fn planned(root: &Path, env: &str, package: &str) -> Vec<Planned> {
    let fill = |text: &str| text.replace("{{package_name}}", package);
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
        assert!(files.iter().all(|f| !f.text.contains("{{package_name}}")));
    }

    #[test]
    fn the_written_argo_yml_is_a_valid_config_with_the_old_defaults() {
        let files = planned(Path::new("/p"), "base", "demo");
        let config = argo_fuse::Config::from_yaml_str(&files[0].text).unwrap();
        assert_eq!(config.namespace, "argo-workflows");
        assert_eq!(config.deployment.image, "registry.example.com/demo");
        assert_eq!(config.deployment.tag, "latest");
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
