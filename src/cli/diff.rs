//! `mqauthz diff OLD NEW`: what changes in who may do what.

use super::{ExitStatus, Io};
use crate::analysis::Options;
use crate::diff::{diff_prepared, open_map, write_json, write_text, Names, Prepared};
use crate::error::Error;
use crate::pipeline::{self, Goal, Loaded};
use crate::source::Sources;
use std::io::Write;

/// Output format of `diff`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffFormat {
    /// One line per change
    Text,
    /// JSON, schema in docs/diff-json.md
    Json,
}

/// Which differences make the command exit 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    /// Any difference
    Any,
    /// Only access NEW grants that OLD does not
    NewAccess,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The old side: a policy or a broker configuration
    #[arg(value_name = "OLD")]
    old: String,
    /// The new side: a policy or a broker configuration
    #[arg(value_name = "NEW")]
    new: String,
    /// Output format
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    format: DiffFormat,
    /// Which differences exit 1
    #[arg(long, value_enum, default_value_t = FailOn::Any)]
    fail_on: FailOn,
}

/// Load one side and keep only what the comparison needs of its map (its
/// principals numbered in `names`); the map, and a policy's model, are
/// dropped before the other side is loaded. `None` when it cannot be used
/// (reported). A policy's analysis findings are not shown by `diff`, so its
/// rules are not run. The flag says the side is a configuration without an
/// authorizationPlugin.
pub(super) fn load_side(
    sources: &mut Sources,
    path: &str,
    io: &mut Io,
    names: &mut Names,
) -> Result<Option<(Prepared, bool)>, Error> {
    let mut loaded = match pipeline::load(sources, path, &Options::default(), Goal::Map)? {
        Ok(loaded) => loaded,
        Err(d) => {
            io.report(&super::sorted(d), sources);
            return Ok(None);
        }
    };
    let findings = loaded.take_findings();
    if !findings.is_empty() {
        io.report(&super::sorted(findings), sources);
    }
    let open = matches!(loaded, Loaded::Config { map: None, .. });
    // the document and the model are not kept: only what the comparison needs
    let map = match loaded {
        Loaded::Policy { map, front, .. } => {
            drop(front);
            map
        }
        Loaded::Config { map, doc, .. } => {
            drop(doc);
            map.unwrap_or_else(open_map)
        }
    };
    Ok(Some((Prepared::new(&map, names), open)))
}

pub fn run(args: Args, io: &mut Io) -> Result<ExitStatus, Error> {
    super::stdin_once([args.old.as_str(), args.new.as_str()])?;
    let mut sources = Sources::new();
    let mut names = Names::new();
    let Some((old, old_open)) = load_side(&mut sources, &args.old, io, &mut names)? else {
        return Ok(ExitStatus::Error);
    };
    let Some((new, new_open)) = load_side(&mut sources, &args.new, io, &mut names)? else {
        return Ok(ExitStatus::Error);
    };
    for (open, path) in [(old_open, &args.old), (new_open, &args.new)] {
        if open {
            let _ = writeln!(
                io.err,
                "note: {} has no authorizationPlugin: every authenticated user may do everything",
                crate::load::display_name(path)
            );
        }
    }
    let d = diff_prepared(&old, &new, &names);
    // written as it is formatted: the text of a large difference is not
    // held in memory next to the difference itself
    let mut out = std::io::BufWriter::new(&mut *io.out);
    match args.format {
        DiffFormat::Text => write_text(&d, io.out_color, &mut out),
        DiffFormat::Json => write_json(&d, &mut out),
    }
    .and_then(|()| out.flush())
    .map_err(|e| Error::io("write", "<stdout>", e))?;
    drop(out);
    let failing = match args.fail_on {
        FailOn::Any => !d.is_empty(),
        FailOn::NewAccess => d.has_gains(),
    };
    Ok(if failing {
        ExitStatus::Findings
    } else {
        ExitStatus::Success
    })
}
