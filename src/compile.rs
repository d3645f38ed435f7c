//! Policy → ActiveMQ authorization map: one entry per (kind, pattern) with
//! sorted group lists (`everyone` becomes `*`), a temp entry when the policy
//! grants anything on `temp`, no defaultEntry. Pure and infallible once the
//! policy resolved without errors.

use crate::model::{Policy, TargetKind, Who};
use crate::semantics::{
    Acl, AuthzMap, DestKind, Entry, GroupList, Location, Provenance, Right, RightSet, EVERYONE,
};
use std::collections::{BTreeMap, BTreeSet};

/// The ActiveMQ group name of a principal.
pub fn group_name(policy: &Policy, who: Who) -> String {
    match who {
        Who::Everyone => EVERYONE.to_string(),
        Who::Group(_) => policy.group_name(who).to_string(),
    }
}

#[derive(Default)]
struct Building {
    groups: [BTreeSet<String>; 3],
    provenance: Vec<Provenance>,
}

impl Building {
    fn add(&mut self, group: &str, rights: RightSet, location: Location) {
        for r in rights.iter() {
            self.groups[right_index(r)].insert(group.to_string());
        }
        self.provenance.push(Provenance {
            group: group.to_string(),
            rights,
            location,
        });
    }

    fn acl(&self) -> Acl {
        Acl {
            read: GroupList::from_groups(self.groups[0].iter().cloned()),
            write: GroupList::from_groups(self.groups[1].iter().cloned()),
            admin: GroupList::from_groups(self.groups[2].iter().cloned()),
            group_class: None,
        }
    }
}

fn right_index(r: Right) -> usize {
    match r {
        Right::Read => 0,
        Right::Write => 1,
        Right::Admin => 2,
    }
}

/// Compile a resolved policy.
pub fn compile(policy: &Policy) -> AuthzMap {
    let mut entries: BTreeMap<(DestKind, &str), Building> = BTreeMap::new();
    let mut temp: Option<Building> = None;
    for grant in &policy.grants {
        let rights = grant.right_set();
        for target in &grant.targets {
            for p in &grant.principals {
                let group = group_name(policy, p.who);
                let location = Location {
                    source: policy.source,
                    span: grant.span,
                };
                match &target.kind {
                    TargetKind::Dest { kind, pattern } => entries
                        .entry((*kind, pattern.as_str()))
                        .or_default()
                        .add(&group, rights, location),
                    TargetKind::Temp => temp.get_or_insert_with(Building::default).add(
                        &group,
                        rights,
                        location,
                    ),
                }
            }
        }
    }
    let entries = entries
        .into_iter()
        .enumerate()
        .map(|(id, ((kind, pattern), b))| Entry {
            kind,
            pattern: pattern.to_string(),
            acl: b.acl(),
            id,
            location: b.provenance.first().map(|p| p.location),
            provenance: b.provenance,
        })
        .collect();
    AuthzMap {
        entries,
        default_entry: None,
        temp: temp.map(|b| b.acl()),
    }
}
