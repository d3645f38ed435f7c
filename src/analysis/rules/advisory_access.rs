//! `advisory-access-missing`: a client group that cannot create advisory
//! topics (the broker refuses its connection) or read the temp-destination
//! advisories (OpenWire clients fail to start).

use crate::analysis::{finding, Context, Rule, RuleMeta};
use crate::diagnostics::{Code, Diagnostic, Severity};
use crate::model::Who;
use crate::semantics::pattern::Pattern;
use crate::semantics::{AuthzMap, DestKind, Right, EVERYONE};
use std::collections::BTreeSet;

pub(crate) static META: RuleMeta = RuleMeta {
    code: Code {
        id: "MQA205",
        name: "advisory-access-missing",
    },
    severity: Severity::Error,
    summary: "a client group that cannot create advisory topics, or cannot read the temp-destination advisories",
    docs: r#"## What it does
For every group with a grant, checks that it holds `admin` on the advisory topics a client's
actions create (`ActiveMQ.Advisory.Connection`, `.Queue`, `.Topic`, `.TempQueue`, `.TempTopic`,
`.Consumer.>` and `.Producer.>`; `advisory` covers them all), directly or through `everyone`; without it the broker refuses the
group's connections (error). Also checks `read` on the temp-destination advisories
`ActiveMQ.Advisory.TempQueue` and `ActiveMQ.Advisory.TempTopic`, which the OpenWire Java client
subscribes to when a connection starts (warning).

The admin check applies to ActiveMQ before 5.19.8, 6.2.7 and 6.3.0 (`--activemq-version`,
default 5.18 as on Amazon MQ), where advisory topics are created in the name of the client whose
action triggers them. The rule is silent when the broker configuration (`--config`) sets
`advisorySupport="false"`.

## Why is this bad?
With an authorization map and no advisory entry, the very first connection fails with
`User ... is not authorized to create: topic://ActiveMQ.Advisory.Connection`, and results
depend on which user happened to connect first.

## Example
```
group app
grant app read, write, admin on queue APP.>
```

## Use instead
```
group app
grant app read, write, admin on queue APP.>
grant everyone read, admin on advisory
```
"#,
};

pub(crate) struct AdvisoryAccessMissing;

const TEMP_ADVISORIES: &str = "ActiveMQ.Advisory.TempQueue,ActiveMQ.Advisory.TempTopic";

/// The components of [`TEMP_ADVISORIES`].
pub(crate) const TEMP_ADVISORY_TOPICS: [&str; 2] =
    ["ActiveMQ.Advisory.TempQueue", "ActiveMQ.Advisory.TempTopic"];

/// The groups `map` lets read the temporary destinations' advisories.
pub(crate) fn temp_advisory_readers(map: &AuthzMap) -> BTreeSet<String> {
    map.acl_groups(DestKind::Topic, TEMP_ADVISORIES, Right::Read)
}

impl Rule for AdvisoryAccessMissing {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context, out: &mut Vec<Diagnostic>) {
        if cx.options.broker.advisory_support == Some(false) {
            return;
        }
        let policy = cx.policy;
        // the advisory topics a client's own actions create, in the order a
        // client meets them; the first one missing is the one to name
        let needed: Vec<Pattern> = [
            "ActiveMQ.Advisory.Connection",
            "ActiveMQ.Advisory.Queue",
            "ActiveMQ.Advisory.Topic",
            "ActiveMQ.Advisory.TempQueue",
            "ActiveMQ.Advisory.TempTopic",
            "ActiveMQ.Advisory.Consumer.Queue.>",
            "ActiveMQ.Advisory.Consumer.Topic.>",
            "ActiveMQ.Advisory.Producer.Queue.>",
            "ActiveMQ.Advisory.Producer.Topic.>",
        ]
        .iter()
        .map(|p| Pattern::parse(p))
        .collect();
        let need_admin = cx.options.version.advisories_need_admin();
        let temp_readers = &cx.map.temp_advisory_readers;
        let mut first_grant: Vec<Option<usize>> = vec![None; policy.groups.len()];
        for (gi, grant) in policy.grants.iter().enumerate() {
            for p in &grant.principals {
                if let Who::Group(g) = p.who {
                    if first_grant[g].is_none() {
                        first_grant[g] = Some(gi);
                    }
                }
            }
        }
        for (g, first) in first_grant.iter().enumerate() {
            let Some(first) = first else { continue };
            let group = &policy.groups[g];
            let who = Who::Group(g);
            let span = policy.grants[*first].span;
            if need_admin {
                let admin = cx.index.effective(who, Right::Admin, DestKind::Topic);
                if let Some(witness) = needed.iter().find_map(|p| admin.union_covers(p).err()) {
                    out.push(
                        finding(
                            &META,
                            format!("`{}` cannot create the advisory topic `{witness}`, so the broker refuses its connections", group.name),
                        )
                        .primary(policy.source, span, format!("`{}` is a client here", group.name))
                        .secondary(policy.source, group.span, "")
                        .note(format!("ActiveMQ {} creates advisory topics in the connecting client's name; fixed in 5.19.8, 6.2.7 and 6.3.0", cx.options.version))
                        .help("add `grant everyone read, admin on advisory`"),
                    );
                    continue;
                }
            }
            if !temp_readers.contains(&group.name) && !temp_readers.contains(EVERYONE) {
                out.push(
                    Diagnostic::new(
                        META.code,
                        Severity::Warning,
                        format!(
                            "`{}` cannot read the temp-destination advisories, so OpenWire clients fail to start",
                            group.name
                        ),
                    )
                    .primary(policy.source, span, format!("`{}` is a client here", group.name))
                    .note("the OpenWire Java client subscribes to `ActiveMQ.Advisory.TempQueue,ActiveMQ.Advisory.TempTopic` unless `watchTopicAdvisories=false`")
                    .help("add `grant everyone read, admin on advisory`"),
                );
            }
        }
    }
}
