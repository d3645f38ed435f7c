//! `mqauthz audit` on Amazon MQ inputs, through the binary: one firing
//! fixture and one near miss per Amazon MQ rule (the near miss must stay
//! silent), a clean private broker that raises nothing, contradictory and
//! malformed input, and the example of README and docs/audit.md.
//!
//! Runs set `MQAUTHZ_TODAY` so `engine-version-unsupported` does not depend
//! on the day the tests run.

use std::path::Path;
use std::process::{Command, Output};

const FIXTURES: &str = "tests/fixtures/audit/aws";
const TODAY: &str = "2026-12-01";

fn audit_with(today: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mqauthz"))
        .arg("audit")
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .env("MQAUTHZ_TODAY", today)
        .output()
        .expect("run mqauthz")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The rule names and severities of a JSON run, and its exit code.
fn findings(today: &str, args: &[&str]) -> (Vec<String>, Option<i32>) {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    let out = audit_with(today, &all);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}{}", text(&out.stdout), text(&out.stderr)));
    let mut names: Vec<String> = doc["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            format!(
                "{}:{}",
                d["name"].as_str().unwrap_or_default(),
                d["severity"].as_str().unwrap_or_default()
            )
        })
        .collect();
    names.sort();
    (names, out.status.code())
}

/// Human output with the command line and exit code, for a snapshot.
fn transcript(today: &str, args: &[&str]) -> String {
    let out = audit_with(today, args);
    format!(
        "$ MQAUTHZ_TODAY={today} mqauthz audit {}\nexit: {:?}\n{}{}",
        args.join(" "),
        out.status.code(),
        text(&out.stdout),
        text(&out.stderr)
    )
}

struct Case {
    rule: &'static str,
    fire: &'static str,
    near_miss: &'static str,
    args: &'static [&'static str],
    near_args: &'static [&'static str],
    today: &'static str,
    near_today: &'static str,
}

const fn case(rule: &'static str) -> Case {
    Case {
        rule,
        fire: "fire",
        near_miss: "near-miss",
        args: &[],
        near_args: &[],
        today: TODAY,
        near_today: TODAY,
    }
}

const CASES: &[Case] = &[
    case("broker-publicly-accessible"),
    case("world-open-port"),
    Case {
        args: &["--protocols", "openwire,console"],
        near_args: &["--protocols", "openwire,console,amqp"],
        ..case("unused-protocol-port")
    },
    case("all-ports-open"),
    case("security-group-not-found"),
    case("audit-log-disabled"),
    case("auto-minor-upgrade-disabled"),
    Case {
        today: "2025-06-16",
        near_today: "2025-06-15",
        ..case("engine-version-unsupported")
    },
    case("known-vulnerable-version"),
    Case {
        fire: "fire/broker.xml",
        near_miss: "near-miss/broker.xml",
        ..case("amazon-mq-removes-element")
    },
];

fn path(rule: &str, leaf: &str) -> String {
    format!("{FIXTURES}/{rule}/{leaf}")
}

#[test]
fn every_amazon_mq_rule_fires_and_its_near_miss_stays_silent() {
    for c in CASES {
        let fire = path(c.rule, c.fire);
        let mut args: Vec<&str> = c.args.to_vec();
        args.push(&fire);
        let (names, code) = findings(c.today, &args);
        assert!(
            names.iter().any(|n| n.starts_with(&format!("{}:", c.rule))),
            "{} does not fire on {fire}: {names:?}",
            c.rule
        );
        assert_ne!(code, Some(2), "{fire}");
        insta::assert_snapshot!(format!("{}-fire", c.rule), transcript(c.today, &args));

        let near = path(c.rule, c.near_miss);
        let mut args: Vec<&str> = c.near_args.to_vec();
        args.push(&near);
        let (names, code) = findings(c.near_today, &args);
        assert_eq!(
            names,
            Vec::<String>::new(),
            "near miss {near} is not silent"
        );
        assert_eq!(code, Some(0), "{near}");
    }
}

#[test]
fn severities_and_extra_firing_cases() {
    let f = |leaf: &str, args: &[&str]| {
        let p = format!("{FIXTURES}/{leaf}");
        let mut all = args.to_vec();
        all.push(&p);
        findings(TODAY, &all)
    };
    // a world-open port of a public broker is an error
    let (names, code) = f("world-open-port/public", &[]);
    assert_eq!(
        names,
        ["broker-publicly-accessible:error", "world-open-port:error"]
    );
    assert_eq!(code, Some(1));
    // a private one: a warning, exit 0 unless --deny-warnings
    let (names, code) = f("world-open-port/fire", &[]);
    assert_eq!(
        names,
        ["world-open-port:warning", "world-open-port:warning"]
    );
    assert_eq!(code, Some(0));
    assert_eq!(f("world-open-port/fire", &["--deny-warnings"]).1, Some(1));
    assert_eq!(
        f("world-open-port/fire", &["--allow", "world-open-port"])
            .0
            .len(),
        0
    );
    // no Logs at all counts as audit logs off
    assert_eq!(
        f("audit-log-disabled/absent", &[]).0,
        ["audit-log-disabled:warning"]
    );
    // CVE-2023-46604 is critical: an error; others warn
    assert_eq!(
        f("known-vulnerable-version/fire", &[]).0,
        [
            "known-vulnerable-version:error",
            "known-vulnerable-version:warning"
        ]
    );
    // the configuration revision is located in its decoded XML
    let out = transcript(
        TODAY,
        &[&format!("{FIXTURES}/amazon-mq-removes-element/revision")],
    );
    assert!(
        out.contains("amazon-mq-removes-element/revision/configuration.json#Data:16:5"),
        "{out}"
    );
    insta::assert_snapshot!("amazon-mq-removes-element-revision", out);
}

