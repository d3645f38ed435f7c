//! Effective-permission reviews (`mqauthz review`): who may read, write and
//! administer what, computed from an authorization map, rendered as Markdown
//! (for a pull-request comment), plain text or JSON.
//!
//! Everything is derived from the map with the pattern algebra: a group's
//! patterns are folded (a pattern covered by the union of the group's other
//! patterns and everyone's is left out), namespaces list the groups holding
//! a right on some (`part`) or all of them. The output is deterministic: no
//! timestamps, no paths beyond the name given.

use crate::diagnostics::{codes, Diagnostic};
use crate::diff::{principal, shown};
use crate::pipeline::Loaded;
use crate::semantics::coverage::PatternSet;
use crate::semantics::pattern::{Pattern, Seg};
use crate::semantics::{AuthzMap, DestKind, Right, EVERYONE};
use crate::source::Sources;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;

/// Schema version of the JSON form.
pub(crate) const VERSION: u32 = 1;

/// The pattern `advisory` stands for.
use crate::semantics::ADVISORY_PATTERN as ADVISORY;

/// One finding in brief.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Finding {
    /// `error`, `warning` or `note`.
    pub severity: String,
    /// The rule or diagnostic name (`redundant-grant`).
    pub code: String,
    /// Line of the primary label in its file, when known.
    pub line: Option<usize>,
    /// The file of the primary label when it is not the reviewed input (a
    /// membership file).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// The message.
    pub message: String,
}

/// What the review is computed from.
#[derive(Clone, Debug)]
pub struct Input<'a> {
    /// The name shown in the heading (a file name, no folders).
    pub name: String,
    /// The map; for a configuration without a plugin pass
    /// [`crate::diff::open_map`] and set `open`.
    pub map: &'a AuthzMap,
    /// The configuration has no `authorizationPlugin`.
    pub open: bool,
    /// Group descriptions (from a policy).
    pub descriptions: BTreeMap<String, String>,
    /// Groups declared without grants still get a row (from a policy).
    pub declared: Vec<String>,
    /// Findings other than assertion failures.
    pub findings: Vec<Finding>,
    /// For a policy: the number of assertions and the failure messages.
    pub assertions: Option<(usize, Vec<String>)>,
    /// `--by user`: the users to review, with their groups and whether
    /// `everyone` reaches them.
    pub users: Option<Vec<UserInput>>,
}

/// A user to review: a name, the groups held, and whether `*` matches them.
#[derive(Clone, Debug)]
pub struct UserInput {
    pub name: String,
    pub groups: Vec<String>,
    pub everyone: bool,
}

/// One user's access: the union over their groups, and everyone's when it
/// reaches them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UserReview {
    /// The user name.
    pub user: String,
    /// The groups they hold, sorted.
    pub groups: Vec<String>,
    /// `everyone` reaches them (they hold a principal, or ActiveMQ 6.3.0+).
    pub everyone: bool,
    /// Non-empty accesses only, patterns covered by others left out.
    pub access: Vec<Access>,
    /// The rights they hold on temporary destinations.
    pub temp: Vec<String>,
}

/// A finding in brief: severity, code name, line, message.
fn brief(d: &Diagnostic, sources: &Sources) -> Finding {
    let at = d
        .primary_label()
        .and_then(|l| sources.get(l.source).map(|f| (f, l.span.start as usize)));
    // the membership rules about users report in the membership file
    let elsewhere = [
        crate::analysis::rules::member_of_unknown_group::META.code,
        crate::analysis::rules::user_without_access::META.code,
    ]
    .contains(&d.code);
    Finding {
        severity: d.severity.as_str().to_string(),
        code: d.code.name.to_string(),
        line: at.map(|(f, start)| f.line_col(start).line),
        file: at.filter(|_| elsewhere).map(|(f, _)| f.name.clone()),
        message: d.message.clone(),
    }
}

