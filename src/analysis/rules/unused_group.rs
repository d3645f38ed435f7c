//! `unused-group`: a group declared but never granted anything nor asserted.

use crate::analysis::{finding, Context, Rule, RuleMeta};
use crate::diagnostics::{Code, Diagnostic, Severity};
use crate::model::Who;

pub(crate) static META: RuleMeta = RuleMeta {
    code: Code {
        id: "MQA204",
        name: "unused-group",
    },
    severity: Severity::Warning,
    summary: "a group declared but never granted anything and never asserted",
    docs: r#"## What it does
Finds groups that are declared with `group` but appear in no grant and no assertion.

## Why is this bad?
Users of such a group get nothing from the policy: every operation of theirs is denied. Either
the grants were forgotten, or the group is a leftover that misleads readers.

## Example
```
group ops
group legacy-batch        # never used
grant ops all on queue >, topic >
```

## Use instead
Remove the declaration, or grant the group what it needs.
"#,
};

pub(crate) struct UnusedGroup;

impl Rule for UnusedGroup {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context, out: &mut Vec<Diagnostic>) {
        let policy = cx.policy;
        let mut used = vec![false; policy.groups.len()];
        let principals = policy
            .grants
            .iter()
            .flat_map(|g| g.principals.iter())
            .chain(policy.assertions.iter().flat_map(|a| a.principals.iter()));
        for p in principals {
            if let Who::Group(g) = p.who {
                if let Some(u) = used.get_mut(g) {
                    *u = true;
                }
            }
        }
        for (g, group) in policy.groups.iter().enumerate() {
            if !used[g] {
                out.push(
                    finding(
                        &META,
                        format!("group `{}` is never granted anything", group.name),
                    )
                    .primary(policy.source, group.span, "declared here, used nowhere")
                    .help("grant the group what it needs, or remove the declaration"),
                );
            }
        }
    }
}
