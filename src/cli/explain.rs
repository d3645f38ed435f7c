//! `mqauthz explain POLICY|CONFIG queue|topic DEST [--group G]` and
//! `mqauthz explain POLICY temp`: who may do what, and through which grants.

use super::{ExitStatus, Io};
use crate::error::Error;
use crate::explain::{explain, render_json, render_text, Question, Subject};
use crate::semantics::DestKind;
use crate::source::Sources;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(super) enum What {
    Queue,
    Topic,
    /// all temporary queues and topics
    Temp,
}

/// Output format of `explain`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(super) enum ExplainFormat {
    /// Plain text
    Text,
    /// JSON, schema in docs/explain-json.md
    Json,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A policy or a broker configuration
    #[arg(value_name = "POLICY|CONFIG")]
    input: String,
    /// queue, topic or temp
    #[arg(value_enum)]
    what: What,
    /// The destination (a name, a wildcard subscription such as `ORDERS.*`, or a composite `A,B`)
    #[arg(value_name = "DEST", required_if_eq_any = [("what", "queue"), ("what", "topic")])]
    dest: Option<String>,
    /// Answer for one group only
    #[arg(long, value_name = "GROUP")]
    group: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = ExplainFormat::Text)]
    format: ExplainFormat,
}

pub(super) fn run(args: Args, io: &mut Io) -> Result<ExitStatus, Error> {
    let mut sources = Sources::new();
    let Some(loaded) = super::load_or_report(io, &mut sources, &args.input)? else {
        return Ok(ExitStatus::Findings);
    };
    if !loaded.findings().is_empty() {
        io.report(&super::sorted(loaded.findings().to_vec()), &sources);
    }
    let subject = match args.what {
        What::Temp => Subject::Temp,
        What::Queue | What::Topic => Subject::Destination {
            kind: if args.what == What::Queue {
                DestKind::Queue
            } else {
                DestKind::Topic
            },
            name: args.dest.clone().unwrap_or_default(),
        },
    };
    let name = crate::load::display_name(&args.input);
    if let Some(group) = &args.group {
        crate::explain::check_group(&loaded, group, &name)?;
    }
    let question = Question {
        subject,
        group: args.group,
    };
    let x = explain(&sources, &loaded, &name, &question)?;
    let text = match args.format {
        ExplainFormat::Text => render_text(&x),
        ExplainFormat::Json => render_json(&x),
    };
    io.out
        .write_all(text.as_bytes())
        .map_err(|e| Error::io("write", "<stdout>", e))?;
    Ok(ExitStatus::Success)
}
