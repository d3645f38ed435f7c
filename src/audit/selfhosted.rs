//! The self-hosted rules MQA401-MQA411: authentication, credentials,
//! transports and JMX in `activemq.xml` and the properties files; the
//! console rules (MQA409-MQA411) read `jetty.xml` in [`super::jetty`].

use super::properties::{PropertiesKind, Property};
use super::{finding, Inputs, Options, Protocol};
use crate::analysis::RuleMeta;
use crate::diagnostics::{Code, Diagnostic, Severity};
use crate::source::{SourceId, Span};
use crate::xml::config::Element;
use crate::xml::{ConfigDoc, Document};
use std::net::{IpAddr, Ipv4Addr};

pub static NO_AUTHENTICATION: RuleMeta = RuleMeta {
    code: Code {
        id: "MQA401",
        name: "no-authentication",
    },
    severity: Severity::Error,
    summary: "a self-hosted broker configuration has no authentication plugin",
    docs: r#"## What it does
Reports a self-hosted `activemq.xml` whose `<plugins>` hold no authentication plugin:
`simpleAuthenticationPlugin`, `jaasAuthenticationPlugin`, `jaasCertificateAuthenticationPlugin`,
`jaasDualAuthenticationPlugin`, or a `<bean>` whose class is an authentication plugin
(`...AuthenticationPlugin`).

## Why is this bad?
Without authentication every client is anonymous. Without an authorization map, any client that
reaches a port connects without credentials and may read, write and administer every
destination. With a map (practice 3 of AWS's security best practices for Amazon MQ), every
client is refused ("User is not authenticated"): the map can only be used with authentication.
Amazon MQ always authenticates; a self-hosted broker does so only when configured.

## Example
```xml
<broker xmlns="http://activemq.apache.org/schema/core">
  <plugins>
    <authorizationPlugin>...</authorizationPlugin>
  </plugins>
</broker>
```

## Use instead
```xml
<plugins>
  <jaasAuthenticationPlugin configuration="activemq"/>
  <authorizationPlugin>...</authorizationPlugin>
</plugins>
```
"#,
};

pub static ANONYMOUS_ACCESS_ALLOWED: RuleMeta = RuleMeta {
    code: Code {
        id: "MQA402",
        name: "anonymous-access-allowed",
    },
    severity: Severity::Warning,
    summary: "`simpleAuthenticationPlugin` lets clients without credentials connect as `anonymous`",
    docs: r#"## What it does
Reports `<simpleAuthenticationPlugin anonymousAccessAllowed="true">`.

## Why is this bad?
A client that sends no credentials connects as user `anonymous` in group `anonymous` (or the
configured `anonymousUser` and `anonymousGroup`) and gets every right the map grants that group
and `*`. Anybody who reaches the port is that user. Practice 3 of AWS's security best practices
for Amazon MQ restricts access by group; a group every stranger holds restricts nothing.

## Example
```xml
<simpleAuthenticationPlugin anonymousAccessAllowed="true">
  <users>...</users>
</simpleAuthenticationPlugin>
```

## Use instead
```xml
<simpleAuthenticationPlugin>
  <users>...</users>
</simpleAuthenticationPlugin>
```
and give each client its own user.
"#,
};

pub static INLINE_PASSWORD: RuleMeta = RuleMeta {
    code: Code {
        id: "MQA404",
        name: "inline-password",
    },
    severity: Severity::Warning,
    summary: "an `authenticationUser` password is written in the configuration",
    docs: r#"## What it does
Reports an `<authenticationUser password="...">` whose password is a literal rather than a
`${...}` placeholder (resolved from `credentials.properties` or the environment) or an
`ENC(...)` value (encrypted with Jasypt).

## Why is this bad?
`activemq.xml` is copied, versioned and shown in reviews; a password written in it is read by
everyone who reads the file. ActiveMQ's own documentation keeps passwords out of the file with
placeholders and encrypted values. (The password is never printed by mqauthz.)
Source: ActiveMQ, "Encrypted passwords" (https://activemq.apache.org/encrypted-passwords).

## Example
```xml
<authenticationUser username="app" password="s3cret" groups="app"/>
```

## Use instead
```xml
<authenticationUser username="app" password="${app.password}" groups="app"/>
```
"#,
};

pub static DEFAULT_CREDENTIALS: RuleMeta = RuleMeta {
    code: Code {
        id: "MQA405",
        name: "default-credentials",
    },
    severity: Severity::Error,
    summary: "a well-known default user name and password is configured",
    docs: r#"## What it does
Reports the credentials ActiveMQ ships with or that are widely guessed: `admin`/`admin`,
`user`/`user`, `system`/`manager` and `guest`/`password` as an `authenticationUser`, in
`users.properties` or in `jetty-realm.properties`; `activemq.password=manager` or
`guest.password=password` in `credentials.properties`; `admin activemq` in `jmx.password`.

## Why is this bad?
These pairs are in every scanner's word list. A broker or console reachable with them is open to
anybody who tries: the web console's `admin`/`admin` gives full control of the broker, and the
broker's `system`/`manager` every right the map gives its group. Source: CWE-1392, "Use of
Default Credentials"; the pairs are those of ActiveMQ's shipped `conf/` files.

## Example
```
admin=admin
```
in `users.properties`.

## Use instead
A password generated for this broker, kept out of the configuration (`${...}` placeholders,
`ENC(...)` values), and user names that are not the defaults.
"#,
};

pub static PLAINTEXT_TRANSPORT: RuleMeta = RuleMeta {
    code: Code {
        id: "MQA406",
        name: "plaintext-transport",
    },
    severity: Severity::Error,
    summary:
        "a transport connector accepts clients without TLS (a warning when bound to loopback only)",
    docs: r#"## What it does
Reports a `<transportConnector>` whose URI scheme has no TLS (`tcp`, `nio`, `amqp`, `amqp+nio`,
`amqp+ws`, `stomp`, `stomp+nio`, `mqtt`, `mqtt+nio`, `ws`, `http`, `auto`, `auto+nio`, `udp`):
an error when it listens on a non-loopback address (`0.0.0.0`, `::`, a host name other than
`localhost`, any address outside 127.0.0.0/8 and `::1`), a warning when on loopback only.

## Why is this bad?
Practice 2 of AWS's security best practices for Amazon MQ: use TLS on every protocol. Without
it, user names, passwords and messages cross the network in clear text, and anybody on the path
can read or change them. Amazon MQ offers only TLS endpoints; a self-hosted broker offers what
its connectors say.

## Example
```xml
<transportConnector name="stomp" uri="stomp://0.0.0.0:61613"/>
```

## Use instead
```xml
<transportConnector name="stomp+ssl" uri="stomp+ssl://0.0.0.0:61614"/>
```
with an `<sslContext>` holding the broker's key store.
"#,
};

pub static UNUSED_TRANSPORT_CONNECTOR: RuleMeta = RuleMeta {
    code: Code {
        id: "MQA407",
        name: "unused-transport-connector",
    },
    severity: Severity::Warning,
    summary: "with `--protocols`: a transport connector for a protocol clients do not use",
    docs: r#"## What it does
With `--protocols`, reports a `<transportConnector>` for a protocol not listed: OpenWire (`tcp`,
`nio`, `ssl`, `nio+ssl`, `http`, `https`, `udp`), AMQP (`amqp*`), STOMP (`stomp*`), MQTT
(`mqtt*`), WebSocket (`ws`, `wss`). An `auto*` connector is in use when any of openwire, amqp,
stomp or mqtt is listed.

## Why is this bad?
Practice 4 of AWS's security best practices for Amazon MQ: block the protocols you do not use.
Every open connector is code reachable from the network (CVE-2023-46604 was in OpenWire, which
many brokers leave open without a client using it).

## Example
`mqauthz audit --protocols openwire conf/` with the stock connectors:
```xml
<transportConnector name="openwire" uri="ssl://0.0.0.0:61617"/>
<transportConnector name="amqp" uri="amqp+ssl://0.0.0.0:5671"/>
```

## Use instead
```xml
<transportConnector name="openwire" uri="ssl://0.0.0.0:61617"/>
```
"#,
};

pub static JMX_REMOTE_CONNECTOR: RuleMeta = RuleMeta {
    code: Code {
        id: "MQA408",
        name: "jmx-remote-connector",
    },
    severity: Severity::Warning,
    summary: "`<managementContext createConnector=\"true\">` opens remote JMX",
    docs: r#"## What it does
Reports `<managementContext createConnector="true">`.

## Why is this bad?
The broker then opens a JMX RMI connector (port 1099 by default) through which the whole broker
can be administered: destinations purged and deleted, connections closed, and, with the usual
JMX weaknesses, code run. It is a management port outside the authorization map. Practice 4 of
AWS's security best practices for Amazon MQ: open only the ports in use.

## Example
```xml
<managementContext>
  <managementContext createConnector="true"/>
</managementContext>
```

## Use instead
```xml
<managementContext>
  <managementContext createConnector="false"/>
</managementContext>
```
and use JMX locally, or the console behind authentication.
"#,
};

/// The authentication plugins ActiveMQ's XML names.
pub const AUTHENTICATION_PLUGINS: &[&str] = &[
    "simpleAuthenticationPlugin",
    "jaasAuthenticationPlugin",
    "jaasCertificateAuthenticationPlugin",
    "jaasDualAuthenticationPlugin",
];

/// An authentication plugin of a configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuthenticationPlugin {
    /// The element's local name, or the bean's class.
    pub name: String,
    /// Span of its start tag in [`ConfigDoc::xml`].
    pub span: Span,
}

/// What a configuration says of authentication.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Authentication {
    /// An authentication plugin in `<plugins>`.
    Plugin(AuthenticationPlugin),
    /// The broker's plugins are a bean reference (`<broker plugins="#x">`):
    /// what they hold cannot be seen.
    Unknown(Span),
    /// No authentication plugin: every client is anonymous.
    None,
}

