//! Reading a text input (a manifest, `argo.yml`, standard input) with a size cap, checked as
//! UTF-8 while it is read: `lint /dev/urandom` ends at its first bad byte, not when memory does.

use std::io::{self, Read};
use std::path::Path;

use crate::error::CliError;

/// The largest input read: 64 MiB (an Argo Workflow is at most 1 MiB, etcd's objects 1.5 MiB).
pub(crate) const MAX_INPUT_BYTES: usize = 64 << 20;

/// Bytes read at a time.
const CHUNK: usize = 64 << 10;

/// Reads `path` (`-` for standard input) as UTF-8 text of at most [`MAX_INPUT_BYTES`].
pub(crate) fn read_text(path: &Path) -> Result<String, CliError> {
    let fail = |source| CliError::ReadFile {
        path: path.to_path_buf(),
        source,
    };
    let result = if path == Path::new("-") {
        read_capped(&mut io::stdin().lock(), MAX_INPUT_BYTES)
    } else {
        let mut file = std::fs::File::open(path).map_err(fail)?;
        read_capped(&mut file, MAX_INPUT_BYTES)
    };
    match result {
        Ok(text) => Ok(text),
        Err(ReadError::Io(source)) => Err(fail(source)),
        Err(ReadError::TooLarge) => Err(CliError::InputTooLarge {
            path: path.to_path_buf(),
            limit: MAX_INPUT_BYTES,
        }),
        Err(ReadError::NotUtf8 { offset }) => Err(CliError::InputNotUtf8 {
            path: path.to_path_buf(),
            offset,
        }),
    }
}

/// Why [`read_capped`] stopped.
#[derive(Debug)]
enum ReadError {
    Io(io::Error),
    TooLarge,
    NotUtf8 { offset: usize },
}

/// Reads at most `limit` bytes of UTF-8, stopping at the first invalid byte.
fn read_capped(reader: &mut impl Read, limit: usize) -> Result<String, ReadError> {
    let mut buf: Vec<u8> = Vec::new();
    // Bytes known to be valid UTF-8 (a character cut by a chunk's end is checked with the next).
    let mut valid = 0;
    let mut chunk = vec![0u8; CHUNK];
    loop {
        let n = match reader.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(ReadError::Io(e)),
        };
        if buf.len() + n > limit {
            return Err(ReadError::TooLarge);
        }
        buf.extend_from_slice(&chunk[..n]);
        match std::str::from_utf8(&buf[valid..]) {
            Ok(_) => valid = buf.len(),
            Err(e) if e.error_len().is_some() => {
                return Err(ReadError::NotUtf8 {
                    offset: valid + e.valid_up_to(),
                });
            }
            Err(e) => valid += e.valid_up_to(),
        }
    }
    String::from_utf8(buf).map_err(|e| ReadError::NotUtf8 {
        offset: e.utf8_error().valid_up_to(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_text_and_characters_cut_by_chunks() {
        let text = "é".repeat(CHUNK); // two bytes each: chunk ends fall inside characters
        assert_eq!(read_capped(&mut text.as_bytes(), usize::MAX).unwrap(), text);
    }

    #[test]
    fn stops_at_the_first_invalid_byte() {
        let mut bytes = b"kind: Workflow\n".to_vec();
        bytes.push(0xff);
        bytes.extend(std::iter::repeat_n(b'a', 3 * CHUNK));
        match read_capped(&mut bytes.as_slice(), usize::MAX) {
            Err(ReadError::NotUtf8 { offset }) => assert_eq!(offset, 15),
            other => panic!("{other:?}"),
        }
        // A truncated character at the very end.
        match read_capped(&mut &b"ab\xc3"[..], usize::MAX) {
            Err(ReadError::NotUtf8 { offset }) => assert_eq!(offset, 2),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn an_endless_input_stops_at_the_cap() {
        let mut endless = io::repeat(b'a');
        assert!(matches!(
            read_capped(&mut endless, 10 * CHUNK),
            Err(ReadError::TooLarge)
        ));
    }

    #[test]
    fn random_bytes_end_quickly_with_one_error() {
        let err = read_text(Path::new("/dev/urandom")).unwrap_err();
        assert!(matches!(err, CliError::InputNotUtf8 { .. }), "{err:?}");
    }
}
