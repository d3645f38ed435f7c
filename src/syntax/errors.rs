//! pest errors → diagnostics in the user's words, never pest rule names.

use super::grammar::Rule;
use super::lexical::{token_at, word_at, KEYWORDS};
use crate::diagnostics::{codes, Diagnostic};
use crate::source::{SourceId, Span};
use crate::util::did_you_mean;
use pest::error::{Error, ErrorVariant, InputLocation};

/// What a rule means to a reader, or `None` for rules never named in messages.
fn describe(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::statement
        | Rule::statement_at
        | Rule::kw_group
        | Rule::kw_grant
        | Rule::kw_assert => "a statement (`group`, `grant` or `assert`)",
        Rule::group_decl => "a group declaration",
        Rule::grant => "a grant",
        Rule::assertion => "an assertion",
        Rule::principals | Rule::principal => "a group name or `everyone`",
        Rule::kw_everyone => "`everyone`",
        Rule::group_name | Rule::bare_name => "a group name",
        Rule::string | Rule::string_body => "a quoted string",
        Rule::rights
        | Rule::right
        | Rule::kw_read
        | Rule::kw_write
        | Rule::kw_admin
        | Rule::kw_all => "a right (`read`, `write`, `admin`, `all`)",
        Rule::comma => "`,`",
        Rule::kw_on => "`on`",
        Rule::targets | Rule::target_list | Rule::target => {
            "a target (`queue`, `topic`, `temp` or `advisory`)"
        }
        Rule::kind | Rule::kw_queue | Rule::kw_topic => "`queue` or `topic`",
        Rule::kw_temp => "`temp`",
        Rule::kw_advisory => "`advisory`",
        Rule::pattern | Rule::bare_pattern => "a destination pattern",
        Rule::kw_can | Rule::kw_cannot => "`can` or `cannot`",
        Rule::kw_only => "`only`",
        Rule::simple_assertion | Rule::only_assertion => "a group name, `everyone` or `only`",
        Rule::EOI => "end of input",
        _ => return None,
    })
}

fn join_alternatives(items: &[&str]) -> String {
    match items {
        [] => "something else".to_string(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} or {}", init.join(", "), last),
    }
}

