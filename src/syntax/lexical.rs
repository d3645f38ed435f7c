//! The lexical classes of the language (keywords, bare names, bare
//! patterns, quoting), declared once here beside the grammar, and helpers
//! that work on raw text: comments, statement starts for error recovery,
//! suppression comments, and the token at an error.

use crate::ast::{Allow, Comment, Ident, PolicyFile};
use crate::diagnostics::{codes, Diagnostic};
use crate::source::{SourceFile, SourceId, Span};

pub(super) const KEYWORDS: &[&str] = &[
    "group", "grant", "assert", "on", "can", "cannot", "only", "everyone", "read", "write",
    "admin", "all", "queue", "topic", "temp", "advisory",
];

const STATEMENT_KEYWORDS: &[&str] = &["group", "grant", "assert"];

/// Characters of a bare name (`name_char` in the grammar).
pub(super) fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "_.~-".contains(c)
}

/// Characters of a bare pattern (`pattern_char` in the grammar), a superset
/// of bare-name characters.
pub(super) fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "_$:/@~-.*>".contains(c)
}

/// Is `word` a keyword of the language?
pub(crate) fn is_keyword(word: &str) -> bool {
    KEYWORDS.contains(&word)
}

/// Can `name` be written as a bare group name (`bare_name`)?
pub(crate) fn is_bare_name(name: &str) -> bool {
    !name.is_empty() && name.chars().all(is_name_char) && !is_keyword(name)
}

/// Can `pattern` be written without quotes as far as its characters go
/// (`bare_pattern`)? Whether it is a valid pattern is the model's question.
pub(crate) fn is_bare_pattern(pattern: &str) -> bool {
    !pattern.is_empty() && pattern.chars().all(is_word_char) && !is_keyword(pattern)
}

