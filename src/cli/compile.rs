//! `mqauthz compile POLICY [--into CONFIG [-o OUT | --in-place | --check]]`

use super::check::LintArgs;
use super::{status_of, ExitStatus, Io};
use crate::compile;
use crate::diagnostics::{Diagnostic, Severity};
use crate::error::Error;
use crate::load;
use crate::pipeline::{self, Goal};
use crate::source::Sources;
use crate::verify;
use crate::xml::{self, EmitOptions, MergeOptions, MergeOutput};
use std::path::Path;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(super) enum Emit {
    /// the same form as the configuration (AWS JSON stays JSON)
    Auto,
    /// plain XML, also for an AWS JSON configuration
    Xml,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The policy to compile (`-` reads standard input)
    #[arg(value_name = "POLICY")]
    policy: String,
    /// Merge into this broker configuration (activemq.xml, Amazon MQ XML, or
    /// the JSON of `aws mq describe-configuration-revision`)
    #[arg(long, value_name = "CONFIG")]
    into: Option<String>,
    /// Write the result to this file (atomically) instead of standard output
    #[arg(short, long, value_name = "OUT", conflicts_with_all = ["in_place", "check"])]
    output: Option<String>,
    /// Rewrite CONFIG itself (atomically, keeping its owner, group and mode)
    #[arg(long, requires = "into", conflicts_with = "check")]
    in_place: bool,
    /// Do not write; exit 1 and print a diff when CONFIG would change
    #[arg(long, requires = "into")]
    check: bool,
    /// Output form for AWS JSON configurations
    #[arg(long, value_enum, default_value_t = Emit::Auto)]
    emit: Emit,
    /// Print only errors (no warnings, no count of notes)
    #[arg(short, long, conflicts_with = "verbose")]
    quiet: bool,
    /// Print the notes too (by default only their number; `mqauthz check` shows them)
    #[arg(short, long)]
    verbose: bool,
    /// Replace an authorizationPlugin that holds another map type (LDAP...)
    #[arg(long, requires = "into")]
    replace_other_map: bool,
    #[command(flatten)]
    lint: LintArgs,
    #[command(flatten)]
    properties: super::PropertyArgs,
}

fn has_errors(diagnostics: &[Diagnostic]) -> bool {
    diagnostics.iter().any(|d| d.severity == Severity::Error)
}

