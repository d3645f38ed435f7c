//! Smoke test of the real-broker harness: one ActiveMQ 5.17.2 broker with a
//! small authorization map, probed over STOMP, compared with the rules of
//! docs/semantics.md (the expectations are written out here).
//!
//! Skipped when ActiveMQ or Java is missing, unless `MQAUTHZ_REQUIRE_ACTIVEMQ=1`.

use std::time::Instant;

use crate::support::broker::{activemq_or_skip, broker_config, one_broker_at_a_time, Broker};
use crate::support::stomp::{parse_frame, probe_connect, probe_send, probe_subscribe, Outcome};

/// user, password, groups
const USERS: &[(&str, &str, &str)] = &[
    ("admin", "admin-pw", "admins"),
    ("u1", "u1-pw", "g1"),
    ("u2", "u2-pw", "g2"),
    ("u12", "u12-pw", "g1,g2"),
    ("u3", "u3-pw", "g3"),
];

const PLUGINS: &str = r#"      <simpleAuthenticationPlugin anonymousAccessAllowed="false">
        <users>
          <authenticationUser username="admin" password="admin-pw" groups="admins"/>
          <authenticationUser username="u1" password="u1-pw" groups="g1"/>
          <authenticationUser username="u2" password="u2-pw" groups="g2"/>
          <authenticationUser username="u12" password="u12-pw" groups="g1,g2"/>
          <authenticationUser username="u3" password="u3-pw" groups="g3"/>
        </users>
      </simpleAuthenticationPlugin>
      <authorizationPlugin>
        <map>
          <authorizationMap>
            <authorizationEntries>
              <authorizationEntry queue="FOO.>" read="g1" write="admins"/>
              <authorizationEntry queue="FOO.BAR" read="g2"/>
              <authorizationEntry topic="FOO.>" read="g1"/>
              <authorizationEntry queue="PUB" read="*" write="g3"/>
              <authorizationEntry topic="ActiveMQ.Advisory.>" read="*" write="*" admin="*"/>
            </authorizationEntries>
            <tempDestinationAuthorizationEntry>
              <tempDestinationAuthorizationEntry read="g1" write="g1" admin="g1"/>
            </tempDestinationAuthorizationEntry>
          </authorizationMap>
        </map>
      </authorizationPlugin>
"#;

/// Created at start, so that read/write checks need no `admin` right.
const DESTINATIONS: &[(&str, &str)] = &[
    ("queue", "FOO"),
    ("queue", "FOO.A"),
    ("queue", "FOO.A.B"),
    ("queue", "FOOX"),
    ("queue", "FOO.BAR"),
    ("queue", "FOO.BAZ"),
    ("queue", "FOO.BAR.X"),
    ("queue", "PUB"),
    ("queue", "QUX"),
    ("topic", "FOO.A"),
    ("topic", "QUX"),
];

#[derive(Clone, Copy, Debug)]
enum Op {
    Connect,
    Send,
    Subscribe,
}