/// The authentication plugin of a configuration's `<plugins>` (MQA401):
/// one of [`AUTHENTICATION_PLUGINS`], or a `<bean>` whose class is an
/// authentication plugin (its simple name ends in `AuthenticationPlugin`).
pub fn authentication(doc: &ConfigDoc) -> Authentication {
    if let Some(a) = doc.broker_element().attr("plugins") {
        return Authentication::Unknown(a.span);
    }
    let Some(plugins) = doc.plugins else {
        return Authentication::None;
    };
    for (_, e) in doc
        .element(plugins)
        .children
        .iter()
        .map(|&c| (c, doc.element(c)))
    {
        if AUTHENTICATION_PLUGINS.contains(&e.local.as_str()) {
            return Authentication::Plugin(AuthenticationPlugin {
                name: e.local.clone(),
                span: e.start_tag,
            });
        }
        if e.local == "bean" {
            if let Some(class) = e.attr("class") {
                let simple = class.value.rsplit('.').next().unwrap_or_default().trim();
                if simple.ends_with("AuthenticationPlugin") {
                    return Authentication::Plugin(AuthenticationPlugin {
                        name: class.value.clone(),
                        span: e.start_tag,
                    });
                }
            }
        }
    }
    Authentication::None
}

/// The authentication plugin of a configuration, if it has one it shows.
pub fn authentication_plugin(doc: &ConfigDoc) -> Option<AuthenticationPlugin> {
    match authentication(doc) {
        Authentication::Plugin(p) => Some(p),
        _ => None,
    }
}

