//! `member-of-unknown-group` (with `--members`): a user holds a group the
//! policy never mentions.

use crate::analysis::{finding, Context, Rule, RuleMeta};
use crate::diagnostics::{Code, Diagnostic, Severity};
use std::collections::BTreeMap;

pub(crate) static META: RuleMeta = RuleMeta {
    code: Code {
        id: "MQA214",
        name: "member-of-unknown-group",
    },
    severity: Severity::Warning,
    summary: "with --members: a user holds a group the policy never mentions",
    docs: r#"## What it does
Runs when the broker's users are given (`--members FILE`, or the users `mqauthz audit` reads).
Reports each group that some user holds but that the policy (or the authorization map) never
mentions, once per group, located where the membership file gives it to its first user. When a
group of the policy is close in spelling, it is suggested.

## Why is this bad?
The policy decides by group: a group it never mentions gives its users nothing. When the
name is a typo of a policy group (`order-svc` for `orders-svc`), the users meant to have that
group's access are refused, and the policy's group is unreachable (`group-without-members`).

## Example
```
# users.xml: <authenticationUser username="app-orders" groups="order-svc"/>
group orders-svc
grant orders-svc write on queue ORDERS.IN
```

## Use instead
Spell the group the same way in both places (`groups="orders-svc"`), or grant the group what its
users need.
"#,
};

pub(crate) struct MemberOfUnknownGroup;

impl Rule for MemberOfUnknownGroup {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context, out: &mut Vec<Diagnostic>) {
        let Some(members) = &cx.options.members else {
            return;
        };
        let policy = cx.policy;
        let mentioned = |g: &str| policy.groups.iter().any(|p| p.name == g);
        // per unknown group: its users and the first place one of them holds it
        let mut unknown: BTreeMap<&str, (Vec<&str>, Option<crate::semantics::Location>)> =
            BTreeMap::new();
        for user in members.users.values() {
            for (g, at) in &user.groups {
                if mentioned(g) {
                    continue;
                }
                let e = unknown.entry(g.as_str()).or_default();
                e.0.push(user.name.as_str());
                if let Some(first) = at.first() {
                    if e.1
                        .is_none_or(|l| (first.source, first.span.start) < (l.source, l.span.start))
                    {
                        e.1 = Some(*first);
                    }
                }
            }
        }
        for (g, (users, at)) in unknown {
            let Some(at) = at else { continue };
            let close = super::group_without_members::close_name(
                g,
                policy.groups.iter().map(|p| p.name.as_str()),
            );
            let d = finding(
                &META,
                format!(
                    "group `{g}` of {} is never mentioned by the policy, so it gives them nothing",
                    users
                        .iter()
                        .map(|u| format!("`{u}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
            .primary(
                at.source,
                at.span,
                format!("`{}` holds `{g}` here", users[0]),
            );
            out.push(match close {
                Some(c) => d.help(format!("did you mean `{c}`? the policy grants to it")),
                None => d.help(format!(
                    "declare `group {g}` and grant it what its users need, or take it from the users"
                )),
            });
        }
    }
}
