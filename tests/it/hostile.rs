//! Hostile input through the real binary: XML entity tricks, injection
//! through names and patterns, failing writes, and pathological sizes.

use crate::support::cli::{mqauthz, text};

use mqauthz::source::{SourceFile, SourceId};
use mqauthz::xml::{self, ConfigDoc};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

const NS: &str = "http://activemq.apache.org/schema/core";

fn s(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

/// Exit code, asserting the process did not crash.
fn code(out: &Output) -> i32 {
    let err = text(&out.stderr);
    assert!(!err.contains("panicked"), "panic:\n{err}");
    let c = out.status.code().expect("exited normally");
    assert_ne!(c, 101, "{err}");
    c
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn amq_config() -> String {
    format!("<broker xmlns=\"{NS}\">\n  <plugins>\n  </plugins>\n</broker>\n")
}

/// A policy that checks without errors, for the size tests.
const CLEAN_HEAD: &str =
    "group ops\ngrant ops all on queue >, topic >, temp\ngrant everyone read, admin on advisory\n";

// ---------------------------------------------------------------- XML safety

fn billion_laughs() -> String {
    let mut d =
        String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol0 \"lol\">\n");
    for i in 1..10 {
        d.push_str(&format!(
            " <!ENTITY lol{i} \"{}\">\n",
            format!("&lol{};", i - 1).repeat(10)
        ));
    }
    d.push_str(&format!(
        "]>\n<broker xmlns=\"{NS}\" brokerName=\"&lol9;\">\n  <plugins/>\n</broker>\n"
    ));
    d
}

#[test]
fn billion_laughs_is_refused_quickly() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let cfg = tmp.path().join("lol.xml");
    std::fs::write(&cfg, billion_laughs()).expect("write");
    let out_file = tmp.path().join("out.xml");
    let started = Instant::now();
    let out = mqauthz(&[
        "compile",
        "examples/orders.mqa",
        "--into",
        &s(&cfg),
        "-o",
        &s(&out_file),
    ]);
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(code(&out), 1);
    let err = text(&out.stderr);
    assert!(
        err.contains("MQA302") && err.contains("the DOCTYPE declares entities"),
        "{err}"
    );
    assert!(err.contains(&format!("{}:2:1", s(&cfg))), "{err}");
    assert!(!out_file.exists());
    // The library refuses it the same way, without expanding anything.
    let file = SourceFile::new("lol.xml", billion_laughs());
    let started = Instant::now();
    let refused = ConfigDoc::parse(SourceId(0), &file).expect_err("refused");
    assert!(started.elapsed() < Duration::from_secs(1));
    assert_eq!(refused[0].code.name, "doctype-not-allowed");
}

#[test]
fn only_predefined_entities_and_character_references_are_decoded() {
    let doc = |attr: &str| {
        let t = format!("<broker xmlns=\"{NS}\" brokerName=\"{attr}\"/>");
        ConfigDoc::parse(SourceId(0), &SourceFile::new("b.xml", t))
    };
    let ok = doc("&lt;&gt;&amp;&quot;&apos;&#65;&#x42;").expect("parses");
    assert_eq!(
        ok.broker_element().attr("brokerName").expect("attr").value,
        "<>&\"'AB"
    );
    for bad in ["&nbsp;", "&lol;", "&#0;", "&#xD800;", "& ;", "&;"] {
        assert!(doc(bad).is_err(), "{bad} accepted");
    }
}

