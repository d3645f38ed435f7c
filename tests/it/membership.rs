//! Membership (`--members`): every input kind and its malformed forms, the
//! per-user answers of `explain --user`, `review --by user` and `diff
//! --members`, snapshotted; passwords never printed; exit codes.

use crate::support::cli::{mqauthz, text};

use std::path::Path;

const USERS_XML: &str = "tests/fixtures/members/activemq-users.xml";

/// `$ mqauthz ARGS`, the exit code, standard output and standard error, as
/// one text for a snapshot. No password of the fixtures is ever printed.
fn run(args: &[&str]) -> String {
    let out = mqauthz(args);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    for secret in ["secret", "pw-"] {
        assert!(
            !stdout.contains(secret) && !stderr.contains(secret),
            "a password is printed by {args:?}:\n{stdout}{stderr}"
        );
    }
    format!(
        "$ mqauthz {}\nexit: {:?}\n{stdout}{}",
        args.join(" "),
        out.status.code(),
        if stderr.is_empty() {
            String::new()
        } else {
            format!("--- stderr\n{stderr}")
        }
    )
}

fn code(args: &[&str]) -> Option<i32> {
    mqauthz(args).status.code()
}

#[test]
fn each_input_kind_checked_against_a_policy() {
    insta::glob!("..", "fixtures/members/*", |path| {
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        if name.starts_with("rules-") {
            return;
        }
        let rel = format!("tests/fixtures/members/{name}");
        let out = run(&["check", "--members", &rel, "examples/orders.mqa"]);
        // a malformed membership file is a located error: exit 1
        let malformed = name.starts_with("malformed");
        assert!(
            out.contains(if malformed {
                "exit: Some(1)"
            } else {
                "exit: Some(0)"
            }),
            "{out}"
        );
        if malformed {
            assert!(out.contains(&format!("--> {rel}:")), "not located: {out}");
        }
        insta::assert_snapshot!(out);
    });
}

#[test]
fn several_inputs_hold_the_union_of_the_groups() {
    // JAAS: users.properties alone gives users without groups; with
    // groups.properties they hold their groups, and `monitor` (in
    // users.properties only) keeps its user principal: everyone reaches it
    let both = run(&[
        "explain",
        "examples/orders.mqa",
        "--members",
        "tests/fixtures/members/users.properties",
        "--members",
        "tests/fixtures/members/groups.properties",
        "--user",
        "monitor",
    ]);
    assert!(
        both.contains("user monitor: no group; everyone reaches them"),
        "{both}"
    );
    let app = run(&[
        "explain",
        "examples/orders.mqa",
        "queue",
        "ORDERS.IN",
        "--members",
        "tests/fixtures/members/users.properties",
        "--members",
        "tests/fixtures/members/groups.properties",
        "--members",
        "tests/fixtures/members/describe-user.json",
        "--user",
        "app-orders",
    ]);
    assert!(app.contains("write  yes"), "{app}");
    insta::assert_snapshot!(format!("{both}\n{app}"));
}

#[test]
fn malformed_or_unknown_input_exits_2_outside_check() {
    for file in [
        "tests/fixtures/members/malformed.xml",
        "tests/fixtures/members/malformed-describe-user.json",
        "tests/fixtures/members/malformed-groups.properties",
        "examples/orders.mqa",
        "tests/fixtures/members/does-not-exist.xml",
    ] {
        let cases: [&[&str]; 3] = [
            &[
                "explain",
                "examples/orders.mqa",
                "--members",
                file,
                "--user",
                "app",
            ],
            &[
                "review",
                "examples/orders.mqa",
                "--members",
                file,
                "--by",
                "user",
            ],
            &[
                "diff",
                "examples/orders.mqa",
                "examples/orders.mqa",
                "--members",
                file,
            ],
        ];
        for args in cases {
            assert_eq!(code(args), Some(2), "{args:?}");
        }
    }
    let out = run(&[
        "explain",
        "examples/orders.mqa",
        "--members",
        "tests/fixtures/members/malformed-describe-user.json",
        "--user",
        "app",
    ]);
    insta::assert_snapshot!(out);
}

