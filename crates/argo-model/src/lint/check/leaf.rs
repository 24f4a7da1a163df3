//! `validateLeaf` (validate.go), after its variable resolution: mounts, images, container sets,
//! reserved container names, resource templates, `activeDeadlineSeconds`, `parallelism`.

use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::scope::Values;
use super::template::Type;
use super::{Anchor, Base, Ctx, FxHashMap, Rule};
use crate::lint::{names, tags};
use crate::{ContainerSetTemplate, JsonPath, ResourceTemplate, Template};

/// The leaf checks of one template of type `ty`.
pub(crate) fn validate(
    ctx: &mut Ctx<'_>,
    tmpl: &Template,
    ty: Type,
    base: Base<'_>,
    anchor: &Anchor,
) {
    let name = &tmpl.name;
    if let Some(c) = &tmpl.container {
        // Mount paths of the container, then input artifact paths, each once.
        let mut mounts: FxHashMap<&str, String> = FxHashMap::default();
        for (i, m) in c.volume_mounts.iter().flatten().enumerate() {
            if let Some(prev) = mounts.get(m.mount_path.as_str()) {
                ctx.error(anchor, |p| p.key("container").key("volumeMounts").index(i).key("mountPath"), Rule::MountPath, format!("templates.{name}.container.volumeMounts[{i}].mountPath '{}' already mounted in {prev}", m.mount_path));
            } else {
                mounts.insert(&m.mount_path, format!("container.volumeMounts.{}", m.name));
            }
        }
        for (i, a) in tmpl.inputs.iter().flat_map(|x| &x.artifacts).enumerate() {
            let path = a.path.as_deref().unwrap_or_default();
            if let Some(prev) = mounts.get(path) {
                ctx.error(anchor, |p| p.key("inputs").key("artifacts").index(i).key("path"), Rule::MountPath, format!("templates.{name}.inputs.artifacts[{i}].path '{path}' already mounted in {prev}"));
            } else {
                mounts.insert(path, format!("inputs.artifacts.{}", a.name));
            }
        }
        let default = base
            .defaults()
            .and_then(|d| d.container.as_ref()?.image.as_deref());
        if c.image.as_deref().unwrap_or_default().is_empty()
            && default.unwrap_or_default().is_empty()
        {
            ctx.error(anchor, |p| p.key("container").key("image"), Rule::Image, format!("templates.{name}.container.image may not be empty; set it, or set templateDefaults.container.image"));
        }
    }
    if let Some(set) = &tmpl.container_set {
        container_set(ctx, tmpl, set, anchor);
    }
    for (i, s) in tmpl.sidecars.iter().enumerate() {
        if is_argo_sidecar(&s.name) {
            ctx.error(anchor, |p| p.key("sidecars").index(i).key("name"), Rule::InvalidName, format!("templates.{name}.sidecars: {:?} is a reserved Argo container name (wait, supervisor, artifact-plugin-*); rename it", s.name));
        }
    }
    if let Some(r) = &tmpl.resource {
        // The action and manifest as `ProcessArgs` leaves them.
        let (action, manifest) = {
            let values = Values {
                tmpl,
                pod: ty.pod(),
                globals: &ctx.globals,
            };
            let manifest = r.manifest.as_deref().filter(|m| !m.is_empty());
            (
                values.substitute(&r.action).into_owned(),
                manifest.map(|m| values.substitute(m).into_owned()),
            )
        };
        resource(ctx, tmpl, r, &action, manifest.as_deref(), anchor);
    }
    if let Some(s) = &tmpl.script {
        let default = base
            .defaults()
            .and_then(|d| Some(d.script.as_ref()?.image.as_str()));
        if s.image.is_empty() && default.unwrap_or_default().is_empty() {
            ctx.error(anchor, |p| p.key("script").key("image"), Rule::Image, format!("templates.{name}.script.image may not be empty; set it, or set templateDefaults.script.image"));
        }
    }
    if let Some(ads) = &tmpl.active_deadline_seconds
        && !valid_deadline(ads)
    {
        ctx.error(anchor, |p| p.key("activeDeadlineSeconds"), Rule::InvalidValue, format!("templates.{name}.activeDeadlineSeconds must be a positive integer > 0 or an argo variable"));
    }
    if tmpl.parallelism.is_some() {
        ctx.error(anchor, |p| p.key("parallelism"), Rule::MisplacedField, format!("templates.{name}.parallelism is only valid for steps and dag templates; set it on the steps/dag template or spec.parallelism"));
    }
}

/// `common.IsArgoSidecar`: `wait`, `supervisor`, `artifact-plugin-*`.
pub(crate) fn is_argo_sidecar(name: &str) -> bool {
    matches!(name, "wait" | "supervisor") || name.starts_with("artifact-plugin-")
}

