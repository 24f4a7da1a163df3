//! User data placed into a manifest stays data: Kubernetes expands `$(VAR)` in a container's
//! `command`, `args` and `env` values from the container's environment (which holds secrets), and
//! Argo expands `{{...}}` (and `{{=expression}}`) anywhere in a template.
//!
//! - text that reaches `command`/`args`/`env` is escaped for Kubernetes ([`escape_k8s`]);
//! - `{{` has no escape in Argo: user text holding it is refused ([`has_expression`]);
//! - names that reach custom templates' shell scripts (`{{inputs.parameters.pipeline}}`,
//!   `{{inputs.parameters.environment}}`) must be plain names ([`is_plain_name`]);
//! - the comma-separated memory-dataset list must read back as the names written
//!   ([`memory_dataset_problem`]).

use std::borrow::Cow;

/// `text` escaped so that Kubernetes' `$(VAR)` expansion gives it back unchanged: every `$`
/// that the expansion would consume (followed by `$` or `(`) is doubled. Ported against
/// Kubernetes' `third_party/forked/golang/expansion.Expand`, where `$$` reads as `$`.
///
/// ```
/// use argo_fuse::lower::escape_k8s;
/// assert_eq!(escape_k8s("key=$(AWS_SECRET_ACCESS_KEY)"), "key=$$(AWS_SECRET_ACCESS_KEY)");
/// assert_eq!(escape_k8s("cost=$5"), "cost=$5");
/// assert_eq!(escape_k8s("$$(X)"), "$$$$(X)");
/// ```
pub fn escape_k8s(text: &str) -> Cow<'_, str> {
    if !text.contains('$') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(c);
        if c == '$' && matches!(chars.peek(), Some('$' | '(')) {
            out.push('$');
        }
    }
    Cow::Owned(out)
}

/// Whether `text` holds an Argo template tag opener (`{{`), which Argo would expand.
pub(crate) fn has_expression(text: &str) -> bool {
    text.contains("{{")
}

/// Whether `name` is a plain name: ASCII letters, digits, `_`, `-` and `.`, as node names are.
pub(crate) fn is_plain_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
}

/// Why a dataset name cannot go into the comma-separated `ARGO_KEDRO_MEMORY_DATASETS` list (an
/// env value: split on commas and stripped by the hook, expanded by Kubernetes and Argo), if so.
pub(crate) fn memory_dataset_problem(name: &str) -> Option<&'static str> {
    if name.contains(',') {
        Some("it contains a comma, the list's separator")
    } else if name.trim() != name {
        Some("it starts or ends with whitespace, which the list's reader strips")
    } else if name.contains('$') {
        Some("it contains `$`, which Kubernetes expands in an environment value")
    } else if has_expression(name) {
        Some("it contains `{{`, which Argo expands")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Kubernetes' `expansion.Expand` (`third_party/forked/golang/expansion/expand.go`) with a
    /// mapping that knows every name: what the kubelet does to `command`, `args` and env values.
    fn kubernetes_expand(input: &str, mapping: impl Fn(&str) -> String) -> String {
        let bytes = input.as_bytes();
        let mut buf = String::new();
        let mut checkpoint = 0;
        let mut cursor = 0;
        while cursor < bytes.len() {
            if bytes[cursor] == b'$' && cursor + 1 < bytes.len() {
                buf.push_str(&input[checkpoint..cursor]);
                let rest = &input[cursor + 1..];
                let (read, is_var, advance) = match rest.as_bytes()[0] {
                    b'$' => ("$".to_owned(), false, 1),
                    b'(' => match rest[1..].find(')') {
                        Some(end) => (rest[1..=end].to_owned(), true, end + 2),
                        None => ("$(".to_owned(), false, 1),
                    },
                    _ => {
                        let c = rest.chars().next().unwrap_or_default();
                        (format!("${c}"), false, c.len_utf8())
                    }
                };
                if is_var {
                    buf.push_str(&mapping(&read));
                } else {
                    buf.push_str(&read);
                }
                cursor += advance;
                checkpoint = cursor + 1;
            }
            cursor += 1;
        }
        buf.push_str(&input[checkpoint.min(input.len())..]);
        buf
    }

    #[test]
    fn the_oracle_expands_as_kubernetes() {
        // Cases of expand_test.go's TestMapReference / TestMapping.
        let env = |name: &str| match name {
            "VAR_A" => "A".to_owned(),
            "VAR_B" => "B".to_owned(),
            other => format!("$({other})"),
        };
        for (input, want) in [
            ("$(VAR_A)", "A"),
            ("___$(VAR_B)___", "___B___"),
            ("$(VAR_A)-$(VAR_B)", "A-B"),
            ("$$(VAR_B)_$(VAR_A)", "$(VAR_B)_A"),
            ("$$$$$$(VAR_A)", "$$$(VAR_A)"),
            ("$(VAR_A", "$(VAR_A"),
            ("$VAR_A", "$VAR_A"),
            ("$", "$"),
            ("$(UNKNOWN)", "$(UNKNOWN)"),
        ] {
            assert_eq!(kubernetes_expand(input, env), want, "{input}");
        }
    }

    proptest! {
        /// Whatever the text, Kubernetes gives back exactly what was escaped, even with every
        /// variable name defined.
        #[test]
        fn escaped_text_survives_kubernetes_expansion(text in "[a-z$()=, é]{0,40}") {
            let escaped = escape_k8s(&text);
            prop_assert_eq!(kubernetes_expand(&escaped, |_| "SECRET".to_owned()), text);
        }
    }

    #[test]
    fn names_and_memory_datasets() {
        assert!(is_plain_name("__default__"));
        assert!(is_plain_name("data_science.v2-b"));
        for bad in ["", "x; rm -rf /", "$(X)", "{{x}}", "a b", "é"] {
            assert!(!is_plain_name(bad), "{bad}");
        }
        assert_eq!(memory_dataset_problem("ns.model_input@pandas"), None);
        for bad in ["a,b", " a", "$(X)", "{{x}}"] {
            assert!(memory_dataset_problem(bad).is_some(), "{bad}");
        }
    }
}
