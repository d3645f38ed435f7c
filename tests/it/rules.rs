//! The rule catalogue: registry invariants, one firing fixture and one near
//! miss per rule (snapshotted in human and JSON form), assertions, SARIF, and
//! docs/rules.md kept equal to the registry.

use crate::support::cli::{mqauthz, text};

use mqauthz::analysis::registry::RULES;
use mqauthz::analysis::Scope;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Extra arguments from a `# args: ...` first line.
fn fixture_args(path: &Path) -> Vec<String> {
    let content = std::fs::read_to_string(path).expect("fixture");
    content
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("# args:"))
        .map(|a| a.split_whitespace().map(str::to_string).collect())
        .unwrap_or_default()
}

fn check_json(path: &Path) -> serde_json::Value {
    let rel = path
        .strip_prefix(root())
        .unwrap_or(path)
        .to_string_lossy()
        .into_owned();
    let mut args = vec!["check".to_string(), "--format".into(), "json".into()];
    args.extend(fixture_args(path));
    args.push(rel);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = mqauthz(&args);
    assert_ne!(out.status.code(), Some(2), "{}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("json")
}

fn codes_in(doc: &serde_json::Value) -> Vec<String> {
    doc["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| d["name"].as_str().unwrap_or_default().to_string())
        .collect()
}

fn fixture(name: &str, ok: bool) -> PathBuf {
    root()
        .join("tests/fixtures/rules")
        .join(format!("{name}{}.mqa", if ok { ".ok" } else { "" }))
}

#[test]
fn registry_invariants() {
    let mut ids = BTreeSet::new();
    let mut names = BTreeSet::new();
    let all = mqauthz::analysis::registry::other_codes()
        .into_iter()
        .chain(RULES.iter().map(|r| r.meta().code));
    for code in all {
        assert!(ids.insert(code.id), "duplicate code {}", code.id);
        assert!(names.insert(code.name), "duplicate name {}", code.name);
        assert!(
            code.id.len() == 6
                && code.id.starts_with("MQA")
                && code.id[3..].chars().all(|c| c.is_ascii_digit())
        );
        assert!(
            code.name.split('-').all(|w| !w.is_empty()
                && w.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())),
            "{} is not kebab-case",
            code.name
        );
    }
    let mut previous = "";
    for rule in RULES {
        let m = rule.meta();
        assert!(
            m.code.family().is_some_and(|f| f.is_rule()),
            "{} is not a rule's code in the code table",
            m.code.id
        );
        assert!(m.code.id > previous, "registry in code order");
        previous = m.code.id;
        for section in [
            "## What it does",
            "## Why is this bad?",
            "## Example",
            "## Use instead",
        ] {
            assert!(m.docs.contains(section), "{} lacks {section}", m.code.name);
        }
        assert!(!m.summary.is_empty());
    }
}

#[test]
fn every_rule_fires_on_its_fixture_and_not_on_its_near_miss() {
    // audit rules have their fixtures in tests/audit.rs
    for rule in RULES.iter().filter(|r| r.scope() == Scope::Policy) {
        let name = rule.meta().code.name;
        let fires = fixture(name, false);
        let near = fixture(name, true);
        assert!(fires.exists(), "missing fixture {}", fires.display());
        assert!(near.exists(), "missing near miss {}", near.display());
        let got = codes_in(&check_json(&fires));
        assert!(
            got.iter().any(|c| c == name),
            "{name} does not fire on its fixture: {got:?}"
        );
        let got = codes_in(&check_json(&near));
        assert!(got.is_empty(), "{name}'s near miss raises {got:?}");
    }
}

#[test]
fn rule_fixtures_render() {
    insta::glob!("..", "fixtures/rules/*.mqa", |path| {
        let rel = path
            .strip_prefix(root())
            .unwrap_or(path)
            .to_string_lossy()
            .into_owned();
        let mut args = vec!["check".to_string()];
        args.extend(fixture_args(path));
        args.push(rel.clone());
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = mqauthz(&args);
        insta::assert_snapshot!(format!(
            "exit: {:?}\n{}",
            out.status.code(),
            text(&out.stdout)
        ));
    });
}

#[test]
fn rule_fixtures_json() {
    insta::glob!("..", "fixtures/rules/*[!k].mqa", |path| {
        insta::assert_json_snapshot!(check_json(path));
    });
}

#[test]
fn assertion_fixtures() {
    insta::glob!("..", "fixtures/assertions/*.mqa", |path| {
        let rel = path
            .strip_prefix(root())
            .unwrap_or(path)
            .to_string_lossy()
            .into_owned();
        let out = mqauthz(&["check", &rel]);
        let expect_pass = rel.ends_with("pass.mqa");
        assert_eq!(
            out.status.code(),
            Some(if expect_pass { 0 } else { 1 }),
            "{rel}\n{}",
            text(&out.stdout)
        );
        insta::assert_snapshot!(text(&out.stdout));
    });
}

#[test]
fn sarif_document_structure() {
    let out = mqauthz(&[
        "check",
        "--format",
        "sarif",
        "tests/fixtures/rules/redundant-grant.mqa",
    ]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("sarif is JSON");
    assert_eq!(doc["version"], "2.1.0");
    assert!(doc["$schema"]
        .as_str()
        .is_some_and(|s| s.contains("sarif-2.1.0")));
    let run = &doc["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "mqauthz");
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    for r in RULES {
        let m = r.meta();
        let d = rules
            .iter()
            .find(|x| x["id"] == m.code.id)
            .expect("rule listed");
        assert_eq!(d["name"], m.code.name);
        assert!(d["help"]["markdown"]
            .as_str()
            .is_some_and(|h| h.contains("## What it does")));
        assert!(["error", "warning", "note"]
            .contains(&d["defaultConfiguration"]["level"].as_str().unwrap_or("")));
    }
    let results = run["results"].as_array().expect("results");
    assert!(!results.is_empty());
    for res in results {
        let idx = res["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[idx]["id"], res["ruleId"]);
        assert!(res["message"]["text"].as_str().is_some());
        let region = &res["locations"][0]["physicalLocation"]["region"];
        assert!(region["startLine"].as_u64().unwrap_or(0) >= 1);
        assert!(region["startColumn"].as_u64().unwrap_or(0) >= 1);
        assert_eq!(
            res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "tests/fixtures/rules/redundant-grant.mqa"
        );
    }
}

#[test]
fn severity_overrides_and_deny_warnings() {
    let f = "tests/fixtures/rules/unused-group.mqa";
    assert_eq!(mqauthz(&["check", f]).status.code(), Some(0));
    assert_eq!(
        mqauthz(&["check", "--deny-warnings", f]).status.code(),
        Some(1)
    );
    assert_eq!(
        mqauthz(&["check", "--deny", "unused-group", f])
            .status
            .code(),
        Some(1)
    );
    let out = mqauthz(&["check", "--allow", "MQA204", "--deny-warnings", f]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert_eq!(
        mqauthz(&["check", "--allow", "no-such-rule", f])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn advisory_rule_depends_on_version() {
    let f = "tests/fixtures/rules/advisory-access-missing.mqa";
    let old = codes_in(&{
        let out = mqauthz(&["check", "--format", "json", f]);
        serde_json::from_slice::<serde_json::Value>(&out.stdout).expect("json")
    });
    assert!(old.iter().any(|c| c == "advisory-access-missing"));
    let out = mqauthz(&[
        "check",
        "--format",
        "json",
        "--activemq-version",
        "6.3.0",
        f,
    ]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let severities: Vec<&str> = doc["diagnostics"]
        .as_array()
        .expect("array")
        .iter()
        .filter(|d| d["name"] == "advisory-access-missing")
        .map(|d| d["severity"].as_str().unwrap_or(""))
        .collect();
    assert!(
        severities.iter().all(|s| *s == "warning"),
        "on 6.3 only the read warning remains: {severities:?}"
    );
}

#[test]
fn rules_doc_matches_registry() {
    let out = mqauthz(&["rules", "--markdown"]);
    assert_eq!(out.status.code(), Some(0));
    let generated = text(&out.stdout);
    let path = root().join("docs/rules.md");
    if std::env::var_os("MQAUTHZ_BLESS").is_some() {
        std::fs::write(&path, &generated).expect("write docs/rules.md");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/rules.md is stale: run `cargo run -- rules --markdown > docs/rules.md`"
    );
}

#[test]
fn rules_command_lists_and_explains() {
    let out = mqauthz(&["rules"]);
    assert_eq!(out.status.code(), Some(0));
    for r in RULES {
        assert!(text(&out.stdout).contains(r.meta().code.name));
    }
    // the columns are aligned: severity and summary start at one column
    let listing = text(&out.stdout);
    let lines: Vec<&str> = listing.lines().collect();
    assert_eq!(lines.len(), RULES.len());
    let columns: BTreeSet<(usize, usize)> = lines
        .iter()
        .zip(RULES)
        .map(|(line, r)| {
            let m = r.meta();
            let summary = line.find(m.summary).expect("summary");
            let head = &line[..summary];
            let severity = head.rfind(&m.severity.to_string()).expect("severity");
            (head[..severity].chars().count(), head.chars().count())
        })
        .collect();
    assert_eq!(columns.len(), 1, "{listing}");
    let out = mqauthz(&["rules", "redundant-grant"]);
    assert!(text(&out.stdout).contains("## Use instead"));
    assert_eq!(mqauthz(&["rules", "nope"]).status.code(), Some(2));
}
