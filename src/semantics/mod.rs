//! ActiveMQ's authorization model, independent of the policy language.
//!
//! Both a compiled policy and a broker configuration read from XML become an
//! [`AuthzMap`]: the entries of a `DefaultAuthorizationMap`, its optional
//! `defaultEntry` and its optional `tempDestinationAuthorizationEntry`. The
//! evaluator ([`eval`]) answers who may do what exactly as ActiveMQ 5.17+ does
//! (`docs/semantics.md#matching-rule-m` and
//! `docs/semantics.md#wildcard-keys-rule-f`), [`pattern`] holds the pattern
//! algebra (`covers`, `overlaps`, union coverage with witnesses) the analyses
//! are built on, and [`names`] reads destination names as ActiveMQ does.
//!
//! The facts of ActiveMQ that other modules use are defined here once: the
//! default principal class, the advisory topics, the segment limit
//! ([`pattern::MAX_SEGMENTS`]), the order of rights and kinds in arrays.

pub mod coverage;
pub mod eval;
pub mod names;
pub mod pattern;

pub use names::ADVISORY_PATTERN;
pub use pattern::MAX_SEGMENTS;

use crate::source::{SourceId, Span};
use std::collections::BTreeSet;
use std::fmt;

/// The wildcard group name: every user holding at least one principal.
pub const EVERYONE: &str = "*";

/// ActiveMQ's default principal class for group names
/// (`DefaultAuthorizationMap`'s `groupClass`).
pub const DEFAULT_GROUP_CLASS: &str = "org.apache.activemq.jaas.GroupPrincipal";

/// Destination namespaces that entries can name. Temporary destinations are
/// not here: they never consult entries (see [`AuthzMap::temp`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DestKind {
    Queue,
    Topic,
}

impl DestKind {
    /// Both kinds, in the order of [`DestKind::index`].
    pub const ALL: [DestKind; 2] = [DestKind::Queue, DestKind::Topic];

    /// The kind's place in arrays indexed by kind (queue, topic).
    pub fn index(self) -> usize {
        match self {
            DestKind::Queue => 0,
            DestKind::Topic => 1,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            DestKind::Queue => "queue",
            DestKind::Topic => "topic",
        }
    }
}

impl fmt::Display for DestKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One of ActiveMQ's three operations.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Right {
    Read,
    Write,
    Admin,
}

impl Right {
    pub const ALL: [Right; 3] = [Right::Read, Right::Write, Right::Admin];

    /// The right's place in arrays indexed by right (read, write, admin).
    pub fn index(self) -> usize {
        match self {
            Right::Read => 0,
            Right::Write => 1,
            Right::Admin => 2,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Right::Read => "read",
            Right::Write => "write",
            Right::Admin => "admin",
        }
    }

    fn bit(self) -> u8 {
        match self {
            Right::Read => 1,
            Right::Write => 2,
            Right::Admin => 4,
        }
    }
}

impl fmt::Display for Right {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A small set of rights.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RightSet(u8);

impl RightSet {
    pub const EMPTY: RightSet = RightSet(0);
    pub const ALL: RightSet = RightSet(7);

    pub fn of(right: Right) -> RightSet {
        RightSet(right.bit())
    }
    pub fn contains(self, right: Right) -> bool {
        self.0 & right.bit() != 0
    }
    pub fn insert(&mut self, right: Right) {
        self.0 |= right.bit();
    }
    pub fn union(self, other: RightSet) -> RightSet {
        RightSet(self.0 | other.0)
    }
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
    pub(crate) fn is_all(self) -> bool {
        self.0 == 7
    }
    pub fn iter(self) -> impl Iterator<Item = Right> {
        Right::ALL.into_iter().filter(move |r| self.contains(*r))
    }
}

impl FromIterator<Right> for RightSet {
    fn from_iter<I: IntoIterator<Item = Right>>(iter: I) -> RightSet {
        let mut s = RightSet::EMPTY;
        for r in iter {
            s.insert(r);
        }
        s
    }
}

/// A group list as ActiveMQ holds it: the raw attribute string (entries are
/// compared by value, raw strings included, for composite destinations) and
/// the groups it parses to (`StringTokenizer(",")`, each token trimmed).
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GroupList {
    pub raw: String,
    pub groups: BTreeSet<String>,
    /// Whether the attribute was written at all. ActiveMQ keeps `null` for
    /// an absent attribute and `""` for an empty one, and compares entries by
    /// value (composite destinations), so the two differ.
    pub present: bool,
}

impl GroupList {
    /// Parse an attribute value the way `AuthorizationEntry.parseACLs` does.
    pub fn parse(raw: &str) -> GroupList {
        let groups = raw
            .split(',')
            .filter(|t| !t.is_empty())
            .map(|t| t.trim_matches(is_java_trim).to_string())
            .collect();
        GroupList {
            raw: raw.to_string(),
            groups,
            present: true,
        }
    }

    /// The canonical list for a set of groups: sorted, comma separated.
    pub fn from_groups<I, S>(groups: I) -> GroupList
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let groups: BTreeSet<String> = groups.into_iter().map(Into::into).collect();
        let raw = groups
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(",");
        // compiled lists that are empty are left out of the XML
        let present = !groups.is_empty();
        GroupList {
            raw,
            groups,
            present,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }
}

/// `String.trim()` removes every char up to U+0020.
pub(crate) fn is_java_trim(c: char) -> bool {
    c <= ' '
}

/// Where something came from: a span in a policy or a configuration file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Location {
    pub source: SourceId,
    pub span: Span,
}

/// Which statement gave `group` the `rights` on an entry.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Provenance {
    pub group: String,
    pub rights: RightSet,
    pub location: Location,
}

/// The read/write/admin lists of one entry (also a defaultEntry or the temp entry).
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Acl {
    pub read: GroupList,
    pub write: GroupList,
    pub admin: GroupList,
    /// The entry's principal class, when not the default `GroupPrincipal`.
    pub group_class: Option<String>,
}

impl Acl {
    pub fn get(&self, right: Right) -> &GroupList {
        match right {
            Right::Read => &self.read,
            Right::Write => &self.write,
            Right::Admin => &self.admin,
        }
    }
}

/// One `authorizationEntry` for one destination. A composite entry in XML
/// (`queue="A,B"`) becomes one `Entry` per component sharing the same `id`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub kind: DestKind,
    /// The physical name or pattern, as ActiveMQ normalises it (trimmed,
    /// options cut off); segments are split on `.` when matching.
    pub pattern: String,
    pub acl: Acl,
    /// Identity of the XML element (or compiled entry) this came from.
    pub id: usize,
    /// Where the rights came from, when known.
    pub provenance: Vec<Provenance>,
    pub location: Option<Location>,
}

/// ActiveMQ's authorization map.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuthzMap {
    pub entries: Vec<Entry>,
    /// `<defaultEntry>`: unioned into every non-temporary lookup.
    pub default_entry: Option<Acl>,
    /// `<tempDestinationAuthorizationEntry>`: governs all temporary
    /// destinations; `None` means they are open to every authenticated user.
    pub temp: Option<Acl>,
}
