//! Validated names: one newtype per kind of identifier in the IR.
//!
//! Every type here validates in [`FromStr`], [`TryFrom<String>`] and [`serde::Deserialize`], so a
//! value of the type is always a well-formed name; all implement [`Display`](fmt::Display),
//! `as_str`, [`AsRef<str>`] and [`Borrow<str>`] (so maps keyed by a name can be searched with a
//! `&str`).

use std::borrow::Borrow;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{NameError, NameKind};

/// Prefix of a parameter input (`params:rate`).
pub const PARAMS_PREFIX: &str = "params:";
/// The input that receives all parameters at once.
pub const ALL_PARAMETERS: &str = "parameters";
/// Separator of a transcoded dataset name (`companies@pandas`).
pub const TRANSCODING_SEPARATOR: char = '@';

/// The IR's `name` rule (`^[\w.-]+$`, ECMAScript `\w`): ASCII letters, digits, `_`, `.`, `-`.
fn check_simple(s: &str) -> Result<(), &'static str> {
    if s.is_empty() {
        return Err("it is empty");
    }
    if s.bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
    {
        Ok(())
    } else {
        Err("only ASCII letters, digits, `_`, `.` and `-` are allowed")
    }
}

/// Non-empty and free of control characters.
fn check_text(s: &str) -> Result<(), &'static str> {
    if s.is_empty() {
        Err("it is empty")
    } else if s.chars().any(char::is_control) {
        Err("it contains a control character")
    } else {
        Ok(())
    }
}

/// A configuration key (machine type, template): not empty, no whitespace or control characters.
fn check_key(s: &str) -> Result<(), &'static str> {
    if s.is_empty() {
        Err("it is empty")
    } else if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        Err("it contains whitespace or a control character")
    } else {
        Ok(())
    }
}

/// A dataset name: [`check_text`], and at most one `@` with text on both sides.
fn check_dataset(s: &str) -> Result<(), &'static str> {
    check_text(s)?;
    match s.split_once(TRANSCODING_SEPARATOR) {
        None => Ok(()),
        Some((base, transcoding)) => {
            if base.is_empty() || transcoding.is_empty() {
                Err("a transcoded name must look like `<dataset>@<transcoding>`")
            } else if transcoding.contains(TRANSCODING_SEPARATOR) {
                Err("it contains more than one `@`")
            } else {
                Ok(())
            }
        }
    }
}

macro_rules! name_type {
    ($(#[$meta:meta])* $name:ident, $kind:expr, $check:path, $example:literal) => {
        $(#[$meta])*
        #[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(String);

        impl $name {
            /// Validates `name` and wraps it.
            ///
            /// ```
            #[doc = concat!("let name = kedro_graph::", stringify!($name), "::new(\"", $example, "\")?;")]
            #[doc = concat!("assert_eq!(name.as_str(), \"", $example, "\");")]
            #[doc = concat!("assert!(kedro_graph::", stringify!($name), "::new(\"\").is_err());")]
            /// # Ok::<(), Box<dyn std::error::Error>>(())
            /// ```
            pub fn new(name: impl Into<String>) -> Result<Self, NameError> {
                let name = name.into();
                match $check(&name) {
                    Ok(()) => Ok(Self(name)),
                    Err(reason) => Err(NameError::new($kind, name, reason)),
                }
            }

            /// The name as a string slice.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The owned string.
            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Debug::fmt(&self.0, f)
            }
        }

        impl FromStr for $name {
            type Err = NameError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::new(s)
            }
        }

        impl TryFrom<String> for $name {
            type Error = NameError;

            fn try_from(s: String) -> Result<Self, Self::Error> {
                Self::new(s)
            }
        }

        impl TryFrom<&str> for $name {
            type Error = NameError;

            fn try_from(s: &str) -> Result<Self, Self::Error> {
                Self::new(s)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let s = String::deserialize(deserializer)?;
                Self::new(s).map_err(serde::de::Error::custom)
            }
        }
    };
}

name_type!(
    /// The full, namespaced name of a Kedro node (`ns.preprocess`).
    ///
    /// Rule (the IR schema's `name`): ASCII letters, digits, `_`, `.` and `-`, not empty.
    NodeName,
    NameKind::Node,
    check_simple,
    "ns.preprocess"
);

name_type!(
    /// The full name of a `FusedPipeline` group (`ns.prep_fused`).
    ///
    /// Rule (the IR schema's `name`): ASCII letters, digits, `_`, `.` and `-`, not empty.
    GroupName,
    NameKind::Group,
    check_simple,
    "ns.prep_fused"
);

name_type!(
    /// The name of a registered Kedro pipeline (`__default__`).
    ///
    /// Rule: not empty, no control characters.
    PipelineName,
    NameKind::Pipeline,
    check_text,
    "__default__"
);

name_type!(
    /// A Kedro namespace (`ns`, `a.b`).
    ///
    /// Rule: not empty, no control characters.
    Namespace,
    NameKind::Namespace,
    check_text,
    "ns"
);

name_type!(
    /// The name of a machine type (`large`): named by a node or group, defined by an entry of
    /// `machine_types` in `argo.yml`.
    ///
    /// Rule: not empty, no whitespace or control characters.
    MachineTypeName,
    NameKind::MachineType,
    check_key,
    "large"
);

