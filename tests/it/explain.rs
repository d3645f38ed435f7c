//! `mqauthz explain` on the examples, snapshotted.

use std::process::Command;

fn explain(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_mqauthz"))
        .arg("explain")
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .output()
        .expect("run mqauthz");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn explain_examples() {
    let cases: &[&[&str]] = &[
        &["examples/orders.mqa", "queue", "ORDERS.IN"],
        &["examples/orders.mqa", "queue", "UNKNOWN.Q"],
        &["examples/orders.mqa", "topic", "EVENTS.*"],
        &[
            "examples/orders.mqa",
            "topic",
            "EVENTS.>",
            "--group",
            "shipping-svc",
        ],
        &["examples/orders.mqa", "temp"],
        &[
            "examples/saas.mqa",
            "topic",
            "TENANT.acme.EVENTS.BILLED",
            "--group",
            "globex-reporting",
        ],
        &["examples/saas.mqa", "temp", "--group", "acme-app"],
        &["examples/amazon-mq.mqa", "queue", "PAYMENTS.INCOMING"],
        &[
            "examples/amazon-mq.mqa",
            "queue",
            "PAYMENTS.INCOMING,PAYMENTS.RESULTS",
        ],
    ];
    let mut all = String::new();
    for args in cases {
        all.push_str(&format!("$ mqauthz explain {}\n", args.join(" ")));
        all.push_str(&explain(args));
        all.push('\n');
    }
    insta::assert_snapshot!(all);
}

#[test]
fn wildcard_subscription_follows_activemq() {
    // `shipping-svc` reads only EVENTS.ORDERS.>: a subscription to EVENTS.* is
    // accepted (a `*` in the key visits every child), one to EVENTS.> is not.
    let star = explain(&[
        "examples/orders.mqa",
        "topic",
        "EVENTS.*",
        "--group",
        "shipping-svc",
    ]);
    assert!(star.contains("read   yes"), "{star}");
    let deep = explain(&[
        "examples/orders.mqa",
        "topic",
        "EVENTS.>",
        "--group",
        "shipping-svc",
    ]);
    assert!(deep.contains("read   no"), "{deep}");
}

#[test]
fn explain_json() {
    // the JSON form of the same answers: docs/explain-json.md
    let cases: &[&[&str]] = &[
        &["examples/orders.mqa", "queue", "ORDERS.IN"],
        &[
            "examples/orders.mqa",
            "topic",
            "EVENTS.>",
            "--group",
            "shipping-svc",
        ],
        &["examples/saas.mqa", "temp", "--group", "acme-app"],
        &["tests/fixtures/import/unexpressible.xml", "queue", "A.B"],
        &["tests/fixtures/merge/spring-no-plugins.xml", "topic", "T"],
    ];
    let mut all = String::new();
    for args in cases {
        let mut with_format = args.to_vec();
        with_format.extend(["--format", "json"]);
        let out = explain(&with_format);
        let value: serde_json::Value = serde_json::from_str(&out).expect("explain prints JSON");
        assert_eq!(value["version"], 1, "{out}");
        assert_eq!(value["rights"].as_array().map(Vec::len), Some(3), "{out}");
        all.push_str(&format!("$ mqauthz explain {}\n", with_format.join(" ")));
        all.push_str(&out);
        all.push('\n');
    }
    insta::assert_snapshot!(all);
}

#[test]
fn json_and_text_agree() {
    // every group the text lists for a right is in the JSON, with its grants
    let args = ["examples/orders.mqa", "topic", "EVENTS.*"];
    let text = explain(&args);
    let json: serde_json::Value =
        serde_json::from_str(&explain(&[&args[..], &["--format", "json"]].concat())).expect("JSON");
    for right in json["rights"].as_array().expect("rights") {
        let name = right["right"].as_str().expect("right");
        let groups: Vec<&str> = right["groups"]
            .as_array()
            .expect("groups")
            .iter()
            .map(|g| g["group"].as_str().expect("group"))
            .collect();
        let line = format!("{name:<6} {}", groups.join(", "));
        assert!(text.contains(&line), "{line} not in\n{text}");
        for g in right["groups"].as_array().expect("groups") {
            for grant in g["grants"].as_array().expect("grants") {
                let place = format!(
                    "{}:{}  {}",
                    grant["file"].as_str().expect("file"),
                    grant["line"],
                    grant["statement"].as_str().expect("statement")
                );
                assert!(text.contains(&place), "{place} not in\n{text}");
            }
        }
    }
}

#[test]
fn standard_input_is_told_by_content() {
    // `-` is a configuration when it starts with `<` or `{`, else a policy
    use std::io::Write;
    let ask = |input: &[u8]| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_mqauthz"))
            .args(["explain", "-", "queue", "A.B"])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env("NO_COLOR", "1")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("run mqauthz");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input)
            .expect("write stdin");
        let out = child.wait_with_output().expect("wait");
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let config = std::fs::read("tests/fixtures/import/unexpressible.xml").expect("fixture");
    let from_file = explain(&["tests/fixtures/import/unexpressible.xml", "queue", "A.B"]);
    let from_stdin = ask(&config);
    assert_eq!(
        from_stdin.replace("<stdin>", "tests/fixtures/import/unexpressible.xml"),
        from_file
    );
    let policy = ask(b"group apps\ngrant apps read on queue A.>\n");
    assert!(policy.contains("read   apps"), "{policy}");
}

/// Run `mqauthz explain ARGS`: exit code, standard output and error.
fn explain_raw(args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_mqauthz"))
        .arg("explain")
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .output()
        .expect("run mqauthz");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn malformed_destinations_get_the_pattern_errors() {
    let mut all = String::new();
    for dest in ["ORDERS..X", "A.>.B, .C", "ORDERS.", ""] {
        let (code, out, err) = explain_raw(&["examples/orders.mqa", "queue", dest]);
        assert_eq!(code, Some(2), "{dest}: {err}");
        assert!(out.is_empty(), "{dest}: nothing answered: {out}");
        assert!(err.contains("MQA101"), "{dest}: {err}");
        all.push_str(&format!(
            "$ mqauthz explain examples/orders.mqa queue '{dest}'\n{err}\n"
        ));
    }
    insta::assert_snapshot!(all);
    // a composite may name its components' kinds, as in ActiveMQ
    let (code, _, err) =
        explain_raw(&["examples/orders.mqa", "queue", "ORDERS.IN,topic://EVENTS.>"]);
    assert_eq!(code, Some(0), "{err}");
}

#[test]
fn advisory_is_a_kind() {
    let advisory = explain(&["examples/orders.mqa", "advisory"]);
    let topic = explain(&["examples/orders.mqa", "topic", "ActiveMQ.Advisory.>"]);
    assert_eq!(advisory, topic);
    assert!(
        advisory.contains("grant everyone read, admin on advisory"),
        "{advisory}"
    );
    insta::assert_snapshot!(advisory);
    let (code, _, err) = explain_raw(&["examples/orders.mqa", "advisory", "Connection"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("ActiveMQ.Advisory.NAME"), "{err}");
}
