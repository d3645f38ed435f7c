//! `mqauthz audit` on files: one firing fixture and one near miss per
//! self-hosted rule (tests/fixtures/audit/RULE and RULE.ok, each a folder
//! audited as given, with extra arguments in its `args` file), snapshots of
//! every fixture, a hardened `conf/` that raises nothing, map rules located
//! in the configuration, passwords never printed, inputs told by content and
//! refused when unknown, exit codes.

use crate::support::cli::{mqauthz, text};

use mqauthz::analysis::registry::RULES;
use mqauthz::analysis::Scope;
use std::path::{Path, PathBuf};

/// The self-hosted rules, each with a fixture and a near miss.
const SELF_HOSTED_RULES: &[&str] = &[
    "no-authentication",
    "anonymous-access-allowed",
    "no-authorization-map",
    "inline-password",
    "default-credentials",
    "plaintext-transport",
    "unused-transport-connector",
    "jmx-remote-connector",
    "console-unauthenticated",
    "console-on-all-interfaces",
    "fileserver-webapp",
];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn fixtures() -> PathBuf {
    root().join("tests/fixtures/audit")
}

/// The arguments of a fixture folder: its `args` file, then the folder.
fn fixture_args(dir: &Path) -> Vec<String> {
    let mut args: Vec<String> = std::fs::read_to_string(dir.join("args"))
        .map(|a| a.split_whitespace().map(str::to_string).collect())
        .unwrap_or_default();
    let rel = dir
        .strip_prefix(root())
        .unwrap_or(dir)
        .to_string_lossy()
        .into_owned();
    args.push(rel);
    args
}

fn run(args: &[String]) -> std::process::Output {
    let mut all = vec!["audit".to_string()];
    all.extend(args.iter().cloned());
    mqauthz(&all)
}

