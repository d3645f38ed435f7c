//! `mqauthz explain POLICY|CONFIG queue|topic DEST [--group G]` and
//! `mqauthz explain POLICY temp`: who may do what, and through which grants.

use super::input::{load_or_report, Loaded};
use super::{ExitStatus, Io};
use crate::error::Error;
use crate::semantics::{AuthzMap, DestKind, Entry, Location, Right, EVERYONE};
use crate::source::Sources;
use std::collections::BTreeMap;
use std::fmt::Write as _;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum What {
    Queue,
    Topic,
    /// all temporary queues and topics
    Temp,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A policy or a broker configuration
    #[arg(value_name = "POLICY|CONFIG")]
    input: String,
    /// queue, topic or temp
    #[arg(value_enum)]
    what: What,
    /// The destination (a name, a wildcard subscription such as `ORDERS.*`, or a composite `A,B`)
    #[arg(value_name = "DEST", required_if_eq_any = [("what", "queue"), ("what", "topic")])]
    dest: Option<String>,
    /// Answer for one group only
    #[arg(long, value_name = "GROUP")]
    group: Option<String>,
}

fn who_prefix(group: &Option<String>) -> String {
    group.as_ref().map_or(String::new(), |g| format!("{g} on "))
}

fn shown(group: &str) -> String {
    if group == EVERYONE {
        "everyone".to_string()
    } else {
        group.to_string()
    }
}

/// `file:line  statement text` for a location.
fn place(sources: &Sources, loc: &Location) -> String {
    let Some(file) = sources.get(loc.source) else {
        return String::new();
    };
    let lc = file.line_col(loc.span.start as usize);
    let text = file.line_text(lc.line - 1).trim();
    format!("{}:{}  {}", file.name, lc.line, text)
}

