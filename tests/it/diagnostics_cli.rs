//! Diagnostics as people and CI read them, through the binary: bounded
//! messages (a few names, then "and N more"), the closing summary line,
//! `compile`'s quiet and verbose reports, the GitHub Actions format of
//! `check` and `diff`, `check DIR`, the `--check`/`--diff` markers for a
//! missing final newline, and the colour switches.

use crate::support::cli::{mqauthz, text};

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const SHARED: &str = "tests/fixtures/cli/shared-topics.mqa";
const FINDINGS: &str = "tests/fixtures/cli/findings.mqa";
const NO_NEWLINE: &str = "tests/fixtures/cli/unformatted-no-newline.mqa";

fn both(out: &Output) -> String {
    format!(
        "exit: {:?}\n--- stdout\n{}--- stderr\n{}",
        out.status.code(),
        text(&out.stdout),
        text(&out.stderr)
    )
}

/// A fresh, empty folder for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("diagnostics-cli")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create scratch folder");
    dir
}

#[test]
fn bounded_message_names_three_groups_and_counts_the_rest() {
    let out = mqauthz(&["check", SHARED]);
    assert_eq!(out.status.code(), Some(0));
    let human = text(&out.stdout);
    assert!(human.contains("`t1-audit`, `t2-audit`, `t3-audit` and 2 more also have access"));
    assert!(!human.contains("t4-audit"), "{human}");
    insta::assert_snapshot!("bounded-human", human);

    let out = mqauthz(&["check", "--format", "json", SHARED]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let d = &doc["diagnostics"][0];
    assert_eq!(d["code"], "MQA202");
    assert_eq!(d["named"]["total"], 5);
    assert_eq!(
        d["named"]["shown"],
        serde_json::json!(["t1-audit", "t2-audit", "t3-audit"])
    );
    assert_eq!(d["labels_omitted"], 2);
    // the primary label and one secondary label per named group
    assert_eq!(d["labels"].as_array().map(Vec::len), Some(4));
    insta::assert_snapshot!("bounded-json", text(&out.stdout));
}

/// Many groups on one shared pattern: each note stays the same size, so the
/// output grows with the number of narrow grants, not with its square.
#[test]
fn output_grows_linearly_with_shared_destinations() {
    let dir = scratch("linear");
    let policy = |tenants: usize| {
        let mut s = String::from("group ops\ngrant ops all on queue >, topic >\n");
        for t in 0..tenants {
            s.push_str(&format!(
                "group t{t}-audit\ngroup t{t}-orders\n\
                 grant t{t}-audit read on topic SHARED.>\n\
                 grant t{t}-orders read on topic SHARED.PRICES.*\n\
                 grant t{t}-audit, t{t}-orders all on temp\n"
            ));
        }
        s.push_str("grant everyone read, admin on advisory\n");
        s
    };
    let mut sizes = Vec::new();
    for n in [50usize, 200] {
        let f = dir.join(format!("p{n}.mqa"));
        std::fs::write(&f, policy(n)).expect("write");
        let out = mqauthz(&[std::ffi::OsStr::new("check"), f.as_os_str()]);
        assert_eq!(out.status.code(), Some(0), "{}", both(&out));
        let human = text(&out.stdout);
        assert!(human.contains(&format!("and {} more also have access", n - 3)));
        assert!(
            human.ends_with(&format!("{n} notes in 1 file\n")),
            "{human}"
        );
        sizes.push(out.stdout.len());
    }
    // four times the tenants: about four times the output (quadratic would be 16)
    let ratio = sizes[1] as f64 / sizes[0] as f64;
    assert!(
        (3.5..4.6).contains(&ratio),
        "output ratio {ratio}: {sizes:?}"
    );
}

#[test]
fn summary_line_counts_files_and_names_deny_warnings() {
    let out = mqauthz(&["check", FINDINGS, SHARED]);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stdout).ends_with("\n2 warnings, 2 notes in 2 files\n"));

    let out = mqauthz(&["check", "--deny-warnings", FINDINGS]);
    assert_eq!(out.status.code(), Some(1));
    let human = text(&out.stdout);
    let mut tail: Vec<&str> = human.lines().rev().take(2).collect();
    tail.reverse();
    insta::assert_snapshot!("summary-deny-warnings", tail.join("\n"));

    // warnings alone do not fail a run without --deny-warnings; errors say nothing more
    let out = mqauthz(&[
        "check",
        "--deny-warnings",
        "tests/fixtures/errors/unknown-right.mqa",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).ends_with("\n1 error in 1 file\n"));
    // no findings: no summary
    let out = mqauthz(&["check", "examples/orders.mqa"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(text(&out.stdout), "");
}

#[test]
fn compile_reports_warnings_and_counts_notes() {
    let out = mqauthz(&["compile", FINDINGS]);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stdout).contains("<authorizationPlugin>"));
    let err = text(&out.stderr);
    assert!(!err.contains("note[MQA202]"), "{err}");
    insta::assert_snapshot!("compile-default-stderr", err);

    let out = mqauthz(&["compile", "-q", FINDINGS]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(text(&out.stderr), "", "quiet prints errors only");

    let out = mqauthz(&["compile", "--verbose", FINDINGS]);
    assert_eq!(out.status.code(), Some(0));
    let err = text(&out.stderr);
    assert!(err.contains("note[MQA202]"), "{err}");
    assert!(err.ends_with("2 warnings, 1 note\n"), "{err}");

    // errors are shown even when quiet, and nothing is written
    let out = mqauthz(&[
        "compile",
        "--quiet",
        "tests/fixtures/errors/unknown-right.mqa",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    insta::assert_snapshot!("compile-quiet-error", text(&out.stderr));

    // warnings that fail the run are shown even when quiet
    let out = mqauthz(&["compile", "-q", "--deny-warnings", FINDINGS]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("warning[MQA204]"));

    let out = mqauthz(&["compile", "-q", "-v", FINDINGS]);
    assert_eq!(out.status.code(), Some(2), "-q and -v conflict");
}

#[test]
fn github_format_for_check() {
    let out = mqauthz(&["check", "--format", "github", FINDINGS, SHARED]);
    assert_eq!(out.status.code(), Some(0));
    let s = text(&out.stdout);
    for line in s.lines() {
        assert!(
            line.starts_with("::warning file=") || line.starts_with("::notice file="),
            "{line}"
        );
    }
    insta::assert_snapshot!("github-check", s);

    let out = mqauthz(&[
        "check",
        "--format",
        "github",
        "tests/fixtures/errors/several.mqa",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).starts_with("::error file=tests/fixtures/errors/several.mqa,line="));
}

#[test]
fn github_format_escapes_properties_and_messages() {
    let dir = scratch("github-escape");
    let f = dir.join("a,b:c%.mqa");
    std::fs::write(&f, "group a\ngrant a reed on queue \"X%Y\"\n").expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_mqauthz"))
        .args(["check", "--format", "github", "a,b:c%.mqa"])
        .current_dir(&dir)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let s = text(&out.stdout);
    assert!(
        s.starts_with("::error file=a%2Cb%3Ac%25.mqa,line=2,col=9,endLine=2,endColumn=13,title=MQA005 unknown-right::unknown right `reed`%0Ahelp: "),
        "{s}"
    );
    assert_eq!(s.lines().count(), 1, "one line per finding: {s}");
}

#[test]
fn github_format_for_diff_fail_on_new_access() {
    let dir = scratch("github-diff");
    let new = dir.join("new.mqa");
    let mut policy =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/orders.mqa"))
            .expect("read example");
    policy.push_str("grant billing-svc read on queue PAYROLL.>\n");
    std::fs::write(&new, policy).expect("write");
    let new = new.to_string_lossy().into_owned();
    let out = mqauthz(&[
        "diff",
        "examples/orders.mqa",
        &new,
        "--format",
        "github",
        "--fail-on",
        "new-access",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", both(&out));
    let s = text(&out.stdout).replace(&new, "NEW");
    insta::assert_snapshot!("github-diff-gain", s);

    // a loss does not fail `--fail-on new-access`: a notice, not an error
    let out = mqauthz(&[
        "diff",
        &new,
        "examples/orders.mqa",
        "--format",
        "github",
        "--fail-on",
        "new-access",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", both(&out));
    let s = text(&out.stdout);
    assert!(
        s.starts_with("::notice title=access lost::`billing-svc` loses read on queue PAYROLL.>"),
        "{s}"
    );

    // configurations carry no grant locations: annotations without a file
    let d = "tests/fixtures/diff/change/gain";
    let out = mqauthz(&[
        "diff",
        &format!("{d}/old.xml"),
        &format!("{d}/new.xml"),
        "--format",
        "github",
        "--fail-on",
        "new-access",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).starts_with("::error title=access gained::"));
}

#[test]
fn check_walks_a_folder_in_sorted_order_respecting_gitignore() {
    let dir = scratch("walk");
    // one warning each (the group is never granted anything); a policy of a
    // lone group would also grant nothing at all, an error
    let finding = "group lonely\ngroup ops\ngrant ops all on queue >, topic >, temp\ngrant everyone read, admin on advisory\n";
    for rel in [
        "b.mqa",
        "a/z.mqa",
        "a/c.mqa",
        "ignored.mqa",
        "build/out.mqa",
        "notes.txt",
        ".hidden/h.mqa",
    ] {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(&p, finding).expect("write");
    }
    std::fs::write(dir.join(".gitignore"), "ignored.mqa\nbuild/\n").expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_mqauthz"))
        .args(["check", "--format", "concise", "walk"])
        .current_dir(dir.parent().expect("parent"))
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0), "{}", both(&out));
    insta::assert_snapshot!("check-dir", text(&out.stdout));
    let out = Command::new(env!("CARGO_BIN_EXE_mqauthz"))
        .args(["check", "walk"])
        .current_dir(dir.parent().expect("parent"))
        .output()
        .expect("run");
    assert!(text(&out.stdout).ends_with("3 warnings in 3 files\n"));

    let empty = scratch("walk-empty");
    std::fs::write(empty.join("x.txt"), "").expect("write");
    let out = mqauthz(&[std::ffi::OsStr::new("check"), empty.as_os_str()]);
    assert_eq!(out.status.code(), Some(2), "{}", both(&out));
    assert!(text(&out.stderr).contains("holds no policy files"));
}

#[test]
fn check_diffs_mark_a_missing_final_newline() {
    let out = mqauthz(&["fmt", "--diff", NO_NEWLINE]);
    assert_eq!(out.status.code(), Some(1));
    let s = text(&out.stdout);
    assert!(s.contains("\n\\ No newline at end of file\n"), "{s}");
    insta::assert_snapshot!("fmt-diff-no-newline", s);
    // the file is left alone
    let out = mqauthz(&["fmt", "--check", NO_NEWLINE]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&out.stdout), format!("{NO_NEWLINE}\n"));
    let out = mqauthz(&["fmt", "--diff", "examples/orders.mqa"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
}

fn colour_run(args: &[&str], env: &[(&str, &str)]) -> String {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mqauthz"));
    cmd.args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("CLICOLOR");
    for (k, v) in env {
        cmd.env(k, v);
    }
    text(&cmd.output().expect("run").stdout)
}

#[test]
fn colour_follows_the_conventions() {
    let args = ["check", FINDINGS];
    let coloured = |s: &str| s.contains("\x1b[");
    // a pipe is not a terminal: no colour
    assert!(!coloured(&colour_run(&args, &[])));
    assert!(coloured(&colour_run(&args, &[("CLICOLOR_FORCE", "1")])));
    assert!(coloured(&colour_run(
        &args,
        &[("CLICOLOR_FORCE", "1"), ("TERM", "dumb")]
    )));
    assert!(!coloured(&colour_run(
        &args,
        &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]
    )));
    assert!(coloured(&colour_run(
        &["check", "--color", "always", FINDINGS],
        &[("NO_COLOR", "1")]
    )));
    assert!(!coloured(&colour_run(
        &["check", "--color", "never", FINDINGS],
        &[("CLICOLOR_FORCE", "1")]
    )));
    // the --check diffs are coloured like diff's
    let diff = colour_run(&["fmt", "--diff", "--color", "always", NO_NEWLINE], &[]);
    assert!(diff.contains("\x1b[36m@@ -1,3 +1,3 @@\x1b[0m"), "{diff:?}");
    assert!(
        diff.contains("\x1b[31m-grant  apps all on queue A.>, temp\x1b[0m"),
        "{diff:?}"
    );
    assert!(
        diff.contains("\x1b[32m+grant apps all on queue A.>, temp\x1b[0m"),
        "{diff:?}"
    );
}