/// What a review is computed from, for a loaded policy or configuration:
/// its map (`open`, the map of a configuration without an
/// authorizationPlugin, when it has none), a policy's groups and assertion
/// failures, and the other `findings` in brief.
pub(crate) fn input_of<'a>(
    loaded: &'a Loaded,
    open: &'a AuthzMap,
    findings: &[Diagnostic],
    sources: &Sources,
    name: String,
) -> Input<'a> {
    let (is_failure, others): (Vec<&Diagnostic>, Vec<&Diagnostic>) = findings
        .iter()
        .partition(|d| d.code == codes::ASSERTION_FAILED);
    let mut input = Input {
        name,
        map: open,
        open: false,
        descriptions: BTreeMap::new(),
        declared: Vec::new(),
        findings: others.iter().map(|d| brief(d, sources)).collect(),
        assertions: None,
        users: None,
    };
    match loaded {
        Loaded::Policy { front, map, .. } => {
            input.map = map;
            for g in &front.policy.groups {
                input.declared.push(g.name.clone());
                if let Some(d) = &g.description {
                    input.descriptions.insert(g.name.clone(), d.clone());
                }
            }
            let failures = is_failure
                .iter()
                .map(|d| {
                    let f = brief(d, sources);
                    match f.line {
                        Some(l) => format!("line {l}: {}", f.message),
                        None => f.message,
                    }
                })
                .collect();
            input.assertions = Some((front.policy.assertions.len(), failures));
        }
        Loaded::Config { map: Some(map), .. } => input.map = map,
        Loaded::Config { map: None, .. } => input.open = true,
    }
    input
}

/// One right on one kind: the patterns, folded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Access {
    /// `queue` or `topic`.
    pub kind: String,
    /// `read`, `write` or `admin`.
    pub right: String,
    /// Patterns, redundant ones left out, sorted.
    pub patterns: Vec<String>,
}

/// One group's own access (every group also holds everyone's).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GroupReview {
    /// The group name.
    pub group: String,
    /// Its description, if the policy gives one.
    pub description: Option<String>,
    /// Non-empty accesses only.
    pub access: Vec<Access>,
}

/// A group holding a right somewhere in a namespace.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Holder {
    /// The group, `everyone` for `*`.
    pub group: String,
    /// True when it holds the right on every destination of the namespace.
    pub whole: bool,
}

/// Who holds each right on a namespace.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NamespaceReview {
    /// `queue` or `topic`.
    pub kind: String,
    /// The first segment (`ORDERS` for `ORDERS.>` and `ORDERS.IN`).
    pub namespace: String,
    /// Readers.
    pub read: Vec<Holder>,
    /// Writers.
    pub write: Vec<Holder>,
    /// Administrators (create).
    pub admin: Vec<Holder>,
}

/// Temporary destinations.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TempReview {
    /// No temp entry: open to every authenticated user.
    pub open: bool,
    /// Groups that may read (`everyone` for `*`).
    pub read: Vec<String>,
    /// Groups that may write.
    pub write: Vec<String>,
    /// Groups that may create.
    pub admin: Vec<String>,
}

/// Assertion results in brief.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AssertionReview {
    /// Number of assertions in the policy.
    pub total: usize,
    /// Number failing.
    pub failed: usize,
    /// One line per failure.
    pub failures: Vec<String>,
}

/// A whole review.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Review {
    /// Schema version ([`VERSION`]).
    pub version: u32,
    /// The input's name.
    pub source: String,
    /// The configuration has no authorizationPlugin (everyone may do everything).
    pub open: bool,
    /// Everyone's access.
    pub everyone: Vec<Access>,
    /// Each group's own access, by name.
    pub groups: Vec<GroupReview>,
    /// Per namespace, who holds what.
    pub namespaces: Vec<NamespaceReview>,
    /// Temporary destinations.
    pub temp: TempReview,
    /// `topic ActiveMQ.Advisory.>`: who holds each right there.
    pub advisory: NamespaceReview,
    /// Findings in brief.
    pub findings: Vec<Finding>,
    /// Assertion results (policies only).
    pub assertions: Option<AssertionReview>,
    /// `--by user`: each user's access, by name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub users: Option<Vec<UserReview>>,
}

