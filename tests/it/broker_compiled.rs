//! Compiled output verified on a real broker: for every example policy and a
//! few generated ones, write a Spring `activemq.xml` with one user per group,
//! merge the policy into it with the real `mqauthz compile --into … -o …`,
//! start ActiveMQ 5.17.2 on the result and compare what STOMP clients may do
//! with what the project's evaluator says about the compiled map.
//!
//! Expected outcomes:
//!
//! - SEND to `/queue/X` or `/topic/X` needs write on X; SUBSCRIBE needs read.
//!   When X does not exist yet (not declared in `<destinations>` and not
//!   created by an earlier probe of the same run) the operation also needs
//!   admin, since the broker auto-creates X. The probes run in order and the
//!   model tracks which destinations they create.
//! - A subscription to a wildcard name (`FOO.*`, `FOO.>`, `>`) needs read on
//!   that key as the evaluator matches it (docs/semantics.md, "Wildcard
//!   keys (rule F)") and creates nothing.
//! - Temporary destinations follow the `tempDestinationAuthorizationEntry`
//!   (`AuthzMap::temp_groups`; none means open): each probe's connection
//!   creates its own temporary destination, so SEND needs write and admin,
//!   SUBSCRIBE needs read and admin.
//!
//! Every policy grants `everyone read, admin on advisory`, so that connecting
//! and creating advisory topics never depends on who came first. The map
//! read back from the merged file must give the same expectations as the
//! map compiled from the policy.
//!
//! Skipped when ActiveMQ or Java is missing, unless `MQAUTHZ_REQUIRE_ACTIVEMQ=1`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use mqauthz::compile::compile;
use mqauthz::diagnostics::Severity;
use mqauthz::load::front_end;
use mqauthz::semantics::eval::user_allowed;
use mqauthz::semantics::{AuthzMap, DestKind, Right};
use mqauthz::source::{SourceFile, SourceId, Sources};
use mqauthz::xml::{read_map, ConfigDoc};

use crate::support::broker::{
    activemq_or_skip, broker_config, one_broker_at_a_time, xml_escape, Broker,
};
use crate::support::rng::Rng;
use crate::support::stomp::{probe_connect, probe_send, probe_subscribe, Outcome};

/// A group no policy declares; its user must get nothing but `everyone`.
const STRANGER_GROUP: &str = "not-in-policy";

#[derive(Clone, Debug)]
struct User {
    name: String,
    password: String,
    groups: Vec<String>,
}

impl User {
    fn group_refs(&self) -> Vec<&str> {
        self.groups.iter().map(String::as_str).collect()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Connect,
    Send,
    Subscribe,
}

impl Op {
    fn as_str(self) -> &'static str {
        match self {
            Op::Connect => "connect",
            Op::Send => "send",
            Op::Subscribe => "subscribe",
        }
    }
}

/// A queue or topic by name.
type Dest = (DestKind, String);

/// Where a probe goes.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Target {
    None,
    Dest(DestKind, String),
    /// `/temp-queue/…` (false) or `/temp-topic/…` (true).
    Temp(bool),
}

impl Target {
    fn stomp(&self) -> String {
        match self {
            Target::None => String::new(),
            Target::Dest(DestKind::Queue, name) => format!("/queue/{name}"),
            Target::Dest(DestKind::Topic, name) => format!("/topic/{name}"),
            Target::Temp(false) => "/temp-queue/probe".to_string(),
            Target::Temp(true) => "/temp-topic/probe".to_string(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Expect {
    Allowed,
    /// Denied, with text the broker's message must contain.
    Denied(String),
}

impl std::fmt::Display for Expect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Expect::Allowed => f.write_str("allowed"),
            Expect::Denied(text) => write!(f, "denied ({text})"),
        }
    }
}

struct Probe {
    user: usize,
    op: Op,
    target: Target,
}

/// One policy to verify.
struct Case {
    name: String,
    policy: String,
}

fn kind_prefix(kind: DestKind) -> &'static str {
    match kind {
        DestKind::Queue => "queue://",
        DestKind::Topic => "topic://",
    }
}

