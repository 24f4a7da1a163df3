//! The rules the Kubernetes API server (and the container runtime, for images) applies to the
//! values `argo.yml` places in a manifest, ported from their upstream functions, with the nearest
//! valid form of a value that breaks them.

use std::fmt;
use std::sync::OnceLock;

use argo_model::label;
use regex::Regex;

/// A rule a value of `argo.yml` must satisfy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ValueRule {
    /// A DNS-1123 label (`IsDNS1123Label`): namespaces, container and volume names.
    Dns1123Label,
    /// A DNS-1123 subdomain (`IsDNS1123Subdomain`): secret and service account names.
    Dns1123Subdomain,
    /// An environment variable name (`IsEnvVarName`, the strict rule every version accepts).
    EnvVarName,
    /// A key of a secret or config map (`IsConfigMapKey`).
    SecretKey,
    /// A label or annotation key (`IsQualifiedName`).
    QualifiedName,
    /// A label value (`IsValidLabelValue`).
    LabelValue,
    /// An image repository, `[host[:port]/]path` (distribution's `reference.NameRegexp`).
    ImageName,
    /// An image tag (distribution's `reference.TagRegexp`).
    ImageTag,
    /// A whole image reference, `name[:tag][@digest]` (distribution's
    /// `reference.ReferenceRegexp`).
    ImageReference,
}

impl fmt::Display for ValueRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Dns1123Label => {
                "a DNS-1123 label (at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit)"
            }
            Self::Dns1123Subdomain => {
                "a DNS-1123 subdomain (at most 253 lowercase letters, digits, '-' and '.', each part starting and ending with a letter or digit)"
            }
            Self::EnvVarName => {
                "an environment variable name (letters, digits, '_', '-' and '.', not starting with a digit)"
            }
            Self::SecretKey => "a secret key (at most 253 letters, digits, '-', '_' and '.')",
            Self::QualifiedName => {
                "a label or annotation key (an optional DNS subdomain and '/', then at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit)"
            }
            Self::LabelValue => {
                "a label value (at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit)"
            }
            Self::ImageName => {
                "an image repository (`[registry[:port]/]path`, the path in lowercase letters, digits and separators '.', '_', '__', '-')"
            }
            Self::ImageTag => "an image tag (at most 128 letters, digits, '_', '.' and '-', not starting with '.' or '-')",
            Self::ImageReference => "an image reference (`[registry[:port]/]path[:tag][@digest]`)",
        })
    }
}

// distribution/reference regexp.go, verbatim in Rust regex syntax (`\w` spelled in ASCII).
const ALPHANUMERIC: &str = "[a-z0-9]+";
const SEPARATOR: &str = "(?:[._]|__|[-]+)";
const DOMAIN_COMPONENT: &str = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const TAG: &str = "[0-9A-Za-z_][0-9A-Za-z_.-]{0,127}";
const DIGEST: &str = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9a-fA-F]{32,}";
/// `NameTotalLengthMax` of distribution/reference.
const NAME_MAX: usize = 255;

fn name_pattern() -> String {
    let host = format!("(?:{DOMAIN_COMPONENT}(?:\\.{DOMAIN_COMPONENT})*|\\[(?:[a-fA-F0-9:]+)\\])");
    let path_component = format!("{ALPHANUMERIC}(?:{SEPARATOR}{ALPHANUMERIC})*");
    format!("(?:{host}(?::[0-9]+)?/)?{path_component}(?:/{path_component})*")
}

/// Whether `value` matches the pattern compiled once into `cell` (a pattern that did not compile
/// matches nothing; a test compiles each one).
fn matches(cell: &'static OnceLock<Option<Regex>>, pattern: fn() -> String, value: &str) -> bool {
    cell.get_or_init(|| Regex::new(&pattern()).ok())
        .as_ref()
        .is_some_and(|r| r.is_match(value))
}

fn image_name_pattern() -> String {
    format!("^{}$", name_pattern())
}

fn image_tag_pattern() -> String {
    format!("^{TAG}$")
}