/// A boolean as Spring converts it (`true`, `on`, `yes`, `1`).
pub fn spring_true(value: &str) -> bool {
    crate::xml::facts::spring_bool(value) == Some(true)
}

/// The well-known default user name and password pairs.
pub const DEFAULT_PAIRS: &[(&str, &str)] = &[
    ("admin", "admin"),
    ("user", "user"),
    ("system", "manager"),
    ("guest", "password"),
];

fn is_default_pair(user: &str, password: &str) -> bool {
    DEFAULT_PAIRS
        .iter()
        .any(|(u, p)| *u == user.trim() && *p == password)
}

/// Every self-hosted rule on every input.
pub fn audit_self_hosted(inputs: &Inputs, opts: &Options, out: &mut Vec<Diagnostic>) {
    for (_, doc) in inputs.configs() {
        broker_rules(doc, opts, out);
    }
    for (input, tree) in inputs.jetty() {
        super::jetty::console_rules(input.source, tree, out);
    }
    for (input, kind, props) in inputs.properties() {
        properties_rules(input.source, kind, props, out);
    }
}

/// Where a label for a span of the configuration's XML goes.
fn at(doc: &ConfigDoc, span: Span) -> (SourceId, Span) {
    doc.label_at(span)
}

/// MQA401 on one configuration: the finding when it has no authentication
/// plugin it shows. `map_added` says an authorization map is being merged
/// into it (`compile --into`), so the consequence is that every client is
/// refused whatever the configuration holds now.
pub fn no_authentication(doc: &ConfigDoc, map_added: bool) -> Option<Diagnostic> {
    match authentication(doc) {
        Authentication::Plugin(_) | Authentication::Unknown(_) => None,
        Authentication::None => {
            let (element, label) = match doc.plugins {
                Some(p) => (
                    doc.element(p).start_tag,
                    "no authentication plugin in these plugins",
                ),
                None => (
                    doc.broker_element().start_tag,
                    "this broker has no `<plugins>`",
                ),
            };
            let (id, span) = at(doc, element);
            let consequence = if map_added {
                "with the authorization map merged, the broker refuses every client (\"User is not authenticated\")"
            } else if doc.authorization_plugin.is_some() {
                "the authorization map refuses every client (\"User is not authenticated\")"
            } else {
                "clients connect without credentials and may read, write and administer every destination"
            };
            Some(
                finding(
                    &NO_AUTHENTICATION,
                    id,
                    span,
                    format!("the broker authenticates nobody: {consequence}"),
                    label,
                )
                .help("add an authentication plugin to `<plugins>`, e.g. `<jaasAuthenticationPlugin configuration=\"activemq\"/>` or a `<simpleAuthenticationPlugin>` with users"),
            )
        }
    }
}

