//! Scalars that Argo reads more loosely than its schema says.

use std::fmt;
use std::str::FromStr;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Argo's `AnyString`: a parameter value that may be written as a string, an integer, a float or
/// a boolean, and is always used as a string.
///
/// The original YAML/JSON scalar form is remembered, so a manifest round-trips unchanged (`value: 3`
/// stays `3`); values built in code ([`AnyString::new`], `From<&str>`) are written as strings.
///
/// ```
/// use argo_model::AnyString;
/// let v: AnyString = serde_json::from_str("3")?;
/// assert_eq!(v.as_str(), "3");
/// assert_eq!(serde_json::to_string(&v)?, "3");
/// assert_eq!(serde_json::to_string(&AnyString::from("3"))?, r#""3""#);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct AnyString {
    value: String,
    form: Form,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
enum Form {
    #[default]
    String,
    Number,
    Bool,
}

impl AnyString {
    /// A value written as a string.
    pub fn new(value: impl Into<String>) -> Self {
        Self {
            value: value.into(),
            form: Form::String,
        }
    }

    /// The value as Argo sees it.
    pub fn as_str(&self) -> &str {
        &self.value
    }

    /// The value, consuming `self`.
    pub fn into_string(self) -> String {
        self.value
    }
}

impl From<&str> for AnyString {
    fn from(value: &str) -> Self {
        Self::new(value)
    }
}

impl From<String> for AnyString {
    fn from(value: String) -> Self {
        Self::new(value)
    }
}

impl fmt::Display for AnyString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.value)
    }
}

impl Serialize for AnyString {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.form {
            Form::Number => match serde_json::Number::from_str(&self.value) {
                Ok(n) => n.serialize(serializer),
                Err(_) => serializer.serialize_str(&self.value),
            },
            Form::Bool => serializer.serialize_bool(self.value == "true"),
            Form::String => serializer.serialize_str(&self.value),
        }
    }
}

struct AnyStringVisitor;

impl Visitor<'_> for AnyStringVisitor {
    type Value = AnyString;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string, number or boolean")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<AnyString, E> {
        Ok(AnyString::new(v))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<AnyString, E> {
        Ok(AnyString::new(v))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<AnyString, E> {
        Ok(AnyString {
            value: v.to_string(),
            form: Form::Bool,
        })
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<AnyString, E> {
        Ok(AnyString {
            value: v.to_string(),
            form: Form::Number,
        })
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<AnyString, E> {
        Ok(AnyString {
            value: v.to_string(),
            form: Form::Number,
        })
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<AnyString, E> {
        let value =
            serde_json::Number::from_f64(v).map_or_else(|| v.to_string(), |n| n.to_string());
        Ok(AnyString {
            value,
            form: Form::Number,
        })
    }
}

impl<'de> Deserialize<'de> for AnyString {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(AnyStringVisitor)
    }
}

/// A file mode (artifact `mode`): an integer, or octal text such as `"0755"` (some YAML parsers
/// read `mode: 0755` as a string). Kept in its original form.
///
/// ```
/// use argo_model::FileMode;
/// assert_eq!(FileMode::Text("0755".into()).bits(), Some(0o755));
/// assert_eq!(FileMode::Int(493).bits(), Some(0o755));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum FileMode {
    /// Written as an integer.
    Int(i64),
    /// Written as text; read as octal.
    Text(String),
}

impl FileMode {
    /// The permission bits, if the value is valid.
    pub fn bits(&self) -> Option<u32> {
        match self {
            Self::Int(i) => u32::try_from(*i).ok(),
            Self::Text(s) => u32::from_str_radix(s.trim_start_matches("0o"), 8).ok(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_string_keeps_its_form() {
        for text in ["3", "2.5", "true", "\"x\"", "-1"] {
            let v: AnyString = serde_json::from_str(text).expect("parses");
            assert_eq!(serde_json::to_string(&v).expect("writes"), text);
        }
        let v: AnyString = serde_norway::from_str("2.5").expect("parses");
        assert_eq!(v.as_str(), "2.5");
    }
}