fn allowed(map: &AuthzMap, kind: DestKind, name: &str, right: Right, user: &User) -> bool {
    user_allowed(&map.acl_groups(kind, name, right), &user.group_refs())
}

fn temp_allowed(map: &AuthzMap, right: Right, user: &User) -> bool {
    match map.temp_groups(right) {
        None => !user.groups.is_empty(),
        Some(groups) => user_allowed(&groups, &user.group_refs()),
    }
}

/// The expected outcome of `probe` under `map`, given the destinations that
/// exist; records a destination the probe creates.
fn expect(
    map: &AuthzMap,
    users: &[User],
    probe: &Probe,
    existing: &mut BTreeSet<(DestKind, String)>,
) -> Expect {
    let user = &users[probe.user];
    match (&probe.target, probe.op) {
        (_, Op::Connect) | (Target::None, _) => Expect::Allowed,
        (Target::Dest(kind, name), op) => {
            let (right, verb) = if op == Op::Send {
                (Right::Write, "write to")
            } else {
                (Right::Read, "read from")
            };
            let shown = format!("{}{name}", kind_prefix(*kind));
            if !allowed(map, *kind, name, right, user) {
                return Expect::Denied(format!(
                    "User {} is not authorized to {verb}: {shown}",
                    user.name
                ));
            }
            if is_wildcard(name) {
                return Expect::Allowed;
            }
            let key = (*kind, name.clone());
            if existing.contains(&key) {
                return Expect::Allowed;
            }
            if allowed(map, *kind, name, Right::Admin, user) {
                existing.insert(key);
                Expect::Allowed
            } else {
                Expect::Denied(format!(
                    "User {} is not authorized to create: {shown}",
                    user.name
                ))
            }
        }
        (Target::Temp(_), op) => {
            let right = if op == Op::Send {
                Right::Write
            } else {
                Right::Read
            };
            if temp_allowed(map, right, user) && temp_allowed(map, Right::Admin, user) {
                Expect::Allowed
            } else {
                Expect::Denied(format!("User {} is not authorized to", user.name))
            }
        }
    }
}

fn outcome_matches(expect: &Expect, outcome: &Outcome) -> bool {
    match (expect, outcome) {
        (Expect::Allowed, Outcome::Allowed) => true,
        (Expect::Denied(text), Outcome::Denied(message)) => message.contains(text.as_str()),
        _ => false,
    }
}

/// Concrete names that exercise one entry pattern: `*` becomes one segment,
/// a final `>` gives the prefix itself (`FOO.>` matches `FOO`) and a name two
/// levels deeper, an exact name also gives a child it does not cover.
fn names_for_pattern(pattern: &str) -> Vec<String> {
    let segments: Vec<&str> = pattern.split('.').collect();
    let concrete: Vec<&str> = segments
        .iter()
        .map(|s| if *s == "*" { "X" } else { s })
        .collect();
    let mut out = Vec::new();
    if segments.last() == Some(&">") {
        let prefix = concrete[..concrete.len() - 1].join(".");
        if prefix.is_empty() {
            out.push("X.Y".to_string());
        } else {
            out.push(prefix.clone());
            out.push(format!("{prefix}.X.Y"));
        }
    } else {
        let name = concrete.join(".");
        out.push(format!("{name}.SUB"));
        out.push(name);
    }
    out
}

/// The users of a policy: one per group (in declaration order), one in the
/// first two groups, one in a group the policy does not know.
fn users_for(groups: &[String]) -> Vec<User> {
    let mut users: Vec<User> = groups
        .iter()
        .enumerate()
        .map(|(i, g)| User {
            name: format!("u-{}", g.replace(' ', "_")),
            password: format!("pw{i}"),
            groups: vec![g.clone()],
        })
        .collect();
    if groups.len() >= 2 {
        users.push(User {
            name: "u-both".to_string(),
            password: "pw-both".to_string(),
            groups: vec![groups[0].clone(), groups[1].clone()],
        });
    }
    users.push(User {
        name: "u-stranger".to_string(),
        password: "pw-stranger".to_string(),
        groups: vec![STRANGER_GROUP.to_string()],
    });
    users
}

