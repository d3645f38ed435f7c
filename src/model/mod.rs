//! The resolved policy: groups, grants and assertions with names resolved,
//! patterns validated and rights expanded. Every item keeps the span it came
//! from, so findings point at the source.

mod resolve;
pub(crate) mod validate;

pub use resolve::resolve;

use crate::semantics::{DestKind, Right, RightSet};
use crate::source::{SourceId, Span};

/// The pattern `advisory` stands for.
pub(crate) use crate::semantics::ADVISORY_PATTERN;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Policy {
    pub source: SourceId,
    pub groups: Vec<Group>,
    pub grants: Vec<Grant>,
    pub assertions: Vec<Assertion>,
    /// Suppression comments, each attached to one statement.
    pub allows: Vec<Allow>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    pub name: String,
    pub description: Option<String>,
    /// Span of the name in its declaration.
    pub span: Span,
    /// Span of the whole declaration.
    pub decl_span: Span,
}

/// Index into [`Policy::groups`].
pub(crate) type GroupId = usize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Who {
    Everyone,
    Group(GroupId),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PrincipalRef {
    pub who: Who,
    pub span: Span,
}

/// A right as written: `all` expands to three rights sharing one span.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RightRef {
    pub rights: RightSet,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TargetKind {
    /// Destinations of one kind matching a validated pattern.
    Dest { kind: DestKind, pattern: String },
    /// All temporary queues and topics.
    Temp,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    pub kind: TargetKind,
    pub span: Span,
    /// Written as `advisory`.
    pub advisory: bool,
}

impl Target {
    /// How the target reads in messages: `queue ORDERS.>`, `temp`, `advisory`.
    pub fn describe(&self) -> String {
        match &self.kind {
            TargetKind::Temp => "temp".to_string(),
            TargetKind::Dest { .. } if self.advisory => "advisory".to_string(),
            TargetKind::Dest { kind, pattern } => format!("{kind} {pattern}"),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grant {
    /// The whole statement.
    pub span: Span,
    pub principals: Vec<PrincipalRef>,
    pub rights: Vec<RightRef>,
    pub targets: Vec<Target>,
    /// Rule names silenced on this statement.
    pub allows: Vec<usize>,
}

impl Grant {
    /// Every right the grant gives.
    pub fn right_set(&self) -> RightSet {
        self.rights
            .iter()
            .fold(RightSet::EMPTY, |acc, r| acc.union(r.rights))
    }

    /// The span of the first right token giving `right`.
    pub(crate) fn right_span(&self, right: Right) -> Option<Span> {
        self.rights
            .iter()
            .find(|r| r.rights.contains(right))
            .map(|r| r.span)
    }
}

pub use crate::ast::AssertKind;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assertion {
    pub span: Span,
    pub kind: AssertKind,
    pub principals: Vec<PrincipalRef>,
    pub rights: RightSet,
    pub target: Target,
}

/// A suppression comment: the rules it names, and whether it silenced anything
/// is decided by the analysis.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Allow {
    pub span: Span,
    pub rules: Vec<(String, Span)>,
    /// The statement it is attached to.
    pub statement: Span,
}

impl Policy {
    pub fn group_name(&self, who: Who) -> &str {
        match who {
            Who::Everyone => "everyone",
            Who::Group(g) => self.groups.get(g).map_or("?", |g| g.name.as_str()),
        }
    }
}