fn broker_rules(doc: &ConfigDoc, opts: &Options, out: &mut Vec<Diagnostic>) {
    out.extend(no_authentication(doc, false));
    let tree = doc.broker_document();
    users_rules(doc, &tree, out);
    for (_, e) in tree.iter() {
        match e.local.as_str() {
            "transportConnector" => connector_rules(doc, e, opts, out),
            "managementContext" => {
                if let Some(a) = e
                    .local_attr("createConnector")
                    .filter(|a| spring_true(&a.value))
                {
                    let (id, span) = at(doc, a.span);
                    out.push(
                        finding(
                            &JMX_REMOTE_CONNECTOR,
                            id,
                            span,
                            "the broker opens a remote JMX connector, a management port outside the authorization map",
                            "remote JMX is opened here",
                        )
                        .help("set `createConnector=\"false\"` and administer the broker locally or through the authenticated console"),
                    );
                }
            }
            _ => {}
        }
    }
}

/// MQA402, MQA404 and MQA405 on `simpleAuthenticationPlugin`.
fn users_rules(doc: &ConfigDoc, tree: &Document, out: &mut Vec<Diagnostic>) {
    for (i, plugin) in tree.iter() {
        if plugin.local != "simpleAuthenticationPlugin" {
            continue;
        }
        if let Some(a) = plugin
            .local_attr("anonymousAccessAllowed")
            .filter(|a| spring_true(&a.value))
        {
            let user = plugin
                .local_attr_value("anonymousUser")
                .unwrap_or("anonymous");
            let group = plugin
                .local_attr_value("anonymousGroup")
                .unwrap_or("anonymous");
            let (id, span) = at(doc, a.span);
            out.push(
                finding(
                    &ANONYMOUS_ACCESS_ALLOWED,
                    id,
                    span,
                    format!("clients without credentials connect as user `{user}` in group `{group}`, with every right that group and `*` are granted"),
                    "anonymous access is allowed here",
                )
                .help("remove `anonymousAccessAllowed=\"true\"` and give each client its own user"),
            );
        }
        for (_, u) in tree.descendants(i) {
            if u.local != "authenticationUser" {
                continue;
            }
            let username = u.local_attr_value("username").unwrap_or_default();
            let Some(pw) = u.local_attr("password") else {
                continue;
            };
            let (id, span) = at(doc, pw.span);
            if is_default_pair(username, &pw.value) {
                out.push(
                    finding(
                        &DEFAULT_CREDENTIALS,
                        id,
                        span,
                        format!("user `{username}` has its well-known default password"),
                        "a default password",
                    )
                    .help("give the user a generated password from `${...}` (credentials.properties or the environment), or remove the user"),
                );
                continue;
            }
            let placeholder = pw.value.starts_with("${") && pw.value.ends_with('}');
            let encrypted = pw.value.starts_with("ENC(") && pw.value.ends_with(')');
            if !placeholder && !encrypted {
                out.push(
                    finding(
                        &INLINE_PASSWORD,
                        id,
                        span,
                        format!("the password of user `{username}` is written in the configuration"),
                        "a literal password",
                    )
                    .help(format!("write `password=\"${{{username}.password}}\"` and keep the value in credentials.properties or the environment (or an `ENC(...)` value)")),
                );
            }
        }
    }
}

