//! The Amazon MQ rules: the broker's own settings (describe-broker), its
//! security groups against the protocol ports (describe-security-groups),
//! and the engine version against Amazon MQ's calendar and ActiveMQ's
//! security advisories. Codes MQA420-MQA428.

use super::awsjson::{
    At, BrokerDescription, Engine, IngressRule, IpProtocol, SecurityGroup, SecurityGroups,
};
use super::versions::{self, Date, Version};
use super::Protocol;
use super::{CONTRADICTORY_INPUT, ENGINE_NOT_AUDITED};
use crate::analysis::{finding, RuleMeta};
use crate::diagnostics::{Code, Diagnostic, Severity};
use crate::source::SourceId;
use std::collections::BTreeSet;

/// Every protocol of `--protocols`.
pub const PROTOCOLS: [Protocol; 6] = [
    Protocol::Openwire,
    Protocol::Amqp,
    Protocol::Stomp,
    Protocol::Mqtt,
    Protocol::Websocket,
    Protocol::Console,
];

/// The name of a protocol in messages.
pub fn title(p: Protocol) -> &'static str {
    match p {
        Protocol::Openwire => "OpenWire",
        Protocol::Amqp => "AMQP",
        Protocol::Stomp => "STOMP",
        Protocol::Mqtt => "MQTT",
        Protocol::Websocket => "WebSocket",
        Protocol::Console => "web console",
    }
}

/// The port Amazon MQ for ActiveMQ serves a protocol on (TLS only), as AWS's
/// security best practices for Amazon MQ list them.
pub fn amazon_mq_port(p: Protocol) -> u32 {
    match p {
        Protocol::Openwire => 61617,
        Protocol::Amqp => 5671,
        Protocol::Stomp => 61614,
        Protocol::Mqtt => 8883,
        Protocol::Websocket => 61619,
        Protocol::Console => 8162,
    }
}

/// Amazon MQ for ActiveMQ's ports, in port order.
pub fn broker_ports() -> Vec<(u32, Protocol)> {
    let mut ports: Vec<_> = PROTOCOLS
        .into_iter()
        .map(|p| (amazon_mq_port(p), p))
        .collect();
    ports.sort();
    ports
}

/// The broker ports inside an inclusive TCP port range.
pub fn ports_in(range: (u32, u32)) -> Vec<(u32, Protocol)> {
    broker_ports()
        .into_iter()
        .filter(|(p, _)| range.0 <= *p && *p <= range.1)
        .collect()
}

