#!/usr/bin/env python3
"""A small Kubernetes API peer for client tests: a stand-in for a real kube-apiserver.

Standard library only (Python >= 3.9). It serves, over plain HTTP on a loopback address, the
subset of the Kubernetes REST API that argo-kedro's client uses, with the semantics of
``shared/reference/k8s-test-peer.md``:

* namespaced ``workflows``/``workflowtemplates``/``cronworkflows`` (argoproj.io/v1alpha1, a CRD
  with NO status subresource: status is written with the object) and core ``pods`` (+ ``/log``);
* create with ``generateName`` (5 chars ``[a-z0-9]``), uid, creationTimestamp, ``dryRun=All``
  (also on PUT and PATCH: answered, not stored); 409 ``AlreadyExists``;
* ``resourceVersion`` set on create and bumped on every write; 409 ``Conflict`` on a stale
  resourceVersion for PUT and PATCH (merge, JSON patch); PUT without one is 422 ``Invalid``;
* label selectors (``=``, ``==``, ``!=``, ``in``, ``notin``, exists, ``!``) and field selectors
  (``metadata.name``, ``metadata.namespace``) on list, watch and deletecollection;
* watch (``?watch=true``): chunked stream of ADDED/MODIFIED/DELETED events with resourceVersion,
  from a given resourceVersion or starting with ADDED for every current object; ``timeoutSeconds``;
* errors as ``Status`` objects with the standard reasons (NotFound, AlreadyExists, Conflict,
  Invalid, BadRequest, Forbidden, Unauthorized, MethodNotAllowed, UnsupportedMediaType).

Options: ``--bearer-token T`` (401 without it), ``--forbid`` (403 on every write),
``--no-crd`` (argoproj.io paths answer a plain-text 404 like an API server without Argo's CRD),
``--namespaces a,b`` (only these namespaces exist; default: every namespace exists).

Test-only control endpoints under ``/peer/``: ``PUT /peer/logs/{ns}/{pod}`` (body = the log text),
``POST /peer/fail`` (JSON ``{"method", "path_prefix", "code", "times"}``: the next ``times``
matching requests answer ``code``), ``GET /peer/requests`` (``METHOD path`` lines served).

It prints ``PORT <n>`` on stdout once listening and stops by itself when its standard input
closes (the test that started it ended), after ``--max-seconds`` or after ``--max-requests``.
"""

import argparse
import copy
import json
import random
import re
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from serving import is_loopback, serve  # the sibling module (run as a script)

ARGO = "argoproj.io"
ARGO_KINDS = {
    "workflows": "Workflow",
    "workflowtemplates": "WorkflowTemplate",
    "cronworkflows": "CronWorkflow",
}
CORE_KINDS = {"pods": "Pod", "configmaps": "ConfigMap"}
ALPHABET = "bcdfghjklmnpqrstvwxz2456789"


class ApiError(Exception):
    def __init__(self, code, reason, message, details=None, plain=None):
        super().__init__(message)
        self.code, self.reason, self.message, self.details, self.plain = (
            code,
            reason,
            message,
            details,
            plain,
        )


def now():
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def parse_label_selector(text):
    terms, depth, cur = [], 0, ""
    for ch in text or "":
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            terms.append(cur)
            cur = ""
        else:
            cur += ch
    terms.append(cur)
    out = []
    for t in (t.strip() for t in terms):
        if not t:
            continue
        m = re.fullmatch(r"([^\s!=]+)\s+(in|notin)\s+\(([^)]*)\)", t)
        if m:
            out.append(
                (m.group(1), m.group(2), {v.strip() for v in m.group(3).split(",") if v.strip()})
            )
        elif "!=" in t:
            k, v = t.split("!=", 1)
            out.append((k.strip(), "!=", v.strip()))
        elif "==" in t or "=" in t:
            k, v = t.split("==", 1) if "==" in t else t.split("=", 1)
            out.append((k.strip(), "=", v.strip()))
        elif t.startswith("!"):
            out.append((t[1:].strip(), "!", None))
        elif re.fullmatch(r"[A-Za-z0-9./_-]+", t):
            out.append((t, "exists", None))
        else:
            raise ApiError(400, "BadRequest", f"unable to parse requirement: {t!r}")
    return out