/// A transport connector URI: its scheme and host, when it has them.
pub struct ConnectorUri {
    pub scheme: String,
    pub host: String,
}

/// Split `scheme://host:port/path?options`; the scheme is lowercased.
pub fn parse_uri(uri: &str) -> Option<ConnectorUri> {
    let (scheme, rest) = uri.trim().split_once("://")?;
    let authority = rest.split(['/', '?']).next().unwrap_or_default();
    let authority = authority.rsplit('@').next().unwrap_or(authority);
    let host = if let Some(v6) = authority.strip_prefix('[') {
        v6.split(']').next().unwrap_or_default().to_string()
    } else if authority.matches(':').count() > 1 {
        // a bare IPv6 address (`::`), no port
        authority.to_string()
    } else {
        authority.split(':').next().unwrap_or_default().to_string()
    };
    Some(ConnectorUri {
        scheme: scheme.trim().to_ascii_lowercase(),
        host,
    })
}

/// Schemes without TLS, each with its TLS counterpart (`None`: there is none).
const PLAIN_SCHEMES: &[(&str, Option<&str>)] = &[
    ("tcp", Some("ssl")),
    ("nio", Some("nio+ssl")),
    ("amqp", Some("amqp+ssl")),
    ("amqp+nio", Some("amqp+nio+ssl")),
    ("amqp+ws", Some("amqp+wss")),
    ("stomp", Some("stomp+ssl")),
    ("stomp+nio", Some("stomp+nio+ssl")),
    ("mqtt", Some("mqtt+ssl")),
    ("mqtt+nio", Some("mqtt+nio+ssl")),
    ("ws", Some("wss")),
    ("http", Some("https")),
    ("auto", Some("auto+ssl")),
    ("auto+nio", Some("auto+nio+ssl")),
    ("udp", None),
];

/// Whether a host is loopback only: 127.0.0.0/8, `::1`, `localhost`.
pub fn is_loopback(host: &str) -> bool {
    let host = host.trim();
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    match host.parse::<IpAddr>() {
        Ok(IpAddr::V4(a)) => a.is_loopback(),
        Ok(IpAddr::V6(a)) => a.is_loopback(),
        Err(_) => false,
    }
}

