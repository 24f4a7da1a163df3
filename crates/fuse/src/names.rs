//! Task and template names: DNS-1123 labels, deterministic and collision-free.
//!
//! The contract (design.md): names match `^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`, are at most 63
//! characters, never start with a digit, derive deterministically from node or group names, and
//! never collide: names that clean to the same text, or had to be shortened, get a short stable
//! hash suffix (FNV-1a 64 of the item's key).
//!
//! ```
//! use argo_fuse::names::{Item, allocate};
//!
//! let items = [
//!     Item::new("ns.load_data", "node:ns.load_data"),
//!     Item::new("ns_load.data", "node:ns_load.data"),
//!     Item::new("train", "node:train"),
//! ];
//! let names = allocate(&items, "task", &[]);
//! assert_eq!(names[2].as_str(), "train");
//! assert!(names[0].as_str().starts_with("ns-load-data-"));
//! assert_ne!(names[0], names[1]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::InvalidArgoName;

/// Maximum length of a name (a Kubernetes label value and DNS-1123 label).
pub const MAX_LEN: usize = 63;
/// Maximum length of a `generateName` base (the API server appends 5 characters).
pub const MAX_GENERATE_NAME: usize = 58;
/// Hex digits of the disambiguating hash.
const HASH_LEN: usize = 8;

/// A task or template name: a DNS-1123 label of at most 63 characters that does not start
/// with a digit.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ArgoName(String);

impl ArgoName {
    /// Validates `name` and wraps it.
    ///
    /// ```
    /// use argo_fuse::names::ArgoName;
    /// assert!(ArgoName::new("train-model").is_ok());
    /// assert!(ArgoName::new("Train").is_err());
    /// assert!(ArgoName::new("1st").is_err());
    /// assert!(ArgoName::new("a-").is_err());
    /// ```
    pub fn new(name: impl Into<String>) -> Result<Self, InvalidArgoName> {
        let name = name.into();
        if is_valid(&name) {
            Ok(Self(name))
        } else {
            Err(InvalidArgoName { name })
        }
    }