/// Per (kind, right): every pattern with the principals holding it.
struct Holders {
    /// Item `k` is `patterns[k]`, held by `holders[k]`.
    set: PatternSet<usize>,
    patterns: Vec<Pattern>,
    holders: Vec<BTreeSet<String>>,
    /// The items each principal holds, in item order.
    by_principal: HashMap<String, Vec<usize>>,
}

struct Index {
    sets: BTreeMap<(DestKind, Right), Holders>,
}

impl Index {
    fn new(map: &AuthzMap) -> Index {
        let mut sets = BTreeMap::new();
        for kind in DestKind::ALL {
            for right in Right::ALL {
                let mut h = Holders {
                    set: PatternSet::new(),
                    patterns: Vec::new(),
                    holders: Vec::new(),
                    by_principal: HashMap::new(),
                };
                let entries = map
                    .entries
                    .iter()
                    .filter(|e| e.kind == kind)
                    .map(|e| (Pattern::parse(&e.pattern), &e.acl))
                    .chain(map.default_entry.iter().map(|d| (Pattern::parse(">"), d)));
                for (p, acl) in entries {
                    let held: BTreeSet<String> = acl
                        .get(right)
                        .groups
                        .iter()
                        .map(|g| principal(g, acl))
                        .collect();
                    if !held.is_empty() {
                        let k = h.holders.len();
                        for g in &held {
                            h.by_principal.entry(g.clone()).or_default().push(k);
                        }
                        h.set.insert(&p, k);
                        h.patterns.push(p);
                        h.holders.push(held);
                    }
                }
                sets.insert((kind, right), h);
            }
        }
        Index { sets }
    }

    /// The folded patterns `group` holds itself (for `*`: everyone's).
    /// O(the group's items and everyone's), not O(all items).
    fn own(&self, kind: DestKind, right: Right, group: &str) -> Vec<String> {
        let Some(h) = self.sets.get(&(kind, right)) else {
            return Vec::new();
        };
        let items = |who: &str| h.by_principal.get(who).map_or(&[][..], |v| &v[..]);
        let own: BTreeSet<&Pattern> = items(group).iter().map(|k| &h.patterns[*k]).collect();
        let mut context: PatternSet<Option<usize>> = PatternSet::new();
        if group != EVERYONE {
            for k in items(EVERYONE) {
                if !h.holders[*k].contains(group) {
                    context.insert(&h.patterns[*k], None);
                }
            }
        }
        let own: Vec<&Pattern> = own.into_iter().collect();
        for (i, p) in own.iter().enumerate() {
            context.insert(p, Some(i));
        }
        let mut dropped = vec![false; own.len()];
        for (i, p) in own.iter().enumerate() {
            let covered = context
                .union_covers_where(p, |j| match j {
                    None => true,
                    Some(j) => *j != i && !dropped[*j],
                })
                .is_ok();
            dropped[i] = covered;
        }
        own.iter()
            .zip(dropped)
            .filter(|(_, d)| !d)
            .map(|(p, _)| p.raw().to_string())
            .collect()
    }