fn authentication_plugin(users: &[User]) -> String {
    let mut xml = String::from(
        "      <simpleAuthenticationPlugin anonymousAccessAllowed=\"false\">\n        <users>\n",
    );
    for u in users {
        let _ = writeln!(
            xml,
            "          <authenticationUser username=\"{}\" password=\"{}\" groups=\"{}\"/>",
            xml_escape(&u.name),
            xml_escape(&u.password),
            xml_escape(&u.groups.join(","))
        );
    }
    xml.push_str("        </users>\n      </simpleAuthenticationPlugin>\n");
    xml
}

/// Destinations to probe, per kind, and which of them are declared in
/// `<destinations>`: every fourth name (in sorted order) and every `.X.Y`
/// name is left undeclared, so that creating it needs admin.
fn destinations_for(map: &AuthzMap) -> (Vec<Dest>, Vec<Dest>) {
    let mut names: BTreeSet<(DestKind, String)> = BTreeSet::new();
    for e in &map.entries {
        if e.pattern.starts_with("ActiveMQ.") {
            continue;
        }
        for n in names_for_pattern(&e.pattern) {
            names.insert((e.kind, n));
        }
    }
    for kind in [DestKind::Queue, DestKind::Topic] {
        names.insert((kind, "NOMATCH".to_string()));
        names.insert((kind, "NOMATCH.NEW".to_string()));
    }
    let all: Vec<(DestKind, String)> = names.into_iter().collect();
    let declared = all
        .iter()
        .enumerate()
        .filter(|(i, (_, n))| i % 4 != 3 && !n.ends_with(".X.Y") && !n.ends_with(".NEW"))
        .map(|(_, d)| d.clone())
        .collect();
    (all, declared)
}

/// A name with a wildcard segment: a subscription to it creates nothing.
fn is_wildcard(name: &str) -> bool {
    name.split('.').any(|s| s == "*" || s == ">")
}

/// Wildcard subscriptions to probe (read is checked on the wildcard key
/// itself, docs/semantics.md#wildcard-keys-rule-f): `*` and `>`, and below each entry's leading
/// concrete segments `P.*` and `P.>`.
fn wildcard_subscriptions(map: &AuthzMap) -> Vec<Dest> {
    let mut keys: BTreeSet<Dest> = BTreeSet::new();
    for kind in [DestKind::Queue, DestKind::Topic] {
        keys.insert((kind, "*".to_string()));
        keys.insert((kind, ">".to_string()));
    }
    for e in &map.entries {
        if e.pattern.starts_with("ActiveMQ.") {
            continue;
        }
        let segments: Vec<&str> = e.pattern.split('.').collect();
        let concrete = segments
            .iter()
            .take_while(|s| **s != "*" && **s != ">")
            .count();
        for depth in 1..=concrete.min(2) {
            let prefix = segments[..depth].join(".");
            keys.insert((e.kind, format!("{prefix}.*")));
            keys.insert((e.kind, format!("{prefix}.>")));
        }
    }
    keys.into_iter().collect()
}

