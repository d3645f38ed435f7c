//! The TextMate grammar in editors/vscode tokenizes every example and every
//! policy fixture as VS Code would (vscode-textmate on vscode-oniguruma, from
//! npm), and gives a sample of tokens the scopes they must have.
//!
//! Needs node and editors/vscode/node_modules (`scripts/install-test-deps.sh`
//! runs `npm ci` there); skipped with a notice when missing, failing instead
//! under `MQAUTHZ_REQUIRE_TOOLS=1` (or `MQAUTHZ_REQUIRE_ACTIVEMQ=1`).

use crate::support::cli::{mqauthz, text};
use crate::support::tools;
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::Command;

/// Codes of problems in the text itself: a file with none of them is one the
/// grammar must scope completely, with nothing `invalid`.
const TEXT_ERRORS: [&str; 9] = [
    "MQA001", "MQA002", "MQA003", "MQA004", "MQA005", "MQA006", "MQA007", "MQA008", "MQA101",
];

/// The files with a problem in their text, by `mqauthz check`.
fn files_with_text_errors(files: &[PathBuf]) -> BTreeSet<String> {
    let mut args = vec!["check".to_string(), "--format".into(), "json".into()];
    args.extend(files.iter().map(|f| f.to_string_lossy().into_owned()));
    let out = mqauthz(&args);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("check --format json: {e}\n{}", text(&out.stderr)));
    let mut bad = BTreeSet::new();
    for d in json["diagnostics"].as_array().expect("diagnostics array") {
        let code = d["code"].as_str().unwrap_or_default();
        if TEXT_ERRORS.contains(&code) {
            if let Some(file) = d["file"].as_str() {
                bad.insert(file.to_string());
            }
        }
    }
    bad
}

#[test]
fn grammar_tokenizes_every_policy_and_scopes_the_sample() {
    let vscode = tools::root().join("editors/vscode");
    let mut missing = Vec::new();
    if tools::on_path("node").is_none() {
        missing.push("`node` is not on PATH".to_string());
    }
    for m in ["vscode-textmate", "vscode-oniguruma"] {
        if !vscode.join("node_modules").join(m).is_dir() {
            missing.push(format!("editors/vscode/node_modules/{m} is not installed"));
        }
    }
    if !tools::or_skip("node with vscode-textmate", tools::check(&missing)) {
        return;
    }

    let root = tools::root();
    let mut files = tools::files_with_ext(&root.join("examples"), "mqa");
    assert!(files.len() >= 3, "examples: {files:?}");
    let fixtures = tools::files_with_ext(&root.join("tests"), "mqa");
    assert!(fixtures.len() >= 50, "fixtures: {}", fixtures.len());
    files.extend(fixtures);
    let relative: Vec<PathBuf> = files
        .iter()
        .map(|f| f.strip_prefix(root).unwrap_or(f).to_path_buf())
        .collect();
    let bad = files_with_text_errors(&relative);
    // the fixtures of text errors are among them, the examples are not
    assert!(
        bad.iter().any(|f| f.starts_with("tests/fixtures/errors/")),
        "{bad:?}"
    );
    assert!(!bad.iter().any(|f| f.starts_with("examples/")), "{bad:?}");

    let (clean, other): (Vec<&PathBuf>, Vec<&PathBuf>) = relative
        .iter()
        .partition(|f| !bad.contains(&*f.to_string_lossy()));
    let mut cmd = Command::new("node");
    cmd.arg(vscode.join("test/tokenize.js")).arg("--clean");
    cmd.args(clean.iter().map(|f| root.join(f)));
    cmd.arg("--other");
    cmd.args(other.iter().map(|f| root.join(f)));
    let out = cmd.output().expect("run node");
    let stdout = text(&out.stdout);
    eprintln!("{stdout}{}", text(&out.stderr));
    assert!(
        out.status.success(),
        "tokenizing failed ({:?}):\n{}",
        out.status,
        text(&out.stderr)
    );
    let summary = format!("files: {} clean, {} other;", clean.len(), other.len());
    assert!(
        stdout.starts_with(&summary),
        "expected `{summary}`:\n{stdout}"
    );
    assert!(stdout.contains("all checks passed"), "{stdout}");
    // every kind of token showed up in the real files
    for scope in [
        "keyword.control.statement.mqa",
        "support.constant.right.mqa",
        "storage.type.kind.mqa",
        "keyword.operator.wildcard.rest.mqa",
        "keyword.operator.wildcard.segment.mqa",
        "string.quoted.double.pattern.mqa",
        "constant.other.rule-name.mqa",
        "entity.name.type.group.mqa",
        "comment.line.number-sign.mqa",
    ] {
        assert!(
            stdout.contains(&format!("  {scope}: ")),
            "no `{scope}` token:\n{stdout}"
        );
    }
}

#[test]
fn extension_manifest_names_the_grammar_and_the_language() {
    let vscode = tools::root().join("editors/vscode");
    let read = |p: &str| -> serde_json::Value {
        let bytes = std::fs::read(vscode.join(p)).unwrap_or_else(|e| panic!("{p}: {e}"));
        serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{p}: {e}"))
    };
    let manifest = read("package.json");
    let language = &manifest["contributes"]["languages"][0];
    assert_eq!(language["id"], "mqa");
    assert_eq!(language["extensions"][0], ".mqa");
    let grammar_ref = &manifest["contributes"]["grammars"][0];
    assert_eq!(grammar_ref["language"], "mqa");
    assert_eq!(grammar_ref["scopeName"], "source.mqa");
    let path = grammar_ref["path"].as_str().expect("grammar path");
    let grammar = read(path);
    assert_eq!(grammar["scopeName"], "source.mqa");
    let config = read(
        language["configuration"]
            .as_str()
            .expect("language configuration"),
    );
    assert_eq!(config["comments"]["lineComment"], "#");
    // the lock file pins what the test runs on
    let lock = read("package-lock.json");
    for m in ["vscode-textmate", "vscode-oniguruma"] {
        assert_eq!(
            lock["packages"][format!("node_modules/{m}")]["version"],
            manifest["devDependencies"][m],
            "{m}"
        );
    }
}
