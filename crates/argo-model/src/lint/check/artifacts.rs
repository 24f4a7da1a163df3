//! Artifact sources: `validateArtifactLocation` and `hdfs.ValidateArtifact` (validate.go),
//! `ArtifactLocation.HasLocationOrKey` and `Artifact.CleanPath` (`workflow_types.go`).

use crate::{
    Artifact, ArtifactLocation, ArtifactoryArtifact, AzureArtifact, GcsArtifact, GitArtifact,
    HdfsArtifact, HttpArtifact, OssArtifact, PluginArtifact, RawArtifact, S3Artifact,
};

/// The location fields shared by `Artifact` and `ArtifactLocation`.
pub(crate) struct Location<'a> {
    artifactory: Option<&'a ArtifactoryArtifact>,
    azure: Option<&'a AzureArtifact>,
    git: Option<&'a GitArtifact>,
    gcs: Option<&'a GcsArtifact>,
    hdfs: Option<&'a HdfsArtifact>,
    http: Option<&'a HttpArtifact>,
    oss: Option<&'a OssArtifact>,
    raw: Option<&'a RawArtifact>,
    s3: Option<&'a S3Artifact>,
    plugin: Option<&'a PluginArtifact>,
}

macro_rules! location_of {
    ($t:ty) => {
        impl<'a> From<&'a $t> for Location<'a> {
            fn from(a: &'a $t) -> Self {
                Self {
                    artifactory: a.artifactory.as_ref(),
                    azure: a.azure.as_ref(),
                    git: a.git.as_ref(),
                    gcs: a.gcs.as_ref(),
                    hdfs: a.hdfs.as_ref(),
                    http: a.http.as_ref(),
                    oss: a.oss.as_ref(),
                    raw: a.raw.as_ref(),
                    s3: a.s3.as_ref(),
                    plugin: a.plugin.as_ref(),
                }
            }
        }
    };
}

location_of!(Artifact);
location_of!(ArtifactLocation);

fn set(s: Option<&String>) -> bool {
    s.is_some_and(|s| !s.is_empty())
}

/// `ArtifactLocation.HasLocationOrKey`: the first location type set (in `Get`'s order) has a
/// complete location or a key.
pub(crate) fn has_location_or_key(l: &Location<'_>) -> bool {
    if let Some(a) = l.artifactory {
        // The key is the path of the URL.
        return !a.url.is_empty();
    }
    if let Some(a) = l.azure {
        return !a.blob.is_empty();
    }
    if let Some(g) = l.git {
        return !g.repo.is_empty();
    }
    if let Some(g) = l.gcs {
        return !g.key.is_empty();
    }
    if let Some(h) = l.hdfs {
        return !h.addresses.is_empty() || !h.path.is_empty();
    }
    if let Some(h) = l.http {
        return !h.url.is_empty();
    }
    if let Some(o) = l.oss {
        return !o.key.is_empty();
    }
    if l.raw.is_some() {
        return true;
    }
    if let Some(s) = l.s3 {
        return set(s.key.as_ref());
    }
    if let Some(p) = l.plugin {
        return !p.key.is_empty();
    }
    false
}

