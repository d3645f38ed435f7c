//! One exit-code contract for every command (0 success; 1 findings,
//! differences or refused input, and for `diff` and `--check` modes only
//! "differs"; 2 could not run or decide), stated in each `--help` and in the
//! README; several files on one command line; standard input read once;
//! `explain` with an unknown group; `compile --config`.

use crate::support::cli::{mqauthz, text};

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const SPRING: &str = "tests/fixtures/merge/spring-plugins.xml";
const POLICY: &str = "examples/orders.mqa";
const REDUNDANT: &str = "tests/fixtures/rules/redundant-grant.mqa";
const UNUSED: &str = "tests/fixtures/rules/unused-group.mqa";
const SYNTAX: &str = "tests/fixtures/errors/syntax-errors.mqa";
const MALFORMED: &str = "tests/fixtures/configs/malformed.xml";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("exit-codes")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create scratch folder");
    dir
}

fn status(out: &Output) -> Option<i32> {
    out.status.code()
}

#[track_caller]
fn expect(args: &[&str], code: i32) -> Output {
    let out = mqauthz(args);
    assert_eq!(
        status(&out),
        Some(code),
        "{}\nstdout:\n{}\nstderr:\n{}",
        args.join(" "),
        text(&out.stdout),
        text(&out.stderr)
    );
    out
}

/// `mqauthz ARGS` with `input` on standard input.
fn with_stdin(args: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mqauthz"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run mqauthz");
    let mut stdin = child.stdin.take().expect("stdin");
    // the command may refuse before reading: a closed pipe is fine
    let _ = stdin.write_all(input);
    drop(stdin);
    child.wait_with_output().expect("wait")
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn the_readme_table_and_every_help_agree() {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README.md");
    let rows: Vec<Vec<String>> = readme
        .lines()
        .skip_while(|l| !l.starts_with("| command | 0 | 1 | 2 |"))
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .map(|l| {
            l.trim_matches('|')
                .split(" | ")
                .map(|c| c.trim().to_string())
                .collect()
        })
        .collect();
    let mut in_readme: Vec<String> = rows
        .iter()
        .map(|r| r[0].trim_matches('`').to_string())
        .collect();
    in_readme.sort();
    let mut commands: Vec<String> = {
        use clap::CommandFactory;
        mqauthz::cli::Cli::command()
            .get_subcommands()
            .map(|c| c.get_name().to_string())
            .filter(|n| n != "help")
            .collect()
    };
    commands.sort();
    assert_eq!(
        in_readme, commands,
        "the README's exit-code table lists every command"
    );
    for row in &rows {
        assert_eq!(row.len(), 4, "{row:?}");
        let command = row[0].trim_matches('`');
        for flag in ["--help", "-h"] {
            let out = expect(&[command, flag], 0);
            let help = text(&out.stdout);
            let (_, tail) = help
                .rsplit_once("Exit status:")
                .unwrap_or_else(|| panic!("`{command} {flag}` states no exit status"));
            let want = collapse(&format!("0 {} 1 {} 2 {}", row[1], row[2], row[3]));
            assert_eq!(
                collapse(tail),
                want,
                "`{command} {flag}` and the README differ"
            );
        }
    }
}

#[test]
fn compile_check_is_0_1_or_2() {
    let dir = scratch("compile-check");
    let config = dir.join("activemq.xml");
    std::fs::copy(root().join(SPRING), &config).expect("copy");
    let c = config.to_str().expect("path");
    // stale, then up to date
    expect(&["compile", POLICY, "--into", c, "--check"], 1);
    expect(&["compile", POLICY, "--into", c, "--in-place"], 0);
    expect(&["compile", POLICY, "--into", c, "--check"], 0);
    // could not decide
    expect(&["compile", POLICY, "--into", MALFORMED, "--check"], 2);
    expect(&["compile", SYNTAX, "--into", c, "--check"], 2);
    expect(&["compile", "missing.mqa", "--into", c, "--check"], 2);
    expect(&["compile", POLICY, "--into", "missing.xml", "--check"], 2);
    let empty = dir.join("empty.mqa");
    std::fs::write(&empty, "").expect("write");
    expect(
        &[
            "compile",
            empty.to_str().expect("path"),
            "--into",
            c,
            "--check",
        ],
        2,
    );
    // without --check, refused input is 1
    expect(&["compile", POLICY, "--into", MALFORMED], 1);
    expect(&["compile", SYNTAX], 1);
}

