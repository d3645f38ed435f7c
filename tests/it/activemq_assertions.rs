//! ActiveMQ's own authorization tests, ported: every assertion of
//! `AuthorizationMapTest`, `SimpleAuthorizationMapTest`,
//! `SimpleAuthenticationPluginSeparatorTest` and the runtime-config
//! `AuthorizationTest` (apache/activemq at activemq-5.17.2) written as a map
//! (tests/fixtures/activemq-tests), a key and the principals ActiveMQ
//! answers, and checked against `mqauthz explain --format json`.
//!
//! Map-level tests (`getReadACLs(...)` answers) compare the exact set of
//! principals. Broker-level tests (a user connects and consumes, sends or
//! opens a temporary queue) compare whether the user's principals meet the
//! answer: a user is allowed when it holds one of them, or the answer holds
//! `*` and the user holds any principal.
//!
//! Principals are written as mqauthz keys: a group by its name, `*`, and a
//! principal of another class as `name,class`.

use crate::support::cli::{mqauthz, text};

use std::collections::BTreeSet;

const DIR: &str = "tests/fixtures/activemq-tests";
const USER_PRINCIPAL: &str = "org.apache.activemq.jaas.UserPrincipal";

/// The principals holding `right` on `kind dest` (or on temporary
/// destinations for kind `temp`), as `explain` answers; `None` when the
/// right is open to every user.
fn answer(file: &str, kind: &str, dest: &str, right: &str) -> Option<BTreeSet<String>> {
    let path = format!("{DIR}/{file}.xml");
    let mut args = vec!["explain", &path, kind];
    if kind != "temp" {
        args.push(dest);
    }
    args.extend(["--format", "json"]);
    let out = mqauthz(&args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "explain {args:?}: {}",
        text(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let r = doc["rights"]
        .as_array()
        .expect("rights")
        .iter()
        .find(|r| r["right"] == right)
        .expect("the right");
    if r["open"] == true {
        return None;
    }
    Some(
        r["groups"]
            .as_array()
            .expect("groups")
            .iter()
            .map(|h| {
                let shown = h["group"].as_str().expect("group");
                match h["class"].as_str() {
                    // shown as `<kind> <name>`
                    Some(class) => {
                        let name = shown.split_once(' ').map_or(shown, |(_, n)| n);
                        format!("{name},{class}")
                    }
                    None => shown.to_string(),
                }
            })
            .collect(),
    )
}

/// `getXxxACLs(kind dest)` answers exactly `want`.
fn map_says(file: &str, kind: &str, dest: &str, right: &str, want: &[&str]) {
    let got = answer(file, kind, dest, right).unwrap_or_default();
    let want: BTreeSet<String> = want.iter().map(|s| s.to_string()).collect();
    assert_eq!(got, want, "{file}: {right} on {kind} {dest}");
}

/// Is a user holding `principals` allowed `right` on `kind dest`?
fn user_may(file: &str, principals: &[&str], kind: &str, dest: &str, right: &str) -> bool {
    match answer(file, kind, dest, right) {
        None => true,
        Some(set) => {
            (!principals.is_empty() && set.contains("*"))
                || principals.iter().any(|p| set.contains(*p))
        }
    }
}

// ------------------------------------------------------- AuthorizationMapTest

#[test]
fn authorization_map_test() {
    // testAuthorizationMap: an entry naming GroupPrincipal explicitly and one
    // leaving the default class unite
    map_says(
        "map-basic",
        "queue",
        "USERS.FOO.BAR",
        "read",
        &["admins", "users"],
    );

    // testComposite: entries intersect by value
    map_says(
        "map-composite",
        "queue",
        "USERS.FOO.BAR,DENIED",
        "read",
        &["admins"],
    );
    map_says(
        "map-composite",
        "queue",
        "USERS.FOO.BAR,USERS.BAR.FOO",
        "read",
        &["admins", "users"],
    );
    map_says(
        "map-composite",
        "queue",
        "QUEUEA,QUEUEB",
        "read",
        &["admins", "users"],
    );

    // testAuthorizationMapWithTempDest
    map_says(
        "map-temp",
        "queue",
        "USERS.FOO.BAR",
        "read",
        &["admins", "users"],
    );
    map_says("map-temp", "temp", "", "admin", &["tempDestAdmins"]);

    // testWildcards: `*` is one principal equal to every principal
    map_says("map-wildcard", "queue", "USERS.FOO.BAR", "read", &["*"]);
    map_says("map-wildcard", "queue", "USERS.FOO.BAR", "write", &["*"]);
    map_says(
        "map-wildcard",
        "queue",
        "USERS.FOO.BAR",
        "admin",
        &["admins"],
    );
    map_says("map-wildcard", "temp", "", "admin", &["*"]);
}

#[test]
fn authorization_map_test_wildcard_subscriptions() {
    // testWildcardSubscriptions, its four maps in turn
    map_says("subs-1", "queue", ">", "read", &[]);
    map_says("subs-1", "queue", "A", "read", &["usersA"]);

    map_says("subs-2", "queue", ">", "read", &[]);
    map_says("subs-2", "queue", "A", "read", &["usersA"]);
    map_says("subs-2", "queue", "USERS.>", "read", &["users"]);
    map_says("subs-2", "queue", "USERS.FOO.>", "read", &["users"]);
    map_says("subs-2", "queue", "USERS.TEST", "read", &["users"]);

    map_says("subs-3", "queue", ">", "read", &[]);
    map_says("subs-3", "queue", "A", "read", &["usersA"]);
    map_says("subs-3", "queue", "USERS.>", "read", &["users"]);
    map_says("subs-3", "queue", "USERS.FOO.>", "read", &["users"]);
    map_says("subs-3", "queue", "USERS.TEST", "read", &["users"]);
    map_says("subs-3", "queue", "USERS.A.>", "read", &["users", "usersA"]);

    map_says("subs-4", "queue", ">", "read", &["admins"]);
    map_says("subs-4", "queue", "A", "read", &["admins", "usersA"]);
    map_says("subs-4", "queue", "USERS.>", "read", &["admins", "users"]);
    map_says(
        "subs-4",
        "queue",
        "USERS.FOO.>",
        "read",
        &["admins", "users"],
    );
    map_says(
        "subs-4",
        "queue",
        "USERS.TEST",
        "read",
        &["admins", "users"],
    );
    map_says(
        "subs-4",
        "queue",
        "USERS.A.>",
        "read",
        &["admins", "users", "usersA"],
    );
}

// ------------------------------------------------- SimpleAuthorizationMapTest

/// `SimpleSecurityBrokerSystemTest.createAuthorizationMap()`: one
/// `DestinationMap` per right, each `put(destination, principal)` written
/// here as an entry giving that principal that right (the per-right maps
/// intersect principal sets for composites, entries of equal value do the
/// same here).
#[test]
fn simple_authorization_map_test() {
    // testAuthorizationMap
    map_says(
        "simple-map",
        "queue",
        "USERS.FOO.BAR",
        "read",
        &["admins", "users"],
    );
    // testComposite (with addABEntry's QUEUEA and QUEUEB)
    map_says(
        "simple-map",
        "queue",
        "USERS.FOO.BAR,DENIED",
        "read",
        &["admins"],
    );
    map_says(
        "simple-map",
        "queue",
        "USERS.FOO.BAR,USERS.BAR.FOO",
        "read",
        &["admins", "users"],
    );
    map_says(
        "simple-map",
        "queue",
        "QUEUEA,QUEUEB",
        "read",
        &["admins", "users"],
    );
}

// ------------------------------------ SimpleAuthenticationPluginSeparatorTest

/// Its configuration (`simple-auth-separator.xml`) installs
/// `DestinationPathSeparatorBroker`, which turns `/` into `.` before
/// authorization: the destinations below are written as the map sees them
/// (`USERS/FOO` is looked up as `USERS.FOO`).
#[test]
fn simple_authentication_plugin_separator_test() {
    let user = ["users"];
    let guest = ["guests"];
    let f = "separator";
    for kind in ["queue", "topic"] {
        // testUserReceiveFails
        for d in ["TEST", "GUEST.BAR"] {
            assert!(
                !user_may(f, &user, kind, d, "read"),
                "user reads {kind} {d}"
            );
        }
        // testUserReceiveSucceeds
        assert!(user_may(f, &user, kind, "USERS.FOO", "read"));
        // testGuestReceiveSucceeds
        assert!(user_may(f, &guest, kind, "GUEST.BAR", "read"));
        // testGuestReceiveFails
        for d in ["TEST", "USERS.FOO"] {
            assert!(
                !user_may(f, &guest, kind, d, "read"),
                "guest reads {kind} {d}"
            );
        }
        // testUserSendSucceeds
        for d in ["USERS.FOO", "GUEST.BAR"] {
            assert!(
                user_may(f, &user, kind, d, "write"),
                "user writes {kind} {d}"
            );
        }
        // testUserSendFails
        assert!(!user_may(f, &user, kind, "TEST", "write"));
        // testGuestSendFails
        for d in ["TEST", "USERS.FOO"] {
            assert!(
                !user_may(f, &guest, kind, d, "write"),
                "guest writes {kind} {d}"
            );
        }
        // testGuestSendSucceeds
        assert!(user_may(f, &guest, kind, "GUEST.BAR", "write"));
    }
}

// ------------------------------------------- runtime-config AuthorizationTest

/// The users of the runtime-config tests (JAAS properties login: a
/// `UserPrincipal` for the login and a `GroupPrincipal` per group).
fn jaas(login: &str, groups: &[&str]) -> Vec<String> {
    let mut p: Vec<String> = groups.iter().map(|g| g.to_string()).collect();
    p.push(format!("{login},{USER_PRINCIPAL}"));
    p
}

fn p(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// `assertAllowed(user, dest)`: a consumer on queue `dest`. It needs read
/// (rule F for a wildcard, the composite rule for a composite) and, for a
/// plain name or each component of a composite, admin to create it.
fn may_consume(file: &str, principals: &[String], dest: &str) -> bool {
    let p: Vec<&str> = principals.iter().map(String::as_str).collect();
    if !user_may(file, &p, "queue", dest, "read") {
        return false;
    }
    dest.split(',')
        .filter(|c| !c.split('.').any(|s| s == "*" || s == ">"))
        .all(|c| user_may(file, &p, "queue", c, "admin"))
}

/// `assertAllowedTemp(user)`: create a temporary queue and consume from it.
fn may_use_temp(file: &str, principals: &[String]) -> bool {
    let p: Vec<&str> = principals.iter().map(String::as_str).collect();
    user_may(file, &p, "temp", "", "admin") && user_may(file, &p, "temp", "", "read")
}

#[test]
fn runtime_config_authorization_test() {
    let user = jaas("user", &["users"]);
    let guest = jaas("guest", &["guests"]);

    // testMod, testModRm: authorizationTest-users and -users-guests
    let f = "rc-users";
    assert!(may_consume(f, &user, "USERS.A"));
    assert!(!may_consume(f, &user, "GUESTS.A"));
    assert!(!may_consume(f, &guest, "GUESTS.A"));
    assert!(!may_use_temp(f, &guest));
    let f = "rc-users-guests";
    assert!(may_consume(f, &user, "USERS.A"));
    assert!(may_consume(f, &guest, "GUESTS.A"));
    assert!(!may_consume(f, &user, "GUESTS.A"));
    assert!(may_use_temp(f, &guest));

    // testModAddWrite: a producer sends to USERS.A, which the user's
    // consumer created earlier in the test, so only write is checked
    assert!(user_may("rc-users", &p(&user), "queue", "USERS.A", "write"));
    assert!(!user_may(
        "rc-users",
        &p(&guest),
        "queue",
        "USERS.A",
        "write"
    ));
    let f = "rc-users-add-write-guest";
    assert!(user_may(f, &p(&user), "queue", "USERS.A", "write"));
    assert!(user_may(f, &p(&guest), "queue", "USERS.A", "write"));

    // testModWithGroupClass: with groupClass UserPrincipal the names are
    // users, so the group `users` no longer grants anything
    let f = "rc-users-dud-groupclass";
    assert!(!may_consume(f, &user, "USERS.A"));
    map_says(
        f,
        "queue",
        "USERS.A",
        "read",
        &[
            &format!("admins,{USER_PRINCIPAL}"),
            &format!("users,{USER_PRINCIPAL}"),
        ],
    );
    // a user literally named `users` would be let in
    assert!(may_consume(f, &jaas("users", &[]), "USERS.A"));

    // testWildcard
    let f = "rc-wildcard-users-guests";
    assert!(may_consume(f, &user, "ALL.USERS.>"));
    assert!(may_consume(f, &guest, "ALL.GUESTS.>"));
    assert!(!may_consume(f, &user, "ALL.USERS.>,ALL.GUESTS.>"));
    assert!(!may_consume(f, &guest, "ALL.GUESTS.>,ALL.USERS.>"));
    assert!(!may_consume(f, &user, "ALL.>"));
    assert!(!may_consume(f, &guest, "ALL.>"));
    assert!(may_consume(f, &user, "ALL.USERS.A"));
    assert!(may_consume(f, &user, "ALL.USERS.A,ALL.USERS.B"));
    assert!(may_consume(f, &guest, "ALL.GUESTS.A"));
    assert!(may_consume(f, &guest, "ALL.GUESTS.A,ALL.GUESTS.B"));
    assert!(!may_consume(f, &user, "USERS.>"));
    assert!(!may_consume(f, &guest, "GUESTS.>"));
    assert!(may_use_temp(f, &guest));
}

/// `explain --group` never counts a principal of another class as the
/// group, and names it.
#[test]
fn explain_group_with_another_class() {
    let out = mqauthz(&[
        "explain",
        &format!("{DIR}/rc-users-dud-groupclass.xml"),
        "queue",
        "USERS.A",
        "--group",
        "users",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let t = text(&out.stdout);
    assert!(t.contains("read   no"), "{t}");
    assert!(
        t.contains("user users holds it: a principal of another class, not the group"),
        "{t}"
    );
}

// ----------------------------------------------------- AuthorizationBrokerTest

/// `AuthorizationBrokerTest` (activemq-broker, added with the fix of
/// composite temporary destinations in 5.19.9/6.2.8/6.3.0; mqauthz answers
/// as 5.17.2). Its map gives `admins` (groups) and the users `user1` and
/// `user2` (`UserPrincipal`) the same lists for the three rights; here one
/// entry per pattern with `groupClass` UserPrincipal for the users.
#[test]
fn authorization_broker_test() {
    let f = "authz-broker";
    let u1 = format!("user1,{USER_PRINCIPAL}");
    let u2 = format!("user2,{USER_PRINCIPAL}");
    for right in ["read", "write", "admin"] {
        for kind in ["queue", "topic"] {
            // testAcls: each user has its own destinations
            map_says(f, kind, "USER1.dest.1", right, &["admins", &u1]);
            map_says(f, kind, "USER2.dest.1", right, &["admins", &u2]);
            // a composite only where every component is the user's
            map_says(f, kind, "USER1.dest.1,USER2.dest.2", right, &["admins"]);
            map_says(
                f,
                kind,
                "USER2.dest.1,USER2.dest.2",
                right,
                &["admins", &u2],
            );
            // testAclsMixed: queue and topic components
            map_says(
                f,
                kind,
                "queue://USER1.dest.1,topic://USER2.dest.2",
                right,
                &["admins"],
            );
            map_says(
                f,
                kind,
                "queue://USER2.dest.1,topic://USER2.dest.2",
                right,
                &["admins", &u2],
            );
        }
        // testTempAcls: temporary destinations of any name, composites of
        // them too, answer with the temp entry. (Its mixed composites with a
        // temporary top level are checked against every component only
        // since 5.19.9; in 5.17.2 the temp entry alone decides, and explain
        // names the unchecked components.)
        for name in ["temp.dest.1", "t.dest.1,t.dest.2"] {
            let out = mqauthz(&[
                "explain",
                &format!("{DIR}/{f}.xml"),
                "temp",
                name,
                "--format",
                "json",
            ]);
            assert_eq!(out.status.code(), Some(0));
            let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
            assert_eq!(doc["destination"], name);
            let r = &doc["rights"].as_array().expect("rights")[match right {
                "read" => 0,
                "write" => 1,
                _ => 2,
            }];
            assert_eq!(r["groups"][0]["group"], "admins", "{doc}");
        }
    }
    let out = mqauthz(&[
        "explain",
        &format!("{DIR}/{f}.xml"),
        "temp",
        "queue://USER1.dest.1,temp-topic://t.dest.2",
        "--format",
        "json",
    ]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(
        doc["unchecked_components"][0], "queue://USER1.dest.1",
        "{doc}"
    );
}
