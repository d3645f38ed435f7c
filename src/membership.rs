//! Who holds which group: users and their groups read from where they live
//! (membership.md). Every input kind is told by content, `.properties` files
//! by file name:
//!
//! - a broker configuration's `simpleAuthenticationPlugin` users
//!   (`<authenticationUser username=.. groups="a,b">`, the list split and
//!   trimmed as ActiveMQ does), and with `anonymousAccessAllowed="true"` the
//!   user `anonymous` in group `anonymous` (or the configured
//!   `anonymousUser`/`anonymousGroup`);
//! - `aws mq describe-user` JSON (`Username`, `Groups`; one object or an
//!   array), `Pending.Groups` kept as pending (the current `Groups` decide);
//! - JAAS `groups.properties` (`group=user1,user2`) and `users.properties`
//!   (`user=password`: users without a group, who hold a user principal).
//!
//! A user named in several inputs holds the union of their groups.
//! Passwords are never read into the model, and [`load`] registers files
//! with their passwords masked.

use crate::audit::json;
use crate::audit::properties::{self, PropertiesKind, Property};
use crate::audit::{INVALID_AWS_OUTPUT, MALFORMED_INPUT};
use crate::diagnostics::Diagnostic;
use crate::error::Error;
use crate::semantics::{GroupList, Location};
use crate::source::{SourceFile, SourceId, Sources, Span};
use crate::xml::ConfigDoc;
use std::collections::{BTreeMap, BTreeSet};

/// Where a user or a group membership was read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SourceKind {
    /// `<simpleAuthenticationPlugin>` of a broker configuration.
    SimpleAuthentication,
    /// `aws mq describe-user` output.
    DescribeUser,
    /// JAAS `groups.properties`.
    JaasGroups,
    /// JAAS `users.properties`.
    JaasUsers,
}

impl SourceKind {
    pub fn describe(self) -> &'static str {
        match self {
            SourceKind::SimpleAuthentication => "simpleAuthenticationPlugin",
            SourceKind::DescribeUser => "describe-user",
            SourceKind::JaasGroups => "groups.properties",
            SourceKind::JaasUsers => "users.properties",
        }
    }
}

/// One user.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct User {
    pub name: String,
    /// Each group the user holds, with every place that says so.
    pub groups: BTreeMap<String, Vec<Location>>,
    /// Groups of a describe-user's `Pending.Groups`, reported as pending;
    /// they do not count as held.
    pub pending: BTreeMap<String, Vec<Location>>,
    /// Every place the user is named.
    pub locations: Vec<Location>,
    /// The inputs that name the user.
    pub kinds: BTreeSet<SourceKind>,
    /// The anonymous user of `anonymousAccessAllowed="true"`.
    pub anonymous: bool,
}

impl User {
    /// Whether the user holds a principal `*` (everyone) can match: a group,
    /// or the user principal every JAAS user holds (membership.md; a
    /// `simpleAuthenticationPlugin` or Amazon MQ user without groups holds
    /// none).
    pub fn has_principal(&self) -> bool {
        !self.groups.is_empty()
            || self.kinds.contains(&SourceKind::JaasUsers)
            || self.kinds.contains(&SourceKind::JaasGroups)
    }

    /// The first place the user is named.
    pub fn location(&self) -> Option<Location> {
        self.locations.first().copied()
    }
}

/// Users and the groups they hold.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Membership {
    /// By user name.
    pub users: BTreeMap<String, User>,
    /// The inputs read.
    pub kinds: BTreeSet<SourceKind>,
}

impl Membership {
    pub fn is_empty(&self) -> bool {
        self.users.is_empty()
    }

    pub fn user(&self, name: &str) -> Option<&User> {
        self.users.get(name)
    }

    /// Each group held by at least one user, with its members.
    pub fn groups(&self) -> BTreeMap<&str, BTreeSet<&str>> {
        let mut out: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for u in self.users.values() {
            for g in u.groups.keys() {
                out.entry(g.as_str()).or_default().insert(u.name.as_str());
            }
        }
        out
    }

    /// Whether some user holds `group`.
    pub fn has_members(&self, group: &str) -> bool {
        self.users.values().any(|u| u.groups.contains_key(group))
    }

