//! `mqauthz review POLICY|CONFIG`: effective permissions for a pull request.

use super::load_or_report;
use super::{ExitStatus, Io};
use crate::diff::open_map;
use crate::error::Error;
use crate::review::{input_of, render_json, render_markdown, render_text, review};
use crate::source::Sources;
use std::path::Path;

/// Output format of `review`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(super) enum ReviewFormat {
    /// Markdown, for a pull-request comment
    Md,
    /// Plain text
    Text,
    /// JSON, schema in docs/import-diff-review.md
    Json,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A policy or a broker configuration
    #[arg(value_name = "POLICY|CONFIG")]
    input: String,
    /// Output format
    #[arg(long, value_enum, default_value_t = ReviewFormat::Md)]
    format: ReviewFormat,
    /// Compare with a committed review: exit 1 with a diff when it is stale
    #[arg(long, value_name = "REVIEW_FILE", conflicts_with = "output")]
    check: Option<String>,
    /// Write the review to FILE (atomically) instead of standard output
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<String>,
}

/// The file name of a path, without folders.
fn base_name(path: &str) -> String {
    if path == "-" {
        return "<stdin>".to_string();
    }
    Path::new(path)
        .file_name()
        .map_or_else(|| path.to_string(), |n| n.to_string_lossy().into_owned())
}

pub(super) fn run(args: Args, io: &mut Io) -> Result<ExitStatus, Error> {
    let mut sources = Sources::new();
    let Some(mut loaded) = load_or_report(io, &mut sources, &args.input)? else {
        // refused with located diagnostics: `--check` could not decide
        return Ok(if args.check.is_some() {
            ExitStatus::Error
        } else {
            ExitStatus::Findings
        });
    };
    let open = open_map();
    let findings = super::sorted(loaded.take_findings());
    let input = input_of(&loaded, &open, &findings, &sources, base_name(&args.input));
    // the review keeps the findings in brief: the diagnostics go first
    drop(findings);
    let r = review(&input);
    let text = match args.format {
        ReviewFormat::Md => render_markdown(&r),
        ReviewFormat::Text => render_text(&r),
        ReviewFormat::Json => render_json(&r),
    };
    if let Some(check) = &args.check {
        let committed = std::fs::read(check).map_err(|e| Error::io("read", check, e))?;
        let committed = String::from_utf8_lossy(&committed);
        if committed == text {
            return Ok(ExitStatus::Success);
        }
        let diff = crate::textdiff::unified_colored(
            &committed,
            &text,
            check,
            &format!("{check} (current)"),
            io.out_color,
        );
        let _ = writeln!(io.err, "{check} is stale: the review has changed");
        io.out
            .write_all(diff.as_bytes())
            .map_err(|e| Error::io("write", "<stdout>", e))?;
        return Ok(ExitStatus::Findings);
    }
    match &args.output {
        Some(path) => crate::fsutil::write_atomic(Path::new(path), text.as_bytes())
            .map_err(|e| Error::io("write", path, e))?,
        None => io
            .out
            .write_all(text.as_bytes())
            .map_err(|e| Error::io("write", "<stdout>", e))?,
    }
    Ok(ExitStatus::Success)
}
