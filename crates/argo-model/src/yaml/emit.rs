//! Block layout: indentation, `- ` items, `key: value` entries, `? key` for long or multi-line
//! keys, `[]` and `{}` for empty collections.
//!
//! A port of the block states of libyaml's emitter (`yaml_emitter_emit_block_sequence_item`,
//! `yaml_emitter_emit_block_mapping_key`/`_value`, `yaml_emitter_write_indent`,
//! `yaml_emitter_write_indicator`, `yaml_emitter_increase_indent`) with its defaults as
//! `serde_norway` sets them (indent 2, unbounded width). It needs no look-ahead: a collection is
//! opened when its first item arrives, and written `[]`/`{}` when it ends without one.

use super::scalar::{self, Analysis, Requested, Style};

/// The indent step (libyaml's `best_indent`).
const INDENT: i32 = 2;
/// The longest key written as a simple `key:` (libyaml's `yaml_emitter_check_simple_key`).
const MAX_SIMPLE_KEY: usize = 128;

/// Where the next node goes (libyaml's `mapping_context` and `simple_key_context`).
#[derive(Debug, Clone, Copy, Default)]
struct Context {
    mapping: bool,
    simple_key: bool,
}

/// A block collection being written.
#[derive(Debug, Clone, Copy)]
pub(super) struct Open {
    /// Whether its first item was written.
    started: bool,
    /// For a sequence: written in a mapping (its items then take the mapping's indent).
    in_mapping: bool,
    /// For a mapping: whether the current key was written as a simple `key:`.
    simple_key: bool,
}

/// The text written so far and the state of the layout.
#[derive(Debug)]
pub(super) struct Emitter {
    pub(super) out: String,
    indent: i32,
    indents: Vec<i32>,
    column: usize,
    whitespace: bool,
    indention: bool,
    context: Context,
}

impl Emitter {
    pub(super) fn new() -> Self {
        Self {
            out: String::with_capacity(1024),
            indent: -1,
            indents: Vec::new(),
            column: 0,
            whitespace: true,
            indention: true,
            context: Context::default(),
        }
    }

    /// Ends the document: a final line break.
    pub(super) fn finish(mut self) -> String {
        self.write_indent();
        self.out
    }

    /// A number, bool or null, written plainly.
    pub(super) fn plain(&mut self, text: &str) {
        if !self.whitespace {
            self.put(' ');
        }
        self.out.push_str(text);
        self.column += text.len();
        self.whitespace = false;
        self.indention = false;
    }

    /// A string, in the style its content and readers need.
    pub(super) fn string(&mut self, text: &str) {
        let analysis = scalar::analyze(text);
        self.scalar(text, Requested::for_str(text, analysis), analysis);
    }

    /// A character, quoted (as `serde_norway` writes one).
    pub(super) fn char(&mut self, c: char) {
        let mut buffer = [0; 4];
        let text: &str = c.encode_utf8(&mut buffer);
        let analysis = scalar::analyze(text);
        self.scalar(text, Requested::SingleQuoted, analysis);
    }

    fn scalar(&mut self, text: &str, requested: Requested, analysis: Analysis) {
        match scalar::select(text, requested, analysis, self.context.simple_key) {
            Style::Plain => self.plain(text),
            Style::SingleQuoted => {
                self.write_indicator("", true, false, false);
                scalar::write_single_quoted(&mut self.out, text);
                self.after_quoted();
            }
            Style::DoubleQuoted => {
                self.write_indicator("", true, false, false);
                scalar::write_double_quoted(&mut self.out, text);
                self.after_quoted();
            }
            Style::Literal => self.literal(text),
        }
    }

    fn after_quoted(&mut self) {
        self.column += 2;
        self.whitespace = false;
        self.indention = false;
    }

