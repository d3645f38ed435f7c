//! Benchmarks: `cargo bench --bench perf`.
//!
//! Medians of several runs of every stage on generated inputs (see
//! `support/gen.rs` and `cargo xtask gen`), side by side with
//! ActiveMQ's own `DefaultAuthorizationMap` (through `tests/oracle/Oracle.java`)
//! and the real broker's start-up. Prints a Markdown table. Never asserts a
//! timing: targets are reported as met or not.
//!
//! Environment:
//! - `MQAUTHZ_BENCH_RUNS`: runs per measurement (default 5; 3 for the
//!   largest inputs);
//! - `MQAUTHZ_BENCH_QUICK=1`: skip the 100,000-grant sizes;
//! - `MQAUTHZ_BENCH_FULL_PARSE=1`: also time the whole-file parse of the
//!   100,000-grant policy (minutes, see BENCHMARKS.md);
//! - `MQAUTHZ_BENCH_BROKER=0`: skip the broker start-up comparison;
//! - `MQAUTHZ_BENCH_ONLY=shared`: only the shared-destination rows (`check`
//!   and `compile` through the binary on `gen::shared`);
//! - `MQAUTHZ_JAVA_DIR`: folder of the ActiveMQ jars (default `/usr/share/java`).

#[path = "support/gen.rs"]
mod gen;

#[allow(dead_code)]
#[path = "../tests/support/broker.rs"]
mod broker;
#[path = "../tests/support/oracle.rs"]
mod oracle;
use oracle::{esc, setup_java, Java};

use mqauthz::analysis::{self, Options};
use mqauthz::ast::{self, PolicyFile};
use mqauthz::compile;
use mqauthz::load::{self, Front};
use mqauthz::semantics::eval::{Evaluator, Scratch};
use mqauthz::semantics::{Acl, AuthzMap, DestKind, Right};
use mqauthz::source::{SourceFile, Sources, Span};
use mqauthz::xml::{self, ConfigDoc, EmitOptions};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

// ---------------------------------------------------------------- timing

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn runs_for(size: usize) -> usize {
    let runs = env_usize("MQAUTHZ_BENCH_RUNS", 5).max(1);
    if size >= 100_000 {
        runs.min(3)
    } else {
        runs
    }
}

/// Median wall time of `runs` calls of `f`, after one untimed warm-up call.
fn median<T>(runs: usize, mut f: impl FnMut() -> T) -> Duration {
    std::hint::black_box(f());
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(f());
            t.elapsed()
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

fn ms(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1e3;
    if ms >= 100.0 {
        format!("{ms:.0} ms")
    } else if ms >= 1.0 {
        format!("{ms:.1} ms")
    } else {
        format!("{ms:.3} ms")
    }
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into())
}

/// Rows of the result table.
struct Table(Vec<[String; 4]>);

impl Table {
    fn row(&mut self, what: &str, value: String, ratio: &str, target: &str) {
        println!("  {what}: {value} {ratio} {target}");
        self.0
            .push([what.into(), value, ratio.into(), target.into()]);
    }

    fn print(&self) {
        println!("\n| measurement | median | ratio | target |");
        println!("|---|---|---|---|");
        for r in &self.0 {
            println!("| {} | {} | {} | {} |", r[0], r[1], r[2], r[3]);
        }
    }
}

fn verdict(ok: bool) -> &'static str {
    if ok {
        "met"
    } else {
        "**not met**"
    }
}

// ------------------------------------------------------- front end helpers

fn front_whole(text: &str) -> (Sources, Front) {
    let mut sources = Sources::new();
    let id = sources.add(SourceFile::new("bench.mqa", text.to_string()));
    let front = load::front_end(&sources, id, Vec::new());
    (sources, front)
}

fn shift(s: &mut Span, by: usize) {
    s.start += by as u32;
    s.end += by as u32;
}

fn shift_ident(i: &mut ast::Ident, by: usize) {
    shift(&mut i.span, by);
}

fn shift_principal(p: &mut ast::Principal, by: usize) {
    match p {
        ast::Principal::Everyone(s) => shift(s, by),
        ast::Principal::Group(i) => shift_ident(i, by),
    }
}

fn shift_target(t: &mut ast::Target, by: usize) {
    match t {
        ast::Target::Dest {
            kind_span, pattern, ..
        } => {
            shift(kind_span, by);
            shift_ident(pattern, by);
        }
        ast::Target::Temp(s) | ast::Target::Advisory(s) => shift(s, by),
    }
}

