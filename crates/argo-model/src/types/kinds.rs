//! The Argo kinds as Kubernetes resources, and their constructors.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::{
    ClusterWorkflowTemplate, CronWorkflow, Workflow, WorkflowEventBinding, WorkflowTemplate,
};

macro_rules! argo_kind {
    ($ty:ident, $plural:literal, $scope:ty) => {
        impl k8s_openapi::Resource for $ty {
            const API_VERSION: &'static str = super::API_VERSION;
            const GROUP: &'static str = "argoproj.io";
            const KIND: &'static str = stringify!($ty);
            const VERSION: &'static str = "v1alpha1";
            const URL_PATH_SEGMENT: &'static str = $plural;
            type Scope = $scope;
        }

        impl k8s_openapi::Metadata for $ty {
            type Ty = ObjectMeta;

            fn metadata(&self) -> &ObjectMeta {
                &self.metadata
            }

            fn metadata_mut(&mut self) -> &mut ObjectMeta {
                &mut self.metadata
            }
        }

        impl $ty {
            #[doc = concat!("An empty `", stringify!($ty), "` named `name` (`apiVersion` and `kind` set).")]
            pub fn new(name: impl Into<String>) -> Self {
                let mut this = Self::default();
                this.metadata.name = Some(name.into());
                this
            }
        }
    };
}

argo_kind!(Workflow, "workflows", k8s_openapi::NamespaceResourceScope);
argo_kind!(
    WorkflowTemplate,
    "workflowtemplates",
    k8s_openapi::NamespaceResourceScope
);
argo_kind!(
    ClusterWorkflowTemplate,
    "clusterworkflowtemplates",
    k8s_openapi::ClusterResourceScope
);
argo_kind!(
    CronWorkflow,
    "cronworkflows",
    k8s_openapi::NamespaceResourceScope
);
argo_kind!(
    WorkflowEventBinding,
    "workfloweventbindings",
    k8s_openapi::NamespaceResourceScope
);

impl Workflow {
    /// An empty `Workflow` whose name the API server generates from `prefix` (`metadata.generateName`).
    pub fn with_generate_name(prefix: impl Into<String>) -> Self {
        let mut this = Self::default();
        this.metadata.generate_name = Some(prefix.into());
        this
    }
}
