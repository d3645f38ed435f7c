//! `mqauthz check POLICY...`

use super::{status_of, write_diagnostics, ExitStatus, Io};
use crate::analysis::{registry, Options, Target, Version};
use crate::diagnostics::render::Format;
use crate::diagnostics::Severity;
use crate::error::Error;
use crate::pipeline::{self, Goal};
use crate::source::Sources;

/// Options shared by every command that analyses a policy.
#[derive(Debug, Clone, clap::Args)]
pub struct LintArgs {
    /// Exit 1 on warnings too
    #[arg(long)]
    pub deny_warnings: bool,
    /// Turn a rule off (name or code; repeatable)
    #[arg(long, value_name = "RULE")]
    pub allow: Vec<String>,
    /// Report a rule as a warning (repeatable)
    #[arg(long, value_name = "RULE")]
    pub warn: Vec<String>,
    /// Report a rule as an error (repeatable)
    #[arg(long, value_name = "RULE")]
    pub deny: Vec<String>,
    /// The ActiveMQ version the broker runs; decides version-dependent rules
    #[arg(long, value_name = "VERSION", default_value = "5.18")]
    pub activemq_version: String,
    /// The kind of broker
    #[arg(long, value_enum, default_value_t = Target::Activemq)]
    pub target: Target,
    /// The broker configuration the policy is for (activemq.xml, Amazon MQ XML
    /// or AWS CLI JSON): declared destinations and advisorySupport inform the rules
    #[arg(long, value_name = "CONFIG")]
    pub config: Option<String>,
}

impl LintArgs {
    /// Build analysis options; the broker facts are filled in by the caller.
    pub fn options(&self) -> Result<Options, Error> {
        let version = Version::parse(&self.activemq_version)
            .map_err(|e| Error::Usage(format!("--activemq-version: {e}")))?;
        let mut options = Options {
            version,
            target: self.target,
            ..Options::default()
        };
        for (names, severity) in [
            (&self.allow, None),
            (&self.warn, Some(Severity::Warning)),
            (&self.deny, Some(Severity::Error)),
        ] {
            for name in names {
                let rule = registry::find(name).ok_or_else(|| {
                    let hint = crate::util::did_you_mean(
                        name,
                        registry::RULES.iter().map(|r| r.meta().code.name),
                    )
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default();
                    Error::Usage(format!(
                        "unknown rule `{name}`{hint}; `mqauthz rules` lists them"
                    ))
                })?;
                options.overrides.insert(rule.meta().code.name, severity);
            }
        }
        Ok(options)
    }
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Policy files to check (`-` reads standard input)
    #[arg(required = true, value_name = "POLICY")]
    policies: Vec<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    #[command(flatten)]
    lint: LintArgs,
}

pub fn run(args: Args, io: &mut Io) -> Result<ExitStatus, Error> {
    let mut sources = Sources::new();
    let mut options = args.lint.options()?;
    let mut all = Vec::new();
    if let Some(config) = &args.lint.config {
        let (facts, diagnostics) = pipeline::broker_facts(&mut sources, config)?;
        options.broker = facts;
        all.extend(diagnostics);
    }
    for path in &args.policies {
        let diagnostics =
            pipeline::analyse(&mut sources, path, &options, Goal::Findings)?.diagnostics;
        if all.is_empty() {
            all = diagnostics;
        } else {
            all.extend(diagnostics);
        }
    }
    let all = super::sorted(all);
    write_diagnostics(io.out, args.format, &all, &sources, io.out_color)?;
    Ok(status_of(&all, args.lint.deny_warnings))
}
