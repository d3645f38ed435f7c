//! `mqauthz check POLICY...`

use super::{status_of, write_diagnostics, ExitStatus, Io};
use crate::analysis::{registry, Options, Target, Version};
use crate::diagnostics::render::Format;
use crate::diagnostics::Severity;
use crate::error::Error;
use crate::pipeline::{self, Goal};
use crate::source::Sources;
use std::collections::BTreeMap;

/// The severity overrides of `--allow`, `--warn` and `--deny` (rule names
/// or codes), by rule name; `None` turns a rule off.
pub(super) fn rule_overrides(
    allow: &[String],
    warn: &[String],
    deny: &[String],
) -> Result<BTreeMap<&'static str, Option<Severity>>, Error> {
    let mut overrides = BTreeMap::new();
    for (names, severity) in [
        (allow, None),
        (warn, Some(Severity::Warning)),
        (deny, Some(Severity::Error)),
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
            overrides.insert(rule.meta().code.name, severity);
        }
    }
    Ok(overrides)
}

/// Options shared by every command that analyses a policy.
#[derive(Debug, Clone, clap::Args)]
pub(super) struct LintArgs {
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
    /// The broker's users and their groups (repeatable): a broker configuration's
    /// simpleAuthenticationPlugin, `aws mq describe-user` JSON, JAAS
    /// groups.properties or users.properties; runs the membership rules
    #[arg(long = "members", value_name = "FILE")]
    pub members: Vec<String>,
}

impl LintArgs {
    /// Build analysis options; the broker facts are filled in by the caller.
    pub(super) fn options(&self) -> Result<Options, Error> {
        let version = Version::parse(&self.activemq_version)
            .map_err(|e| Error::Usage(format!("--activemq-version: {e}")))?;
        let mut options = Options {
            version,
            target: self.target,
            ..Options::default()
        };
        options.overrides = rule_overrides(&self.allow, &self.warn, &self.deny)?;
        Ok(options)
    }
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Policy files to check, or folders to search for `*.mqa` files
    /// (respecting .gitignore); `-` reads standard input
    #[arg(required = true, value_name = "POLICY")]
    policies: Vec<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    #[command(flatten)]
    lint: LintArgs,
    #[command(flatten)]
    properties: super::PropertyArgs,
}

/// What is reported about the configuration a policy is for (`check
/// --config`, `compile --config` and `compile --into`): `no-authentication`
/// on a self-hosted configuration, since the policy's map, merged into a
/// broker that authenticates nobody, refuses every client. Amazon MQ always
/// authenticates. Severity overrides (`--allow no-authentication`) apply.
pub(super) fn config_findings(
    doc: &crate::xml::ConfigDoc,
    options: &Options,
) -> Vec<crate::diagnostics::Diagnostic> {
    use crate::audit::selfhosted::{no_authentication, NO_AUTHENTICATION};
    use crate::xml::ConfigFormat;
    let self_hosted = options.target == Target::Activemq
        && matches!(doc.format, ConfigFormat::Spring | ConfigFormat::OtherRoot);
    if !self_hosted {
        return Vec::new();
    }
    let severity = match options.overrides.get(NO_AUTHENTICATION.code.name) {
        Some(None) => return Vec::new(),
        Some(Some(s)) => Some(*s),
        None => None,
    };
    no_authentication(doc, true)
        .map(|mut d| {
            if let Some(s) = severity {
                d.severity = s;
            }
            d.help = Some(format!(
                "{} (or `--allow no-authentication` when authentication is configured where mqauthz cannot see it)",
                d.help.unwrap_or_default()
            ));
            d
        })
        .into_iter()
        .collect()
}

pub(super) fn run(args: Args, io: &mut Io) -> Result<ExitStatus, Error> {
    let mut sources = Sources::new();
    let mut options = args.lint.options()?;
    super::stdin_once(
        args.policies
            .iter()
            .chain(args.lint.config.iter())
            .map(String::as_str),
    )?;
    let mut all = Vec::new();
    if let Some(config) = &args.lint.config {
        match pipeline::load_config_with(&mut sources, config, &args.properties.values()?)? {
            Ok(doc) => {
                options.broker = pipeline::facts_of(&doc);
                all.extend(config_findings(&doc, &options));
            }
            Err(d) => all.extend(d),
        }
    }
    if !args.lint.members.is_empty() {
        // a malformed membership file is a located error; the policies are
        // still checked, without the membership rules
        match pipeline::load_members(&mut sources, &args.lint.members)? {
            Ok(m) => options.members = Some(std::sync::Arc::new(m)),
            Err(d) => all.extend(d),
        }
    }
    let policies = crate::fsutil::policy_files(&args.policies)?;
    // every file is checked: one that cannot be read is reported on
    // standard error and the others still make one document
    let mut unreadable = ExitStatus::Success;
    for path in &policies {
        let diagnostics = match pipeline::analyse(&mut sources, path, &options, Goal::Findings) {
            Ok(analysed) => analysed.diagnostics,
            Err(e) => {
                let _ = writeln!(io.err, "error: {e}");
                unreadable = ExitStatus::Error;
                continue;
            }
        };
        if all.is_empty() {
            all = diagnostics;
        } else {
            all.extend(diagnostics);
        }
    }
    let all = super::sorted(all);
    let closing = super::Closing {
        files: policies.len(),
        deny_warnings: args.lint.deny_warnings,
    };
    write_diagnostics(io.out, args.format, &all, &sources, io.out_color, closing)?;
    Ok(status_of(&all, args.lint.deny_warnings).worst(unreadable))
}