name_type!(
    /// The name of a template (`neo4j`): named by a node or group, defined by `argo.yml` (a
    /// custom template, or the built-in `kedro`).
    ///
    /// Rule: not empty, no whitespace or control characters.
    TemplateName,
    NameKind::Template,
    check_key,
    "neo4j"
);

name_type!(
    /// A dataset name as Kedro reports it, transcoding kept (`companies@pandas`), or a parameter
    /// input (`params:ns.rate`, `parameters`).
    ///
    /// Rule: not empty, no control characters, at most one `@` with text on both sides.
    /// [`base`](Self::base) strips the transcoding: `x@pandas` and `x@spark` are the same
    /// dataset as far as dependencies go.
    DatasetName,
    NameKind::Dataset,
    check_dataset,
    "companies@pandas"
);

impl DatasetName {
    /// The name without its transcoding suffix (`companies@pandas` → `companies`).
    ///
    /// ```
    /// let name: kedro_graph::DatasetName = "companies@pandas".parse()?;
    /// assert_eq!(name.base(), "companies");
    /// assert_eq!(name.transcoding(), Some("pandas"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn base(&self) -> &str {
        base_of(&self.0)
    }

    /// The transcoding suffix after `@`, if any.
    pub fn transcoding(&self) -> Option<&str> {
        self.0
            .split_once(TRANSCODING_SEPARATOR)
            .map(|(_, transcoding)| transcoding)
    }

    /// Whether the name carries a transcoding suffix.
    pub fn is_transcoded(&self) -> bool {
        self.transcoding().is_some()
    }

    /// The name without its transcoding suffix, as a `DatasetName`.
    #[must_use]
    pub fn to_base(&self) -> DatasetName {
        if self.is_transcoded() {
            DatasetName(self.base().to_owned())
        } else {
            self.clone()
        }
    }

    /// Whether this is a parameter input (`params:...` or `parameters`) rather than a dataset.
    ///
    /// ```
    /// let name: kedro_graph::DatasetName = "params:ns.rate".parse()?;
    /// assert!(name.is_parameter());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn is_parameter(&self) -> bool {
        is_parameter_name(&self.0)
    }
}

/// The part of `name` before a transcoding `@` (the whole of `name` when there is none).
pub(crate) fn base_of(name: &str) -> &str {
    name.split_once(TRANSCODING_SEPARATOR)
        .map_or(name, |(base, _)| base)
}

/// Whether `name` is a parameter input.
pub(crate) fn is_parameter_name(name: &str) -> bool {
    name == ALL_PARAMETERS || name.starts_with(PARAMS_PREFIX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_names_follow_the_schema_rule() {
        for ok in ["a", "ns.preprocess", "a-b_c.D9"] {
            assert!(NodeName::new(ok).is_ok(), "{ok}");
        }
        for bad in ["", "a b", "f([x]) -> [y]", "é", "a\n"] {
            let err = NodeName::new(bad).expect_err(bad);
            assert_eq!(err.kind(), NameKind::Node);
            assert_eq!(err.name(), bad);
        }
        assert_eq!(
            GroupName::new("a b").map_err(|e| e.kind()),
            Err(NameKind::Group)
        );
    }

    #[test]
    fn text_names_reject_empty_and_control_characters() {
        assert!(PipelineName::new("data science").is_ok());
        assert!(PipelineName::new("").is_err());
        assert!(PipelineName::new("a\tb").is_err());
        assert!(Namespace::new("").is_err());
        assert!(MachineTypeName::new("").is_err());
        assert!(TemplateName::new("").is_err());
    }

    #[test]
    fn dataset_transcoding() {
        let plain = DatasetName::new("x").expect("valid");
        assert_eq!(plain.base(), "x");
        assert_eq!(plain.transcoding(), None);
        assert_eq!(plain.to_base(), plain);
        let spark = DatasetName::new("x@spark").expect("valid");
        assert_eq!(spark.base(), "x");
        assert_eq!(spark.transcoding(), Some("spark"));
        assert_eq!(spark.to_base(), plain);
        for bad in ["@x", "x@", "a@b@c", ""] {
            let err = DatasetName::new(bad).expect_err(bad);
            assert_eq!(err.kind(), NameKind::Dataset);
        }
    }

    #[test]
    fn parameters() {
        assert!(
            DatasetName::new("parameters")
                .expect("valid")
                .is_parameter()
        );
        assert!(
            DatasetName::new("params:a.b")
                .expect("valid")
                .is_parameter()
        );
        assert!(
            !DatasetName::new("parameters_x")
                .expect("valid")
                .is_parameter()
        );
    }

    #[test]
    fn serde_validates() {
        let ok: NodeName = serde_json::from_str("\"a.b\"").expect("valid");
        assert_eq!(ok, "a.b");
        assert_eq!(serde_json::to_string(&ok).expect("serialize"), "\"a.b\"");
        let err = serde_json::from_str::<NodeName>("\"a b\"").expect_err("invalid");
        assert!(err.to_string().contains("invalid node name `a b`"), "{err}");
    }

    #[test]
    fn borrow_allows_str_lookups() {
        let mut map = std::collections::HashMap::new();
        map.insert(PipelineName::new("p").expect("valid"), 1);
        assert_eq!(map.get("p"), Some(&1));
    }
}
