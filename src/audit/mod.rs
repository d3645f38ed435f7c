//! `mqauthz audit`: the broker security practices, checked offline from the
//! files the user has (docs/audit.md).
//!
//! # Flow
//!
//! 1. [`Inputs::load`] finds the inputs (files, and folders one level deep
//!    plus their `conf/`), registers each as a source (passwords masked, see
//!    [`mask`]) and tells its [`Kind`] by content (`.properties` files and
//!    `jmx.password` by name). Malformed input becomes located diagnostics;
//!    input that is none of the kinds stops the run (exit 2).
//! 2. The target is detected ([`Target::detect`]) unless `--target` says it.
//! 3. The rules run, each appending [`Diagnostic`]s located at the file and
//!    line of what they are about:
//!    - [`selfhosted::audit_self_hosted`]: MQA401-MQA411 on `activemq.xml`,
//!      `jetty.xml` and the properties files (self-hosted target only);
//!    - [`maps::audit_maps`]: MQA403 `no-authorization-map` (both targets)
//!      and every map-level `check` rule on each configuration's map,
//!      located at the `authorizationEntry` in that configuration;
//!    - [`aws::audit_amazon_mq`]: the Amazon MQ rules (MQA412, MQA420-MQA427)
//!      and the version rule MQA428 (both targets); it is called for every
//!      run and decides itself what applies. Amazon MQ inputs are
//!      [`Kind::DescribeBroker`], [`Kind::SecurityGroups`],
//!      [`Kind::ConfigRevision`] and [`Kind::DescribeUser`]; their JSON keeps
//!      the span of every member ([`json::Node`]). The version tables and the
//!      elements Amazon MQ permits live next to it (`aws.rs` and its
//!      siblings); their rules are registered in
//!      [`crate::analysis::registry::RULES`] as [`AuditRule`]s, in code order.
//!    - the membership rules (membership.md) run with the map-level rules,
//!      on [`Inputs::membership`].
//! 4. Severity overrides (`--allow/--warn/--deny`) are applied, spans are
//!    moved onto the masked texts, and the findings are sorted.
//!
//! [`AuditRule`]: crate::analysis::AuditRule

pub mod amq;
pub mod aws;
pub mod awsjson;
pub mod jetty;
pub mod json;
pub mod maps;
pub mod mask;
pub mod permitted;
pub mod properties;
pub mod selfhosted;
pub mod versions;

use crate::analysis::Version;
use crate::diagnostics::{Code, Diagnostic, Severity};
use crate::error::Error;
use crate::load;
use crate::source::{SourceFile, SourceId, Sources, Span};
use crate::xml::{ConfigDoc, ConfigFormat, Document};
use mask::Masks;
use properties::{PropertiesKind, Property};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;

/// An input is not well-formed (JSON, XML, a properties escape).
pub const MALFORMED_INPUT: Code = Code {
    id: "MQA430",
    name: "malformed-input",
};

/// AWS CLI output of a known kind whose members are not what the AWS CLI
/// writes (a `Groups` that is not a list of strings, ...).
pub const INVALID_AWS_OUTPUT: Code = Code {
    id: "MQA431",
    name: "invalid-aws-output",
};

/// Inputs that contradict each other (two describe-broker outputs of
/// different brokers, ...).
pub const CONTRADICTORY_INPUT: Code = Code {
    id: "MQA432",
    name: "contradictory-input",
};

/// A note: an authorization map mqauthz cannot analyse (LDAP, a `<bean>`)
/// is present; the map-level rules did not run on it.
pub const MAP_NOT_ANALYSED: Code = Code {
    id: "MQA433",
    name: "map-not-analysed",
};

/// A note: the broker's engine is RabbitMQ; only the rules that apply to
/// it ran.
pub const ENGINE_NOT_AUDITED: Code = Code {
    id: "MQA434",
    name: "engine-not-audited",
};

/// The codes of audit that are not rules, for the catalogue.
pub const CODES: &[Code] = &[
    MALFORMED_INPUT,
    INVALID_AWS_OUTPUT,
    CONTRADICTORY_INPUT,
    MAP_NOT_ANALYSED,
    ENGINE_NOT_AUDITED,
];

