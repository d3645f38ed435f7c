//! Parsing: policy text → [`ast::PolicyFile`](crate::ast::PolicyFile) plus
//! diagnostics.
//!
//! The file is parsed one statement at a time, so that one run reports every
//! syntax error: after an error, parsing resumes at the next line that starts
//! with a statement keyword.

mod errors;
mod grammar;
mod lexical;
mod lower;

use crate::ast::PolicyFile;
use crate::diagnostics::Diagnostic;
use crate::source::{SourceFile, SourceId};
use grammar::{PolicyParser, Rule};
use pest::Parser;

/// The result of parsing one file: the statements that parsed, and every
/// problem found.
#[derive(Clone, Debug)]
pub struct Parsed {
    pub file: PolicyFile,
    pub diagnostics: Vec<Diagnostic>,
}

/// Parse a policy file.
pub fn parse(id: SourceId, source: &SourceFile) -> Parsed {
    let text = &*source.text;
    let mut diagnostics = Vec::new();
    let mut statements = Vec::new();
    let mut unquoted = Vec::new();
    let mut pos = if text.starts_with('\u{feff}') { 3 } else { 0 };

    while pos < text.len() {
        // nothing but whitespace and comments left (checked here rather than
        // by the grammar: a failed pest parse costs time in the input's size)
        if lexical::skip_trivia(text, pos) >= text.len() {
            break;
        }
        // A line starting with a statement keyword always starts a new
        // statement (a group or pattern spelled like one must be quoted), so
        // each parse sees one statement's text: work and error reporting stay
        // proportional to the statement, not to the rest of the file.
        let start = lexical::skip_trivia(text, pos);
        let end = lexical::next_statement_start(text, start).unwrap_or(text.len());
        let rest = &text[pos..end];
        match PolicyParser::parse(Rule::statement_at, rest) {
            Ok(mut pairs) => {
                let Some(pair) = pairs.next() else { break };
                let end = pos + pair.as_span().end();
                match lower::statement(id, pair, pos, &mut diagnostics, &mut unquoted) {
                    Some(statement) => statements.push(statement),
                    None => break,
                }
                if end <= pos {
                    break;
                }
                pos = end;
            }
            Err(error) => {
                diagnostics.push(errors::convert(id, text, pos, &error));
                if end <= pos || end >= text.len() {
                    break;
                }
                pos = end;
            }
        }
    }

    lower::report_unquoted(id, unquoted, &mut diagnostics);
    let comments = lexical::comments(text);
    let mut file = PolicyFile {
        statements,
        comments,
    };
    lexical::attach_allows(id, source, &mut file, &mut diagnostics);
    Parsed { file, diagnostics }
}

pub(crate) use lexical::{is_bare_pattern, quote, write_name};

#[cfg(test)]
mod tests {
    use super::grammar::{PolicyParser, Rule};
    use super::lexical::KEYWORDS;
    use pest::Parser;

    /// Does the grammar's `rule` match the whole of `text`?
    fn whole(rule: Rule, text: &str) -> bool {
        PolicyParser::parse(rule, text)
            .ok()
            .and_then(|mut pairs| pairs.next())
            .is_some_and(|p| p.as_str() == text)
    }

    #[test]
    fn lexical_classes_agree_with_the_grammar() {
        let mut samples: Vec<String> = vec![String::new()];
        for c in (0x20u8..0x7f).map(char::from).chain(['é', '\t']) {
            samples.push(c.to_string());
            samples.push(format!("a{c}b"));
            samples.push(format!("{c}x"));
        }
        for k in KEYWORDS {
            samples.push(k.to_string());
            samples.push(format!("{k}s"));
            samples.push(format!("{k}.x"));
            samples.push(format!("{k}>"));
            samples.push(format!("x{k}"));
        }
        for s in &samples {
            if !s.is_ascii() {
                // the grammar lexes such a word bare only to say it must be quoted
                assert!(!super::lexical::is_bare_name(s) && !super::is_bare_pattern(s));
                continue;
            }
            assert_eq!(
                super::lexical::is_bare_name(s),
                whole(Rule::bare_name, s),
                "bare name {s:?}"
            );
            assert_eq!(
                super::is_bare_pattern(s),
                whole(Rule::bare_pattern, s),
                "bare pattern {s:?}"
            );
            let quoted = super::quote(s);
            if !s.contains(|c: char| c.is_control()) {
                assert!(whole(Rule::string, &quoted), "string {quoted:?}");
            }
        }
    }
}
