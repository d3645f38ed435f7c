//! Analysis: every rule of the catalogue plus the policy's assertions, run on
//! the resolved model. Rules read the model and the indexes and report
//! diagnostics; suppression comments and severity overrides are applied here,
//! once, for all rules.

pub mod assertions;
pub mod crosscheck;
pub mod index;
pub mod registry;
pub mod rules;
pub mod sarif;

use crate::diagnostics::{Code, Diagnostic, Severity};
use crate::model::Policy;
use crate::semantics::AuthzMap;
use crate::source::Span;
use index::AccessIndex;
use std::collections::{BTreeMap, BTreeSet};

/// The broker a policy is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Target {
    /// ActiveMQ Classic
    Activemq,
    /// Amazon MQ for ActiveMQ
    AmazonMq,
}

/// An ActiveMQ version, `major.minor[.patch]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version(pub u32, pub u32, pub u32);

impl Version {
    /// The default: 5.18, what Amazon MQ runs.
    pub const DEFAULT: Version = Version(5, 18, 0);

    pub fn parse(s: &str) -> Result<Version, String> {
        let parts: Vec<&str> = s.trim().split('.').collect();
        if parts.len() < 2 || parts.len() > 3 {
            return Err(format!("`{s}` is not a version such as 5.18 or 5.19.8"));
        }
        let mut n = [0u32; 3];
        for (i, p) in parts.iter().enumerate() {
            n[i] = p
                .parse()
                .map_err(|_| format!("`{s}` is not a version such as 5.18 or 5.19.8"))?;
        }
        Ok(Version(n[0], n[1], n[2]))
    }

    /// Do clients need `admin` on advisory topics? Before 5.19.8, 6.2.7 and
    /// 6.3.0, advisories are created in the triggering client's name.
    pub fn advisories_need_admin(self) -> bool {
        match (self.0, self.1) {
            (5, m) if m < 19 => true,
            (5, 19) => self < Version(5, 19, 8),
            (6, m) if m < 2 => true,
            (6, 2) => self < Version(6, 2, 7),
            (major, _) => major < 5,
        }
    }
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}.{}", self.0, self.1, self.2)
    }
}

/// What is known of the broker configuration the policy is for.
#[derive(Clone, Debug, Default)]
pub struct BrokerFacts {
    /// `advisorySupport` of `<broker>`, when a configuration was given.
    pub advisory_support: Option<bool>,
    /// Destinations declared in `<destinations>`: they exist from the start.
    pub destinations: Vec<(crate::semantics::DestKind, String)>,
}

/// Settings of one analysis run.
#[derive(Clone, Debug)]
pub struct Options {
    pub version: Version,
    pub target: Target,
    pub broker: BrokerFacts,
    /// Severity per rule name, overriding the default; `None` turns it off.
    pub overrides: BTreeMap<&'static str, Option<Severity>>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            version: Version::DEFAULT,
            target: Target::Activemq,
            broker: BrokerFacts::default(),
            overrides: BTreeMap::new(),
        }
    }
}

/// What rules see.
pub struct Context<'a> {
    pub policy: &'a Policy,
    pub index: &'a AccessIndex,
    pub map: &'a MapFacts,
    pub options: &'a Options,
}

/// What rules ask of the policy compiled to an authorization map, taken
/// before the analyses start so that the map itself is not kept.
#[derive(Debug, Clone)]
pub struct MapFacts {
    /// The groups the map lets read the temporary destinations' advisory
    /// topics.
    pub temp_advisory_readers: BTreeSet<String>,
    /// No right on any queue or topic for anybody (`policy-grants-nothing`).
    pub grants_nothing: bool,
    /// Something is granted on advisory topics.
    pub advisory_granted: bool,
}

impl MapFacts {
    pub fn of(map: &AuthzMap) -> MapFacts {
        MapFacts {
            temp_advisory_readers: rules::advisory_access::temp_advisory_readers(map),
            grants_nothing: rules::grants_nothing::grants_nothing(map),
            advisory_granted: rules::grants_nothing::advisory_granted(map),
        }
    }
}

/// Documentation and defaults of a rule.
#[derive(Debug)]
pub struct RuleMeta {
    pub code: Code,
    pub severity: Severity,
    /// One line: what the rule finds.
    pub summary: &'static str,
    /// Markdown with the sections What it does, Why is this bad?, Example and
    /// Use instead.
    pub docs: &'static str,
}

/// A finding of a rule, with the rule's code and default severity.
pub fn finding(meta: &RuleMeta, message: impl Into<String>) -> Diagnostic {
    Diagnostic::new(meta.code, meta.severity, message)
}

