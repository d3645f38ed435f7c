//! Analysis: every rule of the catalogue plus the policy's assertions, run on
//! the resolved model. Rules read the model and the indexes and report
//! diagnostics; suppression comments and severity overrides are applied here,
//! once, for all rules.

pub mod assertions;
pub mod index;
pub mod registry;
pub(crate) mod rules;
pub(crate) mod sarif;

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
    pub(crate) const DEFAULT: Version = Version(5, 18, 0);

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
    pub(crate) fn advisories_need_admin(self) -> bool {
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
    /// Who holds which group (`--members`); the membership rules run only
    /// when it is given.
    pub members: Option<std::sync::Arc<crate::membership::Membership>>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            version: Version::DEFAULT,
            target: Target::Activemq,
            broker: BrokerFacts::default(),
            overrides: BTreeMap::new(),
            members: None,
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

    /// The facts of the policy's compiled map, compiling only the grants
    /// they depend on: those with a topic target matching one of the
    /// temporary destinations' advisory topics. An entry's groups are those
    /// of every grant naming its pattern, so the entries matching these
    /// topics, and what a lookup makes of them, are the same as in the
    /// whole map.
    pub fn of_policy(policy: &Policy) -> MapFacts {
        let topics = rules::advisory_access::TEMP_ADVISORY_TOPICS;
        let relevant = |t: &crate::model::Target| match &t.kind {
            crate::model::TargetKind::Dest {
                kind: crate::semantics::DestKind::Topic,
                pattern,
            } => topics
                .iter()
                .any(|topic| crate::semantics::pattern::matches_rule_f(pattern, topic)),
            _ => false,
        };
        let grants = policy
            .grants
            .iter()
            .filter(|g| g.targets.iter().any(relevant))
            .map(|g| crate::model::Grant {
                targets: g.targets.iter().filter(|t| relevant(t)).cloned().collect(),
                ..g.clone()
            })
            .collect();
        let sub = Policy {
            source: policy.source,
            groups: policy.groups.clone(),
            grants,
            assertions: Vec::new(),
            allows: Vec::new(),
        };
        let mut facts = MapFacts::of(&crate::compile::compile(&sub));
        // `policy-grants-nothing` asks of every grant's targets, not of
        // those alone: read from the policy without compiling it
        let (nothing, advisory) = rules::grants_nothing::of_policy(policy);
        facts.grants_nothing = nothing;
        facts.advisory_granted = advisory;
        facts
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
pub(crate) fn finding(meta: &RuleMeta, message: impl Into<String>) -> Diagnostic {
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
/// are not included. The facts the rules ask of the compiled map come from
/// the few grants they depend on ([`MapFacts::of_policy`]): the whole
/// policy is not compiled here.
pub fn run(policy: &Policy, options: &Options) -> Vec<Diagnostic> {
    let facts = MapFacts::of_policy(policy);
    let index = AccessIndex::new(policy);
    let cx = Context {
        policy,
        index: &index,
        map: &facts,
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
    // the family of the last code seen: findings come grouped by rule
    let mut last: Option<(Code, bool)> = None;
    let mut is_rule = |code: Code| match last {
        Some((c, rule)) if c == code => rule,
        _ => {
            let rule = code.family().is_some_and(|f| f.is_rule());
            last = Some((code, rule));
            rule
        }
    };
    // in place: the findings are not copied to a second vector
    found.retain(|d| {
        if is_rule(d.code) {
            // only findings located in the policy: a membership file's are not
            if let Some(label) = d.primary_label().filter(|l| l.source == policy.source) {
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

#[cfg(test)]
mod tests {
    use super::MapFacts;
    use crate::source::{SourceFile, SourceId, Sources};

    fn policy(text: &str) -> crate::model::Policy {
        let mut sources = Sources::new();
        let id: SourceId = sources.add(SourceFile::new("p.mqa", text));
        let front = crate::load::front_end(&sources, id, Vec::new());
        assert!(front.diagnostics.is_empty(), "{:?}", front.diagnostics);
        front.policy
    }

    fn same_facts(text: &str) {
        let p = policy(text);
        let whole = MapFacts::of(&crate::compile::compile(&p));
        let part = MapFacts::of_policy(&p);
        assert_eq!(
            whole.temp_advisory_readers, part.temp_advisory_readers,
            "{text}"
        );
        assert_eq!(whole.grants_nothing, part.grants_nothing, "{text}");
        assert_eq!(whole.advisory_granted, part.advisory_granted, "{text}");
    }

    #[test]
    fn facts_from_the_relevant_grants_equal_the_facts_of_the_whole_map() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = 0;
        for dir in ["examples", "tests/fixtures/rules"] {
            let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
                continue;
            };
            for entry in entries.flatten() {
                let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
                let p = policy(&text);
                let whole = MapFacts::of(&crate::compile::compile(&p));
                let part = MapFacts::of_policy(&p);
                assert_eq!(
                    whole.temp_advisory_readers,
                    part.temp_advisory_readers,
                    "{}",
                    entry.path().display()
                );
                assert_eq!(
                    (whole.grants_nothing, whole.advisory_granted),
                    (part.grants_nothing, part.advisory_granted),
                    "{}",
                    entry.path().display()
                );
                files += 1;
            }
        }
        assert!(files > 10);
        // patterns reaching one or both advisory topics, several groups in
        // several orders: the composite lookup compares entries by value
        let patterns = [
            "ActiveMQ.Advisory.>",
            "ActiveMQ.Advisory.TempQueue",
            "ActiveMQ.Advisory.TempTopic",
            "ActiveMQ.*.TempQueue",
            "*.Advisory.*",
            ">",
            "ActiveMQ.Advisory.Queue",
            "OTHER.>",
        ];
        let groups = ["a", "b", "a, b", "b, a", "everyone"];
        for (i, p1) in patterns.iter().enumerate() {
            for p2 in &patterns[i..] {
                for g1 in groups {
                    for g2 in groups {
                        same_facts(&format!(
                            "group a\ngroup b\ngrant {g1} read on topic {p1}\ngrant {g2} read, write on topic {p2}, queue {p1}\n"
                        ));
                    }
                }
            }
        }
    }
}
