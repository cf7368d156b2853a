//! Where `guard.rs` inserts its calls: a scan of a Tera text that follows
//! Tera's own lexing rules closely enough to find its tags (`{% %}`), its
//! expressions (`{{ }}`), its comments and raw blocks, and inside tags and
//! expressions the tokens that matter: `for` (a loop or a list comprehension),
//! `set … =`, `|` before a filter, brackets, strings.
//!
//! Like Tera's lexer, an expression or a tag ends at the first closing
//! delimiter found between two tokens (so `}}` closes `{{` even where a map
//! literal could have meant two braces).

/// A token inside a tag or an expression.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Tok<'a> {
    Ident(&'a str),
    Literal,
    Open(u8),
    Close(u8),
    Punct(&'a str),
}

#[derive(Debug, Clone, Copy)]
struct Token<'a> {
    tok: Tok<'a>,
    start: usize,
    end: usize,
}

/// A `{% %}` or `{{ }}` block.
struct Block<'a> {
    tag: bool,
    tokens: Vec<Token<'a>>,
    /// Just past the closing delimiter.
    end: usize,
    /// The closing delimiter trims the whitespace after it (`-%}`).
    trims: bool,
}

/// A loop or component body being scanned: where its step call goes, and the
/// literal bytes its body writes so far.
struct Body {
    edit: usize,
    trims: bool,
    bytes: usize,
    end_word: &'static str,
}

/// What a scan of a text meets, in order.
enum Item<'a> {
    /// This many bytes of plain text (outside any block).
    Text(usize),
    /// A `{{ }}` or `{% %}` block (comments and raw blocks are passed over).
    Block(Block<'a>),
}

/// Walk `src`, telling `visit` about its plain text and its blocks, up to
/// the end or to a block that is never closed (Tera reports that one).
fn scan<'a>(src: &'a str, mut visit: impl FnMut(Item<'a>)) {
    let b = src.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let Some(open) = find_open(b, i) else {
            visit(Item::Text(b.len() - i));
            break;
        };
        visit(Item::Text(open - i));
        match &b[open..open + 2] {
            b"{#" => {
                i = find(b, open + 2, b"#}").map_or(b.len(), |e| e + 2);
                continue;
            }
            b"{%" if is_word_tag(b, open, b"raw") => {
                i = skip_raw(b, open);
                continue;
            }
            _ => {}
        }
        let tag = &b[open..open + 2] == b"{%";
        let mut start = open + 2;
        if b.get(start) == Some(&b'-') {
            start += 1;
        }
        let Some(block) = lex_block(src, start, tag) else {
            break;
        };
        i = block.end;
        visit(Item::Block(block));
    }
}

/// The insertions for `src`: (offset, text), by offset.
pub fn edits(src: &str) -> Vec<(usize, String)> {
    let mut edits: Vec<(usize, String)> = Vec::new();
    let mut bodies: Vec<Body> = Vec::new();
    scan(src, |item| match item {
        Item::Text(n) => count_text(&mut bodies, n),
        Item::Block(block) => handle(src, &block, &mut edits, &mut bodies),
    });
    // Each body's step call was completed when it closed (see `handle`); a
    // body left open (invalid text, which Tera refuses anyway) counts nothing.
    for body in bodies {
        edits[body.edit].1 = step_call(body.trims).replace('@', "0");
    }
    edits.sort_by_key(|(at, _)| *at);
    edits
}

/// Words of Tera's expressions that are not names of the context.
const KEYWORDS: &[&str] = &[
    "in", "for", "and", "or", "not", "is", "if", "else", "true", "false", "True", "False", "none",
    "None", "loop", "as", "with",
];

