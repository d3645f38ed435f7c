//! AWS CLI JSON about an Amazon MQ broker: `aws mq describe-broker` and
//! `aws ec2 describe-security-groups`, read with the position of every
//! member so findings name their line.
//!
//! Member names may be PascalCase (AWS CLI) or camelCase (REST API); enum
//! values (`EngineType`, `IpProtocol`) compare case-insensitively. A member
//! of the wrong type is a located error, never silently ignored.

use super::json::{Member as JMember, Node as JValue, Value};
use super::INVALID_AWS_OUTPUT as INVALID_AWS_JSON;
use crate::diagnostics::Diagnostic;
use crate::source::{SourceId, Span};

/// A value read from JSON with the span of its member (name and value).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct At<T> {
    pub value: T,
    pub span: Span,
}

/// The broker's engine.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Engine {
    ActiveMq,
    RabbitMq,
}

/// `Configurations.Current` of a describe-broker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigurationRef {
    pub id: At<String>,
    pub revision: Option<i64>,
}

/// `aws mq describe-broker` output.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BrokerDescription {
    pub source: SourceId,
    /// The whole object.
    pub span: Span,
    pub id: At<String>,
    pub name: Option<String>,
    pub engine: At<Engine>,
    pub engine_version: Option<At<String>>,
    pub publicly_accessible: Option<At<bool>>,
    /// The `Logs` member.
    pub logs: Option<Span>,
    pub audit_log: Option<At<bool>>,
    pub auto_minor_version_upgrade: Option<At<bool>>,
    /// The `SecurityGroups` member.
    pub security_groups_member: Option<Span>,
    /// Each group id with the span of its string.
    pub security_groups: Vec<At<String>>,
    pub configuration: Option<ConfigurationRef>,
    /// `Users[].Username`.
    pub users: Vec<At<String>>,
}

/// The protocol of an ingress rule, as far as the audit cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IpProtocol {
    /// `tcp` or `6`.
    Tcp,
    /// `-1`: all traffic.
    All,
    /// Anything else (udp, icmp...): not checked.
    Other,
}

/// One source of an ingress rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IngressSource {
    /// `IpRanges[].CidrIp` or `Ipv6Ranges[].CidrIpv6`.
    Cidr(At<String>),
    /// `UserIdGroupPairs[]`: another security group.
    Group(Span),
    /// `PrefixListIds[]`.
    PrefixList(Span),
}

impl IngressSource {
    /// `0.0.0.0/0` or `::/0`: anyone.
    pub fn is_world(&self) -> bool {
        match self {
            IngressSource::Cidr(c) => is_world_cidr(&c.value),
            _ => false,
        }
    }
}

/// `0.0.0.0/0` or `::/0` (written in any of IPv6's equivalent ways).
pub fn is_world_cidr(cidr: &str) -> bool {
    let Some((addr, len)) = cidr.trim().split_once('/') else {
        return false;
    };
    if len.trim() != "0" {
        return false;
    }
    addr.trim().parse::<std::net::IpAddr>().is_ok()
}

/// One entry of `IpPermissions`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IngressRule {
    /// The whole permission object.
    pub span: Span,
    pub protocol: At<IpProtocol>,
    /// The protocol as written.
    pub protocol_text: String,
    pub from_port: Option<At<i64>>,
    pub to_port: Option<At<i64>>,
    pub sources: Vec<IngressSource>,
}

impl IngressRule {
    /// The TCP ports the rule admits, as an inclusive range; `None` when it
    /// is no TCP rule. `-1` and missing ports mean all ports.
    pub fn tcp_ports(&self) -> Option<(u32, u32)> {
        match self.protocol.value {
            IpProtocol::Other => None,
            IpProtocol::All => Some((0, 65_535)),
            IpProtocol::Tcp => {
                let from = self.from_port.as_ref().map(|p| p.value);
                let to = self.to_port.as_ref().map(|p| p.value);
                match (from, to) {
                    (Some(f), Some(t)) if f >= 0 && t >= f => Some((
                        u32::try_from(f).unwrap_or(0),
                        u32::try_from(t.min(65_535)).unwrap_or(65_535),
                    )),
                    _ => Some((0, 65_535)),
                }
            }
        }
    }

    /// Where to point at the ports: `FromPort`, else `IpProtocol`.
    pub fn ports_span(&self) -> Span {
        match self.protocol.value {
            IpProtocol::All => self.protocol.span,
            _ => self
                .from_port
                .as_ref()
                .map_or(self.protocol.span, |p| p.span),
        }
    }
}

/// One security group of `describe-security-groups`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecurityGroup {
    pub id: At<String>,
    pub name: Option<String>,
    pub ingress: Vec<IngressRule>,
}

/// `aws ec2 describe-security-groups` output.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecurityGroups {
    pub source: SourceId,
    pub span: Span,
    pub groups: Vec<SecurityGroup>,
}