#[test]
fn external_entities_and_dtds_are_never_fetched() {
    use std::net::TcpListener;
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.set_nonblocking(true).expect("nonblocking");
    let port = listener.local_addr().expect("addr").port();
    let tmp = tempfile::tempdir().expect("tempdir");
    let out_file = tmp.path().join("out.xml");
    let cases = [
        (
            "entity.xml",
            format!("<!DOCTYPE broker [<!ENTITY x SYSTEM \"http://127.0.0.1:{port}/x\">]>\n<broker xmlns=\"{NS}\">&x;</broker>\n"),
            1,
        ),
        (
            "param.xml",
            format!("<!DOCTYPE broker [<!ENTITY % p SYSTEM \"http://127.0.0.1:{port}/p\"> %p;]>\n<broker xmlns=\"{NS}\"/>\n"),
            1,
        ),
        (
            "file.xml",
            format!("<!DOCTYPE broker [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n<broker xmlns=\"{NS}\" brokerName=\"&x;\"/>\n"),
            1,
        ),
        // An external DTD without an internal subset is allowed and ignored.
        (
            "dtd.xml",
            format!("<!DOCTYPE broker SYSTEM \"http://127.0.0.1:{port}/b.dtd\">\n{}", amq_config()),
            0,
        ),
    ];
    for (name, body, want) in cases {
        let cfg = tmp.path().join(name);
        std::fs::write(&cfg, &body).expect("write");
        let _ = std::fs::remove_file(&out_file);
        let out = mqauthz(&[
            "compile",
            "examples/orders.mqa",
            "--into",
            &s(&cfg),
            "-o",
            &s(&out_file),
        ]);
        assert_eq!(code(&out), want, "{name}: {}", text(&out.stderr));
        assert_eq!(out_file.exists(), want == 0, "{name}");
        let all = format!("{}{}", text(&out.stdout), text(&out.stderr));
        assert!(!all.contains("root:"), "{name}: file contents leaked");
        let explain = mqauthz(&["explain", &s(&cfg), "queue", "X"]);
        code(&explain);
    }
    match listener.accept() {
        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
        other => panic!("something connected to the entity server: {other:?}"),
    }
}

#[test]
fn patterns_with_markup_characters_round_trip_through_xml() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let pattern = r#"R&D.<in>."quoted".'single'.a;b"#;
    let quoted = pattern.replace('"', "\\\"");
    let policy = tmp.path().join("p.mqa");
    std::fs::write(
        &policy,
        format!("{CLEAN_HEAD}grant ops read on queue \"{quoted}\", topic \"{quoted}\"\n"),
    )
    .expect("write");
    let cfg = tmp.path().join("broker.xml");
    std::fs::write(&cfg, amq_config()).expect("write");
    let out_file = tmp.path().join("out.xml");
    let out = mqauthz(&[
        "compile",
        &s(&policy),
        "--into",
        &s(&cfg),
        "-o",
        &s(&out_file),
    ]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let merged = std::fs::read_to_string(&out_file).expect("output");
    assert!(!merged.contains("<in>"), "unescaped markup:\n{merged}");
    let doc = ConfigDoc::parse(SourceId(0), &SourceFile::new("out.xml", merged.clone()))
        .expect("the output parses");
    let (map, diags) = xml::read_map(&doc);
    assert!(diags.is_empty(), "{diags:?}");
    let map = map.expect("map");
    let found: Vec<String> = map
        .entries
        .iter()
        .filter(|e| e.pattern.starts_with("R&D"))
        .map(|e| format!("{} {}", e.kind, e.pattern))
        .collect();
    assert_eq!(
        found,
        [format!("queue {pattern}"), format!("topic {pattern}")],
        "{merged}"
    );
    // The plain fragment is escaped the same way.
    let out = mqauthz(&["compile", &s(&policy)]);
    assert_eq!(code(&out), 0);
    assert!(text(&out.stdout).contains("R&amp;D.&lt;in>.&quot;quoted&quot;"));
}

#[test]
fn group_names_that_would_inject_xml_are_rejected_at_check() {
    let tmp = tempfile::tempdir().expect("tempdir");
    for name in [
        r#"x\" admin=\"evil"#,
        "a<b",
        "a>b",
        "R&D",
        "a,b",
        "*",
        " padded",
        "",
    ] {
        let p = tmp.path().join("g.mqa");
        std::fs::write(
            &p,
            format!("group \"{name}\"\n{CLEAN_HEAD}grant \"{name}\" read on queue X\n"),
        )
        .expect("write");
        let out = mqauthz(&["check", &s(&p)]);
        assert_eq!(code(&out), 1, "`{name}` accepted");
        assert!(text(&out.stdout).contains("MQA104"), "{name}");
        let out_file = tmp.path().join("out.xml");
        let out = mqauthz(&["compile", &s(&p), "-o", &s(&out_file)]);
        assert_eq!(code(&out), 1);
        assert!(!out_file.exists());
    }
}

