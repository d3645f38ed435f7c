//! Lowering: pest pairs → AST nodes, one function per grammar rule. The
//! grammar guarantees the shape of the pairs, so a mismatch is a bug between
//! grammar and lowering; it is handled by returning `None`, never a panic.

use super::grammar::Rule;
use crate::ast::*;
use crate::diagnostics::{codes, Diagnostic};
use crate::semantics::DestKind;
use crate::source::{SourceId, Span};
use pest::iterators::Pair;

struct Lower<'d> {
    id: SourceId,
    offset: usize,
    diagnostics: &'d mut Vec<Diagnostic>,
    unquoted: &'d mut Vec<Unquoted>,
}

/// A bare name or pattern holding characters outside ASCII, which the
/// language only accepts quoted. Collected over the file and reported once
/// per word (see [`report_unquoted`]).
#[derive(Clone, Debug)]
pub(super) struct Unquoted {
    pub word: String,
    /// `group name` or `pattern`.
    pub role: &'static str,
    pub span: Span,
}

/// Lower one `statement_at` pair; `offset` is where its input started.
pub(super) fn statement(
    id: SourceId,
    pair: Pair<'_, Rule>,
    offset: usize,
    diagnostics: &mut Vec<Diagnostic>,
    unquoted: &mut Vec<Unquoted>,
) -> Option<Statement> {
    let mut l = Lower {
        id,
        offset,
        diagnostics,
        unquoted,
    };
    let statement = pair.into_inner().find(|p| p.as_rule() == Rule::statement)?;
    l.statement(statement)
}