    /// The name as a string slice.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Whether `s` satisfies the [`ArgoName`] rule.
pub fn is_valid(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= MAX_LEN
        && b[0].is_ascii_lowercase()
        && b[b.len() - 1] != b'-'
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
}

impl fmt::Display for ArgoName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for ArgoName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl FromStr for ArgoName {
    type Err = InvalidArgoName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

impl AsRef<str> for ArgoName {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Serialize for ArgoName {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for ArgoName {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Self::new(String::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

/// FNV-1a, 64 bits: a hash that is stable across Rust releases and platforms.
///
/// ```
/// assert_eq!(argo_fuse::names::fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
/// assert_eq!(argo_fuse::names::fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
/// ```
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// `raw` lowercased, every run of characters outside `[a-z0-9]` replaced by one `-`, with no
/// `-` at either end. May be empty or start with a digit.
///
/// ```
/// assert_eq!(argo_fuse::names::clean("ns.Load_data  node"), "ns-load-data-node");
/// assert_eq!(argo_fuse::names::clean("__x__"), "x");
/// ```
pub fn clean(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut dash = false;
    for c in raw.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push(c);
        } else {
            dash = true;
        }
    }
    out
}

/// `s` cut to at most `max` bytes (it is ASCII) without a trailing `-`.
fn cut(s: &str, max: usize) -> &str {
    s[..s.len().min(max)].trim_end_matches('-')
}

/// The base name for `raw`: [`clean`], with `fallback-` in front when empty or starting with a
/// digit. Not yet cut to length.
fn base(raw: &str, fallback: &str) -> String {
    let c = clean(raw);
    if c.is_empty() {
        fallback.to_owned()
    } else if c.as_bytes()[0].is_ascii_digit() {
        format!("{fallback}-{c}")
    } else {
        c
    }
}

/// [`fnv1a64`] followed by the `SplitMix64` finaliser, so that every output bit depends on every
/// input byte (FNV alone barely changes its high bits when only the last byte differs).
///
/// ```
/// let (a, b) = (argo_fuse::names::stable_hash("a.b"), argo_fuse::names::stable_hash("a_b"));
/// assert_ne!(a >> 32, b >> 32);
/// ```
pub fn stable_hash(key: &str) -> u64 {
    let mut z = fnv1a64(key.as_bytes());
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

fn hashed(base: &str, key: &str, len: usize) -> String {
    let h = format!("{:016x}", stable_hash(key));
    let suffix = &h[..len];
    format!("{}-{suffix}", cut(base, MAX_LEN - 1 - len))
}

/// One thing to name: the text the name is derived from, and a key unique among the items
/// (for example `node:<name>` or `group:<name>`) that the hash is taken over.
#[derive(Debug, Clone, Copy)]
pub struct Item<'a> {
    /// Text the name is derived from.
    pub raw: &'a str,
    /// Key unique among the items; the disambiguating hash is computed from it.
    pub key: &'a str,
}

impl<'a> Item<'a> {
    /// An item.
    pub fn new(raw: &'a str, key: &'a str) -> Self {
        Self { raw, key }
    }
}

/// Names for `items` (returned in the same order), unique among themselves and distinct from
/// `reserved`. Deterministic: the result depends only on the set of items, not their order.
/// A name is the cleaned text when no other item cleans to the same text, it fits in 63
/// characters and is not reserved; otherwise the (cut) cleaned text plus `-` and 8 hex digits of
/// FNV-1a of the key (more digits, then a counter, in the astronomically unlikely case of a
/// further clash). `fallback` (a valid name, for example `task`) replaces an empty name and
/// prefixes one that starts with a digit.
pub fn allocate(items: &[Item<'_>], fallback: &str, reserved: &[&str]) -> Vec<ArgoName> {
    let bases: Vec<String> = items.iter().map(|i| base(i.raw, fallback)).collect();
    let mut count: HashMap<&str, usize> = HashMap::with_capacity(items.len());
    for b in &bases {
        *count.entry(b.as_str()).or_insert(0) += 1;
    }
    let mut taken: HashSet<String> = reserved.iter().map(|r| (*r).to_owned()).collect();
    let mut out: Vec<Option<String>> = vec![None; items.len()];
    // Pass 1: plain names for the items whose base is theirs alone.
    let mut rest: Vec<usize> = Vec::new();
    for (i, b) in bases.iter().enumerate() {
        if count[b.as_str()] == 1 && b.len() <= MAX_LEN && !taken.contains(b) {
            taken.insert(b.clone());
            out[i] = Some(b.clone());
        } else {
            rest.push(i);
        }
    }
    // Pass 2: hashed names, in key order so that the result does not depend on input order.
    rest.sort_by(|a, b| items[*a].key.cmp(items[*b].key));
    for i in rest {
        let mut len = HASH_LEN;
        let mut name = hashed(&bases[i], items[i].key, len);
        let mut n = 0u64;
        while taken.contains(&name) {
            if len < 16 {
                len += 2;
                name = hashed(&bases[i], items[i].key, len);
            } else {
                n += 1;
                let k = format!("{}#{n}", items[i].key);
                name = hashed(&bases[i], &k, 16);
            }
        }
        taken.insert(name.clone());
        out[i] = Some(name);
    }
    out.into_iter()
        .map(|n| ArgoName(n.unwrap_or_default()))
        .collect()
}

/// A `metadata.generateName` for a workflow: cleaned `raw` (fallback `workflow`), cut to 57
/// characters, plus `-`.
///
/// ```
/// assert_eq!(argo_fuse::names::generate_name("Spaceflights __default__"), "spaceflights-default-");
/// ```
pub fn generate_name(raw: &str) -> String {
    let b = base(raw, "workflow");
    format!("{}-", cut(&b, MAX_GENERATE_NAME - 1))
}

/// A `metadata.name` for a workflow: cleaned `raw` (fallback `workflow`), hashed when longer
/// than 63 characters.
///
/// ```
/// assert_eq!(argo_fuse::names::workflow_name("my_run"), "my-run");
/// ```
pub fn workflow_name(raw: &str) -> String {
    let b = base(raw, "workflow");
    if b.len() <= MAX_LEN {
        b
    } else {
        hashed(&b, raw, HASH_LEN)
    }
}

/// The name of the `CronWorkflow` of `project`'s `pipeline` in Kedro env `env`:
/// `project-pipeline-env` cleaned (fallback `schedule`), cut to 52 characters with a hash of the
/// three names when longer (Argo adds `-<unix time>` to name the workflows it starts).
///
/// ```
/// use argo_fuse::names::cron_workflow_name;
/// assert_eq!(cron_workflow_name("spaceflights", "__default__", "cloud"), "spaceflights-default-cloud");
/// let long = cron_workflow_name(&"p".repeat(40), "data_processing", "production");
/// assert_eq!(long.len(), 52);
/// assert_ne!(long, cron_workflow_name(&"p".repeat(40), "data_processing", "staging"));
/// ```
pub fn cron_workflow_name(project: &str, pipeline: &str, env: &str) -> String {
    let b = base(&format!("{project}-{pipeline}-{env}"), "schedule");
    let max = crate::schedule::MAX_NAME;
    if b.len() <= max {
        return b;
    }
    let h = format!(
        "{:016x}",
        stable_hash(&format!("{project}\n{pipeline}\n{env}"))
    );
    format!("{}-{}", cut(&b, max - 1 - HASH_LEN), &h[..HASH_LEN])
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn run(raws: &[&str]) -> Vec<String> {
        let keys: Vec<String> = raws.iter().map(|r| format!("node:{r}")).collect();
        let items: Vec<Item<'_>> = raws
            .iter()
            .zip(&keys)
            .map(|(r, k)| Item::new(r, k))
            .collect();
        allocate(&items, "task", &["pipeline"])
            .into_iter()
            .map(|n| n.0)
            .collect()
    }

    #[test]
    fn defect_2_collisions_get_distinct_names() {
        let names = run(&["ns.load_data", "ns_load.data", "ns-load-data", "other"]);
        assert_eq!(names[3], "other");
        let unique: HashSet<&String> = names.iter().collect();
        assert_eq!(unique.len(), 4);
        for n in &names[..3] {
            assert!(
                n.starts_with("ns-load-data-") && n.len() == "ns-load-data-".len() + 8,
                "{n}"
            );
        }
    }

    #[test]
    fn stable_hash_suffix() {
        insta::assert_snapshot!(run(&["a.b", "a_b"]).join(" "), @"a-b-7971867a a-b-a4ea9ebf");
    }

    #[test]
    fn reserved_digits_empty_and_long() {
        assert_eq!(run(&["pipeline"])[0].len(), "pipeline-".len() + 8);
        assert_eq!(run(&["1st_node"]), vec!["task-1st-node"]);
        assert_eq!(run(&["___"]), vec!["task"]);
        let long = "x".repeat(100);
        let n = &run(&[&long])[0];
        assert_eq!(n.len(), 63);
        assert!(is_valid(n));
    }

    #[test]
    fn workflow_names() {
        assert_eq!(generate_name(&"a".repeat(80)).len(), 58);
        assert_eq!(workflow_name(&"b".repeat(80)).len(), 63);
        assert_eq!(generate_name(""), "workflow-");
    }

    proptest! {
        #[test]
        fn names_are_valid_unique_and_order_independent(
            raws in proptest::collection::btree_set("[a-zA-Z0-9_. @é-]{0,80}", 0..40),
        ) {
            let raws: Vec<&str> = raws.iter().map(String::as_str).collect();
            let names = run(&raws);
            let unique: HashSet<&String> = names.iter().collect();
            prop_assert_eq!(unique.len(), names.len());
            for n in &names {
                prop_assert!(is_valid(n), "{}", n);
                prop_assert!(n != "pipeline");
            }
            let mut rev = raws.clone();
            rev.reverse();
            let mut back = run(&rev);
            back.reverse();
            prop_assert_eq!(back, names);
        }
    }
}