/// The names a text reads from its context, each with its byte offset: every
/// identifier that starts a value — not one after a `.`, not a filter, a test
/// (`is defined`), a function, a keyword argument or a tag's own word — less
/// the names the text binds itself (`for x in`, `for k, v in`, `set x =`, a
/// list comprehension's variable, a macro's arguments, an import's name).
pub fn context_names(src: &str) -> Vec<(usize, &str)> {
    let mut bound: Vec<&str> = Vec::new();
    let mut used: Vec<(usize, &str)> = Vec::new();
    scan(src, |item| {
        let Item::Block(block) = item else { return };
        let tag = block.tag;
        let t = &block.tokens;
        let word = |k: usize| match t.get(k).map(|x| x.tok) {
            Some(Tok::Ident(w)) => Some(w),
            _ => None,
        };
        let first = if tag { word(0) } else { None };
        for (k, tok) in t.iter().enumerate() {
            let Tok::Ident(name) = tok.tok else { continue };
            let prev = k.checked_sub(1).map(|j| t[j].tok);
            let next = t.get(k + 1).map(|x| x.tok);
            let binds = prev == Some(Tok::Ident("for"))
                || (prev == Some(Tok::Punct(",")) && k >= 3 && word(k - 3) == Some("for"))
                || (k == 1 && matches!(first, Some("set" | "set_global")))
                || (prev == Some(Tok::Ident("as")) && first == Some("import"))
                || first == Some("macro");
            if binds {
                bound.push(name);
                continue;
            }
            let not_a_value = (tag && k == 0)
                || matches!(prev, Some(Tok::Punct("." | "|")))
                || prev == Some(Tok::Ident("is"))
                || (prev == Some(Tok::Ident("not")) && k >= 2 && word(k - 2) == Some("is"))
                || (k == 1 && matches!(first, Some("filter" | "block" | "import")))
                || matches!(next, Some(Tok::Open(b'(')) | Some(Tok::Punct("=" | ":")))
                || KEYWORDS.contains(&name);
            if !not_a_value {
                used.push((tok.start, name));
            }
        }
    });
    used.retain(|(_, n)| !bound.contains(n));
    used
}

/// Every identifier in a text's tags and expressions but a field (one right
/// after a `.`), whatever its role (a name it reads, a filter, a variable it
/// binds): a superset of the names it reads from its context, whatever it
/// binds or shadows.
pub fn identifiers(src: &str) -> Vec<&str> {
    let mut out = Vec::new();
    scan(src, |item| {
        let Item::Block(block) = item else { return };
        let t = &block.tokens;
        for (k, tok) in t.iter().enumerate() {
            if let Tok::Ident(w) = tok.tok
                && (k == 0 || t[k - 1].tok != Tok::Punct("."))
            {
                out.push(w);
            }
        }
    });
    out
}

/// The fields a text reads (each identifier right after a `.`), with its
/// byte offset and the identifier before the dot, when there is one
/// (`term` in `term.price`, `price` in `term.price.label`).
pub fn field_names(src: &str) -> Vec<(usize, &str, Option<&str>)> {
    let mut out = Vec::new();
    scan(src, |item| {
        let Item::Block(block) = item else { return };
        let t = &block.tokens;
        for (k, tok) in t.iter().enumerate() {
            let Tok::Ident(name) = tok.tok else { continue };
            if k == 0 || t[k - 1].tok != Tok::Punct(".") {
                continue;
            }
            let owner = match k.checked_sub(2).map(|j| t[j].tok) {
                Some(Tok::Ident(o)) => Some(o),
                _ => None,
            };
            out.push((tok.start, name, owner));
        }
    });
    out
}

fn count_text(bodies: &mut [Body], n: usize) {
    for body in bodies.iter_mut() {
        body.bytes += n;
    }
}

/// The next `{{`, `{%` or `{#` at or after `from`.
fn find_open(b: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while i + 1 < b.len() {
        if b[i] == b'{' && matches!(b[i + 1], b'{' | b'%' | b'#') {
            return Some(i);
        }
        i += 1;
    }
    None
}