def labels_match(selector, labels):
    for key, op, val in selector:
        have = labels.get(key)
        if op == "=" and have != val:
            return False
        if op == "!=" and have == val:
            return False
        if op == "in" and have not in val:
            return False
        if op == "notin" and have in val:
            return False
        if op == "exists" and key not in labels:
            return False
        if op == "!" and key in labels:
            return False
    return True


def parse_field_selector(text):
    out = []
    for t in (t.strip() for t in (text or "").split(",")):
        if not t:
            continue
        neg = "!=" in t
        k, v = t.split("!=", 1) if neg else (t.split("==", 1) if "==" in t else t.split("=", 1))
        if k.strip() not in ("metadata.name", "metadata.namespace"):
            raise ApiError(400, "BadRequest", f'"{k.strip()}" is not a known field selector')
        out.append((k.strip(), neg, v.strip()))
    return out


def fields_match(selector, obj):
    meta = obj.get("metadata", {})
    for key, neg, val in selector:
        have = meta.get(key.split(".", 1)[1])
        if (have == val) == neg:
            return False
    return True


def merge_patch(target, patch):
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    target = copy.deepcopy(target) if isinstance(target, dict) else {}
    for k, v in patch.items():
        if v is None:
            target.pop(k, None)
        else:
            target[k] = merge_patch(target.get(k), v)
    return target


def json_patch(doc, ops):
    doc = copy.deepcopy(doc)
    for op in ops:
        parts = [p.replace("~1", "/").replace("~0", "~") for p in op["path"].split("/")[1:]]
        parent = doc
        for p in parts[:-1]:
            parent = parent[int(p)] if isinstance(parent, list) else parent[p]
        last = parts[-1] if parts else None
        kind = op["op"]
        if kind == "test":
            cur = parent[int(last)] if isinstance(parent, list) else parent.get(last)
            if cur != op.get("value"):
                raise ApiError(422, "Invalid", f"test operation failed at {op['path']}")
        elif kind in ("add", "replace"):
            if isinstance(parent, list):
                idx = len(parent) if last == "-" else int(last)
                if kind == "add":
                    parent.insert(idx, op["value"])
                else:
                    parent[idx] = op["value"]
            else:
                parent[last] = op["value"]
        elif kind == "remove":
            if isinstance(parent, list):
                del parent[int(last)]
            else:
                parent.pop(last)
        else:
            raise ApiError(422, "Invalid", f"unsupported JSON patch operation {kind}")
    return doc