#[test]
fn rabbitmq_gets_the_two_engine_independent_rules_and_a_note() {
    let p = format!("{FIXTURES}/rabbitmq/fire");
    let (names, _) = findings(TODAY, &["--protocols", "amqp", &p]);
    assert_eq!(
        names,
        [
            "auto-minor-upgrade-disabled:warning",
            "broker-publicly-accessible:error",
            "engine-not-audited:note"
        ]
    );
    insta::assert_snapshot!("rabbitmq", transcript(TODAY, &[&p]));
}

#[test]
fn contradictory_and_malformed_input_is_never_a_silent_pass() {
    for leaf in [
        "conflicting/two-brokers",
        "conflicting/foreign-groups",
        "invalid/wrong-type",
    ] {
        let p = format!("{FIXTURES}/{leaf}");
        let (names, code) = findings(TODAY, &[&p]);
        assert_eq!(code, Some(1), "{leaf}: {names:?}");
        assert!(
            names.iter().any(|n| n.ends_with(":error")),
            "{leaf}: {names:?}"
        );
        insta::assert_snapshot!(leaf.replace('/', "-"), transcript(TODAY, &[&p]));
    }
    // a configuration revision of another configuration
    let dir = tempfile::tempdir().expect("tempdir");
    let clean = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(FIXTURES)
        .join("clean");
    for f in [
        "describe-broker.json",
        "security-groups.json",
        "configuration.json",
    ] {
        let mut t = std::fs::read_to_string(clean.join(f)).expect("fixture");
        if f == "configuration.json" {
            t = t.replace("c-7e6d5c4b", "c-00000000");
        }
        std::fs::write(dir.path().join(f), t).expect("write");
    }
    let (names, code) = findings(TODAY, &[dir.path().to_str().expect("utf-8")]);
    assert_eq!(names, ["contradictory-input:error"]);
    assert_eq!(code, Some(1));
    // an invalid MQAUTHZ_TODAY stops the run
    let out = audit_with("2025-02-30", &[&format!("{FIXTURES}/clean")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("MQAUTHZ_TODAY"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn clean_private_broker_raises_nothing() {
    let p = format!("{FIXTURES}/clean");
    for args in [
        vec![p.as_str()],
        vec!["--protocols", "openwire,console", "--deny-warnings", &p],
    ] {
        let (names, code) = findings(TODAY, &args);
        assert_eq!(names, Vec::<String>::new(), "{args:?}");
        assert_eq!(code, Some(0));
    }
    insta::assert_snapshot!(
        "clean",
        transcript(TODAY, &["--protocols", "openwire,console", &p])
    );
    // the fixture is the example of README and docs/audit.md
    for f in [
        "describe-broker.json",
        "security-groups.json",
        "configuration.json",
    ] {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        assert_eq!(
            std::fs::read(root.join(FIXTURES).join("clean").join(f)).expect("fixture"),
            std::fs::read(root.join("examples/amazon-mq-broker").join(f)).expect("example"),
            "{f}"
        );
    }
}

#[test]
fn the_example_broker_as_documented() {
    // README's example: no finding, exit 0
    let out = audit_with(
        TODAY,
        &[
            "--protocols",
            "openwire,console",
            "examples/amazon-mq-broker/",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    // docs/audit.md's worked example: the same broker, opened up; the
    // document shows the concise output as it is
    let args = [
        "--format",
        "concise",
        "--protocols",
        "openwire,console",
        "examples/amazon-mq-broker/opened-up/",
        "examples/amazon-mq-broker/configuration.json",
    ];
    let out = audit_with(TODAY, &args);
    assert_eq!(out.status.code(), Some(1));
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/audit.md"))
        .expect("docs/audit.md");
    assert!(doc.contains(&format!("mqauthz audit {}", args.join(" "))));
    for line in text(&out.stdout).lines() {
        assert!(doc.contains(line), "docs/audit.md lacks: {line}");
    }
    insta::assert_snapshot!(
        "worked-example",
        transcript(
            TODAY,
            &[
                "--protocols",
                "openwire,console",
                "examples/amazon-mq-broker/opened-up/",
                "examples/amazon-mq-broker/configuration.json",
            ],
        )
    );
}

#[test]
fn self_hosted_version_option() {
    let dir = tempfile::tempdir().expect("tempdir");
    let conf = dir.path().join("activemq.xml");
    std::fs::write(
        &conf,
        "<beans xmlns=\"http://www.springframework.org/schema/beans\">\n<broker xmlns=\"http://activemq.apache.org/schema/core\"/>\n</beans>\n",
    )
    .expect("write");
    let c = conf.to_str().expect("utf-8");
    let (names, _) = findings(TODAY, &["--activemq-version", "5.17.5", c]);
    let versions: Vec<_> = names
        .iter()
        .filter(|n| n.starts_with("known-vulnerable-version"))
        .collect();
    assert_eq!(
        versions,
        [
            "known-vulnerable-version:error",
            "known-vulnerable-version:warning"
        ]
    );
    // a minor-only version raises nothing; a fixed one neither
    for v in ["5.17", "5.18.7", "5.19.1"] {
        let (names, _) = findings(TODAY, &["--activemq-version", v, c]);
        assert!(
            !names
                .iter()
                .any(|n| n.starts_with("known-vulnerable-version")),
            "{v}: {names:?}"
        );
    }
}

#[test]
fn map_rules_use_the_broker_engine_version() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(FIXTURES)
        .join("engine-version-map");
    let dir = tempfile::tempdir().expect("tempdir");
    let copy = |version: &str| {
        for f in ["describe-broker.json", "configuration.json"] {
            let t = std::fs::read_to_string(fixture.join(f))
                .expect("fixture")
                .replace("\"5.18\"", &format!("\"{version}\""));
            std::fs::write(dir.path().join(f), t).expect("write");
        }
    };
    let d = dir.path().to_str().expect("utf-8");
    let advisory = |args: &[&str]| {
        let mut all = args.to_vec();
        all.push(d);
        findings(TODAY, &all)
            .0
            .iter()
            .any(|n| n.starts_with("advisory-access-missing"))
    };
    // before 6.2.7, advisories are created in the client's name: it needs admin
    copy("5.18");
    assert!(advisory(&[]));
    copy("6.3");
    assert!(!advisory(&[]));
    // --activemq-version wins over the broker's version
    assert!(advisory(&["--activemq-version", "5.18.4"]));
}

#[test]
fn amazon_mq_rules_are_in_the_catalogue_and_cite_their_source() {
    use mqauthz::analysis::registry::RULES;
    use mqauthz::analysis::Scope;
    let names = [
        ("MQA412", "amazon-mq-removes-element", "developer guide"),
        ("MQA420", "broker-publicly-accessible", "practice"),
        ("MQA421", "world-open-port", "practices 1 and 4"),
        ("MQA422", "unused-protocol-port", "practice 4"),
        ("MQA423", "all-ports-open", "practice 4"),
        ("MQA424", "security-group-not-found", "practice 4"),
        ("MQA425", "audit-log-disabled", "mq.2"),
        ("MQA426", "auto-minor-upgrade-disabled", "mq.3"),
        (
            "MQA427",
            "engine-version-unsupported",
            "https://docs.aws.amazon.com/amazon-mq/",
        ),
        ("MQA428", "known-vulnerable-version", "cve-2023-46604"),
    ];
    for (id, name, cites) in names {
        let rule = RULES
            .iter()
            .find(|r| r.meta().code.id == id)
            .unwrap_or_else(|| panic!("{id} is not in the catalogue"));
        let m = rule.meta();
        assert_eq!(m.code.name, name);
        assert_eq!(rule.scope(), Scope::Audit, "{name}");
        assert!(
            m.docs.to_ascii_lowercase().contains(cites),
            "{name} does not cite `{cites}`"
        );
        let out = Command::new(env!("CARGO_BIN_EXE_mqauthz"))
            .args(["rules", name])
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(0), "{name}");
    }
}

#[test]
fn truncated_and_mangled_aws_json_never_crashes() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/amazon-mq-broker");
    let dir = tempfile::tempdir().expect("tempdir");
    for f in ["describe-broker.json", "security-groups.json"] {
        let original = std::fs::read_to_string(root.join(f)).expect("example");
        let mut variants: Vec<String> = (1..original.len())
            .step_by(97)
            .filter(|&i| original.is_char_boundary(i))
            .map(|i| original[..i].to_string())
            .collect();
        // values of the wrong kind where the AWS CLI writes others
        variants.push(original.replace("true", "\"yes\""));
        variants.push(original.replace("false", "null"));
        variants.push(original.replace(": 61617", ": \"61617\""));
        variants.push(original.replace(": 8162", ": -5"));
        variants.push(original.replace("\"sg-0a1b2c3d4e5f60718\"", "17"));
        variants.push(original.replace("\"Users\": [", "\"Users\": [3, "));
        for v in variants {
            let p = dir.path().join(f);
            std::fs::write(&p, &v).expect("write");
            let out = audit_with(TODAY, &[p.to_str().expect("utf-8")]);
            let code = out.status.code();
            assert!(
                matches!(code, Some(0..=2)),
                "{code:?} on\n{v}\n{}",
                text_of(&out)
            );
            assert!(!text(&out.stderr).contains("panicked"), "{}", text_of(&out));
        }
    }
}

fn text_of(out: &Output) -> String {
    format!("{}{}", text(&out.stdout), text(&out.stderr))
}
