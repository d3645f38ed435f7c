//! The web console's `jetty.xml` (a Spring file of Jetty beans): login
//! (MQA409), the address it listens on (MQA410) and the `/fileserver` web
//! app (MQA411). ActiveMQ 6.3 moved these files to `conf/jetty/`, which is
//! not read.

use super::finding;
use super::selfhosted::{is_all_interfaces, spring_true};
use crate::analysis::RuleMeta;
use crate::diagnostics::{Code, Diagnostic, Severity};
use crate::source::{SourceId, Span};
use crate::xml::config::Element;
use crate::xml::Document as Tree;

pub static CONSOLE_UNAUTHENTICATED: RuleMeta = RuleMeta {
    code: Code {
        id: "MQA409",
        name: "console-unauthenticated",
    },
    severity: Severity::Error,
    summary: "`jetty.xml`: the web console does not require login for every path",
    docs: r#"## What it does
Reports a `jetty.xml` in which no `ConstraintMapping` with `pathSpec` `/` or `/*` points at a
`Constraint` with `authenticate` true: login is off, or only some paths are covered. Extra
mappings (the stock admin-only `*.action`) do not matter.

## Why is this bad?
The console and its REST API (`/api/message`, `/api/jolokia`) administer the broker: read and
send messages, purge and delete destinations, and through Jolokia call any JMX operation. When
login covers only some paths (ActiveMQ's `*.jsp` mapping left `/api` open: CVE-2024-32114), or
`authenticate` is false, anybody who reaches the port does all of that.

## Example
```xml
<bean id="securityConstraintMapping" class="org.eclipse.jetty.security.ConstraintMapping">
  <property name="constraint" ref="securityConstraint"/>
  <property name="pathSpec" value="*.jsp"/>
</bean>
```

## Use instead
```xml
<bean id="securityConstraintMapping" class="org.eclipse.jetty.security.ConstraintMapping">
  <property name="constraint" ref="securityConstraint"/>
  <property name="pathSpec" value="/"/>
</bean>
```
with `<property name="authenticate" value="true"/>` on `securityConstraint`.
"#,
};

pub static CONSOLE_ON_ALL_INTERFACES: RuleMeta = RuleMeta {
    code: Code {
        id: "MQA410",
        name: "console-on-all-interfaces",
    },
    severity: Severity::Warning,
    summary: "`jetty.xml`: the web console listens on every interface",
    docs: r#"## What it does
Reports a `jetty.xml` whose console listens on `0.0.0.0` or `::`: the `host` of the
`WebConsolePort` bean (whose default is `0.0.0.0` when the property is absent), or a literal
`host` of a Jetty `ServerConnector`.

## Why is this bad?
Practice 1 of AWS's security best practices for Amazon MQ: prefer brokers that are not publicly
accessible. The console administers the whole broker; listening on every interface makes it
reachable from every network the host is on. ActiveMQ has bound it to `127.0.0.1` by default
since 5.16.

## Example
```xml
<bean id="jettyPort" class="org.apache.activemq.web.WebConsolePort" init-method="start">
  <property name="host" value="0.0.0.0"/>
  <property name="port" value="8161"/>
</bean>
```

## Use instead
```xml
<bean id="jettyPort" class="org.apache.activemq.web.WebConsolePort" init-method="start">
  <property name="host" value="127.0.0.1"/>
  <property name="port" value="8161"/>
</bean>
```
and reach it through an SSH tunnel or an authenticating proxy.
"#,
};

pub static FILESERVER_WEBAPP: RuleMeta = RuleMeta {
    code: Code {
        id: "MQA411",
        name: "fileserver-webapp",
    },
    severity: Severity::Error,
    summary: "`jetty.xml`: the `/fileserver` web app is deployed",
    docs: r#"## What it does
Reports a `WebAppContext` with context path `/fileserver` in `jetty.xml`.

## Why is this bad?
The fileserver web app accepts HTTP PUT and MOVE of arbitrary files: CVE-2015-1830 (path
traversal) and CVE-2016-3088 (upload a JSP, move it into the web root, run it: remote code
execution). ActiveMQ removed it from the default configuration in 5.14.

## Example
```xml
<bean class="org.eclipse.jetty.webapp.WebAppContext">
  <property name="contextPath" value="/fileserver"/>
  <property name="resourceBase" value="${activemq.home}/webapps/fileserver"/>
</bean>
```

## Use instead
Remove the bean; use a blob store or a file transfer service that authenticates.
"#,
};

/// The simple name of a bean's class.
fn class_of(e: &Element) -> &str {
    e.local_attr_value("class")
        .map(|c| c.rsplit('.').next().unwrap_or(c).trim())
        .unwrap_or_default()
}

/// The value of property `name` of a bean: its `value` attribute or its
/// `<value>` child, with the span to point at.
fn property<'a>(tree: &'a Tree, bean: usize, name: &str) -> Option<(&'a str, Span)> {
    let (p, prop) = tree
        .children(bean)
        .find(|(_, e)| e.local == "property" && e.local_attr_value("name") == Some(name))?;
    if let Some(v) = prop.local_attr("value") {
        return Some((v.value.as_str(), v.value_span));
    }
    tree.children(p)
        .find(|(_, e)| e.local == "value")
        .map(|(v, e)| (tree.text(v), e.span))
}

