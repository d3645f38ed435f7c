//! `mqauthz explain POLICY|CONFIG queue|topic DEST [--group G]`,
//! `mqauthz explain POLICY temp` and, with `--members FILE`, `--user NAME`:
//! who may do what, and through which grants. Without a destination, with
//! `--group` or `--user`: everything that group or user may do.

use super::{ExitStatus, Io};
use crate::analysis::Version;
use crate::error::Error;
use crate::explain::{explain, render_json, render_text, Question, Subject, UserQuestion};
use crate::membership::Membership;
use crate::pipeline::Loaded;
use crate::semantics::DestKind;
use crate::semantics::{Right, EVERYONE};
use crate::source::Sources;
use std::collections::BTreeSet;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(super) enum What {
    Queue,
    Topic,
    /// all temporary queues and topics
    Temp,
    /// the advisory topics, `topic ActiveMQ.Advisory.>` (as in a policy)
    Advisory,
}

/// Output format of `explain`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(super) enum ExplainFormat {
    /// Plain text
    Text,
    /// JSON, schema in docs/explain-json.md
    Json,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A policy or a broker configuration
    #[arg(value_name = "POLICY|CONFIG")]
    input: String,
    /// queue, topic, temp or advisory; leave out with --group or --user for
    /// everything they may do
    #[arg(value_enum)]
    what: Option<What>,
    /// The destination (a name, a wildcard subscription such as `ORDERS.*`, or a composite `A,B`);
    /// for temp, optionally one temporary destination (`ID:...`)
    #[arg(value_name = "DEST", required_if_eq_any = [("what", "queue"), ("what", "topic")])]
    dest: Option<String>,
    /// Answer for one group only
    #[arg(long, value_name = "GROUP", conflicts_with = "user")]
    group: Option<String>,
    /// Answer for one user of --members: the union over their groups, and
    /// everyone when it reaches them
    #[arg(long, value_name = "NAME", requires = "members")]
    user: Option<String>,
    /// The broker's users and their groups (repeatable): a broker configuration's
    /// simpleAuthenticationPlugin, `aws mq describe-user` JSON, JAAS
    /// groups.properties or users.properties
    #[arg(long = "members", value_name = "FILE")]
    members: Vec<String>,
    /// The ActiveMQ version the broker runs: from 6.3.0, everyone matches
    /// users without groups too
    #[arg(long, value_name = "VERSION", default_value = "5.18")]
    activemq_version: String,
    /// Output format
    #[arg(long, value_enum, default_value_t = ExplainFormat::Text)]
    format: ExplainFormat,
    #[command(flatten)]
    properties: super::PropertyArgs,
}

/// The groups a loaded input names: declared in the policy, or in the map.
fn known_groups(loaded: &Loaded) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    if let Loaded::Policy { front, .. } = loaded {
        out.extend(front.policy.groups.iter().map(|g| g.name.clone()));
    }
    if let Some(map) = loaded.map() {
        let acls = map
            .entries
            .iter()
            .map(|e| &e.acl)
            .chain(map.default_entry.iter())
            .chain(map.temp.iter());
        for acl in acls {
            for r in Right::ALL {
                out.extend(acl.get(r).groups.iter().cloned());
            }
        }
    }
    out
}

fn hint(name: &str, candidates: impl IntoIterator<Item = String>) -> String {
    let candidates: Vec<String> = candidates.into_iter().collect();
    crate::util::did_you_mean(name, candidates.iter().map(String::as_str))
        .map(|s| format!(" (did you mean `{s}`?)"))
        .unwrap_or_default()
}

pub(super) fn run(args: Args, io: &mut Io) -> Result<ExitStatus, Error> {
    let version = Version::parse(&args.activemq_version)
        .map_err(|e| Error::Usage(format!("--activemq-version: {e}")))?;
    if args.what.is_none() && args.group.is_none() && args.user.is_none() {
        return Err(Error::Usage(
            "say what to explain: queue DEST, topic DEST, temp or advisory; or --group G or --user NAME (with --members) for everything they may do".into(),
        ));
    }
    let mut sources = Sources::new();
    let members = if args.members.is_empty() {
        None
    } else {
        match crate::pipeline::load_members(&mut sources, &args.members)? {
            Ok(m) => Some(m),
            Err(d) => {
                io.report(&super::sorted(d), &sources);
                return Ok(ExitStatus::Error);
            }
        }
    };
    if let Some(dest) = args
        .dest
        .as_deref()
        .filter(|_| args.what != Some(What::Advisory))
    {
        let problems = crate::explain::check_destination(&mut sources, dest);
        if !problems.is_empty() {
            io.report(&problems, &sources);
            return Ok(ExitStatus::Error);
        }
    }
    let Some(loaded) = super::load_or_report(io, &mut sources, &args.input, &args.properties)?
    else {
        return Ok(ExitStatus::Findings);
    };
    if !loaded.findings().is_empty() {
        io.report(&super::sorted(loaded.findings().to_vec()), &sources);
    }
    if let Some(group) = &args.group {
        let mut known = known_groups(&loaded);
        if let Some(m) = &members {
            known.extend(m.groups().keys().map(|g| g.to_string()));
        }
        let everyone = group == EVERYONE || group == "everyone";
        if !loaded.without_plugin() && !everyone && !known.contains(group) {
            return Err(Error::Usage(format!(
                "unknown group `{group}`{}: neither the input nor --members names it",
                hint(group, known)
            )));
        }
    }
    let user = match (&args.user, &members) {
        (Some(name), Some(m)) => Some(user_question(m, name, version)?),
        _ => None,
    };
    let subject = match args.what {
        None => Subject::Everything,
        Some(What::Temp) => Subject::Temp {
            name: args.dest.clone(),
        },
        Some(What::Advisory) => {
            if args.dest.is_some() {
                return Err(Error::Usage(
                    "`advisory` names every advisory topic (`topic ActiveMQ.Advisory.>`) and takes no DEST; \
                     for one advisory topic, ask `explain POLICY topic ActiveMQ.Advisory.NAME`"
                        .into(),
                ));
            }
            Subject::Destination {
                kind: DestKind::Topic,
                name: crate::model::ADVISORY_PATTERN.to_string(),
            }
        }
        Some(what @ (What::Queue | What::Topic)) => Subject::Destination {
            kind: if what == What::Queue {
                DestKind::Queue
            } else {
                DestKind::Topic
            },
            name: args.dest.clone().unwrap_or_default(),
        },
    };
    let name = crate::load::display_name(&args.input);
    let question = Question {
        subject,
        group: args.group,
        user,
    };
    let x = explain(&sources, &loaded, &name, &question)?;
    let text = match args.format {
        ExplainFormat::Text => render_text(&x),
        ExplainFormat::Json => render_json(&x),
    };
    io.out
        .write_all(text.as_bytes())
        .map_err(|e| Error::io("write", "<stdout>", e))?;
    Ok(ExitStatus::Success)
}

/// The question for user `name` of `members`: their groups, and whether
/// `*` reaches them (a principal held; any user from ActiveMQ 6.3.0).
pub(super) fn user_question(
    members: &Membership,
    name: &str,
    version: Version,
) -> Result<UserQuestion, Error> {
    let Some(user) = members.user(name) else {
        return Err(Error::Usage(format!(
            "unknown user `{name}`{}: --members names no such user",
            hint(name, members.users.keys().cloned())
        )));
    };
    Ok(UserQuestion {
        name: user.name.clone(),
        groups: user.groups.keys().cloned().collect(),
        everyone: user.has_principal() || version >= Version(6, 3, 0),
    })
}
