//! Mapping keys: written as the strings JSON has for them.

use serde::ser::{self, Impossible, Serialize};

use super::emit::{Emitter, Open};
use super::ser::format_float;
use crate::error::WriteYamlError;

type Result<T = (), E = WriteYamlError> = std::result::Result<T, E>;

/// Writes a mapping key as the string JSON has for it (`1` becomes `'1'`, `true` `'true'`),
/// so the YAML reads as the JSON does.
pub(super) struct KeySerializer<'a> {
    pub(super) emitter: &'a mut Emitter,
    pub(super) open: &'a mut Open,
}

macro_rules! integer_keys {
    ($($method:ident: $type:ty),*) => {$(
        fn $method(self, v: $type) -> Result {
            self.emitter.key(self.open, itoa::Buffer::new().format(v));
            Ok(())
        }
    )*};
}

impl ser::Serializer for KeySerializer<'_> {
    type Ok = ();
    type Error = WriteYamlError;
    type SerializeSeq = Impossible<(), WriteYamlError>;
    type SerializeTuple = Impossible<(), WriteYamlError>;
    type SerializeTupleStruct = Impossible<(), WriteYamlError>;
    type SerializeTupleVariant = Impossible<(), WriteYamlError>;
    type SerializeMap = Impossible<(), WriteYamlError>;
    type SerializeStruct = Impossible<(), WriteYamlError>;
    type SerializeStructVariant = Impossible<(), WriteYamlError>;

    fn serialize_str(self, v: &str) -> Result {
        self.emitter.key(self.open, v);
        Ok(())
    }

    fn serialize_bool(self, v: bool) -> Result {
        self.serialize_str(if v { "true" } else { "false" })
    }

    integer_keys!(
        serialize_i8: i8, serialize_i16: i16, serialize_i32: i32, serialize_i64: i64,
        serialize_i128: i128, serialize_u8: u8, serialize_u16: u16, serialize_u32: u32,
        serialize_u64: u64, serialize_u128: u128
    );

    fn serialize_f32(self, v: f32) -> Result {
        self.serialize_f64(f64::from(v))
    }

    fn serialize_f64(self, v: f64) -> Result {
        let mut buffer = ryu::Buffer::new();
        let short = if v.is_finite() {
            buffer.format_finite(v)
        } else {
            ""
        };
        self.serialize_str(&format_float(v, short))
    }

    fn serialize_char(self, v: char) -> Result {
        self.serialize_str(v.encode_utf8(&mut [0; 4]))
    }

    fn serialize_bytes(self, _: &[u8]) -> Result {
        Err(WriteYamlError::KeyNotScalar)
    }

    fn serialize_none(self) -> Result {
        Err(WriteYamlError::KeyNotScalar)
    }

    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result {
        Err(WriteYamlError::KeyNotScalar)
    }

    fn serialize_unit_struct(self, _: &'static str) -> Result {
        Err(WriteYamlError::KeyNotScalar)
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
        _: &'static str,
        _: &T,
    ) -> Result {
        Err(WriteYamlError::KeyNotScalar)
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq> {
        Err(WriteYamlError::KeyNotScalar)
    }

    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple> {
        Err(WriteYamlError::KeyNotScalar)
    }

    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct> {
        Err(WriteYamlError::KeyNotScalar)
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant> {
        Err(WriteYamlError::KeyNotScalar)
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap> {
        Err(WriteYamlError::KeyNotScalar)
    }

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct> {
        Err(WriteYamlError::KeyNotScalar)
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant> {
        Err(WriteYamlError::KeyNotScalar)
    }
}
