//! The shape of a condition, checked on its text before the CEL parser sees it.
//!
//! The `cel` crate parses with a recursive-descent (ANTLR) parser and then walks
//! the tree recursively, as do our name check and the interpreter. A condition
//! whose tree is very deep — `1 + 1 + …` eight thousand times, a long chain of
//! `[0]` or `.a`, many nested brackets — overflows the stack, and a stack
//! overflow aborts the whole process: no message, no other brief built. The
//! parser's own limit only counts nested parentheses and reports it as a raw
//! internal error.
//!
//! So a cheap scan of the text bounds the depth the tree can reach, before any
//! recursion starts. The depth of the parse tree at any point is at most the sum,
//! over the brackets that enclose it, of one per bracket plus the operators
//! chained at that bracket's level (a chain of `+`, `.`, `[`, `<`… nests one
//! level per operator; `&&`, `||` and commas do not, the parser balances or
//! separates them). Both the number of nested brackets and that sum are capped,
//! with limits far above any condition a person writes.

/// A problem in a condition, at a character offset inside its source text.
#[derive(Debug)]
pub struct CondError {
    pub offset: usize,
    pub message: String,
    pub hint: Option<String>,
    /// The message should say which rule it is about (it reads as a verdict
    /// on the rule, not on a word of it).
    pub names_rule: bool,
}

/// The longest condition accepted, in characters.
pub const MAX_CHARS: usize = 4096;
/// How many brackets (and `? :` branches) may enclose one another.
pub const MAX_NESTING: usize = 32;
/// The deepest tree accepted: nested brackets plus the operators chained at
/// each of their levels.
pub const MAX_DEPTH: usize = 128;

/// One open bracket (or the whole condition) while scanning.
struct Level {
    /// Operators chained at this level since the last `&&`, `||`, `,` or `:`.
    chain: usize,
    /// `? :` branches opened at this level (each nests the rest of the level).
    branches: usize,
}

/// Refuse a condition whose tree would be too deep to parse safely, at the place
/// where it becomes too deep.
pub fn check(source: &str) -> Result<(), CondError> {
    let chars: Vec<char> = source.chars().collect();
    if chars.len() > MAX_CHARS {
        return Err(CondError {
            offset: MAX_CHARS,
            message: format!(
                "this condition is {} characters long; a condition is at most {MAX_CHARS}",
                chars.len()
            ),
            hint: Some("split it into several rules, or test a list with `in` or `exists`".into()),
            names_rule: true,
        });
    }
    let mut levels = vec![Level {
        chain: 0,
        branches: 0,
    }];
    // Whether the previous token ends an operand: then `(` and `[` are a call or
    // an index on it (one more link in the chain), not a new group.
    let mut after_operand = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        let at = i;
        i += 1;
        match c {
            '\'' | '"' => {
                i = skip_string(&chars, at);
                after_operand = true;
                continue;
            }
            '/' if next == Some('/') => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
                continue;
            }
            c if c.is_whitespace() => continue,
            c if c.is_alphanumeric() || c == '_' => {
                let start = at;
                while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
                // A string with a prefix: r'…', b"…", rb'…'.
                if i < chars.len() && matches!(chars[i], '\'' | '"') && i - start <= 2 {
                    i = skip_string(&chars, i);
                    after_operand = true;
                    continue;
                }
                let word: String = chars[start..i].iter().collect();
                if word == "in" {
                    link(&mut levels);
                    after_operand = false;
                } else {
                    after_operand = true;
                }
            }
            '(' | '[' | '{' => {
                if after_operand && c != '{' {
                    link(&mut levels);
                }
                levels.push(Level {
                    chain: 0,
                    branches: 0,
                });
                after_operand = false;
            }
            ')' | ']' | '}' => {
                if levels.len() > 1 {
                    levels.pop();
                }
                after_operand = true;
                continue;
            }
            '&' | '|' if next == Some(c) => {
                i += 1;
                restart(&mut levels);
                after_operand = false;
            }
            ',' | ':' => {
                restart(&mut levels);
                after_operand = false;
            }
            '?' => {
                if let Some(l) = levels.last_mut() {
                    l.branches += 1;
                    l.chain = 0;
                }
                after_operand = false;
            }
            '.' if after_operand => link(&mut levels),
            _ => {
                // Any other operator: + - * / % < > = ! and their pairs.
                if matches!(next, Some('=')) && matches!(c, '<' | '>' | '=' | '!') {
                    i += 1;
                }
                link(&mut levels);
                after_operand = false;
            }
        }
        let nesting = levels.len() - 1 + levels.iter().map(|l| l.branches).sum::<usize>();
        if nesting > MAX_NESTING {
            return Err(CondError {
                offset: at,
                message: format!(
                    "this condition nests brackets or `? :` more than {MAX_NESTING} levels deep"
                ),
                hint: Some("write it flatter, or split it into several rules".into()),
                names_rule: true,
            });
        }
        let depth: usize = nesting + levels.iter().map(|l| l.chain + l.branches).sum::<usize>();
        if depth > MAX_DEPTH {
            return Err(CondError {
                offset: at,
                message: format!(
                    "this condition chains too many operations (`+`, `.`, `[…]`, comparisons) in a row; at most {MAX_DEPTH} can nest"
                ),
                hint: Some("split the chain with `&&` or `||`, or into several rules".into()),
                names_rule: true,
            });
        }
    }
    Ok(())
}

