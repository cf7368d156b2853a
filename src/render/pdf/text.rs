//! Inline text: styled spans and greedy line breaking by real glyph widths.
//! Breaks only at ordinary spaces (so U+00A0 keeps "10 000" or "Page 2"
//! together) and splits a word that is wider than the line by characters,
//! so nothing ever runs past the margin.

use super::fonts::{Face, Fonts};

/// A run of text in one style, as it comes out of the Markdown.
#[derive(Clone, Debug, PartialEq)]
pub struct Span {
    pub face: Face,
    pub text: String,
    pub strike: bool,
    /// Printed in grey (link targets, literal HTML).
    pub muted: bool,
    /// A hard line break after this span's text.
    pub hard_break: bool,
}

impl Span {
    pub fn plain(face: Face, text: impl Into<String>) -> Span {
        Span {
            face,
            text: text.into(),
            strike: false,
            muted: false,
            hard_break: false,
        }
    }
}

/// A positioned piece of a laid-out line (x is relative to the line start).
#[derive(Clone, Debug, PartialEq)]
pub struct Frag {
    pub face: Face,
    pub text: String,
    pub x: f32,
    pub width: f32,
    pub strike: bool,
    pub muted: bool,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Line {
    pub frags: Vec<Frag>,
    pub width: f32,
}

/// One unbreakable piece of a word (a word may change style mid-way).
struct Piece<'a> {
    span: &'a Span,
    text: &'a str,
    width: f32,
}

/// A word is a run of `pieces` (by index), so tokenizing allocates two
/// vectors per paragraph rather than one per word.
enum Token<'a> {
    Word(std::ops::Range<usize>),
    Space(&'a Span),
    Break,
}

/// Mono text is set a little smaller so code does not shout next to prose.
pub fn face_size(face: Face, size: f32) -> f32 {
    if face == Face::Mono { size * 0.9 } else { size }
}

fn tokenize<'a>(fonts: &Fonts, size: f32, spans: &'a [Span]) -> (Vec<Piece<'a>>, Vec<Token<'a>>) {
    // Sized for one word in four bytes: growing them from empty was a third
    // of the time spent here.
    let guess = spans.iter().map(|s| s.text.len() / 4 + 1).sum::<usize>() + 1;
    let mut pieces: Vec<Piece<'a>> = Vec::with_capacity(guess);
    let mut out: Vec<Token<'a>> = Vec::with_capacity(2 * guess);
    // Where the word being gathered starts in `pieces`.
    let mut word = 0;
    let end_word = |pieces: &Vec<Piece<'a>>, out: &mut Vec<Token<'a>>, word: &mut usize| {
        if *word < pieces.len() {
            out.push(Token::Word(*word..pieces.len()));
            *word = pieces.len();
        }
    };
    // The last piece ended in a digit: a unit after it stays on its line.
    let mut after_number = false;
    for span in spans {
        let fs = face_size(span.face, size);
        let text = span.text.as_str();
        // An ASCII span (nearly all) measures its words from the face's
        // table directly, not checking each word for other characters again.
        let table = text.is_ascii().then(|| fonts.ascii_advances(span.face));
        let width_of = |part: &str| match table {
            Some(t) => part.bytes().map(|b| t[usize::from(b & 0x7f)]).sum::<f32>() * fs,
            None => fonts.width(span.face, fs, part),
        };
        let mut at = 0;
        for (i, part) in text.split(' ').enumerate() {
            let start = at;
            at += part.len() + 1;
            if i > 0 {
                if after_number && is_unit(part) {
                    // "99,000 zł", "0.86 EUR", "45 days": the space is part
                    // of the word, drawn as an ordinary space (a search for
                    // the amount still finds it) but never broken.
                    let space = &text[start - 1..start];
                    pieces.push(Piece {
                        span,
                        text: space,
                        width: width_of(space),
                    });
                } else {
                    end_word(&pieces, &mut out, &mut word);
                    out.push(Token::Space(span));
                }
            }
            if !part.is_empty() {
                let width = width_of(part);
                pieces.push(Piece {
                    span,
                    text: part,
                    width,
                });
                after_number = part.ends_with(|c: char| c.is_ascii_digit());
            } else if i > 0 {
                after_number = false;
            }
        }
        if span.hard_break {
            end_word(&pieces, &mut out, &mut word);
            out.push(Token::Break);
            after_number = false;
        }
    }
    end_word(&pieces, &mut out, &mut word);
    (pieces, out)
}

