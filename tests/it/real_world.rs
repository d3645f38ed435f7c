//! Configurations in the styles found in real deployments (LDAP maps as
//! beans, maps built from Spring beans or referenced, Karaf role
//! principals, composite entries, property placeholders, the path
//! separator plugin, anonymous access, unknown plugins, a non-UTF-8
//! encoding, the fragment `compile -o` writes), each with what every
//! command that reads a configuration must do with it: `compile --into`,
//! `import`, `diff`, `review` and `explain`.

use crate::support::cli::{mqauthz, text};

use std::path::PathBuf;
use std::process::Output;

const DIR: &str = "tests/fixtures/real-world";

fn fixture(name: &str) -> String {
    format!("{DIR}/{name}")
}

fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("real-world");
    std::fs::create_dir_all(&dir).expect("scratch folder");
    dir.join(name)
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

fn stderr(o: &Output) -> String {
    text(&o.stderr)
}

fn stdout(o: &Output) -> String {
    text(&o.stdout)
}

/// What `compile --into CONFIG -o OUT` did: its exit code, its standard
/// error and whether OUT was written.
fn compile_into(policy: &str, config: &str, extra: &[&str]) -> (i32, String, bool) {
    let base = std::path::Path::new(config)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let out = scratch(&format!("merged-{}-{base}", extra.len()));
    let _ = std::fs::remove_file(&out);
    let out_s = out.to_string_lossy().into_owned();
    let mut args = vec!["compile", policy, "--into", config, "-o", out_s.as_str()];
    args.extend_from_slice(extra);
    let o = mqauthz(&args);
    (code(&o), stderr(&o), out.exists())
}

/// A configuration whose map mqauthz does not read: refused by
/// `compile --into` (nothing written) unless `--replace-other-map`, and
/// named as a form mqauthz does not read by import, diff, review, explain.
fn assert_unread_map(config: &str, names: &str) {
    let config = fixture(config);
    let policy = fixture("policy.mqa");
    let (status, err, written) = compile_into(&policy, &config, &[]);
    assert_eq!(status, 1, "{err}");
    assert!(!written, "nothing may be written");
    assert!(err.contains("error[MQA312]"), "{err}");
    assert!(err.contains(names), "{err}");
    assert!(err.contains("a map mqauthz does not read"), "{err}");
    assert!(err.contains("nothing was written"), "{err}");

    let (status, err, written) = compile_into(&policy, &config, &["--replace-other-map"]);
    assert_eq!(status, 0, "{err}");
    assert!(written);

    for (args, expected) in [
        (vec!["import", config.as_str()], 1),
        (vec!["diff", config.as_str(), policy.as_str()], 2),
        (vec!["diff", policy.as_str(), config.as_str()], 2),
        (vec!["review", config.as_str()], 1),
        (vec!["explain", config.as_str(), "queue", "USERS.A"], 1),
    ] {
        let o = mqauthz(&args);
        let err = stderr(&o);
        assert_eq!(code(&o), expected, "{args:?}: {err}");
        assert!(err.contains("error[MQA307]"), "{args:?}: {err}");
        assert!(
            err.contains("a form mqauthz does not read"),
            "{args:?}: {err}"
        );
        assert!(err.contains(names), "{args:?}: {err}");
        assert!(err.contains(&format!("--> {config}:")), "located: {err}");
        assert!(
            !stdout(&o).contains("no difference"),
            "{args:?} decided: {}",
            stdout(&o)
        );
    }
}

#[test]
fn ldap_map_as_a_bean() {
    assert_unread_map(
        "ldap-bean.xml",
        "`org.apache.activemq.security.LDAPAuthorizationMap`",
    );
}

#[test]
fn default_map_built_from_beans() {
    assert_unread_map(
        "default-map-bean.xml",
        "`org.apache.activemq.security.DefaultAuthorizationMap`",
    );
}

#[test]
fn map_referenced_with_ref() {
    assert_unread_map("ref-map.xml", "the bean `authorizationMap`");
}

#[test]
fn map_referenced_with_hash_id() {
    assert_unread_map("hash-ref-map.xml", "#authorizationMap");
}