fn image_reference_pattern() -> String {
    format!("^{}(?::{TAG})?(?:@{DIGEST})?$", name_pattern())
}

static IMAGE_NAME: OnceLock<Option<Regex>> = OnceLock::new();
static IMAGE_TAG: OnceLock<Option<Regex>> = OnceLock::new();
static IMAGE_REFERENCE: OnceLock<Option<Regex>> = OnceLock::new();

/// `[a-z0-9]([-a-z0-9]*[a-z0-9])?` of at most 63 characters.
fn is_label(s: &str) -> bool {
    s.len() <= 63
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && s.bytes().next().is_some_and(|b| b != b'-')
        && s.bytes().last().is_some_and(|b| b != b'-')
}

fn is_subdomain(s: &str) -> bool {
    s.len() <= 253 && s.split('.').all(|part| !part.is_empty() && is_label(part))
}

fn is_qualified_name(s: &str) -> bool {
    let (prefix, name) = match s.split_once('/') {
        Some((prefix, name)) => (Some(prefix), name),
        None => (None, s),
    };
    prefix.is_none_or(is_subdomain) && !name.is_empty() && label::is_value(name)
}

impl ValueRule {
    /// Whether `value` satisfies the rule.
    ///
    /// ```
    /// use argo_fuse::config::ValueRule;
    /// assert!(ValueRule::Dns1123Label.check("team-a"));
    /// assert!(!ValueRule::Dns1123Label.check("Team_A"));
    /// assert!(ValueRule::ImageReference.check("registry.example:5000/team/app:v1.2"));
    /// assert!(!ValueRule::ImageReference.check("Registry/App:v1"));
    /// ```
    pub fn check(self, value: &str) -> bool {
        match self {
            Self::Dns1123Label => is_label(value),
            Self::Dns1123Subdomain => is_subdomain(value),
            Self::EnvVarName => {
                value
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
                    && value.bytes().next().is_some_and(|b| !b.is_ascii_digit())
            }
            Self::SecretKey => {
                !value.is_empty()
                    && value.len() <= 253
                    && value
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
                    && value != "."
                    && value != ".."
            }
            Self::QualifiedName => is_qualified_name(value),
            Self::LabelValue => label::is_value(value),
            Self::ImageName => {
                value.len() <= NAME_MAX && matches(&IMAGE_NAME, image_name_pattern, value)
            }
            Self::ImageTag => matches(&IMAGE_TAG, image_tag_pattern, value),
            Self::ImageReference => {
                split_reference(value).0.len() <= NAME_MAX
                    && matches(&IMAGE_REFERENCE, image_reference_pattern, value)
            }
        }
    }

    /// The nearest value that satisfies the rule, when there is one.
    ///
    /// ```
    /// use argo_fuse::config::ValueRule;
    /// assert_eq!(ValueRule::Dns1123Label.nearest("Team_A").as_deref(), Some("team-a"));
    /// assert_eq!(ValueRule::EnvVarName.nearest("1 api key").as_deref(), Some("_1_api_key"));
    /// assert_eq!(
    ///     ValueRule::ImageName.nearest("Registry.example/Team/App").as_deref(),
    ///     Some("registry.example/team/app")
    /// );
    /// ```
    pub fn nearest(self, value: &str) -> Option<String> {
        let candidate = match self {
            Self::Dns1123Label => label_like(value, 63),
            Self::Dns1123Subdomain => subdomain_like(value),
            Self::EnvVarName => {
                let mapped: String = value
                    .chars()
                    .map(|c| {
                        if c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.') {
                            c
                        } else {
                            '_'
                        }
                    })
                    .collect();
                if mapped.starts_with(|c: char| c.is_ascii_digit()) {
                    format!("_{mapped}")
                } else {
                    mapped
                }
            }
            Self::SecretKey => value
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.') {
                        c
                    } else {
                        '-'
                    }
                })
                .take(253)
                .collect(),
            Self::QualifiedName => match value.split_once('/') {
                Some((prefix, name)) => {
                    format!(
                        "{}/{}",
                        subdomain_like(prefix),
                        crate::lower::label_value(name)
                    )
                }
                None => crate::lower::label_value(value),
            },
            Self::LabelValue => crate::lower::label_value(value),
            // Without a tag or digest written into it.
            Self::ImageName => image_name_like(split_reference(value).0),
            Self::ImageTag => {
                let mapped: String = value
                    .chars()
                    .map(|c| {
                        if c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-') {
                            c
                        } else {
                            '-'
                        }
                    })
                    .collect();
                mapped
                    .trim_start_matches(['.', '-'])
                    .chars()
                    .take(128)
                    .collect()
            }
            Self::ImageReference => {
                let (name, rest) = split_reference(value);
                format!("{}{rest}", image_name_like(name))
            }
        };
        (candidate != value && self.check(&candidate)).then_some(candidate)
    }
}

