//! Newtypes for the identifiers this crate passes around: workflow names, namespaces, node ids and
//! pod names.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize};

/// A name that is not valid for its kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{}` is not a valid {kind}: {reason}", argo_model::elide(value))]
pub struct NameError {
    kind: &'static str,
    value: String,
    reason: &'static str,
}

impl NameError {
    /// What kind of name it was (`workflow name`, `namespace`, ...).
    pub fn kind(&self) -> &'static str {
        self.kind
    }

    /// The rejected value.
    pub fn value(&self) -> &str {
        &self.value
    }
}

fn dns_check(kind: &'static str, value: &str, max: usize, dots: bool) -> Result<(), NameError> {
    let err = |reason| NameError {
        kind,
        value: value.to_owned(),
        reason,
    };
    if value.is_empty() {
        return Err(err("it is empty"));
    }
    if value.len() > max {
        return Err(err("it is too long"));
    }
    let ok_char =
        |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || (dots && c == '.');
    if !value.chars().all(ok_char) {
        return Err(err("only lowercase letters, digits and '-' are allowed"));
    }
    let alnum = |c: Option<char>| c.is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    if !alnum(value.chars().next()) || !alnum(value.chars().last()) {
        return Err(err("it must start and end with a letter or digit"));
    }
    Ok(())
}

fn non_empty(kind: &'static str, value: &str) -> Result<(), NameError> {
    if value.is_empty() {
        return Err(NameError {
            kind,
            value: String::new(),
            reason: "it is empty",
        });
    }
    Ok(())
}

macro_rules! name_type {
    ($(#[$doc:meta])* $ty:ident, $check:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        #[serde(transparent)]
        pub struct $ty(String);

        impl $ty {
            /// Validates `value`.
            pub fn new(value: impl Into<String>) -> Result<Self, NameError> {
                let value = value.into();
                let check: fn(&str) -> Result<(), NameError> = $check;
                check(&value)?;
                Ok(Self(value))
            }

            /// The name as a string.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl FromStr for $ty {
            type Err = NameError;

            fn from_str(s: &str) -> Result<Self, NameError> {
                Self::new(s)
            }
        }

        impl AsRef<str> for $ty {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                Self::new(s).map_err(serde::de::Error::custom)
            }
        }
    };
}

name_type!(
    /// A workflow's `metadata.name`: a DNS-1123 subdomain (Argo further limits it to 63 characters).
    ///
    /// ```
    /// use argo_client::WorkflowName;
    /// let name: WorkflowName = "my-pipeline-x7k2p".parse()?;
    /// assert_eq!(name.as_str(), "my-pipeline-x7k2p");
    /// assert!("My_Pipeline".parse::<WorkflowName>().is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    WorkflowName,
    |v| dns_check("workflow name", v, 253, true)
);

name_type!(
    /// A `CronWorkflow`'s `metadata.name`: a DNS-1123 subdomain of at most 52 characters (Argo
    /// appends `-<unix time>` to name the workflows it starts).
    ///
    /// ```
    /// use argo_client::CronWorkflowName;
    /// assert!("spaceflights-default-cloud".parse::<CronWorkflowName>().is_ok());
    /// assert!("x".repeat(53).parse::<CronWorkflowName>().is_err());
    /// ```
    CronWorkflowName,
    |v| dns_check("CronWorkflow name", v, 52, true)
);

name_type!(
    /// A Kubernetes namespace: a DNS-1123 label.
    ///
    /// ```
    /// use argo_client::Namespace;
    /// let ns: Namespace = "argo".parse()?;
    /// assert_eq!(ns.to_string(), "argo");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    Namespace,
    |v| dns_check("namespace", v, 63, false)
);

name_type!(
    /// The id of a node in `status.nodes` (e.g. `my-wf-1234567890`).
    NodeId,
    |v| non_empty("node id", v)
);

name_type!(
    /// The name of a pod.
    PodName,
    |v| non_empty("pod name", v)
);

impl NodeId {
    pub(crate) fn from_trusted(value: String) -> Self {
        Self(value)
    }
}

impl PodName {
    pub(crate) fn from_trusted(value: String) -> Self {
        Self(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workflow_names() {
        assert!(WorkflowName::new("a-b.c").is_ok());
        assert!(WorkflowName::new("").is_err());
        assert!(WorkflowName::new("-a").is_err());
        assert!(WorkflowName::new("A").is_err());
        let err = Namespace::new("a.b").unwrap_err();
        assert_eq!(err.kind(), "namespace");
        assert_eq!(err.value(), "a.b");
    }

    #[test]
    fn deserialize_validates() {
        assert!(serde_json::from_str::<WorkflowName>("\"ok\"").is_ok());
        assert!(serde_json::from_str::<WorkflowName>("\"Not ok\"").is_err());
    }
}