#[derive(Clone, Copy, Debug)]
enum Expect {
    Allowed,
    /// Denied, and the broker's message contains this text.
    Denied(&'static str),
}

struct Check {
    /// Which rule of the ground-truth table this exercises.
    why: &'static str,
    user: &'static str,
    /// `None`: the user's own password.
    pass: Option<&'static str>,
    op: Op,
    dest: &'static str,
    expect: Expect,
}

const fn check(
    why: &'static str,
    user: &'static str,
    op: Op,
    dest: &'static str,
    expect: Expect,
) -> Check {
    Check {
        why,
        user,
        pass: None,
        op,
        dest,
        expect,
    }
}

use Expect::{Allowed, Denied};
use Op::{Connect, Send, Subscribe};

const CHECKS: &[Check] = &[
    // Authentication.
    check("connect", "u1", Connect, "", Allowed),
    Check {
        why: "wrong password",
        user: "u1",
        pass: Some("wrong"),
        op: Connect,
        dest: "",
        expect: Denied("User name [u1] or password is invalid."),
    },
    Check {
        why: "user names are case-sensitive",
        user: "U1",
        pass: Some("u1-pw"),
        op: Connect,
        dest: "",
        expect: Denied("User name [U1] or password is invalid."),
    },
    // (a) `FOO.>` matches FOO itself and any depth below, not FOOX.
    check(
        "a: FOO.> matches FOO",
        "u1",
        Subscribe,
        "/queue/FOO",
        Allowed,
    ),
    check(
        "a: FOO.> matches FOO.A",
        "u1",
        Subscribe,
        "/queue/FOO.A",
        Allowed,
    ),
    check(
        "a: FOO.> matches FOO.A.B",
        "u1",
        Subscribe,
        "/queue/FOO.A.B",
        Allowed,
    ),
    check(
        "a: FOO.> does not match FOOX",
        "u1",
        Subscribe,
        "/queue/FOOX",
        Denied("User u1 is not authorized to read from: queue://FOOX"),
    ),
    check(
        "a: other group",
        "u2",
        Subscribe,
        "/queue/FOO.A",
        Denied("User u2 is not authorized to read from: queue://FOO.A"),
    ),
    check(
        "a: read grants no write",
        "u1",
        Send,
        "/queue/FOO.A",
        Denied("User u1 is not authorized to write to: queue://FOO.A"),
    ),
    check("a: topic entry", "u1", Subscribe, "/topic/FOO.A", Allowed),
    check(
        "a: topic entry, other group",
        "u2",
        Subscribe,
        "/topic/FOO.A",
        Denied("User u2 is not authorized to read from: topic://FOO.A"),
    ),
    // (b) union of all matching entries, not most specific.
    check(
        "b: union, broad entry",
        "u1",
        Subscribe,
        "/queue/FOO.BAR",
        Allowed,
    ),
    check(
        "b: union, specific entry",
        "u2",
        Subscribe,
        "/queue/FOO.BAR",
        Allowed,
    ),
    check(
        "b: union, neither",
        "u3",
        Subscribe,
        "/queue/FOO.BAR",
        Denied("User u3 is not authorized to read from: queue://FOO.BAR"),
    ),
    check(
        "b: FOO.BAZ via FOO.>",
        "u1",
        Subscribe,
        "/queue/FOO.BAZ",
        Allowed,
    ),
    check(
        "b: FOO.BAR grants nothing on FOO.BAZ",
        "u2",
        Subscribe,
        "/queue/FOO.BAZ",
        Denied("not authorized to read from: queue://FOO.BAZ"),
    ),
    check(
        "b: FOO.> covers FOO.BAR.X",
        "u1",
        Subscribe,
        "/queue/FOO.BAR.X",
        Allowed,
    ),
    check(
        "b: FOO.BAR does not cover children",
        "u2",
        Subscribe,
        "/queue/FOO.BAR.X",
        Denied("not authorized to read from: queue://FOO.BAR.X"),
    ),
    check(
        "b: user in two groups",
        "u12",
        Subscribe,
        "/queue/FOO.A",
        Allowed,
    ),
    check(
        "b: write for admins",
        "admin",
        Send,
        "/queue/FOO.A",
        Allowed,
    ),
    check(
        "b: admins have no read on FOO.A",
        "admin",
        Subscribe,
        "/queue/FOO.A",
        Denied("User admin is not authorized to read from: queue://FOO.A"),
    ),
    // (c) no entry matches: denied for everyone, admin included.
    check(
        "c: unmatched, admin send",
        "admin",
        Send,
        "/queue/QUX",
        Denied("User admin is not authorized to write to: queue://QUX"),
    ),
    check(
        "c: unmatched, admin subscribe",
        "admin",
        Subscribe,
        "/queue/QUX",
        Denied("User admin is not authorized to read from: queue://QUX"),
    ),
    check(
        "c: unmatched topic, admin",
        "admin",
        Send,
        "/topic/QUX",
        Denied("User admin is not authorized to write to: topic://QUX"),
    ),
    check(
        "c: unmatched, u1",
        "u1",
        Subscribe,
        "/queue/QUX",
        Denied("User u1 is not authorized to read from: queue://QUX"),
    ),
    // (f) `*` means every user.
    check("f: * read, u1", "u1", Subscribe, "/queue/PUB", Allowed),
    check("f: * read, u3", "u3", Subscribe, "/queue/PUB", Allowed),
    check(
        "f: * read, admin",
        "admin",
        Subscribe,
        "/queue/PUB",
        Allowed,
    ),
    check("f: write g3", "u3", Send, "/queue/PUB", Allowed),
    check(
        "f: * read grants no write",
        "u1",
        Send,
        "/queue/PUB",
        Denied("User u1 is not authorized to write to: queue://PUB"),
    ),
    // (t) the temp entry governs all temp destinations.
    check("t: temp queue send", "u1", Send, "/temp-queue/t1", Allowed),
    check(
        "t: temp queue subscribe",
        "u1",
        Subscribe,
        "/temp-queue/t1",
        Allowed,
    ),
    check(
        "t: temp topic subscribe",
        "u12",
        Subscribe,
        "/temp-topic/t1",
        Allowed,
    ),
    check(
        "t: temp queue send, other group",
        "u2",
        Send,
        "/temp-queue/t2",
        Denied("User u2 is not authorized to"),
    ),
    check(
        "t: temp queue subscribe, other group",
        "u2",
        Subscribe,
        "/temp-queue/t2",
        Denied("User u2 is not authorized to"),
    ),
    check(
        "t: temp topic subscribe, other group",
        "u2",
        Subscribe,
        "/temp-topic/t2",
        Denied("User u2 is not authorized to"),
    ),
];

fn password(user: &str) -> &'static str {
    USERS
        .iter()
        .find(|(u, _, _)| *u == user)
        .map(|(_, p, _)| *p)
        .unwrap_or("")
}

fn matches(expect: Expect, outcome: &Outcome) -> bool {
    match (expect, outcome) {
        (Allowed, Outcome::Allowed) => true,
        (Denied(text), Outcome::Denied(message)) => message.contains(text),
        _ => false,
    }
}