    /// The folded patterns any of `principals` holds: a pattern is left out
    /// when the union of the others covers it.
    fn own_union(&self, kind: DestKind, right: Right, principals: &[&str]) -> Vec<String> {
        let Some(h) = self.sets.get(&(kind, right)) else {
            return Vec::new();
        };
        let mut own: BTreeSet<&Pattern> = BTreeSet::new();
        for who in principals {
            if let Some(items) = h.by_principal.get(*who) {
                own.extend(items.iter().map(|k| &h.patterns[*k]));
            }
        }
        let own: Vec<&Pattern> = own.into_iter().collect();
        let mut context: PatternSet<usize> = PatternSet::new();
        for (i, p) in own.iter().enumerate() {
            context.insert(p, i);
        }
        let mut dropped = vec![false; own.len()];
        for (i, p) in own.iter().enumerate() {
            dropped[i] = context
                .union_covers_where(p, |j| *j != i && !dropped[*j])
                .is_ok();
        }
        own.iter()
            .zip(dropped)
            .filter(|(_, d)| !d)
            .map(|(p, _)| p.raw().to_string())
            .collect()
    }

    /// Who holds `right` on some destination of `p`, and whether on all.
    fn holders(&self, kind: DestKind, right: Right, p: &Pattern) -> Vec<Holder> {
        let Some(Holders { set, holders, .. }) = self.sets.get(&(kind, right)) else {
            return Vec::new();
        };
        let mut groups: BTreeSet<&String> = BTreeSet::new();
        for (_, i) in set.overlapping(p) {
            groups.extend(holders[*i].iter());
        }
        let mut out: Vec<Holder> = groups
            .into_iter()
            .map(|g| {
                let star = g == EVERYONE;
                let whole = set
                    .union_covers_where(p, |i| {
                        let h = &holders[*i];
                        h.contains(EVERYONE) || (!star && h.contains(g))
                    })
                    .is_ok();
                Holder {
                    group: shown(g).to_string(),
                    whole,
                }
            })
            .collect();
        out.sort_by(|a, b| {
            (a.group != "everyone", &a.group).cmp(&(b.group != "everyone", &b.group))
        });
        out
    }

    fn namespace(&self, kind: DestKind, namespace: &str, p: &Pattern) -> NamespaceReview {
        NamespaceReview {
            kind: kind.to_string(),
            namespace: namespace.to_string(),
            read: self.holders(kind, Right::Read, p),
            write: self.holders(kind, Right::Write, p),
            admin: self.holders(kind, Right::Admin, p),
        }
    }
}

fn accesses(index: &Index, group: &str) -> Vec<Access> {
    let mut out = Vec::new();
    for kind in DestKind::ALL {
        for right in Right::ALL {
            let patterns = index.own(kind, right, group);
            if !patterns.is_empty() {
                out.push(Access {
                    kind: kind.to_string(),
                    right: right.to_string(),
                    patterns,
                });
            }
        }
    }
    out
}

