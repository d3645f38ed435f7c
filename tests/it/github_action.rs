//! The GitHub Action (`action.yml`) and the workflows of docs/ci.md:
//! - they validate against the published schemas that check-jsonschema ships
//!   (no network: run in a network namespace without one where `unshare`
//!   allows it);
//! - every `mqauthz` command line in them, in docs/ci.md and in README.md's CI
//!   section uses options that the command has;
//! - the action's steps run as a runner would run them (bash with the
//!   runner's flags, `GITHUB_OUTPUT`, `GITHUB_STEP_SUMMARY`, the `if:`
//!   conditions and `${{ }}` values of inputs and step outputs) against the
//!   binary built here, except the install step, which is checked as text.
//!
//! Needs check-jsonschema and pre-commit in `.tools/venv`
//! (`scripts/install-test-deps.sh`); skipped with a notice when missing,
//! failing instead under `MQAUTHZ_REQUIRE_TOOLS=1` (or `MQAUTHZ_REQUIRE_ACTIVEMQ=1`).

use crate::support::cli::{mqauthz, text};
use crate::support::tools;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

fn tools_or_skip() -> bool {
    let mut missing = Vec::new();
    for t in ["check-jsonschema", "pre-commit", "python"] {
        if !tools::venv_bin(t).is_file() {
            missing.push(format!(".tools/venv/bin/{t} is not installed"));
        }
    }
    tools::or_skip("check-jsonschema", tools::check(&missing))
}

/// A command in a network namespace without a network, where permitted.
fn offline(program: &Path) -> Command {
    let allowed = Command::new("unshare")
        .args(["-rn", "true"])
        .output()
        .is_ok_and(|o| o.status.success());
    if allowed {
        let mut c = Command::new("unshare");
        c.arg("-rn").arg(program);
        c
    } else {
        eprintln!("note: `unshare -rn` is not permitted here; running with the network");
        Command::new(program)
    }
}

/// Validate `file` with one of check-jsonschema's built-in schemas.
fn validate(schema: &str, file: &Path) -> (bool, String) {
    let out = offline(&tools::venv_bin("check-jsonschema"))
        .args(["--builtin-schema", schema])
        .arg(file)
        .output()
        .expect("run check-jsonschema");
    (
        out.status.success(),
        format!("{}{}", text(&out.stdout), text(&out.stderr)),
    )
}