    /// `yaml_emitter_write_literal_scalar`, its content indented one step past the node's.
    fn literal(&mut self, text: &str) {
        let content_indent = if self.indent < 0 {
            INDENT
        } else {
            self.indent + INDENT
        };
        self.write_indicator("", true, false, false);
        scalar::write_literal_header(&mut self.out, text);
        self.put_break();
        self.indention = true;
        self.whitespace = true;
        let mut at_line_start = true;
        for line_or_break in text.split_inclusive('\n') {
            let (line, has_break) = match line_or_break.strip_suffix('\n') {
                Some(line) => (line, true),
                None => (line_or_break, false),
            };
            if !line.is_empty() {
                if at_line_start {
                    self.pad_to(content_indent);
                }
                self.out.push_str(line);
                self.column += line.len();
                self.indention = false;
            }
            if has_break {
                self.put_break();
                self.indention = true;
            }
            at_line_start = has_break;
        }
    }

    /// Before a sequence's item: opens the sequence at its first item, then `- `.
    pub(super) fn item(&mut self, open: &mut Open) {
        if !open.started {
            open.started = true;
            self.increase_indent(false, open.in_mapping && !self.indention);
        }
        self.write_indent();
        self.write_indicator("-", true, false, true);
        self.context = Context::default();
    }

    /// A sequence starts in the current context.
    pub(super) fn open(&self) -> Open {
        Open {
            started: false,
            in_mapping: self.context.mapping,
            simple_key: false,
        }
    }

    /// A sequence ends: `[]` when it had no item.
    pub(super) fn close_sequence(&mut self, open: Open) {
        self.close(open, "[", "]");
    }

    /// A mapping ends: `{}` when it had no entry.
    pub(super) fn close_mapping(&mut self, open: Open) {
        self.close(open, "{", "}");
    }

    fn close(&mut self, open: Open, start: &str, end: &str) {
        if open.started {
            self.pop_indent();
        } else {
            self.write_indicator(start, true, true, false);
            self.write_indicator(end, false, false, false);
        }
    }

    /// A mapping's key (opening the mapping at its first key).
    pub(super) fn key(&mut self, open: &mut Open, key: &str) {
        if !open.started {
            open.started = true;
            self.increase_indent(false, false);
        }
        self.write_indent();
        let analysis = scalar::analyze(key);
        open.simple_key = !analysis.multiline && key.len() <= MAX_SIMPLE_KEY;
        if open.simple_key {
            self.context = Context {
                mapping: true,
                simple_key: true,
            };
        } else {
            self.write_indicator("?", true, false, true);
            self.context = Context {
                mapping: true,
                simple_key: false,
            };
        }
        self.scalar(key, Requested::for_str(key, analysis), analysis);
    }

    /// Before a mapping's value: `:` after its key.
    pub(super) fn value(&mut self, open: Open) {
        if open.simple_key {
            self.write_indicator(":", false, false, false);
        } else {
            self.write_indent();
            self.write_indicator(":", true, false, true);
        }
        self.context = Context {
            mapping: true,
            simple_key: false,
        };
    }

    fn increase_indent(&mut self, flow: bool, indentless: bool) {
        self.indents.push(self.indent);
        if self.indent < 0 {
            self.indent = if flow { INDENT } else { 0 };
        } else if !indentless {
            self.indent += INDENT;
        }
    }

    fn pop_indent(&mut self) {
        self.indent = self.indents.pop().unwrap_or(-1);
    }

    /// `yaml_emitter_write_indent`.
    fn write_indent(&mut self) {
        let indent = usize::try_from(self.indent).unwrap_or(0);
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.put_break();
        }
        self.pad_to(self.indent);
        self.whitespace = true;
        self.indention = true;
    }

    fn pad_to(&mut self, indent: i32) {
        /// Spaces to copy from (indents deeper than this take several copies).
        const SPACES: &str = "                                                                ";
        let indent = usize::try_from(indent).unwrap_or(0);
        while self.column < indent {
            let n = (indent - self.column).min(SPACES.len());
            self.out.push_str(&SPACES[..n]);
            self.column += n;
        }
    }

    /// `yaml_emitter_write_indicator`.
    fn write_indicator(
        &mut self,
        indicator: &str,
        need_whitespace: bool,
        is_whitespace: bool,
        is_indention: bool,
    ) {
        if need_whitespace && !self.whitespace {
            self.put(' ');
        }
        self.out.push_str(indicator);
        self.column += indicator.len();
        self.whitespace = is_whitespace;
        self.indention = self.indention && is_indention;
    }

    fn put(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }

    fn put_break(&mut self) {
        self.out.push('\n');
        self.column = 0;
    }
}
