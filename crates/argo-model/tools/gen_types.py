#!/usr/bin/env python3
"""Generate crates/argo-model/src/types/*.rs from the vendored Argo JSON Schema.

Run from the crate directory: `python3 tools/gen_types.py`. The output is committed; re-run it after
updating schema/schema.json and review the diff. Hand-written parts (AnyString, FileMode, the kind
constructors, kube Resource impls) live outside src/types/gen_*.rs.

`python3 tools/gen_types.py --check` writes nothing: it exits 1, naming the files, when the committed
src/types/gen_*.rs differ from what the schema generates (the test command runs it).
"""
import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((HERE / "schema" / "schema.json").read_text())
DEFS = SCHEMA["definitions"]
P = "io.argoproj.workflow.v1alpha1."
ROOTS = ["Workflow", "WorkflowTemplate", "ClusterWorkflowTemplate", "CronWorkflow", "WorkflowEventBinding"]
KINDS = set(ROOTS)

RUST_NAME = {
    "DAGTask": "DagTask", "DAGTemplate": "DagTemplate", "HTTP": "Http", "HTTPArtifact": "HttpArtifact",
    "HTTPAuth": "HttpAuth", "HTTPBodySource": "HttpBodySource", "HTTPHeader": "HttpHeader",
    "HTTPHeaderSource": "HttpHeaderSource", "TTLStrategy": "TtlStrategy", "GCSArtifact": "GcsArtifact",
    "GCSArtifactRepository": "GcsArtifactRepository", "HDFSArtifact": "HdfsArtifact",
    "HDFSArtifactRepository": "HdfsArtifactRepository", "OSSArtifact": "OssArtifact",
    "OSSArtifactRepository": "OssArtifactRepository", "OSSLifecycleRule": "OssLifecycleRule",
    "OAuth2Auth": "OAuth2Auth", "OAuth2EndpointParam": "OAuth2EndpointParam",
}
# Definitions written by hand (not generated).
HAND = {"Item": "serde_json::Value", "Amount": "Amount", "Plugin": "Plugin"}
# Fields that Argo types as AnyString (Go) although the schema says string.
ANYSTRING = {("Parameter", "value"), ("Parameter", "default"), ("Parameter", "enum"),
             ("Parameter", "description"), ("ValueFrom", "default")}
FILEMODE = {("Artifact", "mode"), ("ArtifactPaths", "mode")}
BOXED = {("DAGTask", "inline"), ("WorkflowStep", "inline"), ("WorkflowStatus", "storedWorkflowTemplateSpec")}
# k8s-openapi types that write fields Argo manifests leave out (see src/types/compact.rs).
SERIALIZE_WITH = {("Template", "container"): "super::compact::container",
                  ("WorkflowSpec", "volumeClaimTemplates"): "super::compact::claims"}
KEYWORDS = {"type": "type_", "enum": "enum_", "ref": "ref_", "override": "override_", "final": "final_"}

K8S = {
    "io.k8s.api.core.v1.": "k8s_openapi::api::core::v1::",
    "io.k8s.api.policy.v1.": "k8s_openapi::api::policy::v1::",
    "io.k8s.apimachinery.pkg.apis.meta.v1.": "k8s_openapi::apimachinery::pkg::apis::meta::v1::",
    "io.k8s.apimachinery.pkg.util.intstr.": "k8s_openapi::apimachinery::pkg::util::intstr::",
    "io.k8s.apimachinery.pkg.api.resource.": "k8s_openapi::apimachinery::pkg::api::resource::",
}

KIND_MODULE = set(ROOTS) | {"CronWorkflowSpec", "CronWorkflowStatus", "StopStrategy", "WorkflowEventBindingSpec",
                            "Event", "Submit"}
STATUS = {"WorkflowStatus", "NodeStatus", "Condition", "NodeFlag", "MemoizationStatus", "SynchronizationStatus",
          "MutexStatus", "MutexHolding", "SemaphoreStatus", "SemaphoreHolding", "NodeSynchronizationStatus",
          "ArtGCStatus", "ArtifactRepositoryRefStatus"}
TEMPLATE = {"Template", "UserContainer", "ScriptTemplate", "ResourceTemplate", "ManifestFrom", "SuspendTemplate",
            "ContainerSetTemplate", "ContainerNode", "ContainerSetRetryStrategy", "Data", "DataSource",
            "TransformationStep", "HTTP", "HTTPHeader", "HTTPHeaderSource", "HTTPBodySource", "TemplateRef",
            "DAGTemplate", "DAGTask", "WorkflowStep", "ContinueOn", "Sequence", "ExecutorPlugin",
            "ExecutorPluginSidecar", "ExecutorPluginSpec"}
PARAMS = {"Arguments", "Inputs", "Outputs", "Parameter", "ValueFrom", "SuppliedValueFrom", "Artifact",
          "ArtifactPaths", "ArchiveStrategy", "TarStrategy", "NoneStrategy", "ZipStrategy", "RawArtifact"}
ARTIFACT_WORDS = ("Artifact", "Repository", "Auth", "S3", "OSS", "GCS", "HDFS", "Azure", "Git", "OAuth2", "Header",
                  "ClientCert", "Lifecycle")


