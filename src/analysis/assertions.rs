//! Assertions, decided exactly over all destinations: `can` by union
//! coverage, `cannot` and `only` by overlap. A failure names a concrete
//! witness destination and points at the grants responsible.

use super::index::AccessIndex;
use crate::diagnostics::{codes, Diagnostic};
use crate::model::{AssertKind, Assertion, Policy, TargetKind, Who};
use crate::semantics::pattern::Pattern;
use crate::semantics::{DestKind, Right};

/// How an assertion's target reads with a witness: `queue ORDERS.X`.
fn at(kind: DestKind, dest: &str) -> String {
    format!("{kind} `{dest}`")
}

/// Check every assertion of the policy.
pub fn check(policy: &Policy, index: &AccessIndex, out: &mut Vec<Diagnostic>) {
    for a in &policy.assertions {
        check_one(policy, index, a, out);
    }
}

fn fail(policy: &Policy, a: &Assertion, message: String) -> Diagnostic {
    Diagnostic::error(codes::ASSERTION_FAILED, message).primary(
        policy.source,
        a.span,
        "this assertion fails",
    )
}

fn check_one(policy: &Policy, index: &AccessIndex, a: &Assertion, out: &mut Vec<Diagnostic>) {
    let name = |w: Who| format!("`{}`", policy.group_name(w));
    match (&a.kind, &a.target.kind) {
        (AssertKind::Can, TargetKind::Dest { kind, pattern }) => {
            let p = Pattern::parse(pattern);
            for pr in &a.principals {
                for r in a.rights.iter() {
                    if let Err(witness) = index.effective(pr.who, r, *kind).union_covers(&p) {
                        let d = fail(
                            policy,
                            a,
                            format!(
                                "assertion failed: {} cannot {r} {}",
                                name(pr.who),
                                at(*kind, &witness)
                            ),
                        )
                        .note(format!(
                            "no grant gives {} `{r}` on {} (nor to `everyone`)",
                            name(pr.who),
                            at(*kind, &witness)
                        ))
                        .help("grant the right, or correct the assertion");
                        out.push(d);
                    }
                }
            }
        }
        (AssertKind::Can, TargetKind::Temp) => {
            for pr in &a.principals {
                for r in a.rights.iter() {
                    if !index.holds_temp(pr.who, r) {
                        out.push(
                            fail(
                                policy,
                                a,
                                format!(
                                    "assertion failed: {} cannot {r} temporary destinations",
                                    name(pr.who)
                                ),
                            )
                            .help("grant the right on `temp`, or correct the assertion"),
                        );
                    }
                }
            }
        }
        (AssertKind::Cannot, TargetKind::Dest { kind, pattern }) => {
            let p = Pattern::parse(pattern);
            for pr in &a.principals {
                for r in a.rights.iter() {
                    let set = if pr.who == Who::Everyone {
                        index.by_right(r, *kind)
                    } else {
                        index.effective(pr.who, r, *kind)
                    };
                    report_overlaps(
                        policy,
                        index,
                        a,
                        &p,
                        *kind,
                        r,
                        set.overlapping(&p),
                        |_| true,
                        |item_who| {
                            if pr.who == Who::Everyone {
                                name(item_who)
                            } else {
                                name(pr.who)
                            }
                        },
                        out,
                    );
                }
            }
        }
        (AssertKind::Only, TargetKind::Dest { kind, pattern }) => {
            if a.principals.iter().any(|p| p.who == Who::Everyone) {
                return;
            }
            let allowed: Vec<Who> = a.principals.iter().map(|p| p.who).collect();
            let p = Pattern::parse(pattern);
            for r in a.rights.iter() {
                let set = index.by_right(r, *kind);
                report_overlaps(
                    policy,
                    index,
                    a,
                    &p,
                    *kind,
                    r,
                    set.overlapping(&p),
                    |who| !allowed.contains(&who),
                    name,
                    out,
                );
            }
        }
        (AssertKind::Cannot | AssertKind::Only, TargetKind::Temp) => {
            let allowed: Vec<Who> = a.principals.iter().map(|p| p.who).collect();
            if a.kind == AssertKind::Only && allowed.contains(&Who::Everyone) {
                return;
            }
            for r in a.rights.iter() {
                if !index.temp_granted() {
                    out.push(
                        fail(policy, a, format!("assertion failed: every user may {r} temporary destinations"))
                            .note("the policy grants nothing on `temp`, so ActiveMQ leaves temporary destinations open to every authenticated user")
                            .help("grant `temp` to the groups that need it"),
                    );
                    continue;
                }
                for t in &index.temp {
                    if !t.rights.contains(r) {
                        continue;
                    }
                    let violates = match a.kind {
                        AssertKind::Only => !allowed.contains(&t.who),
                        _ => allowed
                            .iter()
                            .any(|w| *w == t.who || t.who == Who::Everyone || *w == Who::Everyone),
                    };
                    if violates {
                        let grant = &policy.grants[t.grant];
                        let span = grant.principals[t.principal].span;
                        out.push(
                            fail(
                                policy,
                                a,
                                format!(
                                    "assertion failed: {} may {r} temporary destinations",
                                    name(t.who)
                                ),
                            )
                            .secondary(
                                policy.source,
                                span,
                                format!("`{r}` on `temp` granted here"),
                            ),
                        );
                    }
                }
            }
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn report_overlaps(
    policy: &Policy,
    index: &AccessIndex,
    a: &Assertion,
    p: &Pattern,
    kind: DestKind,
    r: Right,
    hits: Vec<(&Pattern, &usize)>,
    keep: impl Fn(Who) -> bool,
    who_text: impl Fn(Who) -> String,
    out: &mut Vec<Diagnostic>,
) {
    // one diagnostic per offending principal, with every grant responsible
    let mut by_who: Vec<(Who, Vec<usize>)> = Vec::new();
    for (_, &i) in hits {
        let item = &index.items[i];
        if !keep(item.who) {
            continue;
        }
        match by_who.iter_mut().find(|(w, _)| *w == item.who) {
            Some((_, v)) => v.push(i),
            None => by_who.push((item.who, vec![i])),
        }
    }
    by_who.sort_by_key(|(w, _)| *w);
    for (who, mut items) in by_who {
        items.sort_unstable();
        items.dedup();
        let first = &index.items[items[0]];
        let witness = p.overlap(&first.pattern).unwrap_or_else(|| p.example());
        let mut d = fail(
            policy,
            a,
            format!(
                "assertion failed: {} may {r} {}",
                who_text(who),
                at(kind, &witness)
            ),
        );
        for &i in items.iter().take(5) {
            let item = &index.items[i];
            let grant = &policy.grants[item.grant];
            let target = &grant.targets[item.target];
            d = d.secondary(
                policy.source,
                target.span,
                format!(
                    "`{}` gets `{r}` on {} here",
                    policy.group_name(item.who),
                    target.describe()
                ),
            );
        }
        if items.len() > 5 {
            d = d
                .note(format!(
                    "{} more grants give the same access",
                    items.len() - 5
                ))
                .labels_omitted(items.len() - 5);
        }
        out.push(d.help(
            "grants only add: remove or narrow the grants marked here, or correct the assertion",
        ));
    }
}
