//! The language core through the command line: every error kind has a
//! fixture whose human rendering is snapshotted; examples check clean.

use crate::support::cli::{mqauthz, text};

use std::path::Path;
use std::process::Command;

#[test]
fn error_fixtures_render() {
    insta::glob!("..", "fixtures/errors/*.mqa", |path| {
        let rel = path
            .strip_prefix(env!("CARGO_MANIFEST_DIR"))
            .unwrap_or(path)
            .to_string_lossy()
            .into_owned();
        let out = mqauthz(&["check", &rel]);
        assert_ne!(out.status.code(), Some(2), "{rel} must run");
        assert!(!out.stdout.is_empty(), "{rel} must report");
        assert!(out.stderr.is_empty(), "{rel}: nothing on stderr");
        insta::assert_snapshot!(text(&out.stdout));
    });
}

#[test]
fn several_errors_json() {
    let out = mqauthz(&[
        "check",
        "--format",
        "json",
        "tests/fixtures/errors/several.mqa",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    let diags = doc["diagnostics"].as_array().expect("array");
    assert!(diags.len() >= 4, "every problem is reported");
    let lines: Vec<u64> = diags
        .iter()
        .map(|d| d["start"]["line"].as_u64().unwrap_or(0))
        .collect();
    let mut sorted = lines.clone();
    sorted.sort();
    assert_eq!(lines, sorted, "sorted by position");
    insta::assert_snapshot!(text(&out.stdout));
}

#[test]
fn concise_format() {
    let out = mqauthz(&[
        "check",
        "--format",
        "concise",
        "tests/fixtures/errors/several.mqa",
    ]);
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!(text(&out.stdout));
}

#[test]
fn examples_check_clean_and_are_formatted() {
    let mut n = 0;
    for entry in
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples")).expect("examples")
    {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "mqa") {
            let p = path.to_string_lossy().into_owned();
            let out = mqauthz(&["check", "--deny-warnings", &p]);
            assert_eq!(out.status.code(), Some(0), "{p}:\n{}", text(&out.stdout));
            assert!(
                out.stdout.is_empty(),
                "{p} raises nothing:\n{}",
                text(&out.stdout)
            );
            if p.ends_with("amazon-mq.mqa") {
                let out = mqauthz(&["check", "--deny-warnings", "--target", "amazon-mq", &p]);
                assert_eq!(out.status.code(), Some(0), "{p}:\n{}", text(&out.stdout));
            }
            let out = mqauthz(&["fmt", "--check", &p]);
            assert_eq!(out.status.code(), Some(0), "{p} is formatted");
            n += 1;
        }
    }
    assert!(n >= 3);
}

#[test]
fn unreadable_file_exits_2() {
    let out = mqauthz(&["check", "no/such/file.mqa"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(text(&out.stderr).contains("no/such/file.mqa"));
}

#[test]
fn bad_arguments_exit_2() {
    let out = mqauthz(&["check"]);
    assert_eq!(out.status.code(), Some(2));
    let out = mqauthz(&["frobnicate"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn stdin_is_read_with_dash() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mqauthz"))
        .args(["check", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    use std::io::Write;
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"group ops\ngrant opz read on queue X\n")
        .expect("write");
    let out = child.wait_with_output().expect("wait");
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).contains("<stdin>:2:7"));
    assert!(text(&out.stdout).contains("did you mean `ops`?"));
}

#[test]
fn fmt_check_names_files_and_fmt_rewrites() {
    let dir = std::env::temp_dir().join(format!("mqauthz-fmt-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let file = dir.join("p.mqa");
    std::fs::write(
        &file,
        "group   ops\r\ngrant ops   read,write on queue A ,B # why\r\n",
    )
    .expect("write");
    let p = file.to_string_lossy().into_owned();
    let out = mqauthz(&["fmt", "--check", &p]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&out.stdout).trim(), p);
    let out = mqauthz(&["fmt", &p]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        std::fs::read_to_string(&file).expect("read"),
        "group ops\r\ngrant ops read, write on queue A, B # why\r\n"
    );
    let out = mqauthz(&["fmt", "--check", &p]);
    assert_eq!(out.status.code(), Some(0));
    let _ = std::fs::remove_dir_all(&dir);
}

/// A broker configuration given where a policy is expected, and a policy
/// where a configuration is: each says what the file is and which command
/// or option takes it.
#[test]
fn inputs_of_the_wrong_kind() {
    let cases: &[&[&str]] = &[
        &["check", "tests/fixtures/merge/spring-plugins.xml"],
        &["compile", "tests/fixtures/merge/aws-describe.json"],
        &["fmt", "--check", "tests/fixtures/merge/amazonmq.xml"],
        &[
            "compile",
            "examples/orders.mqa",
            "--into",
            "examples/saas.mqa",
        ],
        &[
            "check",
            "examples/orders.mqa",
            "--config",
            "examples/saas.mqa",
        ],
        &["import", "examples/orders.mqa"],
    ];
    let mut all = String::new();
    for args in cases {
        let out = mqauthz(args);
        assert_ne!(out.status.code(), Some(0), "{args:?}");
        let said = format!("{}{}", text(&out.stdout), text(&out.stderr));
        assert!(
            said.contains("not a policy") || said.contains("not a broker configuration"),
            "{args:?}: {said}"
        );
        all.push_str(&format!(
            "$ mqauthz {}\n{said}(exit {})\n\n",
            args.join(" "),
            out.status.code().unwrap_or(-1)
        ));
    }
    insta::assert_snapshot!(all);
}

/// A `#` that cuts a pattern short is a syntax error: `fmt` leaves the file
/// alone rather than moving the comment.
#[test]
fn fmt_refuses_a_comment_inside_a_pattern() {
    let out = mqauthz(&["fmt", "--check", "tests/fixtures/errors/hash-wildcard.mqa"]);
    // `--check` cannot decide about a file it cannot read: 2
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("`#` starts a comment"),
        "{}",
        text(&out.stderr)
    );
    assert!(text(&out.stderr).contains("not formatted"));
}
