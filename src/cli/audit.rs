//! `mqauthz audit [OPTIONS] PATH...`: the broker security practices,
//! checked offline from broker files (docs/audit.md).

use super::{status_of, write_diagnostics, ExitStatus, Io};
use crate::analysis::Version;
use crate::audit::{self, Protocol, Target};
use crate::diagnostics::render::Format;
use crate::error::Error;
use crate::source::Sources;
use std::collections::BTreeSet;

/// `mqauthz audit`: the arguments. The command's one-line description is
/// its variant's in [`super::Command`].
#[derive(Debug, clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    /// Broker files or folders (`-` reads standard input)
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<String>,
    /// The protocols clients use (comma-separated): connectors and open ports
    /// of other protocols are reported
    #[arg(long, value_enum, value_delimiter = ',', value_name = "LIST")]
    protocols: Option<Vec<Protocol>>,
    /// The ActiveMQ version a self-hosted broker runs (X.Y or X.Y.Z; a patch
    /// level enables known-vulnerable-version)
    #[arg(long, value_name = "VERSION")]
    activemq_version: Option<String>,
    /// The kind of broker [default: amazon-mq when AWS CLI JSON is given or a
    /// configuration's root is <broker>, else self-hosted]
    #[arg(long, value_enum)]
    target: Option<Target>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Exit 1 on warnings too
    #[arg(long)]
    deny_warnings: bool,
    /// Turn a rule off (name or code; repeatable)
    #[arg(long, value_name = "RULE")]
    allow: Vec<String>,
    /// Report a rule as a warning (repeatable)
    #[arg(long, value_name = "RULE")]
    warn: Vec<String>,
    /// Report a rule as an error (repeatable)
    #[arg(long, value_name = "RULE")]
    deny: Vec<String>,
}

/// Shown after the options.
const AFTER_HELP: &str = "\
A PATH is a file or a folder. A folder is read one level deep (and its conf/) for activemq.xml,
jetty.xml, jetty-realm.properties, users.properties, groups.properties, credentials.properties,
jmx.password and every *.json. Kinds are told by content: AWS CLI JSON (describe-broker,
describe-security-groups, describe-configuration-revision, describe-user), broker configuration
XML, jetty.xml; properties files by name. Passwords are shown masked.

Exit status:
  0  nothing fails the run (warnings and notes alone)
  1  findings that fail the run: errors, warnings under --deny-warnings, malformed input included
  2  could not run: an unreadable or unrecognised input, bad arguments";

impl Args {
    fn options(&self) -> Result<audit::Options, Error> {
        let activemq_version = match &self.activemq_version {
            Some(v) => Some((
                v.trim().to_string(),
                Version::parse(v).map_err(|e| Error::Usage(format!("--activemq-version: {e}")))?,
            )),
            None => None,
        };
        let overrides = super::check::rule_overrides(&self.allow, &self.warn, &self.deny)?;
        Ok(audit::Options {
            protocols: self
                .protocols
                .as_ref()
                .map(|p| p.iter().copied().collect::<BTreeSet<_>>()),
            activemq_version,
            target: self.target,
            overrides,
        })
    }
}

pub(super) fn run(args: Args, io: &mut Io) -> Result<ExitStatus, Error> {
    super::stdin_once(args.paths.iter().map(String::as_str))?;
    let options = args.options()?;
    // MQAUTHZ_TODAY, when set, must be a date (engine-version-unsupported)
    crate::audit::versions::Date::today().map_err(Error::Usage)?;
    let mut sources = Sources::new();
    let found = audit::run(&args.paths, &options, &mut sources)?;
    let closing = super::Closing {
        files: found.files,
        deny_warnings: args.deny_warnings,
    };
    let found = found.diagnostics;
    write_diagnostics(io.out, args.format, &found, &sources, io.out_color, closing)?;
    Ok(status_of(&found, args.deny_warnings))
}