/// The kind of broker audited.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, clap::ValueEnum)]
pub enum Target {
    /// Amazon MQ for ActiveMQ
    AmazonMq,
    /// A self-hosted ActiveMQ Classic broker
    SelfHosted,
}

impl Target {
    /// amazon-mq when any AWS CLI JSON is given or a configuration's root
    /// element is `<broker>`, else self-hosted.
    pub fn detect(inputs: &[Input]) -> Target {
        let amazon = inputs.iter().any(|i| match &i.kind {
            Kind::DescribeBroker(_)
            | Kind::SecurityGroups(_)
            | Kind::ConfigRevision(_)
            | Kind::DescribeUser(_) => true,
            Kind::BrokerXml(doc) => doc.format == ConfigFormat::AmazonMq,
            Kind::JettyXml(_) | Kind::Properties { .. } => false,
        });
        if amazon {
            Target::AmazonMq
        } else {
            Target::SelfHosted
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Target::AmazonMq => "amazon-mq",
            Target::SelfHosted => "self-hosted",
        }
    }
}

/// A protocol clients use (`--protocols`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, clap::ValueEnum)]
pub enum Protocol {
    Openwire,
    Amqp,
    Stomp,
    Mqtt,
    Websocket,
    /// The web console
    Console,
}

impl Protocol {
    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Openwire => "openwire",
            Protocol::Amqp => "amqp",
            Protocol::Stomp => "stomp",
            Protocol::Mqtt => "mqtt",
            Protocol::Websocket => "websocket",
            Protocol::Console => "console",
        }
    }
}

/// Settings of one audit.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// The protocols clients use; `None` when `--protocols` was not given.
    pub protocols: Option<BTreeSet<Protocol>>,
    /// `--activemq-version`, as written and parsed.
    pub activemq_version: Option<(String, Version)>,
    /// `--target`; detected from the inputs when `None`.
    pub target: Option<Target>,
    /// Severity per rule name, overriding the default; `None` turns it off.
    pub overrides: BTreeMap<&'static str, Option<Severity>>,
}

/// One classified input.
#[derive(Clone, Debug)]
pub struct Input {
    /// The path as the user wrote it (or joined from a folder they named).
    pub path: String,
    /// The registered (masked) source; JSON and XML spans below are spans of
    /// the original text, moved onto the masked one at the end of the run.
    pub source: SourceId,
    /// The original text.
    pub text: Arc<str>,
    pub kind: Kind,
}

/// The kinds of input audit reads, told by content.
#[derive(Clone, Debug)]
pub enum Kind {
    /// `aws mq describe-broker` (has `BrokerId` and `EngineType`).
    DescribeBroker(json::Node),
    /// `aws ec2 describe-security-groups` (`SecurityGroups[]` with `IpPermissions`).
    SecurityGroups(json::Node),
    /// `aws mq describe-configuration-revision` (base64 `Data`); the decoded
    /// XML is its own source, `FILE#Data`.
    ConfigRevision(Box<ConfigDoc>),
    /// `aws mq describe-user` (`Username` and `Groups`): one object or an
    /// array of them.
    DescribeUser(json::Node),
    /// A broker configuration XML (Spring `<beans>` or Amazon MQ `<broker>`).
    BrokerXml(Box<ConfigDoc>),
    /// The console's `jetty.xml`.
    JettyXml(Document),
    /// A `.properties` file (or `jmx.password`), told by its file name.
    Properties {
        kind: PropertiesKind,
        props: Vec<Property>,
    },
}

impl Kind {
    /// How the kind reads in messages.
    pub fn describe(&self) -> &'static str {
        match self {
            Kind::DescribeBroker(_) => "describe-broker output",
            Kind::SecurityGroups(_) => "describe-security-groups output",
            Kind::ConfigRevision(_) => "describe-configuration-revision output",
            Kind::DescribeUser(_) => "describe-user output",
            Kind::BrokerXml(_) => "broker configuration",
            Kind::JettyXml(_) => "jetty.xml",
            Kind::Properties { kind, .. } => kind.describe(),
        }
    }
}

