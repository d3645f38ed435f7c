//! `temp-destinations-open`: nothing granted on `temp`, so every user may
//! create and use temporary destinations.

use crate::analysis::{finding, Context, Rule, RuleMeta};
use crate::diagnostics::{Code, Diagnostic, Severity};
use crate::source::Span;

pub(crate) static META: RuleMeta = RuleMeta {
    code: Code {
        id: "MQA206",
        name: "temp-destinations-open",
    },
    severity: Severity::Warning,
    summary: "the policy grants nothing on `temp`, so every authenticated user may use temporary destinations",
    docs: r#"## What it does
Reports a policy that never grants anything on `temp`.

## Why is this bad?
Without a `tempDestinationAuthorizationEntry`, ActiveMQ lets every authenticated user create,
read and write every temporary queue and topic, whatever the rest of the map says. Temporary
destinations carry request/reply traffic, so another client can read or inject replies.

## Example
```
group app
grant app all on queue APP.>
grant everyone read, admin on advisory
```

## Use instead
```
group app
grant app all on queue APP.>, temp
grant everyone read, admin on advisory
```
"#,
};

pub(crate) struct TempDestinationsOpen;

impl Rule for TempDestinationsOpen {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context, out: &mut Vec<Diagnostic>) {
        if cx.index.temp_granted() || cx.policy.grants.is_empty() {
            return;
        }
        let span = cx.policy.grants.first().map_or(Span::default(), |g| g.span);
        out.push(
            finding(&META, "the policy grants nothing on `temp`, so temporary destinations are open to every user")
                .primary(cx.policy.source, span, "no grant in this policy names `temp`")
                .help("grant `temp` to the groups that use request/reply, e.g. `grant app all on temp`"),
        );
    }
}