#[test]
fn fmt_check_is_0_1_or_2_and_every_file_is_processed() {
    let dir = scratch("fmt");
    let ugly = dir.join("ugly.mqa");
    let ugly2 = dir.join("ugly2.mqa");
    let pretty = dir.join("pretty.mqa");
    for p in [&ugly, &ugly2] {
        std::fs::write(p, "group   a\ngrant a   read on queue X\n").expect("write");
    }
    std::fs::copy(root().join(POLICY), &pretty).expect("copy");
    let (u, u2, p) = (
        ugly.to_str().expect("path"),
        ugly2.to_str().expect("path"),
        pretty.to_str().expect("path"),
    );
    expect(&["fmt", "--check", p], 0);
    expect(&["fmt", "--check", u, p], 1);
    expect(&["fmt", "--check", p, SYNTAX], 2);
    expect(&["fmt", "--diff", p], 0);
    expect(&["fmt", "--diff", u, p], 1);
    expect(&["fmt", "--diff", p, SYNTAX], 2);
    let out = expect(&["fmt", "--check", u, "missing.mqa", u2], 2);
    // both unformatted files are listed, around the missing one
    assert_eq!(text(&out.stdout), format!("{u}\n{u2}\n"));
    assert!(text(&out.stderr).contains("missing.mqa"));
    // without --check: a missing file in the middle stops nothing
    let out = expect(&["fmt", u, "missing.mqa", u2], 2);
    assert!(text(&out.stderr).contains("missing.mqa"));
    let formatted = "group a\ngrant a read on queue X\n";
    assert_eq!(std::fs::read_to_string(&ugly).expect("read"), formatted);
    assert_eq!(std::fs::read_to_string(&ugly2).expect("read"), formatted);
    expect(&["fmt", SYNTAX], 1);
}

#[test]
fn review_check_is_0_1_or_2() {
    let dir = scratch("review");
    let review = dir.join("REVIEW.md");
    let r = review.to_str().expect("path");
    expect(&["review", POLICY, "-o", r], 0);
    expect(&["review", POLICY, "--check", r], 0);
    std::fs::write(&review, "stale\n").expect("write");
    expect(&["review", POLICY, "--check", r], 1);
    expect(&["review", SYNTAX, "--check", r], 2);
    expect(&["review", MALFORMED, "--check", r], 2);
    expect(&["review", POLICY, "--check", "missing.md"], 2);
    // without --check, refused input is 1
    expect(&["review", SYNTAX], 1);
}

#[test]
fn diff_is_0_1_or_2() {
    expect(&["diff", POLICY, POLICY], 0);
    expect(&["diff", POLICY, "examples/saas.mqa"], 1);
    expect(&["diff", POLICY, SYNTAX], 2);
    expect(&["diff", MALFORMED, POLICY], 2);
    expect(&["diff", POLICY, "missing.mqa"], 2);
}

#[test]
fn import_and_explain_refuse_located_input_with_1() {
    expect(&["import", MALFORMED], 1);
    expect(&["import", "missing.xml"], 2);
    expect(&["explain", SYNTAX, "queue", "X"], 1);
    expect(&["explain", "missing.mqa", "queue", "X"], 2);
}

#[test]
fn several_files_are_all_checked_into_one_document() {
    let args = ["check", REDUNDANT, "missing.mqa", UNUSED];
    let out = expect(&args, 2);
    let human = text(&out.stdout);
    assert!(
        human.contains("MQA201") && human.contains("MQA204"),
        "{human}"
    );
    assert!(text(&out.stderr).contains("missing.mqa"));
    for format in ["json", "sarif"] {
        let mut a = args.to_vec();
        a.extend(["--format", format]);
        let out = expect(&a, 2);
        let doc: serde_json::Value =
            serde_json::from_slice(&out.stdout).expect("one valid JSON document");
        let files: std::collections::BTreeSet<String> = match format {
            "json" => doc["diagnostics"]
                .as_array()
                .expect("diagnostics")
                .iter()
                .map(|d| d["file"].as_str().unwrap_or_default().to_string())
                .collect(),
            _ => doc["runs"][0]["results"]
                .as_array()
                .expect("results")
                .iter()
                .map(|r| {
                    r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                        .as_str()
                        .unwrap_or_default()
                        .to_string()
                })
                .collect(),
        };
        assert_eq!(
            files,
            [REDUNDANT.to_string(), UNUSED.to_string()].into(),
            "{format}"
        );
    }
    // the worst status: errors in one file, the others clean
    expect(&["check", POLICY, SYNTAX], 1);
    expect(&["check", POLICY, "examples/saas.mqa"], 0);
}