    /// Add every user of `other`: a user named in both holds the union of
    /// the groups.
    pub fn merge(&mut self, other: Membership) {
        self.kinds.extend(other.kinds);
        for (name, user) in other.users {
            match self.users.get_mut(&name) {
                None => {
                    self.users.insert(name, user);
                }
                Some(u) => {
                    for (g, locs) in user.groups {
                        u.groups.entry(g).or_default().extend(locs);
                    }
                    for (g, locs) in user.pending {
                        u.pending.entry(g).or_default().extend(locs);
                    }
                    for l in user.locations {
                        if !u.locations.contains(&l) {
                            u.locations.push(l);
                        }
                    }
                    u.kinds.extend(user.kinds);
                    u.anonymous |= user.anonymous;
                }
            }
        }
    }

    fn entry(&mut self, name: &str, kind: SourceKind, at: Location) -> &mut User {
        self.kinds.insert(kind);
        let user = self.users.entry(name.to_string()).or_insert_with(|| User {
            name: name.to_string(),
            ..User::default()
        });
        user.kinds.insert(kind);
        if !user.locations.contains(&at) {
            user.locations.push(at);
        }
        user
    }

    fn hold(&mut self, user: &str, group: &str, kind: SourceKind, at: Location) {
        self.entry(user, kind, at)
            .groups
            .entry(group.to_string())
            .or_default()
            .push(at);
    }

    /// The `simpleAuthenticationPlugin` users of a configuration, and its
    /// anonymous user when anonymous access is allowed.
    pub fn add_config(&mut self, doc: &ConfigDoc) {
        let kind = SourceKind::SimpleAuthentication;
        for u in &doc.facts().users {
            let (source, span) = doc.label_at(u.span);
            let at = Location { source, span };
            self.entry(&u.username, kind, at);
            for g in &u.groups.groups {
                self.hold(&u.username, g, kind, at);
            }
        }
        let Some(plugins) = doc.plugins else { return };
        for (_, p) in doc
            .element(plugins)
            .children
            .iter()
            .map(|&c| (c, doc.element(c)))
        {
            if p.local != "simpleAuthenticationPlugin" {
                continue;
            }
            let Some(a) = p
                .attr("anonymousAccessAllowed")
                .filter(|a| crate::audit::selfhosted::spring_true(&a.value))
            else {
                continue;
            };
            let value = |name: &str, default: &str| {
                p.attr(name)
                    .map_or(default.to_string(), |a| a.value.clone())
            };
            let user = value("anonymousUser", "anonymous");
            let group = value("anonymousGroup", "anonymous");
            let (source, span) = doc.label_at(a.span);
            let at = Location { source, span };
            self.entry(&user, kind, at).anonymous = true;
            for g in &GroupList::parse(&group).groups {
                self.hold(&user, g, kind, at);
            }
        }
    }

