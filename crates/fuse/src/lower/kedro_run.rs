//! The `kedro run` options a task's pod may use, by the project's Kedro version.
//!
//! Kedro's own CLI is the spec (`kedro/framework/cli/project.py`, command `run`): Kedro 1.0 and
//! 1.1 name the pipeline with `--pipeline` only (`--pipelines` is `No such option`); Kedro 1.2.0
//! added `--pipelines` (a comma-separated list); from 1.4.0 `--pipeline` warns that it is
//! deprecated. So the pods get `--pipelines` from 1.2 on and `--pipeline` before.

/// The first Kedro release (major, minor) whose `kedro run` accepts `--pipelines`.
pub const PIPELINES_OPTION_SINCE: (u64, u64) = (1, 2);

/// The `kedro run` option that names the pipeline for a project on Kedro `kedro_version` (the
/// IR's `project.kedro_version`, as Kedro's `__version__` spells it): `--pipelines` from Kedro
/// 1.2, `--pipeline` for older releases. A version that does not start with `MAJOR.MINOR` gets
/// the current option, `--pipelines`.
///
/// ```
/// use argo_fuse::lower::pipeline_option;
/// assert_eq!(pipeline_option("1.0.0"), "--pipeline");
/// assert_eq!(pipeline_option("1.2.0"), "--pipelines");
/// assert_eq!(pipeline_option("1.7.0"), "--pipelines");
/// ```
pub fn pipeline_option(kedro_version: &str) -> &'static str {
    match major_minor(kedro_version) {
        Some(version) if version < PIPELINES_OPTION_SINCE => "--pipeline",
        _ => "--pipelines",
    }
}

/// `(major, minor)` of a PEP 440 version such as `1.1.1`, `1.2.0rc1` or `1.10.0.dev0`.
fn major_minor(version: &str) -> Option<(u64, u64)> {
    let mut parts = version.trim().trim_start_matches('v').split('.');
    let major = parts.next()?.parse().ok()?;
    let minor: String = parts
        .next()?
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    Some((major, minor.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every Kedro release the package declares (`kedro>=1.0,<2`) up to the newest on PyPI,
    /// with the option its `kedro run` has (read from each release's
    /// `kedro/framework/cli/project.py`).
    #[test]
    fn kedro_cli_run_pipeline_option_by_release() {
        let releases = [
            ("1.0.0", "--pipeline"),
            ("1.1.0", "--pipeline"),
            ("1.1.1", "--pipeline"),
            ("1.2.0", "--pipelines"),
            ("1.3.0", "--pipelines"),
            ("1.3.1", "--pipelines"),
            ("1.4.0", "--pipelines"),
            ("1.5.0", "--pipelines"),
            ("1.6.0", "--pipelines"),
            ("1.7.0", "--pipelines"),
        ];
        for (version, option) in releases {
            assert_eq!(pipeline_option(version), option, "Kedro {version}");
        }
    }

    #[test]
    fn pre_releases_and_odd_versions() {
        assert_eq!(pipeline_option("1.1.0rc2"), "--pipeline");
        assert_eq!(pipeline_option("1.2.0rc1"), "--pipelines");
        assert_eq!(pipeline_option("1.10.0.dev0"), "--pipelines");
        assert_eq!(pipeline_option("0.19.15"), "--pipeline");
        assert_eq!(pipeline_option("2.0.0"), "--pipelines");
        assert_eq!(pipeline_option(""), "--pipelines");
        assert_eq!(pipeline_option("unknown"), "--pipelines");
    }
}
