//! [`TaskName`]: the name of a task of the run.

use std::fmt;
use std::str::FromStr;

/// The name of a task of the run: its DAG task name, prefixed by the names of the DAG tasks it
/// is nested in, joined with `.` (`outer.inner`), as Argo names the nodes of nested DAGs. A
/// top-level task is just its DAG task name. Each segment matches `^[a-zA-Z0-9][-a-zA-Z0-9]*$`
/// (Argo's rule for task names), so a name is also a safe file name.
///
/// ```
/// use argo_local::TaskName;
/// let name: TaskName = "train.split-data".parse()?;
/// assert_eq!(name.as_str(), "train.split-data");
/// assert_eq!(name.leaf(), "split-data");
/// assert!("bad_name".parse::<TaskName>().is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TaskName(String);

/// A task name that breaks Argo's naming rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a valid task name (segments match `^[a-zA-Z0-9][-a-zA-Z0-9]*$`)")]
pub struct InvalidTaskName(pub String);

fn valid_segment(s: &str) -> bool {
    s.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

impl TaskName {
    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The last segment: the task's name inside its own DAG.
    pub fn leaf(&self) -> &str {
        self.0.rsplit('.').next().unwrap_or(&self.0)
    }

    /// `self` followed by the segment `child`.
    pub(crate) fn child(&self, child: &str) -> Result<Self, InvalidTaskName> {
        if valid_segment(child) {
            Ok(Self(format!("{}.{child}", self.0)))
        } else {
            Err(InvalidTaskName(child.to_owned()))
        }
    }
}

impl FromStr for TaskName {
    type Err = InvalidTaskName;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.split('.').all(valid_segment) {
            Ok(Self(s.to_owned()))
        } else {
            Err(InvalidTaskName(s.to_owned()))
        }
    }
}

impl fmt::Display for TaskName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for TaskName {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_argo_rules() {
        let n: TaskName = "a-1".parse().unwrap();
        assert_eq!(n.child("b").unwrap().as_str(), "a-1.b");
        assert!(n.child("-b").is_err());
        assert!("".parse::<TaskName>().is_err());
        assert!("a..b".parse::<TaskName>().is_err());
        assert!("a/b".parse::<TaskName>().is_err());
    }
}
