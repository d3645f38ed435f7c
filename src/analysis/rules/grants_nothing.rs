//! `policy-grants-nothing`: the policy (or a map) grants no right on any
//! queue or topic to anybody, so the broker would refuse every client.

use crate::analysis::{finding, Context, Rule, RuleMeta};
use crate::diagnostics::{Code, Diagnostic, Severity};
use crate::model::ADVISORY_PATTERN;
use crate::semantics::{Acl, AuthzMap, Right};
use crate::source::Span;

pub(crate) static META: RuleMeta = RuleMeta {
    code: Code {
        id: "MQA216",
        name: "policy-grants-nothing",
    },
    severity: Severity::Error,
    summary:
        "the policy grants no right on any queue or topic to anybody, so every client is refused",
    docs: r#"## What it does
Reports a policy, or an authorization map, that grants no right (read, write or admin) on any
queue or topic to any group, `everyone` included. Advisory topics and temporary destinations do
not count: they let a client connect, not do its work. The rule needs no membership file and
fires on an empty policy.

## Why is this bad?
ActiveMQ denies whatever no entry allows. Compiled and deployed, such a map refuses every
client: even connecting fails, because a connection needs the advisory topics, and when those
are granted, every send and every subscription is still refused. An empty or truncated policy
file in a pipeline would take the broker down for everybody.

## Example
```
group app
grant everyone read, admin on advisory
```

## Use instead
```
group app
grant app read, write, admin on queue APP.>
grant everyone read, admin on advisory
```
"#,
};

pub(crate) struct PolicyGrantsNothing;

fn grants_something(acl: &Acl) -> bool {
    Right::ALL.iter().any(|&r| !acl.get(r).is_empty())
}

fn is_advisory(pattern: &str) -> bool {
    pattern.starts_with(ADVISORY_PATTERN.trim_end_matches('>'))
}

/// Does the map grant no right on any queue or topic to anybody? Entries on
/// advisory topics and the temporary destinations' entry do not count; a
/// `defaultEntry` that grants something does.
pub(crate) fn grants_nothing(map: &AuthzMap) -> bool {
    let real_entry = map
        .entries
        .iter()
        .any(|e| !is_advisory(&e.pattern) && grants_something(&e.acl));
    !real_entry && !map.default_entry.as_ref().is_some_and(grants_something)
}

/// [`grants_nothing`] and [`advisory_granted`] of the policy's compiled map,
/// read from its grants: every grant gives at least one right to at least
/// one principal, so a target of a queue or topic pattern is an entry that
/// grants something.
pub(crate) fn of_policy(policy: &crate::model::Policy) -> (bool, bool) {
    let mut real = false;
    let mut advisory = false;
    for g in &policy.grants {
        if g.principals.is_empty() || g.right_set().is_empty() {
            continue;
        }
        for t in &g.targets {
            if let crate::model::TargetKind::Dest { pattern, .. } = &t.kind {
                if is_advisory(pattern) {
                    advisory = true;
                } else {
                    real = true;
                }
            }
        }
    }
    (!real, advisory)
}

/// Does the map grant anything on advisory topics (so clients can connect)?
pub(crate) fn advisory_granted(map: &AuthzMap) -> bool {
    map.default_entry.as_ref().is_some_and(grants_something)
        || map
            .entries
            .iter()
            .any(|e| is_advisory(&e.pattern) && grants_something(&e.acl))
}

impl Rule for PolicyGrantsNothing {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context, out: &mut Vec<Diagnostic>) {
        if !cx.map.grants_nothing {
            return;
        }
        let policy = cx.policy;
        let (span, label) = match policy.grants.first() {
            Some(first) => (
                policy
                    .grants
                    .iter()
                    .fold(first.span, |acc, g| acc.join(g.span)),
                "no grant here gives a right on a queue or topic",
            ),
            None => (Span::default(), "the policy has no grant"),
        };
        let connect = if cx.map.advisory_granted {
            "every send and every subscription is refused"
        } else {
            "even connecting fails, because advisory topics are denied"
        };
        out.push(
            finding(
                &META,
                "the policy grants no right on any queue or topic: the broker would refuse every client",
            )
            .primary(policy.source, span, label)
            .note(format!("ActiveMQ denies what no entry allows: {connect}"))
            .help("grant each group the queues and topics it uses, e.g. `grant app read, write, admin on queue APP.>`"),
        );
    }
}