/// Convert a pest error raised while parsing `text[offset..]`.
pub(super) fn convert(id: SourceId, text: &str, offset: usize, error: &Error<Rule>) -> Diagnostic {
    let pos = offset
        + match error.location {
            InputLocation::Pos(p) => p,
            InputLocation::Span((s, _)) => s,
        };
    let pos = pos.min(text.len());
    let positives: Vec<Rule> = match &error.variant {
        ErrorVariant::ParsingError { positives, .. } => positives.clone(),
        ErrorVariant::CustomError { .. } => Vec::new(),
    };
    let has = |pred: fn(Rule) -> bool| positives.iter().any(|r| pred(*r));
    let mut expected: Vec<&str> = Vec::new();
    for rule in &positives {
        if let Some(d) = describe(*rule) {
            if !expected.contains(&d) {
                expected.push(d);
            }
        }
    }
    let (found, found_span) = token_at(text, pos);
    let span = if found_span.is_empty() {
        Span::new(pos, pos)
    } else {
        found_span
    };
    let word = word_at(text, pos);
    let is_kw = word.is_some_and(|w| KEYWORDS.contains(&w));
    let expects_right = has(|r| {
        matches!(
            r,
            Rule::right
                | Rule::rights
                | Rule::kw_read
                | Rule::kw_write
                | Rule::kw_admin
                | Rule::kw_all
        )
    });
    let expects_on = has(|r| r == Rule::kw_on);
    let expects_name = has(|r| {
        matches!(
            r,
            Rule::principal
                | Rule::principals
                | Rule::group_name
                | Rule::bare_name
                | Rule::pattern
                | Rule::bare_pattern
                | Rule::simple_assertion
        )
    });

    if let Some(d) = configuration_given(id, text, pos) {
        return d;
    }
    if has(|r| matches!(r, Rule::pattern | Rule::bare_pattern)) {
        if let Some(d) = comment_for_pattern(id, text, offset, pos) {
            return d;
        }
    }
    let expects_target = has(|r| {
        matches!(
            r,
            Rule::targets | Rule::target_list | Rule::target | Rule::kind | Rule::kw_queue
        )
    });
    if expects_target && !is_kw {
        if let Some(w) = word {
            let targets = ["queue", "topic", "temp", "advisory"];
            let mut d = Diagnostic::error(codes::SYNTAX_ERROR, format!("unknown target `{w}`"))
                .primary(id, span, "not a target");
            let list = "targets are `queue PATTERN`, `topic PATTERN`, `temp` and `advisory`";
            d = match did_you_mean(w, targets.iter().copied()) {
                Some(s) if s == w.to_lowercase() => d.help(format!(
                    "did you mean `{s}`? keywords are lower case; {list}"
                )),
                Some(s) => d.help(format!("did you mean `{s}`? {list}")),
                None => d.help(format!("{list}, as in `grant g read on queue ORDERS.>`")),
            };
            return d;
        }
    }
    if expects_on && matches!(word, Some("queue" | "topic" | "temp" | "advisory")) {
        return Diagnostic::error(
            codes::MISSING_ON,
            format!("expected `on` before the targets, found {found}"),
        )
        .primary(id, span, "expected `on` here")
        .help(
            "write `on` between the rights and the targets, as in `grant g read on queue ORDERS`",
        );
    }
    if expects_right && !is_kw {
        if let Some(w) = word {
            let rights = ["read", "write", "admin", "all"];
            let mut d = Diagnostic::error(codes::UNKNOWN_RIGHT, format!("unknown right `{w}`"))
                .primary(id, span, "not a right");
            d = match did_you_mean(w, rights.iter().copied()) {
                Some(s) => d.help(format!(
                    "did you mean `{s}`? rights are `read`, `write`, `admin` and `all`"
                )),
                None => d.help("rights are `read`, `write`, `admin` and `all` (all three)"),
            };
            return d;
        }
    }
    if is_kw && (expects_name || expects_right || expects_on) {
        let w = word.unwrap_or_default();
        let mut d = Diagnostic::error(
            codes::MISPLACED_KEYWORD,
            format!(
                "keyword `{w}` cannot stand here; expected {}",
                join_alternatives(&expected)
            ),
        )
        .primary(id, span, "unexpected keyword");
        d = if expects_name {
            d.help(format!(
                "a name spelled like a keyword must be quoted: `\"{w}\"`"
            ))
        } else {
            d.help(format!("expected {}", join_alternatives(&expected)))
        };
        return d;
    }
    let message = format!("expected {}, found {found}", join_alternatives(&expected));
    let mut d =
        Diagnostic::error(codes::SYNTAX_ERROR, message).primary(id, span, "unexpected here");
    d = if expected.iter().any(|e| e.starts_with("a statement")) {
        d.help("every statement starts with `group`, `grant` or `assert`; a `#` starts a comment")
    } else if text[pos..].starts_with(',') || found.contains(',') {
        d.help("lists are separated by single commas, with an item after each comma")
    } else {
        d.help("see the language reference in docs/language.md")
    };
    d
}

/// A broker configuration given where a policy is expected: the first thing
/// in the file is `<` (XML) or `{` (AWS CLI JSON).
fn configuration_given(id: SourceId, text: &str, pos: usize) -> Option<Diagnostic> {
    let before = text.get(..pos)?;
    if !before.trim_start_matches('\u{feff}').trim().is_empty() {
        return None;
    }
    let what = match text[pos..].chars().next()? {
        '<' => "XML",
        '{' => "JSON",
        _ => return None,
    };
    Some(
        Diagnostic::error(
            codes::SYNTAX_ERROR,
            format!("this looks like a broker configuration ({what}), not a policy"),
        )
        .primary(
            id,
            Span::new(pos, pos + 1),
            "a policy starts with `group`, `grant`, `assert` or a `#` comment",
        )
        .help(
            "a broker configuration goes to `mqauthz import CONFIG` (to turn it into a policy), \
             `mqauthz compile POLICY --into CONFIG` and `mqauthz check POLICY --config CONFIG`; \
             `diff`, `explain` and `review` read either",
        ),
    )
}

/// A pattern expected where a `#` started a comment (`queue #`): the `#`
/// was meant as a wildcard.
fn comment_for_pattern(id: SourceId, text: &str, offset: usize, pos: usize) -> Option<Diagnostic> {
    let statement = text.get(offset..pos)?;
    let last = super::lexical::comments(statement).pop()?;
    let at = offset + last.span.start as usize;
    if super::lexical::skip_trivia(text, at) < pos || last.own_line {
        return None;
    }
    Some(
        Diagnostic::error(
            codes::SYNTAX_ERROR,
            "`#` starts a comment, so a pattern is missing here",
        )
        .primary(
            id,
            Span::new(at, at + 1),
            "a comment to the end of the line",
        )
        .help(
            "ActiveMQ's wildcard for any number of segments is `>`, not `#`: `>` alone is every \
             destination of the kind; quote the pattern (`\"#\"`) if a literal `#` is meant",
        ),
    )
}