fn json_of(out: &std::process::Output) -> serde_json::Value {
    assert_ne!(out.status.code(), Some(2), "{}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("json")
}

fn audit_json(dir: &Path) -> serde_json::Value {
    let mut args = vec!["--format".to_string(), "json".to_string()];
    args.extend(fixture_args(dir));
    json_of(&run(&args))
}

fn names(doc: &serde_json::Value) -> Vec<String> {
    doc["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| d["name"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// Every fixture folder, sorted (the Amazon MQ fixtures under `aws/` have
/// their own test, tests/it/audit_aws.rs).
fn fixture_dirs() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(fixtures())
        .expect("fixtures")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir() && !p.ends_with("aws"))
        .collect();
    dirs.sort();
    dirs
}

#[test]
fn self_hosted_rules_are_in_the_catalogue() {
    for name in SELF_HOSTED_RULES {
        let rule = RULES
            .iter()
            .find(|r| r.meta().code.name == *name)
            .unwrap_or_else(|| panic!("{name} is not in the catalogue"));
        assert_eq!(rule.scope(), Scope::Audit, "{name}");
        let m = rule.meta();
        assert!(m.code.id.starts_with("MQA4"), "{}", m.code.id);
        // each cites the practice (1-4) or the source it comes from
        let docs = m.docs.to_ascii_lowercase();
        assert!(
            docs.contains("practice") || docs.contains("cve-") || docs.contains("source:"),
            "{name} cites no practice or source"
        );
    }
    // `rules` lists them, and shows one's documentation
    let out = mqauthz(&["rules"]);
    let listed = text(&out.stdout);
    for name in SELF_HOSTED_RULES {
        assert!(listed.contains(name), "`rules` does not list {name}");
    }
    let out = mqauthz(&["rules", "MQA406"]);
    assert!(text(&out.stdout).contains("# plaintext-transport (MQA406, error by default)"));
}

#[test]
fn every_self_hosted_rule_fires_on_its_fixture_and_not_on_its_near_miss() {
    for name in SELF_HOSTED_RULES {
        let fires = fixtures().join(name);
        let near = fixtures().join(format!("{name}.ok"));
        assert!(fires.is_dir(), "missing fixture {}", fires.display());
        assert!(near.is_dir(), "missing near miss {}", near.display());
        let got = names(&audit_json(&fires));
        assert!(
            got.iter().any(|c| c == name),
            "{name} does not fire on its fixture: {got:?}"
        );
        let got = names(&audit_json(&near));
        assert!(
            !got.iter().any(|c| c == name),
            "{name} fires on its near miss: {got:?}"
        );
        assert!(
            got.iter().all(|c| c == "map-not-analysed"),
            "{name}'s near miss raises {got:?}"
        );
    }
}

#[test]
fn audit_fixtures_render() {
    for dir in fixture_dirs() {
        let name = dir
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        let out = run(&fixture_args(&dir));
        insta::assert_snapshot!(
            format!("audit_fixture__{name}"),
            format!("exit: {:?}\n{}", out.status.code(), text(&out.stdout))
        );
    }
}

#[test]
fn audit_fixtures_json() {
    for dir in fixture_dirs() {
        let name = dir
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        if name.ends_with(".ok") || name == "clean" {
            continue;
        }
        insta::assert_json_snapshot!(format!("audit_fixture_json__{name}"), audit_json(&dir));
    }
}

#[test]
fn a_hardened_self_hosted_conf_raises_nothing() {
    for dir in [
        "tests/fixtures/audit/clean",
        "examples/self-hosted-hardened",
    ] {
        for extra in [&[][..], &["--deny-warnings"][..]] {
            let mut args = vec!["audit".to_string(), "--format".into(), "json".into()];
            args.extend(extra.iter().map(|s| s.to_string()));
            args.push(dir.to_string());
            let out = mqauthz(&args);
            let doc = json_of(&out);
            assert_eq!(names(&doc), Vec::<String>::new(), "{dir}");
            assert_eq!(out.status.code(), Some(0), "{dir}");
        }
    }
}

#[test]
fn the_example_conf_renders() {
    let out = mqauthz(&["audit", "examples/self-hosted/conf"]);
    insta::assert_snapshot!(format!(
        "exit: {:?}\n{}",
        out.status.code(),
        text(&out.stdout)
    ));
}

#[test]
fn passwords_are_never_printed() {
    let secrets = [
        "s3cret-Value",
        "password=\"manager\"",
        "admin=admin",
        "=manager",
        "=password",
        "admin activemq",
        "admin: admin",
    ];
    for format in ["human", "concise", "json"] {
        let out = mqauthz(&[
            "audit",
            "--format",
            format,
            "tests/fixtures/audit/default-credentials",
            "tests/fixtures/audit/inline-password",
        ]);
        assert_eq!(out.status.code(), Some(1));
        let shown = text(&out.stdout);
        for secret in secrets {
            assert!(!shown.contains(secret), "{format} shows `{secret}`");
        }
        if format == "human" {
            assert!(shown.contains("password=\"***\""), "{shown}");
            assert!(shown.contains("admin=***"), "{shown}");
        }
    }
}

#[test]
fn map_rules_run_on_each_configuration_at_the_entry() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text_of = |entries: &str| {
        format!(
            "<broker xmlns=\"http://activemq.apache.org/schema/core\">\n  <plugins>\n    <jaasAuthenticationPlugin configuration=\"activemq\"/>\n    <authorizationPlugin>\n      <map>\n        <authorizationMap>\n          <authorizationEntries>\n{entries}          </authorizationEntries>\n        </authorizationMap>\n      </map>\n    </authorizationPlugin>\n  </plugins>\n</broker>\n"
        )
    };
    let path = dir.path().join("activemq.xml");
    std::fs::write(
        &path,
        text_of(
            "            <authorizationEntry queue=\"APP.>\" read=\"app\" write=\"app\" admin=\"app\"/>\n            <authorizationEntry queue=\"APP.ORDERS\" read=\"app\"/>\n            <authorizationEntry topic=\"ActiveMQ.Advisory.>\" read=\"app\" write=\"app\" admin=\"app\"/>\n",
        ),
    )
    .expect("write");
    let path = path.to_string_lossy().into_owned();
    // the root is <broker>: amazon-mq unless told otherwise
    let out = mqauthz(&[
        "audit",
        "--target",
        "self-hosted",
        "--format",
        "json",
        &path,
    ]);
    let doc = json_of(&out);
    let found = doc["diagnostics"].as_array().expect("diagnostics");
    let redundant = found
        .iter()
        .find(|d| d["name"] == "redundant-grant")
        .unwrap_or_else(|| panic!("no redundant-grant: {found:?}"));
    assert_eq!(redundant["file"], path.as_str());
    // the narrower entry, whose rights the broader one already gives
    assert_eq!(redundant["start"]["line"], 9, "{redundant}");
    assert_eq!(redundant["labels"][1]["start"]["line"], 8, "{redundant}");
    assert!(
        redundant["notes"][0]
            .as_str()
            .is_some_and(|n| n.contains("authorization map")),
        "{redundant}"
    );
    let temp = found
        .iter()
        .find(|d| d["name"] == "temp-destinations-open")
        .unwrap_or_else(|| panic!("no temp-destinations-open: {found:?}"));
    assert_eq!(temp["file"], path.as_str());
    // a severity override reaches the map rules too
    let out = mqauthz(&[
        "audit",
        "--target",
        "self-hosted",
        "--allow",
        "redundant-grant",
        "--format",
        "json",
        &path,
    ]);
    assert!(!names(&json_of(&out)).contains(&"redundant-grant".to_string()));
}