/// A unit after a number: a short word of letters (EUR, zł, days, tonnes)
/// or a sign (%, €).
fn is_unit(word: &str) -> bool {
    let n = word.chars().count();
    (1..=6).contains(&n)
        && word
            .chars()
            .all(|c| c.is_alphabetic() || matches!(c, '%' | '€' | '$' | '£' | '¥' | '‰'))
}

struct Builder<'f> {
    fonts: &'f Fonts,
    size: f32,
    max: f32,
    lines: Vec<Line>,
    cur: Line,
}

impl Builder<'_> {
    fn push(&mut self, span: &Span, text: &str, width: f32) {
        let x = self.cur.width;
        self.cur.width += width;
        if let Some(last) = self.cur.frags.last_mut()
            && last.face == span.face
            && last.strike == span.strike
            && last.muted == span.muted
        {
            last.text.push_str(text);
            last.width += width;
            return;
        }
        // Room for the words that follow on the line, so that adding them
        // does not move the text again and again.
        let mut owned = String::with_capacity(text.len().max(64));
        owned.push_str(text);
        self.cur.frags.push(Frag {
            face: span.face,
            text: owned,
            x,
            width,
            strike: span.strike,
            muted: span.muted,
        });
    }

    fn finish_line(&mut self) {
        // Trailing spaces would make right/centre alignment look off.
        if let Some(last) = self.cur.frags.last_mut() {
            let trimmed = last.text.trim_end_matches(' ');
            if trimmed.len() != last.text.len() {
                let fs = face_size(last.face, self.size);
                let w = self.fonts.width(last.face, fs, trimmed);
                self.cur.width -= last.width - w;
                last.width = w;
                last.text = trimmed.to_string();
            }
        }
        self.lines.push(std::mem::take(&mut self.cur));
    }

    /// Places a word wider than the whole line, character by character.
    fn push_split(&mut self, pieces: &[Piece]) {
        for p in pieces {
            let fs = face_size(p.span.face, self.size);
            let mut chunk = String::new();
            let mut chunk_w = 0.0;
            for c in p.text.chars() {
                let cw = self
                    .fonts
                    .width(p.span.face, fs, c.encode_utf8(&mut [0; 4]));
                if self.cur.width + chunk_w + cw > self.max
                    && (!chunk.is_empty() || !self.cur.frags.is_empty())
                {
                    self.push(p.span, &chunk, chunk_w);
                    self.finish_line();
                    chunk.clear();
                    chunk_w = 0.0;
                }
                chunk.push(c);
                chunk_w += cw;
            }
            if !chunk.is_empty() {
                self.push(p.span, &chunk, chunk_w);
            }
        }
    }
}

/// Breaks `spans` into lines no wider than `max` points at font size `size`.
/// An empty input gives no lines.
pub fn wrap(fonts: &Fonts, size: f32, max: f32, spans: &[Span]) -> Vec<Line> {
    let (all_pieces, tokens) = tokenize(fonts, size, spans);
    let mut b = Builder {
        fonts,
        size,
        max: max.max(1.0),
        lines: Vec::new(),
        cur: Line::default(),
    };
    let mut pending_space: Option<&Span> = None;
    for tok in &tokens {
        match tok {
            Token::Space(s) => {
                if !b.cur.frags.is_empty() {
                    pending_space = Some(s);
                }
            }
            Token::Break => {
                pending_space = None;
                b.finish_line();
            }
            Token::Word(range) => {
                let pieces = &all_pieces[range.clone()];
                let w: f32 = pieces.iter().map(|p| p.width).sum();
                let space_w = pending_space
                    .map(|s| {
                        fonts.ascii_advances(s.face)[usize::from(b' ')] * face_size(s.face, size)
                    })
                    .unwrap_or(0.0);
                if !b.cur.frags.is_empty() && b.cur.width + space_w + w > b.max {
                    b.finish_line();
                    pending_space = None;
                }
                if let Some(s) = pending_space.take()
                    && !b.cur.frags.is_empty()
                {
                    b.push(s, " ", space_w);
                }
                if b.cur.width + w > b.max {
                    b.push_split(pieces);
                } else {
                    for p in pieces {
                        b.push(p.span, p.text, p.width);
                    }
                }
            }
        }
    }
    if !b.cur.frags.is_empty() {
        b.finish_line();
    }
    b.lines
}