fn find(b: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    (from..b.len().saturating_sub(needle.len() - 1)).find(|&i| b[i..].starts_with(needle))
}

/// Whether the tag opening at `open` is `{% word %}` (with optional `-`s).
fn is_word_tag(b: &[u8], open: usize, word: &[u8]) -> bool {
    tag_word_end(b, open, word).is_some()
}

/// Past the end of `{%-? word -?%}` opening at `open`, if it is one.
fn tag_word_end(b: &[u8], open: usize, word: &[u8]) -> Option<usize> {
    let mut i = open + 2;
    if b.get(i) == Some(&b'-') {
        i += 1;
    }
    while b.get(i).is_some_and(u8::is_ascii_whitespace) {
        i += 1;
    }
    if !b[i..].starts_with(word) {
        return None;
    }
    i += word.len();
    while b.get(i).is_some_and(u8::is_ascii_whitespace) {
        i += 1;
    }
    if b.get(i) == Some(&b'-') {
        i += 1;
    }
    b[i..].starts_with(b"%}").then_some(i + 2)
}

/// Past `{% raw %}…{% endraw %}` opening at `open` (or the end of the text).
fn skip_raw(b: &[u8], open: usize) -> usize {
    let mut i = tag_word_end(b, open, b"raw").unwrap_or(open + 2);
    while let Some(o) = find(b, i, b"{%") {
        if let Some(end) = tag_word_end(b, o, b"endraw") {
            return end;
        }
        i = o + 2;
    }
    b.len()
}

/// The tokens of a block whose content starts at `start`, up to its closing
/// delimiter.
fn lex_block(src: &str, start: usize, tag: bool) -> Option<Block<'_>> {
    let b = src.as_bytes();
    let closer: &[u8] = if tag { b"%}" } else { b"}}" };
    let mut tokens = Vec::new();
    let mut i = start;
    loop {
        while b.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        if i >= b.len() {
            return None;
        }
        if b[i] == b'-' && b[i + 1..].starts_with(closer) {
            return Some(Block {
                tag,
                tokens,
                end: i + 3,
                trims: true,
            });
        }
        if b[i..].starts_with(closer) {
            return Some(Block {
                tag,
                tokens,
                end: i + 2,
                trims: false,
            });
        }
        let s = i;
        let c = b[i];
        let tok = match c {
            b'\'' | b'"' | b'`' => {
                i += 1;
                while i < b.len() && b[i] != c {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
                Tok::Literal
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                while b
                    .get(i)
                    .is_some_and(|&c| c.is_ascii_alphanumeric() || c == b'_')
                {
                    i += 1;
                }
                Tok::Ident(&src[s..i])
            }
            c if c.is_ascii_digit() => {
                while b
                    .get(i)
                    .is_some_and(|&c| c.is_ascii_alphanumeric() || c == b'_' || c == b'.')
                {
                    i += 1;
                }
                Tok::Literal
            }
            b'(' | b'[' | b'{' => {
                i += 1;
                Tok::Open(c)
            }
            b')' | b']' | b'}' => {
                i += 1;
                Tok::Close(c)
            }
            _ => {
                // One punctuation character at a time is enough here, except
                // that `==`, `!=`, `<=`, `>=` must not be read as `=`.
                i += 1;
                if b.get(i) == Some(&b'=') && matches!(c, b'=' | b'!' | b'<' | b'>') {
                    i += 1;
                }
                while i < b.len() && !src.is_char_boundary(i) {
                    i += 1;
                }
                Tok::Punct(&src[s..i])
            }
        };
        i = i.min(b.len());
        tokens.push(Token {
            tok,
            start: s,
            end: i,
        });
    }
}

fn step_call(trims: bool) -> String {
    // Filled in with the body's literal size when the body closes.
    if trims {
        "{{ __walkaway_step(bytes=@) -}}".into()
    } else {
        "{{ __walkaway_step(bytes=@) }}".into()
    }
}