/// The places that gave `group` the `right` through these entries.
fn reasons(sources: &Sources, entries: &[&Entry], group: &str, right: Right) -> Vec<String> {
    let mut out = Vec::new();
    for e in entries {
        if !e.acl.get(right).groups.contains(group) {
            continue;
        }
        let mut found = false;
        for p in &e.provenance {
            let name = if p.group == EVERYONE {
                EVERYONE
            } else {
                p.group.as_str()
            };
            if name == group && p.rights.contains(right) {
                out.push(place(sources, &p.location));
                found = true;
            }
        }
        if !found {
            if let Some(loc) = &e.location {
                out.push(place(sources, loc));
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The grants that give each group `right` on `temp`.
fn temp_reasons(
    sources: &Sources,
    policy: &crate::model::Policy,
    right: Right,
    out: &mut BTreeMap<String, Vec<String>>,
) {
    for grant in &policy.grants {
        let on_temp = grant
            .targets
            .iter()
            .any(|t| t.kind == crate::model::TargetKind::Temp);
        if !on_temp || !grant.right_set().contains(right) {
            continue;
        }
        for p in &grant.principals {
            let group = crate::compile::group_name(policy, p.who);
            let loc = Location {
                source: policy.source,
                span: grant.span,
            };
            if let Some(v) = out.get_mut(&group) {
                v.push(place(sources, &loc));
            }
        }
    }
}

fn is_wildcard(dest: &str) -> bool {
    dest.split([',', '.']).any(|s| {
        let s = s.trim();
        s == "*" || s == ">"
    })
}

pub fn run(args: Args, io: &mut Io) -> Result<ExitStatus, Error> {
    let mut sources = Sources::new();
    let Some(loaded) = load_or_report(io, &mut sources, &args.input)? else {
        return Ok(ExitStatus::Findings);
    };
    if !loaded.findings().is_empty() {
        io.report(&super::sorted(loaded.findings().to_vec()), &sources);
    }
    let empty = AuthzMap::default();
    let (map, open_without_plugin) = match &loaded {
        Loaded::Policy { map, .. } => (map, false),
        Loaded::Config { map: Some(map), .. } => (map, false),
        Loaded::Config { map: None, doc, .. } => (&empty, doc.authorization_plugin.is_none()),
    };
    let name = super::input::name(&args.input);
    let mut out = String::new();
    if open_without_plugin {
        let _ = writeln!(
            out,
            "{name} has no authorizationPlugin: every authenticated user may do everything."
        );
        io.out
            .write_all(out.as_bytes())
            .map_err(|e| Error::io("write", "<stdout>", e))?;
        return Ok(ExitStatus::Success);
    }
    let mut per_right: Vec<(Right, BTreeMap<String, Vec<String>>, bool)> = Vec::new();
    match args.what {
        What::Temp => {
            let _ = writeln!(
                out,
                "{}temporary queues and topics ({name})",
                who_prefix(&args.group)
            );
            for r in Right::ALL {
                match map.temp_groups(r) {
                    None => per_right.push((r, BTreeMap::new(), true)),
                    Some(groups) => {
                        let mut m: BTreeMap<String, Vec<String>> =
                            groups.into_iter().map(|g| (g, Vec::new())).collect();
                        if let Loaded::Policy { front, .. } = &loaded {
                            temp_reasons(&sources, &front.policy, r, &mut m);
                        }
                        per_right.push((r, m, false));
                    }
                }
            }
            if map.temp.is_none() {
                let _ = writeln!(out, "nothing is granted on `temp`, so every authenticated user may create, read and write them");
            }
        }
        What::Queue | What::Topic => {
            let kind = if args.what == What::Queue {
                DestKind::Queue
            } else {
                DestKind::Topic
            };
            let dest = args.dest.clone().unwrap_or_default();
            let max = crate::semantics::MAX_SEGMENTS;
            if dest.split(['.', ',']).count() > max {
                return Err(Error::Usage(format!(
                    "the destination has more than {max} segments; no real destination has"
                )));
            }
            let _ = writeln!(out, "{}{kind} {dest} ({name})", who_prefix(&args.group));
            if is_wildcard(&dest) {
                let _ = writeln!(
                    out,
                    "`{dest}` is a wildcard: this answers whether a subscription is accepted; delivery is still filtered per destination, each by its own read check"
                );
            }
            let entries = map.matching_entries(kind, &dest);
            for r in Right::ALL {
                let groups = map.acl_groups(kind, &dest, r);
                let mut m = BTreeMap::new();
                for g in groups {
                    let why = reasons(&sources, &entries, &g, r);
                    m.insert(g, why);
                }
                per_right.push((r, m, false));
            }
            if map.default_entry.is_some() {
                let _ = writeln!(out, "the defaultEntry adds its groups to every destination");
            }
        }
    }
    out.push('\n');
    for (r, groups, open) in &per_right {
        match &args.group {
            Some(g) => {
                let mut why: Vec<String> = Vec::new();
                for (k, whys) in groups {
                    if k == g || k.as_str() == EVERYONE {
                        let via = if k.as_str() == EVERYONE {
                            "as everyone: "
                        } else {
                            ""
                        };
                        why.extend(whys.iter().map(|w| format!("{via}{w}")));
                    }
                }
                let allowed = *open || groups.keys().any(|k| k == g || k.as_str() == EVERYONE);
                let verdict = match (allowed, *open) {
                    (true, true) => "yes  (temporary destinations are open to every user)",
                    (true, false) => "yes",
                    (false, _) => "no",
                };
                let _ = writeln!(out, "{:<6} {verdict}", r.as_str());
                for w in why {
                    let _ = writeln!(out, "         {w}");
                }
            }
            None => {
                let who: Vec<String> = groups.keys().map(|g| shown(g)).collect();
                let list = if *open {
                    "every authenticated user".to_string()
                } else if who.is_empty() {
                    "nobody".to_string()
                } else {
                    who.join(", ")
                };
                let _ = writeln!(out, "{:<6} {list}", r.as_str());
                for (g, whys) in groups {
                    for why in whys {
                        let _ = writeln!(out, "         {:<16} {why}", shown(g));
                    }
                }
            }
        }
    }
    io.out
        .write_all(out.as_bytes())
        .map_err(|e| Error::io("write", "<stdout>", e))?;
    Ok(ExitStatus::Success)
}
