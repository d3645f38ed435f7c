//! The authorization map of each configuration: `no-authorization-map`
//! (MQA403, both targets), and every map-level `check` rule run on the map,
//! located at the `authorizationEntry` in the configuration.

use super::{Inputs, Options, Target, MAP_NOT_ANALYSED};
use crate::analysis::{self, RuleMeta, Version};
use crate::diagnostics::{Code, Diagnostic, Severity};
use crate::model::{Grant, Group, Policy, PrincipalRef, RightRef, TargetKind, Who};
use crate::semantics::{Acl, AuthzMap, DestKind, Right, RightSet, EVERYONE};
use crate::source::{SourceId, Span};
use crate::xml::ConfigDoc;
use std::collections::BTreeMap;

pub static NO_AUTHORIZATION_MAP: RuleMeta = RuleMeta {
    code: Code {
        id: "MQA403",
        name: "no-authorization-map",
    },
    severity: Severity::Error,
    summary: "the broker configuration has no authorization map, so every authenticated user may do anything",
    docs: r#"## What it does
Reports a broker configuration (self-hosted `activemq.xml` or Amazon MQ configuration) whose
`<plugins>` hold no `<authorizationPlugin>` with a map. An LDAP map or a map defined as a
`<bean>` counts as present (mqauthz cannot analyse it, and says so in a note).

## Why is this bad?
AWS's security best practices for Amazon MQ, practice 3: "always configure an authorization
map". ActiveMQ has none by default: any user who can authenticate may read, write and
administer every queue and topic, create and delete destinations, and read every advisory.

## Example
```xml
<broker xmlns="http://activemq.apache.org/schema/core">
  <plugins>
    <simpleAuthenticationPlugin>...</simpleAuthenticationPlugin>
  </plugins>
</broker>
```

## Use instead
```xml
<plugins>
  <simpleAuthenticationPlugin>...</simpleAuthenticationPlugin>
  <authorizationPlugin>
    <map>
      <authorizationMap>
        <authorizationEntries>
          <authorizationEntry queue="ORDERS.>" read="orders" write="orders" admin="orders"/>
          <authorizationEntry topic="ActiveMQ.Advisory.>" read="orders" write="orders" admin="orders"/>
        </authorizationEntries>
      </authorizationMap>
    </map>
  </authorizationPlugin>
</plugins>
```
`mqauthz compile POLICY --into activemq.xml` writes the plugin from a policy, restricted by group.
"#,
};

/// The `check` rules that make no sense on a map read from a configuration:
/// a map names only the groups it grants to, and has no suppression comments.
const NOT_FOR_MAPS: &[&str] = &["unused-group", "unused-allow"];

/// Where a configuration's map would go: its `<plugins>`, else its `<broker>`.
fn plugins_or_broker(doc: &ConfigDoc) -> (SourceId, Span, &'static str) {
    match doc.plugins {
        Some(p) => {
            let (id, span) = doc.label_at(doc.element(p).start_tag);
            (id, span, "no `<authorizationPlugin>` in these plugins")
        }
        None => {
            let (id, span) = doc.label_at(doc.broker_element().start_tag);
            (id, span, "this broker has no `<plugins>`")
        }
    }
}

/// MQA403 and the map-level rules on every configuration.
pub fn audit_maps(inputs: &Inputs, opts: &Options, out: &mut Vec<Diagnostic>) {
    // without --activemq-version, the version of the describe-broker given
    let with_broker;
    let opts = match (
        &opts.activemq_version,
        super::aws::broker_engine_version(inputs),
    ) {
        (None, Some(v)) => {
            with_broker = Options {
                activemq_version: Some(v),
                ..opts.clone()
            };
            &with_broker
        }
        _ => opts,
    };
    // the membership rules run on each map when users were given
    let members = inputs.membership();
    let members = (!members.is_empty()).then(|| std::sync::Arc::new(members));
    for (_, doc) in inputs.configs() {
        audit_map(doc, inputs.target, opts, members.as_ref(), out);
    }
}