/// Lowercase, every other character `-`, runs of `-` collapsed, trimmed, cut to `max`.
fn label_like(value: &str, max: usize) -> String {
    let mut out = String::new();
    for c in value.chars().flat_map(char::to_lowercase) {
        let c = if c.is_ascii_lowercase() || c.is_ascii_digit() {
            c
        } else {
            '-'
        };
        if !(c == '-' && out.ends_with('-')) {
            out.push(c);
        }
    }
    let trimmed = out.trim_matches('-');
    trimmed[..trimmed.len().min(max)]
        .trim_end_matches('-')
        .to_owned()
}

fn subdomain_like(value: &str) -> String {
    let parts: Vec<String> = value
        .split('.')
        .map(|p| label_like(p, 63))
        .filter(|p| !p.is_empty())
        .collect();
    let joined = parts.join(".");
    joined[..joined.len().min(253)]
        .trim_end_matches(['-', '.'])
        .to_owned()
}

/// The repository part of a reference and the rest (`:tag`, `@digest`). A `:` after the last
/// `/` starts the tag; one before it is a registry port.
fn split_reference(value: &str) -> (&str, &str) {
    let end = value.find('@').unwrap_or(value.len());
    let slash = value[..end].rfind('/').map_or(0, |i| i + 1);
    let end = value[slash..end].find(':').map_or(end, |i| slash + i);
    value.split_at(end)
}

