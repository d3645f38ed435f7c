//! `mqauthz check POLICY...`

use super::{status_of, write_diagnostics, ExitStatus, Io};
use crate::diagnostics::render::Format;
use crate::error::Error;
use crate::load;
use crate::source::Sources;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Policy files to check (`-` reads standard input)
    #[arg(required = true, value_name = "POLICY")]
    policies: Vec<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Exit 1 on warnings too
    #[arg(long)]
    deny_warnings: bool,
}

pub fn run(args: Args, io: &mut Io) -> Result<ExitStatus, Error> {
    let mut sources = Sources::new();
    let mut all = Vec::new();
    for path in &args.policies {
        let front = load::policy(&mut sources, path)?;
        all.extend(front.diagnostics);
    }
    let all = super::sorted(all);
    write_diagnostics(io.out, args.format, &all, &sources, io.out_color)?;
    Ok(status_of(&all, args.deny_warnings))
}