/// The bean a property refers to: `ref="id"`, `<ref bean="id"/>` or an
/// inner `<bean>`.
fn property_bean(tree: &Tree, bean: usize, name: &str) -> Option<usize> {
    let (p, prop) = tree
        .children(bean)
        .find(|(_, e)| e.local == "property" && e.local_attr_value("name") == Some(name))?;
    let by_id = |id: &str| {
        tree.iter()
            .find(|(_, e)| e.local == "bean" && e.local_attr_value("id") == Some(id))
            .map(|(i, _)| i)
    };
    if let Some(r) = prop.local_attr_value("ref") {
        return by_id(r.trim());
    }
    for (c, e) in tree.children(p) {
        match e.local.as_str() {
            "bean" => return Some(c),
            "ref" => return e.local_attr_value("bean").and_then(|r| by_id(r.trim())),
            _ => {}
        }
    }
    None
}

/// MQA409-MQA411 on one `jetty.xml`.
pub fn console_rules(source: SourceId, tree: &Tree, out: &mut Vec<Diagnostic>) {
    let beans: Vec<(usize, &Element)> = tree.iter().filter(|(_, e)| e.local == "bean").collect();
    login(source, tree, &beans, out);
    for &(i, e) in &beans {
        match class_of(e) {
            "WebConsolePort" => {
                let (host, span) = property(tree, i, "host").unwrap_or(("0.0.0.0", e.start_tag));
                if is_all_interfaces(host) {
                    out.push(all_interfaces(source, span, host));
                }
            }
            "ServerConnector" => {
                if let Some((host, span)) = property(tree, i, "host") {
                    if is_all_interfaces(host) {
                        out.push(all_interfaces(source, span, host));
                    }
                }
            }
            "WebAppContext" => {
                if let Some((path, span)) = property(tree, i, "contextPath") {
                    if path.trim().trim_end_matches('/') == "/fileserver" {
                        out.push(
                            finding(
                                &FILESERVER_WEBAPP,
                                source,
                                span,
                                "the console deploys the `/fileserver` web app, which lets clients upload and move files (CVE-2015-1830, CVE-2016-3088)",
                                "the fileserver web app",
                            )
                            .help("remove this `WebAppContext` bean"),
                        );
                    }
                }
            }
            _ => {}
        }
    }
}

fn all_interfaces(source: SourceId, span: Span, host: &str) -> Diagnostic {
    finding(
        &CONSOLE_ON_ALL_INTERFACES,
        source,
        span,
        format!("the web console listens on `{host}`, every interface of the host"),
        "every interface",
    )
    .help("set the `host` property to `127.0.0.1` and reach the console through a tunnel or an authenticating proxy")
}

/// MQA409: a mapping of `/` or `/*` to a constraint that authenticates.
fn login(source: SourceId, tree: &Tree, beans: &[(usize, &Element)], out: &mut Vec<Diagnostic>) {
    // the first mapping of `/` or `/*` whose constraint does not
    // authenticate, to point at; the first mapping at all otherwise
    let mut off: Option<(Span, &'static str)> = None;
    let mut first_mapping: Option<Span> = None;
    for &(i, e) in beans {
        if class_of(e) != "ConstraintMapping" {
            continue;
        }
        let Some((spec, spec_span)) = property(tree, i, "pathSpec") else {
            continue;
        };
        first_mapping.get_or_insert(spec_span);
        let covers_all = spec.split(',').any(|p| matches!(p.trim(), "/" | "/*"));
        if !covers_all {
            continue;
        }
        let authenticate =
            property_bean(tree, i, "constraint").and_then(|c| property(tree, c, "authenticate"));
        match authenticate {
            Some((v, _)) if spring_true(v) => return,
            Some((_, span)) => {
                off.get_or_insert((span, "`authenticate` is not true"));
            }
            None => {
                off.get_or_insert((
                    spec_span,
                    "its constraint does not set `authenticate` to true",
                ));
            }
        }
    }
    let (span, label, message) = match (off, first_mapping) {
        (Some((span, label)), _) => (
            span,
            label,
            "the web console does not require login: the mapping of `/` does not authenticate",
        ),
        (None, Some(span)) => (
            span,
            "no mapping covers `/`",
            "the web console requires login for some paths only: no constraint mapping of `/` or `/*` authenticates (`/api` was left open this way: CVE-2024-32114)",
        ),
        (None, None) => (
            tree.root().map_or(Span::default(), |r| r.start_tag),
            "no constraint mapping in this file",
            "the web console requires no login: no constraint mapping authenticates",
        ),
    };
    out.push(
        finding(&CONSOLE_UNAUTHENTICATED, source, span, message, label).help(
            "map `pathSpec` `/` to a `Constraint` with `<property name=\"authenticate\" value=\"true\"/>` in the `ConstraintSecurityHandler`",
        ),
    );
}
