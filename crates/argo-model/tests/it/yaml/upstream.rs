//! Every upstream example written by `argo_model::yaml` and by `serde_norway` (what this project
//! used before): the same text, except quotes that a YAML 1.1 or 1.2 reader needs.

use std::collections::BTreeSet;

use argo_model::yaml::{is_ambiguous, to_string};
use argo_model::yaml_values;
use saphyr_parser::ScalarStyle;

use super::readers::{Node, Rules, events, load};

#[test]
fn examples_differ_from_serde_norway_only_by_the_quotes_readers_need() {
    let dir = crate::examples::dir();
    let mut documents = 0;
    let mut requoted = BTreeSet::new();
    for (name, text) in &crate::examples::files(&dir) {
        let Ok(values) = yaml_values(text) else {
            continue;
        };
        for (i, value) in values.iter().enumerate() {
            documents += 1;
            let ours = to_string(value).unwrap();
            assert_eq!(
                load(&ours, Rules::Yaml11),
                *value,
                "{name}#{i} under YAML 1.1"
            );
            assert_eq!(
                load(&ours, Rules::Yaml12),
                *value,
                "{name}#{i} under YAML 1.2"
            );
            let theirs = serde_norway::to_string(value).unwrap();
            if ours == theirs {
                continue;
            }
            assert_eq!(ours.lines().count(), theirs.lines().count(), "{name}#{i}");
            let (a, b) = (events(&ours), events(&theirs));
            assert_eq!(a.len(), b.len(), "{name}#{i}");
            for (x, y) in a.iter().zip(&b) {
                match (x, y) {
                    (
                        Node::Scalar { value, style },
                        Node::Scalar {
                            value: before,
                            style: style_before,
                        },
                    ) => {
                        assert_eq!(value, before, "{name}#{i}");
                        if style != style_before {
                            assert_eq!(*style_before, ScalarStyle::Plain, "{name}#{i} {value:?}");
                            assert!(is_ambiguous(value), "{name}#{i} {value:?}");
                            requoted.insert(value.clone());
                        }
                    }
                    _ => assert_eq!(x, y, "{name}#{i}"),
                }
            }
        }
    }
    assert!(documents > 200, "{documents} documents");
    insta::assert_debug_snapshot!(requoted, @r#"
    {
        "2026-04-29T00:00:00Z",
        "NO",
        "YES",
        "off",
    }
    "#);
}