/// `validateArtifactLocation`: a git artifact needs `repo`; an HDFS artifact is checked as
/// `hdfs.ValidateArtifact` does. Returns the field at fault (below the artifact) and why.
pub(crate) fn location_error(l: &Location<'_>) -> Option<(&'static [&'static str], String)> {
    if l.git.is_some_and(|g| g.repo.is_empty()) {
        return Some((&["git", "repo"], "git.repo is required".into()));
    }
    let h = l.hdfs?;
    if h.addresses.is_empty() {
        return Some((&["hdfs", "addresses"], "hdfs.addresses is required".into()));
    }
    if h.path.is_empty() {
        return Some((&["hdfs", "path"], "hdfs.path is required".into()));
    }
    if !h.path.starts_with('/') {
        return Some((
            &["hdfs", "path"],
            "hdfs.path must be a absolute file path".into(),
        ));
    }
    let ccache = h.krb_c_cache_secret.is_some();
    let keytab = h.krb_keytab_secret.is_some();
    if !set(h.hdfs_user.as_ref()) && !ccache && !keytab {
        return Some((
            &["hdfs"],
            "either hdfs.hdfsUser, hdfs.krbCCacheSecret or hdfs.krbKeytabSecret is required".into(),
        ));
    }
    let principal = set(h.krb_service_principal_name.as_ref());
    let config = h.krb_config_config_map.is_some();
    if keytab && !(principal && config && set(h.krb_username.as_ref()) && set(h.krb_realm.as_ref()))
    {
        return Some((
            &["hdfs"],
            "hdfs.krbServicePrincipalName, hdfs.krbConfigConfigMap, hdfs.krbUsername and hdfs.krbRealm are required with hdfs.krbKeytabSecret".into(),
        ));
    }
    if ccache && !(principal && config) {
        return Some((
            &["hdfs"],
            "hdfs.krbServicePrincipalName and hdfs.krbConfigConfigMap are required with hdfs.krbCCacheSecret".into(),
        ));
    }
    None
}

/// `Artifact.CleanPath`: a path is set and does not climb out of its directory with `..`.
pub(crate) fn clean_path_error(name: &str, path: Option<&str>) -> Option<String> {
    let path = path.unwrap_or_default();
    if path.is_empty() {
        return Some(format!("artifact '{name}' did not specify a path"));
    }
    let safe = if let Some(i) = path.find("/../") {
        &path[..i]
    } else {
        path.strip_suffix("/..").unwrap_or_default()
    };
    let cleaned = clean(path);
    let safe_slash = format!("{safe}/");
    if !safe.is_empty() && (!cleaned.starts_with(&safe_slash) || cleaned.len() <= safe_slash.len())
    {
        return Some(format!(
            "artifact '{name}' attempted to use a path containing '..'. Directory traversal is not permitted"
        ));
    }
    None
}

/// The path rule `validateInputs` and `validateOutputs` share for artifact `a` of template
/// `tmpl`'s `side` (`inputs` or `outputs`): in a leaf template it needs a clean path
/// (`CleanPath`); in another it has none.
pub(crate) fn path_error(tmpl: &str, side: &str, a: &Artifact, leaf: bool) -> Option<String> {
    let art = &a.name;
    if leaf {
        clean_path_error(art, a.path.as_deref())
            .map(|msg| format!("error in templates.{tmpl}.{side}.artifacts.{art}: {msg}"))
    } else {
        a.path.as_deref().is_some_and(|p| !p.is_empty()).then(|| {
            format!("templates.{tmpl}.{side}.artifacts.{art}.path only valid in container/script templates")
        })
    }
}

/// Go's `filepath.Clean` (Unix): the shortest lexically equal path.
fn clean(path: &str) -> String {
    let rooted = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|p| *p != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            p => parts.push(p),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".into(),
        (false, false) => joined,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_filepath_clean() {
        for (i, o) in [
            ("/a/b/../c", "/a/c"),
            ("a//b/./c/", "a/b/c"),
            ("/..", "/"),
            ("../a", "../a"),
            ("", "."),
            ("a/..", "."),
        ] {
            assert_eq!(clean(i), o, "{i}");
        }
    }

    /// `Artifact.CleanPath`: a `..` that leaves the directory written before it is refused.
    #[test]
    fn clean_path_refuses_traversal() {
        assert!(clean_path_error("a", Some("/tmp/safe/../x")).is_some());
        assert!(clean_path_error("a", Some("/tmp/safe/..")).is_some());
        assert!(clean_path_error("a", Some("/tmp/safe/x/../y")).is_some());
        assert!(clean_path_error("a", Some("/tmp/safe/x/../x/y")).is_none());
        assert!(clean_path_error("a", Some("/tmp/out.txt")).is_none());
        assert!(clean_path_error("a", None).is_some());
    }
}