    /// `aws mq describe-user` output: one object or an array of them. A
    /// user whose members are not what the CLI writes is an error located
    /// at the member; the users before it are kept.
    pub fn add_describe_user(
        &mut self,
        source: SourceId,
        node: &json::Node,
    ) -> Result<(), Vec<Diagnostic>> {
        let users: Vec<&json::Node> = match node.as_array() {
            Some(items) => items.iter().collect(),
            None => vec![node],
        };
        let mut errors = Vec::new();
        let kind = SourceKind::DescribeUser;
        let invalid = |span: Span, message: String| {
            Diagnostic::error(INVALID_AWS_OUTPUT, message)
                .primary(source, span, "here")
                .help("give the output of `aws mq describe-user` as the CLI printed it")
        };
        for u in users {
            if !u.is_object() {
                errors.push(invalid(
                    u.span,
                    format!("a describe-user output is an object, not {}", u.kind()),
                ));
                continue;
            }
            let Some(name) = u.member("Username") else {
                errors.push(invalid(u.span, "this user has no `Username`".into()));
                continue;
            };
            let Some(username) = name.value.as_str().filter(|s| !s.is_empty()) else {
                errors.push(invalid(
                    name.value.span,
                    format!("`Username` is {}, not a user name", name.value.kind()),
                ));
                continue;
            };
            let at = Location {
                source,
                span: name.span(),
            };
            let groups = match group_names(u.get("Groups")) {
                Ok(g) => g,
                Err((span, what)) => {
                    errors.push(invalid(
                        span,
                        format!("`Groups` of `{username}` is {what}, not a list of group names"),
                    ));
                    continue;
                }
            };
            let pending = match group_names(u.get("Pending").and_then(|p| p.get("Groups"))) {
                Ok(g) => g,
                Err((span, what)) => {
                    errors.push(invalid(
                        span,
                        format!(
                            "`Pending.Groups` of `{username}` is {what}, not a list of group names"
                        ),
                    ));
                    continue;
                }
            };
            self.entry(username, kind, at);
            for (g, span) in groups {
                self.hold(username, &g, kind, Location { source, span });
            }
            for (g, span) in pending {
                if let Some(user) = self.users.get_mut(username) {
                    user.pending
                        .entry(g)
                        .or_default()
                        .push(Location { source, span });
                }
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// JAAS `groups.properties` and `users.properties`; other properties
    /// files hold no membership.
    pub fn add_properties(&mut self, source: SourceId, kind: PropertiesKind, props: &[Property]) {
        for p in last_of_each_key(props) {
            let key = p.key.trim();
            if key.is_empty() {
                continue;
            }
            match kind {
                PropertiesKind::Users => {
                    let at = Location {
                        source,
                        span: p.key_span,
                    };
                    self.entry(key, SourceKind::JaasUsers, at);
                }
                PropertiesKind::Groups => {
                    let at = Location {
                        source,
                        span: p.span,
                    };
                    self.kinds.insert(SourceKind::JaasGroups);
                    // PropertiesLoginModule splits on `,` and keeps names as written
                    for user in p.value.split(',').map(str::trim).filter(|u| !u.is_empty()) {
                        self.hold(user, key, SourceKind::JaasGroups, at);
                    }
                }
                _ => {}
            }
        }
    }
}

/// Java keeps the last value of a repeated key.
fn last_of_each_key(props: &[Property]) -> Vec<&Property> {
    let mut last: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, p) in props.iter().enumerate() {
        last.insert(p.key.as_str(), i);
    }
    props
        .iter()
        .enumerate()
        .filter(|(i, p)| last.get(p.key.as_str()) == Some(i))
        .map(|(_, p)| p)
        .collect()
}

/// The group names of a `Groups` member (absent: none).
fn group_names(node: Option<&json::Node>) -> Result<Vec<(String, Span)>, (Span, &'static str)> {
    let Some(node) = node else {
        return Ok(Vec::new());
    };
    if matches!(node.value, json::Value::Null) {
        return Ok(Vec::new());
    }
    let items = node.as_array().ok_or((node.span, node.kind()))?;
    items
        .iter()
        .map(|g| match g.as_str() {
            Some(s) => Ok((s.to_string(), g.span)),
            None => Err((g.span, g.kind())),
        })
        .collect()
}

/// Read one membership file, registering it in `sources` with passwords
/// masked: a broker configuration (XML or configuration JSON), describe-user
/// JSON, or a `*groups*.properties` / `*users*.properties` file. A malformed
/// file gives located diagnostics; a file of none of these kinds is an error.
pub fn load(
    sources: &mut Sources,
    path: &str,
) -> Result<Result<Membership, Vec<Diagnostic>>, Error> {
    let refuse = |what: &str| {
        Error::Usage(format!(
            "`{path}` {what}; --members reads broker configurations (XML or AWS JSON), `aws mq describe-user` JSON, *groups*.properties and *users*.properties"
        ))
    };
    if path != "-" {
        let p = std::path::Path::new(path);
        if p.is_dir() {
            return Err(refuse("is a folder"));
        }
        let lower = path.to_ascii_lowercase();
        if !lower.ends_with(".properties") {
            let bytes = crate::load::read_bytes(path)?;
            let text = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&bytes);
            if !matches!(
                text.iter().find(|b| !b.is_ascii_whitespace()),
                Some(b'<' | b'{' | b'[')
            ) {
                return Err(refuse(
                    "is neither XML nor JSON, nor a properties file by name",
                ));
            }
        }
    }
    let mut diagnostics = Vec::new();
    let inputs = crate::audit::Inputs::load(
        &[path.to_string()],
        Some(crate::audit::Target::SelfHosted),
        sources,
        &mut diagnostics,
    )
    .map_err(|e| match e {
        // standard input is told by content only: say what --members reads
        Error::Usage(m) if m.contains("audit reads") => {
            refuse("is neither XML nor JSON (standard input has no file name)")
        }
        other => other,
    })?;
    if !diagnostics.is_empty() {
        return Ok(Err(diagnostics));
    }
    let mut m = Membership::default();
    for input in &inputs.items {
        match &input.kind {
            crate::audit::Kind::BrokerXml(doc) | crate::audit::Kind::ConfigRevision(doc) => {
                m.add_config(doc)
            }
            crate::audit::Kind::DescribeUser(node) => {
                if let Err(d) = m.add_describe_user(input.source, node) {
                    diagnostics.extend(d);
                }
            }
            crate::audit::Kind::Properties {
                kind: kind @ (PropertiesKind::Users | PropertiesKind::Groups),
                props,
            } => m.add_properties(input.source, *kind, props),
            other => {
                return Err(refuse(&format!(
                    "is a {}, which holds no users",
                    other.describe()
                )))
            }
        }
    }
    if !diagnostics.is_empty() {
        inputs.masks.apply(&mut diagnostics);
        return Ok(Err(diagnostics));
    }
    // locations point into the masked texts, as every diagnostic does
    let mut moved = m;
    for user in moved.users.values_mut() {
        let relocate = |l: &mut Location| l.span = inputs.masks.span(l.source, l.span);
        user.locations.iter_mut().for_each(relocate);
        for locs in user.groups.values_mut().chain(user.pending.values_mut()) {
            locs.iter_mut().for_each(relocate);
        }
    }
    Ok(Ok(moved))
}

/// Parse a properties text of `kind` registered as `source` (for callers
/// that registered the text themselves).
pub fn from_properties(
    source: SourceId,
    kind: PropertiesKind,
    file: &SourceFile,
) -> Result<Membership, Vec<Diagnostic>> {
    match properties::parse(&file.text) {
        Ok(props) => {
            let mut m = Membership::default();
            m.add_properties(source, kind, &props);
            Ok(m)
        }
        Err(e) => Err(vec![Diagnostic::error(MALFORMED_INPUT, e.message)
            .primary(source, e.span, "here")
            .help(
                "Java refuses to load the file; write a valid `\\uXXXX` escape",
            )]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(text: &str) -> ConfigDoc {
        ConfigDoc::parse(SourceId(0), &SourceFile::new("activemq.xml", text)).expect("parses")
    }

    #[test]
    fn simple_authentication_users_and_the_anonymous_user() {
        let doc = config(
            r#"<broker xmlns="http://activemq.apache.org/schema/core"><plugins>
<simpleAuthenticationPlugin anonymousAccessAllowed="true" anonymousGroup="guests">
<users>
<authenticationUser username="app" password="pw" groups=" apps , ops,"/>
<authenticationUser username="lonely" password="pw"/>
</users></simpleAuthenticationPlugin></plugins></broker>"#,
        );
        let mut m = Membership::default();
        m.add_config(&doc);
        let app = m.user("app").expect("app");
        assert_eq!(app.groups.keys().collect::<Vec<_>>(), ["apps", "ops"]);
        assert!(app.has_principal());
        let lonely = m.user("lonely").expect("lonely");
        assert!(lonely.groups.is_empty());
        // a simpleAuthenticationPlugin user without groups holds no principal
        assert!(!lonely.has_principal());
        let anonymous = m.user("anonymous").expect("anonymous");
        assert!(anonymous.anonymous);
        assert_eq!(anonymous.groups.keys().collect::<Vec<_>>(), ["guests"]);
        assert_eq!(
            m.groups()
                .get("guests")
                .map(|u| u.iter().copied().collect::<Vec<_>>()),
            Some(vec!["anonymous"])
        );
        assert!(m.kinds.contains(&SourceKind::SimpleAuthentication));
    }

    #[test]
    fn describe_user_objects_and_arrays_with_pending_groups() {
        let text = r#"[
  {"Username": "billing-app", "Groups": ["billing"], "Pending": {"Groups": ["billing", "audit"]}},
  {"username": "ops", "groups": ["ops", "activemq-webconsole"]}
]"#;
        let node = json::parse(text).expect("json");
        let mut m = Membership::default();
        m.add_describe_user(SourceId(3), &node).expect("valid");
        let billing = m.user("billing-app").expect("user");
        assert_eq!(billing.groups.keys().collect::<Vec<_>>(), ["billing"]);
        assert_eq!(
            billing.pending.keys().collect::<Vec<_>>(),
            ["audit", "billing"]
        );
        let at = billing.location().expect("location");
        assert_eq!(at.source, SourceId(3));
        assert!(text[at.span.range()].starts_with("\"Username\""));
        assert!(m.has_members("activemq-webconsole"));
        assert!(!m.has_members("audit"), "pending groups are not held");
    }

    #[test]
    fn malformed_describe_user_is_located() {
        let text = "{\"Username\": \"app\", \"Groups\": \"apps\"}";
        let node = json::parse(text).expect("json");
        let mut m = Membership::default();
        let errors = m
            .add_describe_user(SourceId(0), &node)
            .expect_err("invalid");
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].code, INVALID_AWS_OUTPUT);
        let span = errors[0].labels[0].span;
        assert_eq!(&text[span.range()], "\"apps\"");
        let text = "[{\"Username\": 7, \"Groups\": []}, {\"Groups\": []}]";
        let node = json::parse(text).expect("json");
        let errors = m
            .add_describe_user(SourceId(0), &node)
            .expect_err("invalid");
        assert_eq!(errors.len(), 2);
    }