/// One more operator chained at the innermost level.
fn link(levels: &mut [Level]) {
    if let Some(l) = levels.last_mut() {
        l.chain += 1;
    }
}

/// `&&`, `||`, `,` and `:` start a new chain at the innermost level.
fn restart(levels: &mut [Level]) {
    if let Some(l) = levels.last_mut() {
        l.chain = 0;
    }
}

/// The index just past the string literal that opens at `start` (plain or
/// triple-quoted; a backslash escapes the next character). An unterminated
/// string runs to the end: the parser reports it.
fn skip_string(chars: &[char], start: usize) -> usize {
    let q = chars[start];
    let triple = chars.get(start + 1) == Some(&q) && chars.get(start + 2) == Some(&q);
    let mut i = start + if triple { 3 } else { 1 };
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 2,
            c if c == q => {
                if !triple {
                    return i + 1;
                }
                if chars.get(i + 1) == Some(&q) && chars.get(i + 2) == Some(&q) {
                    return i + 3;
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    chars.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn depth_error(s: &str) -> Option<String> {
        check(s).err().map(|e| e.message)
    }

    #[test]
    fn ordinary_conditions_pass() {
        for s in [
            "terms.exists(t, t.beyond_walk && t.deal_breaker) || score < 40",
            "'false_urgency' in observed",
            "term.price.score < 50 && leverage == 'weak'",
            "size(deal_breakers) > 0 ? verdict == 'walk' : red_flags.exists(f, f == 'rude')",
            "'a(b[c' in observed // a comment with ( and [",
            r#"r'\d+'.size() > 0 && """x'"y""" != ''"#,
        ] {
            assert_eq!(depth_error(s), None, "{s}");
        }
    }

    #[test]
    fn long_chains_of_each_kind_are_refused() {
        let plus = format!("{}1 > 0", "1 + ".repeat(300));
        let index = format!("[0]{} == 0", "[0]".repeat(300));
        let member = format!("term{} == 0", ".a".repeat(300));
        let compare = format!("1{}", " < 1".repeat(200));
        let mixed = format!("{}1{} > 0", "(1 + 1 + 1 + 1 + ".repeat(30), ")".repeat(30));
        for s in [&plus, &index, &member, &compare, &mixed] {
            let e = check(s).expect_err("refused");
            assert!(
                e.message.contains("chains too many operations"),
                "{}",
                e.message
            );
        }
    }

    #[test]
    fn deep_brackets_and_branches_are_refused_where_they_get_too_deep() {
        let parens = format!("{}1{} > 0", "(".repeat(200), ")".repeat(200));
        let e = check(&parens).expect_err("refused");
        assert!(e.message.contains("nests brackets"), "{}", e.message);
        assert_eq!(e.offset, MAX_NESTING);
        let lists = format!("{}{} == []", "[".repeat(40), "]".repeat(40));
        assert!(depth_error(&lists).is_some());
        let ternary = format!("{}1 > 0", "true ? 1 : ".repeat(40));
        assert!(depth_error(&ternary).is_some());
    }

    #[test]
    fn and_or_and_commas_do_not_deepen() {
        let ors = vec!["'x' in observed"; 150].join(" || ");
        assert!(ors.len() < MAX_CHARS);
        assert_eq!(depth_error(&ors), None);
        let list = format!("size([{}]) > 0", vec!["1"; 1000].join(", "));
        assert_eq!(depth_error(&list), None);
    }

    #[test]
    fn overlong_conditions_are_refused() {
        let long = format!("score > 0 && '{}' in observed", "x".repeat(MAX_CHARS));
        let e = check(&long).expect_err("refused");
        assert!(e.message.contains("at most 4096"), "{}", e.message);
    }
}

#[cfg(test)]
mod stack_tests {
    use super::*;

    /// The deepest conditions `check` lets through, of every shape.
    fn deepest() -> Vec<String> {
        let chain = MAX_DEPTH - 2;
        let nest = MAX_NESTING;
        let per_level = (MAX_DEPTH - nest) / nest;
        vec![
            format!("{}1 > 0", "1 + ".repeat(chain - 1)),
            format!("[[0]]{} == 0", "[0]".repeat(chain - 2)),
            format!("{{'a': 1}}{} == 1", ".a".repeat(chain - 2)),
            format!(
                "{}1{} > 0",
                format!("({}", "1 + ".repeat(per_level)).repeat(nest - 1),
                ")".repeat(nest - 1)
            ),
            format!("{}true{}", "[".repeat(nest - 1), "]".repeat(nest - 1)),
            format!("{}1 > 0", "true ? 1 : ".repeat(nest / 2 - 1)),
            format!(
                "{}true{}",
                "[1].all(x, ".repeat(nest - 1),
                ")".repeat(nest - 1)
            ),
        ]
    }

    #[test]
    fn the_deepest_accepted_conditions_compile_and_run_on_a_small_stack() {
        // Debug builds use far bigger frames than release; half the default
        // 2 MiB of a spawned thread leaves a margin for both.
        let conditions = deepest();
        for c in &conditions {
            check(c).unwrap_or_else(|e| panic!("{c}: {}", e.message));
        }
        std::thread::Builder::new()
            .stack_size(1024 * 1024)
            .spawn(move || {
                for c in &conditions {
                    let program = cel::Program::compile(c).expect("compiles");
                    let _ = program.execute(&cel::Context::default());
                }
            })
            .expect("spawn")
            .join()
            .expect("no stack overflow");
    }
}
