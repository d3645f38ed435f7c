//! `cargo xtask`: development tasks, outside the installed binaries.
//!
//! `cargo xtask gen` writes deterministic benchmark inputs with the
//! generators `benches/perf.rs` uses (`benches/support/gen.rs`):
//!
//! ```text
//! cargo xtask gen policy --grants 100000 --seed 1 > p.mqa
//! cargo xtask gen worst  --grants 10000  --seed 1 > w.mqa
//! cargo xtask gen shared --grants 10000  --seed 1 > s.mqa
//! cargo xtask gen config --mb 10         --seed 1 > c.xml
//! ```

#[path = "../../benches/support/gen.rs"]
mod gen;

use std::io::Write;
use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask gen (policy|worst|shared) --grants N [--seed S]\n       cargo xtask gen config --mb N [--seed S]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("gen") => gen_main(&args[1..]),
        Some("-h" | "--help") => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

/// `cargo xtask gen KIND ...`: one generated input on standard output.
fn gen_main(args: &[String]) -> ExitCode {
    let Some(what) = args.first() else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let mut grants = 1000usize;
    let mut mb = 10usize;
    let mut seed = 1u64;
    let mut rest = args[1..].iter();
    while let Some(flag) = rest.next() {
        let value = rest.next().and_then(|v| v.parse::<u64>().ok());
        match (flag.as_str(), value) {
            ("--grants", Some(v)) => grants = v as usize,
            ("--mb", Some(v)) => mb = v as usize,
            ("--seed", Some(v)) => seed = v,
            _ => {
                eprintln!("bad argument `{flag}`\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    let text = match what.as_str() {
        "policy" => gen::policy(grants, seed),
        "worst" => gen::worst(grants, seed),
        "shared" => gen::shared(grants, seed),
        "config" => gen::config(mb, seed),
        "-h" | "--help" => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        other => {
            eprintln!("unknown input kind `{other}`\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let stdout = std::io::stdout();
    let mut lock = stdout.lock();
    if lock
        .write_all(text.as_bytes())
        .and_then(|_| lock.flush())
        .is_err()
    {
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}
