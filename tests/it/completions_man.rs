//! `mqauthz completions` and `mqauthz man`: the scripts work in the shells
//! that run them, and every manual page renders without warnings.
//!
//! Needs bash, man (man-db) and groff; skipped with a notice when missing,
//! failing instead under `MQAUTHZ_REQUIRE_TOOLS=1` (or `MQAUTHZ_REQUIRE_ACTIVEMQ=1`).

use crate::support::cli::{mqauthz, text};
use crate::support::tools;
use std::process::Command;

/// The commands of `mqauthz --help`, in its order.
const COMMANDS: [&str; 11] = [
    "check",
    "compile",
    "explain",
    "diff",
    "fmt",
    "import",
    "review",
    "rules",
    "audit",
    "completions",
    "man",
];

/// Complete `line` (words so far, the last one being completed) with the
/// bash completion script, as bash's programmable completion would.
fn bash_complete(words: &[&str]) -> Vec<String> {
    let bin = env!("CARGO_BIN_EXE_mqauthz");
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let script = format!(
        "source <('{bin}' completions bash) || exit 9\n\
         COMP_WORDS=({words}); COMP_CWORD={cword}; COMP_LINE=\"${{COMP_WORDS[*]}}\"; \
         COMP_POINT=${{#COMP_LINE}}\n\
         _mqauthz mqauthz \"${{COMP_WORDS[COMP_CWORD]}}\" \"${{COMP_WORDS[COMP_CWORD-1]}}\" || exit 8\n\
         printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        words = quoted.join(" "),
        cword = words.len() - 1,
    );
    let out = Command::new("bash")
        .arg("-c")
        .arg(&script)
        .output()
        .expect("run bash");
    assert!(
        out.status.success() && out.stderr.is_empty(),
        "bash completion of {words:?} failed: {:?}\n{}",
        out.status,
        text(&out.stderr)
    );
    let mut reply: Vec<String> = text(&out.stdout)
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect();
    reply.sort();
    reply
}

#[test]
fn bash_completes_commands_options_and_values() {
    if !tools::or_skip(
        "bash",
        tools::check(&match tools::on_path("bash") {
            Some(_) => vec![],
            None => vec!["`bash` is not on PATH".into()],
        }),
    ) {
        return;
    }
    assert_eq!(bash_complete(&["mqauthz", "ch"]), ["check"]);
    assert_eq!(
        bash_complete(&["mqauthz", "co"]),
        ["compile", "completions"]
    );
    // every command is offered on an empty word
    let all = bash_complete(&["mqauthz", ""]);
    for c in COMMANDS {
        assert!(all.iter().any(|w| w == c), "`{c}` not offered: {all:?}");
    }
    assert_eq!(
        bash_complete(&["mqauthz", "check", "--deny-w"]),
        ["--deny-warnings"]
    );
    assert_eq!(
        bash_complete(&["mqauthz", "check", "--format", ""]),
        ["concise", "github", "human", "json", "sarif"]
    );
    assert_eq!(bash_complete(&["mqauthz", "completions", "f"]), ["fish"]);
    assert_eq!(
        bash_complete(&["mqauthz", "diff", "--fail-on", "n"]),
        ["new-access"]
    );
}