pub(super) fn run(args: Args, io: &mut Io) -> Result<ExitStatus, Error> {
    super::stdin_once(
        std::iter::once(&args.policy)
            .chain(args.into.iter())
            .chain(args.lint.config.iter())
            .map(String::as_str),
    )?;
    // input that is refused: under --check, whether CONFIG is up to date
    // cannot be decided
    let refused = if args.check {
        ExitStatus::Error
    } else {
        ExitStatus::Findings
    };
    let mut sources = Sources::new();
    let mut options = args.lint.options()?;
    // the configuration the policy is for: --into, or --config for the
    // fragment alone; it informs the rules and is checked as `check
    // --config` checks it
    let config = match (&args.into, &args.lint.config) {
        (Some(into), Some(config)) if into != config => {
            return Err(Error::Usage(format!(
                "--config `{config}` and --into `{into}` name two configurations; --into alone is enough"
            )))
        }
        (Some(path), _) | (None, Some(path)) => Some(path),
        (None, None) => None,
    };
    let properties = args.properties.values()?;
    let mut diagnostics = Vec::new();
    let doc = match config {
        Some(path) => match pipeline::load_config_with(&mut sources, path, &properties)? {
            Ok(doc) => {
                options.broker = pipeline::facts_of(&doc);
                diagnostics.extend(super::check::config_findings(&doc, &options));
                Some(doc)
            }
            Err(d) => {
                io.report(&super::sorted(d), &sources);
                return Ok(refused);
            }
        },
        None => None,
    };
    if !args.lint.members.is_empty() {
        match pipeline::load_members(&mut sources, &args.lint.members)? {
            Ok(m) => options.members = Some(std::sync::Arc::new(m)),
            Err(d) => {
                io.report(&super::sorted(d), &sources);
                return Ok(refused);
            }
        }
    }
    if options.members.is_none() && doc.as_ref().is_some_and(|d| !d.facts().users.is_empty()) {
        // the configuration's users: the membership rules check them against
        // the policy (read again, with passwords masked, for the messages)
        let into = config.map_or("", String::as_str);
        if into != "-" {
            if let Ok(members) = pipeline::load_members(&mut sources, &[into.to_string()])? {
                options.members = Some(std::sync::Arc::new(members));
            }
        }
    }
    let analysed = pipeline::analyse(&mut sources, &args.policy, &options, Goal::Findings)?;
    diagnostics.extend(analysed.diagnostics);
    let policy_source = analysed.front.id;
    // what in the configuration's plugins the merge must not pass over
    let mut config_refused = false;
    if let Some(doc) = &doc {
        let mut plugins = xml::read::plugin_checks(doc);
        plugins.extend(xml::read::plugins_reference(doc));
        config_refused = has_errors(&plugins);
        diagnostics.extend(plugins);
    }
    let diagnostics = super::sorted(diagnostics);
    let refuse = status_of(&diagnostics, args.lint.deny_warnings) != ExitStatus::Success
        || has_errors(&diagnostics);
    // the input that holds what refuses the run: the policy, else the
    // configuration (`no-authentication`, say)
    let in_policy = diagnostics.iter().any(|d| {
        let fails = d.severity == Severity::Error
            || (args.lint.deny_warnings && d.severity == Severity::Warning);
        fails && d.primary_label().is_none_or(|l| l.source == policy_source)
    });
    let culprit = match config {
        Some(config) if !in_policy => config.as_str(),
        _ => args.policy.as_str(),
    };
    // reported, and not kept while the map is compiled
    report_findings(io, diagnostics, &sources, &args);
    if refuse {
        if config_refused {
            let _ = writeln!(
                io.err,
                "error: cannot merge into `{}`; nothing was written",
                load::display_name(args.into.as_deref().unwrap_or_default())
            );
            return Ok(refused);
        }
        let _ = writeln!(
            io.err,
            "error: `{}` has errors; nothing was written",
            load::display_name(culprit)
        );
        return Ok(refused);
    }
    let map = compile::compile(&analysed.front.policy);
    // the model is not kept while the output is built
    drop(analysed.front);
    let header = compile::header(&load::display_name(&args.policy), &map);

    let Some(doc) = doc.filter(|_| args.into.is_some()) else {
        let text = xml::fragment(
            &map,
            &EmitOptions {
                header_comment: Some(header),
                ..EmitOptions::default()
            },
        );
        validate(&map, verify::Output::Fragment(&text))?;
        return write_product(io, args.output.as_deref(), &text);
    };
    let into = args.into.as_deref().unwrap_or_default();
    let merge = |output: MergeOutput| {
        xml::merge_with(
            &doc,
            &map,
            &MergeOptions {
                header: Some(header.clone()),
                replace_other_map: args.replace_other_map,
                output,
            },
        )
    };
    let output = match args.emit {
        Emit::Auto => MergeOutput::Auto,
        Emit::Xml => MergeOutput::Xml,
    };
    // The XML before and after: for AWS JSON the XML inside `Data`, since the
    // JSON around it is always written in the update-configuration form.
    let (merged, merged_xml) = match (merge(output), doc.is_json()) {
        (Ok(m), false) => (m.clone(), m),
        (Ok(m), true) => match merge(MergeOutput::Xml) {
            Ok(x) => (m, x),
            Err(d) => return refuse_merge(io, &sources, d, into, refused),
        },
        (Err(d), _) => return refuse_merge(io, &sources, d, into, refused),
    };
    // what is written (or shown by --check) is what the policy means
    validate(&map, verify::Output::Config(&merged))?;
    let current_xml = if doc.is_json() {
        &doc.xml
    } else {
        sources
            .get(doc.source)
            .map(|f| &*f.text)
            .unwrap_or_default()
    };
    let up_to_date = merged_xml == current_xml;
    if args.check {
        if up_to_date {
            let _ = writeln!(io.err, "{into} is up to date");
            return Ok(ExitStatus::Success);
        }
        let diff = crate::textdiff::unified_colored(
            current_xml,
            &merged_xml,
            into,
            &format!("{into} (merged)"),
            io.out_color,
        );
        // the configuration's passwords are not shown
        let diff = crate::diagnostics::mask::text(into, &diff);
        io.out
            .write_all(diff.as_bytes())
            .map_err(|e| Error::io("write", "<stdout>", e))?;
        return Ok(ExitStatus::Findings);
    }
    if args.in_place {
        if up_to_date {
            let _ = writeln!(io.err, "{into} is up to date");
            return Ok(ExitStatus::Success);
        }
        if into == "-" {
            return Err(Error::Usage(
                "--in-place needs a file, not standard input".into(),
            ));
        }
        crate::fsutil::write_atomic(Path::new(into), merged.as_bytes())
            .map_err(|e| Error::io("write", into, e))?;
        let _ = writeln!(io.err, "updated {into}");
        return Ok(ExitStatus::Success);
    }
    write_product(io, args.output.as_deref(), &merged)
}