#[test]
fn a_configuration_revision_is_located_in_its_data() {
    use base64::Engine as _;
    let xml = "<broker xmlns=\"http://activemq.apache.org/schema/core\">\n  <plugins>\n  </plugins>\n</broker>\n";
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("revision.json");
    std::fs::write(
        &path,
        format!(
            "{{\n  \"ConfigurationId\": \"c-1\",\n  \"Data\": \"{}\"\n}}\n",
            base64::engine::general_purpose::STANDARD.encode(xml)
        ),
    )
    .expect("write");
    let path = path.to_string_lossy().into_owned();
    let out = mqauthz(&["audit", "--format", "concise", &path]);
    assert_eq!(out.status.code(), Some(1));
    let shown = text(&out.stdout);
    assert!(
        shown.contains(&format!("{path}#Data:2:3: error[MQA403]")),
        "{shown}"
    );
    // amazon-mq: the self-hosted rules do not run
    assert!(!shown.contains("MQA401"), "{shown}");
    // a revision whose XML has no broker is refused where it is, also in a folder
    std::fs::write(
        &path,
        format!(
            "{{\"Data\": \"{}\"}}",
            base64::engine::general_purpose::STANDARD.encode("<beans/>")
        ),
    )
    .expect("write");
    let out = mqauthz(&[
        "audit",
        "--format",
        "concise",
        &dir.path().to_string_lossy(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stdout).contains("error[MQA304]"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn the_target_can_be_forced() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("broker.xml");
    std::fs::write(
        &path,
        "<broker xmlns=\"http://activemq.apache.org/schema/core\">\n  <transportConnectors>\n    <transportConnector name=\"openwire\" uri=\"tcp://0.0.0.0:61616\"/>\n  </transportConnectors>\n</broker>\n",
    )
    .expect("write");
    let path = path.to_string_lossy().into_owned();
    let detected = names(&json_of(&mqauthz(&["audit", "--format", "json", &path])));
    assert!(!detected.contains(&"no-authentication".to_string()));
    assert!(detected.contains(&"no-authorization-map".to_string()));
    let forced = names(&json_of(&mqauthz(&[
        "audit",
        "--target",
        "self-hosted",
        "--format",
        "json",
        &path,
    ])));
    assert!(forced.contains(&"no-authentication".to_string()));
    assert!(forced.contains(&"plaintext-transport".to_string()));
}

#[test]
fn inputs_are_told_by_content_and_unknown_ones_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let write = |name: &str, content: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, content).expect("write");
        p.to_string_lossy().into_owned()
    };
    // a folder: known names and *.json only; a JSON of no known kind is ignored
    let clean =
        std::fs::read_to_string(root().join("tests/fixtures/audit/clean/conf/activemq.xml"))
            .expect("clean");
    write("activemq.xml", &clean);
    let unknown_json = write("package.json", "{\"name\": \"x\"}");
    write("notes.txt", "not read");
    let folder = dir.path().to_string_lossy().into_owned();
    let out = mqauthz(&["audit", &folder]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    // named on the command line, it is refused with the list of kinds
    let out = mqauthz(&["audit", &unknown_json]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("describe-broker") && err.contains("jmx.password"),
        "{err}"
    );
    let txt = dir.path().join("notes.txt").to_string_lossy().into_owned();
    assert_eq!(mqauthz(&["audit", &txt]).status.code(), Some(2));
    // XML that is neither a broker configuration nor jetty.xml
    let other = write("other.xml", "<project><name>x</name></project>");
    assert_eq!(mqauthz(&["audit", &other]).status.code(), Some(2));
    // the name does not decide: a broker configuration under another name
    let renamed = write("broker-config.txt", &clean);
    assert_eq!(mqauthz(&["audit", &renamed]).status.code(), Some(0));
    // malformed input is a located error (exit 1)
    let bad = write(
        "broker.json",
        "{\n  \"BrokerId\": \"b-1\",\n  \"EngineType\" \"ActiveMQ\"\n}\n",
    );
    let out = mqauthz(&["audit", "--format", "concise", &bad]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stdout).contains(&format!("{bad}:3:16: error[MQA430]")),
        "{}",
        text(&out.stdout)
    );
    let sub = dir.path().join("sub");
    std::fs::create_dir(&sub).expect("mkdir");
    std::fs::write(sub.join("users.properties"), "app=\\u12G4\n").expect("write");
    let out = mqauthz(&["audit", "--format", "concise", &sub.to_string_lossy()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).contains("users.properties:1:5: error[MQA430]"));
    let bad_xml = write(
        "jetty.xml",
        "<beans><bean class=\"org.eclipse.jetty.server.Server\"></beans>",
    );
    let out = mqauthz(&["audit", "--format", "concise", &bad_xml]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    // a folder with nothing audit reads, a missing path
    let empty = tempfile::tempdir().expect("temp dir");
    assert_eq!(
        mqauthz(&["audit", &empty.path().to_string_lossy()])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        mqauthz(&["audit", "no/such/path.xml"]).status.code(),
        Some(2)
    );
}

#[test]
fn severity_overrides_and_exit_codes() {
    let warn_only = "tests/fixtures/audit/console-on-all-interfaces";
    assert_eq!(mqauthz(&["audit", warn_only]).status.code(), Some(0));
    assert_eq!(
        mqauthz(&["audit", "--deny-warnings", warn_only])
            .status
            .code(),
        Some(1)
    );
    assert_eq!(
        mqauthz(&["audit", "--deny", "console-on-all-interfaces", warn_only])
            .status
            .code(),
        Some(1)
    );
    assert_eq!(
        mqauthz(&["audit", "--allow", "MQA410", "--deny-warnings", warn_only])
            .status
            .code(),
        Some(0)
    );
    let errors = "tests/fixtures/audit/fileserver-webapp";
    assert_eq!(mqauthz(&["audit", errors]).status.code(), Some(1));
    assert_eq!(
        mqauthz(&["audit", "--warn", "fileserver-webapp", errors])
            .status
            .code(),
        Some(0)
    );
    let out = mqauthz(&["audit", "--allow", "fileserver-webap", errors]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("did you mean `fileserver-webapp`"));
    assert_eq!(
        mqauthz(&["audit", "--activemq-version", "five", errors])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        mqauthz(&["audit", "--protocols", "carrier-pigeon", errors])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn sarif_and_standard_input() {
    let out = mqauthz(&[
        "audit",
        "--format",
        "sarif",
        "tests/fixtures/audit/plaintext-transport",
    ]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("sarif");
    let results = doc["runs"][0]["results"].as_array().expect("results");
    assert!(results.iter().any(|r| r["ruleId"] == "MQA406"));
    let rules = doc["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules");
    assert!(rules.iter().any(|r| r["name"] == "plaintext-transport"));

    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_mqauthz"))
        .args([
            "audit",
            "--format",
            "concise",
            "--target",
            "self-hosted",
            "-",
        ])
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"<broker xmlns=\"http://activemq.apache.org/schema/core\"/>")
        .expect("write");
    let out = child.wait_with_output().expect("wait");
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).contains("<stdin>:1:1: error[MQA401]"));
}

#[test]
fn the_worked_example_in_docs_is_what_audit_prints() {
    let docs = std::fs::read_to_string(root().join("docs/audit.md")).expect("docs/audit.md");
    let command =
        "$ mqauthz audit --protocols openwire --format concise examples/self-hosted/conf\n";
    let start = docs.find(command).expect("the worked example") + command.len();
    let shown = &docs[start..start + docs[start..].find("```").expect("end of block")];
    let out = mqauthz(&[
        "audit",
        "--protocols",
        "openwire",
        "--format",
        "concise",
        "examples/self-hosted/conf",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&out.stdout), shown);
}

#[test]
fn the_hostile_corpus_never_crashes_audit() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("tests/corpus"))
        .expect("corpus")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    files.sort();
    assert!(!files.is_empty());
    for f in files {
        let out = mqauthz(&["audit", "--format", "json", &f.to_string_lossy()]);
        let code = out.status.code();
        assert!(
            matches!(code, Some(0..=2)),
            "{}: exit {code:?}\n{}",
            f.display(),
            text(&out.stderr)
        );
        assert!(!text(&out.stderr).contains("panicked"), "{}", f.display());
        if code != Some(2) {
            let _: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        }
    }
}
