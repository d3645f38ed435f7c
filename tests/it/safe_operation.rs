//! Safe operation through the command line: files keep their owner, group
//! and mode; new files honour the umask; failed writes name the user's path;
//! a closed standard output ends quietly; passwords are never printed.

use crate::support::cli::{assert_exit, copy_fixture, manifest, mqauthz, scratch_in, text};

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const SPRING: &str = "tests/fixtures/merge/spring-plugins.xml";
const POLICY: &str = "examples/orders.mqa";

/// A fresh, empty folder for one test.
fn scratch(name: &str) -> PathBuf {
    scratch_in("safe-operation", name)
}

/// Run the binary through `sh -c 'PRELUDE; exec mqauthz ARGS'`.
fn mqauthz_sh(prelude: &str, args: &[&str]) -> Output {
    Command::new("sh")
        .arg("-c")
        .arg(format!("{prelude}; exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_mqauthz"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .output()
        .expect("run sh")
}

fn is_root() -> bool {
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

fn owner_group_mode(p: &Path) -> (u32, u32, u32) {
    let m = std::fs::metadata(p).expect("metadata");
    (m.uid(), m.gid(), m.mode() & 0o7777)
}

#[test]
fn in_place_keeps_owner_group_and_mode_as_root() {
    assert!(
        is_root(),
        "this test gives a file to nobody:nogroup and needs root"
    );
    let dir = scratch("in-place-owner");
    let config = copy_fixture(&dir, SPRING);
    std::os::unix::fs::chown(&config, Some(65534), Some(65534)).expect("chown");
    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o640)).expect("chmod");
    let before = std::fs::read_to_string(&config).expect("read");
    let cfg = config.to_str().expect("utf-8 path");
    let out = mqauthz(&["compile", POLICY, "--into", cfg, "--in-place"]);
    assert_exit(&out, 0, "compile --in-place");
    let after = std::fs::read_to_string(&config).expect("read");
    assert_ne!(before, after, "the map was merged");
    assert!(after.contains("<authorizationPlugin>"), "{after}");
    assert_eq!(owner_group_mode(&config), (65534, 65534, 0o640));
}

#[test]
fn output_to_an_existing_file_keeps_owner_group_and_mode() {
    assert!(is_root(), "this test gives a file away and needs root");
    let dir = scratch("existing-output");
    let config = copy_fixture(&dir, SPRING);
    let out_file = dir.join("merged.xml");
    std::fs::write(&out_file, "old").expect("write");
    std::os::unix::fs::chown(&out_file, Some(65534), Some(65534)).expect("chown");
    std::fs::set_permissions(&out_file, std::fs::Permissions::from_mode(0o604)).expect("chmod");
    let out = mqauthz_sh(
        "umask 077",
        &[
            "compile",
            POLICY,
            "--into",
            config.to_str().expect("path"),
            "-o",
            out_file.to_str().expect("path"),
        ],
    );
    assert_exit(&out, 0, "compile -o existing");
    assert!(std::fs::read_to_string(&out_file)
        .expect("read")
        .contains("<authorizationPlugin>"));
    assert_eq!(owner_group_mode(&out_file), (65534, 65534, 0o604));
}

#[test]
fn new_output_files_honour_the_umask() {
    let dir = scratch("umask");
    let config = copy_fixture(&dir, SPRING);
    for (umask, mode) in [("077", 0o600), ("022", 0o644), ("002", 0o664)] {
        let out_file = dir.join(format!("merged-{umask}.xml"));
        let out = mqauthz_sh(
            &format!("umask {umask}"),
            &[
                "compile",
                POLICY,
                "--into",
                config.to_str().expect("path"),
                "-o",
                out_file.to_str().expect("path"),
            ],
        );
        assert_exit(&out, 0, "compile -o new");
        let (_, _, got) = owner_group_mode(&out_file);
        assert_eq!(got, mode, "umask {umask}: mode {got:o}");
        // the fragment alone and the formatter's output too
        let frag = dir.join(format!("fragment-{umask}.xml"));
        let out = mqauthz_sh(
            &format!("umask {umask}"),
            &["compile", POLICY, "-o", frag.to_str().expect("path")],
        );
        assert_exit(&out, 0, "compile -o fragment");
        assert_eq!(owner_group_mode(&frag).2, mode);
    }
}

#[test]
fn a_failed_write_names_the_users_path_not_the_temporary_file() {
    let dir = scratch("failed-write");
    let config = copy_fixture(&dir, SPRING);
    // a folder that does not exist
    let missing = dir.join("no-such-folder").join("merged.xml");
    let out = mqauthz(&[
        "compile",
        POLICY,
        "--into",
        config.to_str().expect("path"),
        "-o",
        missing.to_str().expect("path"),
    ]);
    assert_exit(&out, 2, "write into a missing folder");
    let err = text(&out.stderr);
    assert!(
        err.contains(missing.to_str().expect("path")),
        "names the user's path: {err}"
    );
    assert!(!err.contains(".tmp"), "never the temporary file: {err}");

    // a write that fails half-way: the file size limit is 0 bytes
    let target = dir.join("limited.xml");
    std::fs::write(&target, "original").expect("write");
    let out = mqauthz_sh(
        "trap '' XFSZ; ulimit -f 0",
        &[
            "compile",
            POLICY,
            "--into",
            config.to_str().expect("path"),
            "-o",
            target.to_str().expect("path"),
        ],
    );
    assert_exit(&out, 2, "write over the size limit");
    let err = text(&out.stderr);
    assert!(
        err.contains(target.to_str().expect("path")),
        "names the user's path: {err}"
    );
    assert!(!err.contains(".tmp"), "never the temporary file: {err}");
    assert!(err.contains("File too large"), "{err}");
    assert_eq!(std::fs::read_to_string(&target).expect("read"), "original");
    let left: Vec<_> = std::fs::read_dir(&dir)
        .expect("read dir")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(left.is_empty(), "temporary files left: {left:?}");
}

/// A policy whose compiled map and findings are far larger than a pipe's
/// buffer.
fn big_policy(dir: &Path) -> PathBuf {
    let mut text = String::from("group apps\ngroup ops\ngrant ops all on queue >, topic >\n");
    text.push_str("grant everyone read, write, admin on advisory\n");
    for i in 0..4000 {
        // each also redundant under ops' grant: one finding per line
        text.push_str(&format!("grant apps, ops read on queue APP.Q{i}\n"));
    }
    let p = dir.join("big.mqa");
    std::fs::write(&p, text).expect("write policy");
    p
}

/// No word of the closed pipe on standard error (the findings that
/// `compile` reports there may stay).
fn assert_quiet(out: &Output, what: &str) {
    let err = text(&out.stderr);
    let tail: String = err
        .chars()
        .rev()
        .take(400)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    assert!(
        !err.contains("error:") && !err.to_lowercase().contains("pipe"),
        "{what}: quiet, but stderr ends with: {tail}"
    );
}

/// Run `mqauthz ARGS` with a standard output whose reader goes away at
/// once (the outputs used are far larger than a pipe's buffer, so the
/// writer meets the closed pipe).
fn with_closed_stdout(args: &[&str]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mqauthz"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run mqauthz");
    drop(child.stdout.take());
    child.wait_with_output().expect("wait for mqauthz")
}

