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