fn port_list(ports: &[(u32, Protocol)]) -> String {
    ports
        .iter()
        .map(|(p, proto)| format!("{p} ({})", title(*proto)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// What the Amazon MQ rules need besides the inputs.
#[derive(Clone, Debug)]
pub struct AmqOptions {
    /// `--protocols`, when given.
    pub protocols: Option<BTreeSet<Protocol>>,
    /// The run's day, for the end-of-support calendar.
    pub today: Date,
}

macro_rules! meta {
    ($name:ident, $id:literal, $code:literal, $sev:ident, $summary:literal, $docs:literal) => {
        pub static $name: RuleMeta = RuleMeta {
            code: Code {
                id: $id,
                name: $code,
            },
            severity: Severity::$sev,
            summary: $summary,
            docs: $docs,
        };
    };
}

meta!(
    BROKER_PUBLICLY_ACCESSIBLE,
    "MQA420",
    "broker-publicly-accessible",
    Error,
    "Amazon MQ: the broker is publicly accessible",
    r#"## What it does
Reports a `describe-broker` output whose `PubliclyAccessible` is `true`.

## Why is this bad?
AWS's first security best practice for Amazon MQ: prefer brokers without public accessibility.
A public broker gets an Internet-resolvable endpoint, so anyone who can reach it may try its
protocols and credentials; a private broker is reachable only from its VPC. Public accessibility
cannot be changed after creation.

## Example
```
"PubliclyAccessible": true
```

## Use instead
Create the broker again with `--no-publicly-accessible` in private subnets and reach it through
the VPC (peering, VPN, PrivateLink or a bastion):
```
"PubliclyAccessible": false
```
"#
);

meta!(
    WORLD_OPEN_PORT,
    "MQA421",
    "world-open-port",
    Warning,
    "Amazon MQ: a broker security group admits 0.0.0.0/0 or ::/0 to a broker port",
    r#"## What it does
Reports an ingress rule of one of the broker's security groups (`describe-security-groups`) that
admits a world source (`0.0.0.0/0` or `::/0`) to a broker port (AMQP 5671, MQTT 8883, OpenWire
61617, STOMP 61614, WebSocket 61619, web console 8162) or to all ports. It is an error when the
broker is publicly accessible, a warning otherwise (the private endpoint still admits the whole
VPC and everything routed into it).

## Why is this bad?
AWS's practices 1 and 4: keep the broker private and allow only the ports of the protocols in
use, from the clients that use them. A world source lets any address try the broker's protocols
and credentials.

## Example
```
{"IpProtocol": "tcp", "FromPort": 61617, "ToPort": 61617,
 "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}
```

## Use instead
Admit the clients' networks or security groups only:
```
{"IpProtocol": "tcp", "FromPort": 61617, "ToPort": 61617,
 "UserIdGroupPairs": [{"GroupId": "sg-0app"}]}
```
"#
);

meta!(
    UNUSED_PROTOCOL_PORT,
    "MQA422",
    "unused-protocol-port",
    Warning,
    "Amazon MQ: a broker security group admits the port of a protocol not in --protocols",
    r#"## What it does
With `--protocols`, reports an ingress rule of a broker security group that admits (from any
source) the port of a protocol not listed: amqp 5671, mqtt 8883, openwire 61617, stomp 61614,
websocket 61619, console 8162.

## Why is this bad?
AWS's practice 4: block unnecessary protocols with VPC security groups. Amazon MQ always listens
on every protocol's port; the security group is the only way to close the ones clients do not
use (for OpenWire and the web console: only 61617 and 8162).

## Example
`mqauthz audit --protocols openwire,console` with:
```
{"IpProtocol": "tcp", "FromPort": 5671, "ToPort": 5671, ...}
```

## Use instead
Remove the rule, or list the protocol in `--protocols` when clients use it:
```
{"IpProtocol": "tcp", "FromPort": 61617, "ToPort": 61617, ...}
```
"#
);

meta!(
    ALL_PORTS_OPEN,
    "MQA423",
    "all-ports-open",
    Warning,
    "Amazon MQ: a broker security group rule admits all traffic or a range over several broker ports",
    r#"## What it does
Reports an ingress rule of a broker security group with `IpProtocol` `-1` (all traffic), or a TCP
port range that spans two or more broker ports.

## Why is this bad?
AWS's practice 4: allow only the ports of the protocols in use. A wide rule opens every
protocol, including ones nobody uses, and keeps them open when a protocol is dropped.

## Example
```
{"IpProtocol": "tcp", "FromPort": 0, "ToPort": 65535, ...}
```

## Use instead
One rule per port in use:
```
{"IpProtocol": "tcp", "FromPort": 61617, "ToPort": 61617, ...},
{"IpProtocol": "tcp", "FromPort": 8162, "ToPort": 8162, ...}
```
"#
);

meta!(
    SECURITY_GROUP_NOT_FOUND,
    "MQA424",
    "security-group-not-found",
    Note,
    "Amazon MQ: a broker security group is in none of the describe-security-groups inputs",
    r#"## What it does
When some `describe-security-groups` output was given, reports each security group of the
broker (`SecurityGroups` of `describe-broker`) that none of them holds. When none of the broker's
groups is there at all, the inputs contradict each other (`conflicting-inputs`, an error).

## Why is this bad?
AWS's practice 4 cannot be checked for a group mqauthz has not seen: its rules may open any port
to anyone.

## Example
`describe-broker` lists `sg-1` and `sg-2`; the security group file holds only `sg-1`.

## Use instead
Describe all of the broker's groups:
```
aws ec2 describe-security-groups --group-ids sg-1 sg-2 > security-groups.json
```
"#
);

meta!(
    AUDIT_LOG_DISABLED,
    "MQA425",
    "audit-log-disabled",
    Warning,
    "Amazon MQ: the ActiveMQ broker does not publish audit logs",
    r#"## What it does
Reports an ActiveMQ broker whose `Logs.Audit` is `false` or absent (AWS Security Hub control
MQ.2).

## Why is this bad?
Audit logs record management actions through JMX and the web console (who created, deleted or
purged what). Without them, a misuse of the broker's administration leaves no trace in
CloudWatch Logs.

## Example
```
"Logs": {"General": true}
```

## Use instead
```
aws mq update-broker --broker-id b-... --logs '{"Audit": true, "General": true}'
```
"#
);

meta!(
    AUTO_MINOR_UPGRADE_DISABLED,
    "MQA426",
    "auto-minor-upgrade-disabled",
    Warning,
    "Amazon MQ: automatic minor version upgrades are off",
    r#"## What it does
Reports a broker whose `AutoMinorVersionUpgrade` is `false` (AWS Security Hub control MQ.3).

## Why is this bad?
With automatic minor upgrades Amazon MQ applies the engine's security patches in the maintenance
window. Without them the broker stays on the patch it has, for example one affected by
CVE-2023-46604.

## Example
```
"AutoMinorVersionUpgrade": false
```

## Use instead
```
aws mq update-broker --broker-id b-... --auto-minor-version-upgrade
```
"#
);

meta!(
    ENGINE_VERSION_UNSUPPORTED,
    "MQA427",
    "engine-version-unsupported",
    Error,
    "Amazon MQ: the broker's ActiveMQ minor version is past Amazon MQ's end of support",
    r#"## What it does
Reports a broker whose engine minor version has passed its end-of-support date in Amazon MQ's
version support calendar (5.15 on 2024-09-16, 5.16 on 2024-11-15, 5.17 on 2025-06-16), compared
with the day of the run (set `MQAUTHZ_TODAY=YYYY-MM-DD` to audit as of another day). A minor with
no date in the calendar is supported. Source:
https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/activemq-version-management.html

## Why is this bad?
An unsupported engine gets no more security patches, and Amazon MQ upgrades such brokers in a
maintenance window after the date whether or not clients are ready.

## Example
```
"EngineVersion": "5.17.6"
```

## Use instead
Upgrade to a supported minor yourself, after testing:
```
aws mq update-broker --broker-id b-... --engine-version 5.18
```
"#
);

meta!(
    KNOWN_VULNERABLE_VERSION,
    "MQA428",
    "known-vulnerable-version",
    Warning,
    "the ActiveMQ version is affected by a published security advisory",
    r#"## What it does
Reports a patch-level ActiveMQ version (`EngineVersion` of `describe-broker` such as `5.17.2`, or
`--activemq-version 5.17.2` for a self-hosted broker) inside the affected range of a published
ActiveMQ Classic security advisory. It is an error when the advisory is critical (such as
CVE-2023-46604, remote code execution over OpenWire), a warning otherwise. A minor-only version
(`5.18`) raises nothing: Amazon MQ applies the patches itself. The advisories are a dated table in
mqauthz, each row citing the advisory.

## Why is this bad?
The flaw is public, and for some (CVE-2023-46604) exploits are in wide use.

## Example
```
"EngineVersion": "5.17.2"
```

## Use instead
Move to the first fixed version of the line or later (`5.17.6` for CVE-2023-46604), or to a
minor-only version on Amazon MQ with automatic minor upgrades on:
```
"EngineVersion": "5.18", "AutoMinorVersionUpgrade": true
```
"#
);

/// The Amazon MQ broker rules of this module, in code order.
pub static RULES: &[&RuleMeta] = &[
    &BROKER_PUBLICLY_ACCESSIBLE,
    &WORLD_OPEN_PORT,
    &UNUSED_PROTOCOL_PORT,
    &ALL_PORTS_OPEN,
    &SECURITY_GROUP_NOT_FOUND,
    &AUDIT_LOG_DISABLED,
    &AUTO_MINOR_UPGRADE_DISABLED,
    &ENGINE_VERSION_UNSUPPORTED,
    &KNOWN_VULNERABLE_VERSION,
];

/// The AWS inputs of one run.
#[derive(Clone, Debug, Default)]
pub struct AmqInputs<'a> {
    pub brokers: Vec<&'a BrokerDescription>,
    pub security_groups: Vec<&'a SecurityGroups>,
}

fn broker_label(b: &BrokerDescription) -> String {
    match &b.name {
        Some(n) => format!("broker `{}` ({})", n, b.id.value),
        None => format!("broker {}", b.id.value),
    }
}

/// Run the Amazon MQ broker rules (MQA420-MQA428) on the inputs.
pub fn check(inputs: &AmqInputs, opts: &AmqOptions, out: &mut Vec<Diagnostic>) {
    // contradictory input: describe-broker outputs of different brokers
    if let Some(first) = inputs.brokers.first() {
        for other in &inputs.brokers[1..] {
            if other.id.value != first.id.value {
                out.push(
                    Diagnostic::error(
                        CONTRADICTORY_INPUT,
                        format!(
                            "two describe-broker outputs for different brokers: {} and {}",
                            first.id.value, other.id.value
                        ),
                    )
                    .primary(other.source, other.id.span, "this broker")
                    .secondary(first.source, first.id.span, "and this one")
                    .help("audit one broker per run: give the describe-broker output, security groups and configuration of the same broker"),
                );
            }
        }
    }
    for b in &inputs.brokers {
        check_broker(b, inputs, opts, out);
    }
    if inputs.brokers.is_empty() {
        // no describe-broker: the groups given are taken as the broker's
        for sgs in &inputs.security_groups {
            for g in &sgs.groups {
                check_group(sgs.source, g, false, opts, out);
            }
        }
    }
}

fn check_broker(
    b: &BrokerDescription,
    inputs: &AmqInputs,
    opts: &AmqOptions,
    out: &mut Vec<Diagnostic>,
) {
    let who = broker_label(b);
    let public = b.publicly_accessible.as_ref().is_some_and(|p| p.value);
    if let Some(p) = b.publicly_accessible.as_ref().filter(|p| p.value) {
        out.push(
            finding(
                &BROKER_PUBLICLY_ACCESSIBLE,
                format!("{who} is publicly accessible"),
            )
            .primary(b.source, p.span, "reachable from the Internet")
            .help("create the broker again without public accessibility, in private subnets, and reach it through the VPC")
            .note("AWS security best practice 1 for Amazon MQ: prefer brokers without public accessibility"),
        );
    }
    if let Some(a) = b.auto_minor_version_upgrade.as_ref().filter(|a| !a.value) {
        out.push(
            finding(
                &AUTO_MINOR_UPGRADE_DISABLED,
                format!("{who} does not upgrade minor versions automatically"),
            )
            .primary(b.source, a.span, "security patches are not applied")
            .help(format!(
                "aws mq update-broker --broker-id {} --auto-minor-version-upgrade",
                b.id.value
            ))
            .note("AWS Security Hub control MQ.3"),
        );
    }
    if b.engine.value == Engine::RabbitMq {
        out.push(
            Diagnostic::new(
                ENGINE_NOT_AUDITED,
                Severity::Note,
                format!("{who} runs RabbitMQ: only `broker-publicly-accessible` and `auto-minor-upgrade-disabled` apply"),
            )
            .primary(b.source, b.engine.span, "")
            .note("the other audit rules are about ActiveMQ brokers"),
        );
        return;
    }
    match (&b.audit_log, b.logs) {
        (Some(a), _) if a.value => {}
        (Some(a), _) => out.push(audit_log_finding(&who, b, a.span, "audit logs are off")),
        (None, Some(logs)) => out.push(audit_log_finding(&who, b, logs, "no `Audit` here")),
        (None, None) => out.push(audit_log_finding(
            &who,
            b,
            b.engine.span,
            "the output has no `Logs`",
        )),
    }
    if let Some(v) = &b.engine_version {
        check_engine_version(&who, b.source, v, opts, out);
    }
    check_broker_groups(b, public, inputs, opts, out);
}

fn audit_log_finding(
    who: &str,
    b: &BrokerDescription,
    span: crate::source::Span,
    label: &str,
) -> Diagnostic {
    finding(
        &AUDIT_LOG_DISABLED,
        format!("{who} does not publish audit logs"),
    )
    .primary(b.source, span, label)
    .help(format!(
        "aws mq update-broker --broker-id {} --logs '{{\"Audit\": true, \"General\": true}}'",
        b.id.value
    ))
    .note("AWS Security Hub control MQ.2")
}

fn check_engine_version(
    who: &str,
    source: SourceId,
    v: &At<String>,
    opts: &AmqOptions,
    out: &mut Vec<Diagnostic>,
) {
    let Some(version) = Version::parse(&v.value) else {
        out.push(
            Diagnostic::error(
                super::INVALID_AWS_OUTPUT,
                format!("`EngineVersion` `{}` is not a version", v.value),
            )
            .primary(source, v.span, "expected X.Y or X.Y.Z"),
        );
        return;
    };
    if let Some(eos) = versions::end_of_support(version) {
        if opts.today >= eos.date {
            out.push(
                finding(
                    &ENGINE_VERSION_UNSUPPORTED,
                    format!(
                        "{who} runs ActiveMQ {version}; Amazon MQ ended support for {}.{} on {}",
                        eos.major, eos.minor, eos.date
                    ),
                )
                .primary(source, v.span, "past end of support")
                .help(format!(
                    "upgrade to a supported minor version, e.g. `--engine-version {}`",
                    versions::first_supported_minor()
                ))
                .note(format!(
                    "Amazon MQ version support calendar: {}",
                    eos.source
                )),
            );
        }
    }
    vulnerable_version_findings(&format!("of {who}"), version, Some((source, v.span)), out);
}

/// `known-vulnerable-version` for `version`: one finding per advisory,
/// labelled at `at` when the version came from a file. `subject` says whose
/// version it is (`of broker b-1`, `` given by `--activemq-version` ``).
pub fn vulnerable_version_findings(
    subject: &str,
    version: Version,
    at: Option<(SourceId, crate::source::Span)>,
    out: &mut Vec<Diagnostic>,
) {
    for (adv, range) in versions::advisories_for(version) {
        let (severity, rated) = if adv.critical {
            (Severity::Error, ", rated critical")
        } else {
            (Severity::Warning, "")
        };
        let mut d = Diagnostic::new(
            KNOWN_VULNERABLE_VERSION.code,
            severity,
            format!(
                "ActiveMQ {version} {subject} is affected by {} ({}{rated})",
                adv.id, adv.title,
            ),
        )
        .help(format!(
            "upgrade to {} or later (the first fixed version of {})",
            range.fixed,
            version.line()
        ))
        .note(format!("advisory: {}", adv.source));
        if let Some((source, span)) = at {
            d = d.primary(source, span, format!("fixed in {}", range.fixed));
        }
        out.push(d);
    }
}

/// A configuration revision given with a describe-broker must be one of
/// the broker's: its `ConfigurationId` is the broker's current
/// configuration. `configs` are the JSON configuration files of the run.
pub fn check_configuration_ids(
    brokers: &[&BrokerDescription],
    configs: &[(SourceId, &str)],
    out: &mut Vec<Diagnostic>,
) {
    for (id, text) in configs {
        let Ok(v) = super::json::parse(text) else {
            continue;
        };
        let Some(m) = v.member("ConfigurationId") else {
            continue;
        };
        let Some(cid) = m.value.as_str() else {
            continue;
        };
        for b in brokers {
            let Some(cur) = &b.configuration else {
                continue;
            };
            if cur.id.value != cid {
                out.push(
                    Diagnostic::error(
                        CONTRADICTORY_INPUT,
                        format!(
                            "configuration {cid} is not the configuration of {} ({})",
                            broker_label(b),
                            cur.id.value
                        ),
                    )
                    .primary(*id, m.span(), "this configuration")
                    .secondary(b.source, cur.id.span, "the broker's configuration")
                    .help(format!(
                        "give the broker's own configuration: aws mq describe-configuration-revision --configuration-id {}{}",
                        cur.id.value,
                        cur.revision
                            .map(|r| format!(" --configuration-revision {r}"))
                            .unwrap_or_default()
                    )),
                );
            }
        }
    }
}

fn check_broker_groups(
    b: &BrokerDescription,
    public: bool,
    inputs: &AmqInputs,
    opts: &AmqOptions,
    out: &mut Vec<Diagnostic>,
) {
    if inputs.security_groups.is_empty() {
        return;
    }
    let mut found = 0;
    let mut missing = Vec::new();
    for want in &b.security_groups {
        let hit = inputs.security_groups.iter().find_map(|sgs| {
            sgs.groups
                .iter()
                .find(|g| g.id.value == want.value)
                .map(|g| (sgs.source, g))
        });
        match hit {
            Some((source, g)) => {
                found += 1;
                check_group(source, g, public, opts, out);
            }
            None => missing.push(want),
        }
    }
    if b.security_groups.is_empty() {
        let mut d = Diagnostic::error(
            CONTRADICTORY_INPUT,
            format!(
                "{} lists no security groups, but describe-security-groups output was given",
                broker_label(b)
            ),
        );
        d = match &b.security_groups_member {
            Some(span) => d.primary(b.source, *span, "no groups"),
            None => d.primary(b.source, b.id.span, "no `SecurityGroups`"),
        };
        for sgs in &inputs.security_groups {
            d = d.secondary(sgs.source, sgs.span, "");
        }
        out.push(d.help(
            "give the describe-broker output as the AWS CLI prints it (with `SecurityGroups`), or leave the security groups out",
        ));
        return;
    }
    if found == 0 {
        let mut d = Diagnostic::error(
            CONTRADICTORY_INPUT,
            format!(
                "none of the security groups of {} is in the describe-security-groups input",
                broker_label(b)
            ),
        );
        d = match &b.security_groups_member {
            Some(span) => d.primary(b.source, *span, "the broker's groups"),
            None => d.primary(b.source, b.id.span, ""),
        };
        for sgs in &inputs.security_groups {
            let ids: Vec<_> = sgs.groups.iter().map(|g| g.id.value.as_str()).collect();
            d = d.secondary(
                sgs.source,
                sgs.span,
                if ids.is_empty() {
                    "holds no group".to_string()
                } else {
                    format!("holds {}", ids.join(", "))
                },
            );
        }
        out.push(d.help(format!(
            "describe the broker's groups: aws ec2 describe-security-groups --group-ids {}",
            b.security_groups
                .iter()
                .map(|g| g.value.as_str())
                .collect::<Vec<_>>()
                .join(" ")
        )));
        return;
    }
    for m in missing {
        out.push(
            finding(
                &SECURITY_GROUP_NOT_FOUND,
                format!(
                    "security group {} of {} is in no describe-security-groups input; its rules were not checked",
                    m.value,
                    broker_label(b)
                ),
            )
            .primary(b.source, m.span, "not described")
            .help(format!(
                "add the output of `aws ec2 describe-security-groups --group-ids {}`",
                m.value
            )),
        );
    }
}

fn check_group(
    source: SourceId,
    g: &SecurityGroup,
    public: bool,
    opts: &AmqOptions,
    out: &mut Vec<Diagnostic>,
) {
    let gname = match &g.name {
        Some(n) => format!("security group {} ({})", g.id.value, n),
        None => format!("security group {}", g.id.value),
    };
    for rule in &g.ingress {
        check_rule(source, &gname, rule, public, opts, out);
    }
}

fn check_rule(
    source: SourceId,
    gname: &str,
    rule: &IngressRule,
    public: bool,
    opts: &AmqOptions,
    out: &mut Vec<Diagnostic>,
) {
    let Some(range) = rule.tcp_ports() else {
        return;
    };
    if rule.sources.is_empty() {
        return;
    }
    let ports = ports_in(range);
    let what = match rule.protocol.value {
        IpProtocol::All => "all traffic".to_string(),
        _ if range.0 == range.1 => format!("TCP port {}", range.0),
        _ => format!("TCP ports {}-{}", range.0, range.1),
    };
    // the ports as a phrase: `port 61617 (OpenWire)`, or the rule's range
    // and the broker ports in it
    let reach = if range.0 == range.1 {
        format!("port {}", port_list(&ports))
    } else {
        format!("{what}, including broker ports {}", port_list(&ports))
    };
    // world-open-port
    if !ports.is_empty() {
        for s in rule.sources.iter().filter(|s| s.is_world()) {
            let super::awsjson::IngressSource::Cidr(cidr) = s else {
                continue;
            };
            let severity = if public {
                Severity::Error
            } else {
                Severity::Warning
            };
            let mut d = Diagnostic::new(
                WORLD_OPEN_PORT.code,
                severity,
                format!("{gname} admits {} to {reach}", cidr.value),
            )
            .primary(source, cidr.span, "anyone")
            .secondary(source, rule.ports_span(), "")
            .help("admit only the clients' networks or security groups (`UserIdGroupPairs`)")
            .note("AWS security best practices 1 and 4 for Amazon MQ");
            if public {
                d = d.note("the broker is publicly accessible: the Internet reaches these ports");
            }
            out.push(d);
        }
    }
    // all-ports-open
    if rule.protocol.value == IpProtocol::All || ports.len() >= 2 {
        out.push(
            finding(
                &ALL_PORTS_OPEN,
                format!(
                    "{gname} admits {what}, covering broker ports {}",
                    port_list(&ports)
                ),
            )
            .primary(source, rule.ports_span(), "one rule for several protocols")
            .help("write one rule per port of a protocol in use (e.g. 61617 for OpenWire, 8162 for the web console)")
            .note("AWS security best practice 4 for Amazon MQ: allow only the ports of the protocols in use"),
        );
    }
    // unused-protocol-port
    if let Some(used) = &opts.protocols {
        let unused: Vec<_> = ports
            .iter()
            .copied()
            .filter(|(_, p)| !used.contains(p))
            .collect();
        if !unused.is_empty() {
            let listed: Vec<_> = used.iter().map(|p| p.as_str()).collect();
            out.push(
                finding(
                    &UNUSED_PROTOCOL_PORT,
                    if range.0 == range.1 {
                        format!(
                            "{gname} admits port {}, a protocol not in --protocols",
                            port_list(&unused)
                        )
                    } else {
                        format!(
                            "{gname} admits {what}, including {}, whose protocol{} not in --protocols",
                            port_list(&unused),
                            if unused.len() == 1 { " is" } else { "s are" }
                        )
                    },
                )
                .primary(source, rule.ports_span(), "protocol not in use")
                .help(format!(
                    "remove the rule or narrow it to the ports of {}",
                    listed.join(", ")
                ))
                .note("AWS security best practice 4 for Amazon MQ: block unnecessary protocols with VPC security groups"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::awsjson::{read_broker, read_security_groups};
    use super::super::json;
    use super::*;

    fn broker(text: &str) -> BrokerDescription {
        read_broker(SourceId(0), &json::parse(text).unwrap()).unwrap()
    }

    fn groups(text: &str) -> SecurityGroups {
        read_security_groups(SourceId(1), &json::parse(text).unwrap()).unwrap()
    }

    fn opts(protocols: Option<&[Protocol]>) -> AmqOptions {
        AmqOptions {
            protocols: protocols.map(|p| p.iter().copied().collect()),
            today: Date::new(2026, 1, 1),
        }
    }

    fn run(b: &[&BrokerDescription], s: &[&SecurityGroups], o: &AmqOptions) -> Vec<String> {
        let mut out = Vec::new();
        check(
            &AmqInputs {
                brokers: b.to_vec(),
                security_groups: s.to_vec(),
            },
            o,
            &mut out,
        );
        let mut names: Vec<_> = out
            .iter()
            .map(|d| format!("{}:{}", d.code.name, d.severity))
            .collect();
        names.sort();
        names
    }

    const GOOD: &str = r#"{"BrokerId": "b-1", "EngineType": "ActiveMQ", "EngineVersion": "5.18",
        "PubliclyAccessible": false, "AutoMinorVersionUpgrade": true, "Logs": {"Audit": true},
        "SecurityGroups": ["sg-1"]}"#;

    #[test]
    fn clean_broker_raises_nothing() {
        let b = broker(GOOD);
        let s = groups(
            r#"{"SecurityGroups": [{"GroupId": "sg-1", "IpPermissions": [
            {"IpProtocol": "tcp", "FromPort": 61617, "ToPort": 61617, "IpRanges": [{"CidrIp": "10.0.0.0/16"}]},
            {"IpProtocol": "tcp", "FromPort": 8162, "ToPort": 8162, "UserIdGroupPairs": [{"GroupId": "sg-9"}]},
            {"IpProtocol": "udp", "FromPort": 0, "ToPort": 65535, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
            {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}
            ]}]}"#,
        );
        let o = opts(Some(&[Protocol::Openwire, Protocol::Console]));
        assert_eq!(run(&[&b], &[&s], &o), Vec::<String>::new());
    }

    #[test]
    fn broker_settings() {
        let b = broker(
            r#"{"BrokerId": "b-1", "EngineType": "ACTIVEMQ", "EngineVersion": "5.17.2",
            "PubliclyAccessible": true, "AutoMinorVersionUpgrade": false, "Logs": {"Audit": false}}"#,
        );
        assert_eq!(
            run(&[&b], &[], &opts(None)),
            [
                "audit-log-disabled:warning",
                "auto-minor-upgrade-disabled:warning",
                "broker-publicly-accessible:error",
                "engine-version-unsupported:error",
                "known-vulnerable-version:error",
                "known-vulnerable-version:warning",
                "known-vulnerable-version:warning",
            ]
        );
        // before 5.17's end of support: supported
        let before = AmqOptions {
            today: Date::new(2025, 6, 15),
            ..opts(None)
        };
        let b = broker(
            r#"{"BrokerId": "b-1", "EngineType": "ActiveMQ", "EngineVersion": "5.17",
            "Logs": {"Audit": true}}"#,
        );
        assert_eq!(run(&[&b], &[], &before), Vec::<String>::new());
        let on = AmqOptions {
            today: Date::new(2025, 6, 16),
            ..opts(None)
        };
        assert_eq!(run(&[&b], &[], &on), ["engine-version-unsupported:error"]);
    }

    #[test]
    fn rabbitmq_gets_two_rules_and_a_note() {
        let b = broker(
            r#"{"BrokerId": "b-1", "EngineType": "RabbitMQ", "EngineVersion": "3.8.6",
            "PubliclyAccessible": true, "AutoMinorVersionUpgrade": false, "SecurityGroups": ["sg-x"]}"#,
        );
        let s = groups(r#"{"SecurityGroups": [{"GroupId": "sg-1", "IpPermissions": []}]}"#);
        assert_eq!(
            run(&[&b], &[&s], &opts(None)),
            [
                "auto-minor-upgrade-disabled:warning",
                "broker-publicly-accessible:error",
                "engine-not-audited:note"
            ]
        );
    }

    #[test]
    fn security_group_rules() {
        let s = groups(
            r#"{"SecurityGroups": [{"GroupId": "sg-1", "IpPermissions": [
            {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
            {"IpProtocol": "6", "FromPort": 61614, "ToPort": 61619, "UserIdGroupPairs": [{"GroupId": "sg-2"}]},
            {"IpProtocol": "tcp", "FromPort": 5671, "ToPort": 5671, "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}
            ]}]}"#,
        );
        let b = broker(GOOD);
        assert_eq!(
            run(&[&b], &[&s], &opts(Some(&[Protocol::Openwire]))),
            [
                "all-ports-open:warning",
                "all-ports-open:warning",
                "unused-protocol-port:warning",
                "unused-protocol-port:warning",
                "unused-protocol-port:warning",
                "world-open-port:warning",
                "world-open-port:warning",
            ]
        );
        let public = broker(&GOOD.replace(
            "\"PubliclyAccessible\": false",
            "\"PubliclyAccessible\": true",
        ));
        let got = run(&[&public], &[&s], &opts(None));
        assert!(
            got.contains(&"world-open-port:error".to_string()),
            "{got:?}"
        );
    }

    #[test]
    fn missing_and_foreign_groups() {
        let two = broker(&GOOD.replace("[\"sg-1\"]", "[\"sg-1\", \"sg-2\"]"));
        let s = groups(r#"{"SecurityGroups": [{"GroupId": "sg-1", "IpPermissions": []}]}"#);
        assert_eq!(
            run(&[&two], &[&s], &opts(None)),
            ["security-group-not-found:note"]
        );
        // no security group input: nothing about groups
        assert_eq!(run(&[&two], &[], &opts(None)), Vec::<String>::new());
        let other = groups(r#"{"SecurityGroups": [{"GroupId": "sg-7", "IpPermissions": []}]}"#);
        assert_eq!(
            run(&[&two], &[&other], &opts(None)),
            ["contradictory-input:error"]
        );
    }

    #[test]
    fn groups_given_for_a_broker_that_lists_none() {
        let none = broker(&GOOD.replace("\"SecurityGroups\": [\"sg-1\"]", "\"Tags\": {}"));
        assert!(none.security_groups.is_empty());
        let s = groups(r#"{"SecurityGroups": [{"GroupId": "sg-1", "IpPermissions": []}]}"#);
        assert_eq!(
            run(&[&none], &[&s], &opts(None)),
            ["contradictory-input:error"]
        );
        assert_eq!(run(&[&none], &[], &opts(None)), Vec::<String>::new());
    }

    #[test]
    fn two_brokers_conflict() {
        let a = broker(GOOD);
        let b = broker(&GOOD.replace("b-1", "b-2"));
        assert_eq!(
            run(&[&a, &b], &[], &opts(None)),
            ["contradictory-input:error"]
        );
        assert_eq!(run(&[&a, &a], &[], &opts(None)), Vec::<String>::new());
    }

    #[test]
    fn configuration_of_another_broker() {
        let b = broker(&GOOD.replace(
            "\"SecurityGroups\"",
            "\"Configurations\": {\"Current\": {\"Id\": \"c-1\", \"Revision\": 2}}, \"SecurityGroups\"",
        ));
        let mine = r#"{"ConfigurationId": "c-1", "Data": ""}"#;
        let other = r#"{"ConfigurationId": "c-2", "Data": ""}"#;
        let mut out = Vec::new();
        check_configuration_ids(&[&b], &[(SourceId(2), mine)], &mut out);
        assert!(out.is_empty());
        check_configuration_ids(&[&b], &[(SourceId(3), other)], &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].code, CONTRADICTORY_INPUT);
    }

    #[test]
    fn ports() {
        assert_eq!(ports_in((61614, 61619)).len(), 3);
        assert_eq!(ports_in((0, 65535)).len(), 6);
        assert!(ports_in((61618, 61618)).is_empty());
    }
}