struct Reader {
    id: SourceId,
    errors: Vec<Diagnostic>,
}

impl Reader {
    fn wrong(&mut self, m: &JMember, expected: &str) {
        self.errors.push(
            Diagnostic::error(
                INVALID_AWS_JSON,
                format!("`{}` is {}, expected {expected}", m.name, m.value.kind()),
            )
            .primary(self.id, m.span(), format!("expected {expected}"))
            .help("give the JSON exactly as the AWS CLI prints it"),
        );
    }

    fn string(&mut self, obj: &JValue, name: &str) -> Option<At<String>> {
        let m = obj.member(name)?;
        match m.value.as_str() {
            Some(s) => Some(At {
                value: s.to_string(),
                span: m.span(),
            }),
            None if matches!(m.value.value, Value::Null) => None,
            None => {
                self.wrong(m, "a string");
                None
            }
        }
    }

    fn boolean(&mut self, obj: &JValue, name: &str) -> Option<At<bool>> {
        let m = obj.member(name)?;
        match m.value.as_bool() {
            Some(b) => Some(At {
                value: b,
                span: m.span(),
            }),
            None if matches!(m.value.value, Value::Null) => None,
            None => {
                self.wrong(m, "`true` or `false`");
                None
            }
        }
    }

    fn integer(&mut self, obj: &JValue, name: &str) -> Option<At<i64>> {
        let m = obj.member(name)?;
        match m.value.as_number().and_then(|n| n.parse::<i64>().ok()) {
            Some(n) => Some(At {
                value: n,
                span: m.span(),
            }),
            None if matches!(m.value.value, Value::Null) => None,
            None => {
                self.wrong(m, "an integer");
                None
            }
        }
    }

    /// The items of array member `name` (empty when absent).
    fn array<'v>(&mut self, obj: &'v JValue, name: &str) -> &'v [JValue] {
        let Some(m) = obj.member(name) else {
            return &[];
        };
        match m.value.as_array() {
            Some(items) => items,
            None if matches!(m.value.value, Value::Null) => &[],
            None => {
                self.wrong(m, "an array");
                &[]
            }
        }
    }

    /// The object member `name`, if it is one.
    fn object<'v>(&mut self, obj: &'v JValue, name: &str) -> Option<&'v JMember> {
        let m = obj.member(name)?;
        if m.value.is_object() {
            Some(m)
        } else {
            if !matches!(m.value.value, Value::Null) {
                self.wrong(m, "an object");
            }
            None
        }
    }

    fn item_not_object(&mut self, item: &JValue, what: &str) {
        self.errors.push(
            Diagnostic::error(
                INVALID_AWS_JSON,
                format!(
                    "an entry of `{what}` is {}, expected an object",
                    item.kind()
                ),
            )
            .primary(self.id, item.span, "expected an object")
            .help("give the JSON exactly as the AWS CLI prints it"),
        );
    }

    fn finish<T>(self, value: T) -> Result<T, Vec<Diagnostic>> {
        if self.errors.is_empty() {
            Ok(value)
        } else {
            Err(self.errors)
        }
    }
}

