//! `overbroad-grant`: a grant on a pattern that starts with a wildcard, or a
//! grant to `everyone` beyond advisories and temporary destinations.

use crate::analysis::{finding, Context, Rule, RuleMeta};
use crate::diagnostics::{Code, Diagnostic, Severity};
use crate::model::{Who, ADVISORY_PATTERN};
use crate::semantics::pattern::{Pattern, Seg};
use crate::semantics::{DestKind, Right};

pub(crate) static META: RuleMeta = RuleMeta {
    code: Code {
        id: "MQA203",
        name: "overbroad-grant",
    },
    severity: Severity::Warning,
    summary:
        "a grant on a pattern starting with a wildcard, or to `everyone` beyond advisories and temp",
    docs: r#"## What it does
Finds grants whose pattern starts with a wildcard (`>`, `*`, `*.X`), unless the group holds all
three rights there (an operator grant), and grants to `everyone` on anything other than
`advisory` (topics under `ActiveMQ.Advisory.`) or `temp`.

## Why is this bad?
A pattern starting with a wildcard spans every namespace on the broker, including ones created
later by other teams. `everyone` reaches every authenticated user, including users added for
unrelated applications. Both are easy to write and hard to notice in review.

## Example
```
grant reporting read on queue >
grant everyone write on topic EVENTS.>
```

## Use instead
```
grant reporting read on queue REPORTS.>
grant orders-svc, billing-svc write on topic EVENTS.>
```
"#,
};

pub(crate) struct OverbroadGrant;

fn starts_with_wildcard(p: &Pattern) -> bool {
    matches!(p.segs().first(), Some(Seg::Star) | None)
}

impl Rule for OverbroadGrant {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context, out: &mut Vec<Diagnostic>) {
        let policy = cx.policy;
        let advisory = Pattern::parse(ADVISORY_PATTERN);
        for item in &cx.index.items {
            let grant = &policy.grants[item.grant];
            let target = &grant.targets[item.target];
            if item.who == Who::Everyone {
                if item.kind == DestKind::Topic && advisory.covers(&item.pattern) {
                    continue;
                }
                out.push(
                    finding(&META, format!("grant to `everyone` on {}", target.describe()))
                        .primary(policy.source, grant.principals[item.principal].span, "every authenticated user")
                        .secondary(policy.source, target.span, "")
                        .help("name the groups that need this access; `everyone` is meant for `advisory` and `temp`"),
                );
                continue;
            }
            if !starts_with_wildcard(&item.pattern) {
                continue;
            }
            let operator = Right::ALL.iter().all(|r| {
                cx.index
                    .effective(item.who, *r, item.kind)
                    .union_covers(&item.pattern)
                    .is_ok()
            });
            if operator {
                continue;
            }
            let name = policy.group_name(item.who);
            out.push(
                finding(
                    &META,
                    format!("`{name}` is granted access on {}, which spans every namespace", target.describe()),
                )
                .primary(policy.source, target.span, "starts with a wildcard")
                .help("grant on the namespace the group works in, such as `ORDERS.>`; operators hold all three rights on `>`"),
            );
        }
    }
}
