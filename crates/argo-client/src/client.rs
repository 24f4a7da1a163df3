//! The connection: [`ConnectOptions`], [`Client`], and how API failures become [`Error`]s
//! (one-line explanations for 401, 403, missing namespace, missing CRD, timeouts). How requests
//! are timed and retried is in `request`.

use std::path::PathBuf;
use std::time::Duration;

use kube::config::{KubeConfigOptions, Kubeconfig};

use crate::error::{ApiCause, Error, Result};
use crate::names::Namespace;
use crate::request;
use crate::retry_after::RetryAfterLayer;

/// How to reach the cluster.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ConnectOptions {
    /// A kubeconfig file; else `$KUBECONFIG`, else `~/.kube/config`, else the in-cluster service
    /// account.
    pub kubeconfig: Option<PathBuf>,
    /// The kubeconfig context; else its `current-context`.
    pub context: Option<String>,
    /// The namespace; else the context's, else `default`.
    pub namespace: Option<Namespace>,
    /// Timeout to establish a connection (default 10 s).
    pub connect_timeout: Option<Duration>,
    /// Time limit of one request, its retries included (default
    /// [`DEFAULT_REQUEST_TIMEOUT`]). Watches and followed logs are bounded only while they
    /// connect: once streaming, a dropped watch reconnects.
    pub request_timeout: Option<Duration>,
}

/// The default [`ConnectOptions::request_timeout`]: a hung API server gives an error in half a
/// minute.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

impl ConnectOptions {
    /// Reads this kubeconfig file.
    #[must_use]
    pub fn kubeconfig(mut self, path: impl Into<PathBuf>) -> Self {
        self.kubeconfig = Some(path.into());
        self
    }

    /// Uses this kubeconfig context.
    #[must_use]
    pub fn context(mut self, context: impl Into<String>) -> Self {
        self.context = Some(context.into());
        self
    }

    /// Sets the connect timeout.
    #[must_use]
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Works in this namespace.
    #[must_use]
    pub fn namespace(mut self, namespace: Namespace) -> Self {
        self.namespace = Some(namespace);
        self
    }

    /// Sets the time limit of a request (retries included).
    #[must_use]
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = Some(timeout);
        self
    }
}

