//! Cross-checks between a policy and the broker configuration it is merged
//! into: the groups `simpleAuthenticationPlugin` users hold against the
//! groups the policy names, both ways.

use crate::diagnostics::{Code, Diagnostic, Named, SHOWN};
use crate::model::Policy;
use crate::xml::ConfigDoc;
use std::collections::{BTreeMap, BTreeSet};

pub(crate) const GROUP_WITHOUT_USERS: Code = Code {
    id: "MQA220",
    name: "group-without-users",
};
pub(crate) const USERS_WITHOUT_GRANTS: Code = Code {
    id: "MQA221",
    name: "users-without-grants",
};

/// Compare the configuration's users with the policy's groups. Silent when
/// the configuration defines no users (JAAS, LDAP or Amazon MQ users).
pub(crate) fn users(policy: &Policy, doc: &ConfigDoc) -> Vec<Diagnostic> {
    let users = &doc.facts().users;
    let mut out = Vec::new();
    if users.is_empty() {
        return out;
    }
    let mut held: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for u in users {
        for g in &u.groups.groups {
            held.entry(g.as_str())
                .or_default()
                .push(u.username.as_str());
        }
    }
    let named: BTreeSet<&str> = policy.groups.iter().map(|g| g.name.as_str()).collect();
    for g in &policy.groups {
        if !held.contains_key(g.name.as_str()) {
            out.push(
                Diagnostic::warning(
                    GROUP_WITHOUT_USERS,
                    format!("no user of the broker configuration is in group `{}`", g.name),
                )
                .primary(policy.source, g.span, "nobody holds this group")
                .help("add the group to the users that need it (`<authenticationUser groups=...>`), or check the spelling"),
            );
        }
    }
    let mut reported = BTreeSet::new();
    for u in users {
        for g in &u.groups.groups {
            if named.contains(g.as_str()) || !reported.insert(g.as_str()) {
                continue;
            }
            let (source, span) = doc.label_at(u.span);
            let users = held.get(g.as_str()).map(Vec::as_slice).unwrap_or_default();
            let holders = Named {
                shown: users.iter().take(SHOWN).map(|u| u.to_string()).collect(),
                total: users.len(),
            };
            out.push(
                Diagnostic::warning(
                    USERS_WITHOUT_GRANTS,
                    format!("group `{g}` of the broker's users is not in the policy, so its users ({}) get nothing from it", holders.text().replace('`', "")),
                )
                .named(holders)
                .primary(source, span, format!("`{}` is in `{g}`", u.username))
                .help(format!("declare `group {g}` and grant it what it needs, or remove it from the users")),
            );
        }
    }
    out
}