#[test]
fn real_broker_matches_recorded_ground_truth() {
    if !activemq_or_skip() {
        return;
    }
    let _serial = one_broker_at_a_time();
    let config = broker_config(PLUGINS, DESTINATIONS);
    let broker = match Broker::start(&config) {
        Ok(broker) => broker,
        Err(e) => panic!("{e}"),
    };
    let port = broker.stomp_port();
    println!(
        "broker pid={} stomp=127.0.0.1:{port} start={:.2}s rundir={}",
        broker.pid(),
        broker.startup_time().as_secs_f64(),
        broker.run_dir().display()
    );

    let probes_began = Instant::now();
    let mut failures = Vec::new();
    for c in CHECKS {
        let pass = c.pass.unwrap_or_else(|| password(c.user));
        let result = match c.op {
            Connect => probe_connect(port, c.user, pass),
            Send => probe_send(port, c.user, pass, c.dest),
            Subscribe => probe_subscribe(port, c.user, pass, c.dest),
        };
        let op = format!("{:?}", c.op).to_lowercase();
        let shown = match &result {
            Ok(outcome) => outcome.to_string(),
            Err(e) => format!("probe failed: {e}"),
        };
        let ok = result.as_ref().is_ok_and(|o| matches(c.expect, o));
        println!(
            "{} {:<6} {:<9} {:<18} -> {shown}   [{}]",
            if ok { "ok  " } else { "FAIL" },
            c.user,
            op,
            c.dest,
            c.why
        );
        if !ok {
            failures.push(format!(
                "{} {op} {} ({}): expected {:?}, got {shown}",
                c.user, c.dest, c.why, c.expect
            ));
        }
    }
    println!(
        "{} checks in {:.2}s",
        CHECKS.len(),
        probes_began.elapsed().as_secs_f64()
    );

    let log_tail = broker.log_tail(30);
    match broker.stop() {
        Ok(took) => println!("broker stopped in {:.2}s", took.as_secs_f64()),
        Err(e) => failures.push(format!("stopping the broker: {e}")),
    }
    assert!(
        failures.is_empty(),
        "{} of {} checks differ from the ground truth:\n{}\n--- broker.log tail ---\n{log_tail}",
        failures.len(),
        CHECKS.len(),
        failures.join("\n")
    );
}

/// The JVM exits with status 0 on a configuration the schema rejects; the
/// harness must still report it as a failed start.
#[test]
fn broken_config_is_reported() {
    if !activemq_or_skip() {
        return;
    }
    let _serial = one_broker_at_a_time();
    let config = broker_config("", &[("queue", "A")])
        .replace("useJmx=\"false\"", "useJmx=\"false\" notAnAttribute=\"1\"");
    let began = Instant::now();
    let result = Broker::start(&config);
    let took = began.elapsed().as_secs_f64();
    match result {
        Ok(broker) => panic!(
            "a broker with an invalid attribute started (pid {})",
            broker.pid()
        ),
        Err(e) => {
            println!("broken config reported after {took:.2}s");
            assert!(
                e.contains("cvc-complex-type.3.2.2") && e.contains("notAnAttribute"),
                "the error does not name the schema violation:\n{e}"
            );
        }
    }
}

/// The frame parser, without a broker: heart-beat EOLs, escaped headers,
/// content-length bodies with NULs inside, incomplete input.
#[test]
fn stomp_frames_parse() {
    let mut wire = Vec::new();
    wire.extend_from_slice(b"\n\r\nRECEIPT\nreceipt-id:probe-1\n\n\0");
    wire.extend_from_slice(b"MESSAGE\r\ncontent-length:3\r\nx:a\\cb\r\nx:second\r\n\r\na\0b\0");
    let (f1, used) = parse_frame(&wire).expect("valid").expect("complete");
    assert_eq!(f1.command, "RECEIPT");
    assert_eq!(f1.get("receipt-id"), Some("probe-1"));
    let (f2, used2) = parse_frame(&wire[used..])
        .expect("valid")
        .expect("complete");
    assert_eq!(f2.command, "MESSAGE");
    assert_eq!(f2.body, b"a\0b");
    assert_eq!(f2.get("x"), Some("a:b"), "first occurrence wins, unescaped");
    assert_eq!(used + used2, wire.len());
    assert!(parse_frame(b"ERROR\nmessage:x\n\npartial")
        .expect("valid")
        .is_none());
    assert!(parse_frame(b"MESSAGE\ncontent-length:5\n\nab\0")
        .expect("valid")
        .is_none());
    assert!(parse_frame(b"MESSAGE\nno-colon\n\n\0").is_err());
    let connected = parse_frame(b"CONNECTED\nserver:ActiveMQ/5.17.2\nversion:1.2\n\n\0")
        .expect("valid")
        .expect("complete")
        .0;
    assert_eq!(connected.get("server"), Some("ActiveMQ/5.17.2"));
}