fn probes_for(users: &[User], dests: &[Dest], wildcards: &[Dest]) -> Vec<Probe> {
    let mut probes = Vec::new();
    for u in 0..users.len() {
        probes.push(Probe {
            user: u,
            op: Op::Connect,
            target: Target::None,
        });
    }
    for (kind, name) in dests {
        for op in [Op::Send, Op::Subscribe] {
            for u in 0..users.len() {
                probes.push(Probe {
                    user: u,
                    op,
                    target: Target::Dest(*kind, name.clone()),
                });
            }
        }
    }
    for (kind, name) in wildcards {
        for u in 0..users.len() {
            probes.push(Probe {
                user: u,
                op: Op::Subscribe,
                target: Target::Dest(*kind, name.clone()),
            });
        }
    }
    for topic in [false, true] {
        for op in [Op::Send, Op::Subscribe] {
            for u in 0..users.len() {
                probes.push(Probe {
                    user: u,
                    op,
                    target: Target::Temp(topic),
                });
            }
        }
    }
    probes
}

fn work_dir(case: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("broker-compiled")
        .join(case);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("creating the work folder");
    dir
}

fn compile_policy(case: &Case) -> (AuthzMap, Vec<String>) {
    let mut sources = Sources::new();
    let id = sources.add(SourceFile::new(
        format!("{}.mqa", case.name),
        case.policy.clone(),
    ));
    let front = front_end(&sources, id, Vec::new());
    let errors: Vec<String> = front
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| format!("{:?}: {}", d.code, d.message))
        .collect();
    assert!(
        errors.is_empty(),
        "{}: the policy has errors: {errors:?}\n{}",
        case.name,
        case.policy
    );
    let groups = front.policy.groups.iter().map(|g| g.name.clone()).collect();
    (compile(&front.policy), groups)
}

fn read_back(path: &Path, text: &str) -> AuthzMap {
    let file = SourceFile::new(path.display().to_string(), text.to_string());
    let doc = match ConfigDoc::parse(SourceId(0), &file) {
        Ok(doc) => doc,
        Err(d) => panic!("{} does not parse: {d:?}", path.display()),
    };
    let (map, diagnostics) = read_map(&doc);
    let errors: Vec<&str> = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| d.message.as_str())
        .collect();
    assert!(errors.is_empty(), "{}: {errors:?}", path.display());
    map.unwrap_or_else(|| panic!("{} has no authorization map", path.display()))
}