/// Every input of a run, and the target audited.
#[derive(Debug)]
pub struct Inputs {
    pub items: Vec<Input>,
    pub target: Target,
    /// The passwords masked in the registered texts.
    pub masks: Masks,
    /// How many files were read, malformed ones included.
    pub files: usize,
}

/// The kinds, for the message refusing an input that is none of them.
const KINDS: &str = "AWS CLI JSON (describe-broker, describe-security-groups, \
describe-configuration-revision, describe-user), a broker configuration XML, jetty.xml, \
users.properties, groups.properties, jetty-realm.properties, credentials.properties or jmx.password";

/// The file names a folder is searched for (besides every `*.json`).
pub const KNOWN_NAMES: &[&str] = &[
    "activemq.xml",
    "jetty.xml",
    "jetty-realm.properties",
    "users.properties",
    "groups.properties",
    "credentials.properties",
    "jmx.password",
];

/// A file to read, and whether the user named it (a file the user named
/// must be of a known kind; one found in a folder may be ignored).
struct Candidate {
    path: String,
    named: bool,
}

/// The files of `paths`: files as given, folders one level deep plus their
/// `conf/`, known names and `*.json` only, sorted by name.
fn discover(paths: &[String]) -> Result<Vec<Candidate>, Error> {
    let found = discover_all(paths)?;
    // a file reached twice (named and in a folder, or named twice) is read once
    let mut seen = BTreeSet::new();
    Ok(found
        .into_iter()
        .filter(|c| {
            c.path == "-"
                || seen.insert(
                    std::fs::canonicalize(&c.path)
                        .unwrap_or_else(|_| std::path::PathBuf::from(&c.path)),
                )
        })
        .collect())
}

fn discover_all(paths: &[String]) -> Result<Vec<Candidate>, Error> {
    let mut out = Vec::new();
    for p in paths {
        if p != "-" && Path::new(p).is_dir() {
            let mut found = folder_files(p)?;
            let conf = Path::new(p).join("conf");
            if conf.is_dir() {
                found.extend(folder_files(&conf.to_string_lossy())?);
            }
            if found.is_empty() {
                return Err(Error::Usage(format!(
                    "`{p}` holds none of the files audit reads ({}, *.json), neither does its conf/",
                    KNOWN_NAMES.join(", ")
                )));
            }
            out.extend(
                found
                    .into_iter()
                    .map(|path| Candidate { path, named: false }),
            );
        } else {
            out.push(Candidate {
                path: p.clone(),
                named: true,
            });
        }
    }
    Ok(out)
}

fn folder_files(folder: &str) -> Result<Vec<String>, Error> {
    let entries = std::fs::read_dir(folder).map_err(|e| Error::io("read", folder, e))?;
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| Error::io("read", folder, e))?;
        if !entry.path().is_file() {
            continue;
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        let lower = name.to_ascii_lowercase();
        if KNOWN_NAMES.contains(&lower.as_str()) || lower.ends_with(".json") {
            names.push(name);
        }
    }
    names.sort();
    let sep = if folder.ends_with('/') { "" } else { "/" };
    Ok(names
        .into_iter()
        .map(|n| format!("{folder}{sep}{n}"))
        .collect())
}

/// The last component of a path.
fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// What a loaded file turned out to be.
enum Loaded {
    Input(Input),
    /// Located problems; the file is not audited further.
    Refused(Vec<Diagnostic>),
    /// None of the kinds; `why` says what it looked like.
    Unknown(String),
}