#[test]
fn a_closed_standard_output_ends_quietly_with_status_0() {
    let dir = scratch("closed-stdout");
    let policy = big_policy(&dir);
    let p = policy.to_str().expect("path");
    for args in [
        vec!["check", p],
        vec!["check", p, "--format", "json"],
        vec!["compile", p],
        vec!["review", p],
        vec!["explain", p, "queue", "APP.Q1"],
        vec!["rules", "--markdown"],
    ] {
        let out = with_closed_stdout(&args);
        assert_eq!(out.status.code(), Some(0), "{}: status", args.join(" "));
        assert_quiet(&out, &args.join(" "));
    }
    // `| head`: the reader takes a little, then goes away
    let out = Command::new("bash")
        .arg("-c")
        .arg("set -o pipefail; \"$0\" check \"$1\" | head -n 3 >/dev/null")
        .arg(env!("CARGO_BIN_EXE_mqauthz"))
        .arg(p)
        .env("NO_COLOR", "1")
        .output()
        .expect("run bash");
    assert_eq!(out.status.code(), Some(0), "check | head: status");
    assert_eq!(text(&out.stderr), "", "quiet under | head");
}

#[test]
fn passwords_are_masked_in_snippets_and_kept_in_the_merge() {
    let dir = scratch("passwords");
    let config = copy_fixture(&dir, SPRING);
    let cfg = config.to_str().expect("path");
    // the user `app` (password "secret") is in a group the policy does not
    // name: the finding shows that user's line
    let out = mqauthz(&["compile", POLICY, "--into", cfg]);
    assert_exit(&out, 0, "compile --into");
    let err = text(&out.stderr);
    assert!(err.contains("MQA214"), "{err}");
    assert!(
        err.contains(r#"<authenticationUser username="app"   password="***"  groups="apps"/>"#),
        "{err}"
    );
    assert!(!err.contains("secret"), "{err}");
    // the marks still point at the user: under `<authenticationUser`
    let line = err
        .lines()
        .position(|l| l.contains("password=\"***\""))
        .expect("snippet line");
    let marks = err.lines().nth(line + 1).expect("marks");
    let snippet = err.lines().nth(line).expect("line");
    let col = snippet.find("<authenticationUser").expect("element");
    assert_eq!(marks.find('^'), Some(col), "{snippet}\n{marks}");
    // the configuration itself is merged byte for byte, password included
    assert!(text(&out.stdout).contains(r#"password="secret""#));

    // in concise and JSON output no source text is printed at all
    for format in ["concise", "json", "sarif"] {
        let out = mqauthz(&["check", POLICY, "--config", cfg, "--format", format]);
        assert!(!text(&out.stdout).contains("secret"), "{format}");
    }

    // the diff of `--check` masks them too
    let xml = std::fs::read_to_string(&config)
        .expect("read")
        .replace("<plugins>", "<plugins>\n            <!-- hi -->");
    std::fs::write(&config, xml).expect("write");
    let out = mqauthz(&["compile", POLICY, "--into", cfg, "--check"]);
    assert_exit(&out, 1, "compile --check");
    let diff = text(&out.stdout);
    assert!(diff.contains("password=\"***\""), "{diff}");
    assert!(!diff.contains("secret"), "{diff}");
}

#[test]
fn a_policy_that_grants_nothing_is_an_error_and_is_not_compiled() {
    let dir = scratch("grants-nothing");
    let empty = dir.join("empty.mqa");
    std::fs::write(&empty, "").expect("write");
    let e = empty.to_str().expect("path");
    let out = mqauthz(&["check", "--deny-warnings", e]);
    assert_exit(&out, 1, "check --deny-warnings of an empty policy");
    assert!(
        text(&out.stdout).contains("policy-grants-nothing") || text(&out.stdout).contains("MQA216")
    );
    let out = mqauthz(&["check", e]);
    assert_exit(&out, 1, "check of an empty policy");

    // compiled alone, or merged: refused, nothing written
    let config = copy_fixture(&dir, SPRING);
    let before = std::fs::read(&config).expect("read");
    let target = dir.join("out.xml");
    for args in [
        vec!["compile", e],
        vec!["compile", e, "-o", target.to_str().expect("path")],
        vec![
            "compile",
            e,
            "--into",
            config.to_str().expect("path"),
            "--in-place",
        ],
        vec![
            "compile",
            "tests/fixtures/rules/policy-grants-nothing.mqa",
            "--into",
            config.to_str().expect("path"),
            "-o",
            target.to_str().expect("path"),
        ],
    ] {
        let out = mqauthz(&args);
        assert_exit(&out, 1, &args.join(" "));
        assert!(text(&out.stdout).is_empty(), "{}", text(&out.stdout));
        assert!(
            text(&out.stderr).contains("MQA216"),
            "{}",
            text(&out.stderr)
        );
        assert!(!target.exists(), "nothing written");
        assert_eq!(std::fs::read(&config).expect("read"), before);
    }
}

/// `mqauthz ARGS` with a fault injected into the emitter.
fn mqauthz_faulty(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mqauthz"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .env("MQAUTHZ_FAULT_INJECT", "emit-drop-entry")
        .output()
        .expect("run mqauthz")
}

#[test]
fn compile_validates_its_output_before_writing() {
    let dir = scratch("translation-validation");
    let config = copy_fixture(&dir, SPRING);
    let json = copy_fixture(&dir, "tests/fixtures/merge/aws-describe.json");
    let before = std::fs::read(&config).expect("read");
    let target = dir.join("out.xml");
    let (c, j, t) = (
        config.to_str().expect("path"),
        json.to_str().expect("path"),
        target.to_str().expect("path"),
    );
    let runs: Vec<Vec<&str>> = vec![
        vec!["compile", POLICY],
        vec!["compile", POLICY, "-o", t],
        vec!["compile", POLICY, "--into", c],
        vec!["compile", POLICY, "--into", c, "-o", t],
        vec!["compile", POLICY, "--into", c, "--in-place"],
        vec!["compile", POLICY, "--into", c, "--check"],
        vec!["compile", POLICY, "--into", j, "-o", t],
        vec!["compile", POLICY, "--into", j, "--emit", "xml"],
    ];
    for args in &runs {
        // without the fault, every run succeeds or reports staleness
        let good = mqauthz(args);
        assert!(
            matches!(good.status.code(), Some(0) | Some(1)),
            "{}: {}",
            args.join(" "),
            text(&good.stderr)
        );
        let _ = std::fs::remove_file(&target);
        std::fs::write(&config, &before).expect("restore");
        let out = mqauthz_faulty(args);
        let what = args.join(" ");
        assert_exit(&out, 2, &what);
        let err = text(&out.stderr);
        assert!(err.contains("internal error"), "{what}: {err}");
        // the witness: the first entry of orders.mqa, `queue >` of admins
        assert!(
            err.contains("group `admins` would lose") && err.contains("(pattern `>`)"),
            "{what}: {err}"
        );
        assert!(err.contains("nothing was written"), "{what}: {err}");
        assert!(text(&out.stdout).is_empty(), "{what}: stdout");
        assert!(!target.exists(), "{what}: nothing written");
        assert_eq!(std::fs::read(&config).expect("read"), before, "{what}");
    }
}

#[test]
fn merging_into_a_broker_without_authentication_is_refused() {
    let dir = scratch("no-authentication");
    let target = dir.join("merged.xml");
    let t = target.to_str().expect("path");
    let bean = dir.join("bean.xml");
    std::fs::write(
        &bean,
        std::fs::read_to_string(manifest("tests/fixtures/merge/spring-plugins.xml"))
            .expect("read")
            .replace(
                "<simpleAuthenticationPlugin>",
                "<bean xmlns=\"http://www.springframework.org/schema/beans\" class=\"org.apache.activemq.security.JaasAuthenticationPlugin\"/>\n            <x:disabled xmlns:x=\"urn:example:disabled\">",
            )
            .replace("</simpleAuthenticationPlugin>", "</x:disabled>"),
    )
    .expect("write");
    let no_auth = [
        "tests/fixtures/merge/spring-no-plugins.xml",
        // a commented-out plugin is a comment
        "tests/fixtures/audit/no-authentication/activemq.xml",
    ];
    for config in no_auth {
        let copy = copy_fixture(&dir, config);
        let c = copy.to_str().expect("path");
        let before = std::fs::read(&copy).expect("read");
        for args in [
            vec!["compile", POLICY, "--into", c],
            vec!["compile", POLICY, "--into", c, "-o", t],
            vec!["compile", POLICY, "--into", c, "--in-place"],
            vec!["compile", POLICY, "--config", c, "-o", t],
        ] {
            let out = mqauthz(&args);
            let what = args.join(" ");
            assert_exit(&out, 1, &what);
            let err = text(&out.stderr);
            assert!(err.contains("error[MQA401]"), "{what}: {err}");
            assert!(err.contains("refuses every client"), "{what}: {err}");
            assert!(err.contains("nothing was written"), "{what}: {err}");
            assert!(text(&out.stdout).is_empty(), "{what}");
            assert!(!target.exists(), "{what}: nothing written");
            assert_eq!(std::fs::read(&copy).expect("read"), before, "{what}");
        }
        // `--check`: could not decide
        assert_exit(
            &mqauthz(&["compile", POLICY, "--into", c, "--check"]),
            2,
            "--check",
        );
        // reported by check --config too
        let out = mqauthz(&["check", POLICY, "--config", c, "--format", "concise"]);
        assert_exit(&out, 1, "check --config");
        assert!(text(&out.stdout).contains("error[MQA401] the broker authenticates nobody"));
        // forced: authentication configured where mqauthz cannot see it
        let out = mqauthz(&[
            "compile",
            POLICY,
            "--into",
            c,
            "--allow",
            "no-authentication",
            "-o",
            t,
        ]);
        assert_exit(&out, 0, "--allow no-authentication");
        assert!(std::fs::read_to_string(&target)
            .expect("read")
            .contains("<authorizationPlugin>"));
        std::fs::remove_file(&target).expect("remove");
        let out = mqauthz(&["check", POLICY, "--config", c, "--allow", "MQA401"]);
        assert_exit(&out, 0, "check --allow MQA401");
        // as a warning it no longer refuses, unless warnings are denied
        let out = mqauthz(&[
            "compile",
            POLICY,
            "--into",
            c,
            "--warn",
            "no-authentication",
        ]);
        assert_exit(&out, 0, "--warn no-authentication");
        let out = mqauthz(&[
            "compile",
            POLICY,
            "--into",
            c,
            "--warn",
            "no-authentication",
            "--deny-warnings",
        ]);
        assert_exit(&out, 1, "--warn no-authentication --deny-warnings");
    }
    // with an authentication plugin (an element or a bean), and on Amazon MQ
    // (which always authenticates), nothing is said
    for config in [
        SPRING,
        "tests/fixtures/audit/no-authentication.ok/activemq.xml",
        bean.to_str().expect("path"),
        "tests/fixtures/merge/amazonmq-no-plugins.xml",
        "tests/fixtures/merge/aws-describe.json",
    ] {
        let out = mqauthz(&["compile", POLICY, "--into", config]);
        assert_exit(&out, 0, config);
        assert!(
            !text(&out.stderr).contains("MQA401"),
            "{config}: {}",
            text(&out.stderr)
        );
    }
}

#[test]
fn a_configuration_map_that_grants_nothing_is_reported_by_audit() {
    let dir = scratch("map-grants-nothing");
    let config = |entries: &str| {
        format!(
            r#"<beans xmlns="http://www.springframework.org/schema/beans">
  <broker xmlns="http://activemq.apache.org/schema/core" brokerName="b">
    <plugins>
      <jaasAuthenticationPlugin configuration="activemq"/>
      <authorizationPlugin><map><authorizationMap><authorizationEntries>
        {entries}
      </authorizationEntries></authorizationMap></map></authorizationPlugin>
    </plugins>
  </broker>
</beans>
"#
        )
    };
    let advisory = r#"<authorizationEntry topic="ActiveMQ.Advisory.>" read="apps" write="apps" admin="apps"/>"#;
    let queue = r#"<authorizationEntry queue="APP.>" read="apps"/>"#;
    for (name, entries, fires) in [
        ("advisory-only", advisory.to_string(), true),
        ("empty", String::new(), true),
        ("one-queue", format!("{advisory}\n{queue}"), false),
    ] {
        let sub = dir.join(name);
        std::fs::create_dir_all(&sub).expect("mkdir");
        let path = sub.join("activemq.xml");
        std::fs::write(&path, config(&entries)).expect("write");
        let out = mqauthz(&["audit", "--format", "concise", path.to_str().expect("path")]);
        let found = text(&out.stdout);
        assert_eq!(found.contains("error[MQA216]"), fires, "{name}: {found}");
    }
}
