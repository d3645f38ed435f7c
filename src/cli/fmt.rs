//! `mqauthz fmt [--check | --diff] FILE...`

use super::{ExitStatus, Io};
use crate::error::Error;
use crate::load;
use crate::source::Sources;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Do not write; list the files that are not formatted and exit 1
    #[arg(long)]
    check: bool,
    /// Do not write; print a unified diff of each file that is not formatted
    /// and exit 1
    #[arg(long)]
    diff: bool,
    /// Policy files to format (`-` formats standard input to standard output)
    #[arg(required = true, value_name = "FILE")]
    files: Vec<String>,
}

pub(super) fn run(args: Args, io: &mut Io) -> Result<ExitStatus, Error> {
    super::stdin_once(args.files.iter().map(String::as_str))?;
    // every file is processed; the exit status is the worst one
    let mut status = ExitStatus::Success;
    // a file that cannot be formatted: `--check` and `--diff` cannot decide
    // about it
    let refused = if args.check || args.diff {
        ExitStatus::Error
    } else {
        ExitStatus::Findings
    };
    for path in &args.files {
        let mut sources = Sources::new();
        let front = match load::policy(&mut sources, path) {
            Ok(front) => front,
            Err(e) => {
                let _ = writeln!(io.err, "error: {e}");
                status = status.worst(ExitStatus::Error);
                continue;
            }
        };
        let parse_errors: Vec<_> = front
            .diagnostics
            .iter()
            .filter(|d| {
                d.code.family().is_some_and(|f| f.is_syntax())
                    && d.severity == crate::diagnostics::Severity::Error
            })
            .cloned()
            .collect();
        if !parse_errors.is_empty() {
            io.report(&super::sorted(parse_errors), &sources);
            let _ = writeln!(
                io.err,
                "error: `{}` has syntax errors; not formatted",
                load::display_name(path)
            );
            status = status.worst(refused);
            continue;
        }
        let Some(file) = sources.get(front.id) else {
            continue;
        };
        let formatted = crate::fmt::format(file, &front.ast);
        if args.diff {
            let name = load::display_name(path);
            let diff = crate::textdiff::unified_colored(
                &file.text,
                &formatted,
                &name,
                &format!("{name} (formatted)"),
                io.out_color,
            );
            if !diff.is_empty() {
                io.out
                    .write_all(diff.as_bytes())
                    .map_err(|e| Error::io("write", "<stdout>", e))?;
                status = status.worst(ExitStatus::Findings);
            }
            continue;
        }
        if path == "-" {
            if args.check {
                if *formatted != *file.text {
                    let _ = writeln!(io.out, "<stdin>");
                    status = status.worst(ExitStatus::Findings);
                }
            } else {
                io.out
                    .write_all(formatted.as_bytes())
                    .map_err(|e| Error::io("write", "<stdout>", e))?;
            }
            continue;
        }
        if *formatted == *file.text {
            continue;
        }
        if args.check {
            let _ = writeln!(io.out, "{path}");
            status = status.worst(ExitStatus::Findings);
        } else {
            match crate::fsutil::write_atomic(std::path::Path::new(path), formatted.as_bytes()) {
                Ok(()) => {
                    let _ = writeln!(io.err, "formatted {path}");
                }
                Err(e) => {
                    let _ = writeln!(io.err, "error: {}", Error::io("write", path, e));
                    status = status.worst(ExitStatus::Error);
                }
            }
        }
    }
    Ok(status)
}
