//! The `serde::Serializer` that drives the [`Emitter`].

use serde::ser::{self, Serialize};

use super::emit::{Emitter, Open};
use super::key::KeySerializer;
use crate::error::WriteYamlError;

type Result<T = (), E = WriteYamlError> = std::result::Result<T, E>;

/// Writes one YAML document.
pub(super) struct Serializer {
    pub(super) emitter: Emitter,
}

/// A sequence being written; `variant` is the `{Variant: ...}` mapping around a tuple variant.
pub(super) struct Seq<'a> {
    ser: &'a mut Serializer,
    open: Open,
    variant: Option<Open>,
}

/// A mapping or struct being written; `variant` as for [`Seq`].
pub(super) struct Map<'a> {
    ser: &'a mut Serializer,
    open: Open,
    variant: Option<Open>,
}

impl Serializer {
    /// Opens the mapping `{variant: ...}` of an externally tagged enum variant (as `serde_json`
    /// writes it).
    fn open_variant(&mut self, variant: &str) -> Open {
        let mut open = self.emitter.open();
        self.emitter.key(&mut open, variant);
        self.emitter.value(open);
        open
    }

    /// Writes a float in ryu's shortest form for its own type (`v`; `wide` is the same value).
    fn float(&mut self, v: impl ryu::Float, wide: f64) {
        let mut buffer = ryu::Buffer::new();
        let short = if wide.is_finite() {
            buffer.format_finite(v)
        } else {
            ""
        };
        self.emitter.plain(&format_float(wide, short));
    }

    fn seq(&mut self, variant: Option<Open>) -> Seq<'_> {
        let open = self.emitter.open();
        Seq {
            ser: self,
            open,
            variant,
        }
    }

    fn map(&mut self, variant: Option<Open>) -> Map<'_> {
        let open = self.emitter.open();
        Map {
            ser: self,
            open,
            variant,
        }
    }
}

/// A float as YAML 1.1 and 1.2 both read it: `1e16` (ryu's form) becomes `1.0e+16`, since
/// YAML 1.1 floats need a point and a signed exponent.
pub(super) fn format_float(value: f64, short: &str) -> std::borrow::Cow<'_, str> {
    if value.is_nan() {
        return ".nan".into();
    }
    if value.is_infinite() {
        return if value > 0.0 { ".inf" } else { "-.inf" }.into();
    }
    let Some(e) = short.find('e') else {
        return short.into();
    };
    let (mantissa, exponent) = (&short[..e], &short[e + 1..]);
    let point = if mantissa.contains('.') { "" } else { ".0" };
    let sign = if exponent.starts_with('-') { "" } else { "+" };
    format!("{mantissa}{point}e{sign}{exponent}").into()
}

macro_rules! integers {
    ($($method:ident: $type:ty),*) => {$(
        fn $method(self, v: $type) -> Result {
            self.emitter.plain(itoa::Buffer::new().format(v));
            Ok(())
        }
    )*};
}

impl<'a> ser::Serializer for &'a mut Serializer {
    type Ok = ();
    type Error = WriteYamlError;
    type SerializeSeq = Seq<'a>;
    type SerializeTuple = Seq<'a>;
    type SerializeTupleStruct = Seq<'a>;
    type SerializeTupleVariant = Seq<'a>;
    type SerializeMap = Map<'a>;
    type SerializeStruct = Map<'a>;
    type SerializeStructVariant = Map<'a>;

    fn serialize_bool(self, v: bool) -> Result {
        self.emitter.plain(if v { "true" } else { "false" });
        Ok(())
    }

    integers!(
        serialize_i8: i8, serialize_i16: i16, serialize_i32: i32, serialize_i64: i64,
        serialize_i128: i128, serialize_u8: u8, serialize_u16: u16, serialize_u32: u32,
        serialize_u64: u64, serialize_u128: u128
    );

    fn serialize_f32(self, v: f32) -> Result {
        self.float(v, f64::from(v));
        Ok(())
    }

    fn serialize_f64(self, v: f64) -> Result {
        self.float(v, v);
        Ok(())
    }

    fn serialize_char(self, v: char) -> Result {
        self.emitter.char(v);
        Ok(())
    }

    fn serialize_str(self, v: &str) -> Result {
        self.emitter.string(v);
        Ok(())
    }

    fn serialize_bytes(self, _: &[u8]) -> Result {
        Err(WriteYamlError::Bytes)
    }

    fn serialize_none(self) -> Result {
        self.serialize_unit()
    }

    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result {
        self.emitter.plain("null");
        Ok(())
    }

    fn serialize_unit_struct(self, _: &'static str) -> Result {
        self.serialize_unit()
    }

    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result {
        self.serialize_str(variant)
    }

    fn serialize_newtype_struct<T: ?Sized + Serialize>(self, _: &'static str, value: &T) -> Result {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result {
        let open = self.open_variant(variant);
        value.serialize(&mut *self)?;
        self.emitter.close_mapping(open);
        Ok(())
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Seq<'a>> {
        Ok(self.seq(None))
    }

    fn serialize_tuple(self, _: usize) -> Result<Seq<'a>> {
        Ok(self.seq(None))
    }

    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Seq<'a>> {
        Ok(self.seq(None))
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Seq<'a>> {
        let open = self.open_variant(variant);
        Ok(self.seq(Some(open)))
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Map<'a>> {
        Ok(self.map(None))
    }

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Map<'a>> {
        Ok(self.map(None))
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Map<'a>> {
        let open = self.open_variant(variant);
        Ok(self.map(Some(open)))
    }
}

impl Seq<'_> {
    fn element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result {
        self.ser.emitter.item(&mut self.open);
        value.serialize(&mut *self.ser)
    }

    fn finish(self) {
        self.ser.emitter.close_sequence(self.open);
        if let Some(variant) = self.variant {
            self.ser.emitter.close_mapping(variant);
        }
    }
}

crate::serde_forward::seq_traits!(Seq<'_>, WriteYamlError, finish);

impl Map<'_> {
    fn field<T: ?Sized + Serialize>(&mut self, key: &str, value: &T) -> Result {
        self.ser.emitter.key(&mut self.open, key);
        self.ser.emitter.value(self.open);
        value.serialize(&mut *self.ser)
    }

    fn finish(self) {
        self.ser.emitter.close_mapping(self.open);
        if let Some(variant) = self.variant {
            self.ser.emitter.close_mapping(variant);
        }
    }
}

impl ser::SerializeMap for Map<'_> {
    type Ok = ();
    type Error = WriteYamlError;

    fn serialize_key<T: ?Sized + Serialize>(&mut self, key: &T) -> Result {
        key.serialize(KeySerializer {
            emitter: &mut self.ser.emitter,
            open: &mut self.open,
        })
    }

    fn serialize_value<T: ?Sized + Serialize>(&mut self, value: &T) -> Result {
        self.ser.emitter.value(self.open);
        value.serialize(&mut *self.ser)
    }

    fn end(self) -> Result {
        self.finish();
        Ok(())
    }
}

crate::serde_forward::struct_traits!(Map<'_>, WriteYamlError);