    #[test]
    fn jaas_files_and_the_union_over_inputs() {
        let groups = SourceFile::new(
            "groups.properties",
            "apps=app, batch\nops=admin\nops=root\n",
        );
        let m1 = from_properties(SourceId(1), PropertiesKind::Groups, &groups).expect("ok");
        // Java keeps the last value of a repeated key
        assert!(m1.user("admin").is_none());
        assert!(m1.user("root").is_some());
        let users = SourceFile::new("users.properties", "app=secret\nlone=pw\n");
        let m2 = from_properties(SourceId(2), PropertiesKind::Users, &users).expect("ok");
        let lone = m2.user("lone").expect("lone");
        // a JAAS user always holds a user principal
        assert!(lone.groups.is_empty() && lone.has_principal());
        let mut m = m1;
        let props = properties::parse(&users.text).expect("parses");
        m.add_properties(SourceId(2), PropertiesKind::Users, &props);
        let app = m.user("app").expect("app");
        assert_eq!(app.groups.keys().collect::<Vec<_>>(), ["apps"]);
        assert_eq!(app.kinds.len(), 2);
        let bad = SourceFile::new("groups.properties", "apps=\\uZZZZ\n");
        assert!(from_properties(SourceId(1), PropertiesKind::Groups, &bad).is_err());
    }