#[test]
fn explain_user() {
    let cases: &[&[&str]] = &[
        &[
            "explain",
            "examples/orders.mqa",
            "queue",
            "ORDERS.IN",
            "--members",
            USERS_XML,
            "--user",
            "app-billing",
        ],
        &[
            "explain",
            "examples/orders.mqa",
            "topic",
            "EVENTS.>",
            "--members",
            USERS_XML,
            "--user",
            "app-billing",
        ],
        &[
            "explain",
            "examples/orders.mqa",
            "--members",
            USERS_XML,
            "--user",
            "app-billing",
        ],
        &[
            "explain",
            "examples/orders.mqa",
            "temp",
            "--members",
            USERS_XML,
            "--user",
            "app-billing",
        ],
        // a simpleAuthenticationPlugin user without groups: not even everyone
        &[
            "explain",
            "examples/orders.mqa",
            "topic",
            "ActiveMQ.Advisory.Connection",
            "--members",
            USERS_XML,
            "--user",
            "nogroups",
        ],
        &[
            "explain",
            "examples/orders.mqa",
            "--members",
            USERS_XML,
            "--user",
            "nogroups",
        ],
        // from ActiveMQ 6.3.0 everyone matches every authenticated user
        &[
            "explain",
            "examples/orders.mqa",
            "--members",
            USERS_XML,
            "--user",
            "nogroups",
            "--activemq-version",
            "6.3.0",
        ],
        // the anonymous user holds the anonymous group
        &[
            "explain",
            "examples/orders.mqa",
            "--members",
            USERS_XML,
            "--user",
            "anonymous",
        ],
        // a configuration as the input: the grants are its entries
        &[
            "explain",
            "tests/fixtures/audit/default-credentials/activemq.xml",
            "--members",
            "tests/fixtures/audit/default-credentials/activemq.xml",
            "--user",
            "system",
        ],
        // everything a group may do
        &["explain", "examples/orders.mqa", "--group", "shipping-svc"],
    ];
    let mut all = String::new();
    for args in cases {
        let out = run(args);
        assert!(out.contains("exit: Some(0)"), "{out}");
        all.push_str(&out);
        all.push('\n');
    }
    insta::assert_snapshot!(all);
}

#[test]
fn explain_user_json() {
    let cases: &[&[&str]] = &[
        &[
            "explain",
            "examples/orders.mqa",
            "queue",
            "ORDERS.IN",
            "--members",
            USERS_XML,
            "--user",
            "app-billing",
            "--format",
            "json",
        ],
        &[
            "explain",
            "examples/orders.mqa",
            "--members",
            USERS_XML,
            "--user",
            "app-billing",
            "--format",
            "json",
        ],
    ];
    let mut all = String::new();
    for args in cases {
        let out = mqauthz(args);
        assert_eq!(out.status.code(), Some(0));
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
        assert_eq!(doc["user"]["name"], "app-billing");
        all.push_str(&text(&out.stdout));
    }
    insta::assert_snapshot!(all);
}

#[test]
fn unknown_user_or_group_exits_2_with_did_you_mean() {
    let out = run(&[
        "explain",
        "examples/orders.mqa",
        "--members",
        USERS_XML,
        "--user",
        "app-biling",
    ]);
    assert!(
        out.contains("exit: Some(2)") && out.contains("did you mean `app-billing`?"),
        "{out}"
    );
    let out = run(&[
        "explain",
        "examples/orders.mqa",
        "queue",
        "X",
        "--group",
        "biling-svc",
    ]);
    assert!(
        out.contains("exit: Some(2)") && out.contains("did you mean `billing-svc`?"),
        "{out}"
    );
    // exclusive
    assert_eq!(
        code(&[
            "explain",
            "examples/orders.mqa",
            "--members",
            USERS_XML,
            "--user",
            "admin",
            "--group",
            "admins"
        ]),
        Some(2)
    );
    // --user needs --members; a question needs a subject
    assert_eq!(
        code(&["explain", "examples/orders.mqa", "--user", "admin"]),
        Some(2)
    );
    assert_eq!(code(&["explain", "examples/orders.mqa"]), Some(2));
}

#[test]
fn review_by_user() {
    let mut all = String::new();
    for format in ["md", "text", "json"] {
        all.push_str(&run(&[
            "review",
            "examples/orders.mqa",
            "--members",
            USERS_XML,
            "--by",
            "user",
            "--format",
            format,
        ]));
        all.push('\n');
    }
    insta::assert_snapshot!(all);
    assert_eq!(
        code(&["review", "examples/orders.mqa", "--by", "user"]),
        Some(2)
    );
}