fn audit_map(
    doc: &ConfigDoc,
    target: Target,
    opts: &Options,
    members: Option<&std::sync::Arc<crate::membership::Membership>>,
    out: &mut Vec<Diagnostic>,
) {
    let Some(plugin) = doc.authorization_plugin else {
        let (id, span, label) = plugins_or_broker(doc);
        out.push(
            super::finding(
                &NO_AUTHORIZATION_MAP,
                id,
                span,
                "the broker has no authorization map: every user who can connect may read, write and administer every destination",
                label,
            )
            .help("add an `<authorizationPlugin>` with an `<authorizationMap>` restricted by group to `<plugins>`; `mqauthz compile POLICY --into FILE` writes one"),
        );
        return;
    };
    let read = crate::xml::read(doc);
    let not_modelled = |d: &Diagnostic| {
        d.code == crate::xml::UNSUPPORTED_AUTHORIZATION_MAP
            || d.code == crate::xml::UNSUPPORTED_CONSTRUCT
    };
    let (unsupported, kept): (Vec<Diagnostic>, Vec<Diagnostic>) =
        read.diagnostics.into_iter().partition(not_modelled);
    out.extend(kept);
    let Some(map) = read.map else {
        if !unsupported.is_empty() || doc.other_map.is_some() {
            let (id, span) = doc.label_at(doc.element(plugin).start_tag);
            let mut note = Diagnostic::new(
                MAP_NOT_ANALYSED,
                Severity::Note,
                "the authorization map is defined in a way mqauthz cannot analyse; the map-level rules did not run on it",
            )
            .primary(id, span, "this map was not analysed");
            for d in &unsupported {
                note = note.note(d.message.clone());
            }
            out.push(note.help("an LDAP or bean-defined map lives outside this file; review its entries where they are defined"));
        }
        return;
    };
    for mut d in unsupported {
        // a part of the map mqauthz cannot model: said, but not failing
        d.severity = Severity::Note;
        d.code = MAP_NOT_ANALYSED;
        out.push(d);
    }
    let policy = config_policy(doc, &map);
    let options = analysis::Options {
        version: opts
            .activemq_version
            .as_ref()
            .map_or(Version::DEFAULT, |(_, v)| *v),
        target: match target {
            Target::AmazonMq => analysis::Target::AmazonMq,
            Target::SelfHosted => analysis::Target::Activemq,
        },
        broker: crate::pipeline::facts_of(doc),
        overrides: opts.overrides.clone(),
        members: members.cloned(),
    };
    out.extend(
        analysis::run(&policy, &options)
            .into_iter()
            .filter(|d| !NOT_FOR_MAPS.contains(&d.code.name))
            .map(|d| {
                d.note("found on the authorization map of this configuration, read as a policy: each entry grants its groups their rights (`mqauthz import` prints that policy)")
            }),
    );
}

/// The map of a configuration as a policy whose every statement is located
/// at the element it comes from (`authorizationEntry`, `defaultEntry`,
/// `tempDestinationAuthorizationEntry`), so that the `check` rules can run
/// on it and point into the configuration. Each entry becomes one grant per
/// group, as `mqauthz import` reads it; entries with a `groupClass` other
/// than groups are left out, as import leaves them out.
pub fn config_policy(doc: &ConfigDoc, map: &AuthzMap) -> Policy {
    let (source, _) = doc.label_at(doc.broker_element().start_tag);
    let mut groups: Vec<Group> = Vec::new();
    let mut index: BTreeMap<String, usize> = BTreeMap::new();
    let mut grants: Vec<Grant> = Vec::new();
    let element_span = |local: &str| {
        doc.plugin_elements()
            .iter()
            .find(|e| e.local == local)
            .map(|e| doc.label_at(e.start_tag).1)
    };
    let mut add = |acl: &Acl, target: TargetKind, span: Span| {
        if acl.group_class.is_some() {
            return;
        }
        let mut per: BTreeMap<&str, RightSet> = BTreeMap::new();
        for right in Right::ALL {
            for g in &acl.get(right).groups {
                per.entry(g.as_str()).or_default().insert(right);
            }
        }
        for (g, rights) in per {
            let who = if g == EVERYONE {
                Who::Everyone
            } else {
                let id = *index.entry(g.to_string()).or_insert_with(|| {
                    groups.push(Group {
                        name: g.to_string(),
                        description: None,
                        span,
                        decl_span: span,
                    });
                    groups.len() - 1
                });
                Who::Group(id)
            };
            let advisory = matches!(&target, TargetKind::Dest { pattern, .. } if pattern == crate::model::ADVISORY_PATTERN);
            grants.push(Grant {
                span,
                principals: vec![PrincipalRef { who, span }],
                rights: vec![RightRef { rights, span }],
                targets: vec![crate::model::Target {
                    kind: target.clone(),
                    span,
                    advisory,
                }],
                allows: Vec::new(),
            });
        }
    };
    for e in &map.entries {
        let span = e.location.map_or(Span::default(), |l| l.span);
        add(
            &e.acl,
            TargetKind::Dest {
                kind: e.kind,
                pattern: e.pattern.clone(),
            },
            span,
        );
    }
    if let Some(d) = &map.default_entry {
        let span = element_span("defaultEntry").unwrap_or_default();
        for kind in [DestKind::Queue, DestKind::Topic] {
            add(
                d,
                TargetKind::Dest {
                    kind,
                    pattern: ">".into(),
                },
                span,
            );
        }
    }
    if let Some(t) = &map.temp {
        let span = element_span("tempDestinationAuthorizationEntry").unwrap_or_default();
        add(t, TargetKind::Temp, span);
    }
    Policy {
        source,
        groups,
        grants,
        assertions: Vec::new(),
        allows: Vec::new(),
    }
}
