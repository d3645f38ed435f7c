//! `mqauthz review POLICY|CONFIG`: effective permissions for a pull request.

use super::{ExitStatus, Io};
use crate::diagnostics::{codes, Diagnostic};
use crate::diff::open_map;
use crate::error::Error;
use crate::pipeline::Loaded;
use crate::review::{render_json, render_markdown, render_text, review, Finding, Input, UserInput};
use crate::source::Sources;
use std::collections::BTreeMap;
use std::path::Path;

/// Output format of `review`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ReviewFormat {
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
}

/// What a review is organised by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum By {
    /// Each group's own access
    Group,
    /// Each user's access: the union over their groups and everyone's
    User,
}

/// A finding in brief: severity, code name, line (and file, when it is not
/// the reviewed input `input`), message.
fn brief(d: &Diagnostic, sources: &Sources, input: &str) -> Finding {
    let at = d
        .primary_label()
        .and_then(|l| sources.get(l.source).map(|f| (f, l.span.start as usize)));
    Finding {
        severity: d.severity.as_str().to_string(),
        code: d.code.name.to_string(),
        line: at.map(|(f, start)| f.line_col(start).line),
        // only the membership rules report in files other than the input
        file: at
            .map(|(f, _)| f.name.clone())
            .filter(|name| name != input && d.code.id.starts_with("MQA21")),
        message: d.message.clone(),
    }
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

pub fn run(args: Args, io: &mut Io) -> Result<ExitStatus, Error> {
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
    let Some(mut loaded) = super::load_or_report_with(io, &mut sources, &args.input, &options)?
    else {
        return Ok(ExitStatus::Error);
    };
    let open = open_map();
    let input_name = crate::load::display_name(&args.input);
    let findings = super::sorted(loaded.take_findings());
    let (is_failure, others): (Vec<&Diagnostic>, Vec<&Diagnostic>) = findings
        .iter()
        .partition(|d| d.code == codes::ASSERTION_FAILED);
    let mut input = Input {
        name: base_name(&args.input),
        map: &open,
        open: false,
        descriptions: BTreeMap::new(),
        declared: Vec::new(),
        findings: others
            .iter()
            .map(|d| brief(d, &sources, &input_name))
            .collect(),
        assertions: None,
        users,
    };
    match &loaded {
        Loaded::Policy { front, map, .. } => {
            input.map = map;
            for g in &front.policy.groups {
                input.declared.push(g.name.clone());
                if let Some(d) = &g.description {
                    input.descriptions.insert(g.name.clone(), d.clone());
                }
            }
            let failures = is_failure
                .iter()
                .map(|d| {
                    let f = brief(d, &sources, &input_name);
                    match f.line {
                        Some(l) => format!("line {l}: {}", f.message),
                        None => f.message,
                    }
                })
                .collect();
            input.assertions = Some((front.policy.assertions.len(), failures));
        }
        Loaded::Config { map: Some(map), .. } => input.map = map,
        Loaded::Config { map: None, .. } => input.open = true,
    }
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