/// Read a `describe-broker` output (told by [`super::Kind::DescribeBroker`]).
pub fn read_broker(id: SourceId, v: &JValue) -> Result<BrokerDescription, Vec<Diagnostic>> {
    let mut r = Reader {
        id,
        errors: Vec::new(),
    };
    let broker_id = r.string(v, "BrokerId");
    let engine_text = r.string(v, "EngineType");
    let engine = match engine_text {
        Some(e) if e.value.eq_ignore_ascii_case("activemq") => Some(At {
            value: Engine::ActiveMq,
            span: e.span,
        }),
        Some(e) if e.value.eq_ignore_ascii_case("rabbitmq") => Some(At {
            value: Engine::RabbitMq,
            span: e.span,
        }),
        Some(e) => {
            r.errors.push(
                Diagnostic::error(
                    INVALID_AWS_JSON,
                    format!("unknown `EngineType` `{}`", e.value),
                )
                .primary(id, e.span, "expected ActiveMQ or RabbitMQ")
                .help("Amazon MQ brokers are `ActiveMQ` or `RabbitMQ`"),
            );
            None
        }
        None => None,
    };
    let name = r.string(v, "BrokerName").map(|n| n.value);
    let engine_version = r.string(v, "EngineVersion");
    let publicly_accessible = r.boolean(v, "PubliclyAccessible");
    let auto_minor_version_upgrade = r.boolean(v, "AutoMinorVersionUpgrade");
    let (logs, audit_log) = match r.object(v, "Logs") {
        Some(m) => (Some(m.span()), r.boolean(&m.value, "Audit")),
        None => (None, None),
    };
    let security_groups_member = v.member("SecurityGroups").map(JMember::span);
    let mut security_groups = Vec::new();
    for g in r.array(v, "SecurityGroups") {
        match g.as_str() {
            Some(s) => security_groups.push(At {
                value: s.to_string(),
                span: g.span,
            }),
            None => r.errors.push(
                Diagnostic::error(
                    INVALID_AWS_JSON,
                    format!(
                        "an entry of `SecurityGroups` is {}, expected a group id",
                        g.kind()
                    ),
                )
                .primary(id, g.span, "expected a string such as \"sg-0123\""),
            ),
        }
    }
    let configuration = match r.object(v, "Configurations") {
        Some(c) => match r.object(&c.value, "Current") {
            Some(cur) => {
                let cid = r.string(&cur.value, "Id");
                let revision = r.integer(&cur.value, "Revision").map(|n| n.value);
                cid.map(|id| ConfigurationRef { id, revision })
            }
            None => None,
        },
        None => None,
    };
    let mut users = Vec::new();
    for u in r.array(v, "Users") {
        if !u.is_object() {
            r.item_not_object(u, "Users");
            continue;
        }
        if let Some(name) = r.string(u, "Username") {
            users.push(name);
        }
    }
    let (Some(broker_id), Some(engine)) = (broker_id, engine) else {
        if r.errors.is_empty() {
            r.errors.push(
                Diagnostic::error(
                    INVALID_AWS_JSON,
                    "a describe-broker output needs `BrokerId` and `EngineType` strings",
                )
                .primary(id, v.span, ""),
            );
        }
        return Err(r.errors);
    };
    r.finish(BrokerDescription {
        source: id,
        span: v.span,
        id: broker_id,
        name,
        engine,
        engine_version,
        publicly_accessible,
        logs,
        audit_log,
        auto_minor_version_upgrade,
        security_groups_member,
        security_groups,
        configuration,
        users,
    })
}