/// The protocols a connector scheme carries; `auto*` carries several.
pub fn scheme_protocols(scheme: &str) -> &'static [Protocol] {
    const OPENWIRE: &[Protocol] = &[Protocol::Openwire];
    const AUTO: &[Protocol] = &[
        Protocol::Openwire,
        Protocol::Amqp,
        Protocol::Stomp,
        Protocol::Mqtt,
    ];
    match scheme {
        "tcp" | "nio" | "ssl" | "nio+ssl" | "http" | "https" | "udp" => OPENWIRE,
        "ws" | "wss" => &[Protocol::Websocket],
        s if s.starts_with("amqp") => &[Protocol::Amqp],
        s if s.starts_with("stomp") => &[Protocol::Stomp],
        s if s.starts_with("mqtt") => &[Protocol::Mqtt],
        s if s.starts_with("auto") => AUTO,
        _ => &[],
    }
}

/// MQA406 and MQA407 on one `<transportConnector>`.
fn connector_rules(doc: &ConfigDoc, e: &Element, opts: &Options, out: &mut Vec<Diagnostic>) {
    let Some(uri_attr) = e.local_attr("uri") else {
        return;
    };
    let Some(uri) = parse_uri(&uri_attr.value) else {
        return;
    };
    let name = e.local_attr_value("name").unwrap_or(&uri.scheme);
    let (id, span) = at(doc, uri_attr.value_span);
    if let Some((_, tls)) = PLAIN_SCHEMES.iter().find(|(s, _)| *s == uri.scheme) {
        let loopback = is_loopback(&uri.host);
        let host = if uri.host.is_empty() {
            "every interface".to_string()
        } else {
            format!("`{}`", uri.host)
        };
        let mut d = finding(
            &PLAINTEXT_TRANSPORT,
            id,
            span,
            format!(
                "transport connector `{name}` accepts `{}` without TLS on {host}{}",
                uri.scheme,
                if loopback {
                    " (loopback only)"
                } else {
                    ", where credentials and messages cross the network in clear text"
                }
            ),
            "no TLS",
        );
        if loopback {
            d.severity = Severity::Warning;
        }
        let fix = match tls {
            Some(t) => format!(
                "use `{t}://` with an `<sslContext>` and move the clients to its port, or remove the connector"
            ),
            None => "UDP has no TLS: remove the connector".to_string(),
        };
        out.push(d.help(fix));
    }
    if let Some(wanted) = &opts.protocols {
        let carried = scheme_protocols(&uri.scheme);
        if !carried.is_empty() && !carried.iter().any(|p| wanted.contains(p)) {
            let listed: Vec<&str> = wanted.iter().map(|p| p.as_str()).collect();
            let what: Vec<&str> = carried.iter().map(|p| p.as_str()).collect();
            out.push(
                finding(
                    &UNUSED_TRANSPORT_CONNECTOR,
                    id,
                    span,
                    format!(
                        "transport connector `{name}` opens {}, which is not among the protocols in use ({})",
                        what.join("/"),
                        listed.join(", ")
                    ),
                    "a protocol no client uses",
                )
                .help(format!(
                    "remove the `<transportConnector>` (or add {} to --protocols if clients use it)",
                    what.first().copied().unwrap_or_default()
                )),
            );
        }
    }
}

/// MQA405 in the properties files.
fn properties_rules(
    source: SourceId,
    kind: PropertiesKind,
    props: &[Property],
    out: &mut Vec<Diagnostic>,
) {
    for p in props {
        let (user, password, what): (&str, &str, &str) = match kind {
            PropertiesKind::Users => (&p.key, &p.value, "user"),
            PropertiesKind::JettyRealm => (
                &p.key,
                p.value.split(',').next().unwrap_or_default().trim(),
                "console user",
            ),
            PropertiesKind::JmxPassword => (&p.key, p.value.trim(), "JMX user"),
            PropertiesKind::Credentials => {
                let default = matches!(
                    (p.key.as_str(), p.value.as_str()),
                    ("activemq.password", "manager") | ("guest.password", "password")
                );
                if default {
                    out.push(
                        finding(
                            &DEFAULT_CREDENTIALS,
                            source,
                            p.span,
                            format!("`{}` is ActiveMQ's well-known default password", p.key),
                            "a default password",
                        )
                        .help("set a generated password here and for the user that uses it"),
                    );
                }
                continue;
            }
            PropertiesKind::Groups => continue,
        };
        let default = match kind {
            PropertiesKind::JmxPassword => user == "admin" && password == "activemq",
            _ => is_default_pair(user, password),
        };
        if default {
            out.push(
                finding(
                    &DEFAULT_CREDENTIALS,
                    source,
                    p.span,
                    format!(
                        "{what} `{}` has its well-known default password",
                        user.trim()
                    ),
                    "a default password",
                )
                .help("set a generated password (and rename the user where you can)"),
            );
        }
    }
}