// ------------------------------------------------------------- atomic writes

/// `chattr +i` on a path for the guard's lifetime; `None` where the file
/// system or the user cannot set the attribute.
struct Immutable(PathBuf);

impl Immutable {
    fn set(p: &Path) -> Option<Immutable> {
        let ok = Command::new("chattr")
            .arg("+i")
            .arg(p)
            .output()
            .is_ok_and(|o| o.status.success());
        // Root ignores permissions, not the immutable attribute: make sure.
        let probe = p.is_dir() && std::fs::write(p.join(".probe"), b"x").is_err();
        let guard = Immutable(p.to_path_buf());
        (ok && (probe || p.is_file())).then_some(guard)
    }
}

impl Drop for Immutable {
    fn drop(&mut self) {
        let _ = Command::new("chattr").arg("-i").arg(&self.0).output();
    }
}

fn setup(tmp: &Path) -> (PathBuf, PathBuf, Vec<u8>) {
    let dir = tmp.join("conf");
    std::fs::create_dir(&dir).expect("mkdir");
    let cfg = dir.join("activemq.xml");
    let original = std::fs::read("tests/fixtures/merge/spring-plugins.xml").expect("fixture");
    std::fs::write(&cfg, &original).expect("write");
    (dir, cfg, original)
}

#[test]
fn in_place_into_an_immutable_folder_leaves_the_original() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (dir, cfg, original) = setup(tmp.path());
    let Some(_guard) = Immutable::set(&dir) else {
        eprintln!("skipped: chattr +i is not available here");
        return;
    };
    let out = mqauthz(&[
        "compile",
        "examples/orders.mqa",
        "--into",
        &s(&cfg),
        "--in-place",
    ]);
    assert_eq!(code(&out), 2);
    let err = text(&out.stderr);
    assert!(
        err.contains("error: cannot write") && err.contains(&s(&cfg)),
        "{err}"
    );
    assert_eq!(std::fs::read(&cfg).expect("read"), original);
    assert_eq!(names(&dir), ["activemq.xml"]);
    let out_file = dir.join("out.xml");
    let out = mqauthz(&[
        "compile",
        "examples/orders.mqa",
        "--into",
        &s(&cfg),
        "-o",
        &s(&out_file),
    ]);
    assert_eq!(code(&out), 2);
    assert_eq!(names(&dir), ["activemq.xml"]);
}

#[test]
fn in_place_over_an_immutable_file_leaves_it_and_no_temp_file() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (dir, cfg, original) = setup(tmp.path());
    let Some(_guard) = Immutable::set(&cfg) else {
        eprintln!("skipped: chattr +i is not available here");
        return;
    };
    // The temporary file is written, then the rename over the file fails.
    let out = mqauthz(&[
        "compile",
        "examples/orders.mqa",
        "--into",
        &s(&cfg),
        "--in-place",
    ]);
    assert_eq!(code(&out), 2, "{}", text(&out.stderr));
    assert_eq!(std::fs::read(&cfg).expect("read"), original);
    assert_eq!(names(&dir), ["activemq.xml"]);
}

#[test]
fn output_under_a_file_fails_cleanly() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (dir, cfg, original) = setup(tmp.path());
    let out_file = cfg.join("out.xml");
    let out = mqauthz(&[
        "compile",
        "examples/orders.mqa",
        "--into",
        &s(&cfg),
        "-o",
        &s(&out_file),
    ]);
    assert_eq!(code(&out), 2);
    assert!(text(&out.stderr).contains(&s(&out_file)));
    assert_eq!(std::fs::read(&cfg).expect("read"), original);
    assert_eq!(names(&dir), ["activemq.xml"]);
}