fn handle(src: &str, block: &Block, edits: &mut Vec<(usize, String)>, bodies: &mut Vec<Body>) {
    let t = &block.tokens;
    let first = t.first().map(|x| x.tok);
    if block.tag {
        match first {
            Some(Tok::Ident(w @ ("for" | "component"))) => {
                edits.push((block.end, step_call(block.trims)));
                bodies.push(Body {
                    edit: edits.len() - 1,
                    trims: block.trims,
                    bytes: 0,
                    end_word: if w == "for" { "endfor" } else { "endcomponent" },
                });
            }
            Some(Tok::Ident(w @ ("endfor" | "endcomponent"))) => {
                if let Some(pos) = bodies.iter().rposition(|b| b.end_word == w) {
                    let body = bodies.remove(pos);
                    let call = step_call(body.trims).replace('@', &body.bytes.to_string());
                    edits[body.edit].1 = call;
                }
            }
            Some(Tok::Ident("set" | "set_global"))
                if t.len() > 3 && t[2].tok == Tok::Punct("=") =>
            {
                edits.push((t[3].start, "__walkaway_keep(v=(".into()));
                edits.push((t[t.len() - 1].end, "))".into()));
            }
            Some(Tok::Ident("filter")) => {
                if let Some(Tok::Ident(name)) = t.get(1).map(|x| x.tok)
                    && is_amplifier(name)
                {
                    let args = call_args(src, t, 2);
                    edits.push((t[1].start, format!("__walkaway_pre_{name}{args} | ")));
                }
            }
            _ => {}
        }
    } else if !matches!(
        first,
        None | Some(Tok::Punct("<")) | Some(Tok::Ident("super"))
    ) {
        // `<Component …/>` and `super()` are written as they are.
        edits.push((t[0].start, "__walkaway_out(v=(".into()));
        edits.push((t[t.len() - 1].end, "))".into()));
    }
    expressions(src, t, block.tag, edits);
}

/// `(…)` after token `at`, as written, or nothing.
fn call_args(src: &str, t: &[Token], at: usize) -> String {
    if t.get(at).map(|x| x.tok) != Some(Tok::Open(b'(')) {
        return String::new();
    }
    let mut depth = 0;
    for x in &t[at..] {
        match x.tok {
            Tok::Open(_) => depth += 1,
            Tok::Close(_) => {
                depth -= 1;
                if depth == 0 {
                    return src[t[at].start..x.end].to_string();
                }
            }
            _ => {}
        }
    }
    String::new()
}

/// Filters that multiply sizes, and list comprehensions, anywhere in a block.
fn expressions(src: &str, t: &[Token], tag: bool, edits: &mut Vec<(usize, String)>) {
    // Open brackets: (token index, whether its element is already wrapped).
    let mut open: Vec<(usize, bool)> = Vec::new();
    for (k, x) in t.iter().enumerate() {
        match x.tok {
            Tok::Open(_) => open.push((k, false)),
            Tok::Close(_) => {
                open.pop();
            }
            Tok::Punct("|") => {
                if let Some(Tok::Ident(name)) = t.get(k + 1).map(|y| y.tok)
                    && is_amplifier(name)
                {
                    let args = call_args(src, t, k + 2);
                    edits.push((x.start, format!("| __walkaway_pre_{name}{args} ")));
                }
            }
            Tok::Ident("for") if !(tag && k == 0) => {
                if k > 0 && t[k - 1].tok == Tok::Punct(".") {
                    continue; // an attribute named `for`
                }
                comprehension(t, k, &mut open, edits);
            }
            _ => {}
        }
    }
}

