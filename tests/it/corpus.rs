//! The bad-input corpus: every file in `tests/corpus/` is run through the
//! real binary. A file is named `NAME.EXIT.EXT`: EXIT is the exit code the
//! documented contract gives (0 valid, 1 errors reported as diagnostics,
//! 2 could not run). `.mqa` files are checked, compiled and explained
//! (a policy that reads but fails an analysis rule is still explained);
//! `.xml` and `.json` files are configurations that `examples/orders.mqa`
//! is compiled into (with `--allow no-authentication`: most of them are
//! minimal brokers without an authentication plugin), and that are explained.
//!
//! For every run: the exit code is the expected one, nothing panics, a
//! failing run names the file (and a line:column when the input was read),
//! and `-o OUT` exists afterwards only when the run succeeded.

use crate::support::cli::mqauthz;

use std::path::{Path, PathBuf};
use std::process::Output;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `name` followed by `:LINE:COL` (or `#Data:LINE:COL` for the decoded XML
/// of an AWS JSON configuration) somewhere in `text`.
fn names_position(text: &str, name: &str) -> bool {
    text.match_indices(name).any(|(i, _)| {
        let rest = &text[i + name.len()..];
        let rest = rest.strip_prefix("#Data").unwrap_or(rest);
        let mut parts = rest.splitn(3, ':');
        let (Some(""), Some(line), Some(col)) = (parts.next(), parts.next(), parts.next()) else {
            return false;
        };
        let col: String = col.chars().take_while(char::is_ascii_digit).collect();
        !line.is_empty() && line.chars().all(|c| c.is_ascii_digit()) && !col.is_empty()
    })
}

struct Case {
    rel: String,
    expected: i32,
    ext: String,
}

fn cases() -> Vec<Case> {
    let dir = root().join("tests/corpus");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("tests/corpus") {
        let entry = entry.expect("entry");
        let name = entry.file_name().to_string_lossy().into_owned();
        let parts: Vec<&str> = name.rsplitn(3, '.').collect();
        let [ext, code, _stem] = parts.as_slice() else {
            panic!("{name}: corpus files are named NAME.EXIT.EXT");
        };
        let expected: i32 = code
            .parse()
            .unwrap_or_else(|_| panic!("{name}: `{code}` is not an exit code"));
        assert!(
            matches!(*ext, "mqa" | "xml" | "json"),
            "{name}: unknown extension"
        );
        out.push(Case {
            rel: format!("tests/corpus/{name}"),
            expected,
            ext: ext.to_string(),
        });
    }
    out.sort_by(|a, b| a.rel.cmp(&b.rel));
    out
}

/// Check one run; returns a description of what is wrong, if anything.
fn verify(case: &Case, what: &str, out: &Output, expected: i32) -> Vec<String> {
    let mut problems = Vec::new();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let code = out.status.code();
    let both = format!("{stdout}{stderr}");
    if code.is_none() || code == Some(101) || stderr.contains("panicked") {
        problems.push(format!(
            "{what}: crashed ({:?}):\n{}",
            out.status,
            stderr.chars().take(2000).collect::<String>()
        ));
        return problems;
    }
    if code != Some(expected) {
        problems.push(format!(
            "{what}: exit {code:?}, want {expected}\n{}",
            both.chars().take(2000).collect::<String>()
        ));
        return problems;
    }
    match expected {
        1 if !names_position(&both, &case.rel) => problems.push(format!(
            "{what}: the report does not name `{}` with a line:column\n{}",
            case.rel,
            both.chars().take(2000).collect::<String>()
        )),
        2 if !stderr.contains(&case.rel) || !stderr.starts_with("error:") => {
            problems.push(format!(
                "{what}: stderr does not give an error naming `{}`: {stderr}",
                case.rel
            ))
        }
        _ => {}
    }
    problems
}

fn run_case(case: &Case, tmp: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    let out_path: PathBuf = tmp.join("out.xml");
    let _ = std::fs::remove_file(&out_path);
    let out_s = out_path.to_string_lossy().into_owned();
    let compile = if case.ext == "mqa" {
        let check = mqauthz(&["check", &case.rel]);
        problems.extend(verify(case, "check", &check, case.expected));
        mqauthz(&["compile", &case.rel, "-o", &out_s])
    } else {
        // the corpus is about reading configurations: whether they
        // authenticate (`no-authentication`) is tested elsewhere
        mqauthz(&[
            "compile",
            "examples/orders.mqa",
            "--into",
            &case.rel,
            "--allow",
            "no-authentication",
            "-o",
            &out_s,
        ])
    };
    problems.extend(verify(case, "compile", &compile, case.expected));
    let written = out_path.exists();
    if case.expected != 0 && written {
        problems.push("compile: -o OUT was written although the run failed".into());
    }
    if case.expected == 0 {
        if !written {
            problems.push("compile: -o OUT was not written".into());
        } else if case.ext != "mqa" {
            // The merged output is itself a configuration already up to date.
            let again = mqauthz(&[
                "compile",
                "examples/orders.mqa",
                "--into",
                &out_s,
                "--allow",
                "no-authentication",
                "--check",
            ]);
            if again.status.code() != Some(0) {
                problems.push(format!(
                    "compile --check on the merged output: {:?}\n{}",
                    again.status,
                    String::from_utf8_lossy(&again.stdout)
                ));
            }
        }
    }
    // A policy that reads but fails an analysis rule (`policy-grants-nothing`
    // on an empty file) is still explained: its answers are all "no".
    let mut explain_expected = case.expected;
    if case.ext == "mqa" && case.expected == 1 {
        let json = mqauthz(&["check", "--format", "json", &case.rel]);
        let doc: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap_or_default();
        let analysis_only = doc["diagnostics"].as_array().is_some_and(|all| {
            all.iter()
                .filter(|d| d["severity"] == "error")
                .all(|d| d["code"].as_str().is_some_and(|c| c.starts_with("MQA2")))
        });
        if analysis_only {
            explain_expected = 0;
        }
    }
    let explain = mqauthz(&["explain", &case.rel, "queue", "ORDERS.IN"]);
    problems.extend(verify(case, "explain", &explain, explain_expected));
    problems
}

#[test]
fn corpus() {
    let cases = cases();
    assert!(cases.len() >= 60, "only {} corpus files", cases.len());
    let tmp = tempfile::tempdir().expect("tempdir");
    let workers = 2;
    let chunks: Vec<&[Case]> = cases.chunks(cases.len().div_ceil(workers)).collect();
    let failures: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = chunks
            .iter()
            .enumerate()
            .map(|(i, chunk)| {
                let dir = tmp.path().join(i.to_string());
                std::fs::create_dir(&dir).expect("mkdir");
                s.spawn(move || {
                    chunk
                        .iter()
                        .flat_map(|case| {
                            run_case(case, &dir)
                                .into_iter()
                                .map(move |p| format!("{}: {p}", case.rel))
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("worker"))
            .collect()
    });
    assert!(
        failures.is_empty(),
        "{} problem(s):\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn valid_but_odd_inputs_mean_the_same() {
    // A BOM and CRLF line ends change nothing in the compiled plugin.
    let plain = mqauthz(&["compile", "examples/orders.mqa"]);
    assert_eq!(plain.status.code(), Some(0));
    let strip = |o: &Output| {
        String::from_utf8_lossy(&o.stdout)
            .lines()
            .filter(|l| !l.contains("<!--"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    for name in ["bom.0.mqa", "crlf.0.mqa", "bom-crlf.0.mqa"] {
        let out = mqauthz(&["compile", &format!("tests/corpus/{name}")]);
        assert_eq!(out.status.code(), Some(0), "{name}");
        assert_eq!(strip(&out), strip(&plain), "{name}");
    }
}

#[test]
fn missing_and_dangling_inputs_cannot_run() {
    // Made here rather than kept in the corpus: a dangling link in `tests/`
    // would trip every test that walks the folder.
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("out.xml");
    let out_s = out.to_string_lossy().into_owned();
    let missing = tmp.path().join("missing.xml");
    #[cfg(unix)]
    {
        let link = tmp.path().join("dangling.mqa");
        std::os::unix::fs::symlink(tmp.path().join("nowhere.mqa"), &link).expect("symlink");
        let l = link.to_string_lossy().into_owned();
        for args in [
            vec!["check", l.as_str()],
            vec!["compile", l.as_str(), "-o", out_s.as_str()],
            vec!["explain", l.as_str(), "queue", "X"],
        ] {
            let o = mqauthz(&args);
            assert_eq!(o.status.code(), Some(2), "{args:?}");
            assert!(String::from_utf8_lossy(&o.stderr).contains(&l), "{args:?}");
        }
    }
    let m = missing.to_string_lossy().into_owned();
    let o = mqauthz(&["compile", "examples/orders.mqa", "--into", &m, "-o", &out_s]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains(&m));
    assert!(!out.exists());
}