fn shift_statement(st: &mut ast::Statement, by: usize) {
    shift(&mut st.span, by);
    for t in &mut st.tokens {
        shift(&mut t.span, by);
    }
    for a in &mut st.allows {
        shift(&mut a.span, by);
        for r in &mut a.rules {
            shift_ident(r, by);
        }
    }
    match &mut st.kind {
        ast::StatementKind::Group(g) => {
            shift_ident(&mut g.name, by);
            if let Some(d) = &mut g.description {
                shift_ident(d, by);
            }
        }
        ast::StatementKind::Grant(g) => {
            g.principals.iter_mut().for_each(|p| shift_principal(p, by));
            g.rights.iter_mut().for_each(|r| shift(&mut r.span, by));
            g.targets.iter_mut().for_each(|t| shift_target(t, by));
        }
        ast::StatementKind::Assert(a) => {
            a.principals.iter_mut().for_each(|p| shift_principal(p, by));
            a.rights.iter_mut().for_each(|r| shift(&mut r.span, by));
            shift_target(&mut a.target, by);
        }
    }
}

/// The same front end as [`front_whole`], parsing the file in pieces cut at
/// statement starts (never below a comment) and shifting spans back.
/// `syntax::parse` is quadratic in the file size (see BENCHMARKS.md), which
/// makes a whole-file parse of 100,000 grants take minutes; this gives the
/// later stages the identical policy.
fn front_chunked(text: &str) -> (Sources, Front) {
    let mut cuts = vec![0];
    let mut last = 0;
    let mut prev_comment = false;
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let starts_statement = ["group ", "grant ", "assert "]
            .iter()
            .any(|k| line.starts_with(k));
        if starts_statement && !prev_comment && at - last >= 64 * 1024 {
            cuts.push(at);
            last = at;
        }
        prev_comment = line.trim_start().starts_with('#');
        at += line.len();
    }
    cuts.push(text.len());
    let mut file = PolicyFile::default();
    let mut diagnostics = Vec::new();
    for w in cuts.windows(2) {
        let (a, b) = (w[0], w[1]);
        let piece = SourceFile::new("piece", text[a..b].to_string());
        let parsed = mqauthz::syntax::parse(mqauthz::source::SourceId(0), &piece);
        diagnostics.extend(parsed.diagnostics);
        for mut st in parsed.file.statements {
            shift_statement(&mut st, a);
            file.statements.push(st);
        }
        for mut c in parsed.file.comments {
            shift(&mut c.span, a);
            file.comments.push(c);
        }
    }
    let mut sources = Sources::new();
    let id = sources.add(SourceFile::new("bench.mqa", text.to_string()));
    let policy = mqauthz::model::resolve(id, &file, &mut diagnostics);
    (
        sources,
        Front {
            id,
            ast: file,
            policy,
            diagnostics,
        },
    )
}

fn check_and_compile(front: &Front) -> (usize, String) {
    let found = analysis::run(&front.policy, &Options::default());
    let map = compile::compile(&front.policy);
    let xml = xml::fragment(&map, &EmitOptions::default());
    (found.len(), xml)
}

// ------------------------------------------------------------- memory

/// Child mode: build the policy, check and compile it, print `VmHWM` in kB.
/// Run one `mqauthz` command line in this process (the code the binary
/// runs, standard output discarded by the parent) and print the process's
/// peak resident memory to standard error.
fn child_mem(args: &[String]) {
    let mut argv = vec!["mqauthz".to_string()];
    argv.extend(args.iter().cloned());
    match <mqauthz::cli::Cli as clap::Parser>::try_parse_from(&argv) {
        Ok(cli) => {
            std::hint::black_box(mqauthz::cli::run(cli));
        }
        Err(e) => {
            eprintln!("bad command line {argv:?}: {e}");
            return;
        }
    }
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let hwm = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .map(|v| v.trim().trim_end_matches("kB").trim().to_string())
        .unwrap_or_else(|| "0".into());
    eprintln!("VmHWM {hwm}");
}

/// Child mode: time the index, each rule and the assertions once, to find
/// the stage that does not scale.
fn child_rules(kind: &str, grants: usize) {
    use mqauthz::analysis::{assertions, index::AccessIndex, registry, Context, MapFacts};
    let text = match kind {
        "worst" => gen::worst(grants, 1),
        "shared" => gen::shared(grants, 1),
        _ => gen::policy(grants, 1),
    };
    let (_s, front) = front_chunked(&text);
    let policy = &front.policy;
    let options = Options::default();
    let t = Instant::now();
    let index = AccessIndex::new(policy);
    println!("index {}", ms(t.elapsed()));
    let t = Instant::now();
    let map = compile::compile(policy);
    println!("compile {}", ms(t.elapsed()));
    let facts = MapFacts::of(&map);
    drop(map);
    let cx = Context {
        policy,
        index: &index,
        map: &facts,
        options: &options,
    };
    let mut out = Vec::new();
    let t = Instant::now();
    assertions::check(policy, &index, &mut out);
    println!("assertions {}", ms(t.elapsed()));
    for rule in registry::RULES {
        let t = Instant::now();
        rule.check(&cx, &mut out);
        println!("{} {}", rule.meta().code.name, ms(t.elapsed()));
    }
}

