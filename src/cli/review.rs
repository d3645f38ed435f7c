//! `mqauthz review POLICY|CONFIG`: effective permissions for a pull request.

use super::{ExitStatus, Io};
use crate::diff::open_map;
use crate::error::Error;
use crate::review::{input_of, render_json, render_markdown, render_text, review, UserInput};
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
    /// Review by group (the default) or by user (needs --members)
    #[arg(long, value_enum, default_value_t = By::Group)]
    by: By,
    /// The broker's users and their groups (repeatable): a broker configuration's
    /// simpleAuthenticationPlugin, `aws mq describe-user` JSON, JAAS
    /// groups.properties or users.properties
    #[arg(long = "members", value_name = "FILE")]
    members: Vec<String>,
    /// The ActiveMQ version the broker runs: from 6.3.0, everyone matches
    /// users without groups too
    #[arg(long, value_name = "VERSION", default_value = "5.18")]
    activemq_version: String,
    #[command(flatten)]
    properties: super::PropertyArgs,
}

/// What a review is organised by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(super) enum By {
    /// Each group's own access
    Group,
    /// Each user's access: the union over their groups and everyone's
    User,
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
    let version = crate::analysis::Version::parse(&args.activemq_version)
        .map_err(|e| Error::Usage(format!("--activemq-version: {e}")))?;
    if args.by == By::User && args.members.is_empty() {
        return Err(Error::Usage(
            "--by user needs the broker's users: give --members FILE".into(),
        ));
    }
    let mut sources = Sources::new();
    let members = if args.members.is_empty() {
        None
    } else {
        match crate::pipeline::load_members(&mut sources, &args.members)? {
            Ok(m) => Some(std::sync::Arc::new(m)),
            Err(d) => {
                io.report(&super::sorted(d), &sources);
                return Ok(ExitStatus::Error);
            }
        }
    };
    let users = members.as_ref().filter(|_| args.by == By::User).map(|m| {
        m.users
            .values()
            .map(|u| UserInput {
                name: u.name.clone(),
                groups: u.groups.keys().cloned().collect(),
                everyone: u.has_principal() || version >= crate::analysis::Version(6, 3, 0),
            })
            .collect()
    });
    // the membership rules' findings are part of the review
    let options = crate::analysis::Options {
        members,
        ..crate::analysis::Options::default()
    };
    let Some(mut loaded) =
        super::load_or_report_with(io, &mut sources, &args.input, &options, &args.properties)?
    else {
        // refused with located diagnostics: `--check` could not decide
        return Ok(if args.check.is_some() {
            ExitStatus::Error
        } else {
            ExitStatus::Findings
        });
    };
    let open = open_map();
    let findings = super::sorted(loaded.take_findings());
    let mut input = input_of(&loaded, &open, &findings, &sources, base_name(&args.input));
    input.users = users;
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
        Some(path) if path != "-" => {
            crate::fsutil::write_atomic(Path::new(path), text.as_bytes())
                .map_err(|e| Error::io("write", path, e))?;
            let _ = writeln!(io.err, "wrote {path}");
        }
        _ => io
            .out
            .write_all(text.as_bytes())
            .map_err(|e| Error::io("write", "<stdout>", e))?,
    }
    Ok(ExitStatus::Success)
}
