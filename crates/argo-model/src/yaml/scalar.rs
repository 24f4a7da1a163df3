//! How one string is written: plain, single-quoted, double-quoted or as a literal block.
//!
//! The choice and the writers are libyaml's emitter (`yaml_emitter_analyze_scalar`,
//! `yaml_emitter_select_scalar_style`, `yaml_emitter_write_*_scalar`, as `serde_norway` runs it:
//! unicode output, no line folding), so the text is the one `serde_norway` wrote, except that:
//! - a string some reader resolves to another type ([`super::is_ambiguous`]) is quoted;
//! - U+2028 and U+2029, line breaks to YAML 1.1 but not to YAML 1.2, are always escaped;
//! - a string with a line break is never single-quoted (libyaml folds it there).

use super::resolve::is_ambiguous;

/// The style asked for, before the string's content is looked at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Requested {
    /// Plain when the content allows it.
    Any,
    /// Quoted (the string reads as another type when plain).
    SingleQuoted,
    /// A literal block (the string has a line feed).
    Literal,
}

impl Requested {
    /// `serde_norway`'s choice for a string, with every YAML reader's implicit types quoted.
    pub(super) fn for_str(text: &str, analysis: Analysis) -> Self {
        if analysis.line_feed {
            Self::Literal
        } else if is_ambiguous(text) {
            Self::SingleQuoted
        } else {
            Self::Any
        }
    }
}

/// The style written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
}

/// What the content of a string allows (`yaml_emitter_analyze_scalar`, block context only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(
    clippy::struct_excessive_bools,
    reason = "libyaml's flags, one for each style"
)]
pub(super) struct Analysis {
    /// The string has a line break.
    pub(super) multiline: bool,
    /// The string has a line feed (`serde_norway` asks for a literal block).
    line_feed: bool,
    plain_allowed: bool,
    single_quoted_allowed: bool,
    block_allowed: bool,
}

/// `yaml_emitter_analyze_scalar` for block context, plus U+2028/U+2029 as special characters.
pub(super) fn analyze(text: &str) -> Analysis {
    if text.is_empty() {
        return Analysis {
            multiline: false,
            line_feed: false,
            plain_allowed: true,
            single_quoted_allowed: true,
            block_allowed: false,
        };
    }
    analyze_printable_ascii(text.as_bytes()).unwrap_or_else(|| analyze_chars(text))
}

/// The analysis of a string of printable ASCII characters (most of a manifest), in one pass
/// over its bytes; `None` for any other string.
fn analyze_printable_ascii(bytes: &[u8]) -> Option<Analysis> {
    let (&first, rest) = bytes.split_first()?;
    // The common case: a name, a path, an image: no space, no `:` or `#` after the first byte.
    if first.is_ascii_graphic()
        && rest
            .iter()
            .all(|&b| b.is_ascii_graphic() && b != b':' && b != b'#')
    {
        let indicators = starts_with_document_marker(bytes)
            || is_first_indicator(char::from(first), rest.is_empty());
        return Some(Analysis {
            multiline: false,
            line_feed: false,
            plain_allowed: !indicators,
            single_quoted_allowed: true,
            block_allowed: true,
        });
    }
    let mut indicators = starts_with_document_marker(bytes);
    let mut previous = b' ';
    for (i, &b) in bytes.iter().enumerate() {
        if !(b' '..=b'~').contains(&b) {
            return None;
        }
        let followed_by_whitespace = bytes.get(i + 1).is_none_or(|&next| next == b' ');
        indicators |= if i == 0 {
            is_first_indicator(char::from(b), followed_by_whitespace)
        } else {
            (b == b':' && followed_by_whitespace) || (b == b'#' && previous == b' ')
        };
        previous = b;
    }
    let edge_space = bytes.first() == Some(&b' ') || previous == b' ';
    Some(Analysis {
        multiline: false,
        line_feed: false,
        plain_allowed: !(edge_space || indicators),
        single_quoted_allowed: true,
        block_allowed: previous != b' ',
    })
}

/// `yaml_emitter_analyze_scalar` over the characters of a non-empty string.
fn analyze_chars(text: &str) -> Analysis {
    let mut indicators = starts_with_document_marker(text.as_bytes());
    let mut line_breaks = false;
    let mut special = false;
    let (mut leading_space, mut leading_break) = (false, false);
    let (mut trailing_space, mut trailing_break) = (false, false);
    let (mut break_space, mut space_break) = (false, false);
    let (mut previous_space, mut previous_break) = (false, false);
    let mut preceded_by_whitespace = true;
    let mut chars = text.chars().peekable();
    let mut first = true;
    while let Some(c) = chars.next() {
        let next = chars.peek().copied();
        let followed_by_whitespace = next.is_none_or(is_blankz);
        indicators |= if first {
            is_first_indicator(c, followed_by_whitespace)
        } else {
            (c == ':' && followed_by_whitespace) || (c == '#' && preceded_by_whitespace)
        };
        if !is_printable(c) || matches!(c, '\u{2028}' | '\u{2029}') {
            special = true;
        }
        let last = next.is_none();
        if c == ' ' {
            leading_space |= first;
            trailing_space |= last;
            break_space |= previous_break;
            previous_space = true;
            previous_break = false;
        } else if is_break(c) {
            line_breaks = true;
            leading_break |= first;
            trailing_break |= last;
            space_break |= previous_space;
            previous_space = false;
            previous_break = true;
        } else {
            previous_space = false;
            previous_break = false;
        }
        preceded_by_whitespace = is_blankz(c);
        first = false;
    }
    let edges = leading_space || leading_break || trailing_space || trailing_break;
    Analysis {
        multiline: line_breaks,
        line_feed: line_breaks && text.contains('\n'),
        plain_allowed: !(edges
            || break_space
            || space_break
            || special
            || line_breaks
            || indicators),
        single_quoted_allowed: !(break_space || space_break || special || line_breaks),
        block_allowed: !(trailing_space || space_break || special),
    }
}