/// The spans of password values in an XML text: every attribute whose local
/// name ends in `password` (`password`, `keyStorePassword`, ...) and the
/// `value` of a `<property name="...password">`, unless a `${...}`
/// placeholder.
fn xml_password_spans(tree: &Document) -> Vec<Span> {
    let is_secret = |name: &str| name.to_ascii_lowercase().ends_with("password");
    let literal = |v: &str| !(v.starts_with("${") && v.ends_with('}'));
    let mut out = Vec::new();
    for (_, e) in tree.iter() {
        for a in &e.attrs {
            if is_secret(&a.local) && literal(&a.value) {
                out.push(a.value_span);
            }
        }
        if e.local == "property" && e.local_attr_value("name").is_some_and(is_secret) {
            if let Some(v) = e.local_attr("value").filter(|v| literal(&v.value)) {
                out.push(v.value_span);
            }
        }
    }
    out
}

/// Register `text` as `name`, passwords masked.
fn register(
    sources: &mut Sources,
    masks: &mut Masks,
    name: String,
    text: &str,
    secrets: &[Span],
) -> SourceId {
    let (masked, spans) = mask::mask(text, secrets);
    let id = sources.add(SourceFile::new(name, masked));
    masks.add(id, spans);
    id
}

/// Tell what a JSON document is.
fn json_kind(node: &json::Node) -> Option<&'static str> {
    let has = |n: &json::Node, m: &str| n.get(m).is_some();
    if has(node, "BrokerId") && has(node, "EngineType") {
        return Some("describe-broker");
    }
    if node
        .get("SecurityGroups")
        .and_then(json::Node::as_array)
        .is_some_and(|groups| groups.iter().any(|g| has(g, "IpPermissions")))
    {
        return Some("describe-security-groups");
    }
    if node.get("Data").and_then(json::Node::as_str).is_some() {
        return Some("describe-configuration-revision");
    }
    let is_user = |n: &json::Node| has(n, "Username") && has(n, "Groups");
    match node.as_array() {
        Some(items) if !items.is_empty() && items.iter().all(is_user) => Some("describe-user"),
        None if is_user(node) => Some("describe-user"),
        _ => None,
    }
}

fn load_one(
    sources: &mut Sources,
    masks: &mut Masks,
    candidate: &Candidate,
) -> Result<Loaded, Error> {
    let path = &candidate.path;
    let name = load::display_name(path);
    let bytes = load::read_bytes(path)?;
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let mut diagnostics = Vec::new();
            load::add_source(sources, name, e.into_bytes(), &mut diagnostics);
            return Ok(Loaded::Refused(diagnostics));
        }
    };
    let text: Arc<str> = Arc::from(text);
    let malformed = |id: SourceId, span: Span, message: String, help: &str| {
        Diagnostic::error(MALFORMED_INPUT, message)
            .primary(id, span, "here")
            .help(help.to_string())
    };

    if let Some(kind) = PropertiesKind::of_file_name(file_name(path)) {
        return Ok(match properties::parse(&text) {
            Ok(props) => {
                let secrets = properties::password_spans(kind, &props);
                let id = register(sources, masks, name.clone(), &text, &secrets);
                Loaded::Input(Input {
                    path: name,
                    source: id,
                    text,
                    kind: Kind::Properties { kind, props },
                })
            }
            Err(e) => {
                let id = register(sources, masks, name, &text, &[]);
                Loaded::Refused(vec![malformed(
                    id,
                    e.span,
                    e.message,
                    "Java refuses to load the file; write the character itself or a valid `\\uXXXX` escape",
                )])
            }
        });
    }

    let body = text.trim_start_matches('\u{feff}').trim_start();
    if body.starts_with('{') || body.starts_with('[') {
        let node = match json::parse(&text) {
            Ok(node) => node,
            Err(e) => {
                let id = register(sources, masks, name, &text, &[]);
                return Ok(Loaded::Refused(vec![malformed(
                    id,
                    e.span,
                    format!("not valid JSON: {}", e.message),
                    "give the output of the AWS CLI as it printed it (`--output json`)",
                )]));
            }
        };
        let Some(what) = json_kind(&node) else {
            return Ok(Loaded::Unknown(
                "JSON that is none of the AWS CLI outputs audit reads".into(),
            ));
        };
        if what == "describe-configuration-revision" {
            return load_config(sources, masks, name, text);
        }
        let id = register(sources, masks, name.clone(), &text, &[]);
        let kind = match what {
            "describe-broker" => Kind::DescribeBroker(node),
            "describe-security-groups" => Kind::SecurityGroups(node),
            _ => Kind::DescribeUser(node),
        };
        return Ok(Loaded::Input(Input {
            path: name,
            source: id,
            text,
            kind,
        }));
    }
    if body.starts_with('<') {
        return load_config(sources, masks, name, text);
    }
    Ok(Loaded::Unknown(
        "neither JSON nor XML, and not a properties file by name".into(),
    ))
}