#[test]
fn review_by_user_check() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("REVIEW.md");
    let file = file.to_string_lossy();
    let args = [
        "review",
        "examples/orders.mqa",
        "--members",
        USERS_XML,
        "--by",
        "user",
    ];
    let mut write = args.to_vec();
    write.extend(["-o", &file]);
    assert_eq!(code(&write), Some(0));
    let mut check = args.to_vec();
    check.extend(["--check", &file]);
    assert_eq!(code(&check), Some(0));
    // another membership changes the review: stale, exit 1 with a diff
    let mut other = vec![
        "review",
        "examples/orders.mqa",
        "--members",
        "tests/fixtures/members/describe-user.json",
        "--by",
        "user",
    ];
    other.extend(["--check", &file]);
    let out = mqauthz(&other);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stdout).contains("+#### ops"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn diff_per_user() {
    let dir = tempfile::tempdir().expect("temp dir");
    let new = dir.path().join("orders-new.mqa");
    let old =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/orders.mqa"))
            .expect("example");
    let changed = old
        .replace(
            "grant billing-svc read on queue ORDERS.IN",
            "grant billing-svc read on queue ORDERS.>",
        )
        .replace(
            "grant auditors read on topic EVENTS.>, AUDIT.>",
            "grant everyone read on topic AUDIT.>",
        );
    assert_ne!(old, changed);
    std::fs::write(&new, changed).expect("write");
    let new = new.to_string_lossy();
    let text_out =
        run(&["diff", "examples/orders.mqa", &new, "--members", USERS_XML]).replace(&*new, "NEW");
    assert!(text_out.contains("exit: Some(1)"), "{text_out}");
    let json = mqauthz(&[
        "diff",
        "examples/orders.mqa",
        &new,
        "--members",
        USERS_XML,
        "--format",
        "json",
    ]);
    let doc: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON");
    let users = doc["users"]["changes"].as_array().expect("users");
    // everyone's new read on AUDIT.> reaches every user holding a group, not `nogroups`
    assert!(users
        .iter()
        .any(|c| c["user"] == "reporting" && c["pattern"] == "AUDIT.>"));
    assert!(!users.iter().any(|c| c["user"] == "nogroups"));
    let same = run(&[
        "diff",
        "examples/orders.mqa",
        "examples/orders.mqa",
        "--members",
        USERS_XML,
    ]);
    assert!(
        same.contains("exit: Some(0)") && same.contains("no user gains or loses anything"),
        "{same}"
    );
    insta::assert_snapshot!(format!("{text_out}\n{}\n{same}", text(&json.stdout)));
}

#[test]
fn compile_into_a_configuration_checks_its_users() {
    // the membership rules replace the configuration cross-checks: the
    // configuration's users are checked against the policy
    let dir = tempfile::tempdir().expect("temp dir");
    let out_path = dir.path().join("out.xml");
    let out = mqauthz(&[
        "compile",
        "examples/orders.mqa",
        "--into",
        USERS_XML,
        "-o",
        &out_path.to_string_lossy(),
    ]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("warning[MQA213]: no user holds group `orders-svc`"),
        "{err}"
    );
    assert!(err.contains("warning[MQA214]"), "{err}");
    assert!(!err.contains("secret"), "{err}");
    // --deny-warnings refuses, and --allow silences the rule
    let out = mqauthz(&[
        "compile",
        "examples/orders.mqa",
        "--into",
        USERS_XML,
        "--deny-warnings",
        "--allow",
        "member-of-unknown-group",
        "--allow",
        "group-without-members",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

#[test]
fn sarif_carries_the_membership_rules() {
    let out = mqauthz(&[
        "check",
        "--format",
        "sarif",
        "--members",
        "tests/fixtures/members/rules-users.xml",
        "tests/fixtures/rules/group-without-members.mqa",
    ]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("SARIF");
    let results = doc["runs"][0]["results"].as_array().expect("results");
    for id in ["MQA213", "MQA214", "MQA215"] {
        assert!(results.iter().any(|r| r["ruleId"] == id), "{id} missing");
    }
    // the one silenced by a suppression comment is not reported
    let n213 = results.iter().filter(|r| r["ruleId"] == "MQA213").count();
    assert_eq!(n213, 1);
}

#[test]
fn documented_membership_examples_run_as_written() {
    // every command line of README.md and docs/membership.md that reads the
    // example membership file runs and answers (exit 0)
    let mut ran = 0;
    for doc in ["README.md", "docs/membership.md"] {
        let text =
            std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(doc)).expect("doc");
        for line in text.lines() {
            let Some(command) = line.strip_prefix("mqauthz ") else {
                continue;
            };
            if !command.contains("examples/members/") {
                continue;
            }
            let command = command.split(" #").next().unwrap_or_default();
            let args: Vec<&str> = command.split_whitespace().collect();
            let out = mqauthz(&args);
            assert_eq!(
                out.status.code(),
                Some(0),
                "{doc}: mqauthz {command}\n{}",
                text_of(&out)
            );
            ran += 1;
        }
    }
    assert!(ran >= 8, "only {ran} documented examples found");
}

fn text_of(out: &std::process::Output) -> String {
    format!("{}{}", text(&out.stdout), text(&out.stderr))
}
