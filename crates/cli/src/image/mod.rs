//! The project's container image: its reference, a content-derived tag, and
//! `docker buildx build` / `docker push`.

mod docker;
mod tag;

pub(crate) use docker::{Docker, DockerCommand};
pub(crate) use tag::content_tag;

use std::fmt;

/// An image reference `repository:tag`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ImageRef {
    /// `registry/path/name`.
    pub(crate) repository: String,
    /// The tag.
    pub(crate) tag: String,
}

impl ImageRef {
    /// Parses `IMG:TAG` (a registry port such as `host:5000/img:tag` is kept in the repository).
    pub(crate) fn parse(text: &str) -> Option<Self> {
        let slash = text.rfind('/').map_or(0, |i| i + 1);
        let colon = text[slash..].rfind(':').map(|i| slash + i)?;
        let (repository, tag) = (&text[..colon], &text[colon + 1..]);
        (!repository.is_empty() && !tag.is_empty() && !tag.contains('@')).then(|| Self {
            repository: repository.to_string(),
            tag: tag.to_string(),
        })
    }
}

impl fmt::Display for ImageRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.repository, self.tag)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_references() {
        let image = ImageRef::parse("host:5000/team/img:v1").unwrap();
        assert_eq!(
            (image.repository.as_str(), image.tag.as_str()),
            ("host:5000/team/img", "v1")
        );
        assert_eq!(image.to_string(), "host:5000/team/img:v1");
        assert_eq!(ImageRef::parse("host:5000/team/img"), None);
        assert_eq!(ImageRef::parse("img:"), None);
        assert_eq!(ImageRef::parse(":v1"), None);
    }
}
