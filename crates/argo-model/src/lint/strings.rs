//! Every string of a value, with where it is: what `validate.go` scans when it marshals a
//! template, step or task to JSON and runs `resolveAllVariables` over the text.
//!
//! [`visit`] drives the value's `Serialize` implementation into a serializer that keeps only the
//! strings (values and map keys) and the path to each. Nothing is allocated per string: the path
//! is a stack of segments whose keys share one buffer, turned into a [`JsonPath`] only when the
//! caller asks ([`At::path`]).

use std::fmt::{self, Display};

use serde::ser::{self, Serialize};

use super::key_text::KeyText;
use crate::JsonPath;

/// Where a visited string is, below the visited value.
pub(crate) struct At<'a> {
    segs: &'a [Seg],
    keys: &'a str,
}

impl At<'_> {
    /// Whether the string is directly below the object key `key` of the visited value's root
    /// (`dag` for `dag.tasks`).
    pub(crate) fn is_below_root_key(&self, key: &str) -> bool {
        match self.segs {
            [Seg::Field(k)] => *k == key,
            [Seg::Key(a, b)] => &self.keys[*a..*b] == key,
            _ => false,
        }
    }

    /// The path of the string: `base` followed by the segments (a map key's own path is its map).
    pub(crate) fn path(&self, base: &JsonPath) -> JsonPath {
        let mut p = base.clone();
        for s in self.segs {
            p = match *s {
                Seg::Field(k) => p.key(k),
                Seg::Key(a, b) => p.key(&self.keys[a..b]),
                Seg::Index(i) => p.index(i),
            };
        }
        p
    }
}

/// A step of a path: a field name, a map key (a range of the key buffer) or an index.
#[derive(Clone, Copy)]
pub(crate) enum Seg {
    Field(&'static str),
    Key(usize, usize),
    Index(usize),
}

/// A walk over strings: calls its argument with each string and where it is.
pub(crate) type Walk<'w> = dyn FnMut(&mut dyn FnMut(&str, &At<'_>)) + 'w;

/// Calls `f` with each string of `value` (map keys included), in serialization order.
pub(crate) fn visit<T: Serialize + ?Sized>(value: &T, f: &mut dyn FnMut(&str, &At<'_>)) {
    visit_at(value, &[], &|_, _| false, f);
}

/// [`visit`] of `value` found at `prefix` (fields and indexes below the caller's base; no map
/// keys), skipping the values of the object keys for which `skip(path, key)` holds.
pub(crate) fn visit_at<T: Serialize + ?Sized>(
    value: &T,
    prefix: &[Seg],
    skip: &dyn Fn(&At<'_>, &str) -> bool,
    f: &mut dyn FnMut(&str, &At<'_>),
) {
    let mut v = Visitor {
        segs: prefix.to_vec(),
        keys: String::new(),
        skip,
        f,
    };
    // The visitor never fails; a value whose `Serialize` fails is visited up to the failure.
    let _ = value.serialize(&mut v);
}

/// Calls `f` with one string at `path` (fields and indexes, no map keys).
pub(crate) fn visit_str(s: &str, path: &[Seg], f: &mut dyn FnMut(&str, &At<'_>)) {
    f(
        s,
        &At {
            segs: path,
            keys: "",
        },
    );
}

struct Visitor<'f> {
    segs: Vec<Seg>,
    keys: String,
    skip: &'f dyn Fn(&At<'_>, &str) -> bool,
    f: &'f mut dyn FnMut(&str, &At<'_>),
}

impl Visitor<'_> {
    fn string(&mut self, s: &str) {
        let at = At {
            segs: &self.segs,
            keys: &self.keys,
        };
        (self.f)(s, &at);
    }

    fn within<T: Serialize + ?Sized>(&mut self, seg: Seg, value: &T) -> Result<(), Never> {
        let mark = self.keys.len();
        self.segs.push(seg);
        let r = value.serialize(&mut *self);
        self.segs.pop();
        self.keys.truncate(mark);
        r
    }
}

/// The visitor's error type: it never fails, but serde needs one.
#[derive(Debug)]
pub(crate) struct Never;

impl Display for Never {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("never")
    }
}

impl std::error::Error for Never {}

impl ser::Error for Never {
    fn custom<T: Display>(_msg: T) -> Self {
        Self
    }
}

/// The sequence, tuple, map and struct states of the visitor: the next index, and the range of
/// the current map key in the key buffer.
pub(crate) struct Compound<'v, 'f> {
    v: &'v mut Visitor<'f>,
    next: usize,
    key: Option<(usize, usize)>,
}

macro_rules! ignore {
    ($($name:ident: $ty:ty),* $(,)?) => {
        $(fn $name(self, _v: $ty) -> Result<(), Never> { Ok(()) })*
    };
}

impl<'v, 'f> ser::Serializer for &'v mut Visitor<'f> {
    type Ok = ();
    type Error = Never;
    type SerializeSeq = Compound<'v, 'f>;
    type SerializeTuple = Compound<'v, 'f>;
    type SerializeTupleStruct = Compound<'v, 'f>;
    type SerializeTupleVariant = Compound<'v, 'f>;
    type SerializeMap = Compound<'v, 'f>;
    type SerializeStruct = Compound<'v, 'f>;
    type SerializeStructVariant = Compound<'v, 'f>;

