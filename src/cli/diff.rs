//! `mqauthz diff OLD NEW`: what changes in who may do what.

use super::{ExitStatus, Io};
use crate::analysis::Options;
use crate::diff::{
    diff_prepared, diff_users, open_map, user_map, write_json_with_users, write_text,
    write_users_text, DiffUser, Names, Prepared,
};
use crate::error::Error;
use crate::pipeline::{self, Goal, Loaded};
use crate::semantics::AuthzMap;
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
    /// The broker's users and their groups (repeatable): adds who gains or
    /// loses which right on what, per user
    #[arg(long = "members", value_name = "FILE")]
    members: Vec<String>,
    /// The ActiveMQ version the broker runs: from 6.3.0, everyone matches
    /// users without groups too
    #[arg(long, value_name = "VERSION", default_value = "5.18")]
    activemq_version: String,
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
    users: Option<&[DiffUser]>,
) -> Result<Option<(Prepared, bool, Option<AuthzMap>)>, Error> {
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
    let by_user = users.map(|u| user_map(&map, u, open));
    Ok(Some((Prepared::new(&map, names), open, by_user)))
}

pub fn run(args: Args, io: &mut Io) -> Result<ExitStatus, Error> {
    let version = crate::analysis::Version::parse(&args.activemq_version)
        .map_err(|e| Error::Usage(format!("--activemq-version: {e}")))?;
    let mut sources = Sources::new();
    let users: Option<Vec<DiffUser>> = if args.members.is_empty() {
        None
    } else {
        match pipeline::load_members(&mut sources, &args.members)? {
            Ok(m) => Some(
                m.users
                    .values()
                    .map(|u| DiffUser {
                        name: u.name.clone(),
                        groups: u.groups.keys().cloned().collect(),
                        everyone: u.has_principal() || version >= crate::analysis::Version(6, 3, 0),
                    })
                    .collect(),
            ),
            Err(d) => {
                io.report(&super::sorted(d), &sources);
                return Ok(ExitStatus::Error);
            }
        }
    };
    let mut names = Names::new();
    let Some((old, old_open, old_users)) =
        load_side(&mut sources, &args.old, io, &mut names, users.as_deref())?
    else {
        return Ok(ExitStatus::Error);
    };
    let Some((new, new_open, new_users)) =
        load_side(&mut sources, &args.new, io, &mut names, users.as_deref())?
    else {
        return Ok(ExitStatus::Error);
    };
    let by_user = match (&old_users, &new_users) {
        (Some(o), Some(n)) => Some(diff_users(o, n)),
        _ => None,
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
        DiffFormat::Text => write_text(&d, io.out_color, &mut out).and_then(|()| match &by_user {
            Some(u) => write_users_text(u, io.out_color, !d.is_empty(), &mut out),
            None => Ok(()),
        }),
        DiffFormat::Json => write_json_with_users(&d, by_user.as_ref(), &mut out),
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