/// Width of the text on one line, unwrapped (for table column sizing).
pub fn natural_width(fonts: &Fonts, size: f32, spans: &[Span]) -> f32 {
    spans
        .iter()
        .map(|s| fonts.width(s.face, face_size(s.face, size), &s.text))
        .sum()
}

/// Width of the widest unbreakable word (for table minimum column widths).
pub fn longest_word(fonts: &Fonts, size: f32, spans: &[Span]) -> f32 {
    let mut best: f32 = 0.0;
    let (pieces, tokens) = tokenize(fonts, size, spans);
    for tok in tokens {
        if let Token::Word(range) = tok {
            best = best.max(pieces[range].iter().map(|p| p.width).sum());
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fonts() -> Fonts {
        Fonts::load().expect("fonts")
    }

    fn texts(lines: &[Line]) -> Vec<String> {
        lines
            .iter()
            .map(|l| l.frags.iter().map(|f| f.text.as_str()).collect())
            .collect()
    }

    #[test]
    fn wraps_within_width() {
        let f = fonts();
        let s = [Span::plain(
            Face::Regular,
            "one two three four five six seven eight nine ten",
        )];
        let lines = wrap(&f, 10.0, 80.0, &s);
        assert!(lines.len() > 2);
        for l in &lines {
            assert!(l.width <= 80.0 + 0.01, "{l:?}");
        }
        assert_eq!(texts(&lines).join(" "), s[0].text);
    }

    #[test]
    fn nbsp_keeps_words_together_and_long_words_break() {
        let f = fonts();
        let s = [Span::plain(Face::Regular, "aaaa bbbb\u{a0}cccc")];
        let w = f.width(Face::Regular, 10.0, "aaaa bbbb");
        let lines = wrap(&f, 10.0, w + 1.0, &s);
        assert_eq!(texts(&lines), vec!["aaaa", "bbbb\u{a0}cccc"]);
        let long = [Span::plain(Face::Regular, "x".repeat(200))];
        let lines = wrap(&f, 10.0, 50.0, &long);
        assert!(lines.len() > 3);
        assert!(lines.iter().all(|l| l.width <= 50.01));
    }

    #[test]
    fn a_number_keeps_its_unit_on_its_line() {
        let f = fonts();
        let s = [Span::plain(
            Face::Regular,
            "they offer 99,000 zł and 45 days",
        )];
        // Room for "they offer 99,000" but not for its unit.
        let w = f.width(Face::Regular, 10.0, "they offer 99,000 z");
        let lines = wrap(&f, 10.0, w, &s);
        assert_eq!(texts(&lines), ["they offer", "99,000 zł and", "45 days"]);
        // The space stays an ordinary one: a search finds "99,000 zł".
        assert!(texts(&lines).join(" ").contains("99,000 zł"));
        // A word that is no unit still breaks after a number.
        let s = [Span::plain(Face::Regular, "in 2027 everything changes")];
        let w = f.width(Face::Regular, 10.0, "in 2027 every");
        assert_eq!(texts(&wrap(&f, 10.0, w, &s))[0], "in 2027");
    }

    #[test]
    fn style_changes_inside_a_word_do_not_break_it() {
        let f = fonts();
        let s = [
            Span::plain(Face::Bold, "Price"),
            Span::plain(Face::Regular, ", then more"),
        ];
        let lines = wrap(&f, 10.0, 500.0, &s);
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].frags.len(), 2);
        assert!((lines[0].frags[1].x - lines[0].frags[0].width).abs() < 0.01);
    }
}
