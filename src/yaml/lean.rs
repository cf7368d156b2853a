//! The lean reading: a brief as briefs are written, read line by line into the
//! located tree without a general YAML scanner.
//!
//! Reading YAML was two fifths of `check` even through granit-parser's events
//! (the quick reading), most of it the scanner's general machinery: a token
//! queue, simple-key bookkeeping and a span on every event. A brief uses a small
//! part of YAML, always the same way, and this reads that part directly:
//! - block mappings whose keys are plain text, block sequences (also at their
//!   key's indentation), a mapping opened on a list item's line (`- id: price`);
//! - plain, single-quoted and double-quoted scalars on one line, with a comment
//!   after them;
//! - flow sequences and mappings on one line (`{ date: 2026-11-14, from: them }`);
//! - literal (`|`) and folded (`>`) block scalars whose lines share one
//!   indentation, with any chomping (`-`, `+`).
//!
//! Anything else gives up (`None`): a tab, a carriage return or a control
//! character anywhere, a document marker or directive, an anchor, alias or tag,
//! a quoted or complex key, a scalar over two lines, an empty value, a repeated
//! or merge key, a number in a form other than `12`, `-5` or `48500.50`, and
//! every error. The quick reading, then serde-saphyr, read such a document
//! from the start, so their rules and messages stay the only ones.
//! `tests::the_lean_reading_agrees_with_serde_saphyr` and the YAML test suite
//! (`tests/yaml_suite.rs`) hold the tree, positions and raw ranges to
//! serde-saphyr's.
//!
//! Nesting is read by calls, each a level of the document, given up past
//! [`MAX_DEPTH`], well inside the reader's depth budget.

use super::{Node, Value, plain_type};
use crate::diag::Pos;

/// Deeper documents go to the general readings (the depth budget is 32).
const MAX_DEPTH: usize = 24;

/// Maps longer than this are left to the general readings, as the quick
/// reading does (the repeated-key check is quadratic).
const MAX_MAP: usize = 64;

/// More nodes than this are left to the general readings and their budgets.
const MAX_NODES: usize = 50_000;

/// Plain keys longer than this are left to the scanner (its simple-key limit).
const MAX_KEY: usize = 512;

pub(super) fn read(text: &str) -> Option<Node> {
    if !text.ends_with('\n') || !plain_characters(text.as_bytes()) {
        return None;
    }
    let mut lines = Vec::with_capacity(text.len() / 24);
    let mut start = 0;
    for i in memchr::memchr_iter(b'\n', text.as_bytes()) {
        let line = &text.as_bytes()[start..i];
        // A document marker or a directive.
        if line.starts_with(b"---") || line.starts_with(b"...") || line.starts_with(b"%") {
            return None;
        }
        lines.push((start, i));
        start = i + 1;
    }
    let mut r = Lean {
        text,
        lines,
        li: 0,
        nodes: 0,
    };
    let first = r.next_content(0)?;
    let indent = r.indent(first);
    let root = r.block_node(first, indent, 0)?;
    if r.next_content(r.li).is_some() {
        return None;
    }
    Some(root)
}

/// Whether every character is one the lean reading takes as it is: no tab, no
/// carriage return, no control character, no byte-order mark, no NEL or
/// Unicode line separator, no noncharacter U+FFFE/U+FFFF.
fn plain_characters(b: &[u8]) -> bool {
    let mut i = 0;
    while i < b.len() {
        // Most of a brief is printable ASCII: eight such bytes at a time.
        if let Some(&eight) = b.get(i..).and_then(|rest| rest.first_chunk::<8>())
            && printable_ascii(u64::from_le_bytes(eight))
        {
            i += 8;
            continue;
        }
        let c = b[i];
        if c < 0x80 {
            if (c < 0x20 && c != b'\n') || c == 0x7F {
                return false;
            }
            i += 1;
            continue;
        }
        match (c, b.get(i + 1), b.get(i + 2)) {
            // U+0080..U+009F: C1 controls and NEL.
            (0xC2, Some(&n), _) if n < 0xA0 => return false,
            // U+2028, U+2029.
            (0xE2, Some(0x80), Some(0xA8 | 0xA9)) => return false,
            // U+FEFF.
            (0xEF, Some(0xBB), Some(0xBF)) => return false,
            // U+FFFE, U+FFFF.
            (0xEF, Some(0xBF), Some(0xBE | 0xBF)) => return false,
            _ => {}
        }
        i += 1;
    }
    true
}

