//! The pre-commit hooks of `.pre-commit-hooks.yaml`: pre-commit's own
//! validator accepts the manifest, and `pre-commit try-repo` and
//! `pre-commit run` run the hooks on a scratch repository with the binary
//! built here, offline (inside a network namespace without a network where
//! `unshare` allows one).
//!
//! Needs pre-commit in `.tools/venv` (`scripts/install-test-deps.sh`) and git;
//! skipped with a notice when missing, failing instead under
//! `MQAUTHZ_REQUIRE_TOOLS=1` (or `MQAUTHZ_REQUIRE_ACTIVEMQ=1`).

use crate::support::cli::text;
use crate::support::tools;
use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn tools_or_skip() -> bool {
    let mut missing = Vec::new();
    if !tools::venv_bin("pre-commit").is_file() {
        missing.push(".tools/venv/bin/pre-commit is not installed".to_string());
    }
    if tools::on_path("git").is_none() {
        missing.push("`git` is not on PATH".to_string());
    }
    tools::or_skip("pre-commit", tools::check(&missing))
}

/// Whether commands can run in a network namespace of their own (no network).
fn can_unshare() -> bool {
    Command::new("unshare")
        .args(["-rn", "true"])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// A scratch place: a hook repository holding the manifest, a project
/// repository, and pre-commit's cache, all in one temporary folder.
struct Scratch {
    _dir: tempfile::TempDir,
    hooks: PathBuf,
    project: PathBuf,
    cache: PathBuf,
    offline: bool,
}

impl Scratch {
    fn new() -> Scratch {
        let dir = tempfile::tempdir().expect("temp dir");
        let hooks = dir.path().join("hooks");
        let project = dir.path().join("project");
        let cache = dir.path().join("cache");
        for d in [&hooks, &project, &cache] {
            fs::create_dir_all(d).expect("create dir");
        }
        let offline = can_unshare();
        if !offline {
            eprintln!(
                "note: `unshare -rn` is not permitted here; pre-commit runs with the network"
            );
        }
        let s = Scratch {
            _dir: dir,
            hooks,
            project,
            cache,
            offline,
        };
        fs::copy(
            tools::root().join(".pre-commit-hooks.yaml"),
            s.hooks.join(".pre-commit-hooks.yaml"),
        )
        .expect("copy manifest");
        s.git(&s.hooks, &["init", "-q"]);
        s.git(&s.hooks, &["add", "."]);
        s.git(&s.hooks, &["commit", "-q", "-m", "hooks"]);
        s.git(&s.project, &["init", "-q"]);
        s
    }

    /// PATH with the freshly built mqauthz first.
    fn path_var() -> OsString {
        let bin = Path::new(env!("CARGO_BIN_EXE_mqauthz"))
            .parent()
            .expect("binary folder")
            .to_path_buf();
        let mut dirs = vec![bin];
        if let Some(p) = std::env::var_os("PATH") {
            dirs.extend(std::env::split_paths(&p));
        }
        std::env::join_paths(dirs).expect("PATH")
    }

    fn command(&self, program: &Path, dir: &Path, args: &[&str]) -> Command {
        let mut cmd = if self.offline {
            let mut c = Command::new("unshare");
            c.arg("-rn").arg(program);
            c
        } else {
            Command::new(program)
        };
        cmd.args(args)
            .current_dir(dir)
            .env("PATH", Self::path_var())
            .env("PRE_COMMIT_HOME", &self.cache)
            .env("PRE_COMMIT_COLOR", "never")
            .env("NO_COLOR", "1")
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@example.invalid")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@example.invalid")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env_remove("GIT_DIR")
            .env_remove("GIT_WORK_TREE")
            .env_remove("GIT_INDEX_FILE");
        cmd
    }

    fn git(&self, dir: &Path, args: &[&str]) -> Output {
        let out = self
            .command(Path::new("git"), dir, args)
            .output()
            .expect("run git");
        assert!(out.status.success(), "git {args:?}: {}", text(&out.stderr));
        out
    }

    fn pre_commit(&self, args: &[&str]) -> (Option<i32>, String) {
        let out = self
            .command(&tools::venv_bin("pre-commit"), &self.project, args)
            .output()
            .expect("run pre-commit");
        let all = format!("{}{}", text(&out.stdout), text(&out.stderr));
        (out.status.code(), all)
    }

    fn try_repo(&self, hook: &str) -> (Option<i32>, String) {
        let hooks = self.hooks.to_str().expect("utf-8 path");
        self.pre_commit(&["try-repo", hooks, hook, "--all-files"])
    }

    fn write(&self, rel: &str, text: &str) {
        let path = self.project.join(rel);
        fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        fs::write(path, text).expect("write");
        self.git(&self.project, &["add", rel]);
    }
}

