//! `user-without-access` (with `--members`): a user whose groups receive no
//! right at all except through `everyone`.

use crate::analysis::{finding, Context, Rule, RuleMeta};
use crate::diagnostics::{Code, Diagnostic, Severity};

pub(crate) static META: RuleMeta = RuleMeta {
    code: Code {
        id: "MQA215",
        name: "user-without-access",
    },
    severity: Severity::Note,
    summary: "with --members: a user whose groups receive no right at all except through everyone",
    docs: r#"## What it does
Runs when the broker's users are given (`--members FILE`, or the users `mqauthz audit` reads).
Reports each user none of whose groups is granted anything by the policy (or the map), located
where the membership file names the user. A user with no group at all is reported too: a
`simpleAuthenticationPlugin` or Amazon MQ user without groups holds no principal, so not even
`everyone`'s grants reach them (before ActiveMQ 6.3.0; `--activemq-version` decides).

## Why is this bad?
Such a user may do only what `everyone` may do (often: read advisories), or nothing. It is
usually a user whose group was renamed or misspelt, and the application fails at start-up when
it first sends or receives.

## Example
```
# users: billing-app in group billing
group ops
grant ops all on queue >, topic >
grant everyone read, admin on advisory
```

## Use instead
```
group ops
group billing
grant ops all on queue >, topic >
grant billing read on queue INVOICES.>
grant everyone read, admin on advisory
```
"#,
};

pub(crate) struct UserWithoutAccess;

impl Rule for UserWithoutAccess {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context, out: &mut Vec<Diagnostic>) {
        let Some(members) = &cx.options.members else {
            return;
        };
        let policy = cx.policy;
        let granted = super::group_without_members::granted(policy);
        let receives = |g: &str| {
            policy
                .groups
                .iter()
                .zip(&granted)
                .any(|(p, granted)| *granted && p.name == g)
        };
        for user in members.users.values() {
            if user.groups.keys().any(|g| receives(g)) {
                continue;
            }
            let Some(at) = user.location() else { continue };
            let message = if user.groups.is_empty() {
                // from ActiveMQ 6.3.0 `*` matches every authenticated user
                if user.has_principal() || cx.options.version >= crate::analysis::Version(6, 3, 0) {
                    format!(
                        "user `{}` holds no group: only what `everyone` is granted reaches them",
                        user.name
                    )
                } else {
                    format!(
                        "user `{}` holds no group, so no grant reaches them, not even `everyone`'s",
                        user.name
                    )
                }
            } else {
                let groups: Vec<String> = user.groups.keys().map(|g| format!("`{g}`")).collect();
                format!(
                    "user `{}` gets nothing beyond `everyone`: the policy grants nothing to {}",
                    user.name,
                    groups.join(", ")
                )
            };
            out.push(
                finding(&META, message)
                    .primary(at.source, at.span, format!("`{}`", user.name))
                    .help("give the user a group the policy grants to, or grant its groups what it needs"),
            );
        }
    }
}
