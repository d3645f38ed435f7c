//! Indexes over a policy's grants that the assertions and rules query:
//! for each (principal, right, kind) the patterns it holds (through its own
//! grants and `everyone`'s), and for each (right, kind) every grant. Built in
//! one pass; queries walk tries, never all pairs of grants.

use crate::model::{Policy, TargetKind, Who};
use crate::semantics::coverage::PatternSet;
use crate::semantics::pattern::Pattern;
use crate::semantics::{DestKind, Right, RightSet};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// One (grant, principal, destination target) of a policy.
#[derive(Clone, Debug)]
pub struct Item {
    pub grant: usize,
    pub principal: usize,
    pub target: usize,
    pub who: Who,
    pub rights: RightSet,
    pub kind: DestKind,
    pub pattern: Pattern,
    /// The same number for equal patterns (normalised as rule M of
    /// docs/semantics.md reads them), dense from 0.
    pub pid: u32,
}

/// One (grant, principal) on `temp`.
#[derive(Clone, Debug)]
pub struct TempItem {
    pub grant: usize,
    pub principal: usize,
    pub who: Who,
    pub rights: RightSet,
}

pub struct AccessIndex {
    pub items: Vec<Item>,
    pub temp: Vec<TempItem>,
    /// Patterns each group holds a right on, `everyone`'s included; for
    /// `Who::Everyone`, only `everyone`'s own.
    effective: BTreeMap<(Who, Right, DestKind), Arc<PatternSet<usize>>>,
    /// Every grant of a right on a kind, whoever holds it.
    by_right: BTreeMap<(Right, DestKind), Arc<PatternSet<usize>>>,
    empty: PatternSet<usize>,
}

impl AccessIndex {
    pub fn new(policy: &Policy) -> AccessIndex {
        let mut items = Vec::new();
        let mut temp = Vec::new();
        // one parsed pattern per distinct text, shared by its items
        let mut parsed: HashMap<&str, (Pattern, u32)> = HashMap::new();
        let mut pids: HashMap<Pattern, u32> = HashMap::new();
        for (gi, grant) in policy.grants.iter().enumerate() {
            let rights = grant.right_set();
            for (pi, p) in grant.principals.iter().enumerate() {
                for (ti, t) in grant.targets.iter().enumerate() {
                    match &t.kind {
                        TargetKind::Dest { kind, pattern } => {
                            let (pattern, pid) = parsed
                                .entry(pattern.as_str())
                                .or_insert_with(|| {
                                    let parsed = Pattern::parse(pattern);
                                    let next = pids.len() as u32;
                                    let pid = *pids.entry(parsed.clone()).or_insert(next);
                                    (parsed, pid)
                                })
                                .clone();
                            items.push(Item {
                                grant: gi,
                                principal: pi,
                                target: ti,
                                who: p.who,
                                rights,
                                kind: *kind,
                                pattern,
                                pid,
                            })
                        }
                        TargetKind::Temp => temp.push(TempItem {
                            grant: gi,
                            principal: pi,
                            who: p.who,
                            rights,
                        }),
                    }
                }
            }
        }
        drop(parsed);
        drop(pids);
        // the items behind each set, in insertion order; sets with the same
        // items (a group's rights granted together, `everyone`'s alone) are
        // built once and shared
        let mut effective_items: BTreeMap<(Who, Right, DestKind), Vec<u32>> = BTreeMap::new();
        let mut by_right_items: BTreeMap<(Right, DestKind), Vec<u32>> = BTreeMap::new();
        let mut everyone_items: Vec<usize> = Vec::new();
        for (i, item) in items.iter().enumerate() {
            for r in item.rights.iter() {
                by_right_items
                    .entry((r, item.kind))
                    .or_default()
                    .push(i as u32);
                effective_items
                    .entry((item.who, r, item.kind))
                    .or_default()
                    .push(i as u32);
            }
            if item.who == Who::Everyone {
                everyone_items.push(i);
            }
        }
        // every group's sets also hold what `everyone` holds
        for g in 0..policy.groups.len() {
            for &i in &everyone_items {
                let item = &items[i];
                for r in item.rights.iter() {
                    effective_items
                        .entry((Who::Group(g), r, item.kind))
                        .or_default()
                        .push(i as u32);
                }
            }
        }
        let mut built: HashMap<Vec<u32>, Arc<PatternSet<usize>>> = HashMap::new();
        let mut build = |list: Vec<u32>| -> Arc<PatternSet<usize>> {
            built
                .entry(list)
                .or_insert_with_key(|list| {
                    let mut set = PatternSet::new();
                    for &i in list {
                        set.insert(&items[i as usize].pattern, i as usize);
                    }
                    set.shrink_to_fit();
                    Arc::new(set)
                })
                .clone()
        };
        let effective = effective_items
            .into_iter()
            .map(|(k, list)| (k, build(list)))
            .collect();
        let by_right = by_right_items
            .into_iter()
            .map(|(k, list)| (k, build(list)))
            .collect();
        AccessIndex {
            items,
            temp,
            effective,
            by_right,
            empty: PatternSet::new(),
        }
    }

    /// The patterns on which `who` holds `right` (for a group, `everyone`'s
    /// grants included).
    pub(crate) fn effective(&self, who: Who, right: Right, kind: DestKind) -> &PatternSet<usize> {
        self.effective
            .get(&(who, right, kind))
            .or_else(|| self.effective.get(&(Who::Everyone, right, kind)))
            .map_or(&self.empty, |s| s)
    }

    /// Every grant of `right` on `kind`.
    pub(crate) fn by_right(&self, right: Right, kind: DestKind) -> &PatternSet<usize> {
        self.by_right.get(&(right, kind)).map_or(&self.empty, |s| s)
    }

    /// Does the policy grant anything on `temp`?
    pub(crate) fn temp_granted(&self) -> bool {
        !self.temp.is_empty()
    }

    /// The temp items giving `who` the right (`everyone`'s included); empty
    /// when temp is open or `who` lacks it.
    pub(crate) fn temp_holders(&self, who: Who, right: Right) -> Vec<&TempItem> {
        self.temp
            .iter()
            .filter(|t| t.rights.contains(right) && (t.who == who || t.who == Who::Everyone))
            .collect()
    }

    /// Does `who` hold `right` on temporary destinations?
    pub(crate) fn holds_temp(&self, who: Who, right: Right) -> bool {
        !self.temp_granted() || !self.temp_holders(who, right).is_empty()
    }
}