/// A YAML file as JSON (PyYAML from the tools' environment).
fn yaml(path: &Path) -> Value {
    let out = Command::new(tools::venv_bin("python"))
        .args([
            "-c",
            "import json, sys, yaml; json.dump(yaml.safe_load(open(sys.argv[1])), sys.stdout)",
        ])
        .arg(path)
        .output()
        .expect("run python");
    assert!(out.status.success(), "{}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("yaml as json")
}

/// The fenced blocks of a Markdown text in `lang`.
fn fenced(markdown: &str, lang: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in markdown.lines() {
        match &mut current {
            None if line.trim_start() == format!("```{lang}") => current = Some(String::new()),
            Some(block) if line.trim_start().starts_with("```") => {
                blocks.push(std::mem::take(block));
                current = None;
            }
            Some(block) => {
                block.push_str(line);
                block.push('\n');
            }
            None => {}
        }
    }
    blocks
}

fn read(rel: &str) -> String {
    fs::read_to_string(tools::root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

#[test]
fn action_and_documented_workflows_match_the_published_schemas() {
    if !tools_or_skip() {
        return;
    }
    let root = tools::root();
    let (ok, out) = validate("vendor.github-actions", &root.join("action.yml"));
    assert!(ok, "action.yml:\n{out}");

    let dir = tempfile::tempdir().expect("temp dir");
    // the validator is real: a run step without `shell` is refused
    let action = read("action.yml");
    let broken = action.replacen("      shell: bash\n", "", 1);
    assert_ne!(broken, action);
    fs::write(dir.path().join("broken.yml"), &broken).expect("write");
    let (ok, out) = validate("vendor.github-actions", &dir.path().join("broken.yml"));
    assert!(!ok, "a composite run step without shell passed:\n{out}");

    // the YAML of docs/ci.md and README.md: whole workflows, step lists
    // (put into a job) and a pre-commit configuration
    let mut workflows = 0;
    let mut step_lists = 0;
    let mut pre_commit = 0;
    for (doc, block) in fenced(&read("docs/ci.md"), "yaml")
        .into_iter()
        .map(|b| ("docs/ci.md", b))
        .chain(
            fenced(&read("README.md"), "yaml")
                .into_iter()
                .map(|b| ("README.md", b)),
        )
    {
        let n = workflows + step_lists + pre_commit;
        let path = dir.path().join(format!("block{n}.yml"));
        if block.contains("\njobs:\n") {
            workflows += 1;
            fs::write(&path, &block).expect("write");
            let (ok, out) = validate("vendor.github-workflows", &path);
            assert!(ok, "{doc}: workflow\n{block}\n{out}");
        } else if block.starts_with("- ") {
            step_lists += 1;
            let indented: String = block.lines().map(|l| format!("      {l}\n")).collect();
            let workflow = format!(
                "on: push\njobs:\n  job:\n    runs-on: ubuntu-latest\n    steps:\n{indented}"
            );
            fs::write(&path, &workflow).expect("write");
            let (ok, out) = validate("vendor.github-workflows", &path);
            assert!(ok, "{doc}: steps\n{block}\n{out}");
        } else if block.contains("repos:") {
            pre_commit += 1;
            fs::write(&path, &block).expect("write");
            let out = Command::new(tools::venv_bin("pre-commit"))
                .arg("validate-config")
                .arg(&path)
                .output()
                .expect("run pre-commit");
            assert!(
                out.status.success(),
                "{doc}:\n{block}\n{}",
                text(&out.stdout)
            );
        } else {
            panic!("{doc}: a YAML block of no known kind:\n{block}");
        }
    }
    eprintln!("validated action.yml, {workflows} workflows, {step_lists} step lists, {pre_commit} pre-commit configurations");
    assert!(workflows >= 2 && step_lists >= 2 && pre_commit >= 1);
}

/// The options that `mqauthz SUB --help` lists.
fn options_of(sub: &str) -> Vec<String> {
    let out = mqauthz(&[sub, "--help"]);
    assert_eq!(out.status.code(), Some(0), "mqauthz {sub} --help");
    text(&out.stdout)
        .split(|c: char| c.is_whitespace() || c == ',' || c == '[' || c == ']')
        .filter(|w| w.starts_with("--") || (w.starts_with('-') && w.len() == 2))
        .map(|w| w.split('=').next().unwrap_or(w).to_string())
        .collect()
}

#[test]
fn documented_command_lines_use_options_that_exist() {
    let sources = [
        ("action.yml", read("action.yml")),
        ("docs/ci.md", read("docs/ci.md")),
        ("README.md", read("README.md")),
        (".pre-commit-hooks.yaml", read(".pre-commit-hooks.yaml")),
    ];
    let subcommands = [
        "check",
        "compile",
        "explain",
        "diff",
        "fmt",
        "import",
        "review",
        "rules",
        "completions",
        "man",
    ];
    let mut help: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut checked = 0;
    for (name, source) in &sources {
        for line in source.lines() {
            let mut rest = line;
            while let Some(at) = rest.find("mqauthz ") {
                let after = &rest[at + "mqauthz ".len()..];
                rest = after;
                let words: Vec<&str> = after
                    .split(['|', ';', '>', '`', ')', '#'])
                    .next()
                    .unwrap_or_default()
                    .split_whitespace()
                    .collect();
                let Some(sub) = words.first().copied().filter(|w| subcommands.contains(w)) else {
                    continue;
                };
                let known = help.entry(sub).or_insert_with(|| options_of(sub));
                for w in &words[1..] {
                    if w.starts_with('-') && *w != "-" {
                        let opt = w.split('=').next().unwrap_or(w);
                        assert!(
                            known.iter().any(|k| k == opt),
                            "{name}: `mqauthz {sub}` has no option `{opt}`: {line}"
                        );
                        checked += 1;
                    }
                }
            }
        }
    }
    eprintln!("{checked} options on documented command lines exist");
    assert!(checked >= 30, "only {checked} options found");
}

/// One run of the action's steps, as a runner runs a composite action.
struct Run {
    /// The exit status of the step that failed, or 0.
    status: i32,
    outputs: BTreeMap<String, BTreeMap<String, String>>,
    log: String,
    summary: String,
}

/// `${{ inputs.X }}` or `${{ steps.ID.outputs.X }}`; anything else fails the
/// test, so that it learns about every expression the action uses.
fn expression(
    value: &str,
    inputs: &BTreeMap<String, String>,
    outputs: &BTreeMap<String, BTreeMap<String, String>>,
) -> String {
    let Some(inner) = value
        .trim()
        .strip_prefix("${{")
        .and_then(|v| v.strip_suffix("}}"))
    else {
        assert!(!value.contains("${{"), "an expression inside text: {value}");
        return value.to_string();
    };
    let inner = inner.trim();
    if let Some(name) = inner.strip_prefix("inputs.") {
        return inputs
            .get(name)
            .unwrap_or_else(|| panic!("undeclared input `{name}`"))
            .clone();
    }
    let parts: Vec<&str> = inner.split('.').collect();
    match parts.as_slice() {
        ["steps", id, "outputs", name] => outputs
            .get(*id)
            .and_then(|o| o.get(*name))
            .cloned()
            .unwrap_or_default(),
        _ => panic!("an expression this test does not evaluate: {value}"),
    }
}

/// `inputs.X == 'v'` or `inputs.X != 'v'`.
fn condition(cond: &str, inputs: &BTreeMap<String, String>) -> bool {
    let (name, op, value) = ["==", "!="]
        .iter()
        .find_map(|op| {
            let (l, r) = cond.split_once(op)?;
            Some((l.trim(), *op, r.trim().trim_matches('\'')))
        })
        .unwrap_or_else(|| panic!("a condition this test does not evaluate: {cond}"));
    let name = name
        .strip_prefix("inputs.")
        .unwrap_or_else(|| panic!("a condition this test does not evaluate: {cond}"));
    let actual = inputs
        .get(name)
        .unwrap_or_else(|| panic!("undeclared input `{name}`"));
    (actual == value) == (op == "==")
}

fn run_action(workspace: &Path, with: &[(&str, &str)]) -> Run {
    let action = yaml(&tools::root().join("action.yml"));
    let mut inputs = BTreeMap::new();
    for (name, spec) in action["inputs"].as_object().expect("inputs") {
        let default = spec["default"].as_str().unwrap_or_default();
        inputs.insert(name.clone(), default.to_string());
    }
    for (k, v) in with {
        assert!(inputs.contains_key(*k), "no input `{k}`");
        inputs.insert((*k).to_string(), (*v).to_string());
    }
    let runner = tempfile::tempdir().expect("runner temp");
    let bin = Path::new(env!("CARGO_BIN_EXE_mqauthz"))
        .parent()
        .expect("bin dir")
        .to_path_buf();
    let mut path: Vec<PathBuf> = vec![bin];
    path.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    let path = std::env::join_paths(path).expect("PATH");
    let summary = runner.path().join("summary.md");
    let mut run = Run {
        status: 0,
        outputs: BTreeMap::new(),
        log: String::new(),
        summary: String::new(),
    };
    assert_eq!(action["runs"]["using"], "composite");
    for (i, step) in action["runs"]["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .enumerate()
    {
        if let Some(cond) = step["if"].as_str() {
            if !condition(cond, &inputs) {
                continue;
            }
        }
        let script = step["run"].as_str().expect("a run step");
        assert!(
            !script.contains("${{"),
            "inputs reach scripts through env only:\n{script}"
        );
        assert_eq!(step["shell"], "bash");
        if script.contains("cargo install") {
            // not run here: building a release takes minutes; the binary
            // under test is on PATH instead
            assert!(
                script.contains("cargo install --locked --path \"$GITHUB_ACTION_PATH\""),
                "{script}"
            );
            continue;
        }
        let output_file = runner.path().join(format!("output{i}"));
        fs::write(&output_file, "").expect("write");
        let script_file = runner.path().join(format!("step{i}.sh"));
        fs::write(&script_file, script).expect("write");
        let mut cmd = Command::new("bash");
        // what a runner runs for `shell: bash`
        cmd.args(["--noprofile", "--norc", "-eo", "pipefail"])
            .arg(&script_file)
            .current_dir(workspace)
            .env("PATH", &path)
            .env("NO_COLOR", "1")
            .env("GITHUB_OUTPUT", &output_file)
            .env("GITHUB_STEP_SUMMARY", &summary)
            .env("GITHUB_PATH", runner.path().join("path"))
            .env("GITHUB_ACTION_PATH", tools::root())
            .env("RUNNER_TEMP", runner.path());
        if let Some(env) = step["env"].as_object() {
            for (k, v) in env {
                cmd.env(
                    k,
                    expression(v.as_str().expect("env text"), &inputs, &run.outputs),
                );
            }
        }
        let out = cmd.output().expect("run bash");
        run.log.push_str(&text(&out.stdout));
        run.log.push_str(&text(&out.stderr));
        if let Some(id) = step["id"].as_str() {
            let outputs: BTreeMap<String, String> = fs::read_to_string(&output_file)
                .expect("read outputs")
                .lines()
                .filter_map(|l| l.split_once('='))
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            run.outputs.insert(id.to_string(), outputs);
        }
        let code = out.status.code().expect("exit code");
        if code != 0 {
            run.status = code;
            break;
        }
    }
    run.summary = fs::read_to_string(&summary).unwrap_or_default();
    run
}

fn output<'a>(run: &'a Run, step: &str, name: &str) -> &'a str {
    run.outputs
        .get(step)
        .and_then(|o| o.get(name))
        .map_or("", String::as_str)
}

/// A workspace holding `policy/broker.mqa`.
fn workspace(policy: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("workspace");
    fs::create_dir_all(dir.path().join("policy")).expect("mkdir");
    fs::write(dir.path().join("policy/broker.mqa"), policy).expect("write");
    dir
}

#[test]
fn action_steps_check_policies_and_gate_new_access() {
    if !tools_or_skip() {
        return;
    }
    let orders = read("examples/orders.mqa");

    // SARIF: a clean policy passes and leaves a report for code scanning
    let ws = workspace(&orders);
    let run = run_action(
        ws.path(),
        &[
            ("policies", "policy/*.mqa"),
            ("format", "sarif"),
            ("install", "false"),
        ],
    );
    assert_eq!(run.status, 0, "{}", run.log);
    assert_eq!(output(&run, "check", "status"), "0");
    assert_eq!(output(&run, "check", "sarif-file"), "mqauthz.sarif");
    assert!(!run.outputs.contains_key("diff"), "no base, no comparison");
    let sarif: Value =
        serde_json::from_slice(&fs::read(ws.path().join("mqauthz.sarif")).expect("sarif file"))
            .expect("sarif json");
    assert_eq!(sarif["version"], "2.1.0");

    // a policy with an error fails the action, and the report holds it
    let ws = workspace(&format!("{orders}grant admns read on queue X\n"));
    // the report's folder is created
    let run = run_action(
        ws.path(),
        &[
            ("policies", "policy/broker.mqa"),
            ("format", "sarif"),
            ("sarif-file", "out/report.sarif"),
            ("install", "false"),
        ],
    );
    assert_eq!(run.status, 1, "{}", run.log);
    assert_eq!(output(&run, "check", "status"), "1");
    let report = fs::read_to_string(ws.path().join("out/report.sarif")).expect("sarif");
    assert!(
        report.contains("unknown-group") || report.contains("MQA102"),
        "{report}"
    );

    // a format the action does not know
    let run = run_action(
        ws.path(),
        &[
            ("policies", "policy/broker.mqa"),
            ("format", "xml"),
            ("install", "false"),
        ],
    );
    assert_eq!(run.status, 2, "{}", run.log);
    assert!(run
        .log
        .contains("::error title=mqauthz::input format must be github or sarif"));

    // the gate: new access against the base fails, removed access passes
    let wider = format!("{orders}grant auditors read on queue SHIPPING.>\n");
    let ws = workspace(&wider);
    fs::write(ws.path().join("base.mqa"), &orders).expect("write");
    let gate = |ws: &Path, base: &str, fail_on: &str| {
        run_action(
            ws,
            &[
                ("policies", "policy/broker.mqa"),
                ("format", "sarif"),
                ("base", base),
                ("fail-on", fail_on),
                ("install", "false"),
            ],
        )
    };
    let run = gate(ws.path(), "base.mqa", "new-access");
    assert_eq!(run.status, 1, "{}", run.log);
    assert_eq!(output(&run, "check", "status"), "0");
    assert_eq!(output(&run, "diff", "status"), "1");
    assert!(
        run.log.contains("auditors gains read on queue SHIPPING.>"),
        "{}",
        run.log
    );
    assert!(run
        .log
        .contains("::error title=mqauthz diff::policy/broker.mqa changes access"));
    assert!(run
        .summary
        .contains("### mqauthz diff `base.mqa` `policy/broker.mqa`"));
    assert!(
        run.summary
            .contains("+ auditors gains read on queue SHIPPING.>"),
        "{}",
        run.summary
    );

    // the other way round only removes access
    let ws = workspace(&orders);
    fs::write(ws.path().join("base.mqa"), &wider).expect("write");
    let run = gate(ws.path(), "base.mqa", "new-access");
    assert_eq!(run.status, 0, "{}", run.log);
    assert_eq!(output(&run, "diff", "status"), "0");
    assert!(run.summary.contains("loses read"), "{}", run.summary);
    let run = gate(ws.path(), "base.mqa", "any");
    assert_eq!(run.status, 1, "{}", run.log);

    // the same meaning: nothing to show; a missing base could not be decided
    fs::write(ws.path().join("base.mqa"), &orders).expect("write");
    let run = gate(ws.path(), "base.mqa", "any");
    assert_eq!(run.status, 0, "{}", run.log);
    assert!(run.summary.contains("No difference in who may do what."));
    let run = gate(ws.path(), "missing.xml", "new-access");
    assert_eq!(run.status, 2, "{}", run.log);
    assert_eq!(output(&run, "check", "status"), "0");
    assert_eq!(output(&run, "diff", "status"), "2");

    // annotations, once `check` knows the format
    let github_format = mqauthz(&["check", "--format", "github", "examples/orders.mqa"]);
    if github_format.status.code() == Some(0) {
        let ws = workspace(&format!("{orders}grant admns read on queue X\n"));
        let run = run_action(
            ws.path(),
            &[("policies", "policy/broker.mqa"), ("install", "false")],
        );
        assert_eq!(run.status, 1, "{}", run.log);
        assert!(run.log.contains("::error"), "{}", run.log);
    } else {
        eprintln!("note: `mqauthz check --format github` is not available; its path in the action is not run");
    }
}
