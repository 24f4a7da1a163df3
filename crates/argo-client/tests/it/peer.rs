//! Starting the Kubernetes API peer and talking to it.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use argo_client::{Client, ConnectOptions};

/// Runs an async test body on a fresh current-thread runtime in a thread with an 8 MiB stack.
///
/// Deserializing an `argo_model::Workflow` takes more than the 2 MiB of a test thread in debug
/// builds (deeply nested, `flatten`ed serde structs), so the tests do not use `#[tokio::test]`.
pub(crate) fn run<F>(body: F)
where
    F: std::future::Future<Output = ()> + Send + 'static,
{
    let handle = std::thread::Builder::new()
        .stack_size(8 << 20)
        .spawn(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("tokio runtime")
                .block_on(body);
        })
        .expect("spawn test thread");
    if let Err(panic) = handle.join() {
        std::panic::resume_unwind(panic);
    }
}

/// A running peer; killed on drop.
pub(crate) struct Peer {
    child: Child,
    pub(crate) port: u16,
    dir: tempfile::TempDir,
}

fn script(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/k8s_peer")
        .join(name)
}

/// Starts a loopback server script of `tests/k8s_peer` and reads the port it prints.
fn start(script_name: &str, args: &[&str]) -> (Child, u16) {
    let python = std::env::var("ARGO_KEDRO_PYTHON").unwrap_or_else(|_| "python3".into());
    let mut child = Command::new(python)
        .arg(script(script_name))
        .args(["--port", "0", "--max-seconds", "300"])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap_or_else(|e| panic!("start {script_name} (python3): {e}"));
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("read the port");
    let port = line
        .trim()
        .strip_prefix("PORT ")
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("unexpected first line from {script_name}: {line:?}"));
    (child, port)
}

/// Writes a kubeconfig for `http://127.0.0.1:port` (context `peer`, namespace `argo`) into `dir`.
fn write_kubeconfig(dir: &std::path::Path, port: u16, token: Option<&str>) -> PathBuf {
    let path = dir.join(format!("kubeconfig-{port}-{}", token.unwrap_or("none")));
    let user = token.map_or_else(|| "{}".to_owned(), |t| format!("{{token: {t}}}"));
    let text = format!(
        "apiVersion: v1\nkind: Config\nclusters:\n- name: peer\n  cluster: {{server: \"http://127.0.0.1:{port}\"}}\nusers:\n- name: u\n  user: {user}\ncontexts:\n- name: peer\n  context: {{cluster: peer, user: u, namespace: argo}}\ncurrent-context: peer\n"
    );
    std::fs::write(&path, text).expect("write kubeconfig");
    path
}

/// A request to a loopback server (the peer's or the proxy's control endpoints); returns the
/// status code and body.
fn raw_request(port: u16, method: &str, path: &str, body: &str) -> (u16, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(10))).ok();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: peer\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .expect("send");
    let mut out = String::new();
    s.read_to_string(&mut out).expect("read");
    let code = out
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = out
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (code, body)
}

impl Peer {
    /// Starts a peer with extra command-line flags.
    pub(crate) fn start(args: &[&str]) -> Self {
        let (child, port) = start("peer.py", args);
        Self {
            child,
            port,
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// A kubeconfig file pointing at the peer (context `peer`, namespace `argo`).
    pub(crate) fn kubeconfig(&self, token: Option<&str>) -> PathBuf {
        write_kubeconfig(self.dir.path(), self.port, token)
    }

    /// A client in namespace `argo`, connected through a kubeconfig file.
    pub(crate) async fn client(&self) -> Client {
        Client::connect(ConnectOptions::default().kubeconfig(self.kubeconfig(None)))
            .await
            .expect("connect")
    }

    /// A raw request to the peer (control endpoints); returns the status code and body.
    pub(crate) fn raw(&self, method: &str, path: &str, body: &str) -> (u16, String) {
        raw_request(self.port, method, path, body)
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The fault-injecting proxy (`tests/k8s_peer/fault_proxy.py`) in front of a peer; killed on
/// drop.
pub(crate) struct FaultProxy {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
}

impl FaultProxy {
    /// Starts a proxy in front of `peer`.
    pub(crate) fn start(peer: &Peer) -> Self {
        let upstream = format!("http://127.0.0.1:{}", peer.port);
        let (child, port) = start("fault_proxy.py", &["--upstream", &upstream]);
        Self {
            child,
            port,
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// A client in namespace `argo` that talks through the proxy, with this request timeout.
    pub(crate) async fn client(&self, request_timeout: Duration) -> Client {
        let kubeconfig = write_kubeconfig(self.dir.path(), self.port, None);
        Client::connect(
            ConnectOptions::default()
                .kubeconfig(kubeconfig)
                .request_timeout(request_timeout),
        )
        .await
        .expect("connect")
    }

    /// Adds a fault rule (see the proxy's documentation).
    pub(crate) fn fault(&self, rule: &serde_json::Value) {
        let (code, body) = raw_request(self.port, "POST", "/proxy/faults", &rule.to_string());
        assert_eq!(code, 200, "{body}");
    }

    /// The requests the proxy saw, with the fault it applied and when.
    pub(crate) fn log(&self) -> Vec<serde_json::Value> {
        let (code, body) = raw_request(self.port, "GET", "/proxy/log", "");
        assert_eq!(code, 200, "{body}");
        serde_json::from_str(&body).expect("proxy log")
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