/// Compute a review.
pub fn review(input: &Input) -> Review {
    let map = input.map;
    let index = Index::new(map);
    let mut names: BTreeSet<String> = input.declared.iter().cloned().collect();
    for e in &map.entries {
        for r in Right::ALL {
            names.extend(e.acl.get(r).groups.iter().map(|g| principal(g, &e.acl)));
        }
    }
    for acl in map.default_entry.iter().chain(map.temp.iter()) {
        for r in Right::ALL {
            names.extend(acl.get(r).groups.iter().map(|g| principal(g, acl)));
        }
    }
    names.remove(EVERYONE);
    let groups = names
        .iter()
        .map(|g| GroupReview {
            group: g.clone(),
            description: input.descriptions.get(g).cloned(),
            access: accesses(&index, g),
        })
        .collect();

    let mut spaces: BTreeSet<(DestKind, String)> = BTreeSet::new();
    for e in &map.entries {
        if let Some(Seg::Lit(first)) = Pattern::parse(&e.pattern).segs().first() {
            spaces.insert((e.kind, first.to_string()));
        }
    }
    let namespaces = spaces
        .iter()
        .map(|(kind, ns)| {
            let p = Pattern::from_parts(vec![Seg::Lit(ns.as_str().into())], true);
            index.namespace(*kind, ns, &p)
        })
        .collect();
    let advisory = index.namespace(DestKind::Topic, ADVISORY, &Pattern::parse(ADVISORY));

    let temp_list = |r: Right| -> Vec<String> {
        match &map.temp {
            None => vec!["everyone".to_string()],
            Some(acl) => {
                let set: BTreeSet<String> = acl
                    .get(r)
                    .groups
                    .iter()
                    .map(|g| principal(g, acl))
                    .collect();
                let mut v: Vec<String> = set.iter().filter(|g| *g != EVERYONE).cloned().collect();
                if set.contains(EVERYONE) {
                    v.insert(0, "everyone".to_string());
                }
                v
            }
        }
    };
    let temp = TempReview {
        open: map.temp.is_none(),
        read: temp_list(Right::Read),
        write: temp_list(Right::Write),
        admin: temp_list(Right::Admin),
    };
    let mut findings = input.findings.clone();
    let rank = |s: &str| match s {
        "error" => 0,
        "warning" => 1,
        _ => 2,
    };
    findings.sort_by(|a, b| {
        (rank(&a.severity), a.line, &a.code, &a.message).cmp(&(
            rank(&b.severity),
            b.line,
            &b.code,
            &b.message,
        ))
    });
    findings.dedup();
    let users = input.users.as_ref().map(|users| {
        users
            .iter()
            .map(|u| {
                let mut principals: Vec<&str> = u.groups.iter().map(String::as_str).collect();
                if u.everyone {
                    principals.push(EVERYONE);
                }
                let mut access = Vec::new();
                for kind in DestKind::ALL {
                    for right in Right::ALL {
                        let patterns = index.own_union(kind, right, &principals);
                        if !patterns.is_empty() {
                            access.push(Access {
                                kind: kind.to_string(),
                                right: right.to_string(),
                                patterns,
                            });
                        }
                    }
                }
                let temp = Right::ALL
                    .into_iter()
                    .filter(|r| match &map.temp {
                        None => true,
                        Some(acl) => acl
                            .get(*r)
                            .groups
                            .iter()
                            .any(|g| principals.contains(&principal(g, acl).as_str())),
                    })
                    .map(|r| r.to_string())
                    .collect();
                UserReview {
                    user: u.name.clone(),
                    groups: u.groups.clone(),
                    everyone: u.everyone,
                    access,
                    temp,
                }
            })
            .collect()
    });
    Review {
        version: VERSION,
        source: input.name.clone(),
        open: input.open,
        everyone: accesses(&index, EVERYONE),
        groups,
        namespaces,
        temp,
        advisory,
        findings,
        assertions: input
            .assertions
            .as_ref()
            .map(|(total, failures)| AssertionReview {
                total: *total,
                failed: failures.len(),
                failures: failures.clone(),
            }),
        users,
    }
}

/// Escape text for a Markdown table cell.
fn md(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace('\n', " ")
}

/// Inline code for Markdown, safe against backticks.
fn code(text: &str) -> String {
    let t = text.replace('|', "\\|");
    if t.contains('`') {
        format!("`` {t} ``")
    } else {
        format!("`{t}`")
    }
}

fn cell_patterns(access: &[Access], kind: &str, right: &str, markdown: bool) -> String {
    let pats: Vec<String> = access
        .iter()
        .filter(|a| a.kind == kind && a.right == right)
        .flat_map(|a| a.patterns.iter())
        .map(|p| if markdown { code(p) } else { p.clone() })
        .collect();
    if pats.is_empty() {
        "-".to_string()
    } else {
        pats.join(", ")
    }
}