/// A broker configuration (XML, or configuration-revision JSON), else a
/// `jetty.xml`.
fn load_config(
    sources: &mut Sources,
    masks: &mut Masks,
    name: String,
    text: Arc<str>,
) -> Result<Loaded, Error> {
    let is_json = text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with(['{', '[']);
    let xml_secrets = |xml: &str| {
        crate::xml::parse_document(SourceId(0), xml)
            .map(|t| xml_password_spans(&t))
            .unwrap_or_default()
    };
    let secrets = if is_json {
        Vec::new()
    } else {
        xml_secrets(&text)
    };
    let id = register(sources, masks, name.clone(), &text, &secrets);
    // parsed from the original text, registered under the masked one's id
    let original = SourceFile::shared(name.clone(), Arc::clone(&text));
    match ConfigDoc::parse(id, &original) {
        Ok(mut doc) => {
            if doc.is_json() {
                let secrets = xml_secrets(&doc.xml);
                let xml_id = register(sources, masks, format!("{name}#Data"), &doc.xml, &secrets);
                doc.set_xml_source(xml_id);
            }
            let kind = if doc.is_json() {
                Kind::ConfigRevision(Box::new(doc))
            } else {
                Kind::BrokerXml(Box::new(doc))
            };
            Ok(Loaded::Input(Input {
                path: name,
                source: id,
                text,
                kind,
            }))
        }
        Err(diagnostics) => {
            let no_broker = diagnostics.iter().all(|d| d.code == crate::xml::NO_BROKER);
            if no_broker && !is_json && text.contains("org.eclipse.jetty") {
                // well-formed and safe: the configuration reader read it all
                return Ok(match crate::xml::parse_document(id, &text) {
                    Ok(tree) => Loaded::Input(Input {
                        path: name,
                        source: id,
                        text,
                        kind: Kind::JettyXml(tree),
                    }),
                    Err(d) => Loaded::Refused(d),
                });
            }
            if no_broker && !is_json {
                return Ok(Loaded::Unknown(
                    "XML without a `<broker>` element and without Jetty classes".into(),
                ));
            }
            Ok(Loaded::Refused(diagnostics))
        }
    }
}