/// `intstr.IsValidIntOrArgoVariable` (or an internal placeholder), and not negative.
fn valid_deadline(v: &IntOrString) -> bool {
    match v {
        IntOrString::Int(i) => *i >= 0,
        IntOrString::String(s) => {
            // A variable is substituted by a placeholder before the check.
            if s.contains("{{") || tags::is_placeholder(s) {
                return true;
            }
            s.parse::<i64>().is_ok_and(|i| i >= 0)
        }
    }
}

/// `ContainerSetTemplate.Validate`, a `main` container when the template has inputs or outputs
/// to move, no reserved names.
fn container_set(ctx: &mut Ctx<'_>, tmpl: &Template, set: &ContainerSetTemplate, anchor: &Anchor) {
    let name = &tmpl.name;
    let at = |p: &JsonPath| p.key("containerSet");
    let err = |ctx: &mut Ctx<'_>, sub: &dyn Fn(&JsonPath) -> JsonPath, msg: String| {
        ctx.error(
            anchor,
            |p| sub(&at(p)),
            Rule::ContainerSet,
            format!("templates.{name}.containerSet.{msg}"),
        );
    };
    if set.containers.is_empty() {
        err(
            ctx,
            &|p| p.key("containers"),
            "containers must have at least one container".into(),
        );
    }
    let list: Vec<&str> = set.containers.iter().map(|c| c.name.as_str()).collect();
    for (i, _, msg) in names::field_names(list.iter().copied(), names::NameKind::Field) {
        err(
            ctx,
            &|p| p.key("containers").index(i).key("name"),
            format!("containers{msg}"),
        );
    }
    let mut mounts: FxHashMap<&str, &str> = FxHashMap::default();
    for (i, m) in set.volume_mounts.iter().enumerate() {
        if let Some(prev) = mounts.insert(&m.mount_path, &m.name) {
            err(
                ctx,
                &|p| p.key("volumeMounts").index(i).key("mountPath"),
                format!(
                    "volumeMounts[{i}].mountPath '{}' already mounted in volumeMounts.{prev}",
                    m.mount_path
                ),
            );
        }
    }
    let mut graph: FxHashMap<&str, Vec<&str>> = FxHashMap::default();
    for (i, c) in set.containers.iter().enumerate() {
        for (j, d) in c.dependencies.iter().enumerate() {
            if !list.contains(&d.as_str()) {
                err(
                    ctx,
                    &|p| p.key("containers").index(i).key("dependencies").index(j),
                    format!("containers.{} dependency '{d}' not defined", c.name),
                );
            }
        }
        graph
            .entry(&c.name)
            .or_default()
            .extend(c.dependencies.iter().map(String::as_str));
    }
    if let Some(cycle) = cycle(&graph) {
        err(
            ctx,
            &|p| p.key("containers"),
            format!("containers dependency cycle detected: {cycle}"),
        );
    }
    let io = tmpl
        .inputs
        .as_ref()
        .is_some_and(|i| !i.artifacts.is_empty())
        || tmpl
            .outputs
            .as_ref()
            .is_some_and(|o| !o.parameters.is_empty() || !o.artifacts.is_empty());
    if io && !list.contains(&"main") {
        err(
            ctx,
            &|p| p.key("containers"),
            "containers must have a container named \"main\" for input or output".into(),
        );
    }
    for (i, c) in set.containers.iter().enumerate() {
        if is_argo_sidecar(&c.name) {
            ctx.error(anchor, |p| at(p).key("containers").index(i).key("name"), Rule::InvalidName, format!("templates.{name}.containerSet.containers: {:?} is a reserved Argo container name (wait, supervisor, artifact-plugin-*); rename it", c.name));
        }
    }
}

/// `validateNoCycles` (v1alpha1): names visited in sorted order, a cycle as `a->b->a`.
fn cycle(graph: &FxHashMap<&str, Vec<&str>>) -> Option<String> {
    fn walk<'g>(
        n: &'g str,
        graph: &FxHashMap<&'g str, Vec<&'g str>>,
        stack: &mut Vec<&'g str>,
        visited: &mut Vec<&'g str>,
    ) -> Option<String> {
        if visited.contains(&n) {
            return None;
        }
        let deps = graph.get(n)?;
        for d in deps {
            if stack.contains(d) {
                return Some(format!("{}->{d}", stack.join("->")));
            }
            stack.push(d);
            if let Some(c) = walk(d, graph, stack, visited) {
                return Some(c);
            }
            stack.pop();
        }
        visited.push(n);
        None
    }
    let mut keys: Vec<&str> = graph.keys().copied().collect();
    keys.sort_unstable();
    let mut visited = Vec::new();
    keys.into_iter()
        .find_map(|k| walk(k, graph, &mut Vec::new(), &mut visited))
}

const RESOURCE_ACTIONS: &[&str] = &["get", "create", "apply", "delete", "replace", "patch"];