/// Read a `describe-security-groups` output.
pub fn read_security_groups(id: SourceId, v: &JValue) -> Result<SecurityGroups, Vec<Diagnostic>> {
    let mut r = Reader {
        id,
        errors: Vec::new(),
    };
    let mut groups = Vec::new();
    for g in r.array(v, "SecurityGroups") {
        let Some(gid) = r.string(g, "GroupId") else {
            r.errors.push(
                Diagnostic::error(INVALID_AWS_JSON, "a security group without `GroupId`")
                    .primary(id, g.span, "no `GroupId`")
                    .help("give the JSON exactly as `aws ec2 describe-security-groups` prints it"),
            );
            continue;
        };
        let name = r.string(g, "GroupName").map(|n| n.value);
        let mut ingress = Vec::new();
        for p in r.array(g, "IpPermissions") {
            if !p.is_object() {
                r.item_not_object(p, "IpPermissions");
                continue;
            }
            let Some(proto) = r.string(p, "IpProtocol") else {
                r.errors.push(
                    Diagnostic::error(INVALID_AWS_JSON, "an ingress rule without `IpProtocol`")
                        .primary(id, p.span, "no `IpProtocol`"),
                );
                continue;
            };
            let kind = match proto.value.trim().to_ascii_lowercase().as_str() {
                "tcp" | "6" => IpProtocol::Tcp,
                "-1" | "all" => IpProtocol::All,
                _ => IpProtocol::Other,
            };
            let from_port = r.integer(p, "FromPort");
            let to_port = r.integer(p, "ToPort");
            let mut sources = Vec::new();
            for (list, key) in [("IpRanges", "CidrIp"), ("Ipv6Ranges", "CidrIpv6")] {
                for range in r.array(p, list) {
                    if !range.is_object() {
                        r.item_not_object(range, list);
                        continue;
                    }
                    if let Some(c) = r.string(range, key) {
                        sources.push(IngressSource::Cidr(c));
                    }
                }
            }
            for pair in r.array(p, "UserIdGroupPairs") {
                sources.push(IngressSource::Group(pair.span));
            }
            for pl in r.array(p, "PrefixListIds") {
                sources.push(IngressSource::PrefixList(pl.span));
            }
            ingress.push(IngressRule {
                span: p.span,
                protocol: At {
                    value: kind,
                    span: proto.span,
                },
                protocol_text: proto.value,
                from_port,
                to_port,
                sources,
            });
        }
        groups.push(SecurityGroup {
            id: gid,
            name,
            ingress,
        });
    }
    r.finish(SecurityGroups {
        source: id,
        span: v.span,
        groups,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    #[derive(Debug)]
    enum Doc {
        Broker(Box<BrokerDescription>),
        SecurityGroups(SecurityGroups),
    }

    fn read_text(text: &str) -> Result<Option<Doc>, Vec<Diagnostic>> {
        let v = super::super::json::parse(text).map_err(|_| Vec::new())?;
        if v.get("BrokerId").is_some() {
            return read_broker(SourceId(0), &v).map(|b| Some(Doc::Broker(Box::new(b))));
        }
        if v.get("SecurityGroups").is_some() {
            return read_security_groups(SourceId(0), &v).map(|s| Some(Doc::SecurityGroups(s)));
        }
        Ok(None)
    }

    fn line(text: &str, span: Span) -> usize {
        SourceFile::new("f", text)
            .line_col(span.start as usize)
            .line
    }

    #[test]
    fn describe_broker_cli_and_rest() {
        let cli = r#"{
  "BrokerId": "b-1234",
  "BrokerName": "orders",
  "EngineType": "ActiveMQ",
  "EngineVersion": "5.17.6",
  "PubliclyAccessible": false,
  "AutoMinorVersionUpgrade": true,
  "Logs": {"Audit": true, "General": false},
  "SecurityGroups": ["sg-1", "sg-2"],
  "Configurations": {"Current": {"Id": "c-1", "Revision": 3}},
  "Users": [{"Username": "app"}]
}"#;
        let Ok(Some(Doc::Broker(b))) = read_text(cli) else {
            panic!()
        };
        assert_eq!(b.id.value, "b-1234");
        assert_eq!(b.engine.value, Engine::ActiveMq);
        assert_eq!(b.engine_version.as_ref().unwrap().value, "5.17.6");
        assert_eq!(line(cli, b.publicly_accessible.as_ref().unwrap().span), 6);
        assert!(b.audit_log.as_ref().unwrap().value);
        assert_eq!(line(cli, b.security_groups[1].span), 9);
        let c = b.configuration.as_ref().unwrap();
        assert_eq!((c.id.value.as_str(), c.revision), ("c-1", Some(3)));
        assert_eq!(b.users[0].value, "app");

        let rest = r#"{"brokerId": "b-9", "engineType": "RABBITMQ", "publiclyAccessible": true}"#;
        let Ok(Some(Doc::Broker(b))) = read_text(rest) else {
            panic!()
        };
        assert_eq!(b.engine.value, Engine::RabbitMq);
        assert!(b.publicly_accessible.unwrap().value);
    }

    #[test]
    fn wrong_types_are_located_errors() {
        let text =
            "{\"BrokerId\": \"b\", \"EngineType\": \"ActiveMQ\",\n \"PubliclyAccessible\": \"no\"}";
        let errs = read_text(text).unwrap_err();
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].code, INVALID_AWS_JSON);
        assert!(
            errs[0].message.contains("PubliclyAccessible"),
            "{}",
            errs[0].message
        );
        assert_eq!(line(text, errs[0].labels[0].span), 2);
        let errs = read_text(r#"{"BrokerId": "b", "EngineType": "Kafka"}"#).unwrap_err();
        assert!(errs[0].message.contains("Kafka"));
        assert!(read_text("{\"BrokerId\": ").is_err());
        assert!(read_text(r#"{"Other": 1}"#).unwrap().is_none());
    }

    #[test]
    fn security_groups() {
        let text = r#"{"SecurityGroups": [{
  "GroupId": "sg-1", "GroupName": "broker",
  "IpPermissions": [
    {"IpProtocol": "tcp", "FromPort": 61617, "ToPort": 61617,
     "IpRanges": [{"CidrIp": "10.0.0.0/16"}], "Ipv6Ranges": [{"CidrIpv6": "::/0"}]},
    {"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": "sg-2"}]},
    {"IpProtocol": "udp", "FromPort": 53, "ToPort": 53, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}
  ],
  "IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]
}]}"#;
        let Ok(Some(Doc::SecurityGroups(s))) = read_text(text) else {
            panic!()
        };
        let g = &s.groups[0];
        assert_eq!(g.id.value, "sg-1");
        assert_eq!(g.ingress.len(), 3);
        assert_eq!(g.ingress[0].tcp_ports(), Some((61617, 61617)));
        assert_eq!(
            g.ingress[0].sources.iter().filter(|s| s.is_world()).count(),
            1
        );
        assert_eq!(g.ingress[1].tcp_ports(), Some((0, 65535)));
        assert!(!g.ingress[1].sources[0].is_world());
        assert_eq!(g.ingress[2].tcp_ports(), None);
        assert_eq!(line(text, g.ingress[0].ports_span()), 4);
    }

    #[test]
    fn world_cidrs() {
        for w in ["0.0.0.0/0", "::/0", "0:0::0/0", " 0.0.0.0/0 "] {
            assert!(is_world_cidr(w), "{w}");
        }
        for n in [
            "0.0.0.0/1",
            "10.0.0.0/8",
            "::/1",
            "0.0.0.0",
            "x/0",
            "::/00x",
        ] {
            assert!(!is_world_cidr(n), "{n}");
        }
    }
}