/// `---` or `...` at the start: a document marker when plain.
fn starts_with_document_marker(bytes: &[u8]) -> bool {
    bytes.starts_with(b"---") || bytes.starts_with(b"...")
}

/// Whether the first character `c` makes a plain scalar impossible in block context.
fn is_first_indicator(c: char, followed_by_whitespace: bool) -> bool {
    match c {
        '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"' | '%'
        | '@' | '`' => true,
        '?' | ':' | '-' => followed_by_whitespace,
        _ => false,
    }
}

/// `yaml_emitter_select_scalar_style` in block context.
pub(super) fn select(
    text: &str,
    requested: Requested,
    analysis: Analysis,
    simple_key: bool,
) -> Style {
    let mut style = match requested {
        Requested::Any => Style::Plain,
        Requested::SingleQuoted => Style::SingleQuoted,
        Requested::Literal => Style::Literal,
    };
    if simple_key && analysis.multiline {
        style = Style::DoubleQuoted;
    }
    if style == Style::Plain && (!analysis.plain_allowed || (text.is_empty() && simple_key)) {
        style = Style::SingleQuoted;
    }
    if style == Style::SingleQuoted && !analysis.single_quoted_allowed {
        style = Style::DoubleQuoted;
    }
    if style == Style::Literal && (!analysis.block_allowed || simple_key) {
        style = Style::DoubleQuoted;
    }
    style
}

/// `yaml_emitter_write_single_quoted_scalar` without line breaks: quotes doubled.
pub(super) fn write_single_quoted(out: &mut String, text: &str) {
    out.push('\'');
    let mut rest = text;
    while let Some(i) = rest.find('\'') {
        out.push_str(&rest[..=i]);
        out.push('\'');
        rest = &rest[i + 1..];
    }
    out.push_str(rest);
    out.push('\'');
}

/// `yaml_emitter_write_double_quoted_scalar` without line folding.
pub(super) fn write_double_quoted(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        if is_printable(c) && !is_break(c) && c != '"' && c != '\\' {
            out.push(c);
            continue;
        }
        out.push('\\');
        let short = match c {
            '\0' => '0',
            '\u{7}' => 'a',
            '\u{8}' => 'b',
            '\t' => 't',
            '\n' => 'n',
            '\u{b}' => 'v',
            '\u{c}' => 'f',
            '\r' => 'r',
            '\u{1b}' => 'e',
            '"' => '"',
            '\\' => '\\',
            '\u{85}' => 'N',
            '\u{a0}' => '_',
            '\u{2028}' => 'L',
            '\u{2029}' => 'P',
            _ => {
                let code = u32::from(c);
                let (letter, width) = match code {
                    0..=0xFF => ('x', 2),
                    0x100..=0xFFFF => ('u', 4),
                    _ => ('U', 8),
                };
                out.push(letter);
                for shift in (0..width).rev() {
                    let digit = (code >> (shift * 4)) & 0xF;
                    out.push(char::from_digit(digit, 16).map_or('0', |d| d.to_ascii_uppercase()));
                }
                continue;
            }
        };
        out.push(short);
    }
    out.push('"');
}

/// The indicator and hints of a literal block (`yaml_emitter_write_block_scalar_hints`).
pub(super) fn write_literal_header(out: &mut String, text: &str) {
    out.push('|');
    if text.starts_with(|c: char| c == ' ' || is_break(c)) {
        out.push('2');
    }
    let mut from_end = text.chars().rev();
    match (from_end.next(), from_end.next()) {
        (Some(last), _) if !is_break(last) => out.push('-'),
        (Some(_), None) => out.push('+'),
        (Some(_), Some(before)) if is_break(before) => out.push('+'),
        _ => {}
    }
}

/// libyaml's `IS_PRINTABLE`: what it writes as is (tab, CR, NEL and the BOM are not).
fn is_printable(c: char) -> bool {
    matches!(c, '\n' | ' '..='~' | '\u{a0}'..='\u{d7ff}' | '\u{10000}'..)
        || (('\u{e000}'..='\u{fffd}').contains(&c) && c != '\u{feff}')
}

/// libyaml's `IS_BREAK`.
pub(super) fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// libyaml's `IS_BLANKZ`: blank, break or NUL.
fn is_blankz(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\0') || is_break(c)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::{analyze_chars, analyze_printable_ascii};

    proptest! {
        /// The one-pass analysis of printable ASCII is libyaml's analysis (`analyze_chars`).
        #[test]
        fn printable_ascii_fast_path_is_the_full_analysis(text in "[ -~]{1,12}|[ a:#?\\-.]{1,8}") {
            prop_assert_eq!(analyze_printable_ascii(text.as_bytes()), Some(analyze_chars(&text)));
        }
    }

    #[test]
    fn other_strings_take_the_full_analysis() {
        for text in ["a\nb", "tab\t", "caf\u{e9}", "\u{7f}"] {
            assert_eq!(analyze_printable_ascii(text.as_bytes()), None, "{text:?}");
        }
    }
}