impl Lower<'_> {
    fn span(&self, pair: &Pair<'_, Rule>) -> Span {
        let s = pair.as_span();
        Span::new(self.offset + s.start(), self.offset + s.end())
    }

    fn statement(&mut self, pair: Pair<'_, Rule>) -> Option<Statement> {
        let mut tokens = Vec::new();
        self.tokens(pair.clone(), &mut tokens);
        // The pair may include trailing whitespace and comments; a statement
        // ends with its last token.
        let first = self.span(&pair);
        let span = match (tokens.first(), tokens.last()) {
            (Some(a), Some(b)) => a.span.join(b.span),
            _ => first,
        };
        let inner = pair.into_inner().next()?;
        let kind = match inner.as_rule() {
            Rule::group_decl => StatementKind::Group(self.group_decl(inner)?),
            Rule::grant => StatementKind::Grant(self.grant(inner)?),
            Rule::assertion => StatementKind::Assert(self.assertion(inner)?),
            _ => return None,
        };
        Some(Statement {
            kind,
            span,
            tokens,
            allows: Vec::new(),
        })
    }

    /// The statement's tokens as written, for the formatter.
    fn tokens(&self, pair: Pair<'_, Rule>, out: &mut Vec<Token>) {
        match pair.as_rule() {
            Rule::string | Rule::bare_name | Rule::bare_pattern | Rule::comma => out.push(Token {
                span: self.span(&pair),
            }),
            rule if is_keyword_rule(rule) => out.push(Token {
                span: self.span(&pair),
            }),
            _ => {
                for inner in pair.into_inner() {
                    self.tokens(inner, out);
                }
            }
        }
    }

    fn group_decl(&mut self, pair: Pair<'_, Rule>) -> Option<GroupDecl> {
        let mut name = None;
        let mut description = None;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::group_name => name = Some(self.ident(p)?),
                Rule::string => description = Some(self.string(p)),
                _ => {}
            }
        }
        Some(GroupDecl {
            name: name?,
            description,
        })
    }

    fn grant(&mut self, pair: Pair<'_, Rule>) -> Option<Grant> {
        let mut principals = Vec::new();
        let mut rights = Vec::new();
        let mut targets = Vec::new();
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::principals => principals = self.principals(p)?,
                Rule::rights => rights = self.rights(p),
                Rule::targets => {
                    for list in p.into_inner().filter(|p| p.as_rule() == Rule::target_list) {
                        self.target_list(list, &mut targets)?;
                    }
                }
                _ => {}
            }
        }
        Some(Grant {
            principals,
            rights,
            targets,
        })
    }

    fn assertion(&mut self, pair: Pair<'_, Rule>) -> Option<Assertion> {
        let body = pair
            .into_inner()
            .find(|p| matches!(p.as_rule(), Rule::simple_assertion | Rule::only_assertion))?;
        let mut kind = if body.as_rule() == Rule::only_assertion {
            AssertKind::Only
        } else {
            AssertKind::Can
        };
        let mut principals = Vec::new();
        let mut rights = Vec::new();
        let mut target = None;
        for p in body.into_inner() {
            match p.as_rule() {
                Rule::principal => principals.push(self.principal(p)?),
                Rule::principals => principals = self.principals(p)?,
                Rule::kw_cannot => kind = AssertKind::Cannot,
                Rule::rights => rights = self.rights(p),
                Rule::target => target = Some(self.target(p)?),
                _ => {}
            }
        }
        Some(Assertion {
            kind,
            principals,
            rights,
            target: target?,
        })
    }

    fn principals(&mut self, pair: Pair<'_, Rule>) -> Option<Vec<Principal>> {
        pair.into_inner()
            .filter(|p| p.as_rule() == Rule::principal)
            .map(|p| self.principal(p))
            .collect()
    }

    fn principal(&mut self, pair: Pair<'_, Rule>) -> Option<Principal> {
        let inner = pair.into_inner().next()?;
        match inner.as_rule() {
            Rule::kw_everyone => Some(Principal::Everyone(self.span(&inner))),
            Rule::group_name => Some(Principal::Group(self.ident(inner)?)),
            _ => None,
        }
    }

    fn rights(&mut self, pair: Pair<'_, Rule>) -> Vec<RightTok> {
        pair.into_inner()
            .filter(|p| p.as_rule() == Rule::right)
            .filter_map(|p| {
                let kw = p.into_inner().next()?;
                let word = match kw.as_rule() {
                    Rule::kw_read => RightWord::Read,
                    Rule::kw_write => RightWord::Write,
                    Rule::kw_admin => RightWord::Admin,
                    Rule::kw_all => RightWord::All,
                    _ => return None,
                };
                Some(RightTok {
                    word,
                    span: self.span(&kw),
                })
            })
            .collect()
    }

    fn target_list(&mut self, pair: Pair<'_, Rule>, out: &mut Vec<Target>) -> Option<()> {
        let mut current = None;
        let mut later = false;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::kind => {
                    current = Some(self.kind(p)?);
                    later = false;
                }
                Rule::pattern => {
                    let (kind, kind_span) = current?;
                    let mut pattern = self.ident(p.clone())?;
                    self.comment_in_pattern(&p, &mut pattern);
                    // later patterns of a list point at themselves only
                    let kind_span = if later { pattern.span } else { kind_span };
                    later = true;
                    out.push(Target::Dest {
                        kind,
                        kind_span,
                        pattern,
                    });
                }
                Rule::kw_temp => out.push(Target::Temp(self.span(&p))),
                Rule::kw_advisory => out.push(Target::Advisory(self.span(&p))),
                _ => {}
            }
        }
        Some(())
    }

    fn target(&mut self, pair: Pair<'_, Rule>) -> Option<Target> {
        let mut out = Vec::new();
        self.target_list(pair, &mut out)?;
        out.pop()
    }

    fn kind(&mut self, pair: Pair<'_, Rule>) -> Option<(DestKind, Span)> {
        let kw = pair.into_inner().next()?;
        let kind = match kw.as_rule() {
            Rule::kw_queue => DestKind::Queue,
            Rule::kw_topic => DestKind::Topic,
            _ => return None,
        };
        Some((kind, self.span(&kw)))
    }

    /// A `group_name` or `pattern`: a bare word or a string.
    fn ident(&mut self, pair: Pair<'_, Rule>) -> Option<Ident> {
        let role = if pair.as_rule() == Rule::pattern {
            "pattern"
        } else {
            "group name"
        };
        let inner = pair.into_inner().next()?;
        match inner.as_rule() {
            Rule::string => Some(self.string(inner)),
            _ => {
                let span = self.span(&inner);
                let value = inner.as_str().to_string();
                if !value.is_ascii() {
                    self.unquoted.push(Unquoted {
                        word: value.clone(),
                        role,
                        span,
                    });
                }
                Some(Ident {
                    value,
                    span,
                    quoted: false,
                })
            }
        }
    }

    /// A bare pattern directly followed by `#`: the `#` started a comment
    /// and cut the pattern short. Reported here, with the `#` put back into
    /// the pattern so that the cut pattern raises no second error.
    fn comment_in_pattern(&mut self, pair: &Pair<'_, Rule>, pattern: &mut Ident) {
        let end = pair.as_span().end();
        let input = pair.as_span().get_input();
        let rest = &input[end..];
        if pattern.quoted || !rest.starts_with('#') {
            return;
        }
        let after: usize = rest
            .chars()
            .take_while(|c| !c.is_whitespace() && *c != ',')
            .map(char::len_utf8)
            .sum();
        let written = format!("{}{}", pattern.value, &rest[..after]);
        let span = Span::new(
            pattern.span.start as usize,
            pattern.span.end as usize + after,
        );
        let suggestion = match pattern.value.strip_suffix('.') {
            Some(stem) if written == format!("{stem}.#") && !stem.is_empty() => {
                format!("write `{stem}.>` for every destination under `{stem}`, or ")
            }
            _ => String::new(),
        };
        self.diagnostics.push(
            Diagnostic::error(
                codes::SYNTAX_ERROR,
                format!(
                    "`#` starts a comment, so the pattern `{written}` ends at `{}`",
                    pattern.value
                ),
            )
            .primary(self.id, span, "`#` and the rest of the line are a comment")
            .help(format!(
                "ActiveMQ's wildcard for any number of segments is `>`, not `#`: {suggestion}quote the pattern (`\"{written}\"`) if a literal `#` is meant"
            )),
        );
        pattern.value = written;
        pattern.span = span;
    }

    /// Unescape a string, reporting bad escapes, control characters and a
    /// missing closing quote.
    fn string(&mut self, pair: Pair<'_, Rule>) -> Ident {
        let span = self.span(&pair);
        let mut value = String::new();

        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::string_body => {
                    let body_start = self.span(&p).start as usize;
                    let mut chars = p.as_str().char_indices().peekable();
                    while let Some((i, c)) = chars.next() {
                        let at = body_start + i;
                        if c == '\\' {
                            match chars.next() {
                                Some((_, e @ ('"' | '\\'))) => value.push(e),
                                Some((_, e)) => {
                                    let len = 1 + e.len_utf8();
                                    self.diagnostics.push(
                                        Diagnostic::error(
                                            codes::INVALID_STRING,
                                            format!("unknown escape `\\{}` in a string", e.escape_default()),
                                        )
                                        .primary(self.id, Span::new(at, at + len), "not an escape")
                                        .help("the only escapes are `\\\"` and `\\\\`; write other characters as they are"),
                                    );
                                }
                                None => {}
                            }
                        } else if c.is_control() {
                            self.diagnostics.push(
                                Diagnostic::error(
                                    codes::INVALID_STRING,
                                    format!("control character {:?} in a string", c),
                                )
                                .primary(self.id, Span::new(at, at + c.len_utf8()), "")
                                .help("strings may not hold tabs or other control characters"),
                            );
                        } else {
                            value.push(c);
                        }
                    }
                }
                Rule::unterminated => {
                    self.diagnostics.push(
                        Diagnostic::error(codes::UNTERMINATED_STRING, "unterminated string")
                            .primary(self.id, span, "this string is never closed")
                            .help("close it with `\"` on the same line; strings never span lines"),
                    );
                }
                _ => {}
            }
        }
        Ident {
            value,
            span,
            quoted: true,
        }
    }
}

