//! Per-user answers verified on a real broker: users with groups in
//! `simpleAuthenticationPlugin` (several groups, one group, a group the policy
//! does not know, no group at all), a policy merged into that configuration
//! with the real `mqauthz compile --into`, ActiveMQ 5.17.2 started on the
//! result, and STOMP probes as each user. Every probe's outcome must equal
//! what `mqauthz explain --members CONFIG --user NAME` answers:
//!
//! - SEND to a (declared) queue or topic is allowed when `write` is, SUBSCRIBE
//!   when `read` is;
//! - on a temporary destination the probe's connection creates it, so SEND
//!   needs `write` and `admin` on temp, SUBSCRIBE `read` and `admin`.
//!
//! The user without groups checks the `everyone` rule: it holds no principal,
//! so not even what `everyone` is granted reaches it.
//!
//! Skipped when ActiveMQ or Java is missing, unless `MQAUTHZ_REQUIRE_ACTIVEMQ=1`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::broker::{
    activemq_or_skip, broker_config, one_broker_at_a_time, xml_escape, Broker,
};
use crate::support::stomp::{probe_send, probe_subscribe, Outcome};

const POLICY: &str = "\
group ops
group apps
group readers
grant ops all on queue >, topic >
grant apps read, write on queue APP.>
grant apps write on topic EVENTS.>
grant readers read on topic EVENTS.>, queue APP.IN
grant everyone read on topic PUBLIC.>
grant everyone read, admin on advisory
grant apps all on temp
grant readers read on temp
";

/// (name, password, groups)
const USERS: &[(&str, &str, &str)] = &[
    ("ops-user", "pw-ops", "ops"),
    ("app-user", "pw-app", "apps"),
    ("reader", "pw-reader", "readers"),
    ("app-reader", "pw-both", "apps, readers"),
    ("stranger", "pw-stranger", "not-in-policy"),
    ("nogroups", "pw-none", ""),
];

const DESTINATIONS: &[(&str, &str)] = &[
    ("queue", "APP.IN"),
    ("queue", "APP.OUT"),
    ("queue", "OTHER"),
    ("topic", "EVENTS.ORDERS"),
    ("topic", "PUBLIC.NEWS"),
    ("topic", "OTHER"),
];

fn work_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("broker-members");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("creating the work folder");
    dir
}

fn mqauthz(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_mqauthz"))
        .args(args)
        .output()
        .expect("running mqauthz")
}

/// `explain --members CONFIG --user USER WHAT [DEST] --format json`: whether
/// read, write and admin are allowed.
fn explain_user(config: &Path, user: &str, what: &str, dest: Option<&str>) -> [bool; 3] {
    let config = config.to_string_lossy();
    let mut args = vec!["explain", &config, what];
    args.extend(dest);
    args.extend(["--members", &config, "--user", user, "--format", "json"]);
    let out = mqauthz(&args);
    assert!(
        out.status.success(),
        "explain {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("explain JSON");
    let rights = doc["rights"].as_array().expect("rights");
    let mut allowed = [false; 3];
    for (i, name) in ["read", "write", "admin"].iter().enumerate() {
        let r = rights
            .iter()
            .find(|r| r["right"] == *name)
            .expect("every right is answered");
        allowed[i] = r["allowed"].as_bool().expect("allowed, with --user");
    }
    allowed
}

#[test]
fn explain_user_equals_the_broker_for_each_user() {
    if !activemq_or_skip() {
        return;
    }
    let dir = work_dir();
    let mut plugin = String::from(
        "      <simpleAuthenticationPlugin anonymousAccessAllowed=\"false\">\n        <users>\n",
    );
    for (name, password, groups) in USERS {
        let _ = writeln!(
            plugin,
            "          <authenticationUser username=\"{}\" password=\"{}\" groups=\"{}\"/>",
            xml_escape(name),
            xml_escape(password),
            xml_escape(groups)
        );
    }
    plugin.push_str("        </users>\n      </simpleAuthenticationPlugin>\n");
    let policy = dir.join("policy.mqa");
    let config = dir.join("activemq.xml");
    let compiled = dir.join("activemq.compiled.xml");
    std::fs::write(&policy, POLICY).expect("writing the policy");
    std::fs::write(&config, broker_config(&plugin, DESTINATIONS)).expect("writing the config");
    let run = mqauthz(&[
        "compile",
        "-v",
        &policy.to_string_lossy(),
        "--into",
        &config.to_string_lossy(),
        "-o",
        &compiled.to_string_lossy(),
    ]);
    assert!(
        run.status.success(),
        "compile --into: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    // the membership rules replace the configuration cross-checks
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("MQA214"), "{stderr}");
    assert!(
        stderr.contains("user `nogroups` holds no group"),
        "{stderr}"
    );

    // the expectations, from explain --user on the compiled configuration
    let mut probes: Vec<(&str, &str, String, bool)> = Vec::new();
    for (user, password, _) in USERS {
        for (kind, name) in DESTINATIONS {
            let [read, write, _] = explain_user(&compiled, user, kind, Some(name));
            probes.push((user, password, format!("send /{kind}/{name}"), write));
            probes.push((user, password, format!("subscribe /{kind}/{name}"), read));
        }
        let [read, write, admin] = explain_user(&compiled, user, "temp", None);
        for temp in ["temp-queue", "temp-topic"] {
            probes.push((
                user,
                password,
                format!("send /{temp}/probe"),
                write && admin,
            ));
            probes.push((
                user,
                password,
                format!("subscribe /{temp}/probe"),
                read && admin,
            ));
        }
    }

    let xml = std::fs::read_to_string(&compiled).expect("reading the compiled config");
    let _serial = one_broker_at_a_time();
    let broker = Broker::start(&xml).unwrap_or_else(|e| panic!("the broker does not start: {e}"));
    let port = broker.stomp_port();
    let mut failures = Vec::new();
    let (mut allowed, mut denied) = (0, 0);
    for (user, password, probe, expected) in &probes {
        let (op, dest) = probe.split_once(' ').expect("op and destination");
        let result = if op == "send" {
            probe_send(port, user, password, dest)
        } else {
            probe_subscribe(port, user, password, dest)
        };
        let got = match &result {
            Ok(Outcome::Allowed) => Some(true),
            Ok(Outcome::Denied(_)) => Some(false),
            Err(_) => None,
        };
        let ok = got == Some(*expected);
        println!(
            "{} {user:<11} {probe:<28} explain: {:<7} broker: {}",
            if ok { "ok  " } else { "FAIL" },
            if *expected { "allowed" } else { "denied" },
            match &result {
                Ok(o) => o.to_string(),
                Err(e) => format!("probe failed: {e}"),
            }
        );
        match got {
            Some(true) => allowed += 1,
            Some(false) => denied += 1,
            None => {}
        }
        if !ok {
            failures.push(format!(
                "{user} {probe}: explain says {expected}, broker {result:?}"
            ));
        }
    }
    println!(
        "{} probes as {} users: {allowed} allowed, {denied} denied, {} differ from explain --user",
        probes.len(),
        USERS.len(),
        failures.len()
    );
    if !failures.is_empty() {
        println!("broker log tail:\n{}", broker.log_tail(30));
    }
    drop(broker);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // both outcomes were exercised, and the user without groups got nothing
    assert!(allowed > 0 && denied > 0);
    assert!(probes.iter().filter(|p| p.0 == "nogroups").all(|p| !p.3));
}