/// Peak resident memory (kB) of the command line `args`, run in a child.
fn peak_kb(args: &[&str]) -> Option<u64> {
    let exe = std::env::current_exe().ok()?;
    let out = Command::new(exe)
        .arg("--child-mem")
        .args(args)
        .stdout(Stdio::null())
        .output()
        .ok()?;
    String::from_utf8_lossy(&out.stderr)
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM "))?
        .trim()
        .parse()
        .ok()
}

// ------------------------------------------------------------- java oracle

fn acl_fields(acl: &Acl) -> String {
    format!(
        "{}\t{}\t{}\t{}",
        esc(acl.group_class.as_deref().unwrap_or("")),
        esc(&acl.read.raw),
        esc(&acl.write.raw),
        esc(&acl.admin.raw)
    )
}

fn oracle_input(map: &AuthzMap, keys: &[(DestKind, String)]) -> String {
    let mut s = String::from("MAP\n");
    for e in &map.entries {
        s.push_str(&format!(
            "E\t{}\t{}\t{}\n",
            e.kind.as_str(),
            esc(&e.pattern),
            acl_fields(&e.acl)
        ));
    }
    if let Some(t) = &map.temp {
        s.push_str(&format!("T\t{}\n", acl_fields(t)));
    }
    for (k, key) in keys {
        s.push_str(&format!("K\t{}\t{}\n", k.as_str(), esc(key)));
    }
    s.push_str("END\n");
    s
}