fn is_keyword_rule(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::kw_group
            | Rule::kw_grant
            | Rule::kw_assert
            | Rule::kw_on
            | Rule::kw_can
            | Rule::kw_cannot
            | Rule::kw_only
            | Rule::kw_everyone
            | Rule::kw_read
            | Rule::kw_write
            | Rule::kw_admin
            | Rule::kw_all
            | Rule::kw_queue
            | Rule::kw_topic
            | Rule::kw_temp
            | Rule::kw_advisory
    )
}

/// One error per word written bare with characters outside ASCII, at its
/// first use, pointing at up to three more: the word must be quoted, and its
/// other uses are the same mistake, not further errors.
pub(super) fn report_unquoted(id: SourceId, found: Vec<Unquoted>, out: &mut Vec<Diagnostic>) {
    const MORE: usize = 3;
    let mut by_word: std::collections::BTreeMap<&str, Vec<&Unquoted>> = Default::default();
    for u in &found {
        by_word.entry(&u.word).or_default().push(u);
    }
    let mut words: Vec<(&str, Vec<&Unquoted>)> = by_word.into_iter().collect();
    words.sort_by_key(|(_, uses)| uses[0].span.start);
    for (word, uses) in words {
        let first = uses[0];
        if let Some(d) = typographic_quotes(id, word, first) {
            out.push(d);
            continue;
        }
        let quoted = format!("\"{}\"", word.replace('\\', "\\\\").replace('"', "\\\""));
        let mut d = Diagnostic::error(
            codes::SYNTAX_ERROR,
            format!(
                "{} `{word}` must be quoted: it holds characters outside ASCII",
                first.role
            ),
        )
        .primary(id, first.span, "not quoted");
        for u in uses.iter().skip(1).take(MORE) {
            d = d.secondary(id, u.span, "here too");
        }
        if uses.len() > 1 + MORE {
            d = d.note(format!("and {} more uses", uses.len() - 1 - MORE));
        }
        out.push(d.help(format!(
            "write `{quoted}` here and wherever it is used; a bare name holds only ASCII letters, digits and `_ . ~ -` (a bare pattern also `$ : / @ * >`)"
        )));
    }
}

/// A word in typographic quotes (`“ops”`, `‘ops’`, `«ops»`): a name meant
/// to be quoted, with quotes from a word processor.
fn typographic_quotes(id: SourceId, word: &str, first: &Unquoted) -> Option<Diagnostic> {
    const QUOTES: &[char] = &['“', '”', '„', '‘', '’', '‚', '«', '»'];
    if !word.starts_with(QUOTES) && !word.ends_with(QUOTES) {
        return None;
    }
    let inner = word.trim_matches(QUOTES);
    Some(
        Diagnostic::error(
            codes::SYNTAX_ERROR,
            format!("{} `{word}` is in typographic quotes", first.role),
        )
        .primary(id, first.span, "not the quotes of the language")
        .help(format!(
            "strings are written in straight double quotes: `\"{inner}\"`"
        )),
    )
}
