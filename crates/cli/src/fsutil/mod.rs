//! Files the binary writes and reads: outputs that never clobber what is there (nor leave a
//! half-written or temporary file behind), inputs read with a size cap and checked as UTF-8.

mod cleanup;
mod read;
mod write;

pub(crate) use read::read_text;
pub(crate) use write::write_output;
