//! Principals as ActiveMQ builds them from an entry's names and its
//! `groupClass` (`docs/semantics.md#union-of-entries`).
//!
//! `AuthorizationEntry.parseACLs` turns each name of `read`, `write` and
//! `admin` into `DefaultAuthorizationMap.createGroupPrincipal(name, class)`:
//! the name `*` becomes a principal equal to every principal whatever the
//! class; any other name becomes an instance of the class, loaded with
//! `Class.forName`. The broker matches a user by `allowed.equals(user's
//! principal)`, and the JAAS principal classes are equal only to the same
//! class with the same name. So `read="admin"` with Karaf's `RolePrincipal`
//! grants to the role `admin`, never to the group `admin`.
//!
//! mqauthz names a principal by a *key*: the bare name for ActiveMQ's
//! `GroupPrincipal` (and `*`), `name,class` for any other class. Names never
//! contain `,` (ActiveMQ splits the lists on it), so keys of different
//! classes never collide, and a group name is its own key.

use super::{Acl, DEFAULT_GROUP_CLASS, EVERYONE};
use std::borrow::Cow;

/// ActiveMQ's JAAS user principal (`PropertiesLoginModule` gives one per login).
pub const USER_PRINCIPAL_CLASS: &str = "org.apache.activemq.jaas.UserPrincipal";
/// Apache Karaf's role principal (ActiveMQ in Karaf).
pub const KARAF_ROLE_CLASS: &str = "org.apache.karaf.jaas.boot.principal.RolePrincipal";
/// Apache Karaf's user principal.
pub const KARAF_USER_CLASS: &str = "org.apache.karaf.jaas.boot.principal.UserPrincipal";
/// Apache Karaf's group principal (not ActiveMQ's `GroupPrincipal`).
pub const KARAF_GROUP_CLASS: &str = "org.apache.karaf.jaas.boot.principal.GroupPrincipal";

/// The principal classes mqauthz knows, with the word it shows them by.
const KNOWN: &[(&str, &str)] = &[
    (DEFAULT_GROUP_CLASS, "group"),
    (USER_PRINCIPAL_CLASS, "user"),
    (KARAF_ROLE_CLASS, "role"),
    (KARAF_USER_CLASS, "karaf-user"),
    (KARAF_GROUP_CLASS, "karaf-group"),
];

/// The class an ACL's names become (`None`: ActiveMQ's `GroupPrincipal`).
pub(crate) fn class_of(acl: &Acl) -> Option<&str> {
    acl.group_class
        .as_deref()
        .filter(|c| *c != DEFAULT_GROUP_CLASS)
}

/// The key of the principal `name` becomes in an entry of principal class
/// `class` (see the module documentation).
pub fn key<'n>(name: &'n str, class: Option<&str>) -> Cow<'n, str> {
    match class {
        Some(c) if name != EVERYONE && c != DEFAULT_GROUP_CLASS => {
            Cow::Owned(format!("{name},{c}"))
        }
        _ => Cow::Borrowed(name),
    }
}

/// A key's name and, for a class other than `GroupPrincipal`, its class.
pub fn split(key: &str) -> (&str, Option<&str>) {
    match key.split_once(',') {
        Some((name, class)) => (name, Some(class)),
        None => (key, None),
    }
}

/// Is `key` a `GroupPrincipal` (or `*`)?
pub fn is_group(key: &str) -> bool {
    !key.contains(',')
}

/// The word a class is shown by (`user`, `role`), or the class itself.
pub fn class_word(class: &str) -> &str {
    KNOWN
        .iter()
        .find(|(c, _)| *c == class)
        .map_or(class, |(_, w)| w)
}

/// Does mqauthz know this principal class?
pub fn is_known_class(class: &str) -> bool {
    KNOWN.iter().any(|(c, _)| *c == class)
}

/// Can `Class.forName` ever load a class of this name? A Java binary name
/// is dot-separated identifiers (`$` allowed); anything else (an empty
/// name, spaces, a leading digit) fails on every broker.
pub fn is_loadable_name(class: &str) -> bool {
    !class.is_empty()
        && class.split('.').all(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .is_some_and(|c| c.is_alphabetic() || c == '_' || c == '$')
                && chars.all(|c| c.is_alphanumeric() || c == '_' || c == '$')
        })
}

/// How a principal key is shown: a group by its name, others as
/// `user alice`, `role admin`, `com.example.Principal x`.
pub fn display(key: &str) -> Cow<'_, str> {
    match split(key) {
        (name, Some(class)) => Cow::Owned(format!("{} {name}", class_word(class))),
        (name, None) => Cow::Borrowed(name),
    }
}

impl Acl {
    /// The keys of the principals holding `right`.
    pub fn principals(&self, right: super::Right) -> impl Iterator<Item = Cow<'_, str>> {
        let class = class_of(self);
        self.get(right).groups.iter().map(move |g| key(g, class))
    }

    /// Does the principal `key` hold `right` here?
    pub fn holds(&self, right: super::Right, principal_key: &str) -> bool {
        let (name, class) = split(principal_key);
        if name == EVERYONE {
            return self.get(right).groups.contains(EVERYONE);
        }
        class_of(self) == class && self.get(right).groups.contains(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::semantics::{GroupList, Right};

    #[test]
    fn keys_and_display() {
        let mut acl = Acl {
            read: GroupList::parse("admin,*"),
            ..Acl::default()
        };
        let keys: Vec<String> = acl
            .principals(Right::Read)
            .map(|k| k.into_owned())
            .collect();
        assert_eq!(keys, ["*", "admin"]);
        acl.group_class = Some(KARAF_ROLE_CLASS.to_string());
        let keys: Vec<String> = acl
            .principals(Right::Read)
            .map(|k| k.into_owned())
            .collect();
        assert_eq!(keys, ["*", &format!("admin,{KARAF_ROLE_CLASS}")]);
        assert_eq!(display(&keys[1]), "role admin");
        assert!(acl.holds(Right::Read, &keys[1]));
        assert!(!acl.holds(Right::Read, "admin"));
        assert!(acl.holds(Right::Read, "*"));
        assert_eq!(display(&key("a", Some(USER_PRINCIPAL_CLASS))), "user a");
        assert_eq!(display(&key("a", Some("x.Y"))), "x.Y a");
        assert_eq!(key("a", Some(DEFAULT_GROUP_CLASS)), "a");
        assert!(is_loadable_name("org.example.P$1"));
        assert!(!is_loadable_name("no class"));
        assert!(!is_loadable_name(""));
        assert!(!is_loadable_name("a..b"));
        assert!(!is_loadable_name("1a"));
    }
}
