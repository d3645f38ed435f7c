//! `group-without-members` (with `--members`): a group granted something
//! that no user holds, so its grants are unreachable.

use crate::analysis::rules::webconsole_group::WEBCONSOLE;
use crate::analysis::{finding, Context, Rule, RuleMeta, Target};
use crate::diagnostics::{Code, Diagnostic, Severity, SHOWN};
use crate::model::{Policy, Who};

pub(crate) static META: RuleMeta = RuleMeta {
    code: Code {
        id: "MQA213",
        name: "group-without-members",
    },
    severity: Severity::Warning,
    summary: "with --members: a group the policy grants something to is held by no user, so its grants are unreachable",
    docs: r#"## What it does
Runs when the broker's users are given (`--members FILE`: `simpleAuthenticationPlugin` users,
`aws mq describe-user` JSON, JAAS `groups.properties` / `users.properties`; `mqauthz audit`
reads them from the broker's files). Reports each group that the policy (or the authorization
map) grants something to but that no user holds. The finding is located at the group's
declaration (in a configuration, at its first entry) and names the member group closest in
spelling when there is one. The anonymous user of `anonymousAccessAllowed="true"` counts as a
member of its group; with `--target amazon-mq`, `activemq-webconsole` is exempt (Amazon MQ's web
console holds it).

## Why is this bad?
A grant to a group nobody holds changes nothing for anybody: it is unreachable. Most often it
hides a typo between the broker's users and the policy (`order-svc` in the users, `orders-svc`
in the policy), and the application that was meant to have the access is refused.

## Example
```
# users: app-orders in group order-svc
group orders-svc
grant orders-svc write on queue ORDERS.IN
```

## Use instead
```
group order-svc
grant order-svc write on queue ORDERS.IN
```
"#,
};

pub(crate) struct GroupWithoutMembers;

/// Does some grant of `policy` give `group` (by index) a right?
pub(crate) fn granted(policy: &Policy) -> Vec<bool> {
    let mut out = vec![false; policy.groups.len()];
    for grant in &policy.grants {
        for p in &grant.principals {
            if let Who::Group(g) = p.who {
                if let Some(x) = out.get_mut(g) {
                    *x = true;
                }
            }
        }
    }
    out
}

/// The name among `candidates` closest in spelling to `name`, when it is a
/// likely typo: at most one edit in four characters (`order-svc` for
/// `orders-svc`, not `billing-svc` for `shipping-svc`).
pub(crate) fn close_name<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let limit = (name.chars().count() / 4).max(1);
    crate::util::did_you_mean(name, candidates).filter(|c| {
        c.to_lowercase() == name.to_lowercase()
            || crate::util::edit_distance(&name.to_lowercase(), &c.to_lowercase()) <= limit
    })
}

impl Rule for GroupWithoutMembers {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context, out: &mut Vec<Diagnostic>) {
        let Some(members) = &cx.options.members else {
            return;
        };
        let policy = cx.policy;
        let held = members.groups();
        for (g, granted) in policy.groups.iter().zip(granted(policy)) {
            if !granted || held.contains_key(g.name.as_str()) {
                continue;
            }
            if cx.options.target == Target::AmazonMq && g.name == WEBCONSOLE {
                continue;
            }
            let close = close_name(&g.name, held.keys().copied());
            let mut d = finding(
                &META,
                format!(
                    "no user holds group `{}`: its grants are unreachable",
                    g.name
                ),
            )
            .primary(policy.source, g.span, "held by no user");
            d = match close {
                Some(c) => {
                    let users = held.get(c).map_or(0, |u| u.len());
                    let some: Vec<&str> = held
                        .get(c)
                        .map(|u| u.iter().copied().take(SHOWN).collect())
                        .unwrap_or_default();
                    let more = users.saturating_sub(some.len());
                    let more = if more > 0 {
                        format!(" and {more} more")
                    } else {
                        String::new()
                    };
                    d.help(format!(
                        "did you mean `{c}`? the users hold it ({}{more})",
                        some.join(", ")
                    ))
                }
                None => d.help("give the group to the users that need it, or remove its grants"),
            };
            out.push(d);
        }
    }
}
