//! `advisory-on-queue`: a queue pattern under `ActiveMQ.Advisory.`.

use crate::analysis::{finding, Context, Rule, RuleMeta};
use crate::diagnostics::{Code, Diagnostic, Severity};
use crate::semantics::pattern::Seg;
use crate::semantics::DestKind;

pub(crate) static META: RuleMeta = RuleMeta {
    code: Code {
        id: "MQA208",
        name: "advisory-on-queue",
    },
    severity: Severity::Warning,
    summary: "a queue pattern under `ActiveMQ.Advisory.`; advisories are topics",
    docs: r#"## What it does
Finds grants on queue patterns under `ActiveMQ.Advisory.`.

## Why is this bad?
Advisory messages are published on topics only; queue and topic entries never match each other,
so the grant gives nothing that clients need, and the advisory access they do need is missing.

## Example
```
grant everyone read, admin on queue ActiveMQ.Advisory.>
```

## Use instead
```
grant everyone read, admin on advisory
```
"#,
};

pub(crate) struct AdvisoryOnQueue;

impl Rule for AdvisoryOnQueue {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context, out: &mut Vec<Diagnostic>) {
        let mut seen = std::collections::BTreeSet::new();
        for item in &cx.index.items {
            let segs = item.pattern.segs();
            let advisory = item.kind == DestKind::Queue
                && matches!(segs.first(), Some(Seg::Lit(a)) if &**a == "ActiveMQ")
                && matches!(segs.get(1), Some(Seg::Lit(b)) if &**b == "Advisory");
            if advisory && seen.insert((item.grant, item.target)) {
                let target = &cx.policy.grants[item.grant].targets[item.target];
                out.push(
                    finding(&META, format!("{} names advisory destinations as a queue", target.describe()))
                        .primary(cx.policy.source, target.span, "advisories are topics")
                        .help("write `advisory` (topic `ActiveMQ.Advisory.>`) or `topic ActiveMQ.Advisory...`"),
                );
            }
        }
    }
}
