//! Indexes over a policy's grants that the assertions and rules query:
//! for each (principal, right, kind) the patterns it holds (through its own
//! grants and `everyone`'s), and for each (right, kind) every grant. Built in
//! one pass; queries walk tries, never all pairs of grants.

use crate::model::{Policy, TargetKind, Who};
use crate::semantics::coverage::PatternSet;
use crate::semantics::pattern::Pattern;
use crate::semantics::{DestKind, Right, RightSet};
use std::collections::BTreeMap;

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
    effective: BTreeMap<(Who, Right, DestKind), PatternSet<usize>>,
    /// Every grant of a right on a kind, whoever holds it.
    by_right: BTreeMap<(Right, DestKind), PatternSet<usize>>,
    empty: PatternSet<usize>,
}

impl AccessIndex {
    pub fn new(policy: &Policy) -> AccessIndex {
        let mut items = Vec::new();
        let mut temp = Vec::new();
        for (gi, grant) in policy.grants.iter().enumerate() {
            let rights = grant.right_set();
            for (pi, p) in grant.principals.iter().enumerate() {
                for (ti, t) in grant.targets.iter().enumerate() {
                    match &t.kind {
                        TargetKind::Dest { kind, pattern } => items.push(Item {
                            grant: gi,
                            principal: pi,
                            target: ti,
                            who: p.who,
                            rights,
                            kind: *kind,
                            pattern: Pattern::parse(pattern),
                        }),
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
        let mut effective: BTreeMap<(Who, Right, DestKind), PatternSet<usize>> = BTreeMap::new();
        let mut by_right: BTreeMap<(Right, DestKind), PatternSet<usize>> = BTreeMap::new();
        let mut everyone_items: Vec<usize> = Vec::new();
        for (i, item) in items.iter().enumerate() {
            for r in item.rights.iter() {
                by_right
                    .entry((r, item.kind))
                    .or_default()
                    .insert(&item.pattern, i);
                effective
                    .entry((item.who, r, item.kind))
                    .or_default()
                    .insert(&item.pattern, i);
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
                    effective
                        .entry((Who::Group(g), r, item.kind))
                        .or_default()
                        .insert(&item.pattern, i);
                }
            }
        }
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
    pub fn effective(&self, who: Who, right: Right, kind: DestKind) -> &PatternSet<usize> {
        self.effective
            .get(&(who, right, kind))
            .or_else(|| self.effective.get(&(Who::Everyone, right, kind)))
            .unwrap_or(&self.empty)
    }

    /// Every grant of `right` on `kind`.
    pub fn by_right(&self, right: Right, kind: DestKind) -> &PatternSet<usize> {
        self.by_right.get(&(right, kind)).unwrap_or(&self.empty)
    }

    /// Does the policy grant anything on `temp`?
    pub fn temp_granted(&self) -> bool {
        !self.temp.is_empty()
    }

    /// The temp items giving `who` the right (`everyone`'s included); empty
    /// when temp is open or `who` lacks it.
    pub fn temp_holders(&self, who: Who, right: Right) -> Vec<&TempItem> {
        self.temp
            .iter()
            .filter(|t| t.rights.contains(right) && (t.who == who || t.who == Who::Everyone))
            .collect()
    }

    /// Does `who` hold `right` on temporary destinations?
    pub fn holds_temp(&self, who: Who, right: Right) -> bool {
        !self.temp_granted() || !self.temp_holders(who, right).is_empty()
    }
}