/// Whether all eight bytes of `x` are printable ASCII (0x20 to 0x7E), by
/// the word-at-a-time tests for a byte below a bound and for a zero byte
/// (exact as to whether any byte matches).
fn printable_ascii(x: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let below_space = x.wrapping_sub(0x20 * ONES) & !x & HIGH;
    let del = x ^ (0x7F * ONES);
    let has_del = del.wrapping_sub(ONES) & !del & HIGH;
    x & HIGH == 0 && below_space == 0 && has_del == 0
}

struct Lean<'a> {
    text: &'a str,
    /// Each line's byte range, without its line feed.
    lines: Vec<(usize, usize)>,
    /// The next line not yet read.
    li: usize,
    nodes: usize,
}

/// How a plain scalar on a line ends.
enum End {
    /// At the end of the line or before a comment: its last byte (exclusive).
    Line(usize),
    /// At a `:` followed by a space or the end of the line: a key; the offset
    /// of its last byte (exclusive, trailing spaces trimmed) and of the `:`.
    Colon(usize, usize),
}

impl<'a> Lean<'a> {
    fn b(&self) -> &'a [u8] {
        self.text.as_bytes()
    }

    fn indent(&self, li: usize) -> usize {
        let (s, e) = self.lines[li];
        self.b()[s..e].iter().take_while(|&&c| c == b' ').count()
    }

    /// The first line at or after `li` with content (not blank, not a comment).
    fn next_content(&self, mut li: usize) -> Option<usize> {
        while li < self.lines.len() {
            let (s, e) = self.lines[li];
            match self.b()[s..e].iter().find(|&&c| c != b' ') {
                None | Some(b'#') => li += 1,
                Some(_) => return Some(li),
            }
        }
        None
    }

    fn line_end(&self, li: usize) -> usize {
        self.lines[li].1
    }

    fn pos(&self, li: usize, at: usize) -> Pos {
        let s = self.lines[li].0;
        let before = &self.text[s..at];
        let col = if before.is_ascii() {
            before.len()
        } else {
            before.chars().count()
        };
        Pos {
            line: li + 1,
            col: col + 1,
        }
    }

    fn count(&mut self) -> Option<()> {
        self.nodes += 1;
        (self.nodes < MAX_NODES).then_some(())
    }

    /// Whether `at` on line `li` is a block sequence's `-` (followed by a space
    /// or the end of the line).
    fn is_dash(&self, li: usize, at: usize) -> bool {
        let e = self.line_end(li);
        at < e && self.b()[at] == b'-' && (at + 1 == e || self.b()[at + 1] == b' ')
    }

    /// The offset of the first non-space at or after `at` on line `li`, and
    /// whether the line ends there (or a comment starts there).
    fn skip_spaces(&self, li: usize, mut at: usize) -> (usize, bool) {
        let e = self.line_end(li);
        while at < e && self.b()[at] == b' ' {
            at += 1;
        }
        (at, at == e || self.b()[at] == b'#')
    }

    /// After a value that ends its line at `at`: only spaces, then the end of
    /// the line or a comment after a space.
    fn rest_is_blank(&self, li: usize, at: usize) -> bool {
        let (p, done) = self.skip_spaces(li, at);
        done && (p == self.line_end(li) || p > at)
    }

    /// A node whose first line is `li`, starting at its indentation `n`: a
    /// block sequence or a block mapping.
    fn block_node(&mut self, li: usize, n: usize, depth: usize) -> Option<Node> {
        if depth > MAX_DEPTH {
            return None;
        }
        let at = self.lines[li].0 + n;
        self.li = li;
        if self.is_dash(li, at) {
            return self.seq(li, n, at, depth, false);
        }
        match self.plain_end(li, at, false)? {
            End::Colon(..) => self.map(li, n, at, depth),
            End::Line(_) => None,
        }
    }

    /// Where a plain scalar starting at `at` ends, in the block context (`flow`
    /// false) or inside a flow collection. `None` where it is not a plain scalar
    /// the lean reading takes: it starts with an indicator, or is empty.
    fn plain_end(&self, li: usize, at: usize, flow: bool) -> Option<End> {
        let e = self.line_end(li);
        let b = self.b();
        if at >= e {
            return None;
        }
        let first = b[at];
        let next_is_safe = at + 1 < e && b[at + 1] != b' ' && !(flow && flow_indicator(b[at + 1]));
        match first {
            b'-' if next_is_safe => {}
            b'-' | b'?' | b':' | b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!'
            | b'|' | b'>' | b'\'' | b'"' | b'%' | b'@' | b'`' | b' ' => return None,
            _ => {}
        }
        let mut i = at;
        while i < e {
            match b[i] {
                b':' if i + 1 == e || b[i + 1] == b' ' || (flow && flow_indicator(b[i + 1])) => {
                    return Some(End::Colon(trim_end(b, at, i), i));
                }
                b'#' if b[i - 1] == b' ' => return Some(End::Line(trim_end(b, at, i))),
                c if flow && flow_indicator(c) => return Some(End::Line(trim_end(b, at, i))),
                _ => i += 1,
            }
        }
        Some(End::Line(trim_end(b, at, e)))
    }

    /// A plain scalar's node, typed as serde-saphyr types it.
    fn plain(&mut self, li: usize, at: usize, end: usize) -> Option<Node> {
        self.count()?;
        let t = &self.text[at..end];
        let pos = self.pos(li, at);
        Some(match plain_type(t)? {
            None => Node {
                value: Value::Str(t.to_owned()),
                pos,
                raw: None,
            },
            Some(value) => Node {
                value,
                pos,
                raw: Some(at..end),
            },
        })
    }

    /// A key: plain text, not `<<`, at most [`MAX_KEY`] bytes. Returns the key
    /// and the offset after its `:`.
    fn key(&mut self, li: usize, at: usize, flow: bool) -> Option<(Node, usize)> {
        let End::Colon(end, colon) = self.plain_end(li, at, flow)? else {
            return None;
        };
        if end - at > MAX_KEY {
            return None;
        }
        let key = self.plain(li, at, end)?;
        match key.as_str() {
            Some("<<") | None => None,
            Some(_) => Some((key, colon + 1)),
        }
    }

    /// A block mapping at indentation `n`, its first key at `at` on line `li`.
    fn map(&mut self, mut li: usize, n: usize, mut at: usize, depth: usize) -> Option<Node> {
        self.count()?;
        let pos = self.pos(li, at);
        let mut entries: Vec<(Node, Node)> = Vec::new();
        loop {
            let (key, after) = self.key(li, at, false)?;
            if !room_for(&entries, &key) {
                return None;
            }
            let value = self.value(li, n, after, depth + 1)?;
            entries.push((key, value));
            let Some(next) = self.next_content(self.li) else {
                break;
            };
            let indent = self.indent(next);
            if indent > n {
                // A value over two lines, or an error.
                return None;
            }
            if indent < n {
                break;
            }
            li = next;
            at = self.lines[li].0 + n;
            if self.is_dash(li, at) {
                return None;
            }
            self.li = li;
        }
        Some(Node {
            value: Value::Map(entries),
            pos,
            raw: None,
        })
    }

    /// A mapping's value, after the `:` at `after` on line `li`, for a mapping
    /// at indentation `n`: on the same line, or the block node on the lines
    /// below (a sequence may sit at the key's own indentation).
    fn value(&mut self, li: usize, n: usize, after: usize, depth: usize) -> Option<Node> {
        let (at, ends) = self.skip_spaces(li, after);
        if !ends {
            return self.inline(li, n, at, depth);
        }
        let next = self.next_content(li + 1)?;
        let indent = self.indent(next);
        let dash = self.is_dash(next, self.lines[next].0 + indent);
        if indent == n && dash {
            if depth > MAX_DEPTH {
                return None;
            }
            self.li = next;
            self.seq(next, n, self.lines[next].0 + n, depth, true)
        } else if indent > n {
            self.block_node(next, indent, depth)
        } else {
            // An empty value.
            None
        }
    }

    /// A block sequence at indentation `n`, its first `-` at `at` on line `li`;
    /// `indentless` when it is a mapping's value at its key's indentation.
    fn seq(
        &mut self,
        mut li: usize,
        n: usize,
        mut at: usize,
        depth: usize,
        indentless: bool,
    ) -> Option<Node> {
        self.count()?;
        let mut pos = self.pos(li, at);
        let mut items = Vec::new();
        loop {
            let (p, ends) = self.skip_spaces(li, at + 1);
            let item = if ends {
                let next = self.next_content(li + 1)?;
                let indent = self.indent(next);
                if indent <= n {
                    // An empty item.
                    return None;
                }
                self.block_node(next, indent, depth + 1)?
            } else if self.is_dash(li, p) {
                // `- - x`: a sequence opened on an item's line.
                return None;
            } else if let Some(End::Colon(..)) = self.plain_end(li, p, false) {
                // `- id: price`: a mapping whose indentation is its first key's.
                let column = p - self.lines[li].0;
                self.map(li, column, p, depth + 1)?
            } else {
                self.inline(li, n, p, depth + 1)?
            };
            if indentless && items.is_empty() {
                // serde-saphyr places a sequence without its own indentation
                // at its first item, which must then be on the `-` line (a
                // block scalar is placed at its first line of text).
                if ends || matches!(self.b()[p], b'|' | b'>') {
                    return None;
                }
                pos = item.pos;
            }
            items.push(item);
            let Some(next) = self.next_content(self.li) else {
                break;
            };
            let indent = self.indent(next);
            if indent > n {
                return None;
            }
            let dash_at = self.lines[next].0 + n;
            if indent < n || !self.is_dash(next, dash_at) {
                break;
            }
            li = next;
            at = dash_at;
            self.li = li;
        }
        Some(Node {
            value: Value::Seq(items),
            pos,
            raw: None,
        })
    }

    /// A value that starts at `at` on line `li` (after a key's `: ` or an
    /// item's `- `), in a collection at indentation `n`: a scalar, a flow
    /// collection on this line, or a block scalar on the lines below.
    fn inline(&mut self, li: usize, n: usize, at: usize, depth: usize) -> Option<Node> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.li = li + 1;
        let node = match self.b()[at] {
            b'|' | b'>' => return self.block_scalar(li, n, at),
            b'[' | b'{' => {
                let (node, end) = self.flow(li, at, depth)?;
                self.rest_is_blank(li, end).then_some(node)?
            }
            b'\'' | b'"' => {
                let (node, end) = self.quoted(li, at)?;
                self.rest_is_blank(li, end).then_some(node)?
            }
            _ => match self.plain_end(li, at, false)? {
                End::Line(end) => self.plain(li, at, end)?,
                // `a: b: c`, or a key where a value was expected.
                End::Colon(..) => return None,
            },
        };
        Some(node)
    }

    /// A quoted scalar on one line, from its opening quote at `at`; the offset
    /// after its closing quote.
    fn quoted(&mut self, li: usize, at: usize) -> Option<(Node, usize)> {
        self.count()?;
        let e = self.line_end(li);
        let b = self.b();
        let quote = b[at];
        let mut s = String::new();
        let mut i = at + 1;
        let mut run = i;
        loop {
            if i >= e {
                // Over two lines.
                return None;
            }
            match b[i] {
                b'\'' if quote == b'\'' => {
                    s.push_str(&self.text[run..i]);
                    if i + 1 < e && b[i + 1] == b'\'' {
                        s.push('\'');
                        i += 2;
                        run = i;
                        continue;
                    }
                    i += 1;
                    break;
                }
                b'"' if quote == b'"' => {
                    s.push_str(&self.text[run..i]);
                    i += 1;
                    break;
                }
                b'\\' if quote == b'"' => {
                    s.push_str(&self.text[run..i]);
                    let c = match b.get(i + 1) {
                        Some(b'\\') => '\\',
                        Some(b'"') => '"',
                        Some(b'/') => '/',
                        Some(b'n') => '\n',
                        Some(b't') => '\t',
                        Some(b' ') => ' ',
                        // Another escape, or the line's end.
                        _ => return None,
                    };
                    s.push(c);
                    i += 2;
                    run = i;
                }
                _ => i += 1,
            }
        }
        // A quoted key (`"a": 1`) is the general readings' to read.
        let (p, _) = self.skip_spaces(li, i);
        if p < e && b[p] == b':' {
            return None;
        }
        let node = Node {
            value: Value::Str(s),
            pos: self.pos(li, at),
            raw: None,
        };
        Some((node, i))
    }

    /// A flow sequence or mapping that opens at `at` and closes on line `li`;
    /// the offset after it.
    fn flow(&mut self, li: usize, at: usize, depth: usize) -> Option<(Node, usize)> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.count()?;
        let e = self.line_end(li);
        let b = self.b();
        let pos = self.pos(li, at);
        let seq = b[at] == b'[';
        let close = if seq { b']' } else { b'}' };
        let mut items = Vec::new();
        let mut entries: Vec<(Node, Node)> = Vec::new();
        let (mut p, _) = self.skip_spaces(li, at + 1);
        if p < e && b[p] == close {
            p += 1;
        } else {
            loop {
                if p >= e {
                    return None;
                }
                if seq {
                    let (item, end) = self.flow_value(li, p, depth)?;
                    items.push(item);
                    p = end;
                } else {
                    let (key, after) = self.key(li, p, true)?;
                    // `{a:b}` is a key `a:b` without a value; `{a: }` an empty value.
                    if after >= e || b[after] != b' ' {
                        return None;
                    }
                    if !room_for(&entries, &key) {
                        return None;
                    }
                    let (v, _) = self.skip_spaces(li, after);
                    let (value, end) = self.flow_value(li, v, depth)?;
                    entries.push((key, value));
                    p = end;
                }
                (p, _) = self.skip_spaces(li, p);
                if p >= e {
                    return None;
                }
                if b[p] == close {
                    p += 1;
                    break;
                }
                if b[p] != b',' {
                    return None;
                }
                (p, _) = self.skip_spaces(li, p + 1);
                // A trailing comma, or a comment inside the collection.
                if p >= e || b[p] == close || b[p] == b'#' {
                    return None;
                }
            }
        }
        let value = if seq {
            Value::Seq(items)
        } else {
            Value::Map(entries)
        };
        Some((
            Node {
                value,
                pos,
                raw: None,
            },
            p,
        ))
    }

    /// A value inside a flow collection, starting at `at`; the offset after it.
    fn flow_value(&mut self, li: usize, at: usize, depth: usize) -> Option<(Node, usize)> {
        let e = self.line_end(li);
        if at >= e {
            return None;
        }
        match self.b()[at] {
            b'[' | b'{' => self.flow(li, at, depth + 1),
            b'\'' | b'"' => self.quoted(li, at),
            _ => match self.plain_end(li, at, true)? {
                End::Line(end) if end > at => Some((self.plain(li, at, end)?, end)),
                // A pair inside a flow sequence, or an empty value.
                _ => None,
            },
        }
    }

    /// A literal (`|`) or folded (`>`) block scalar whose indicator is at `at`
    /// on line `li`, in a collection at indentation `n`. Its lines must share
    /// one indentation, deeper than `n`; blank lines may not carry more spaces
    /// than that.
    fn block_scalar(&mut self, li: usize, n: usize, at: usize) -> Option<Node> {
        self.count()?;
        let b = self.b();
        let e = self.line_end(li);
        let folded = b[at] == b'>';
        let mut p = at + 1;
        let chomp = match b.get(p) {
            Some(b'-') => {
                p += 1;
                b'-'
            }
            Some(b'+') => {
                p += 1;
                b'+'
            }
            _ => b' ',
        };
        if p < e && b[p] != b' ' {
            // An indentation indicator, or something else after the indicator.
            return None;
        }
        if !self.rest_is_blank(li, p) {
            return None;
        }
        let first = li + 1;
        if first >= self.lines.len() {
            return None;
        }
        let ci = self.indent(first);
        let (fs, fe) = self.lines[first];
        if ci <= n || fs + ci == fe {
            // Empty, or it starts with blank lines.
            return None;
        }
        let mut s = String::new();
        let mut blanks = 0usize;
        let mut l = first;
        while l < self.lines.len() {
            let (ls, le) = self.lines[l];
            let indent = self.indent(l);
            if ls + indent == le {
                // A blank line.
                if indent > ci {
                    return None;
                }
                blanks += 1;
                l += 1;
                continue;
            }
            if indent < ci {
                break;
            }
            if indent > ci && folded {
                // A more-indented line keeps its line breaks: not folded here.
                return None;
            }
            // Between two lines of text (each adds some: `s` is empty only
            // before the first): a folded scalar joins them with a space, or
            // keeps only the blank lines' breaks; a literal one keeps all.
            if !s.is_empty() {
                match (folded, blanks) {
                    (true, 0) => s.push(' '),
                    (true, k) => s.extend(std::iter::repeat_n('\n', k)),
                    (false, k) => s.extend(std::iter::repeat_n('\n', k + 1)),
                }
            }
            s.push_str(&self.text[ls + ci..le]);
            blanks = 0;
            l += 1;
        }
        match chomp {
            b'-' => {}
            b'+' => s.extend(std::iter::repeat_n('\n', blanks + 1)),
            _ => s.push('\n'),
        }
        self.li = l;
        Some(Node {
            value: Value::Str(s),
            // serde-saphyr places a block scalar at its first line of text.
            pos: self.pos(first, fs + ci),
            raw: None,
        })
    }
}

