//! Entries whose `groupClass` is not ActiveMQ's `GroupPrincipal`: their
//! names are principals of that class (Karaf roles, JAAS users), never the
//! groups of that name, in `explain`, `review`, `diff`, `import` and
//! `compile --into`; and `explain temp DEST`.

use crate::support::cli::{mqauthz, text};

const KARAF: &str = "tests/fixtures/group-class/karaf-roles.xml";
const MIXED: &str = "tests/fixtures/group-class/mixed.xml";
const ROLE: &str = "org.apache.karaf.jaas.boot.principal.RolePrincipal";

fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("mqauthz-group-class-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir.join(name)
}

#[test]
fn explain_names_the_principal_kind() {
    let out = mqauthz(&["explain", KARAF, "queue", "ORDERS"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let t = text(&out.stdout);
    assert!(t.contains("read   role admin\n"), "{t}");

    // the group `admin` is not the role `admin`
    let out = mqauthz(&["explain", KARAF, "queue", "ORDERS", "--group", "admin"]);
    let t = text(&out.stdout);
    assert!(t.contains("read   no"), "{t}");
    assert!(!t.contains("read   yes"), "{t}");
    assert!(t.contains("role admin holds it"), "{t}");

    let out = mqauthz(&[
        "explain", KARAF, "queue", "ORDERS", "--group", "admin", "--format", "json",
    ]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    for r in doc["rights"].as_array().expect("rights") {
        assert_eq!(r["allowed"], false, "{doc}");
        assert_eq!(r["namesakes"][0], "role admin", "{doc}");
    }
    let out = mqauthz(&["explain", KARAF, "queue", "ORDERS", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let holder = &doc["rights"][0]["groups"][0];
    assert_eq!(holder["group"], "role admin");
    assert_eq!(holder["class"], ROLE);

    // `*` is everyone whatever the class: the group `admin` reads as everyone
    let out = mqauthz(&[
        "explain",
        KARAF,
        "topic",
        "ActiveMQ.Advisory.Connection",
        "--group",
        "admin",
    ]);
    let t = text(&out.stdout);
    assert!(t.contains("read   yes"), "{t}");
    assert!(t.contains("write  no"), "{t}");

    // a user principal beside a group
    let out = mqauthz(&["explain", MIXED, "queue", "APP.AUDIT"]);
    let t = text(&out.stdout);
    assert!(t.contains("read   app, user auditor"), "{t}");
}

#[test]
fn the_reader_reports_classes() {
    let out = mqauthz(&["explain", MIXED, "queue", "APP.X"]);
    let err = text(&out.stderr);
    // a name no broker can load stops the broker
    assert!(
        err.contains("error[MQA311]: `groupClass` `not a class` is not a Java class name"),
        "{err}"
    );
    // a class mqauthz does not know is noted
    assert!(
        err.contains(
            "note[MQA308]: principal class `com.example.TeamPrincipal` is not one mqauthz knows"
        ),
        "{err}"
    );
    // known classes are not
    assert!(!err.contains("UserPrincipal"), "{err}");
}

#[test]
fn review_and_diff_show_roles() {
    let out = mqauthz(&["review", KARAF, "--format", "text"]);
    let t = text(&out.stdout);
    assert!(t.contains("\nrole admin\n"), "{t}");
    assert!(!t.contains("group admin"), "{t}");

    // the same names as groups are another map
    let groups = scratch("groups.xml");
    let xml = std::fs::read_to_string(KARAF)
        .expect("fixture")
        .replace(&format!(" groupClass=\"{ROLE}\""), "");
    std::fs::write(&groups, xml).expect("write");
    let g = groups.to_string_lossy().into_owned();
    let out = mqauthz(&["diff", KARAF, &g]);
    assert_eq!(out.status.code(), Some(1));
    let t = text(&out.stdout);
    assert!(t.contains("- role admin loses read on queue >"), "{t}");
    assert!(t.contains("+ admin gains read on queue >"), "{t}");
    let out = mqauthz(&["diff", KARAF, &g, "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let lost = doc["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .find(|c| c["change"] == "lost")
        .expect("a loss");
    assert_eq!(lost["class"], ROLE);
    let out = mqauthz(&["diff", KARAF, KARAF]);
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn import_refuses_a_map_of_roles_only() {
    let out = mqauthz(&["import", KARAF]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(out.stdout.is_empty());
    let err = text(&out.stderr);
    assert!(
        err.contains("error[MQA320]: no group of the map could be imported"),
        "{err}"
    );
    assert!(err.contains("karaf-roles.xml:10:"), "{err}");
    // a map with groups too is imported, the roles left out with a warning
    let out = mqauthz(&["import", MIXED]);
    let t = text(&out.stdout);
    assert!(t.contains("grant app all on queue APP.>"), "{t}");
    assert!(t.contains("(`user auditor`), not groups"), "{t}");
}

#[test]
fn compile_into_refuses_to_replace_a_map_of_roles() {
    let policy = scratch("p.mqa");
    std::fs::write(
        &policy,
        "group app\ngrant app all on queue APP.>\ngrant everyone read, admin on topic ActiveMQ.Advisory.>\ngrant app all on temp\n",
    )
    .expect("write");
    let p = policy.to_string_lossy().into_owned();
    let out_file = scratch("out.xml");
    let o = out_file.to_string_lossy().into_owned();
    let out = mqauthz(&["compile", &p, "--into", KARAF, "-o", &o]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(!out_file.exists());
    let err = text(&out.stderr);
    assert!(err.contains("error[MQA312]"), "{err}");
    assert!(err.contains("karaf-roles.xml:8:"), "{err}");
    let out = mqauthz(&[
        "compile",
        &p,
        "--into",
        KARAF,
        "-o",
        &o,
        "--replace-other-map",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let merged = std::fs::read_to_string(&out_file).expect("written");
    assert!(!merged.contains("RolePrincipal"));
}

#[test]
fn explain_temp_destination() {
    let out = mqauthz(&["explain", KARAF, "temp", "ID:host-1:1:1"]);
    assert_eq!(out.status.code(), Some(0));
    let t = text(&out.stdout);
    assert!(
        t.starts_with("temporary destination ID:host-1:1:1 ("),
        "{t}"
    );
    assert!(t.contains("whatever its name"), "{t}");
    assert!(t.contains("read   role admin"), "{t}");
    // a composite with a temporary top level: the temp entry alone (5.17.2)
    let out = mqauthz(&["explain", KARAF, "temp", "ID:x,topic://SECRET"]);
    let t = text(&out.stdout);
    assert!(t.contains("topic://SECRET is not checked"), "{t}");
    // a name that is no destination is refused
    for bad in ["", " , ", "?x=1"] {
        let out = mqauthz(&["explain", KARAF, "temp", bad]);
        assert_eq!(out.status.code(), Some(2), "{bad:?}");
        let err = text(&out.stderr);
        assert!(
            err.contains("is not a temporary destination name")
                || err.contains("empty destination pattern"),
            "{bad:?}: {err}"
        );
    }
}
