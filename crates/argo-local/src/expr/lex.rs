//! Tokens of the expression subset (see [`super`]).

use super::ExprError;

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Tok {
    /// A variable path (`lastRetry.exitCode`, `inputs.parameters.x`) or a function name.
    Ident(String),
    Int(i64),
    Float(f64),
    Str(String),
    /// An operator or punctuation: `==`, `&&`, `(`, ...; word operators (`and`, `matches`, ...)
    /// come as `Ident` and are recognised by the parser.
    Op(&'static str),
}

const OPS: &[&str] = &[
    "==", "!=", "<=", ">=", "&&", "||", "??", "<", ">", "!", "+", "-", "*", "/", "%", "(", ")",
    "[", "]", ",", "?", ":",
];

/// Splits `text` into tokens.
pub(super) fn lex(text: &str) -> Result<Vec<Tok>, ExprError> {
    let mut toks = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < text.len() {
        let c = text[i..].chars().next().unwrap_or(' ');
        if c.is_whitespace() {
            i += c.len_utf8();
        } else if c.is_ascii_digit() {
            let start = i;
            while i < text.len()
                && (bytes[i].is_ascii_digit() || bytes[i] == b'.' || bytes[i] == b'_')
            {
                i += 1;
            }
            let digits = text[start..i].replace('_', "");
            toks.push(if digits.contains('.') {
                Tok::Float(
                    digits
                        .parse()
                        .map_err(|_| syntax(&format!("bad number `{digits}`")))?,
                )
            } else {
                Tok::Int(
                    digits
                        .parse()
                        .map_err(|_| syntax(&format!("bad number `{digits}`")))?,
                )
            });
        } else if c == '\'' || c == '"' {
            let (s, len) = string(&text[i..], c)?;
            toks.push(Tok::Str(s));
            i += len;
        } else if c.is_ascii_alphabetic() || c == '_' || c == '$' {
            let start = i;
            while i < text.len() {
                let d = bytes[i];
                let dotted = d == b'.'
                    && bytes
                        .get(i + 1)
                        .is_some_and(|n| n.is_ascii_alphabetic() || *n == b'_');
                if d.is_ascii_alphanumeric() || d == b'_' || d == b'$' || dotted {
                    i += 1;
                } else {
                    break;
                }
            }
            toks.push(Tok::Ident(text[start..i].to_owned()));
        } else if let Some(op) = OPS.iter().find(|op| text[i..].starts_with(**op)) {
            toks.push(Tok::Op(op));
            i += op.len();
        } else {
            return Err(syntax(&format!("unexpected `{c}`")));
        }
    }
    Ok(toks)
}

/// A quoted string at the start of `text`: its value and its length in `text`.
fn string(text: &str, quote: char) -> Result<(String, usize), ExprError> {
    let mut out = String::new();
    let mut chars = text.char_indices().skip(1);
    while let Some((i, c)) = chars.next() {
        match c {
            c if c == quote => return Ok((out, i + 1)),
            '\\' => match chars.next().map(|(_, e)| e) {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('r') => out.push('\r'),
                Some(e) => out.push(e),
                None => break,
            },
            c => out.push(c),
        }
    }
    Err(syntax("unterminated string"))
}

fn syntax(what: &str) -> ExprError {
    ExprError::Syntax(what.to_owned())
}
