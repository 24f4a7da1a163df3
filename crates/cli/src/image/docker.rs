//! `docker buildx build` and `docker push`, run or only shown (`--dry-run`).

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::ImageRef;
use crate::error::{CliError, ToolMessage};

/// One docker invocation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DockerCommand {
    /// Arguments after `docker`.
    pub(crate) args: Vec<String>,
}

impl DockerCommand {
    /// `docker buildx build --platform P -f DOCKERFILE -t IMAGE --load CONTEXT`.
    pub(crate) fn build(
        image: &ImageRef,
        platform: &str,
        dockerfile: &Path,
        context: &Path,
    ) -> Self {
        let args = [
            "buildx",
            "build",
            "--platform",
            platform,
            "-f",
            &dockerfile.display().to_string(),
            "-t",
            &image.to_string(),
            "--load",
            &context.display().to_string(),
        ];
        Self {
            args: args.iter().map(ToString::to_string).collect(),
        }
    }

    /// `docker push IMAGE`.
    pub(crate) fn push(image: &ImageRef) -> Self {
        Self {
            args: vec!["push".into(), image.to_string()],
        }
    }

    /// The command line as a user would type it.
    pub(crate) fn display(&self, program: &Path) -> String {
        std::iter::once(program.display().to_string())
            .chain(self.args.iter().map(|a| shell_quote(a)))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

fn shell_quote(arg: &str) -> String {
    let plain = arg
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_./:=@+,".contains(c));
    if plain && !arg.is_empty() {
        arg.to_string()
    } else {
        format!("'{}'", arg.replace('\'', r"'\''"))
    }
}

/// The docker client.
#[derive(Debug, Clone)]
pub(crate) struct Docker {
    /// The program (`docker`, or `$ARGO_KEDRO_DOCKER`).
    pub(crate) program: PathBuf,
    /// The flag of the running command that skips the build, for the hint when docker is
    /// missing.
    pub(crate) skip_flag: &'static str,
}

impl Docker {
    /// `$ARGO_KEDRO_DOCKER`, else `docker` on `PATH`, for a command whose `skip_flag` skips the
    /// build (`--no-build` for `submit`, `--no-rebuild` for `resubmit`).
    pub(crate) fn from_env(skip_flag: &'static str) -> Self {
        let program = std::env::var_os("ARGO_KEDRO_DOCKER").filter(|p| !p.is_empty());
        Self {
            program: program.map_or_else(|| "docker".into(), PathBuf::from),
            skip_flag,
        }
    }

    /// Runs each of `commands` in `dir`, in order, saying `running: ...` before each; stops at
    /// the first failure.
    pub(crate) fn run_all(&self, commands: &[DockerCommand], dir: &Path) -> Result<(), CliError> {
        for command in commands {
            crate::output::status(&format!("running: {}", command.display(&self.program)));
            self.run(command, dir)?;
        }
        Ok(())
    }

    /// Runs `command` in `dir`; its output goes to our stderr as it runs, and a failure carries
    /// the command line and the last line of its stderr.
    pub(crate) fn run(&self, command: &DockerCommand, dir: &Path) -> Result<(), CliError> {
        let shown = command.display(&self.program);
        let mut child = Command::new(&self.program)
            .args(&command.args)
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(Stdio::from(std::io::stderr()))
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|source| CliError::DockerNotRunnable {
                command: shown.clone(),
                skip_flag: self.skip_flag,
                source,
            })?;
        let mut last_line = None;
        if let Some(stderr) = child.stderr.take() {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                crate::output::status(&line);
                if !line.trim().is_empty() {
                    last_line = Some(line.trim().to_string());
                }
            }
        }
        let status = child.wait().map_err(|source| CliError::DockerNotRunnable {
            command: shown.clone(),
            skip_flag: self.skip_flag,
            source,
        })?;
        if status.success() {
            return Ok(());
        }
        Err(CliError::DockerFailed {
            command: shown,
            code: status.code(),
            last_line: last_line.map(|message| ToolMessage { message }),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image() -> ImageRef {
        ImageRef {
            repository: "reg/img".into(),
            tag: "g123".into(),
        }
    }

    #[test]
    fn builds_the_documented_command_lines() {
        let build = DockerCommand::build(
            &image(),
            "linux/amd64",
            Path::new("Dockerfile"),
            Path::new("./"),
        );
        assert_eq!(
            build.display(Path::new("docker")),
            "docker buildx build --platform linux/amd64 -f Dockerfile -t reg/img:g123 --load ./"
        );
        assert_eq!(
            DockerCommand::push(&image()).display(Path::new("docker")),
            "docker push reg/img:g123"
        );
        assert_eq!(shell_quote("a b"), "'a b'");
    }

    #[cfg(unix)]
    #[test]
    fn a_failing_docker_reports_the_command_and_its_stderr() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().unwrap();
        let stub = tmp.path().join("docker");
        std::fs::write(
            &stub,
            "#!/bin/sh\necho \"$@\" > args.txt\necho 'denied: no push access' >&2\nexit 3\n",
        )
        .unwrap();
        std::fs::set_permissions(&stub, std::fs::Permissions::from_mode(0o755)).unwrap();
        let docker = Docker {
            program: stub,
            skip_flag: "--no-build",
        };
        let err = docker
            .run(&DockerCommand::push(&image()), tmp.path())
            .unwrap_err();
        match err {
            CliError::DockerFailed {
                command,
                code,
                last_line,
            } => {
                assert!(command.ends_with("push reg/img:g123"), "{command}");
                assert_eq!(code, Some(3));
                assert_eq!(last_line.unwrap().message, "denied: no push access");
            }
            other => panic!("unexpected {other:?}"),
        }
        assert_eq!(
            std::fs::read_to_string(tmp.path().join("args.txt")).unwrap(),
            "push reg/img:g123\n"
        );
    }
}
