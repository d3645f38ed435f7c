//! `mqauthz diff OLD NEW`: what changes in who may do what.

use super::{ExitStatus, Io};
use crate::analysis::Options;
use crate::diff::{
    diff_prepared, diff_users, open_map, user_map, write_json_with_users, write_text,
    write_users_text, DiffUser, MapDiff, Names, Prepared, UserMap,
};
use crate::error::Error;
use crate::pipeline::{self, Goal, Loaded};
use crate::semantics::{DestKind, Right};
use crate::source::Sources;
use std::io::Write;

/// Output format of `diff`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(super) enum DiffFormat {
    /// One line per change
    Text,
    /// JSON, schema in docs/diff-json.md
    Json,
    /// Markdown change review, for a pull-request comment
    Md,
    /// GitHub Actions workflow commands: an `::error` annotation for each
    /// change that fails the run (`--fail-on`), a `::notice` for the others,
    /// at the grant of a NEW policy that gives the access
    Github,
}

/// Which differences make the command exit 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(super) enum FailOn {
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
    #[command(flatten)]
    properties: super::PropertyArgs,
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
    properties: &crate::xml::Properties,
) -> Result<Option<(Prepared, bool, Option<UserMap>)>, Error> {
    let mut loaded =
        match pipeline::load_with(sources, path, &Options::default(), Goal::Map, properties)? {
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

pub(super) fn run(args: Args, io: &mut Io) -> Result<ExitStatus, Error> {
    super::stdin_once([args.old.as_str(), args.new.as_str()])?;
    let version = crate::analysis::Version::parse(&args.activemq_version)
        .map_err(|e| Error::Usage(format!("--activemq-version: {e}")))?;
    if args.format == DiffFormat::Github && !args.members.is_empty() {
        // an annotation sits at a grant of the policy: one per user there
        // would repeat each group's annotation once per member
        return Err(Error::Usage(
            "--members does not apply to --format github: annotations mark the grants, \
             which name groups; use --format md (a \"By user\" section) or --format json \
             for the per-user changes"
                .to_string(),
        ));
    }
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
    let properties = args.properties.values()?;
    let Some((old, old_open, old_users)) = load_side(
        &mut sources,
        &args.old,
        io,
        &mut names,
        users.as_deref(),
        &properties,
    )?
    else {
        return Ok(ExitStatus::Error);
    };
    let Some((new, new_open, new_users)) = load_side(
        &mut sources,
        &args.new,
        io,
        &mut names,
        users.as_deref(),
        &properties,
    )?
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
        DiffFormat::Md => {
            let sides = crate::diff::markdown::Sides {
                old: &crate::load::display_name(&args.old),
                new: &crate::load::display_name(&args.new),
                sources: &sources,
            };
            let md =
                crate::diff::markdown::render_markdown_with_users(&d, by_user.as_ref(), &sides);
            out.write_all(md.as_bytes())
        }
        DiffFormat::Github => write_github(&d, &args, &mut out),
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

/// Where a NEW policy grants a (group, right, kind, pattern): the file and
/// the target's start and end (line, column). Configurations, and a policy
/// on standard input, give no locations.
type Places = std::collections::HashMap<(String, Right, DestKind, String), Place>;
type Place = (String, (usize, usize), (usize, usize));

fn grant_places(path: &str) -> Places {
    let mut places = Places::new();
    if path == "-" || !path.ends_with(".mqa") {
        return places;
    }
    let mut sources = Sources::new();
    let Ok(front) = crate::load::policy(&mut sources, path) else {
        return places;
    };
    let policy = &front.policy;
    let Some(file) = sources.get(policy.source) else {
        return places;
    };
    for grant in &policy.grants {
        for t in &grant.targets {
            let crate::model::TargetKind::Dest { kind, pattern } = &t.kind else {
                continue;
            };
            let a = file.line_col(t.span.start as usize);
            let b = file.line_col(t.span.end as usize);
            for p in &grant.principals {
                let group = match p.who {
                    crate::model::Who::Everyone => "*".to_string(),
                    w => policy.group_name(w).to_string(),
                };
                for r in grant.right_set().iter() {
                    places
                        .entry((group.clone(), r, *kind, pattern.clone()))
                        .or_insert_with(|| (file.name.clone(), (a.line, a.col), (b.line, b.col)));
                }
            }
        }
    }
    places
}

/// The difference as GitHub Actions annotations.
fn write_github(d: &MapDiff, args: &Args, out: &mut dyn Write) -> std::io::Result<()> {
    use crate::diagnostics::render::github_command;
    use crate::diff::Direction;
    let failing = |dir: Direction| match args.fail_on {
        FailOn::Any => true,
        FailOn::NewAccess => dir == Direction::Gained,
    };
    let level = |dir: Direction| if failing(dir) { "error" } else { "notice" };
    let title = |dir: Direction| match dir {
        Direction::Gained => "access gained",
        Direction::Lost => "access lost",
    };
    let verb = |dir: Direction| match dir {
        Direction::Gained => "gains",
        Direction::Lost => "loses",
    };
    let places = if d.has_gains() {
        grant_places(&args.new)
    } else {
        Places::new()
    };
    for c in &d.changes {
        let place = (c.change == Direction::Gained)
            .then(|| places.get(&(c.group.clone(), c.right, c.kind, c.pattern.clone())))
            .flatten()
            .map(|(f, a, b)| (f.as_str(), *a, *b));
        let message = format!(
            "`{}` {} {} on {}{} {} (e.g. {})",
            crate::diff::shown(&c.group),
            verb(c.change),
            c.right,
            if c.composite { "composite " } else { "" },
            c.kind,
            c.pattern,
            c.example
        );
        out.write_all(
            github_command(level(c.change), place, title(c.change), &message).as_bytes(),
        )?;
    }
    for c in &d.temp {
        let message = format!(
            "`{}` {} {} on temp",
            crate::diff::shown(&c.group),
            verb(c.change),
            c.right
        );
        out.write_all(github_command(level(c.change), None, title(c.change), &message).as_bytes())?;
    }
    Ok(())
}
