//! Labels that Argo checks or sets when it retries or resubmits a workflow: the controller
//! instance id (`util/instanceid/service.go`, `Validate`) and the creator/actor labels
//! (`workflow/creator/creator.go`, `Label`, `LabelCreator`, `LabelActor`).

use std::collections::BTreeMap;

use argo_model::Workflow;

use crate::error::RetryError;

/// Label naming the controller instance that runs a workflow (`--instanceid` of the controller).
pub const INSTANCE_ID_LABEL: &str = "workflows.argoproj.io/controller-instanceid";

const CREATOR: [&str; 3] = [
    "workflows.argoproj.io/creator",
    "workflows.argoproj.io/creator-email",
    "workflows.argoproj.io/creator-preferred-username",
];
const ACTOR: [&str; 3] = [
    "workflows.argoproj.io/actor",
    "workflows.argoproj.io/actor-email",
    "workflows.argoproj.io/actor-preferred-username",
];
const ACTION: &str = "workflows.argoproj.io/action";

/// Who asks for a retry or resubmit, as an Argo Server knows it from the request's token
/// (`types.Claims`). Without one (as with a kubeconfig), Argo removes the creator or actor
/// labels instead of setting them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Identity {
    /// The token's subject.
    pub subject: String,
    /// The user's e-mail address.
    pub email: String,
    /// The user's preferred user name.
    pub preferred_username: String,
}

impl Identity {
    /// An identity of a subject, e-mail address and preferred user name (each may be empty).
    pub fn new(
        subject: impl Into<String>,
        email: impl Into<String>,
        preferred_username: impl Into<String>,
    ) -> Self {
        Self {
            subject: subject.into(),
            email: email.into(),
            preferred_username: preferred_username.into(),
        }
    }
}

/// Argo's `instanceid.Service.Validate`: with no configured instance id the workflow must have
/// no instance-id label; with one, the label must equal it. An empty id counts as none.
pub(crate) fn check_instance_id(wf: &Workflow, configured: Option<&str>) -> Result<(), RetryError> {
    let label = wf
        .metadata
        .labels
        .as_ref()
        .and_then(|l| l.get(INSTANCE_ID_LABEL))
        .map(String::as_str);
    let configured = configured.filter(|c| !c.is_empty());
    let ok = match configured {
        None => label.is_none(),
        Some(c) => label == Some(c),
    };
    if ok {
        return Ok(());
    }
    Err(RetryError::InstanceId {
        name: wf.metadata.name.clone().unwrap_or_default(),
        label: label.map(str::to_owned),
        configured: configured.map(str::to_owned),
    })
}

/// `LabelCreator`: the creator labels of a new workflow, from `identity`.
pub(crate) fn label_creator(labels: &mut BTreeMap<String, String>, identity: Option<&Identity>) {
    label(labels, CREATOR, identity, "");
}

/// `LabelActor`: the actor labels of a workflow acted on (`action`, e.g. `Retry`).
pub(crate) fn label_actor(
    labels: &mut BTreeMap<String, String>,
    identity: Option<&Identity>,
    action: &str,
) {
    label(labels, ACTOR, identity, action);
}

/// `creator.Label`: each key set from the identity when it has the value, else removed.
fn label(
    labels: &mut BTreeMap<String, String>,
    keys: [&str; 3],
    identity: Option<&Identity>,
    action: &str,
) {
    let Some(id) = identity else {
        for key in keys.into_iter().chain([ACTION]) {
            labels.remove(key);
        }
        return;
    };
    let email = id.email.replacen('@', ".at.", 1);
    let values = [
        id.subject.as_str(),
        email.as_str(),
        id.preferred_username.as_str(),
    ];
    for (key, value) in keys.into_iter().zip(values).chain([(ACTION, action)]) {
        if value.is_empty() {
            labels.remove(key);
        } else {
            labels.insert(key.to_owned(), dns_friendly(value));
        }
    }
}

/// `dnsFriendly`: characters outside `[-_.a-zA-Z0-9]` become `-`, the last 63 bytes are kept,
/// and leading and trailing non-alphanumerics are cut.
fn dns_friendly(s: &str) -> String {
    let replaced = argo_model::label::replace_invalid_chars(s);
    // All ASCII now, so any byte offset is a char boundary.
    let tail = &replaced[replaced.len().saturating_sub(63)..];
    tail.trim_matches(|c: char| !c.is_ascii_alphanumeric())
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns_friendly_as_argo() {
        assert_eq!(dns_friendly("bar.at.example.com"), "bar.at.example.com");
        assert_eq!(dns_friendly("-a b@c_"), "a-b-c");
        assert_eq!(dns_friendly("ü"), "");
        let long = format!("x{}", "y".repeat(70));
        assert_eq!(dns_friendly(&long).len(), 63);
    }

    #[test]
    fn instance_id_as_argo_validates_it() {
        let mut wf = Workflow::new("wf");
        assert!(check_instance_id(&wf, None).is_ok());
        assert!(check_instance_id(&wf, Some("")).is_ok());
        assert!(matches!(
            check_instance_id(&wf, Some("a")),
            Err(RetryError::InstanceId { label: None, .. })
        ));
        wf.metadata.labels = Some(BTreeMap::from([(
            INSTANCE_ID_LABEL.to_owned(),
            "a".to_owned(),
        )]));
        assert!(check_instance_id(&wf, Some("a")).is_ok());
        let err = check_instance_id(&wf, Some("b")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "workflow `wf` belongs to controller instance `a`, not to the configured `b`"
        );
        assert!(check_instance_id(&wf, None).is_err());
    }

    #[test]
    fn actor_labels_with_and_without_identity() {
        let mut labels = BTreeMap::from([(ACTOR[1].to_owned(), "old".to_owned())]);
        let me = Identity::new("sub", "", "me");
        label_actor(&mut labels, Some(&me), "Retry");
        assert_eq!(labels.get(ACTOR[0]).map(String::as_str), Some("sub"));
        assert!(!labels.contains_key(ACTOR[1]));
        assert_eq!(labels.get(ACTION).map(String::as_str), Some("Retry"));
        label_actor(&mut labels, None, "Retry");
        assert!(labels.is_empty(), "{labels:?}");
    }
}
