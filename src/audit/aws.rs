//! Amazon MQ: describe-broker, describe-security-groups and the broker
//! configuration as Amazon MQ accepts it (MQA412, MQA420-MQA427), and the
//! published-advisory check of a patch-level version (MQA428, both targets).
//!
//! The inputs are read by [`super::awsjson`], the broker and port rules
//! live in [`super::amq`], the permitted elements in [`super::permitted`]
//! and the version tables in [`super::versions`].

use super::amq::{self, AmqInputs, AmqOptions};
use super::awsjson::{read_broker, read_security_groups};
use super::versions::{Date, Version};
use super::{Inputs, Kind, Options, Target};
use crate::diagnostics::Diagnostic;

/// The Amazon MQ rules (MQA412, MQA420-MQA427) and the version rule MQA428
/// run here. Called for every audit, whatever the target: it checks
/// `inputs.target` and the inputs given, and appends its findings to `out`.
pub fn audit_amazon_mq(inputs: &Inputs, opts: &Options, out: &mut Vec<Diagnostic>) {
    let option_version = opts
        .activemq_version
        .as_ref()
        .and_then(|(text, _)| Version::parse(text));
    if inputs.target != Target::AmazonMq {
        if let Some(v) = option_version {
            amq::vulnerable_version_findings("given by `--activemq-version`", v, None, out);
        }
        return;
    }
    let mut brokers = Vec::new();
    let mut groups = Vec::new();
    let mut revisions = Vec::new();
    for input in &inputs.items {
        match &input.kind {
            Kind::DescribeBroker(node) => match read_broker(input.source, node) {
                Ok(b) => brokers.push(b),
                Err(d) => out.extend(d),
            },
            Kind::SecurityGroups(node) => match read_security_groups(input.source, node) {
                Ok(s) => groups.push(s),
                Err(d) => out.extend(d),
            },
            Kind::ConfigRevision(_) => revisions.push((input.source, &*input.text)),
            _ => {}
        }
    }
    let today = match Date::today() {
        Ok(d) => d,
        Err(message) => {
            out.push(Diagnostic::error(super::MALFORMED_INPUT, message));
            return;
        }
    };
    let amq_opts = AmqOptions {
        protocols: opts.protocols.clone(),
        today,
    };
    amq::check(
        &AmqInputs {
            brokers: brokers.iter().collect(),
            security_groups: groups.iter().collect(),
        },
        &amq_opts,
        out,
    );
    let broker_refs: Vec<_> = brokers.iter().collect();
    amq::check_configuration_ids(&broker_refs, &revisions, out);
    if brokers.is_empty() {
        // no describe-broker: the version given is the broker's
        if let Some(v) = option_version {
            amq::vulnerable_version_findings("given by `--activemq-version`", v, None, out);
        }
    }
    for (_, doc) in inputs.configs() {
        super::permitted::check(doc, out);
    }
}

/// The engine version of the (first) ActiveMQ `describe-broker` given, for
/// the version-dependent map rules when `--activemq-version` is not given.
/// A minor-only version (`5.18`) counts as that minor's first release.
pub fn broker_engine_version(inputs: &Inputs) -> Option<(String, crate::analysis::Version)> {
    inputs.items.iter().find_map(|input| {
        let Kind::DescribeBroker(node) = &input.kind else {
            return None;
        };
        let b = read_broker(input.source, node).ok()?;
        if b.engine.value != super::awsjson::Engine::ActiveMq {
            return None;
        }
        let text = b.engine_version?.value;
        let v = crate::analysis::Version::parse(&text).ok()?;
        Some((text, v))
    })
}