/// A client for Argo Workflows in one namespace.
///
/// Stack: deserializing a `Workflow` takes up to about 1 MiB of stack in debug builds, more than
/// a 2 MiB tokio worker thread has to spare under kube's stack; run the client on the main
/// thread (`#[tokio::main(flavor = "current_thread")]`) or give worker threads 8 MiB
/// (`tokio::runtime::Builder::thread_stack_size`).
///
/// ```no_run
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// use argo_client::{Client, ConnectOptions};
/// let client = Client::connect(ConnectOptions::default().context("prod")).await?;
/// for wf in client.list(&Default::default()).await? {
///     println!("{:?}", wf.metadata.name);
/// }
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    pub(crate) kube: kube::Client,
    pub(crate) namespace: Namespace,
    pub(crate) request_timeout: Duration,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("namespace", &self.namespace)
            .field("request_timeout", &self.request_timeout)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Connects with a kubeconfig (explicit, `$KUBECONFIG`, `~/.kube/config`) or the in-cluster
    /// configuration. TLS is verified as the kubeconfig says. No request is made yet.
    pub async fn connect(opts: ConnectOptions) -> Result<Self> {
        let kc_opts = KubeConfigOptions {
            context: opts.context.clone(),
            ..KubeConfigOptions::default()
        };
        let mut config = if let Some(path) = &opts.kubeconfig {
            let kc = Kubeconfig::read_from(path).map_err(|source| Error::Kubeconfig {
                path: Some(path.clone()),
                source,
            })?;
            kube::Config::from_custom_kubeconfig(kc, &kc_opts)
                .await
                .map_err(|source| Error::Kubeconfig {
                    path: Some(path.clone()),
                    source,
                })?
        } else if opts.context.is_some() {
            kube::Config::from_kubeconfig(&kc_opts)
                .await
                .map_err(|source| Error::Kubeconfig { path: None, source })?
        } else {
            kube::Config::infer()
                .await
                .map_err(|source| Error::InferConfig { source })?
        };
        config.connect_timeout = Some(opts.connect_timeout.unwrap_or(Duration::from_secs(10)));
        // This crate retries transient failures itself (see `request`).
        config.default_retry = false;
        let namespace = match opts.namespace {
            Some(ns) => ns,
            None => Namespace::new(config.default_namespace.clone())
                .map_err(|source| Error::Name { source })?,
        };
        let kube = kube::client::ClientBuilder::try_from(config)
            .map_err(|source| Error::BuildClient {
                source: source.into(),
            })?
            .with_layer(&RetryAfterLayer)
            .build();
        Ok(Self {
            kube,
            namespace,
            request_timeout: opts.request_timeout.unwrap_or(DEFAULT_REQUEST_TIMEOUT),
        })
    }

    /// Wraps an existing kube client (e.g. a mock service in tests), with the default request
    /// timeout.
    pub fn from_kube(kube: kube::Client, namespace: Namespace) -> Self {
        Self {
            kube,
            namespace,
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
        }
    }

    /// The same client with another request timeout.
    #[must_use]
    pub fn with_request_timeout(&self, timeout: Duration) -> Self {
        Self {
            request_timeout: timeout,
            ..self.clone()
        }
    }

    /// The time limit of one request, its retries included.
    pub fn request_timeout(&self) -> Duration {
        self.request_timeout
    }

    /// The namespace this client works in.
    pub fn namespace(&self) -> &Namespace {
        &self.namespace
    }

    /// The same client in another namespace.
    #[must_use]
    pub fn with_namespace(&self, namespace: Namespace) -> Self {
        Self {
            namespace,
            ..self.clone()
        }
    }

    /// The underlying kube client.
    pub fn kube(&self) -> &kube::Client {
        &self.kube
    }

    pub(crate) fn workflows(&self) -> kube::Api<argo_model::Workflow> {
        kube::Api::namespaced(self.kube.clone(), self.namespace.as_str())
    }

    pub(crate) fn pods(&self) -> kube::Api<k8s_openapi::api::core::v1::Pod> {
        kube::Api::namespaced(self.kube.clone(), self.namespace.as_str())
    }

    /// Turns a kube error into this crate's error, explaining the usual causes.
    pub(crate) fn explain(
        &self,
        source: kube::Error,
        verb: &'static str,
        resource: &'static str,
        what: String,
    ) -> Error {
        if let Some(after) = request::timed_out(&source) {
            return Error::Timeout { verb, what, after };
        }
        let (code, reason, details_kind) = match &source {
            kube::Error::Api(s) => (
                s.code,
                s.reason.clone(),
                s.details
                    .as_ref()
                    .map(|d| d.kind.clone())
                    .unwrap_or_default(),
            ),
            _ => (0, String::new(), String::new()),
        };
        let source = ApiCause::new(source);
        match (code, reason.as_str()) {
            (401, _) => Error::Unauthorized { source },
            (403, _) => Error::Forbidden {
                verb,
                resource,
                namespace: self.namespace.clone(),
                source,
            },
            (404, "NotFound") if details_kind == "namespaces" => Error::NamespaceNotFound {
                namespace: self.namespace.clone(),
                source,
            },
            (404, r) if r != "NotFound" && resource.ends_with("argoproj.io") => {
                Error::CrdMissing { source }
            }
            // Only a create can find that the object exists.
            (409, "AlreadyExists") if verb == "create" => Error::AlreadyExists {
                name: what,
                namespace: self.namespace.clone(),
                source,
            },
            _ => Error::Api { verb, what, source },
        }
    }
}