fn cell_holders(h: &[Holder], markdown: bool) -> String {
    if h.is_empty() {
        return "-".to_string();
    }
    h.iter()
        .map(|x| {
            let name = if markdown {
                md(&x.group)
            } else {
                x.group.clone()
            };
            if x.whole {
                name
            } else {
                format!("{name} (part)")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn access_table(out: &mut String, access: &[Access]) {
    out.push_str("| kind | read | write | admin |\n|---|---|---|---|\n");
    for kind in ["queue", "topic"] {
        let _ = writeln!(
            out,
            "| {kind} | {} | {} | {} |",
            cell_patterns(access, kind, "read", true),
            cell_patterns(access, kind, "write", true),
            cell_patterns(access, kind, "admin", true)
        );
    }
}

fn temp_line(t: &TempReview) -> String {
    if t.open {
        "no `tempDestinationAuthorizationEntry`: every authenticated user may create, read and write temporary destinations".to_string()
    } else {
        let l = |v: &[String]| {
            if v.is_empty() {
                "nobody".to_string()
            } else {
                v.join(", ")
            }
        };
        format!(
            "read: {}; write: {}; admin: {}",
            l(&t.read),
            l(&t.write),
            l(&t.admin)
        )
    }
}

/// Render as Markdown, fit for a pull-request comment.
pub(crate) fn render_markdown(r: &Review) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "## Authorization review: {}\n", md(&r.source));
    if r.open {
        out.push_str(
            "> **No authorizationPlugin:** every authenticated user may do everything.\n\n",
        );
    }
    out.push_str("Effective permissions as ActiveMQ Classic enforces them. Every group also holds what **everyone** holds; patterns covered by others are left out.\n\n");
    out.push_str("### everyone\n\n");
    access_table(&mut out, &r.everyone);
    if let Some(users) = &r.users {
        out.push_str("\n### Users\n");
        if users.is_empty() {
            out.push_str("\nNo users.\n");
        }
        for u in users {
            let _ = writeln!(out, "\n#### {}\n", md(&u.user));
            let _ = writeln!(out, "{}\n", md(&user_summary(u)));
            if u.access.is_empty() {
                out.push_str("No queue or topic access.\n");
            } else {
                access_table(&mut out, &u.access);
            }
        }
    }
    let groups: &[GroupReview] = if r.users.is_some() { &[] } else { &r.groups };
    if r.users.is_none() {
        out.push_str("\n### Groups\n");
        if r.groups.is_empty() {
            out.push_str("\nNo groups.\n");
        }
    }
    for g in groups {
        match &g.description {
            Some(d) => {
                let _ = writeln!(out, "\n#### {} ({})\n", md(shown(&g.group)), md(d));
            }
            None => {
                let _ = writeln!(out, "\n#### {}\n", md(shown(&g.group)));
            }
        }
        if g.access.is_empty() {
            out.push_str("No queue or topic access beyond everyone's.\n");
        } else {
            access_table(&mut out, &g.access);
        }
    }
    out.push_str("\n### Namespaces\n\n");
    if r.namespaces.is_empty() {
        out.push_str("No namespaces.\n");
    } else {
        out.push_str("`(part)`: on some destinations of the namespace only.\n\n");
        out.push_str("| kind | namespace | read | write | admin |\n|---|---|---|---|---|\n");
        for n in &r.namespaces {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                n.kind,
                code(&n.namespace),
                cell_holders(&n.read, true),
                cell_holders(&n.write, true),
                cell_holders(&n.admin, true)
            );
        }
    }
    out.push_str("\n### Temporary destinations\n\n");
    let _ = writeln!(out, "{}", temp_line(&r.temp));
    out.push_str("\n### Advisory topics (`ActiveMQ.Advisory.>`)\n\n");
    out.push_str("| read | write | admin |\n|---|---|---|\n");
    let _ = writeln!(
        out,
        "| {} | {} | {} |",
        cell_holders(&r.advisory.read, true),
        cell_holders(&r.advisory.write, true),
        cell_holders(&r.advisory.admin, true)
    );
    out.push_str("\n### Findings\n\n");
    if r.findings.is_empty() {
        out.push_str("None.\n");
    }
    for f in &r.findings {
        let _ = writeln!(out, "- {}", finding_line(f, true));
    }
    if let Some(a) = &r.assertions {
        out.push_str("\n### Assertions\n\n");
        let _ = writeln!(out, "{} assertions, {} failing.", a.total, a.failed);
        for f in &a.failures {
            let _ = writeln!(out, "- {}", md(f));
        }
    }
    out
}

/// A user's groups, whether everyone reaches them, and their temp rights.
fn user_summary(u: &UserReview) -> String {
    let groups = if u.groups.is_empty() {
        "no group".to_string()
    } else {
        format!("groups {}", u.groups.join(", "))
    };
    let everyone = if u.everyone {
        "with everyone's access"
    } else {
        "without everyone's access (no principal)"
    };
    let temp = if u.temp.is_empty() {
        "nothing".to_string()
    } else {
        u.temp.join(", ")
    };
    format!("{groups}, {everyone}; temporary destinations: {temp}")
}

fn finding_line(f: &Finding, markdown: bool) -> String {
    let at = match (&f.file, f.line) {
        (Some(file), Some(l)) => format!(" ({file}:{l})"),
        (Some(file), None) => format!(" ({file})"),
        (None, Some(l)) => format!(" (line {l})"),
        (None, None) => String::new(),
    };
    let msg = if markdown {
        md(&f.message)
    } else {
        f.message.clone()
    };
    format!("{}[{}]{at}: {msg}", f.severity, f.code)
}

fn text_access(out: &mut String, access: &[Access]) {
    if access.is_empty() {
        out.push_str("  no queue or topic access\n");
    }
    for a in access {
        let _ = writeln!(out, "  {} {}: {}", a.right, a.kind, a.patterns.join(", "));
    }
}

/// Render as plain text.
pub(crate) fn render_text(r: &Review) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "Authorization review: {}", r.source);
    if r.open {
        out.push_str("No authorizationPlugin: every authenticated user may do everything.\n");
    }
    out.push_str("\neveryone\n");
    text_access(&mut out, &r.everyone);
    for u in r.users.iter().flatten() {
        let _ = writeln!(out, "\nuser {}: {}", u.user, user_summary(u));
        text_access(&mut out, &u.access);
    }
    let groups: &[GroupReview] = if r.users.is_some() { &[] } else { &r.groups };
    for g in groups {
        match &g.description {
            Some(d) => {
                let _ = writeln!(out, "\ngroup {} ({d})", shown(&g.group));
            }
            None => {
                let _ = writeln!(out, "\ngroup {}", shown(&g.group));
            }
        }
        text_access(&mut out, &g.access);
    }
    out.push_str("\nnamespaces\n");
    if r.namespaces.is_empty() {
        out.push_str("  none\n");
    }
    for n in &r.namespaces {
        let _ = writeln!(
            out,
            "  {} {}: read {}; write {}; admin {}",
            n.kind,
            n.namespace,
            cell_holders(&n.read, false),
            cell_holders(&n.write, false),
            cell_holders(&n.admin, false)
        );
    }
    let _ = writeln!(out, "\ntemp: {}", temp_line(&r.temp).replace('`', ""));
    let _ = writeln!(
        out,
        "advisory: read {}; write {}; admin {}",
        cell_holders(&r.advisory.read, false),
        cell_holders(&r.advisory.write, false),
        cell_holders(&r.advisory.admin, false)
    );
    out.push_str("\nfindings\n");
    if r.findings.is_empty() {
        out.push_str("  none\n");
    }
    for f in &r.findings {
        let _ = writeln!(out, "  {}", finding_line(f, false));
    }
    if let Some(a) = &r.assertions {
        let _ = writeln!(out, "\nassertions: {} total, {} failing", a.total, a.failed);
        for f in &a.failures {
            let _ = writeln!(out, "  {f}");
        }
    }
    out
}

/// Render as JSON (schema version [`VERSION`]).
pub(crate) fn render_json(r: &Review) -> String {
    let mut s = serde_json::to_string_pretty(r).unwrap_or_default();
    s.push('\n');
    s
}