    ignore!(
        serialize_bool: bool, serialize_i8: i8, serialize_i16: i16, serialize_i32: i32,
        serialize_i64: i64, serialize_u8: u8, serialize_u16: u16, serialize_u32: u32,
        serialize_u64: u64, serialize_f32: f32, serialize_f64: f64, serialize_bytes: &[u8],
    );

    fn serialize_char(self, v: char) -> Result<(), Never> {
        self.string(v.encode_utf8(&mut [0; 4]));
        Ok(())
    }

    fn serialize_str(self, v: &str) -> Result<(), Never> {
        self.string(v);
        Ok(())
    }

    fn serialize_none(self) -> Result<(), Never> {
        Ok(())
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Never> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<(), Never> {
        Ok(())
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), Never> {
        Ok(())
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), Never> {
        self.string(variant);
        Ok(())
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), Never> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Never> {
        self.within(Seg::Field(variant), value)
    }

    fn serialize_seq(self, _len: Option<usize>) -> Result<Compound<'v, 'f>, Never> {
        Ok(Compound {
            v: self,
            next: 0,
            key: None,
        })
    }

    fn serialize_tuple(self, len: usize) -> Result<Compound<'v, 'f>, Never> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        len: usize,
    ) -> Result<Compound<'v, 'f>, Never> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        len: usize,
    ) -> Result<Compound<'v, 'f>, Never> {
        self.serialize_seq(Some(len))
    }

    fn serialize_map(self, len: Option<usize>) -> Result<Compound<'v, 'f>, Never> {
        self.serialize_seq(len)
    }

    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<Compound<'v, 'f>, Never> {
        self.serialize_seq(Some(len))
    }

    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        len: usize,
    ) -> Result<Compound<'v, 'f>, Never> {
        self.serialize_seq(Some(len))
    }
}

impl Compound<'_, '_> {
    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Never> {
        let i = self.next;
        self.next += 1;
        self.v.within(Seg::Index(i), value)
    }
}

crate::serde_forward::seq_traits!(Compound<'_, '_>, Never);

impl ser::SerializeMap for Compound<'_, '_> {
    type Ok = ();
    type Error = Never;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Never> {
        let start = self.v.keys.len();
        // Keys are strings in every Argo type; they are visited too (JSON text holds them).
        let _ = key.serialize(KeyText(&mut self.v.keys));
        let end = self.v.keys.len();
        self.key = Some((start, end));
        let at = At {
            segs: &self.v.segs,
            keys: &self.v.keys,
        };
        (self.v.f)(&self.v.keys[start..end], &at);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Never> {
        let (a, b) = self.key.take().unwrap_or((0, 0));
        let at = At {
            segs: &self.v.segs,
            keys: &self.v.keys,
        };
        if (self.v.skip)(&at, &self.v.keys[a..b]) {
            self.v.keys.truncate(a);
            return Ok(());
        }
        let r = self.v.within(Seg::Key(a, b), value);
        // `within` truncated the buffer to `b`: drop this key too.
        self.v.keys.truncate(a);
        r
    }
    fn end(self) -> Result<(), Never> {
        Ok(())
    }
}

impl ser::SerializeStruct for Compound<'_, '_> {
    type Ok = ();
    type Error = Never;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Never> {
        self.v.string(key);
        let at = At {
            segs: &self.v.segs,
            keys: &self.v.keys,
        };
        if (self.v.skip)(&at, key) {
            return Ok(());
        }
        self.v.within(Seg::Field(key), value)
    }
    fn end(self) -> Result<(), Never> {
        Ok(())
    }
}

impl ser::SerializeStructVariant for Compound<'_, '_> {
    type Ok = ();
    type Error = Never;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Never> {
        self.v.string(key);
        self.v.within(Seg::Field(key), value)
    }
    fn end(self) -> Result<(), Never> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn strings_with_their_paths() {
        let v = json!({"a": ["x", {"b.c": "y", "n": 1}], "k": "z"});
        let base = JsonPath::root().key("spec");
        let mut seen = Vec::new();
        visit(&v, &mut |s, at| {
            seen.push((s.to_owned(), at.path(&base).to_string()));
        });
        assert_eq!(
            seen,
            vec![
                ("a".into(), "spec".into()),
                ("x".into(), "spec.a[0]".into()),
                ("b.c".into(), "spec.a[1]".into()),
                ("y".into(), r#"spec.a[1]["b.c"]"#.into()),
                ("n".into(), "spec.a[1]".into()),
                ("k".into(), "spec".into()),
                ("z".into(), "spec.k".into()),
            ]
        );
    }

    #[test]
    fn typed_structs_and_flattened_extras() {
        let t: crate::DagTask = serde_json::from_value(json!({
            "name": "a", "template": "t", "x-extra": "{{e}}",
            "arguments": {"parameters": [{"name": "p", "value": "{{v}}"}]}
        }))
        .unwrap_or_default();
        let mut seen = Vec::new();
        visit(&t, &mut |s, at| {
            if s.contains("{{") {
                seen.push((s.to_owned(), at.path(&JsonPath::root()).to_string()));
            }
        });
        assert_eq!(
            seen,
            vec![
                ("{{v}}".into(), "arguments.parameters[0].value".into()),
                ("{{e}}".into(), "x-extra".into()),
            ]
        );
    }
}
