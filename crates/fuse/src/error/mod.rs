//! Errors of each operation of this crate: reading `argo.yml` ([`ConfigError`]), planning
//! ([`PlanError`]), lowering ([`LowerError`]) and the whole compile ([`FuseError`]).

mod config;
mod lower;
mod plan;
mod schedule;

pub use config::{ConfigError, InvalidArgoName};
pub use lower::LowerError;
pub use plan::{PlanError, TaskCycleStep, UnknownGroupBy};
pub use schedule::ScheduleError;

use crate::suggest;

/// Checks of [`crate::compile`] before planning.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CompileError {
    /// `-e` differs from the env the IR was exported for.
    #[error("the IR was exported for Kedro env `{exported}`, not `{requested}`")]
    EnvMismatch {
        /// The env asked for.
        requested: String,
        /// The IR's env.
        exported: String,
    },
    /// A `--params` value with a comma (`kedro run --params` splits on commas).
    #[error(
        "the value of parameter `{key}` contains a comma, which `kedro run --params` cannot pass: `{value}`"
    )]
    ParamValue {
        /// The key.
        key: String,
        /// The value.
        value: String,
    },
    /// A `--params` key that is not a parameter of the project.
    #[error(
        "`{key}` is not a parameter of the project; nearest: {}",
        suggest::list(nearest)
    )]
    UnknownParameter {
        /// The key.
        key: String,
        /// The closest parameter keys.
        nearest: Vec<String>,
    },
}

/// Any error of [`crate::compile`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FuseError {
    /// Options that do not fit the IR.
    #[error(transparent)]
    Compile(#[from] CompileError),
    /// `argo.yml`.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// Planning.
    #[error(transparent)]
    Plan(#[from] PlanError),
    /// Lowering.
    #[error(transparent)]
    Lower(#[from] LowerError),
}

impl FuseError {
    /// Hints for the user, one line each (see [`PlanError::hints`]).
    pub fn hints(&self) -> Vec<String> {
        match self {
            Self::Plan(e) => e.hints(),
            Self::Lower(e) => e.hints(),
            _ => Vec::new(),
        }
    }
}