/// Compile `case` into a fresh Spring configuration with the real binary,
/// start a broker on the result and run every probe. Fails listing every
/// probe whose outcome differs from the evaluator's; panics when the policy,
/// the compile or the broker start fails.
fn verify(case: &Case) -> Result<(), String> {
    let began = Instant::now();
    let (map, groups) = compile_policy(case);
    let users = users_for(&groups);
    let (dests, declared) = destinations_for(&map);
    let declared_refs: Vec<(&str, &str)> = declared
        .iter()
        .map(|(k, n)| (k.as_str(), n.as_str()))
        .collect();

    let dir = work_dir(&case.name);
    let policy_path = dir.join("policy.mqa");
    let config_path = dir.join("activemq.xml");
    let out_path = dir.join("activemq.compiled.xml");
    std::fs::write(&policy_path, &case.policy).expect("writing the policy");
    std::fs::write(
        &config_path,
        broker_config(&authentication_plugin(&users), &declared_refs),
    )
    .expect("writing the configuration");

    let run = Command::new(env!("CARGO_BIN_EXE_mqauthz"))
        .arg("compile")
        .arg(&policy_path)
        .arg("--into")
        .arg(&config_path)
        .arg("-o")
        .arg(&out_path)
        .output()
        .expect("running mqauthz");
    assert!(
        run.status.success(),
        "{}: mqauthz compile --into exited with {:?}\n{}",
        case.name,
        run.status.code(),
        String::from_utf8_lossy(&run.stderr)
    );
    let compiled = std::fs::read_to_string(&out_path).expect("reading the compiled config");
    let reread = read_back(&out_path, &compiled);

    let _serial = one_broker_at_a_time();
    let broker = match Broker::start(&compiled) {
        Ok(b) => b,
        Err(e) => panic!(
            "{}: the compiled configuration does not load: {e}",
            case.name
        ),
    };
    let port = broker.stomp_port();
    println!(
        "== {}: broker pid={} stomp=127.0.0.1:{port} start={:.2}s, {} users, {} destinations ({} declared)",
        case.name,
        broker.pid(),
        broker.startup_time().as_secs_f64(),
        users.len(),
        dests.len(),
        declared.len()
    );

    let probes = probes_for(&users, &dests, &wildcard_subscriptions(&map));
    let mut existing: BTreeSet<(DestKind, String)> = declared.iter().cloned().collect();
    let mut existing_reread = existing.clone();
    let mut failures = Vec::new();
    let mut tally: BTreeMap<&str, usize> = BTreeMap::new();
    let probes_began = Instant::now();
    for probe in &probes {
        let user = &users[probe.user];
        let expected = expect(&map, &users, probe, &mut existing);
        let expected_reread = expect(&reread, &users, probe, &mut existing_reread);
        let dest = probe.target.stomp();
        let result = match probe.op {
            Op::Connect => probe_connect(port, &user.name, &user.password),
            Op::Send => probe_send(port, &user.name, &user.password, &dest),
            Op::Subscribe => probe_subscribe(port, &user.name, &user.password, &dest),
        };
        let shown = match &result {
            Ok(o) => o.to_string(),
            Err(e) => format!("probe failed: {e}"),
        };
        let ok = expected == expected_reread
            && result.as_ref().is_ok_and(|o| outcome_matches(&expected, o));
        println!(
            "{} {:<24} {:<9} {:<28} expected {:<10} -> {shown}",
            if ok { "ok  " } else { "FAIL" },
            user.name,
            probe.op.as_str(),
            dest,
            if expected == Expect::Allowed {
                "allowed"
            } else {
                "denied"
            },
        );
        *tally
            .entry(match (&result, ok) {
                (Ok(Outcome::Allowed), true) => "allowed as expected",
                (Ok(Outcome::Denied(_)), true) => "denied as expected",
                _ => "mismatched",
            })
            .or_default() += 1;
        if !ok {
            failures.push(format!(
                "{} {} {dest}: expected {expected} (from the map read back: {expected_reread}), got {shown}",
                user.name,
                probe.op.as_str()
            ));
        }
    }
    println!(
        "== {}: {} probes in {:.2}s ({tally:?}); case took {:.2}s",
        case.name,
        probes.len(),
        probes_began.elapsed().as_secs_f64(),
        began.elapsed().as_secs_f64()
    );
    if !failures.is_empty() {
        println!("broker log tail:\n{}", broker.log_tail(30));
    }
    drop(broker);
    if failures.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{}: {} of {} probes differ from the evaluator:\n{}",
            case.name,
            failures.len(),
            probes.len(),
            failures.join("\n")
        ))
    }
}

fn example(name: &str) -> Case {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(format!("{name}.mqa"));
    Case {
        name: format!("example-{name}"),
        policy: std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("reading {}: {e}", path.display())),
    }
}

const GROUP_NAMES: &[&str] = &["g1", "g2", "team-a", "svc.b", "ops"];
const SEGMENTS: &[&str] = &["A", "B", "C"];

fn random_pattern(rng: &mut Rng) -> String {
    let len = 1 + rng.below(3);
    let mut segments: Vec<&str> = Vec::new();
    for i in 0..len {
        let last = i + 1 == len;
        if last && rng.chance(35) {
            segments.push(">");
        } else if rng.chance(20) {
            segments.push("*");
        } else {
            segments.push(SEGMENTS[rng.below(SEGMENTS.len())]);
        }
    }
    segments.join(".")
}

fn random_rights(rng: &mut Rng) -> String {
    if rng.chance(20) {
        return "all".to_string();
    }
    let picked: Vec<&str> = ["read", "write", "admin"]
        .into_iter()
        .filter(|_| rng.chance(50))
        .collect();
    if picked.is_empty() {
        ["read", "write", "admin"][rng.below(3)].to_string()
    } else {
        picked.join(", ")
    }
}