def module_of(name):
    if name in KIND_MODULE:
        return "kinds"
    if name in STATUS:
        return "status"
    if name in TEMPLATE:
        return "template"
    if name in PARAMS:
        return "params"
    if name == "LifecycleHook":
        return "spec"
    if any(w in name for w in ARTIFACT_WORDS) and name not in ("ArtifactGC", "WorkflowLevelArtifactGC"):
        return "artifacts"
    return "spec"


def rname(name):
    return RUST_NAME.get(name, name)


def snake(s):
    s = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", s)
    s = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", s)
    return s.lower()


def camel(s):
    parts = s.split("_")
    return parts[0] + "".join(p[:1].upper() + p[1:] for p in parts[1:])


def closure():
    seen, stack = set(), [P + r for r in ROOTS]

    def refs(x):
        if isinstance(x, dict):
            for k, v in x.items():
                if k == "$ref":
                    yield v.split("/")[-1]
                else:
                    yield from refs(v)
        elif isinstance(x, list):
            for v in x:
                yield from refs(v)

    while stack:
        n = stack.pop()
        if n in seen or not n.startswith(P):
            continue
        seen.add(n)
        stack.extend(refs(DEFS[n]))
    return sorted(n[len(P):] for n in seen)


def ref_type(ref):
    full = ref.split("/")[-1]
    if full.startswith(P):
        short = full[len(P):]
        if short in HAND:
            return HAND[short], False
        if short == "ParallelSteps":
            return "ParallelSteps", True
        return rname(short), True
    for pre, path in K8S.items():
        if full.startswith(pre):
            return path + full[len(pre):], False
    raise SystemExit(f"unknown ref {full}")


def rust_type(owner, prop, x):
    """(type, is_argo) for a property schema (not wrapped in Option)."""
    if (owner, prop) in ANYSTRING:
        return ("Vec<AnyString>", False) if x.get("type") == "array" else ("AnyString", False)
    if (owner, prop) in FILEMODE:
        return "FileMode", False
    if "$ref" in x:
        return ref_type(x["$ref"])
    t = x.get("type")
    if t == "string":
        return "String", False
    if t == "integer":
        return ("i32" if x.get("format") == "int32" else "i64"), False
    if t == "number":
        return "f64", False
    if t == "boolean":
        return "bool", False
    if t == "array":
        inner, argo = rust_type(owner, prop + "[]", x["items"])
        return f"Vec<{inner}>", argo
    if t == "object":
        ap = x.get("additionalProperties")
        if ap is None:
            return "Map<String, Value>", False
        inner, argo = rust_type(owner, prop + "{}", ap)
        return f"IndexMap<String, {inner}>", argo
    if t is None:
        return "Value", False
    raise SystemExit(f"unknown type {owner}.{prop}: {x}")


def doc(text, indent):
    text = (text or "").strip()
    if not text:
        return []
    text = text.replace("io.argoproj.workflow.v1alpha1.", "")
    lines = []
    for para in text.split("\n"):
        words, cur = para.split(), ""
        for w in words:
            if len(cur) + len(w) + 1 > 100 - indent - 4 and cur:
                lines.append(cur)
                cur = w
            else:
                cur = (cur + " " + w).strip()
        if cur:
            lines.append(cur)
    return [" " * indent + "/// " + doc_line(l) for l in lines]


URL = re.compile(r"https?://[^\s<>]*[^\s<>.,;:)\]'\"]")


def doc_line(line):
    """One line of upstream prose as rustdoc: markup escaped, bare URLs made links (`<url>`)."""
    out, last = [], 0
    for m in URL.finditer(line):
        out.append(escape(line[last:m.start()]))
        out.append("<" + m.group(0) + ">")
        last = m.end()
    out.append(escape(line[last:]))
    return "".join(out)


def escape(text):
    return text.replace("<", "&lt;").replace(">", "&gt;").replace("[", "\\[").replace("]", "\\]")