/// Whether an address is every interface (`0.0.0.0`, `::`).
pub fn is_all_interfaces(host: &str) -> bool {
    match host
        .trim()
        .trim_start_matches('[')
        .trim_end_matches(']')
        .parse::<IpAddr>()
    {
        Ok(IpAddr::V4(a)) => a == Ipv4Addr::UNSPECIFIED,
        Ok(IpAddr::V6(a)) => a.is_unspecified(),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris() {
        let u = parse_uri("stomp+nio://0.0.0.0:61613?maximumConnections=1000").expect("uri");
        assert_eq!(
            (u.scheme.as_str(), u.host.as_str()),
            ("stomp+nio", "0.0.0.0")
        );
        let u = parse_uri("tcp://[::1]:61616").expect("uri");
        assert_eq!(u.host, "::1");
        let u = parse_uri("ws://localhost:61614").expect("uri");
        assert!(is_loopback(&u.host));
        assert!(is_loopback("127.1.2.3"));
        assert!(!is_loopback("10.0.0.1"));
        assert!(!is_loopback("broker.example.com"));
        assert!(is_all_interfaces("::"));
        assert!(is_all_interfaces("0.0.0.0"));
        assert!(!is_all_interfaces("127.0.0.1"));
    }

    fn doc(plugins: &str, broker_attrs: &str) -> ConfigDoc {
        let text = format!(
            "<broker xmlns=\"http://activemq.apache.org/schema/core\"{broker_attrs}>{plugins}</broker>"
        );
        ConfigDoc::parse(
            crate::source::SourceId(0),
            &crate::source::SourceFile::new("activemq.xml", text),
        )
        .expect("parses")
    }

    #[test]
    fn authentication_plugins() {
        let found = |plugins: &str| authentication_plugin(&doc(plugins, "")).map(|p| p.name);
        assert_eq!(
            found("<plugins><jaasDualAuthenticationPlugin configuration=\"a\"/></plugins>"),
            Some("jaasDualAuthenticationPlugin".to_string())
        );
        assert_eq!(
            found("<plugins><bean xmlns=\"http://www.springframework.org/schema/beans\" class=\"org.apache.activemq.security.SimpleAuthenticationPlugin\"/></plugins>"),
            Some("org.apache.activemq.security.SimpleAuthenticationPlugin".to_string())
        );
        assert_eq!(
            found("<plugins><!-- <simpleAuthenticationPlugin/> --></plugins>"),
            None
        );
        assert_eq!(found("<plugins><authorizationPlugin/></plugins>"), None);
        assert_eq!(found(""), None);
        assert!(matches!(
            authentication(&doc("", " plugins=\"#p\"")),
            Authentication::Unknown(_)
        ));
        assert_eq!(authentication(&doc("", "")), Authentication::None);
    }

    #[test]
    fn schemes_to_protocols() {
        assert_eq!(scheme_protocols("nio+ssl"), &[Protocol::Openwire]);
        assert_eq!(scheme_protocols("amqp+wss"), &[Protocol::Amqp]);
        assert_eq!(scheme_protocols("auto+nio+ssl").len(), 4);
        assert!(scheme_protocols("vm").is_empty());
    }
}