#[test]
fn manifest_passes_pre_commits_validator() {
    if !tools_or_skip() {
        return;
    }
    let out = Command::new(tools::venv_bin("pre-commit"))
        .args(["validate-manifest", ".pre-commit-hooks.yaml"])
        .current_dir(tools::root())
        .output()
        .expect("run pre-commit");
    assert!(
        out.status.success(),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    // the validator is real: a hook without an entry is refused
    let dir = tempfile::tempdir().expect("temp dir");
    let broken = dir.path().join("hooks.yaml");
    fs::write(&broken, "- id: x\n  name: x\n  language: system\n").expect("write");
    let out = Command::new(tools::venv_bin("pre-commit"))
        .arg("validate-manifest")
        .arg(&broken)
        .output()
        .expect("run pre-commit");
    assert!(!out.status.success());
    assert!(text(&out.stdout).contains("entry"), "{}", text(&out.stdout));
}

#[test]
fn check_and_fmt_hooks_pass_clean_policies_and_fail_bad_ones() {
    if !tools_or_skip() {
        return;
    }
    let s = Scratch::new();
    let orders = fs::read_to_string(tools::root().join("examples/orders.mqa")).expect("read");
    s.write("policy/orders.mqa", &orders);
    s.write("README.txt", "not a policy: never passed to the hooks\n");
    s.git(&s.project, &["commit", "-q", "-m", "policy"]);

    for hook in ["mqauthz-check", "mqauthz-fmt"] {
        let (code, out) = s.try_repo(hook);
        assert_eq!(code, Some(0), "{hook} on a clean policy:\n{out}");
        assert!(out.contains("Passed"), "{hook}:\n{out}");
    }

    // an unknown group: check fails with the located diagnostic
    s.write(
        "policy/typo.mqa",
        "group admins\ngrant admns read on queue X\n",
    );
    let (code, out) = s.try_repo("mqauthz-check");
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("Failed"), "{out}");
    assert!(out.contains("unknown group `admns`"), "{out}");
    assert!(out.contains("policy/typo.mqa:2:7"), "{out}");
    // it is formatted, so fmt still passes
    let (code, out) = s.try_repo("mqauthz-fmt");
    assert_eq!(code, Some(0), "{out}");

    // not in canonical form: fmt names the file and leaves it as it is
    let messy = "group   ops\ngrant ops   all on queue   X\n";
    s.write("policy/messy.mqa", messy);
    let (code, out) = s.try_repo("mqauthz-fmt");
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("policy/messy.mqa"), "{out}");
    assert_eq!(
        fs::read_to_string(s.project.join("policy/messy.mqa")).expect("read"),
        messy
    );
}

#[test]
fn review_hook_with_args_fails_when_the_committed_review_is_stale() {
    if !tools_or_skip() {
        return;
    }
    let s = Scratch::new();
    let orders = fs::read_to_string(tools::root().join("examples/orders.mqa")).expect("read");
    s.write("policy/broker.mqa", &orders);
    let review = Command::new(env!("CARGO_BIN_EXE_mqauthz"))
        .args(["review", "policy/broker.mqa", "-o", "policy/REVIEW.md"])
        .current_dir(&s.project)
        .output()
        .expect("run mqauthz");
    assert!(review.status.success(), "{}", text(&review.stderr));
    s.git(&s.project, &["add", "policy/REVIEW.md"]);
    let rev = text(&s.git(&s.hooks, &["rev-parse", "HEAD"]).stdout)
        .trim()
        .to_string();
    // the configuration a repository commits: the review hook gets the policy
    // and the review file as args; check fails on warnings too
    let config = format!(
        "repos:\n\
         - repo: {}\n  rev: {rev}\n  hooks:\n\
         \x20   - id: mqauthz-check\n      args: [--deny-warnings]\n\
         \x20   - id: mqauthz-fmt\n\
         \x20   - id: mqauthz-review\n      args: [policy/broker.mqa, --check, policy/REVIEW.md]\n      files: ^policy/(broker\\.mqa|REVIEW\\.md)$\n",
        s.hooks.display()
    );
    s.write(".pre-commit-config.yaml", &config);
    let (code, out) = s.pre_commit(&["validate-config"]);
    assert_eq!(code, Some(0), "{out}");
    s.git(&s.project, &["commit", "-q", "-m", "policy and review"]);

    let (code, out) = s.pre_commit(&["run", "--all-files"]);
    assert_eq!(code, Some(0), "{out}");
    assert_eq!(out.matches("Passed").count(), 3, "{out}");

    // a new grant without a new review: the review hook fails with a diff
    s.write(
        "policy/broker.mqa",
        &format!("{orders}grant auditors read on queue AUDIT.IN\n"),
    );
    let (code, out) = s.pre_commit(&["run", "--all-files"]);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("mqauthz review --check") && out.contains("Failed"),
        "{out}"
    );
    assert!(
        out.contains("AUDIT.IN"),
        "the diff names the change:\n{out}"
    );

    // editing only the review file also runs the hook
    s.write("policy/broker.mqa", &orders);
    let (code, out) = s.pre_commit(&["run", "--all-files"]);
    assert_eq!(code, Some(0), "{out}");
    let mut stale = fs::read_to_string(s.project.join("policy/REVIEW.md")).expect("read");
    stale.push_str("\nhand-edited\n");
    s.write("policy/REVIEW.md", &stale);
    let (code, out) = s.pre_commit(&["run", "--files", "policy/REVIEW.md"]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("hand-edited"), "{out}");
}
