//! `case-collision`: two group names, or two patterns of one kind, equal but
//! for letter case.

use crate::analysis::{finding, Context, Rule, RuleMeta};
use crate::diagnostics::{Code, Diagnostic, Severity};
use crate::model::TargetKind;
use crate::source::Span;
use std::collections::BTreeMap;

pub(crate) static META: RuleMeta = RuleMeta {
    code: Code {
        id: "MQA209",
        name: "case-collision",
    },
    severity: Severity::Warning,
    summary: "two group names, or two patterns of one kind, that differ only in letter case",
    docs: r#"## What it does
Finds group names, and destination patterns of the same kind, that are equal when letter case
is ignored but not equal as written.

## Why is this bad?
ActiveMQ compares group and destination names case-sensitively: `Orders.IN` and `ORDERS.IN`
are different queues and `Ops` and `ops` are different groups. Such near-duplicates are almost
always typos, and the access the author meant is then missing.

## Example
```
group ops
group Ops
grant ops write on queue ORDERS.IN
grant ops read on queue Orders.IN
```

## Use instead
Pick one spelling and use it everywhere.
"#,
};

pub(crate) struct CaseCollision;

impl Rule for CaseCollision {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context, out: &mut Vec<Diagnostic>) {
        let policy = cx.policy;
        let mut groups: BTreeMap<String, (&str, Span)> = BTreeMap::new();
        for g in &policy.groups {
            match groups.get(&g.name.to_lowercase()) {
                Some((first, span)) if *first != g.name => out.push(
                    finding(
                        &META,
                        format!(
                            "group `{}` differs from `{first}` only in letter case",
                            g.name
                        ),
                    )
                    .primary(policy.source, g.span, "")
                    .secondary(policy.source, *span, format!("`{first}` declared here"))
                    .help("group names are case-sensitive; use one spelling"),
                ),
                Some(_) => {}
                None => {
                    groups.insert(g.name.to_lowercase(), (&g.name, g.span));
                }
            }
        }
        let mut patterns: BTreeMap<(crate::semantics::DestKind, String), (&str, Span)> =
            BTreeMap::new();
        let mut reported = std::collections::BTreeSet::new();
        for grant in &policy.grants {
            for t in &grant.targets {
                let TargetKind::Dest { kind, pattern } = &t.kind else {
                    continue;
                };
                let key = (*kind, pattern.to_lowercase());
                match patterns.get(&key) {
                    Some((first, span)) if *first != pattern.as_str() => {
                        if reported.insert((*kind, pattern.as_str())) {
                            out.push(
                                finding(&META, format!("{kind} `{pattern}` differs from `{first}` only in letter case"))
                                    .primary(policy.source, t.span, "")
                                    .secondary(policy.source, *span, format!("`{first}` here"))
                                    .help("destination names are case-sensitive: these are different destinations"),
                            );
                        }
                    }
                    Some(_) => {}
                    None => {
                        patterns.insert(key, (pattern, t.span));
                    }
                }
            }
        }
    }
}