/// `text` as a string literal: in double quotes, `\` and `"` escaped.
pub(crate) fn quote(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

/// A group name as it must be written in a policy: bare when it can be,
/// else quoted.
pub(crate) fn write_name(name: &str) -> String {
    if is_bare_name(name) {
        name.to_string()
    } else {
        quote(name)
    }
}

/// Skip whitespace and comments from `pos`.
pub(super) fn skip_trivia(text: &str, mut pos: usize) -> usize {
    let bytes = text.as_bytes();
    while pos < bytes.len() {
        match bytes[pos] {
            b' ' | b'\t' | b'\r' | b'\n' => pos += 1,
            b'#' => {
                while pos < bytes.len() && bytes[pos] != b'\n' {
                    pos += 1;
                }
            }
            _ => break,
        }
    }
    pos
}

/// The first line after the line holding `from` that starts with a statement
/// keyword: where parsing resumes after an error.
pub(super) fn next_statement_start(text: &str, from: usize) -> Option<usize> {
    let mut line_start = text[from.min(text.len())..]
        .find('\n')
        .map(|i| from + i + 1)?;
    while line_start < text.len() {
        let line_end = text[line_start..]
            .find('\n')
            .map_or(text.len(), |i| line_start + i);
        let line = &text[line_start..line_end];
        let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
        let word: String = line[indent..]
            .chars()
            .take_while(|c| is_word_char(*c))
            .collect();
        if STATEMENT_KEYWORDS.contains(&word.as_str()) {
            return Some(line_start + indent);
        }
        line_start = line_end + 1;
    }
    None
}

/// Characters the grammar lexes into one bare word (`pattern_char`): those
/// of a bare pattern, and those outside ASCII that are neither white space
/// nor control characters (`unquoted_char`, so that the error can say to
/// quote the word). Only [`is_word_char`] may stand in a valid bare word.
fn is_token_char(c: char) -> bool {
    is_word_char(c) || (!c.is_ascii() && !c.is_whitespace() && !c.is_control())
}

/// What stands at `pos`, for messages: a word, a string, a character or the
/// end of input, with its span.
pub(super) fn token_at(text: &str, pos: usize) -> (String, Span) {
    let rest = &text[pos.min(text.len())..];
    let Some(first) = rest.chars().next() else {
        return ("end of input".to_string(), Span::new(pos, pos));
    };
    if first == '\n' || first == '\r' {
        return ("end of line".to_string(), Span::new(pos, pos));
    }
    if first == '"' {
        let end = rest[1..]
            .find(['"', '\n'])
            .map_or(rest.len(), |i| i + 2)
            .min(rest.len());
        return (format!("`{}`", &rest[..end]), Span::new(pos, pos + end));
    }
    let len: usize = rest
        .chars()
        .take_while(|c| is_token_char(*c))
        .map(char::len_utf8)
        .sum();
    let len = if len == 0 { first.len_utf8() } else { len };
    (format!("`{}`", &rest[..len]), Span::new(pos, pos + len))
}

/// The bare word at `pos`, if any.
pub(super) fn word_at(text: &str, pos: usize) -> Option<&str> {
    let rest = &text[pos.min(text.len())..];
    let len: usize = rest
        .chars()
        .take_while(|c| is_token_char(*c))
        .map(char::len_utf8)
        .sum();
    (len > 0).then(|| &rest[..len])
}

/// Every comment in the text (a `#` outside a string, to the end of the line).
pub(super) fn comments(text: &str) -> Vec<Comment> {
    let mut out = Vec::new();
    let mut line_start = 0;
    while line_start < text.len() {
        let line_end = text[line_start..]
            .find('\n')
            .map_or(text.len(), |i| line_start + i);
        let line = &text[line_start..line_end];
        let mut in_string = false;
        let mut escaped = false;
        for (i, c) in line.char_indices() {
            if in_string {
                match c {
                    _ if escaped => escaped = false,
                    '\\' => escaped = true,
                    '"' => in_string = false,
                    _ => {}
                }
            } else if c == '"' {
                in_string = true;
            } else if c == '#' {
                let body = line[i..].trim_end();
                let before = &line[..i];
                out.push(Comment {
                    span: Span::new(line_start + i, line_start + i + body.len()),
                    text: body.to_string(),
                    own_line: before.trim_start_matches('\u{feff}').trim().is_empty(),
                });
                break;
            }
        }
        line_start = line_end + 1;
    }
    out
}

/// Parse `# mqauthz: allow(a, b) reason`. `Ok(None)` when the comment is not a
/// suppression comment at all.
fn parse_allow(comment: &Comment) -> Result<Option<Allow>, String> {
    let body = comment.text.trim_start_matches('#');
    let lead = comment.text.len() - body.len();
    let trimmed = body.trim_start();
    let Some(after) = trimmed.strip_prefix("mqauthz:") else {
        return Ok(None);
    };
    let base = comment.span.start as usize + lead + (body.len() - trimmed.len()) + 8;
    let inner = after.trim_start();
    let base = base + (after.len() - inner.len());
    let Some(list) = inner.strip_prefix("allow(") else {
        return Err("expected `allow(rule-name, ...)` after `mqauthz:`".to_string());
    };
    let Some(close) = list.find(')') else {
        return Err("the rule list has no closing `)`".to_string());
    };
    let mut rules = Vec::new();
    let mut offset = base + 6;
    for part in list[..close].split(',') {
        let name = part.trim();
        let lead = part.len() - part.trim_start().len();
        if name.is_empty() {
            return Err("empty rule name in `allow(...)`".to_string());
        }
        rules.push(Ident {
            value: name.to_string(),
            span: Span::new(offset + lead, offset + lead + name.len()),
            quoted: false,
        });
        offset += part.len() + 1;
    }
    Ok(Some(Allow {
        span: comment.span,
        rules,
        reason: list[close + 1..].trim().to_string(),
    }))
}

/// Attach each suppression comment to its statement: the one starting on the
/// next line (for a comment on a line of its own) or ending on the same line.
pub(super) fn attach_allows(
    id: SourceId,
    source: &SourceFile,
    file: &mut PolicyFile,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let lines: Vec<(usize, usize)> = file
        .statements
        .iter()
        .map(|s| {
            let start = source.line_index(s.span.start as usize);
            let end = source.line_index(
                (s.span.end as usize)
                    .saturating_sub(1)
                    .max(s.span.start as usize),
            );
            (start, end)
        })
        .collect();
    for comment in &file.comments {
        let allow = match parse_allow(comment) {
            Ok(Some(allow)) => allow,
            Ok(None) => continue,
            Err(problem) => {
                diagnostics.push(
                    Diagnostic::warning(
                        codes::INVALID_SUPPRESSION,
                        format!("malformed suppression comment: {problem}"),
                    )
                    .primary(id, comment.span, "")
                    .help("write `# mqauthz: allow(rule-name) reason` above the statement"),
                );
                continue;
            }
        };
        let line = source.line_index(comment.span.start as usize);
        // statements are in source order, so their lines are sorted
        let found = if comment.own_line {
            lines
                .binary_search_by_key(&(line + 1), |(start, _)| *start)
                .ok()
        } else {
            lines.binary_search_by_key(&line, |(_, end)| *end).ok()
        };
        let target = found.and_then(|i| file.statements.get_mut(i));
        match target {
            Some(statement) => statement.allows.push(allow),
            None => diagnostics.push(
                Diagnostic::warning(
                    codes::INVALID_SUPPRESSION,
                    "suppression comment is not attached to a statement",
                )
                .primary(id, comment.span, "silences nothing here")
                .help(
                    "put it on the line directly above the statement, or at the end of its last line",
                ),
            ),
        }
    }
}