fn random_principals(rng: &mut Rng, groups: &[&str]) -> String {
    if rng.chance(15) {
        return "everyone".to_string();
    }
    let first = groups[rng.below(groups.len())];
    let second = groups[rng.below(groups.len())];
    if second != first && rng.chance(30) {
        format!("{first}, {second}")
    } else {
        first.to_string()
    }
}

/// A policy from `seed`: 2 to 4 groups, 4 to 7 grants on queue and topic
/// patterns over a small alphabet, the advisory grant, and (unless the seed
/// leaves temp open) a temp grant.
fn generated(seed: u64) -> Case {
    let mut rng = Rng(seed);
    let count = 2 + rng.below(3);
    let groups: Vec<&str> = GROUP_NAMES[..count].to_vec();
    let mut text = format!("# generated from seed {seed}\n");
    for g in &groups {
        let _ = writeln!(text, "group {g}");
    }
    let grants = 4 + rng.below(4);
    for _ in 0..grants {
        let principals = random_principals(&mut rng, &groups);
        let rights = random_rights(&mut rng);
        let mut targets = Vec::new();
        for _ in 0..1 + rng.below(2) {
            let kind = if rng.chance(50) { "queue" } else { "topic" };
            targets.push(format!("{kind} {}", random_pattern(&mut rng)));
        }
        let _ = writeln!(
            text,
            "grant {principals} {rights} on {}",
            targets.join(", ")
        );
    }
    text.push_str("grant everyone read, admin on advisory\n");
    if seed % 4 != 0 {
        let principals = random_principals(&mut rng, &groups);
        let rights = random_rights(&mut rng);
        let _ = writeln!(text, "grant {principals} {rights} on temp");
    }
    Case {
        name: format!("generated-{seed}"),
        policy: text,
    }
}

/// The rules the issue names, each certainly present: `FOO.>` matching
/// `FOO`, union across entries, `everyone`, undeclared destinations that need
/// admin (held by some users only), temp rights without admin, and names
/// that need quoting in the policy and escaping in the XML.
const EDGES: &str = "\
group g1
group g2
group g3
group \"ops team\"
grant \"ops team\" read, write on queue \"R&D.>\", topic \"it's.<new>\"
grant g1 read on topic \"it's.<new>\"
grant g1 read on queue FOO.>
grant g2 read, write on queue FOO.BAR
grant g3 all on queue NEW.>
grant g1 write on queue NEW.>
grant g2 read on queue NEW.ONE
grant everyone read on topic NEWS.>
grant g2 write, admin on topic NEWS.>
grant everyone read, admin on advisory
grant g1 read, write on temp
grant g2 all on temp
grant g3 admin on temp
";

#[test]
fn edge_rules_on_a_real_broker() {
    if activemq_or_skip() {
        if let Err(e) = verify(&Case {
            name: "edges".to_string(),
            policy: EDGES.to_string(),
        }) {
            panic!("{e}");
        }
    }
}

#[test]
fn example_orders_on_a_real_broker() {
    if activemq_or_skip() {
        if let Err(e) = verify(&example("orders")) {
            panic!("{e}");
        }
    }
}

#[test]
fn example_saas_on_a_real_broker() {
    if activemq_or_skip() {
        if let Err(e) = verify(&example("saas")) {
            panic!("{e}");
        }
    }
}

#[test]
fn example_amazon_mq_on_a_real_broker() {
    if activemq_or_skip() {
        if let Err(e) = verify(&example("amazon-mq")) {
            panic!("{e}");
        }
    }
}

#[test]
fn generated_policies_on_a_real_broker() {
    if !activemq_or_skip() {
        return;
    }
    let mut failures = Vec::new();
    for seed in [4, 7, 11, 13] {
        let case = generated(seed);
        println!("{}", case.policy);
        if let Err(e) = verify(&case) {
            failures.push(format!("{e}\npolicy:\n{}", case.policy));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
