//! `amazon-mq-group-name` (Amazon MQ): a group name Amazon MQ users cannot hold.

use crate::analysis::{finding, Context, Rule, RuleMeta, Target};
use crate::diagnostics::{Code, Diagnostic, Severity};

pub(crate) static META: RuleMeta = RuleMeta {
    code: Code {
        id: "MQA211",
        name: "amazon-mq-group-name",
    },
    severity: Severity::Error,
    summary: "Amazon MQ: a group name outside `[A-Za-z0-9._~-]` or not 2 to 100 characters long",
    docs: r#"## What it does
With `--target amazon-mq`, checks every group name against Amazon MQ's rules for user groups:
letters, digits, `.`, `_`, `~` and `-` only, 2 to 100 characters.

## Why is this bad?
Amazon MQ users cannot be put in such a group, so a grant to it can never apply.

## Example
```
group "ops team"
group x
```

## Use instead
```
group ops-team
group xa
```
"#,
};

pub(crate) struct AmazonMqGroupName;

fn valid(name: &str) -> bool {
    let n = name.chars().count();
    (2..=100).contains(&n)
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._~-".contains(c))
}

impl Rule for AmazonMqGroupName {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context, out: &mut Vec<Diagnostic>) {
        if cx.options.target != Target::AmazonMq {
            return;
        }
        for g in &cx.policy.groups {
            if !valid(&g.name) {
                out.push(
                    finding(&META, format!("Amazon MQ users cannot hold the group `{}`", g.name))
                        .primary(cx.policy.source, g.span, "")
                        .help("Amazon MQ group names are 2 to 100 characters of letters, digits, `.`, `_`, `~` and `-`"),
                );
            }
        }
    }
}