impl Inputs {
    /// Find, read, register and classify the inputs of `paths`. Located
    /// problems (malformed files) are appended to `diagnostics`; an input
    /// that is none of the kinds, named on the command line or found in a
    /// folder under a known name, stops the run.
    pub fn load(
        paths: &[String],
        target: Option<Target>,
        sources: &mut Sources,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Result<Inputs, Error> {
        let mut masks = Masks::default();
        let mut items = Vec::new();
        let mut stdin_seen = false;
        let candidates = discover(paths)?;
        let files = candidates.len();
        for candidate in candidates {
            if candidate.path == "-" {
                if stdin_seen {
                    return Err(Error::Usage(
                        "standard input (`-`) can be read only once".into(),
                    ));
                }
                stdin_seen = true;
            }
            match load_one(sources, &mut masks, &candidate)? {
                Loaded::Input(input) => items.push(input),
                Loaded::Refused(d) => diagnostics.extend(d),
                Loaded::Unknown(_) if !candidate.named && candidate.path.ends_with(".json") => {}
                Loaded::Unknown(why) => {
                    return Err(Error::Usage(format!(
                        "`{}` is not an input audit reads ({why}); audit reads {KINDS}",
                        load::display_name(&candidate.path)
                    )))
                }
            }
        }
        let target = target.unwrap_or_else(|| Target::detect(&items));
        Ok(Inputs {
            items,
            target,
            masks,
            files,
        })
    }

    /// The broker configurations (XML and configuration revisions).
    pub fn configs(&self) -> impl Iterator<Item = (&Input, &ConfigDoc)> {
        self.items.iter().filter_map(|i| match &i.kind {
            Kind::BrokerXml(doc) | Kind::ConfigRevision(doc) => Some((i, doc.as_ref())),
            _ => None,
        })
    }

    /// The `jetty.xml` inputs.
    pub fn jetty(&self) -> impl Iterator<Item = (&Input, &Document)> {
        self.items.iter().filter_map(|i| match &i.kind {
            Kind::JettyXml(tree) => Some((i, tree)),
            _ => None,
        })
    }

    /// The properties inputs.
    pub fn properties(&self) -> impl Iterator<Item = (&Input, PropertiesKind, &[Property])> {
        self.items.iter().filter_map(|i| match &i.kind {
            Kind::Properties { kind, props } => Some((i, *kind, props.as_slice())),
            _ => None,
        })
    }

    /// Who holds which group, from every input that says
    /// (`simpleAuthenticationPlugin` users, describe-user, JAAS files). Its
    /// locations are spans of the original texts, like every span during a
    /// run: [`run`] moves findings onto the masked texts at the end.
    pub fn membership(&self) -> crate::membership::Membership {
        let mut m = crate::membership::Membership::default();
        for input in &self.items {
            match &input.kind {
                Kind::BrokerXml(doc) | Kind::ConfigRevision(doc) => m.add_config(doc),
                Kind::DescribeUser(node) => {
                    // malformed users were reported when the run started
                    let _ = m.add_describe_user(input.source, node);
                }
                Kind::Properties { kind, props } => m.add_properties(input.source, *kind, props),
                _ => {}
            }
        }
        m
    }
}

/// What an audit found.
#[derive(Debug)]
pub struct Report {
    /// The findings, sorted, located on the registered (masked) texts, with
    /// severity overrides applied.
    pub diagnostics: Vec<Diagnostic>,
    /// How many files were read.
    pub files: usize,
}

/// Run an audit over `paths`.
pub fn run(paths: &[String], options: &Options, sources: &mut Sources) -> Result<Report, Error> {
    let mut out = Vec::new();
    let inputs = Inputs::load(paths, options.target, sources, &mut out)?;
    // describe-user inputs are checked once, here
    for input in &inputs.items {
        if let Kind::DescribeUser(node) = &input.kind {
            let mut m = crate::membership::Membership::default();
            if let Err(d) = m.add_describe_user(input.source, node) {
                out.extend(d);
            }
        }
    }
    if inputs.target == Target::SelfHosted {
        selfhosted::audit_self_hosted(&inputs, options, &mut out);
    }
    // the membership rules (group-without-members, member-of-unknown-group,
    // user-without-access; membership.md) run with the map-level rules, on
    // `inputs.membership()` and each configuration's map
    maps::audit_maps(&inputs, options, &mut out);
    aws::audit_amazon_mq(&inputs, options, &mut out);
    apply_overrides(&mut out, &options.overrides);
    inputs.masks.apply(&mut out);
    crate::diagnostics::sort(&mut out);
    Ok(Report {
        diagnostics: out,
        files: inputs.files,
    })
}

/// Turn rules off or change their severity, by rule name.
fn apply_overrides(
    out: &mut Vec<Diagnostic>,
    overrides: &BTreeMap<&'static str, Option<Severity>>,
) {
    if overrides.is_empty() {
        return;
    }
    out.retain_mut(|d| match overrides.get(d.code.name) {
        Some(None) => false,
        Some(Some(s)) => {
            d.severity = *s;
            true
        }
        None => true,
    });
}

/// A finding of audit rule `meta`, at `span` of `source`.
pub fn finding(
    meta: &crate::analysis::RuleMeta,
    source: SourceId,
    span: Span,
    message: impl Into<String>,
    label: impl Into<String>,
) -> Diagnostic {
    Diagnostic::new(meta.code, meta.severity, message).primary(source, span, label)
}