/// ActiveMQ's lookups per second (one JVM run).
fn java_rate(java: &Java, input: &str, n: u64) -> Result<f64, String> {
    let cp = format!("{}:{}", java.classes.path().display(), java.classpath);
    let mut child = Command::new("java")
        .args(["-Xss8m", "-cp", &cp, "Oracle", "bench", &n.to_string()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("start java: {e}"))?;
    let mut stdin = child.stdin.take().ok_or("stdin")?;
    let data = input.to_string();
    let writer = std::thread::spawn(move || stdin.write_all(data.as_bytes()));
    let out = child.wait_with_output().map_err(|e| e.to_string())?;
    let _ = writer.join();
    let text = String::from_utf8_lossy(&out.stdout);
    let mut words = text.split_whitespace();
    while let Some(w) = words.next() {
        if w == "lookups_per_sec" {
            return words
                .next()
                .and_then(|v| v.parse().ok())
                .ok_or_else(|| format!("bad oracle output {text:?}"));
        }
    }
    Err(format!(
        "oracle bench failed: {} {}",
        text,
        String::from_utf8_lossy(&out.stderr)
    ))
}

fn rust_rate(map: &AuthzMap, keys: &[(DestKind, String)], n: usize) -> f64 {
    let ev = Evaluator::new(map);
    let mut scratch = Scratch::new();
    let mut sink = 0usize;
    let warm = (n / 5).max(100_000);
    for (k, key) in keys.iter().cycle().take(warm) {
        sink += ev.lookup(*k, key, Right::Read, &mut scratch).len();
    }
    let t = Instant::now();
    for (k, key) in keys.iter().cycle().take(n) {
        sink += ev.lookup(*k, key, Right::Read, &mut scratch).len();
    }
    let secs = t.elapsed().as_secs_f64();
    std::hint::black_box(sink);
    n as f64 / secs
}

/// Lookup keys over the multi-tenant namespaces: hits at several depths,
/// shared topics, misses.
fn lookup_keys(tenants: usize, count: usize) -> Vec<(DestKind, String)> {
    let mut rng = gen::Rng::new(42);
    let svcs = &gen::SERVICES[..6];
    (0..count)
        .map(|_| {
            let t = rng.below(tenants as u64);
            let s = rng.pick(svcs);
            match rng.below(6) {
                0 => (DestKind::Queue, format!("TENANT.t{t:05}.{s}.IN")),
                1 => (
                    DestKind::Queue,
                    format!("TENANT.t{t:05}.{s}.JOBS.Q{}", rng.below(9)),
                ),
                2 => (
                    DestKind::Topic,
                    format!("TENANT.t{t:05}.EVENTS.{s}.CREATED"),
                ),
                3 => (DestKind::Queue, format!("TENANT.t{t:05}.{s}.REQUEST")),
                4 => (
                    DestKind::Topic,
                    format!("SHARED.PRICES.EUR.{}", rng.below(50)),
                ),
                _ => (DestKind::Queue, format!("OTHER.APP{}.X", rng.below(100))),
            }
        })
        .collect()
}

// ------------------------------------------------------------------- diff

fn diff_available(bin: &str) -> bool {
    Command::new(bin)
        .args(["diff", "--help"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn time_diff(bin: &str, a: &Path, b: &Path, runs: usize) -> Duration {
    median(runs, || {
        Command::new(bin)
            .arg("diff")
            .arg(a)
            .arg(b)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .map(|s| s.code())
    })
}

/// A changed copy of a policy: on every 50th line a `read` grant becomes
/// `read, write`, and one grant is added.
fn changed(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 4096);
    for (i, line) in text.lines().enumerate() {
        if line.starts_with("grant ") && i % 50 == 0 && line.contains(" read ") {
            out.push_str(&line.replacen(" read ", " read, write ", 1));
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    out.push_str("grant auditors read on queue AUDIT.NEW.>\n");
    out
}

// ------------------------------------------------------------------- main

fn main() {
    let args: Vec<String> = std::env::args().collect();
    // `cargo bench` passes `--bench`; `cargo test --all-targets` runs this
    // binary without it, and a benchmark is never a test.
    if !args
        .iter()
        .any(|a| a == "--bench" || a.starts_with("--child-"))
    {
        eprintln!("skipping: benchmarks run with `cargo bench --bench perf`");
        return;
    }
    if let Some(i) = args.iter().position(|a| a == "--child-rules") {
        let kind = args.get(i + 1).map(String::as_str).unwrap_or("policy");
        let n = args.get(i + 2).and_then(|v| v.parse().ok()).unwrap_or(1000);
        child_rules(kind, n);
        return;
    }
    if let Some(i) = args.iter().position(|a| a == "--child-mem") {
        child_mem(&args[i + 1..]);
        return;
    }
    if std::env::var("MQAUTHZ_BENCH_ONLY").as_deref() == Ok("shared") {
        let mut table = Table(Vec::new());
        println!(
            "mqauthz benchmarks, shared destinations; load average at start: {}",
            loadavg()
        );
        let work = tempfile::tempdir().expect("temp dir");
        shared_rows(&mut table, env!("CARGO_BIN_EXE_mqauthz"), work.path());
        table.print();
        return;
    }
    let quick = std::env::var("MQAUTHZ_BENCH_QUICK").as_deref() == Ok("1");
    let sizes: &[usize] = if quick {
        &[1_000, 10_000]
    } else {
        &[1_000, 10_000, 100_000]
    };
    let mut table = Table(Vec::new());
    println!("mqauthz benchmarks; load average at start: {}", loadavg());
    let work = tempfile::tempdir().expect("temp dir");

    // ---- policies: parse+resolve, check, compile
    let mut cc: Vec<(usize, Duration)> = Vec::new();
    let mut fronts: Vec<(usize, String, Front)> = Vec::new();
    for &n in sizes {
        let text = gen::policy(n, 1);
        let runs = runs_for(n);
        if n <= 10_000 || std::env::var("MQAUTHZ_BENCH_FULL_PARSE").as_deref() == Ok("1") {
            let t = median(runs.min(3), || front_whole(&text));
            table.row(
                &format!("parse+resolve, {n} grants, whole file"),
                ms(t),
                "",
                "",
            );
        }
        let t = median(runs.min(3), || front_chunked(&text));
        table.row(
            &format!("parse+resolve, {n} grants, in 64 KiB pieces"),
            ms(t),
            "",
            "",
        );
        let (_s, front) = front_chunked(&text);
        if n == 10_000 {
            let (_w, whole) = front_whole(&text);
            assert_eq!(whole.ast, front.ast, "piecewise parse differs");
        }
        let findings = analysis::run(&front.policy, &Options::default()).len();
        let map = compile::compile(&front.policy);
        let t_check = median(runs, || analysis::run(&front.policy, &Options::default()));
        table.row(
            &format!("check (every rule), {n} grants ({findings} findings)"),
            ms(t_check),
            "",
            "",
        );
        let t_comp = median(runs, || {
            let map = compile::compile(&front.policy);
            xml::fragment(&map, &EmitOptions::default())
        });
        table.row(
            &format!("compile to XML, {n} grants ({} entries)", map.entries.len()),
            ms(t_comp),
            "",
            "",
        );
        cc.push((n, t_check + t_comp));
        fronts.push((n, text, front));
    }
    ratio_row(&mut table, "check+compile", &cc);

    // ---- worst case
    let mut wc: Vec<(usize, Duration)> = Vec::new();
    for &n in sizes {
        let text = gen::worst(n, 1);
        let (_s, front) = front_chunked(&text);
        let runs = runs_for(n);
        let t = median(runs, || check_and_compile(&front));
        let (findings, _) = check_and_compile(&front);
        table.row(
            &format!("worst case check+compile, {n} grants ({findings} findings)"),
            ms(t),
            "",
            "",
        );
        wc.push((n, t));
    }
    ratio_row(&mut table, "worst case check+compile", &wc);

    // ---- the same through the binary, as a user runs it (parse included)
    let bin = env!("CARGO_BIN_EXE_mqauthz");
    cli_rows(&mut table, bin, work.path(), sizes);
    if !quick {
        shared_rows(&mut table, bin, work.path());
    }

    // ---- diff through the binary
    if diff_available(bin) {
        let mut dt = Vec::new();
        for (n, text, _) in &fronts {
            if *n < 10_000 {
                continue;
            }
            let a = work.path().join(format!("a{n}.mqa"));
            let b = work.path().join(format!("b{n}.mqa"));
            std::fs::write(&a, text).expect("write");
            std::fs::write(&b, changed(text)).expect("write");
            let t = time_diff(bin, &a, &b, runs_for(*n));
            table.row(&format!("mqauthz diff, {n} grants"), ms(t), "", "");
            dt.push((*n, t));
        }
        ratio_row(&mut table, "diff", &dt);
    } else {
        table.row(
            "mqauthz diff, 100000 grants",
            "not measured: diff not in this tree".into(),
            "",
            "time(100k)/time(10k) ≤ 12: not measured",
        );
    }

    // ---- merge into a 10 MB configuration vs a bare quick-xml pass
    let config = gen::config(10, 1);
    let (_, _, front10k) = fronts
        .iter()
        .find(|(n, _, _)| *n == 10_000)
        .expect("10k policy");
    let map10k = compile::compile(&front10k.policy);
    let header = compile::header("bench.mqa", &map10k);
    let mut sources = Sources::new();
    let cid = sources.add(SourceFile::new("big.xml", config.clone()));
    let cfile = sources.get(cid).expect("source");
    let t_merge = median(5, || {
        let doc = ConfigDoc::parse(cid, cfile).expect("config parses");
        xml::merge(&doc, &map10k, Some(&header)).expect("merge")
    });
    let t_qx = median(5, || {
        let mut r = quick_xml::Reader::from_str(&config);
        let mut n = 0usize;
        loop {
            match r.read_event() {
                Ok(quick_xml::events::Event::Eof) => break,
                Ok(_) => n += 1,
                Err(e) => panic!("quick-xml: {e}"),
            }
        }
        n
    });
    let t_parse = median(5, || ConfigDoc::parse(cid, cfile).expect("config parses"));
    let doc = ConfigDoc::parse(cid, cfile).expect("config parses");
    let t_plan = median(5, || {
        xml::merge(&doc, &map10k, Some(&header)).expect("merge")
    });
    drop(doc);
    let mb = config.len() as f64 / (1024.0 * 1024.0);
    let merge_tp = mb / t_merge.as_secs_f64();
    table.row(
        &format!("merge 10k-grant map into {mb:.1} MB config (parse+merge)"),
        format!("{} ({merge_tp:.0} MB/s)", ms(t_merge)),
        "",
        "",
    );
    table.row(
        "of which ConfigDoc::parse",
        format!("{} ({:.0} MB/s)", ms(t_parse), mb / t_parse.as_secs_f64()),
        "",
        "",
    );
    table.row(
        "of which xml::merge (plan, emit, splice)",
        ms(t_plan),
        "",
        "",
    );
    let qx_tp = mb / t_qx.as_secs_f64();
    table.row(
        "bare quick-xml tokenizing pass, same file",
        format!("{} ({qx_tp:.0} MB/s)", ms(t_qx)),
        &format!("merge/quick-xml throughput {:.2}", merge_tp / qx_tp),
        &format!("≥ 0.5: {}", verdict(merge_tp / qx_tp >= 0.5)),
    );

    // ---- evaluator vs ActiveMQ
    let lookups = env_usize("MQAUTHZ_BENCH_LOOKUPS", 2_000_000);
    let tenants = front10k
        .policy
        .groups
        .iter()
        .filter(|g| g.name.ends_with("-ops") && g.name.starts_with('t'))
        .count()
        .max(1);
    let keys = lookup_keys(tenants, 1000);
    let mut ours: Vec<f64> = (0..3).map(|_| rust_rate(&map10k, &keys, lookups)).collect();
    ours.sort_by(f64::total_cmp);
    let ours = ours[1];
    table.row(
        &format!(
            "Evaluator::lookup, {} entries, 1000 keys",
            map10k.entries.len()
        ),
        format!("{:.2} M lookups/s", ours / 1e6),
        "",
        "",
    );
    match setup_java() {
        Ok(java) => {
            let input = oracle_input(&map10k, &keys);
            let mut rates = Vec::new();
            for _ in 0..3 {
                match java_rate(&java, &input, lookups as u64) {
                    Ok(r) => rates.push(r),
                    Err(e) => {
                        println!("  oracle: {e}");
                        break;
                    }
                }
            }
            if rates.is_empty() {
                table.row(
                    "ActiveMQ DefaultAuthorizationMap.getReadACLs",
                    "not measured: oracle failed".into(),
                    "",
                    "",
                );
            } else {
                rates.sort_by(f64::total_cmp);
                let theirs = rates[rates.len() / 2];
                table.row(
                    "ActiveMQ DefaultAuthorizationMap.getReadACLs, same map and keys",
                    format!("{:.2} M lookups/s", theirs / 1e6),
                    &format!("mqauthz/ActiveMQ {:.2}", ours / theirs),
                    &format!("≥ 1: {}", verdict(ours >= theirs)),
                );
            }
        }
        Err(e) => {
            println!("notice: ActiveMQ oracle unavailable, evaluator comparison skipped: {e}");
            table.row(
                "ActiveMQ DefaultAuthorizationMap.getReadACLs",
                format!("not measured: {e}"),
                "",
                "",
            );
        }
    }

    // ---- compile+merge vs the real broker's start-up
    if std::env::var("MQAUTHZ_BENCH_BROKER").as_deref() != Ok("0") {
        // 12,200 generated grants compile to about 10,000 entries
        let (_s, front) = front_chunked(&gen::policy(12_200, 1));
        let map = compile::compile(&front.policy);
        broker_rows(&mut table, &front, &map);
    }

    println!("\nload average at end: {}", loadavg());
    table.print();
}

/// `mqauthz check` and `mqauthz compile` on the generated files at 10,000
/// grants and more; with `MQAUTHZ_BENCH_CALLGRIND=1` also the instructions
/// `check` executes (callgrind), a count the machine's load does not move.
fn cli_rows(table: &mut Table, bin: &str, dir: &Path, sizes: &[usize]) {
    let callgrind = std::env::var("MQAUTHZ_BENCH_CALLGRIND").as_deref() == Ok("1");
    for kind in ["policy", "worst"] {
        let mut check_t = Vec::new();
        let mut compile_t = Vec::new();
        let mut review_t = Vec::new();
        let mut irs: Vec<(usize, u64)> = Vec::new();
        for &n in sizes.iter().filter(|n| **n >= 10_000) {
            let text = if kind == "policy" {
                gen::policy(n, 1)
            } else {
                gen::worst(n, 1)
            };
            let file = dir.join(format!("{kind}{n}.mqa"));
            std::fs::write(&file, text).expect("write");
            let run = |args: &[&str]| {
                Command::new(bin)
                    .args(args)
                    .arg(&file)
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .status()
                    .map(|s| s.code())
            };
            let runs = runs_for(n);
            let t = median(runs, || run(&["check", "--format", "concise"]));
            table.row(
                &format!("`mqauthz check`, {kind} {n} grants"),
                ms(t),
                "",
                "",
            );
            check_t.push((n, t));
            let t = median(runs, || run(&["compile"]));
            table.row(
                &format!("`mqauthz compile`, {kind} {n} grants"),
                ms(t),
                "",
                "",
            );
            compile_t.push((n, t));
            let t = median(runs, || run(&["review"]));
            table.row(
                &format!("`mqauthz review`, {kind} {n} grants"),
                ms(t),
                "",
                "",
            );
            review_t.push((n, t));
            let f = file.to_str().expect("utf-8 temp path");
            let out = dir.join("out.xml");
            let o = out.to_str().expect("utf-8 temp path");
            for (what, args) in [
                ("check", vec!["check", "--format", "concise", f]),
                ("compile", vec!["compile", f, "-o", o]),
            ] {
                let target = if n == 100_000 {
                    |mb: f64| format!("≤ 300 MB: {}", verdict(mb <= 300.0))
                } else {
                    |_: f64| String::new()
                };
                match peak_kb(&args) {
                    Some(kb) => {
                        let mb = kb as f64 / 1024.0;
                        table.row(
                            &format!("peak memory (VmHWM) of `mqauthz {what}`, {kind} {n} grants"),
                            format!("{mb:.0} MB"),
                            "",
                            &target(mb),
                        );
                    }
                    None => table.row(
                        &format!("peak memory of `mqauthz {what}`, {kind} {n} grants"),
                        "not measured".into(),
                        "",
                        "",
                    ),
                }
            }
            if callgrind {
                match instructions(bin, &["check", "--format", "concise"], &file) {
                    Ok(ir) => {
                        table.row(
                            &format!("instructions of `mqauthz check`, {kind} {n} grants"),
                            format!("{:.2} G", ir as f64 / 1e9),
                            "",
                            "",
                        );
                        irs.push((n, ir));
                    }
                    Err(e) => println!("notice: callgrind not run: {e}"),
                }
            }
        }
        ratio_row(table, &format!("`mqauthz check`, {kind}"), &check_t);
        ratio_row(table, &format!("`mqauthz compile`, {kind}"), &compile_t);
        ratio_row(table, &format!("`mqauthz review`, {kind}"), &review_t);
        let get = |n| irs.iter().find(|(s, _)| *s == n).map(|(_, i)| *i);
        if let (Some(a), Some(b)) = (get(10_000), get(100_000)) {
            let r = b as f64 / a as f64;
            table.row(
                &format!("instructions of `mqauthz check`, {kind}: 100k/10k"),
                String::new(),
                &format!("{r:.2}"),
                "near-linear: about 10",
            );
        }
    }
}

/// CPU time (user + system) of the waited-for children of this process so
/// far, from `/proc/self/stat` (clock ticks of 10 ms). Unlike wall time, it
/// does not count the time a child waits for a core on a busy machine.
fn children_cpu() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let (_, rest) = stat.rsplit_once(')')?;
    let f: Vec<&str> = rest.split_whitespace().collect();
    // after the command come field 3 (state) on: cutime is 16, cstime 17
    let ticks: u64 = f.get(13)?.parse::<u64>().ok()? + f.get(14)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

/// Median CPU time of `runs` runs of `cmd` (after a warm-up run).
fn median_cpu(runs: usize, mut cmd: impl FnMut()) -> Option<Duration> {
    cmd();
    let mut times = Vec::new();
    for _ in 0..runs {
        let before = children_cpu()?;
        cmd();
        times.push(children_cpu()?.checked_sub(before)?);
    }
    times.sort();
    times.get(times.len() / 2).copied()
}

/// The shared-destination shape (`gen::shared`: thousands of tenant groups
/// reading the same shared topics) through the binary at 10,000 and 100,000
/// grants: `check` (human output) and `compile` (fragment on stdout, the
/// report on stderr). Times, peak memory, and the bytes each prints (stdout
/// and stderr together), with the growth from 10k to 100k.
fn shared_rows(table: &mut Table, bin: &str, dir: &Path) {
    let sizes = [10_000usize, 100_000];
    let mut times: [Vec<(usize, Duration)>; 2] = [Vec::new(), Vec::new()];
    let mut cpu: [Vec<(usize, Duration)>; 2] = [Vec::new(), Vec::new()];
    let mut bytes: [Vec<(usize, usize)>; 2] = [Vec::new(), Vec::new()];
    for &n in &sizes {
        let file = dir.join(format!("shared{n}.mqa"));
        std::fs::write(&file, gen::shared(n, 1)).expect("write");
        let f = file.to_str().expect("utf-8 temp path");
        for (k, what) in ["check", "compile"].into_iter().enumerate() {
            let args = [what, f];
            let out = Command::new(bin).args(args).output().expect("run mqauthz");
            let size = out.stdout.len() + out.stderr.len();
            bytes[k].push((n, size));
            let t = median(runs_for(n), || {
                Command::new(bin)
                    .args(args)
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .status()
                    .map(|s| s.code())
            });
            times[k].push((n, t));
            let c = median_cpu(runs_for(n), || {
                let _ = Command::new(bin)
                    .args(args)
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .status();
            });
            if let Some(c) = c {
                cpu[k].push((n, c));
                table.row(
                    &format!("CPU time (user+sys) of `mqauthz {what}`, shared {n} grants"),
                    ms(c),
                    "",
                    "",
                );
            }
            table.row(
                &format!(
                    "`mqauthz {what}`, shared {n} grants (exit {:?}, {size} bytes of output)",
                    out.status.code()
                ),
                ms(t),
                "",
                "",
            );
            let target = if n == 100_000 {
                |mb: f64| format!("≤ 300 MB: {}", verdict(mb <= 300.0))
            } else {
                |_: f64| String::new()
            };
            match peak_kb(&args) {
                Some(kb) => {
                    let mb = kb as f64 / 1024.0;
                    table.row(
                        &format!("peak memory (VmHWM) of `mqauthz {what}`, shared {n} grants"),
                        format!("{mb:.0} MB"),
                        "",
                        &target(mb),
                    );
                }
                None => table.row(
                    &format!("peak memory of `mqauthz {what}`, shared {n} grants"),
                    "not measured".into(),
                    "",
                    "",
                ),
            }
        }
    }
    for (k, what) in ["check", "compile"].into_iter().enumerate() {
        ratio_row(table, &format!("`mqauthz {what}`, shared"), &times[k]);
        ratio_row(
            table,
            &format!("CPU time of `mqauthz {what}`, shared"),
            &cpu[k],
        );
        let get = |n| bytes[k].iter().find(|(s, _)| *s == n).map(|(_, b)| *b);
        if let (Some(a), Some(b)) = (get(10_000), get(100_000)) {
            let r = b as f64 / a.max(1) as f64;
            table.row(
                &format!("`mqauthz {what}`, shared: output bytes(100k)/bytes(10k)"),
                format!("{b} / {a}"),
                &format!("{r:.1}"),
                &format!("≤ 12: {}", verdict(r <= 12.0)),
            );
        }
    }
}

/// The instructions a run executes, counted by `valgrind --tool=callgrind`.
fn instructions(bin: &str, args: &[&str], file: &Path) -> Result<u64, String> {
    let out = Command::new("valgrind")
        .args(["--tool=callgrind", "--callgrind-out-file=/dev/null"])
        .arg(bin)
        .args(args)
        .arg(file)
        .stdout(Stdio::null())
        .output()
        .map_err(|e| format!("valgrind: {e}"))?;
    let err = String::from_utf8_lossy(&out.stderr);
    err.lines()
        .find_map(|l| {
            let (_, v) = l.split_once("I   refs:")?;
            v.trim().replace(',', "").parse().ok()
        })
        .ok_or_else(|| "no instruction count in valgrind's output".to_string())
}

fn ratio_row(table: &mut Table, what: &str, times: &[(usize, Duration)]) {
    let get = |n| times.iter().find(|(s, _)| *s == n).map(|(_, t)| *t);
    match (get(10_000), get(100_000)) {
        (Some(a), Some(b)) => {
            let r = b.as_secs_f64() / a.as_secs_f64();
            table.row(
                &format!("{what}: time(100k)/time(10k)"),
                format!("{} / {}", ms(b), ms(a)),
                &format!("{r:.1}"),
                &format!("≤ 12: {}", verdict(r <= 12.0)),
            );
        }
        _ => table.row(
            &format!("{what}: time(100k)/time(10k)"),
            "not measured".into(),
            "",
            "",
        ),
    }
}

fn broker_rows(table: &mut Table, front: &Front, map: &AuthzMap) {
    if let Err(e) = broker::activemq_installed() {
        println!("notice: ActiveMQ broker not installed, start-up comparison skipped: {e}");
        table.row("broker start-up", format!("not measured: {e}"), "", "");
        return;
    }
    let base = broker::broker_config("", &[]);
    let mut sources = Sources::new();
    let id = sources.add(SourceFile::new("activemq.xml", base.clone()));
    let file = sources.get(id).expect("source");
    let merge = || {
        let map = compile::compile(&front.policy);
        let header = compile::header("bench.mqa", &map);
        let doc = ConfigDoc::parse(id, file).expect("config parses");
        xml::merge(&doc, &map, Some(&header)).expect("merge")
    };
    let t_ours = median(5, merge);
    let merged = merge();
    table.row(
        &format!(
            "compile+merge, {}-grant policy ({} entries) into a broker config",
            front.policy.grants.len(),
            map.entries.len()
        ),
        ms(t_ours),
        "",
        "",
    );
    let runs = env_usize("MQAUTHZ_BENCH_BROKER_RUNS", 3);
    let startup = |config: &str| -> Result<Duration, String> {
        let mut times = Vec::new();
        for _ in 0..runs {
            let b = broker::Broker::start(config)?;
            times.push(b.startup_time());
            b.stop()?;
        }
        times.sort();
        Ok(times[times.len() / 2])
    };
    match startup(&base) {
        Ok(t) => table.row("broker start-up, no authorization map", ms(t), "", ""),
        Err(e) => table.row(
            "broker start-up, no authorization map",
            format!("failed: {}", e.lines().next().unwrap_or("")),
            "",
            "",
        ),
    }
    match startup(&merged) {
        Ok(t) => table.row(
            &format!(
                "broker start-up with that map ({} entries)",
                map.entries.len()
            ),
            ms(t),
            &format!(
                "compile+merge/start-up {:.3}",
                t_ours.as_secs_f64() / t.as_secs_f64()
            ),
            "",
        ),
        Err(e) => table.row(
            "broker start-up with that map",
            format!("failed: {}", e.lines().next().unwrap_or("")),
            "",
            "",
        ),
    }
}
