//! `mqauthz rules [NAME]`: the rule catalogue.

use super::{ExitStatus, Io};
use crate::analysis::registry::{self, RULES};
use crate::error::Error;
use std::io::Write;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print the documentation of one rule (name or code)
    name: Option<String>,
}

pub fn run(args: Args, io: &mut Io) -> Result<ExitStatus, Error> {
    let text = match &args.name {
        Some(name) => {
            let rule = registry::find(name)
                .ok_or_else(|| Error::Usage(format!("unknown rule `{name}`; `mqauthz rules` lists them")))?;
            let m = rule.meta();
            format!(
                "# {} ({}, {} by default)\n\n{}\n\n{}",
                m.code.name, m.code.id, m.severity, m.summary, m.docs
            )
        }
        None => {
            let mut s = String::new();
            for rule in RULES {
                let m = rule.meta();
                s.push_str(&format!("{}  {:<30} {:<8} {}\n", m.code.id, m.code.name, m.severity, m.summary));
            }
            s
        }
    };
    io.out
        .write_all(text.as_bytes())
        .map_err(|e| Error::io("write", "<stdout>", e))?;
    Ok(ExitStatus::Success)
}
