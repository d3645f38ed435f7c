//! `webconsole-group-missing` (Amazon MQ): nothing granted to
//! `activemq-webconsole`, so the web console breaks.

use crate::analysis::{finding, Context, Rule, RuleMeta, Target};
use crate::diagnostics::{Code, Diagnostic, Severity};
use crate::model::Who;
use crate::source::Span;

pub(crate) static META: RuleMeta = RuleMeta {
    code: Code {
        id: "MQA210",
        name: "webconsole-group-missing",
    },
    severity: Severity::Warning,
    summary: "Amazon MQ: nothing is granted to `activemq-webconsole`, so the web console breaks",
    docs: r#"## What it does
With `--target amazon-mq`, reports a policy that grants nothing to the `activemq-webconsole`
group.

## Why is this bad?
Amazon MQ's web console acts as a member of `activemq-webconsole`. An authorization map without
that group makes the console fail (JSP errors) for every user.

## Example
```
group app
grant app all on queue APP.>
```

## Use instead
```
group activemq-webconsole
group app
grant activemq-webconsole all on queue >, topic >
grant app all on queue APP.>
```
"#,
};

pub(crate) const WEBCONSOLE: &str = "activemq-webconsole";

pub(crate) struct WebconsoleGroupMissing;

impl Rule for WebconsoleGroupMissing {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context, out: &mut Vec<Diagnostic>) {
        if cx.options.target != Target::AmazonMq || cx.policy.grants.is_empty() {
            return;
        }
        let granted = cx.policy.grants.iter().any(|g| {
            g.principals.iter().any(|p| {
                matches!(p.who, Who::Group(_)) && cx.policy.group_name(p.who) == WEBCONSOLE
            })
        });
        if granted {
            return;
        }
        let span = cx
            .policy
            .groups
            .iter()
            .find(|g| g.name == WEBCONSOLE)
            .map(|g| g.span)
            .or_else(|| cx.policy.grants.first().map(|g| g.span))
            .unwrap_or(Span::default());
        out.push(
            finding(&META, "nothing is granted to `activemq-webconsole`, so the Amazon MQ web console breaks")
                .primary(cx.policy.source, span, "")
                .help("add `group activemq-webconsole` and `grant activemq-webconsole all on queue >, topic >`"),
        );
    }
}