#[test]
fn every_shell_gets_a_script_naming_every_command() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = mqauthz(&["completions", shell]);
        assert_eq!(out.status.code(), Some(0), "{shell}: {}", text(&out.stderr));
        assert!(out.stderr.is_empty(), "{shell}: {}", text(&out.stderr));
        let script = text(&out.stdout);
        for c in COMMANDS {
            assert!(script.contains(c), "{shell} script lacks `{c}`");
        }
        // the same script on every run
        assert_eq!(mqauthz(&["completions", shell]).stdout, out.stdout);
    }
    // where the shell is installed, the script parses
    for (shell, args) in [("zsh", &["-n"][..]), ("fish", &["--no-execute"][..])] {
        if tools::on_path(shell).is_none() {
            continue;
        }
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("script");
        std::fs::write(&path, mqauthz(&["completions", shell]).stdout).expect("write");
        let out = Command::new(shell)
            .args(args)
            .arg(&path)
            .output()
            .expect("run shell");
        assert!(out.status.success(), "{shell}: {}", text(&out.stderr));
    }
    let bad = mqauthz(&["completions", "tcsh"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(text(&bad.stderr).contains("possible values"));
}

#[test]
fn a_closed_standard_output_ends_the_run_quietly() {
    // `true` exits at once, long before the binary has started and writes
    for args in [["completions", "bash"], ["man", "check"]] {
        let script = format!(
            "'{}' {} {} | true; echo \"${{PIPESTATUS[0]}}\"",
            env!("CARGO_BIN_EXE_mqauthz"),
            args[0],
            args[1]
        );
        let out = Command::new("bash")
            .arg("-c")
            .arg(&script)
            .output()
            .expect("run bash");
        assert_eq!(text(&out.stdout).trim(), "0", "{args:?}");
        assert!(out.stderr.is_empty(), "{args:?}: {}", text(&out.stderr));
    }
}

#[test]
fn man_writes_one_page_per_command_that_renders_without_warnings() {
    let mut missing = Vec::new();
    for t in ["man", "groff"] {
        if tools::on_path(t).is_none() {
            missing.push(format!("`{t}` is not on PATH"));
        }
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let out_dir = dir.path().join("man1");
    let out = mqauthz(&["man", "--out", out_dir.to_str().expect("utf-8 path")]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(out.stdout.is_empty());
    let mut names: Vec<String> = std::fs::read_dir(&out_dir)
        .expect("read man dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut expected: Vec<String> = COMMANDS
        .iter()
        .map(|c| format!("mqauthz-{c}.1"))
        .chain(["mqauthz.1".to_string()])
        .collect();
    expected.sort();
    assert_eq!(names, expected);

    for name in &names {
        let page = std::fs::read(out_dir.join(name)).expect("read page");
        let roff = text(&page);
        assert!(roff.contains("\n.TH "), "{name}: {roff}");
        // the page printed on standard output is the file's text
        let command = name
            .strip_suffix(".1")
            .and_then(|n| n.strip_prefix("mqauthz-"));
        let printed = match command {
            Some(c) => mqauthz(&["man", c]),
            None => mqauthz(&["man"]),
        };
        assert_eq!(printed.status.code(), Some(0));
        assert_eq!(
            printed.stdout, page,
            "{name}: `mqauthz man` prints another text"
        );
    }
    // the top page lists every command; a command's page states its exit status
    let top = text(&std::fs::read(out_dir.join("mqauthz.1")).expect("read"));
    for c in COMMANDS {
        assert!(
            top.contains(&format!("mqauthz\\-{c}(1)")),
            "mqauthz.1 lacks {c}: {top}"
        );
    }
    for c in COMMANDS {
        let page = text(&std::fs::read(out_dir.join(format!("mqauthz-{c}.1"))).expect("read"));
        assert!(page.contains("Exit status:"), "mqauthz-{c}.1: {page}");
    }

    // writing again gives the same bytes
    let again = dir.path().join("again");
    assert_eq!(
        mqauthz(&["man", "--out", again.to_str().expect("utf-8")])
            .status
            .code(),
        Some(0)
    );
    for name in &names {
        assert_eq!(
            std::fs::read(out_dir.join(name)).expect("read"),
            std::fs::read(again.join(name)).expect("read"),
            "{name} differs between runs"
        );
    }

    // --out names a file: refused, nothing written
    let file = dir.path().join("a-file");
    std::fs::write(&file, "x").expect("write");
    let refused = mqauthz(&["man", "--out", file.to_str().expect("utf-8")]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        text(&refused.stderr).contains("is not a folder"),
        "{}",
        text(&refused.stderr)
    );
    assert_eq!(std::fs::read(&file).expect("read"), b"x");

    let unknown = mqauthz(&["man", "nope"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(text(&unknown.stderr).contains("no manual page for command `nope`"));
    assert!(unknown.stdout.is_empty());

    if !tools::or_skip("man and groff", tools::check(&missing)) {
        return;
    }
    for name in &names {
        let path = out_dir.join(name);
        // man-db: formats the page as a reader sees it; `--warnings` passes
        // troff's warnings (which man hides by default) to stderr
        let out = Command::new("man")
            .args(["--warnings", "-l", "-Tutf8"])
            .arg(&path)
            .env("MANWIDTH", "80")
            .env("MAN_KEEP_FORMATTING", "1")
            .env_remove("MANPAGER")
            .env_remove("PAGER")
            .output()
            .expect("run man");
        assert!(out.status.success(), "man -l {name}: {}", text(&out.stderr));
        assert!(
            out.stderr.is_empty(),
            "man -l {name} warns:\n{}",
            text(&out.stderr)
        );
        let shown = text(&out.stdout);
        assert!(
            shown.contains("NAME") || shown.contains("N\u{8}NA"),
            "{name}: {shown}"
        );
        // groff with every warning enabled
        let out = Command::new("groff")
            .args(["-ww", "-z", "-man"])
            .arg(&path)
            .output()
            .expect("run groff");
        assert!(
            out.status.success() && out.stderr.is_empty(),
            "groff -ww {name} warns:\n{}",
            text(&out.stderr)
        );
    }
    eprintln!(
        "rendered {} manual pages with man -l and groff -ww",
        names.len()
    );
}