def gen_struct(name, d):
    props = d.get("properties", {})
    required = set(d.get("required", []))
    out = doc(d.get("description") or f"Argo `{name}`.", 0)
    is_kind = name in KINDS
    derives = "Debug, Clone, PartialEq, Serialize, Deserialize" + ("" if is_kind else ", Default")
    out.append(f"#[derive({derives})]")
    out.append("#[serde(rename_all = \"camelCase\")]")
    out.append(f"pub struct {rname(name)} {{")
    visits = []
    for prop in sorted(props, key=lambda p: (p not in ("apiVersion", "kind", "metadata", "name"), p)):
        x = props[prop]
        fname = KEYWORDS.get(snake(prop), snake(prop))
        ty, argo = rust_type(name, prop, x)
        desc = x.get("description") or f"`{prop}`."
        attrs = []
        if fname != snake(prop) or camel(fname) != prop:
            attrs.append(f"rename = \"{prop}\"")
        if (name, prop) in BOXED:
            ty_inner = f"Box<{ty}>"
        else:
            ty_inner = ty
        if prop in ("apiVersion", "kind") and is_kind:
            field_ty = "String"
        elif ty == "String" and (prop in required or prop == "name"):
            field_ty = "String"
            attrs.append("default, skip_serializing_if = \"String::is_empty\"")
        elif ty.startswith("Vec<") or ty.startswith("IndexMap<"):
            field_ty = ty
            attrs.append(f"default, skip_serializing_if = \"{ty.split('<')[0]}::is_empty\"")
        elif prop in required and (argo or ty.startswith("k8s_openapi")) and ty != "ParallelSteps":
            field_ty = ty_inner
            attrs.append("default")
        else:
            field_ty = f"Option<{ty_inner}>"
            attrs.append("default, skip_serializing_if = \"Option::is_none\"")
        if (name, prop) in SERIALIZE_WITH:
            attrs.append(f"serialize_with = \"{SERIALIZE_WITH[(name, prop)]}\"")
        out.extend(doc(desc, 4))
        if attrs:
            out.append(f"    #[serde({', '.join(attrs)})]")
        out.append(f"    pub {fname}: {field_ty},")
        if argo:
            visits.append((fname, prop))
    out.append("    /// Fields this model does not define, kept verbatim so nothing is lost (strict lint reports them).")
    out.append("    #[serde(flatten)]")
    out.append("    pub extra: Map<String, Value>,")
    out.append("}")
    out.append("")
    if is_kind:
        out.append(f"impl Default for {name} {{")
        out.append("    fn default() -> Self {")
        out.append("        Self {")
        for prop in props:
            fname = KEYWORDS.get(snake(prop), snake(prop))
            if prop == "apiVersion":
                out.append("            api_version: super::API_VERSION.to_owned(),")
            elif prop == "kind":
                out.append(f"            kind: \"{name}\".to_owned(),")
            else:
                out.append(f"            {fname}: Default::default(),")
        out.append("            extra: Map::new(),")
        out.append("        }")
        out.append("    }")
        out.append("}")
        out.append("")
    # The known field names (a static slice: only read when an unknown field needs a suggestion)
    # and the walk into the Argo-typed fields; paths are built only for the fields reported.
    known = ", ".join(f"\"{prop}\"" for prop in props)
    out.append(f"impl UnknownFields for {rname(name)} {{")
    out.append("    fn collect_unknown_at(&self, path: &LazyPath<'_>, out: &mut Vec<UnknownField>) {")
    out.append(f"        report_extra(&self.extra, &[{known}], path, out);")
    for fname, prop in visits:
        out.append(f"        self.{fname}.collect_unknown_at(&path.key(\"{prop}\"), out);")
    out.append("    }")
    out.append("}")
    return out


def rustfmt(text):
    """The text as `cargo fmt` leaves it (the committed files are formatted)."""
    done = subprocess.run(["rustfmt", "--edition", "2024"], input=text, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"gen_types: rustfmt failed:\n{done.stderr}")
    return done.stdout


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="compare with the committed files instead of writing them; exit 1 on a difference")
    check = parser.parse_args().check
    names = closure()
    modules = {}
    for n in names:
        if n in HAND:
            continue
        d = DEFS[P + n]
        if n == "ParallelSteps":
            continue
        modules.setdefault(module_of(n), []).append(n)
    header = [
        "// @generated by tools/gen_types.py from schema/schema.json; edit the generator, not this file.",
        "#![allow(clippy::doc_markdown, clippy::doc_lazy_continuation, clippy::struct_excessive_bools, clippy::wildcard_imports, clippy::default_trait_access, reason = \"generated: docs are upstream's descriptions, types mirror the schema\")]",
        "",
        "#[allow(unused_imports, reason = \"not every generated module uses every import\")]",
        "use super::*;",
        "use serde::{Deserialize, Serialize};",
        "",
    ]
    stale = []
    expected = set()
    for mod, ns in sorted(modules.items()):
        lines = [f"//! Generated Argo types: {mod}.", ""] + header
        for n in ns:
            lines.extend(gen_struct(n, DEFS[P + n]))
            lines.append("")
        path = HERE / "src" / "types" / f"gen_{mod}.rs"
        expected.add(path.name)
        text = rustfmt("\n".join(lines).rstrip() + "\n")
        if check:
            if not path.exists() or path.read_text() != text:
                stale.append(path)
        else:
            path.write_text(text)
            print(mod, len(ns), len(lines), file=sys.stderr)
    extra = sorted(p for p in (HERE / "src" / "types").glob("gen_*.rs") if p.name not in expected)
    if check:
        stale.extend(extra)
        if stale:
            for path in stale:
                print(f"gen_types: {path.relative_to(HERE)} differs from what schema/schema.json "
                      "generates; run `python3 tools/gen_types.py` in crates/argo-model and commit",
                      file=sys.stderr)
            sys.exit(1)
        print(f"gen_types: {len(expected)} generated files match schema/schema.json", file=sys.stderr)
    elif extra:
        for path in extra:
            print(f"gen_types: {path.relative_to(HERE)} is no longer generated; delete it",
                  file=sys.stderr)
        sys.exit(1)


main()
