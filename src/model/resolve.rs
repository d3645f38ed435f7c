//! AST → model: declare groups, resolve principals, validate names and
//! patterns, expand rights. Runs in one pass over the statements plus a map
//! lookup per name, so it is linear in the size of the policy.

use super::validate::{self, Problem};
use super::*;
use crate::ast;
use crate::diagnostics::{codes, Code, Diagnostic};
use crate::semantics::RightSet;
use crate::util::did_you_mean;
use std::collections::BTreeMap;

/// Resolve a parsed file into a policy. Problems are appended to `diagnostics`;
/// the policy holds every statement that could be resolved.
pub fn resolve(id: SourceId, file: &ast::PolicyFile, diagnostics: &mut Vec<Diagnostic>) -> Policy {
    let mut r = Resolver {
        id,
        policy: Policy {
            source: id,
            ..Policy::default()
        },
        by_name: BTreeMap::new(),
        diagnostics,
    };
    for statement in &file.statements {
        if let ast::StatementKind::Group(decl) = &statement.kind {
            r.declare(decl, statement.span);
        }
    }
    for statement in &file.statements {
        let allows = r.allows(statement);
        match &statement.kind {
            ast::StatementKind::Group(_) => {}
            ast::StatementKind::Grant(g) => {
                if let Some(mut grant) = r.grant(g, statement.span) {
                    grant.allows = allows;
                    r.policy.grants.push(grant);
                }
            }
            ast::StatementKind::Assert(a) => {
                if let Some(assertion) = r.assertion(a, statement.span) {
                    r.policy.assertions.push(assertion);
                }
            }
        }
    }
    r.policy
}

struct Resolver<'d> {
    id: SourceId,
    policy: Policy,
    by_name: BTreeMap<String, GroupId>,
    diagnostics: &'d mut Vec<Diagnostic>,
}