/// The resource template checks of `validateLeaf`: the action, `manifest` xor `manifestFrom`
/// (an input artifact), a manifest that is YAML once expressions are replaced
/// (`SubstituteResourceManifestExpressions`). `action` and `manifest` are substituted.
fn resource(
    ctx: &mut Ctx<'_>,
    tmpl: &Template,
    r: &ResourceTemplate,
    action: &str,
    manifest: Option<&str>,
    anchor: &Anchor,
) {
    let name = &tmpl.name;
    let at = |sub: &'static str| move |p: &JsonPath| p.key("resource").key(sub);
    if !tags::is_placeholder(action) && !RESOURCE_ACTIONS.contains(&action) {
        ctx.error(
            anchor,
            at("action"),
            Rule::InvalidValue,
            format!(
                "templates.{name}.resource.action must be one of: {}",
                RESOURCE_ACTIONS.join(", ")
            ),
        );
    }
    if matches!(action, "delete" | "get") {
        return;
    }
    match (manifest, &r.manifest_from) {
        (None, None) => ctx.error(anchor, |p| p.key("resource"), Rule::ResourceManifest, format!("either templates.{name}.resource.manifest or templates.{name}.resource.manifestFrom must be specified")),
        (Some(_), Some(_)) => ctx.error(anchor, at("manifestFrom"), Rule::ResourceManifest, "shouldn't have both `manifest` and `manifestFrom` specified in `Manifest` for resource template"),
        (None, Some(from)) => {
            let art = &from.artifact.name;
            if !tmpl.inputs.iter().flat_map(|i| &i.artifacts).any(|a| a.name == *art) {
                ctx.error(anchor, |p| at("manifestFrom")(p).key("artifact").key("name"), Rule::ResourceManifest, format!("artifact {art} in `manifestFrom` refer to a non-exist artifact; declare it in inputs.artifacts"));
            }
        }
        (Some(m), None) => {
            if !tags::is_placeholder(m) && !is_yaml(&expressions_replaced(m)) {
                ctx.error(anchor, at("manifest"), Rule::ResourceManifest, format!("templates.{name}.resource.manifest must be a valid yaml"));
            }
        }
    }
}

/// `SubstituteResourceManifestExpressions`: each `{{=...}}` becomes a placeholder.
fn expressions_replaced(m: &str) -> String {
    let mut out = String::with_capacity(m.len());
    for p in tags::pieces(m) {
        match p {
            tags::Piece::Tag(t) if t.trim_start().starts_with('=') && !t.contains('\n') => {
                // `{{\s*=\s*(.+?)\s*}}`: one placeholder per expression, whatever its spacing.
                let expr = t.trim_start().trim_start_matches('=').trim();
                out.push_str(&tags::placeholder(expr));
            }
            tags::Piece::Tag(t) => {
                out.push_str("{{");
                out.push_str(t);
                out.push_str("}}");
            }
            tags::Piece::Text(t) | tags::Piece::Unclosed(t) => out.push_str(t),
        }
    }
    out
}

/// Whether the first YAML document of `text` reads as JSON would (`yaml.Unmarshal` of
/// sigs.k8s.io/yaml): it parses, and every mapping key is a scalar.
fn is_yaml(text: &str) -> bool {
    use serde::Deserialize as _;
    fn json_keys(v: &serde_norway::Value) -> bool {
        use serde_norway::Value as V;
        match v {
            V::Mapping(m) => m.iter().all(|(k, v)| {
                matches!(k, V::String(_) | V::Number(_) | V::Bool(_)) && json_keys(v)
            }),
            V::Sequence(s) => s.iter().all(json_keys),
            V::Tagged(t) => json_keys(&t.value),
            _ => true,
        }
    }
    serde_norway::Deserializer::from_str(text)
        .next()
        .is_none_or(|doc| serde_norway::Value::deserialize(doc).is_ok_and(|v| json_keys(&v)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Upstream's `TestSubstituteResourceManifestExpressions` (`validate_test.go)`: expressions
    /// become placeholders, the same expression (whatever its spacing) the same placeholder; the
    /// result parses as YAML where the manifest with `{{=...}}` did not.
    #[test]
    fn substitute_resource_manifest_expressions() {
        let manifest = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: foo\nspec:\n  restartPolicy: Never\n  containers:\n  - name: 'foo'\n    image: docker/whalesay\n    command: [cowsay]\n    args: [\"{{ = asInt(inputs.parameters.intParam) }}\"]\n    ports:\n    - containerPort: {{=asInt(inputs.parameters.intParam)}}\n";
        let replaced = expressions_replaced(manifest);
        assert_ne!(replaced, manifest);
        let found: Vec<&str> = replaced
            .match_indices(tags::PLACEHOLDER)
            .map(|(i, _)| {
                let digits = replaced[i + tags::PLACEHOLDER.len()..]
                    .bytes()
                    .take_while(u8::is_ascii_digit)
                    .count();
                &replaced[i..i + tags::PLACEHOLDER.len() + digits]
            })
            .collect();
        assert_eq!(found.len(), 2);
        assert_eq!(found[0], found[1]);
        assert!(is_yaml(&replaced) && !is_yaml(manifest));
    }
}
