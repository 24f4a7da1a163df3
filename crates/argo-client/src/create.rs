//! Creating a Workflow exactly once, also when the answer to a create is lost.
//!
//! A create that fails with a 5xx, a timeout or a reset connection may have happened. Trying
//! again blindly would start the workflow twice, so:
//! - before the first try the workflow gets a submission id ([`SUBMISSION_LABEL`]) and, when it
//!   only has a `generateName`, a name drawn here as the API server would draw it (so that a
//!   repeated create meets the first one instead of making a second);
//! - after an unknown outcome the workflow is looked up: if it exists with our submission id, it
//!   is the one reported; only if it does not exist is the create tried again;
//! - a 409 `AlreadyExists` for a workflow with our submission id is our own earlier try; with
//!   another id, a drawn name is drawn again (a given name is an error).

use argo_model::Workflow;
use kube::api::PostParams;

use crate::client::Client;
use crate::error::{Error, Result};
use crate::ops::WORKFLOWS;
use crate::request::{Kind, outcome_unknown, status_code};

/// The label that identifies one submission of a workflow (set on every workflow this crate
/// creates; a fresh value each time).
pub const SUBMISSION_LABEL: &str = "argo-kedro.io/submission-id";

/// Tries of one create (unknown outcomes and name collisions included).
const ATTEMPTS: usize = 5;

/// `n` random characters of `[a-z0-9]` (without vowels, as the API server's `generateName`).
pub(crate) fn random_chars(n: usize) -> String {
    use std::hash::{BuildHasher, Hasher};
    const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    let mut out = String::with_capacity(n);
    while out.len() < n {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u128(jiff::Timestamp::now().as_nanosecond().unsigned_abs());
        h.write_usize(out.len());
        let mut x = h.finish();
        for _ in 0..8 {
            if out.len() == n {
                break;
            }
            let i = usize::try_from(x % ALPHABET.len() as u64).unwrap_or(0);
            out.push(char::from(ALPHABET[i]));
            x /= ALPHABET.len() as u64;
        }
    }
    out
}

/// What a lookup after an unknown outcome found.
enum Found {
    /// The workflow, with our submission id: the create happened.
    Ours(Box<Workflow>),
    /// A workflow of that name with another submission id.
    Other,
    /// No workflow of that name.
    Missing,
}

impl Client {
    /// Creates `wf` in this client's namespace exactly once (see the module documentation).
    /// `what` names it in errors. A dry run changes nothing, so it is retried as a read is.
    pub(crate) async fn create_once(
        &self,
        mut wf: Workflow,
        dry_run: bool,
        what: String,
    ) -> Result<Workflow> {
        wf.metadata.namespace = Some(self.namespace.to_string());
        let id = random_chars(12);
        wf.metadata
            .labels
            .get_or_insert_with(Default::default)
            .insert(SUBMISSION_LABEL.to_owned(), id.clone());
        // The base of a drawn name: at most 58 characters, as the API server cuts it.
        let base = match (&wf.metadata.name, &wf.metadata.generate_name) {
            (None, Some(g)) => Some(g.chars().take(58).collect::<String>()),
            _ => None,
        };
        if let Some(base) = &base {
            wf.metadata.name = Some(format!("{base}{}", random_chars(5)));
        }
        let pp = PostParams {
            dry_run,
            ..PostParams::default()
        };
        let api = self.workflows();
        let kind = if dry_run {
            Kind::Idempotent
        } else {
            Kind::Create
        };
        let mut last = None;
        for _ in 0..ATTEMPTS {
            let name = wf.metadata.name.clone().unwrap_or_default();
            let e = match self.send(kind, || api.create(&pp, &wf)).await {
                Ok(created) => return Ok(created),
                Err(e) if dry_run => return Err(self.explain(e, "create", WORKFLOWS, what)),
                Err(e) => e,
            };
            let collision = status_code(&e) == 409;
            if !collision && !outcome_unknown(&e) {
                return Err(self.explain(e, "create", WORKFLOWS, what));
            }
            match self.lookup(&name, &id).await {
                Ok(Found::Ours(created)) => return Ok(*created),
                Ok(Found::Other) if base.is_some() => {
                    // Someone else's workflow has the drawn name: draw another.
                    let base = base.as_deref().unwrap_or_default();
                    wf.metadata.name = Some(format!("{base}{}", random_chars(5)));
                }
                Ok(Found::Missing) if !collision => {}
                // A given name that is taken (or a 409 for a workflow now gone): as the API
                // said. Or the lookup failed, and whether it happened is unknown: the create's
                // own failure.
                Ok(_) | Err(_) => return Err(self.explain(e, "create", WORKFLOWS, what)),
            }
            last = Some(e);
        }
        let e = last.ok_or(Error::MissingField { field: "name" })?;
        Err(self.explain(e, "create", WORKFLOWS, what))
    }

    /// Reads workflow `name` and tells whether it carries submission id `id`.
    async fn lookup(&self, name: &str, id: &str) -> kube::Result<Found> {
        if name.is_empty() {
            return Ok(Found::Missing);
        }
        let api = self.workflows();
        let found = self.send(Kind::Idempotent, || api.get_opt(name)).await?;
        Ok(match found {
            None => Found::Missing,
            Some(wf) => {
                let theirs = wf
                    .metadata
                    .labels
                    .as_ref()
                    .and_then(|l| l.get(SUBMISSION_LABEL));
                if theirs.map(String::as_str) == Some(id) {
                    Found::Ours(Box::new(wf))
                } else {
                    Found::Other
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_ids() {
        let a = random_chars(12);
        assert_eq!(a.len(), 12);
        assert!(
            a.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        );
        assert_ne!(a, random_chars(12));
        assert_eq!(random_chars(5).len(), 5);
    }
}