/// The repository lowercased (the registry keeps its case), whitespace removed.
fn image_name_like(value: &str) -> String {
    let cleaned: String = value.chars().filter(|c| !c.is_whitespace()).collect();
    match cleaned.split_once('/') {
        Some((host, path)) if host.contains(['.', ':']) || host == "localhost" => {
            format!(
                "{}/{}",
                host.to_ascii_lowercase(),
                path.to_ascii_lowercase()
            )
        }
        _ => cleaned.to_ascii_lowercase(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_patterns_compile() {
        for pattern in [
            image_name_pattern,
            image_tag_pattern,
            image_reference_pattern,
        ] {
            Regex::new(&pattern()).unwrap();
        }
    }

    #[test]
    fn dns_names() {
        for ok in ["a", "team-a", "a1", &"a".repeat(63)] {
            assert!(ValueRule::Dns1123Label.check(ok), "{ok}");
        }
        for bad in ["", "-a", "a-", "A", "a_b", "a.b", &"a".repeat(64)] {
            assert!(!ValueRule::Dns1123Label.check(bad), "{bad}");
        }
        assert!(ValueRule::Dns1123Subdomain.check("my.secret-1"));
        assert!(!ValueRule::Dns1123Subdomain.check("my..secret"));
        assert_eq!(
            ValueRule::Dns1123Label
                .nearest("--Data Science__Team--")
                .as_deref(),
            Some("data-science-team")
        );
        assert_eq!(ValueRule::Dns1123Label.nearest("___"), None);
        assert_eq!(
            ValueRule::Dns1123Subdomain
                .nearest("My_Secret..Store")
                .as_deref(),
            Some("my-secret.store")
        );
    }

    #[test]
    fn env_and_keys() {
        for ok in ["A", "_a", "a.b-c", "AWS_SECRET"] {
            assert!(ValueRule::EnvVarName.check(ok), "{ok}");
        }
        for bad in ["", "1A", "A B", "A=B", "$(X)"] {
            assert!(!ValueRule::EnvVarName.check(bad), "{bad}");
        }
        assert!(ValueRule::SecretKey.check("tls.crt"));
        assert!(!ValueRule::SecretKey.check(".."));
        assert!(!ValueRule::SecretKey.check("a/b"));
        assert_eq!(ValueRule::SecretKey.nearest("a/b").as_deref(), Some("a-b"));
    }

    #[test]
    fn labels() {
        for ok in ["app", "argo-kedro.io/project", "a.b/c_d"] {
            assert!(ValueRule::QualifiedName.check(ok), "{ok}");
        }
        for bad in ["", "/a", "a/", "Argo.io/x", "a b", "a/b/c"] {
            assert!(!ValueRule::QualifiedName.check(bad), "{bad}");
        }
        assert!(ValueRule::LabelValue.check(""));
        assert!(!ValueRule::LabelValue.check("a b"));
        assert_eq!(
            ValueRule::LabelValue.nearest("data science").as_deref(),
            Some("data-science")
        );
        assert_eq!(
            ValueRule::QualifiedName
                .nearest("Team.IO/my key")
                .as_deref(),
            Some("team.io/my-key")
        );
    }

    /// Cases of distribution/reference's `TestReferenceParse` (`reference_test.go`); the length of
    /// a digest per algorithm is go-digest's check, not the grammar's, and is not ported.
    #[test]
    fn image_references_as_distribution_parses_them() {
        let digest = "sha256:ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff";
        let ok = [
            "test_com".to_owned(),
            "test.com:tag".to_owned(),
            "test.com:5000".to_owned(),
            "test.com/repo:tag".to_owned(),
            "test:5000/repo".to_owned(),
            "test:5000/repo:tag".to_owned(),
            format!("test:5000/repo@{digest}"),
            format!("test:5000/repo:tag@{digest}"),
            "lowercase:Uppercase".to_owned(),
            "sub-dom1.foo.com/bar/baz/quux".to_owned(),
            "foo_bar.com:8080".to_owned(),
            "foo/foo_bar.com:8080".to_owned(),
            "192.168.1.1/repo".to_owned(),
            "[2001:db8::1]:5000/repo".to_owned(),
            "localhost:5000/app__x:v1".to_owned(),
        ];
        for r in &ok {
            assert!(ValueRule::ImageReference.check(r), "{r}");
        }
        let bad = [
            String::new(),
            ":justtag".to_owned(),
            format!("@{digest}"),
            "repo@sha256:fffffffffffffffffffffffffffffff".to_owned(),
            "validname@1nvalid:ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
                .to_owned(),
            "Uppercase:tag".to_owned(),
            "test:5000/Uppercase/lowercase:tag".to_owned(),
            "aa/asdf$$^/aa".to_owned(),
            format!("{}:tag", "a/".repeat(128) + "a"),
            "a b:c".to_owned(),
            "{{workflow.name}}".to_owned(),
        ];
        for r in &bad {
            assert!(!ValueRule::ImageReference.check(r), "{r}");
        }
        assert!(ValueRule::ImageName.check("registry.example:5000/team/app"));
        assert!(!ValueRule::ImageName.check("registry.example/Team/App"));
        assert!(ValueRule::ImageTag.check("v1.2_rc-3"));
        assert!(!ValueRule::ImageTag.check(".v1"));
        assert!(!ValueRule::ImageTag.check(&"a".repeat(129)));
        assert_eq!(
            ValueRule::ImageReference
                .nearest("Reg.Example:5000/Team/App:V1")
                .as_deref(),
            Some("reg.example:5000/team/app:V1")
        );
        assert_eq!(
            ValueRule::ImageTag.nearest("v1 final").as_deref(),
            Some("v1-final")
        );
    }
}