    #[test]
    fn merge_unions_groups_kinds_and_places() {
        let groups = SourceFile::new("groups.properties", "apps=app\n");
        let mut m = from_properties(SourceId(1), PropertiesKind::Groups, &groups).expect("ok");
        let text =
            r#"[{"Username": "app", "Groups": ["ops"]}, {"Username": "solo", "Groups": []}]"#;
        let mut aws = Membership::default();
        aws.add_describe_user(SourceId(2), &json::parse(text).expect("json"))
            .expect("valid");
        m.merge(aws);
        let app = m.user("app").expect("app");
        assert_eq!(app.groups.keys().collect::<Vec<_>>(), ["apps", "ops"]);
        assert_eq!(app.location().map(|l| l.source), Some(SourceId(1)));
        assert!(app.kinds.contains(&SourceKind::JaasGroups));
        assert!(app.kinds.contains(&SourceKind::DescribeUser));
        // an Amazon MQ user without groups holds no principal
        assert!(!m.user("solo").expect("solo").has_principal());
        assert_eq!(m.kinds.len(), 2);
    }

    #[test]
    fn load_masks_passwords_and_refuses_other_kinds() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("users.properties");
        std::fs::write(&path, "app=very-secret\nops=another-secret\n").expect("write");
        let mut sources = Sources::new();
        let m = load(&mut sources, &path.to_string_lossy())
            .expect("runs")
            .expect("valid");
        let ops = m.user("ops").expect("ops");
        let at = ops.location().expect("location");
        let file = sources.get(at.source).expect("registered");
        assert_eq!(&*file.text, "app=***\nops=***\n");
        assert_eq!(file.slice(at.span), "ops");
        let jetty = dir.path().join("jmx.password");
        std::fs::write(&jetty, "admin secret\n").expect("write");
        assert!(load(&mut sources, &jetty.to_string_lossy()).is_err());
    }
}