class Store:
    def __init__(self, namespaces):
        self.lock = threading.Condition()
        self.rv = 1
        self.objects = {}  # (plural, ns, name) -> object
        self.events = []  # (rv, type, plural, ns, object)
        self.logs = {}
        self.namespaces = namespaces

    def bump(self):
        self.rv += 1
        return str(self.rv)

    def record(self, etype, plural, ns, obj):
        self.events.append(
            (int(obj["metadata"]["resourceVersion"]), etype, plural, ns, copy.deepcopy(obj))
        )
        self.lock.notify_all()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "k8s-peer/1"

    def log_message(self, *args):
        pass

    # -- plumbing -------------------------------------------------------------------------------
    def send_json(self, code, body):
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def send_text(self, code, text):
        data = text.encode()
        self.send_response(code)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def send_error_status(self, e):
        if e.plain is not None:
            return self.send_text(e.code, e.plain)
        body = {
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": e.message,
            "reason": e.reason,
            "code": e.code,
        }
        if e.details:
            body["details"] = e.details
        self.send_json(e.code, body)

    def body(self):
        return self._body

    def json_body(self):
        try:
            return json.loads(self.body() or b"null")
        except ValueError:
            raise ApiError(400, "BadRequest", "the request body is not JSON") from None

    def handle_any(self):
        srv = self.server
        with srv.count_lock:
            srv.requests.append(f"{self.command} {self.path}")
            if len(srv.requests) >= srv.max_requests:
                threading.Thread(target=srv.shutdown, daemon=True).start()
        # Always consume the body (DELETE carries DeleteOptions) so keep-alive stays in sync.
        n = int(self.headers.get("Content-Length") or 0)
        self._body = self.rfile.read(n) if n else b""
        url = urlsplit(self.path)
        self.query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        try:
            for f in srv.failures:
                if (
                    f["times"] > 0
                    and f["method"] in (self.command, "*")
                    and url.path.startswith(f["path_prefix"])
                ):
                    f["times"] -= 1
                    raise ApiError(
                        f["code"],
                        "ServiceUnavailable" if f["code"] == 503 else "InternalError",
                        "injected failure",
                    )
            if url.path.startswith("/peer/"):
                return self.control(url.path)
            if srv.token and self.headers.get("Authorization") != f"Bearer {srv.token}":
                raise ApiError(401, "Unauthorized", "Unauthorized")
            if srv.forbid and self.command in ("POST", "PUT", "PATCH", "DELETE"):
                raise ApiError(403, "Forbidden", f"{self.command} is forbidden for this user")
            self.route(url.path)
        except ApiError as e:
            self.send_error_status(e)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = handle_any

    def control(self, path):
        srv = self.server
        m = re.fullmatch(r"/peer/logs/([^/]+)/([^/]+)", path)
        if m and self.command == "PUT":
            srv.store.logs[(m.group(1), m.group(2))] = self.body().decode()
            return self.send_json(200, {})
        if path == "/peer/fail" and self.command == "POST":
            f = self.json_body()
            srv.failures.append(
                {
                    "method": f.get("method", "*"),
                    "path_prefix": f.get("path_prefix", "/"),
                    "code": int(f.get("code", 503)),
                    "times": int(f.get("times", 1)),
                }
            )
            return self.send_json(200, {})
        if path == "/peer/requests":
            return self.send_text(200, "\n".join(srv.requests) + "\n")
        raise ApiError(404, "NotFound", "unknown peer control endpoint")

    # -- routing --------------------------------------------------------------------------------
    def route(self, path):
        if path == "/version":
            return self.send_json(
                200, {"major": "1", "minor": "33", "gitVersion": "v1.33.0-k8s-peer"}
            )
        m = re.fullmatch(
            r"/apis/argoproj\.io/v1alpha1(?:/namespaces/([^/]+))?/([a-z]+)(?:/([^/]+))?", path
        )
        if m:
            if self.server.no_crd or m.group(2) not in ARGO_KINDS:
                raise ApiError(404, "", "", plain="404 page not found")
            return self.resource(
                m.group(2),
                ARGO,
                "argoproj.io/v1alpha1",
                ARGO_KINDS[m.group(2)],
                m.group(1),
                m.group(3),
                None,
            )
        m = re.fullmatch(r"/api/v1(?:/namespaces/([^/]+))?/([a-z]+)(?:/([^/]+))?(?:/(log))?", path)
        if m and m.group(2) in CORE_KINDS:
            return self.resource(
                m.group(2), "", "v1", CORE_KINDS[m.group(2)], m.group(1), m.group(3), m.group(4)
            )
        raise ApiError(404, "", "", plain="404 page not found")

    def check_namespace(self, ns):
        allowed = self.server.store.namespaces
        if allowed is not None and ns not in allowed:
            raise ApiError(
                404, "NotFound", f'namespaces "{ns}" not found', {"name": ns, "kind": "namespaces"}
            )

    def resource(self, plural, group, api_version, kind, ns, name, sub):
        st = self.server.store
        details = lambda n: {"name": n, "group": group, "kind": plural}  # noqa: E731
        key = (plural, ns, name)
        with st.lock:
            if name is None:
                if self.command == "GET" and self.query.get("watch") in ("true", "1"):
                    return self.watch(plural, ns, api_version, kind)
                if self.command == "GET":
                    return self.send_json(200, self.list(plural, ns, api_version, kind))
                if self.command == "POST" and ns:
                    return self.create(plural, ns, api_version, kind, details)
                if self.command == "DELETE" and ns:
                    lst = self.list(plural, ns, api_version, kind)
                    for obj in lst["items"]:
                        self.delete_obj((plural, ns, obj["metadata"]["name"]))
                    return self.send_json(200, lst)
                raise ApiError(405, "MethodNotAllowed", "the server does not allow this method")
            if ns is None:
                raise ApiError(404, "", "", plain="404 page not found")
            cur = st.objects.get(key)
            if sub == "log":
                if cur is None:
                    raise ApiError(404, "NotFound", f'{plural} "{name}" not found', details(name))
                return self.send_text(200, st.logs.get((ns, name), ""))
            if self.command == "GET":
                if cur is None:
                    raise ApiError(
                        404,
                        "NotFound",
                        f'{plural}.{group} "{name}" not found'.replace(". ", " "),
                        details(name),
                    )
                return self.send_json(200, cur)
            if self.command == "DELETE":
                if cur is None:
                    raise ApiError(404, "NotFound", f'{plural} "{name}" not found', details(name))
                return self.send_json(200, self.delete_obj(key))
            if self.command in ("PUT", "PATCH"):
                return self.update(plural, ns, name, cur, details)
        raise ApiError(405, "MethodNotAllowed", "the server does not allow this method")

    def list(self, plural, ns, api_version, kind):
        st = self.server.store
        labels = parse_label_selector(self.query.get("labelSelector"))
        fields = parse_field_selector(self.query.get("fieldSelector"))
        items = [
            copy.deepcopy(o)
            for (p, n, _), o in sorted(st.objects.items())
            if p == plural
            and (ns is None or n == ns)
            and labels_match(labels, o["metadata"].get("labels") or {})
            and fields_match(fields, o)
        ]
        return {
            "apiVersion": api_version,
            "kind": kind + "List",
            "metadata": {"resourceVersion": str(st.rv)},
            "items": items,
        }

    def create(self, plural, ns, api_version, kind, details):
        st = self.server.store
        self.check_namespace(ns)
        obj = self.json_body()
        if not isinstance(obj, dict):
            raise ApiError(400, "BadRequest", "the body is not an object")
        meta = obj.setdefault("metadata", {})
        if meta.get("namespace") not in (None, "", ns):
            raise ApiError(
                400,
                "BadRequest",
                "the namespace of the provided object does not match the namespace sent on the "
                "request",
            )
        if not meta.get("name"):
            base = meta.get("generateName")
            if not base:
                raise ApiError(422, "Invalid", "name or generateName is required", details(""))
            for _ in range(20):
                meta["name"] = base[:58] + "".join(random.choice(ALPHABET) for _ in range(5))
                if (plural, ns, meta["name"]) not in st.objects:
                    break
        name = meta["name"]
        if (plural, ns, name) in st.objects:
            raise ApiError(409, "AlreadyExists", f'{plural} "{name}" already exists', details(name))
        obj.setdefault("apiVersion", api_version)
        obj.setdefault("kind", kind)
        meta.update(namespace=ns, uid=str(uuid.uuid4()), creationTimestamp=now(), generation=1)
        if self.query.get("dryRun") == "All":
            meta["resourceVersion"] = str(st.rv)
            return self.send_json(201, obj)
        meta["resourceVersion"] = st.bump()
        st.objects[(plural, ns, name)] = obj
        st.record("ADDED", plural, ns, obj)
        self.send_json(201, obj)

    def update(self, plural, ns, name, cur, details):
        st = self.server.store
        body = self.json_body()
        if cur is None:
            raise ApiError(404, "NotFound", f'{plural} "{name}" not found', details(name))
        if self.command == "PUT":
            new = body
            rv = (new.get("metadata") or {}).get("resourceVersion")
            if not rv:
                raise ApiError(
                    422,
                    "Invalid",
                    "metadata.resourceVersion: Invalid value: 0x0: must be specified for an update",
                    details(name),
                )
        else:
            ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip()
            if ctype == "application/merge-patch+json" or (
                ctype == "application/strategic-merge-patch+json" and plural in CORE_KINDS
            ):
                new = merge_patch(cur, body)
            elif ctype == "application/json-patch+json":
                new = json_patch(cur, body)
            else:
                raise ApiError(
                    415, "UnsupportedMediaType", f"the media type {ctype!r} is not supported"
                )
            rv = (new.get("metadata") or {}).get("resourceVersion")
        if rv and rv != cur["metadata"]["resourceVersion"]:
            raise ApiError(
                409,
                "Conflict",
                f'Operation cannot be fulfilled on {plural} "{name}": the object has been '
                "modified; please apply your changes to the latest version and try again",
                details(name),
            )
        meta = new.setdefault("metadata", {})
        if meta.get("name", name) != name:
            raise ApiError(
                400, "BadRequest", "the name of the object does not match the name on the URL"
            )
        for k in ("uid", "creationTimestamp", "namespace", "name"):
            meta[k] = cur["metadata"][k]
        meta["generation"] = cur["metadata"].get("generation", 1) + (
            new.get("spec") != cur.get("spec")
        )
        new.setdefault("apiVersion", cur["apiVersion"])
        new.setdefault("kind", cur["kind"])
        if self.query.get("dryRun") == "All":
            meta["resourceVersion"] = cur["metadata"]["resourceVersion"]
            return self.send_json(200, new)
        meta["resourceVersion"] = st.bump()
        st.objects[(plural, ns, name)] = new
        st.record("MODIFIED", plural, ns, new)
        self.send_json(200, new)

    def delete_obj(self, key):
        st = self.server.store
        obj = st.objects.pop(key)
        obj["metadata"]["resourceVersion"] = st.bump()
        st.record("DELETED", key[0], key[1], obj)
        return obj

    def watch(self, plural, ns, api_version, kind):
        st = self.server.store
        labels = parse_label_selector(self.query.get("labelSelector"))
        fields = parse_field_selector(self.query.get("fieldSelector"))
        timeout = min(float(self.query.get("timeoutSeconds") or 60), 300)
        since = self.query.get("resourceVersion") or "0"
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()

        def send(etype, obj):
            line = json.dumps({"type": etype, "object": obj}).encode() + b"\n"
            self.wfile.write(b"%x\r\n%s\r\n" % (len(line), line))
            self.wfile.flush()

        def matches(p, n, o):
            return (
                p == plural
                and (ns is None or n == ns)
                and labels_match(labels, o["metadata"].get("labels") or {})
                and fields_match(fields, o)
            )

        if since == "0":
            pos = len(st.events)
            for (p, n, _), o in sorted(st.objects.items()):
                if matches(p, n, o):
                    send("ADDED", o)
        else:
            pos = 0
            while pos < len(st.events) and st.events[pos][0] <= int(since):
                pos += 1
        deadline = time.monotonic() + timeout
        try:
            while not self.server.stopping:
                while pos < len(st.events):
                    _, etype, p, n, o = st.events[pos]
                    pos += 1
                    if matches(p, n, o):
                        send(etype, o)
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                st.lock.wait(min(left, 0.5))
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--bearer-token")
    ap.add_argument("--forbid", action="store_true")
    ap.add_argument("--no-crd", action="store_true")
    ap.add_argument("--namespaces")
    ap.add_argument("--max-seconds", type=float, default=900)
    ap.add_argument("--max-requests", type=int, default=100_000)
    args = ap.parse_args()
    if not is_loopback(args.host):
        ap.error("the peer only listens on loopback addresses")
    srv = Server((args.host, args.port), Handler)
    srv.store = Store(set(args.namespaces.split(",")) if args.namespaces else None)
    srv.token, srv.forbid, srv.no_crd = args.bearer_token, args.forbid, args.no_crd
    srv.max_requests, srv.requests, srv.count_lock = args.max_requests, [], threading.Lock()
    srv.failures, srv.stopping = [], False

    serve(srv, args.max_seconds)


if __name__ == "__main__":
    main()