/// Translation validation: the output, read back as the broker reads it,
/// must mean what the policy means; else nothing is written (exit 2).
fn validate(map: &crate::semantics::AuthzMap, output: verify::Output) -> Result<(), Error> {
    verify::check(map, output).map_err(|mismatch| {
        Error::Internal(format!(
            "{mismatch}; nothing was written. This is a bug in mqauthz: please report it with the policy"
        ))
    })
}

/// The policy's findings on stderr: errors and warnings (errors only with
/// `--quiet`), and of the notes only how many there are and the command that
/// shows them (all of them with `--verbose`). A large policy's notes would
/// otherwise bury the output of every compile.
fn report_findings(io: &mut Io, diagnostics: Vec<Diagnostic>, sources: &Sources, args: &Args) {
    if diagnostics.is_empty() {
        return;
    }
    if args.verbose {
        io.report(&diagnostics, sources);
        return;
    }
    let summary = crate::diagnostics::render::summary(&diagnostics);
    // warnings that fail the run are shown even when quiet
    let floor = if args.quiet && !args.lint.deny_warnings {
        Severity::Error
    } else {
        Severity::Warning
    };
    let total = diagnostics.len();
    let shown: Vec<Diagnostic> = diagnostics
        .into_iter()
        .filter(|d| d.severity <= floor)
        .collect();
    for piece in shown.chunks(super::RENDER_PIECE) {
        let text = crate::diagnostics::render::human(piece, sources, io.err_color);
        let _ = io.err.write_all(text.as_bytes());
    }
    if args.quiet {
        return;
    }
    if let Some(summary) = summary {
        let _ = writeln!(io.err, "{summary}");
    }
    let hidden = total - shown.len();
    if hidden > 0 {
        let _ = writeln!(
            io.err,
            "{hidden} {} not shown: `mqauthz check {}` shows {} (or `compile -v`)",
            if hidden == 1 { "note" } else { "notes" },
            args.policy,
            if hidden == 1 { "it" } else { "them" }
        );
    }
}

fn refuse_merge(
    io: &mut Io,
    sources: &Sources,
    d: Vec<Diagnostic>,
    into: &str,
    status: ExitStatus,
) -> Result<ExitStatus, Error> {
    io.report(&super::sorted(d), sources);
    let _ = writeln!(
        io.err,
        "error: cannot merge into `{into}`; nothing was written"
    );
    Ok(status)
}

/// Write the product to `-o FILE` (atomically) or standard output.
fn write_product(io: &mut Io, output: Option<&str>, text: &str) -> Result<ExitStatus, Error> {
    match output {
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