/// A list comprehension's `for` at token `k`: count its source list, and the
/// size of each element it makes.
fn comprehension(
    t: &[Token],
    k: usize,
    open: &mut [(usize, bool)],
    edits: &mut Vec<(usize, String)>,
) {
    if let Some((b, wrapped)) = open.last_mut()
        && !*wrapped
        && t[*b].tok == Tok::Open(b'[')
        && *b + 1 < k
    {
        *wrapped = true;
        edits.push((t[*b + 1].start, "__walkaway_keep(v=(".into()));
        edits.push((t[k - 1].end, "))".into()));
    }
    // The source list: after `in`, up to `if`, `for` or the closing bracket.
    let Some(in_at) = (k + 1..t.len()).find(|&j| t[j].tok == Tok::Ident("in")) else {
        return;
    };
    let from = in_at + 1;
    let mut depth = 0i32;
    let mut to = t.len();
    for (j, y) in t.iter().enumerate().skip(from) {
        match y.tok {
            Tok::Open(_) => depth += 1,
            Tok::Close(_) if depth == 0 => {
                to = j;
                break;
            }
            Tok::Close(_) => depth -= 1,
            Tok::Ident("if" | "for") if depth == 0 => {
                to = j;
                break;
            }
            _ => {}
        }
    }
    if from < to && to < t.len() {
        edits.push((t[from].start, "__walkaway_each(v=(".into()));
        edits.push((t[to - 1].end, "))".into()));
    }
}

/// Filters that can make a result far larger than their input in one call.
const AMPLIFIERS: &[&str] = &["join", "replace", "indent"];

fn is_amplifier(name: &str) -> bool {
    AMPLIFIERS.contains(&name)
}

#[cfg(test)]
mod tests {
    use super::super::guard::instrument;

    #[test]
    fn inserts_calls_where_work_happens() {
        let cases = [
            (
                "a{% for x in xs %}b{{ x }}c{% endfor %}",
                "a{% for x in xs %}{{ __walkaway_step(bytes=2) }}b{{ __walkaway_out(v=(x)) }}c{% endfor %}",
            ),
            (
                "{%- for x in xs -%}\n  {{- x -}}\n{%- endfor %}",
                "{%- for x in xs -%}{{ __walkaway_step(bytes=4) -}}\n  {{- __walkaway_out(v=(x)) -}}\n{%- endfor %}",
            ),
            (
                "{% set_global s = s ~ s %}",
                "{% set_global s = __walkaway_keep(v=(s ~ s)) %}",
            ),
            (
                "{{ xs | join(sep=', ') | upper }}",
                "{{ __walkaway_out(v=(xs | __walkaway_pre_join(sep=', ') | join(sep=', ') | upper)) }}",
            ),
            (
                "{{ [y * 2 for y in range(end=3) if y > 0] }}",
                "{{ __walkaway_out(v=([__walkaway_keep(v=(y * 2)) for y in __walkaway_each(v=(range(end=3))) if y > 0])) }}",
            ),
            (
                "{% filter replace(from='a', to='b') %}aaa{% endfilter %}",
                "{% filter __walkaway_pre_replace(from='a', to='b') | replace(from='a', to='b') %}aaa{% endfilter %}",
            ),
            (
                "{# {% for %} #}{% raw %}{{ x }}{% for %}{% endraw %}{{ \"}}\" }}",
                "{# {% for %} #}{% raw %}{{ x }}{% for %}{% endraw %}{{ __walkaway_out(v=(\"}}\")) }}",
            ),
        ];
        for (src, want) in cases {
            assert_eq!(instrument(src).text, want, "{src}");
        }
    }

    #[test]
    fn positions_map_back_to_the_original() {
        let src = "ab{{ x }}cd";
        let inst = instrument(src);
        let at = inst.text.find("cd").expect("cd");
        assert_eq!(inst.original(at), src.find("cd").expect("cd"));
        let x = inst.text.find("x))").expect("x");
        assert_eq!(inst.original(x), src.find('x').expect("x"));
        // Inside an insertion: where it was inserted.
        let call = inst.text.find("__walkaway_out").expect("call");
        assert_eq!(inst.original(call), src.find('x').expect("x"));
    }
}