impl Resolver<'_> {
    fn report(&mut self, code: Code, ident: &ast::Ident, problem: Problem) {
        let span = match &problem.range {
            Some(r) if !ident.quoted || !ident.value.contains(['"', '\\']) => {
                let base = ident.span.start as usize + usize::from(ident.quoted);
                Span::new(base + r.start, base + r.end)
            }
            _ => ident.span,
        };
        self.diagnostics.push(
            Diagnostic::error(code, problem.message)
                .primary(self.id, span, "")
                .help(problem.help),
        );
    }

    fn declare(&mut self, decl: &ast::GroupDecl, span: Span) {
        let problems = validate::group_name(&decl.name.value);
        let invalid = !problems.is_empty();
        for p in problems {
            self.report(codes::INVALID_GROUP_NAME, &decl.name, p);
        }
        if let Some(&first) = self.by_name.get(&decl.name.value) {
            let first_span = self.policy.groups[first].span;
            self.diagnostics.push(
                Diagnostic::error(
                    codes::DUPLICATE_GROUP,
                    format!("group `{}` is declared twice", decl.name.value),
                )
                .primary(self.id, decl.name.span, "declared again here")
                .secondary(self.id, first_span, "first declared here")
                .help("remove one of the declarations"),
            );
            return;
        }
        if invalid {
            return;
        }
        self.by_name
            .insert(decl.name.value.clone(), self.policy.groups.len());
        self.policy.groups.push(Group {
            name: decl.name.value.clone(),
            description: decl.description.as_ref().map(|d| d.value.clone()),
            span: decl.name.span,
            decl_span: span,
        });
    }

    fn allows(&mut self, statement: &ast::Statement) -> Vec<usize> {
        statement
            .allows
            .iter()
            .map(|a| {
                self.policy.allows.push(Allow {
                    span: a.span,
                    rules: a.rules.iter().map(|r| (r.value.clone(), r.span)).collect(),
                    statement: statement.span,
                });
                self.policy.allows.len() - 1
            })
            .collect()
    }

    fn principal(&mut self, p: &ast::Principal) -> Option<PrincipalRef> {
        match p {
            ast::Principal::Everyone(span) => Some(PrincipalRef {
                who: Who::Everyone,
                span: *span,
            }),
            ast::Principal::Group(name) => {
                if let Some(&g) = self.by_name.get(&name.value) {
                    return Some(PrincipalRef {
                        who: Who::Group(g),
                        span: name.span,
                    });
                }
                let problems = validate::group_name(&name.value);
                if !problems.is_empty() {
                    for p in problems {
                        self.report(codes::INVALID_GROUP_NAME, name, p);
                    }
                    return None;
                }
                let suggestion = did_you_mean(&name.value, self.by_name.keys().map(String::as_str));
                let mut d = Diagnostic::error(
                    codes::UNKNOWN_GROUP,
                    format!("unknown group `{}`", name.value),
                )
                .primary(self.id, name.span, "not declared");
                d = match suggestion {
                    Some(s) => {
                        let decl = self.by_name.get(s).map(|&g| self.policy.groups[g].span);
                        if let Some(decl) = decl {
                            d = d.secondary(self.id, decl, format!("`{s}` is declared here"));
                        }
                        d.help(format!("did you mean `{s}`?"))
                    }
                    None => d.help(format!(
                        "declare it with `group {}`, or use `everyone` for every user",
                        crate::syntax::write_name(&name.value)
                    )),
                };
                self.diagnostics.push(d);
                None
            }
        }
    }

    fn rights(&self, rights: &[ast::RightTok]) -> Vec<RightRef> {
        rights
            .iter()
            .map(|r| RightRef {
                rights: match r.word {
                    ast::RightWord::Read => RightSet::of(Right::Read),
                    ast::RightWord::Write => RightSet::of(Right::Write),
                    ast::RightWord::Admin => RightSet::of(Right::Admin),
                    ast::RightWord::All => RightSet::ALL,
                },
                span: r.span,
            })
            .collect()
    }

    fn target(&mut self, t: &ast::Target) -> Option<Target> {
        match t {
            ast::Target::Temp(span) => Some(Target {
                kind: TargetKind::Temp,
                span: *span,
                advisory: false,
            }),
            ast::Target::Advisory(span) => Some(Target {
                kind: TargetKind::Dest {
                    kind: DestKind::Topic,
                    pattern: ADVISORY_PATTERN.to_string(),
                },
                span: *span,
                advisory: true,
            }),
            ast::Target::Dest {
                kind,
                kind_span,
                pattern,
            } => {
                let problems = validate::pattern(&pattern.value, pattern.quoted);
                if !problems.is_empty() {
                    for p in problems {
                        self.report(codes::INVALID_PATTERN, pattern, p);
                    }
                    return None;
                }
                Some(Target {
                    kind: TargetKind::Dest {
                        kind: *kind,
                        pattern: pattern.value.clone(),
                    },
                    span: kind_span.join(pattern.span),
                    advisory: false,
                })
            }
        }
    }

    fn grant(&mut self, g: &ast::Grant, span: Span) -> Option<Grant> {
        let principals: Vec<_> = g.principals.iter().map(|p| self.principal(p)).collect();
        let targets: Vec<_> = g.targets.iter().map(|t| self.target(t)).collect();
        Some(Grant {
            span,
            principals: principals.into_iter().collect::<Option<_>>()?,
            rights: self.rights(&g.rights),
            targets: targets.into_iter().collect::<Option<_>>()?,
            allows: Vec::new(),
        })
    }

    fn assertion(&mut self, a: &ast::Assertion, span: Span) -> Option<Assertion> {
        let principals: Vec<_> = a.principals.iter().map(|p| self.principal(p)).collect();
        let target = self.target(&a.target);
        let rights = self
            .rights(&a.rights)
            .iter()
            .fold(RightSet::EMPTY, |acc, r| acc.union(r.rights));
        Some(Assertion {
            span,
            kind: a.kind,
            principals: principals.into_iter().collect::<Option<_>>()?,
            rights,
            target: target?,
        })
    }
}
