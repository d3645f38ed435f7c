//! `mqauthz import CONFIG`: a policy meaning what a configuration's
//! authorization map means.

use super::load_or_report;
use super::{ExitStatus, Io};
use crate::error::Error;
use crate::import::{import, only_other_classes, unexpressible};
use crate::pipeline::Loaded;
use crate::source::Sources;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A broker configuration (activemq.xml, Amazon MQ XML or AWS CLI JSON)
    #[arg(value_name = "CONFIG")]
    config: String,
    #[command(flatten)]
    properties: super::PropertyArgs,
}

pub(super) fn run(args: Args, io: &mut Io) -> Result<ExitStatus, Error> {
    let mut sources = Sources::new();
    let Some(loaded) = load_or_report(io, &mut sources, &args.config, &args.properties)? else {
        // refused with located diagnostics
        return Ok(ExitStatus::Findings);
    };
    let (doc, map, findings) = match loaded {
        Loaded::Config {
            doc, map, findings, ..
        } => (doc, map, findings),
        Loaded::Policy { .. } => {
            return Err(Error::Usage(format!(
            "`{}` is a policy, not a broker configuration: `import` turns a configuration into a policy; \
             a policy is compiled with `mqauthz compile POLICY`, or merged into a configuration with \
             `mqauthz compile POLICY --into CONFIG`",
            crate::load::display_name(&args.config)
        )))
        }
    };
    let Some(map) = map else {
        io.report(&super::sorted(findings), &sources);
        let _ = writeln!(
            io.err,
            "{} has no authorizationPlugin: every authenticated user may do everything, and there is no policy to import.\n\
             The nearest policy is `grant everyone all on queue >, topic >` (it shuts out users without any group).",
            crate::load::display_name(&args.config)
        );
        return Ok(ExitStatus::Findings);
    };
    let imported = import(&map);
    let mut diagnostics = findings;
    diagnostics.extend(unexpressible(&imported, &doc));
    let refusal = only_other_classes(&map);
    let refused = refusal.is_some();
    diagnostics.extend(refusal);
    let diagnostics = super::sorted(diagnostics);
    if !diagnostics.is_empty() {
        io.report(&diagnostics, &sources);
    }
    if refused {
        return Ok(ExitStatus::Findings);
    }
    io.out
        .write_all(imported.text.as_bytes())
        .map_err(|e| Error::io("write", "<stdout>", e))?;
    Ok(super::status_of(&diagnostics, false))
}