#[test]
fn classic_secured_broker_reads_and_round_trips() {
    let config = fixture("jaas-style.xml");
    let o = mqauthz(&["explain", &config, "queue", "USERS.ORDERS"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let out = stdout(&o);
    let read = out.lines().find(|l| l.starts_with("read")).unwrap_or("");
    assert_eq!(
        read.split_whitespace().collect::<Vec<_>>(),
        ["read", "admins,", "users"]
    );

    // import, then the imported policy means what the configuration means
    let o = mqauthz(&["import", &config]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let imported = scratch("jaas-style.mqa");
    std::fs::write(&imported, &o.stdout).expect("write");
    let o = mqauthz(&["diff", &config, &imported.to_string_lossy()]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    let o = mqauthz(&["review", &config]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));

    let (status, err, written) = compile_into(&fixture("policy.mqa"), &config, &[]);
    assert_eq!(status, 0, "{err}");
    assert!(written);
}

#[test]
fn composite_entries_guard_each_part() {
    let config = fixture("composite-entries.xml");
    for dest in ["ORDERS.IN", "INVOICES.2024"] {
        let o = mqauthz(&["explain", &config, "queue", dest, "--group", "users"]);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        let out = stdout(&o);
        assert!(
            out.lines()
                .any(|l| l.starts_with("read") && l.contains("yes")),
            "{dest}: {out}"
        );
        assert!(
            out.lines()
                .any(|l| l.starts_with("admin") && l.contains("no")),
            "{dest}: {out}"
        );
    }
    let o = mqauthz(&[
        "explain",
        &config,
        "queue",
        "PAYMENTS.IN",
        "--group",
        "users",
    ]);
    assert!(stdout(&o)
        .lines()
        .any(|l| l.starts_with("read") && l.contains("no")));
    let o = mqauthz(&["import", &config]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let imported = scratch("composite.mqa");
    std::fs::write(&imported, &o.stdout).expect("write");
    let o = mqauthz(&["diff", &config, &imported.to_string_lossy()]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
}

#[test]
fn karaf_role_principals_are_not_imported_as_groups() {
    let config = fixture("karaf-roles.xml");
    let o = mqauthz(&["import", &config]);
    let err = stderr(&o);
    assert!(err.contains("warning[MQA320]"), "{err}");
    assert!(
        err.contains("org.apache.karaf.jaas.boot.principal.RolePrincipal"),
        "{err}"
    );
}

#[test]
fn placeholders_are_named_and_resolved_by_properties() {
    let config = fixture("placeholders.xml");
    for args in [
        vec!["explain", config.as_str(), "queue", "ORDERS.A"],
        vec!["import", config.as_str()],
        vec!["review", config.as_str()],
        vec!["diff", config.as_str(), config.as_str()],
    ] {
        let o = mqauthz(&args);
        // review lists findings in the review itself, with their names
        let err = if args[0] == "review" {
            stdout(&o)
        } else {
            stderr(&o)
        };
        assert!(
            err.contains("warning[MQA324]") || err.contains("warning[unresolved-placeholder]"),
            "{args:?}: {err}"
        );
        assert!(err.contains("`${admin.group}`"), "{args:?}: {err}");
        assert!(err.contains("`${app.prefix}`"), "{args:?}: {err}");
        if args[0] != "review" {
            assert!(
                err.contains("--property admin.group=VALUE"),
                "{args:?}: {err}"
            );
        }
    }
    // without values the names are the literal text, as ActiveMQ would see
    // them had nothing resolved them
    let o = mqauthz(&["explain", &config, "queue", "ORDERS.A"]);
    assert!(stdout(&o).contains("${admin.group}"), "{}", stdout(&o));

    let props = fixture("placeholders.properties");
    let by_file = ["--properties", props.as_str()];
    let by_flag = [
        "--property",
        "admin.group=admins",
        "--property",
        "app.prefix=ORDERS",
    ];
    for extra in [&by_file[..], &by_flag[..]] {
        let mut args = vec!["explain", config.as_str(), "queue", "ORDERS.A"];
        args.extend_from_slice(extra);
        let o = mqauthz(&args);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        assert!(!stderr(&o).contains("MQA324"), "{}", stderr(&o));
        let out = stdout(&o);
        let read = out.lines().find(|l| l.starts_with("read")).unwrap_or("");
        assert_eq!(
            read.split_whitespace().collect::<Vec<_>>(),
            ["read", "admins,", "users"],
            "{out}"
        );
        let mut args = vec!["import", config.as_str()];
        args.extend_from_slice(extra);
        let o = mqauthz(&args);
        assert!(
            stdout(&o).contains("grant users all on queue ORDERS.>"),
            "{}",
            stdout(&o)
        );
        let mut args = vec!["diff", config.as_str(), config.as_str()];
        args.extend_from_slice(extra);
        assert_eq!(code(&mqauthz(&args)), 0);
        let mut args = vec!["review", config.as_str()];
        args.extend_from_slice(extra);
        assert_eq!(code(&mqauthz(&args)), 0);
    }
    // `--property` wins over a file
    let o = mqauthz(&[
        "explain",
        &config,
        "queue",
        "ORDERS.A",
        "--properties",
        &props,
        "--property",
        "admin.group=ops",
    ]);
    assert!(stdout(&o).contains("ops"), "{}", stdout(&o));
    // a malformed value is a usage error
    let o = mqauthz(&["explain", &config, "queue", "X", "--property", "novalue"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("expected KEY=VALUE"), "{}", stderr(&o));
    // compile --into and check --config accept the same options
    let (status, err, _) = compile_into(&fixture("policy.mqa"), &config, &["--properties", &props]);
    assert_eq!(status, 0, "{err}");
    let o = mqauthz(&[
        "check",
        &fixture("policy.mqa"),
        "--config",
        &config,
        "--property",
        "admin.group=admins",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
}

#[test]
fn path_separator_plugin_is_reported_in_both_forms() {
    for name in ["separator.xml", "separator-bean.xml"] {
        let config = fixture(name);
        for args in [
            vec!["explain", config.as_str(), "queue", "USERS.A"],
            vec!["import", config.as_str()],
            vec!["review", config.as_str()],
            vec!["diff", config.as_str(), config.as_str()],
        ] {
            let o = mqauthz(&args);
            assert_eq!(code(&o), 0, "{args:?}: {}", stderr(&o));
            if args[0] == "review" {
                // review lists findings in the review itself, with a line
                let out = stdout(&o);
                assert!(
                    out.contains("warning[rewrites-destination-names] (line "),
                    "{out}"
                );
                assert!(out.contains("turns `/` into `.`"), "{out}");
                continue;
            }
            let err = stderr(&o);
            assert!(err.contains("warning[MQA323]"), "{args:?}: {err}");
            assert!(err.contains("turns `/` into `.`"), "{args:?}: {err}");
            assert!(err.contains(&format!("--> {config}:")), "located: {err}");
        }
        let (status, err, written) = compile_into(&fixture("policy.mqa"), &config, &[]);
        assert_eq!(status, 0, "{err}");
        assert!(written);
        assert!(err.contains("warning[MQA323]"), "{err}");
    }
}

#[test]
fn anonymous_group_exists_with_anonymous_access() {
    let config = fixture("anonymous.xml");
    let (status, err, written) = compile_into(&fixture("anonymous.mqa"), &config, &[]);
    assert_eq!(status, 0, "{err}");
    assert!(written);
    assert!(!err.contains("group `anonymous`"), "{err}");
    // the same policy against a broker without anonymous access
    let plain = scratch("no-anonymous.xml");
    let xml = std::fs::read_to_string(&config).expect("read");
    std::fs::write(&plain, xml.replace(" anonymousAccessAllowed=\"true\"", "")).expect("write");
    let (_, err, _) = compile_into(&fixture("anonymous.mqa"), &plain.to_string_lossy(), &[]);
    assert!(err.contains("no user holds group `anonymous`"), "{err}");
    // anonymousGroup names the group
    let renamed = scratch("anonymous-guests.xml");
    std::fs::write(
        &renamed,
        xml.replace(
            "anonymousAccessAllowed=\"true\"",
            "anonymousAccessAllowed=\"true\" anonymousGroup=\"guests\"",
        ),
    )
    .expect("write");
    let (_, err, _) = compile_into(&fixture("anonymous.mqa"), &renamed.to_string_lossy(), &[]);
    assert!(err.contains("no user holds group `anonymous`"), "{err}");
}

#[test]
fn unknown_plugin_element_is_named() {
    let config = fixture("unknown-plugin.xml");
    let (status, err, written) = compile_into(&fixture("policy.mqa"), &config, &[]);
    assert_eq!(status, 1, "{err}");
    assert!(!written);
    assert!(err.contains("error[MQA321]"), "{err}");
    assert!(
        err.contains("`<simpleAuthorizationPlugin>` is not an ActiveMQ plugin"),
        "{err}"
    );
    for (args, expected) in [
        (vec!["explain", config.as_str(), "queue", "X"], 1),
        (vec!["import", config.as_str()], 1),
        (vec!["review", config.as_str()], 1),
        (vec!["diff", config.as_str(), config.as_str()], 2),
    ] {
        let o = mqauthz(&args);
        let err = stderr(&o);
        assert_eq!(code(&o), expected, "{args:?}: {err}");
        assert!(
            err.contains("`<simpleAuthorizationPlugin>`"),
            "{args:?}: {err}"
        );
        assert!(!stdout(&o).contains("may do everything"), "{args:?}");
        assert!(!err.contains("may do everything"), "{args:?}");
    }
}

#[test]
fn other_encodings_are_refused_by_name() {
    let config = fixture("latin1.xml");
    let (status, err, written) = compile_into(&fixture("policy.mqa"), &config, &[]);
    assert_eq!(status, 1, "{err}");
    assert!(!written);
    for (args, expected) in [
        (vec!["explain", config.as_str(), "queue", "X"], 1),
        (vec!["import", config.as_str()], 1),
        (vec!["review", config.as_str()], 1),
        (vec!["diff", config.as_str(), config.as_str()], 2),
    ] {
        let o = mqauthz(&args);
        let err = stderr(&o);
        assert_eq!(code(&o), expected, "{args:?}: {err}");
        assert!(err.contains("error[MQA008]"), "{args:?}: {err}");
        assert!(err.contains("`ISO-8859-1`"), "{args:?}: {err}");
        assert!(err.contains(&format!("--> {config}:1:")), "{args:?}: {err}");
    }
}

#[test]
fn fragment_from_compile_is_read_back() {
    let fragment = scratch("fragment.xml");
    let frag = fragment.to_string_lossy().into_owned();
    let policy = fixture("policy.mqa");
    let o = mqauthz(&["compile", &policy, "-o", &frag]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let o = mqauthz(&["diff", &policy, &frag]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    let o = mqauthz(&["explain", &frag, "queue", "USERS.A"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stdout(&o).contains("users"));
    let o = mqauthz(&["review", &frag]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let o = mqauthz(&["import", &frag]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stdout(&o).contains("grant"), "{}", stdout(&o));
    // a changed fragment is a difference
    let text = std::fs::read_to_string(&fragment).expect("read");
    let changed = scratch("fragment-changed.xml");
    std::fs::write(
        &changed,
        text.replacen("read=\"users\"", "read=\"guests\"", 1),
    )
    .expect("write");
    let o = mqauthz(&["diff", &policy, &changed.to_string_lossy()]);
    assert_eq!(code(&o), 1, "{}{}", stdout(&o), stderr(&o));
}

#[test]
fn bean_plugins_are_named() {
    let policy = fixture("policy.mqa");
    let base = std::fs::read_to_string(fixture("jaas-style.xml")).expect("read");
    // an authorization plugin given as a bean: a second one would be added
    let bean_plugin = scratch("bean-authorization-plugin.xml");
    let start = base.find("      <authorizationPlugin>").expect("plugin");
    let end = base.find("</authorizationPlugin>").expect("end") + "</authorizationPlugin>".len();
    let replaced = format!(
        "{}      <bean xmlns=\"http://www.springframework.org/schema/beans\" class=\"org.apache.activemq.security.AuthorizationPlugin\"/>{}",
        &base[..start],
        &base[end..]
    );
    std::fs::write(&bean_plugin, &replaced).expect("write");
    let (status, err, written) = compile_into(&policy, &bean_plugin.to_string_lossy(), &[]);
    assert_eq!(status, 1, "{err}");
    assert!(!written);
    assert!(
        err.contains("`org.apache.activemq.security.AuthorizationPlugin`"),
        "{err}"
    );
    // another plugin bean: named, the merge goes on
    let custom = scratch("custom-plugin.xml");
    std::fs::write(
        &custom,
        base.replace(
            "      <authorizationPlugin>",
            "      <bean xmlns=\"http://www.springframework.org/schema/beans\" class=\"com.example.AuditPlugin\"/>\n      <authorizationPlugin>",
        ),
    )
    .expect("write");
    let (status, err, written) = compile_into(&policy, &custom.to_string_lossy(), &[]);
    assert_eq!(status, 0, "{err}");
    assert!(written);
    assert!(err.contains("warning[MQA322]"), "{err}");
    assert!(err.contains("`com.example.AuditPlugin`"), "{err}");
    let o = mqauthz(&["explain", &custom.to_string_lossy(), "queue", "USERS.A"]);
    assert!(stderr(&o).contains("warning[MQA322]"), "{}", stderr(&o));
}
