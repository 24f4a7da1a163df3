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

fn script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/k8s_peer/peer.py")
}

impl Peer {
    /// Starts a peer with extra command-line flags.
    pub(crate) fn start(args: &[&str]) -> Self {
        let python = std::env::var("ARGO_KEDRO_PYTHON").unwrap_or_else(|_| "python3".into());
        let mut child = Command::new(python)
            .arg(script())
            .args(["--port", "0", "--max-seconds", "300"])
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the k8s peer (python3)");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("peer stdout"))
            .read_line(&mut line)
            .expect("read the peer's port");
        let port = line
            .trim()
            .strip_prefix("PORT ")
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("unexpected first line from the peer: {line:?}"));
        Self {
            child,
            port,
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// A kubeconfig file pointing at the peer (context `peer`, namespace `argo`).
    pub(crate) fn kubeconfig(&self, token: Option<&str>) -> PathBuf {
        let path = self
            .dir
            .path()
            .join(format!("kubeconfig-{}", token.unwrap_or("none")));
        let user = token.map_or_else(|| "{}".to_owned(), |t| format!("{{token: {t}}}"));
        let text = format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: peer\n  cluster: {{server: \"http://127.0.0.1:{port}\"}}\nusers:\n- name: u\n  user: {user}\ncontexts:\n- name: peer\n  context: {{cluster: peer, user: u, namespace: argo}}\ncurrent-context: peer\n",
            port = self.port
        );
        std::fs::write(&path, text).expect("write kubeconfig");
        path
    }

    /// A client in namespace `argo`, connected through a kubeconfig file.
    pub(crate) async fn client(&self) -> Client {
        Client::connect(ConnectOptions::default().kubeconfig(self.kubeconfig(None)))
            .await
            .expect("connect")
    }

    /// A raw request to the peer (control endpoints); returns the status code and body.
    pub(crate) fn raw(&self, method: &str, path: &str, body: &str) -> (u16, String) {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).expect("connect to peer");
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
}

impl Drop for Peer {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
