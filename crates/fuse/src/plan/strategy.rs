//! The grouping strategies by name: [`GroupBy`].

use serde::{Deserialize, Serialize};

use crate::error::UnknownGroupBy;

/// How nodes become tasks: `--group-by` on the command line, `grouping:` in `argo.yml`.
///
/// ```
/// use argo_fuse::plan::GroupBy;
///
/// assert_eq!("namespace".parse::<GroupBy>(), Ok(GroupBy::Namespace));
/// assert_eq!(GroupBy::default(), GroupBy::None);
/// assert_eq!(GroupBy::Chains.to_string(), "chains");
/// assert!("namespaces".parse::<GroupBy>().is_err());
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GroupBy {
    /// One task per node, and one per `FusedPipeline` group (the default).
    #[default]
    None,
    /// One task per top-level namespace, as Kedro's `Pipeline.group_nodes_by("namespace")`;
    /// nodes without a namespace stay alone.
    Namespace,
    /// Nodes joined by datasets that would be `MemoryDataset`s share a task.
    Memory,
    /// Nodes tagged `group.<name>` form the task `<name>`.
    Tags,
    /// Maximal linear chains (a unit whose only successor has it as its only predecessor)
    /// share a task.
    Chains,
}

impl GroupBy {
    /// Every strategy, in documentation order.
    pub const ALL: [GroupBy; 5] = [
        GroupBy::None,
        GroupBy::Namespace,
        GroupBy::Memory,
        GroupBy::Tags,
        GroupBy::Chains,
    ];

    /// The name as `argo.yml` and the command line spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            GroupBy::None => "none",
            GroupBy::Namespace => "namespace",
            GroupBy::Memory => "memory",
            GroupBy::Tags => "tags",
            GroupBy::Chains => "chains",
        }
    }
}

impl std::fmt::Display for GroupBy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for GroupBy {
    type Err = UnknownGroupBy;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|g| g.as_str() == s)
            .ok_or_else(|| UnknownGroupBy { name: s.to_owned() })
    }
}

/// The tag prefix of [`GroupBy::Tags`]: a node tagged `group.<name>` joins task `<name>`.
pub const GROUP_TAG_PREFIX: &str = "group.";