#[test]
fn standard_input_is_read_once() {
    let xml = std::fs::read(root().join(SPRING)).expect("read");
    for args in [
        vec!["compile", "-", "--into", "-"],
        vec!["diff", "-", "-"],
        vec!["check", "-", "-"],
        vec!["check", "-", "--config", "-"],
        vec!["fmt", "-", "-"],
        vec!["audit", "-", "-"],
    ] {
        let out = with_stdin(&args, &xml);
        assert_eq!(status(&out), Some(2), "{}", args.join(" "));
        let err = text(&out.stderr);
        assert!(err.contains("standard input"), "{}: {err}", args.join(" "));
        assert!(text(&out.stdout).is_empty(), "{}", args.join(" "));
    }
    // once is fine, and the content decides what it is
    let with_map =
        std::fs::read(root().join("tests/fixtures/merge/spring-replace.xml")).expect("read");
    let out = with_stdin(&["import", "-"], &with_map);
    assert_eq!(status(&out), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("group admins"),
        "{}",
        text(&out.stdout)
    );
    let json = std::fs::read(root().join("tests/fixtures/merge/aws-describe.json")).expect("read");
    let out = with_stdin(&["import", "-"], &json);
    assert_eq!(status(&out), Some(0), "{}", text(&out.stderr));
    let out = with_stdin(&["compile", POLICY, "--into", "-"], &xml);
    assert_eq!(status(&out), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("<authorizationPlugin>"));
    let policy = std::fs::read(root().join(POLICY)).expect("read");
    let out = with_stdin(&["diff", "-", SPRING], &policy);
    assert_eq!(status(&out), Some(1), "{}", text(&out.stderr));
    let out = with_stdin(&["diff", SPRING, "-"], &xml);
    assert_eq!(status(&out), Some(0), "{}", text(&out.stderr));
}

#[test]
fn explain_with_an_unknown_group_is_2_with_did_you_mean() {
    let out = expect(
        &[
            "explain",
            POLICY,
            "queue",
            "ORDERS.IN",
            "--group",
            "auditor",
        ],
        2,
    );
    let err = text(&out.stderr);
    assert!(err.contains("unknown group `auditor`"), "{err}");
    assert!(err.contains("did you mean `auditors`?"), "{err}");
    assert!(text(&out.stdout).is_empty());
    expect(
        &[
            "explain",
            POLICY,
            "queue",
            "ORDERS.IN",
            "--group",
            "auditors",
        ],
        0,
    );
    expect(
        &[
            "explain",
            POLICY,
            "queue",
            "ORDERS.IN",
            "--group",
            "everyone",
        ],
        0,
    );
    // a configuration knows the groups of its map and of its users
    let out = expect(
        &[
            "explain",
            "tests/fixtures/merge/spring-replace.xml",
            "temp",
            "--group",
            "admin",
        ],
        2,
    );
    assert!(
        text(&out.stderr).contains("did you mean `admins`?"),
        "{}",
        text(&out.stderr)
    );
    expect(
        &[
            "explain",
            "tests/fixtures/merge/spring-replace.xml",
            "temp",
            "--group",
            "admins",
        ],
        0,
    );
}

#[test]
fn compile_config_is_checked_as_check_config_checks_it() {
    expect(&["compile", POLICY, "--config", "missing.xml"], 2);
    expect(&["check", POLICY, "--config", "missing.xml"], 2);
    // a malformed configuration: reported by both, compile writes nothing
    let out = expect(&["check", POLICY, "--config", MALFORMED], 1);
    assert!(
        text(&out.stdout).contains("MQA301"),
        "{}",
        text(&out.stdout)
    );
    let out = expect(&["compile", POLICY, "--config", MALFORMED], 1);
    assert!(
        text(&out.stderr).contains("MQA301"),
        "{}",
        text(&out.stderr)
    );
    assert!(text(&out.stdout).is_empty());
    // a good one informs the rules and the fragment is written
    let out = expect(&["compile", POLICY, "--config", SPRING], 0);
    assert!(text(&out.stdout).starts_with("<authorizationPlugin>"));
    // --config and --into naming two files is a usage error
    expect(
        &[
            "compile",
            POLICY,
            "--into",
            SPRING,
            "--config",
            "tests/fixtures/merge/spring-replace.xml",
        ],
        2,
    );
}