/// Which command runs a rule of the catalogue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// `check` (and every command that analyses a policy) runs it on a
    /// policy's model.
    Policy,
    /// `mqauthz audit` runs it on broker files (see [`crate::audit`]).
    Audit,
}

/// A rule of the catalogue.
pub trait Rule: Sync {
    fn meta(&self) -> &'static RuleMeta;
    /// Report findings; severity is set from `meta` and overridden later.
    fn check(&self, cx: &Context, out: &mut Vec<Diagnostic>);
    /// Which command runs the rule.
    fn scope(&self) -> Scope {
        Scope::Policy
    }
}

/// A rule of `mqauthz audit` in the catalogue: its documentation and default
/// severity. Audit rules read broker files, not a policy, so they report
/// from [`crate::audit`] and find nothing on a policy.
pub struct AuditRule(pub &'static RuleMeta);

impl Rule for AuditRule {
    fn meta(&self) -> &'static RuleMeta {
        self.0
    }

    fn check(&self, _cx: &Context, _out: &mut Vec<Diagnostic>) {}

    fn scope(&self) -> Scope {
        Scope::Audit
    }
}

/// Run the assertions and every enabled rule. `diagnostics` of earlier stages
/// are not included. The policy is compiled for the rules that read the map;
/// with the map at hand, [`run_with`] takes its facts instead.
pub fn run(policy: &Policy, options: &Options) -> Vec<Diagnostic> {
    let facts = MapFacts::of(&crate::compile::compile(policy));
    run_with(policy, &facts, options)
}

/// [`run`] with the facts of the policy's compiled map.
pub fn run_with(policy: &Policy, facts: &MapFacts, options: &Options) -> Vec<Diagnostic> {
    let index = AccessIndex::new(policy);
    let cx = Context {
        policy,
        index: &index,
        map: facts,
        options,
    };
    let mut out = Vec::new();
    assertions::check(policy, &index, &mut out);
    for rule in registry::RULES {
        let meta = rule.meta();
        if meta.code == rules::unused_allow::META.code || rule.scope() != Scope::Policy {
            continue;
        }
        let severity = match options.overrides.get(meta.code.name) {
            Some(None) => continue,
            Some(Some(s)) => Some(*s),
            None => None,
        };
        // the rule appends to `out`; its findings are fixed up in place
        let start = out.len();
        rule.check(&cx, &mut out);
        for d in &mut out[start..] {
            d.code = meta.code;
            if let Some(s) = severity {
                d.severity = s;
            }
            d.labels.shrink_to_fit();
        }
    }
    let mut out = apply_allows(policy, out);
    if !matches!(
        options.overrides.get(rules::unused_allow::META.code.name),
        Some(None)
    ) {
        let severity = options
            .overrides
            .get(rules::unused_allow::META.code.name)
            .copied()
            .flatten()
            .unwrap_or(rules::unused_allow::META.severity);
        for mut d in rules::unused_allow::report(policy, &out.1) {
            d.severity = severity;
            out.0.push(d);
        }
    }
    out.0
}

/// Drop findings silenced by a suppression comment on their statement.
/// Returns the kept findings and, for each allow and rule name, whether it
/// silenced something.
fn apply_allows(policy: &Policy, found: Vec<Diagnostic>) -> (Vec<Diagnostic>, Vec<Vec<bool>>) {
    let mut used: Vec<Vec<bool>> = policy
        .allows
        .iter()
        .map(|a| vec![false; a.rules.len()])
        .collect();
    if policy.allows.is_empty() {
        return (found, used);
    }
    // statements with allows, sorted by start, for a binary search
    let mut statements: Vec<(Span, usize)> = policy
        .allows
        .iter()
        .enumerate()
        .map(|(i, a)| (a.statement, i))
        .collect();
    statements.sort();
    let mut found = found;
    // in place: the findings are not copied to a second vector
    found.retain(|d| {
        if d.code.id.starts_with("MQA2") {
            if let Some(label) = d.primary_label() {
                let at = label.span.start;
                let upto = statements.partition_point(|(s, _)| s.start <= at);
                // statements do not nest: only the last one starting before
                // the finding can hold it (several allows may share it)
                let Some(&(span, _)) = upto.checked_sub(1).and_then(|i| statements.get(i)) else {
                    return true;
                };
                if at <= span.end {
                    for &(s, ai) in statements[..upto].iter().rev() {
                        if s != span {
                            break;
                        }
                        let allow = &policy.allows[ai];
                        if let Some(ri) = allow
                            .rules
                            .iter()
                            .position(|(name, _)| name == d.code.name || name == d.code.id)
                        {
                            used[ai][ri] = true;
                            return false;
                        }
                    }
                }
            }
        }
        true
    });
    (found, used)
}