/// Whether a mapping read so far takes `key`: not given before, and the
/// mapping not past [`MAX_MAP`] entries.
fn room_for(entries: &[(Node, Node)], key: &Node) -> bool {
    entries.len() < MAX_MAP && !entries.iter().any(|(k, _)| k.as_str() == key.as_str())
}

/// A character that opens, closes or separates a flow collection's entries.
fn flow_indicator(c: u8) -> bool {
    matches!(c, b',' | b'[' | b']' | b'{' | b'}')
}

/// The end of `b[at..end]` without its trailing spaces.
fn trim_end(b: &[u8], at: usize, mut end: usize) -> usize {
    while end > at && b[end - 1] == b' ' {
        end -= 1;
    }
    end
}

#[cfg(test)]
mod tests {
    use super::{plain_characters, printable_ascii};

    /// The byte-at-a-time answer `printable_ascii` must give.
    fn each_printable(w: [u8; 8]) -> bool {
        w.iter().all(|b| (0x20..0x7F).contains(b))
    }

    #[test]
    fn eight_bytes_at_a_time_agree_with_one_at_a_time() {
        // Every byte value in every place of a printable word…
        for place in 0..8 {
            for v in 0..=255u8 {
                let mut w = *b"key: abc";
                w[place] = v;
                assert_eq!(
                    printable_ascii(u64::from_le_bytes(w)),
                    each_printable(w),
                    "{w:?}"
                );
            }
        }
        // …and words of bytes around the bounds, several off at once.
        let near = [
            0x00, 0x01, 0x0A, 0x1F, 0x20, 0x21, 0x3A, 0x7E, 0x7F, 0x80, 0x9F, 0xC2, 0xFE, 0xFF,
        ];
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        for _ in 0..200_000 {
            let mut w = [0u8; 8];
            for b in &mut w {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                *b = near[(seed % near.len() as u64) as usize];
            }
            assert_eq!(
                printable_ascii(u64::from_le_bytes(w)),
                each_printable(w),
                "{w:?}"
            );
        }
    }

    #[test]
    fn a_control_character_anywhere_is_found() {
        let line = b"title: Renewal of the 2027 carton supply\n".repeat(3);
        assert!(plain_characters(&line));
        for at in 0..line.len() {
            for bad in [0x00u8, 0x09, 0x0D, 0x1B, 0x7F] {
                let mut t = line.clone();
                t[at] = bad;
                assert!(!plain_characters(&t), "{bad:#x} at {at}");
            }
        }
        // NEL (U+0085) and a byte-order mark, at every offset.
        for at in 0..line.len() - 3 {
            for bad in [&[0xC2u8, 0x85][..], &[0xEF, 0xBB, 0xBF]] {
                let mut t = line.clone();
                t[at..at + bad.len()].copy_from_slice(bad);
                assert!(!plain_characters(&t), "{bad:x?} at {at}");
            }
        }
    }
}
