//! `create-needs-admin`: destinations a group may read or write that no group
//! may create, so the first send or subscribe fails.

use crate::analysis::{finding, Context, Rule, RuleMeta};
use crate::diagnostics::{Code, Diagnostic, Severity};
use crate::semantics::coverage::PatternSet;
use crate::semantics::pattern::Pattern;
use crate::semantics::{DestKind, Right};
use std::collections::BTreeMap;

pub(crate) static META: RuleMeta = RuleMeta {
    code: Code {
        id: "MQA207",
        name: "create-needs-admin",
    },
    severity: Severity::Warning,
    summary: "a group may read or write destinations that no group may create",
    docs: r#"## What it does
For every grant of `read` or `write`, looks for a destination it matches on which no group holds
`admin`, and names one. Destinations declared in the broker configuration's `<destinations>`
(given with `--config`) exist from the start and need no `admin`.

## Why is this bad?
ActiveMQ creates a destination on its first send or subscribe, and creating needs `admin`. With
read or write alone the client gets `User ... is not authorized to create: queue://...` until
some other user with `admin` has created the destination, so whether it works depends on order.

## Example
```
grant billing read on queue INVOICES.>
grant orders write on queue INVOICES.>
```

## Use instead
```
grant billing read on queue INVOICES.>
grant orders write, admin on queue INVOICES.>
```
"#,
};

pub(crate) struct CreateNeedsAdmin;

impl Rule for CreateNeedsAdmin {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context, out: &mut Vec<Diagnostic>) {
        let policy = cx.policy;
        // admin anywhere, plus declared destinations
        let mut creatable: BTreeMap<DestKind, PatternSet<Option<usize>>> = BTreeMap::new();
        for (i, item) in cx.index.items.iter().enumerate() {
            if item.rights.contains(Right::Admin) {
                creatable
                    .entry(item.kind)
                    .or_default()
                    .insert(&item.pattern, Some(i));
            }
        }
        for (kind, name) in &cx.options.broker.destinations {
            creatable
                .entry(*kind)
                .or_default()
                .insert(&Pattern::parse(name), None);
        }
        let empty = PatternSet::new();
        let mut seen = std::collections::BTreeSet::new();
        for item in &cx.index.items {
            if !(item.rights.contains(Right::Read) || item.rights.contains(Right::Write)) {
                continue;
            }
            let set = creatable.get(&item.kind).unwrap_or(&empty);
            if let Err(witness) = set.union_covers(&item.pattern) {
                if !seen.insert((item.grant, item.target)) {
                    continue;
                }
                let target = &policy.grants[item.grant].targets[item.target];
                out.push(
                    finding(
                        &META,
                        format!(
                            "no group may create {} `{witness}`, so reading or writing it fails until it exists",
                            item.kind
                        ),
                    )
                    .primary(policy.source, target.span, format!("matches `{witness}`"))
                    .help("grant `admin` on these destinations to the group that should create them, or declare them in the broker's `<destinations>` (and pass it with `--config`)"),
                );
            }
        }
    }
}
