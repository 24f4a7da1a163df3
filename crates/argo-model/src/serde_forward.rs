//! Serde's compound traits that differ only in name, implemented once for a serializer's state.

/// Implements `SerializeSeq`, `SerializeTuple`, `SerializeTupleStruct` and
/// `SerializeTupleVariant` for `$state` (`Ok = ()`, `Error = $error`): each element goes to the
/// state's `element(&mut self, &T) -> Result<(), $error>`, and `end` calls `$finish(self)` when
/// one is named.
macro_rules! seq_traits {
    ($state:ty, $error:ty $(, $finish:ident)?) => {
        $crate::serde_forward::seq_traits!(@impl $state, $error, SerializeSeq, serialize_element $(, $finish)?);
        $crate::serde_forward::seq_traits!(@impl $state, $error, SerializeTuple, serialize_element $(, $finish)?);
        $crate::serde_forward::seq_traits!(@impl $state, $error, SerializeTupleStruct, serialize_field $(, $finish)?);
        $crate::serde_forward::seq_traits!(@impl $state, $error, SerializeTupleVariant, serialize_field $(, $finish)?);
    };
    (@impl $state:ty, $error:ty, $trait:ident, $method:ident $(, $finish:ident)?) => {
        impl serde::ser::$trait for $state {
            type Ok = ();
            type Error = $error;

            fn $method<T: ?Sized + serde::Serialize>(&mut self, value: &T) -> Result<(), $error> {
                self.element(value)
            }

            fn end(self) -> Result<(), $error> {
                $(self.$finish();)?
                Ok(())
            }
        }
    };
}

/// Implements `SerializeStruct` and `SerializeStructVariant` for `$state` (`Ok = ()`,
/// `Error = $error`): each field goes to the state's
/// `field(&mut self, &'static str, &T) -> Result<(), $error>`, and `end` calls its
/// `finish(self)`.
macro_rules! struct_traits {
    ($state:ty, $error:ty) => {
        $crate::serde_forward::struct_traits!(@impl $state, $error, SerializeStruct);
        $crate::serde_forward::struct_traits!(@impl $state, $error, SerializeStructVariant);
    };
    (@impl $state:ty, $error:ty, $trait:ident) => {
        impl serde::ser::$trait for $state {
            type Ok = ();
            type Error = $error;

            fn serialize_field<T: ?Sized + serde::Serialize>(
                &mut self,
                key: &'static str,
                value: &T,
            ) -> Result<(), $error> {
                self.field(key, value)
            }

            fn end(self) -> Result<(), $error> {
                self.finish();
                Ok(())
            }
        }
    };
}

pub(crate) use {seq_traits, struct_traits};
