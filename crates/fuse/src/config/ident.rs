//! Newtypes for the names that `argo.yml` defines and the pipeline refers to.

use std::borrow::Borrow;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::InvalidName;

macro_rules! config_name {
    ($(#[$meta:meta])* $name:ident, $what:literal, $example:literal) => {
        $(#[$meta])*
        #[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(String);

        impl $name {
            /// Validates `name` (non-empty, no whitespace or control characters) and wraps it.
            ///
            /// ```
            #[doc = concat!("let name = argo_fuse::config::", stringify!($name), "::new(\"", $example, "\")?;")]
            #[doc = concat!("assert_eq!(name.as_str(), \"", $example, "\");")]
            #[doc = concat!("assert!(argo_fuse::config::", stringify!($name), "::new(\"a b\").is_err());")]
            /// # Ok::<(), Box<dyn std::error::Error>>(())
            /// ```
            pub fn new(name: impl Into<String>) -> Result<Self, InvalidName> {
                let name = name.into();
                if name.is_empty() || name.chars().any(|c| c.is_whitespace() || c.is_control()) {
                    Err(InvalidName { kind: $what, name })
                } else {
                    Ok(Self(name))
                }
            }

            /// The name as a string slice.
            pub fn as_str(&self) -> &str {
                &self.0
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
            type Err = InvalidName;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
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

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                Self::new(s).map_err(serde::de::Error::custom)
            }
        }
    };
}

config_name!(
    /// The name of an entry of `machine_types` (for example `n1-standard-4`).
    MachineTypeName,
    "machine type",
    "g2-standard-4"
);

config_name!(
    /// The name of a template: a custom template of `template.templates`, or the built-in
    /// `kedro` template.
    TemplateName,
    "template",
    "neo4j"
);

impl TemplateName {
    /// The built-in template that runs `kedro run` (the default `default_template`).
    pub const BUILTIN: &'static str = "kedro";

    /// The built-in template's name, `kedro`.
    ///
    /// ```
    /// assert_eq!(argo_fuse::config::TemplateName::builtin().as_str(), "kedro");
    /// ```
    pub fn builtin() -> Self {
        Self(Self::BUILTIN.to_owned())
    }
}