#[cfg(target_os = "linux")]
#[test]
fn devices_are_written_to_not_replaced() {
    use std::os::unix::fs::FileTypeExt;
    let before = names(Path::new("/dev"));
    // A full disk: the write fails with ENOSPC and is reported.
    let out = mqauthz(&["compile", "examples/orders.mqa", "-o", "/dev/full"]);
    assert_eq!(code(&out), 2);
    let err = text(&out.stderr);
    assert!(
        err.contains("/dev/full") && err.contains("No space left"),
        "{err}"
    );
    // Writing to /dev/null succeeds and leaves it a device.
    let out = mqauthz(&["compile", "examples/orders.mqa", "-o", "/dev/null"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    // `-o /dev/stdout` on a pipe writes into the pipe.
    let out = mqauthz(&["compile", "examples/orders.mqa", "-o", "/dev/stdout"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(text(&out.stdout).starts_with("<authorizationPlugin>"));
    for dev in ["/dev/full", "/dev/null"] {
        let t = std::fs::metadata(dev).expect("device").file_type();
        assert!(t.is_char_device(), "{dev} was replaced");
    }
    let after = names(Path::new("/dev"));
    let new: Vec<&String> = after.iter().filter(|n| !before.contains(n)).collect();
    assert!(
        new.iter().all(|n| !n.ends_with(".tmp")),
        "temporary files left in /dev: {new:?}"
    );
}

// --------------------------------------------------------- pathological sizes

fn timed(args: &[&str], limit: Duration) -> Output {
    let started = Instant::now();
    let out = mqauthz(args);
    let took = started.elapsed();
    assert!(took < limit, "{args:?} took {took:?}");
    out
}

#[test]
fn one_megabyte_lines() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let limit = Duration::from_secs(20);
    // A 1 MB pattern in a clean policy.
    let p = tmp.path().join("long.mqa");
    let long = format!("ORDERS.{}.>", "A".repeat(1 << 20));
    std::fs::write(&p, format!("{CLEAN_HEAD}grant ops read on queue {long}\n")).expect("write");
    let out = timed(&["check", &s(&p)], limit);
    assert_eq!(
        code(&out),
        0,
        "{}",
        text(&out.stdout).chars().take(500).collect::<String>()
    );
    // A 1 MB comment.
    std::fs::write(&p, format!("# {}\n{CLEAN_HEAD}", "x".repeat(1 << 20))).expect("write");
    assert_eq!(code(&timed(&["check", &s(&p)], limit)), 0);
    // A 1 MB line of garbage: one error with a position.
    std::fs::write(&p, format!("{CLEAN_HEAD}{}\n", "%".repeat(1 << 20))).expect("write");
    let out = timed(&["check", "--format", "concise", &s(&p)], limit);
    assert_eq!(code(&out), 1);
    assert!(text(&out.stdout).contains(&format!("{}:4:1", s(&p))));
    // A 1 MB single-line configuration.
    let cfg = tmp.path().join("one-line.xml");
    let filler = "<a b=\"c\"/>".repeat((1 << 20) / 10);
    std::fs::write(
        &cfg,
        format!("<broker xmlns=\"{NS}\">{filler}<plugins/></broker>"),
    )
    .expect("write");
    let out_file = tmp.path().join("out.xml");
    let out = timed(
        &[
            "compile",
            "examples/orders.mqa",
            "--into",
            &s(&cfg),
            "-o",
            &s(&out_file),
        ],
        limit,
    );
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(out_file.exists());
}

/// Patterns are walked segment by segment, so their depth is bounded: a
/// pattern of more segments than the language accepts is a located error,
/// in a policy and in a broker configuration alike, never a stack overflow.
#[test]
fn a_pattern_of_half_a_million_segments() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let p = tmp.path().join("segments.mqa");
    let long = vec!["A"; 500_000].join(".");
    std::fs::write(&p, format!("{CLEAN_HEAD}grant ops read on queue {long}\n")).expect("write");
    let out = timed(&["check", &s(&p)], Duration::from_secs(60));
    assert_eq!(code(&out), 1, "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("MQA101"),
        "{}",
        text(&out.stdout)
    );

    let cfg = tmp.path().join("segments.xml");
    std::fs::write(
        &cfg,
        format!(
            "<broker xmlns=\"{NS}\"><plugins><authorizationPlugin><map><authorizationMap><authorizationEntries>\
             <authorizationEntry queue=\"{long}\" read=\"ops\"/>\
             </authorizationEntries></authorizationMap></map></authorizationPlugin></plugins></broker>\n"
        ),
    )
    .expect("write");
    let out = timed(
        &["explain", &s(&cfg), "queue", "A"],
        Duration::from_secs(60),
    );
    assert!(matches!(code(&out), 0 | 1), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("segments"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn a_hundred_thousand_nested_elements() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let limit = Duration::from_secs(20);
    let n = 100_000;
    let nested = format!("{}{}", "<a>".repeat(n), "</a>".repeat(n));
    let out_file = tmp.path().join("out.xml");
    let cases = [
        // Inside the broker: merged.
        (
            format!("<broker xmlns=\"{NS}\">{nested}<plugins/></broker>\n"),
            0,
        ),
        // Inside the plugins, on separate lines.
        (
            format!(
                "<broker xmlns=\"{NS}\">\n<plugins>\n{}\n</plugins>\n</broker>\n",
                nested.replace("><", ">\n<")
            ),
            0,
        ),
        // No broker at all.
        (format!("<beans>{nested}</beans>"), 1),
        // Never closed.
        (format!("<broker xmlns=\"{NS}\">{}", "<a>".repeat(n)), 1),
    ];
    for (i, (body, want)) in cases.into_iter().enumerate() {
        let cfg = tmp.path().join(format!("deep{i}.xml"));
        std::fs::write(&cfg, body).expect("write");
        let _ = std::fs::remove_file(&out_file);
        let out = timed(
            &[
                "compile",
                "examples/orders.mqa",
                "--into",
                &s(&cfg),
                "-o",
                &s(&out_file),
            ],
            limit,
        );
        assert_eq!(code(&out), want, "case {i}");
        assert_eq!(out_file.exists(), want == 0, "case {i}");
        let out = timed(&["explain", &s(&cfg), "queue", "X"], limit);
        assert_eq!(code(&out), want, "case {i}");
    }
    // Deep nesting inside the authorization map is reported, not recursed into.
    let cfg = tmp.path().join("deep-map.xml");
    std::fs::write(
        &cfg,
        format!("<broker xmlns=\"{NS}\"><plugins><authorizationPlugin><map><authorizationMap><authorizationEntries><authorizationEntry queue=\"&gt;\" read=\"a\">{nested}</authorizationEntry></authorizationEntries></authorizationMap></map></authorizationPlugin></plugins></broker>"),
    )
    .expect("write");
    let out = timed(&["explain", &s(&cfg), "queue", "X"], limit);
    assert!(matches!(code(&out), 0 | 1));
}

fn statements(n: usize) -> String {
    let groups = 100;
    let mut p = String::with_capacity(n * 40);
    p.push_str(CLEAN_HEAD);
    for g in 0..groups {
        p.push_str(&format!("group g{g}\n"));
    }
    for i in 0..n.saturating_sub(groups + 3) {
        p.push_str(&format!(
            "grant g{} read, write on queue APP{}.Q{i}\n",
            i % groups,
            i % 7
        ));
    }
    p
}

#[test]
fn twenty_thousand_statements() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let p = tmp.path().join("many.mqa");
    std::fs::write(&p, statements(20_000)).expect("write");
    let out = timed(
        &["check", "--format", "concise", &s(&p)],
        Duration::from_secs(40),
    );
    // Nobody can create these queues (create-needs-admin), so errors.
    assert!(matches!(code(&out), 0 | 1));
}

#[test]
#[ignore = "takes minutes: run with --ignored"]
fn a_million_statements() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let p = tmp.path().join("many.mqa");
    std::fs::write(&p, statements(1_000_000)).expect("write");
    let out = timed(
        &["check", "--format", "concise", &s(&p)],
        Duration::from_secs(1200),
    );
    assert!(matches!(code(&out), 0 | 1));
    let out_file = tmp.path().join("out.xml");
    let out = timed(
        &["compile", &s(&p), "-o", &s(&out_file)],
        Duration::from_secs(1200),
    );
    assert!(matches!(code(&out), 0 | 1));
}
