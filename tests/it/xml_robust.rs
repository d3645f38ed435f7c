//! Refusals with clear diagnostics, reading what cannot be modelled, and
//! robustness: no input makes the configuration reader panic.

use mqauthz::diagnostics::Diagnostic;
use mqauthz::semantics::AuthzMap;
use mqauthz::source::{SourceFile, SourceId};
use mqauthz::xml::{self, ConfigDoc};
use proptest::prelude::*;

fn load(name: &str) -> (SourceFile, Result<ConfigDoc, Vec<Diagnostic>>) {
    let path = format!("tests/fixtures/configs/{name}");
    let text = std::fs::read_to_string(&path).expect("fixture");
    let file = SourceFile::new(name, text);
    let doc = ConfigDoc::parse(SourceId(7), &file);
    (file, doc)
}

/// Code name, 1-based line and column of the primary label, and message.
fn summary(file: &SourceFile, d: &Diagnostic) -> String {
    let at = d
        .primary_label()
        .map(|l| {
            assert_eq!(l.source, SourceId(7));
            let lc = file.line_col(l.span.start as usize);
            format!("{}:{}", lc.line, lc.col)
        })
        .unwrap_or_default();
    assert!(d.help.is_some(), "{} has no help", d.code.name);
    format!("{} {} at {at}: {}", d.code.id, d.code.name, d.message)
}

fn refusal(name: &str) -> String {
    let (file, doc) = load(name);
    match doc {
        Ok(_) => panic!("{name} was accepted"),
        Err(ds) => ds
            .iter()
            .map(|d| summary(&file, d))
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

#[test]
fn refusals() {
    let cases = [
        ("malformed.xml", "MQA301 malformed-xml at 5:5"),
        ("no-broker.xml", "MQA304 no-broker at 2:3"),
        ("two-brokers.xml", "MQA305 several-brokers at 2:3"),
        (
            "two-plugins.xml",
            "MQA306 several-authorization-plugins at 3:5",
        ),
        ("billion-laughs.xml", "MQA302 doctype-not-allowed at 2:1"),
        ("xxe.xml", "MQA302 doctype-not-allowed at 2:1"),
        ("undefined-entity.xml", "MQA303 entity-not-allowed at 4:43"),
        ("bad-base64.json", "MQA310 invalid-config-data at 1:36"),
        ("not-utf8.json", "MQA310 invalid-config-data at 1:36"),
        ("no-data.json", "MQA309 invalid-config-json at 1:1"),
        ("broken.json", "MQA309 invalid-config-json at 2:1"),
        ("json-malformed-xml.json", "MQA301 malformed-xml at 1:10"),
    ];
    for (name, want) in cases {
        let got = refusal(name);
        assert!(
            got.starts_with(want),
            "{name}: got `{got}`, want `{want}...`"
        );
    }
}

#[test]
fn malformed_json_data_names_the_xml_position() {
    let (_, doc) = load("json-malformed-xml.json");
    let ds = doc.expect_err("refused");
    assert!(
        ds[0].notes.iter().any(|n| n.contains("line 3")),
        "{:?}",
        ds[0].notes
    );
}

#[test]
fn ldap_map_is_reported_and_merge_refused() {
    let (file, doc) = load("ldap.xml");
    let doc = doc.expect("parses");
    let (map, diags) = xml::read_map(&doc);
    assert!(map.is_none());
    let got: Vec<String> = diags.iter().map(|d| summary(&file, d)).collect();
    assert_eq!(got.len(), 1);
    assert!(got[0].starts_with("MQA307 unsupported-authorization-map at 5:9"));
    let err = xml::merge(&doc, &AuthzMap::default(), None).expect_err("refused");
    assert!(summary(&file, &err[0]).starts_with("MQA312 plugin-holds-other-map at 5:9"));
}

#[test]
fn unsupported_constructs_are_reported() {
    let (file, doc) = load("unsupported.xml");
    let doc = doc.expect("parses");
    let (map, diags) = xml::read_map(&doc);
    let got = diags
        .iter()
        .map(|d| summary(&file, d))
        .collect::<Vec<_>>()
        .join("\n");
    insta::assert_snapshot!(got);
    let map = map.expect("partial map");
    let names: Vec<String> = map
        .entries
        .iter()
        .map(|e| format!("{} {}", e.kind, e.pattern))
        .collect();
    assert_eq!(names, ["queue OK.>", "topic BOTH", "queue A"]);
    // The map's groupClass goes into entries but not into the defaultEntry.
    assert_eq!(
        map.entries[0].acl.group_class.as_deref(),
        Some("org.apache.activemq.jaas.UserPrincipal")
    );
    assert_eq!(map.default_entry.expect("default").group_class, None);
}

#[test]
fn facts_are_read() {
    let text = std::fs::read_to_string("tests/fixtures/merge/spring-plugins.xml").expect("fixture");
    let file = SourceFile::new("s.xml", text);
    let doc = ConfigDoc::parse(SourceId(0), &file).expect("parses");
    let r = xml::read(&doc);
    assert!(r.map.is_none());
    assert!(r.diagnostics.is_empty());
    assert_eq!(r.facts.advisory_support_enabled, Some(true));
    assert_eq!(r.facts.destinations.len(), 1);
    assert_eq!(r.facts.destinations[0].name, "ORDERS.IN");
    let users: Vec<(String, Vec<String>)> = r
        .facts
        .users
        .iter()
        .map(|u| {
            (
                u.username.clone(),
                u.groups.groups.iter().cloned().collect(),
            )
        })
        .collect();
    assert_eq!(
        users,
        [
            (
                "admin".to_string(),
                vec!["admins".to_string(), "users".to_string()]
            ),
            ("app".to_string(), vec!["apps".to_string()]),
        ]
    );
}

/// Pieces of broker XML, glued at random to reach deep parser states.
const PIECES: &[&str] = &[
    "<broker xmlns=\"http://activemq.apache.org/schema/core\">",
    "</broker>",
    "<amq:broker xmlns:amq=\"http://activemq.apache.org/schema/core\">",
    "</amq:broker>",
    "<beans>",
    "</beans>",
    "<plugins>",
    "</plugins>",
    "<plugins/>",
    "<authorizationPlugin>",
    "</authorizationPlugin>",
    "<map>",
    "</map>",
    "<authorizationMap groupClass=\"x\">",
    "</authorizationMap>",
    "<authorizationEntries>",
    "</authorizationEntries>",
    "<authorizationEntry queue=\"A,topic://B\" read=\"a\"/>",
    "<authorizationEntry topic=\"&gt;\" write=\" , \"/>",
    "<authorizationEntry/>",
    "<defaultEntry>",
    "</defaultEntry>",
    "<tempDestinationAuthorizationEntry>",
    "</tempDestinationAuthorizationEntry>",
    "<cachedLDAPAuthorizationMap/>",
    "<!--",
    "-->",
    "<![CDATA[",
    "]]>",
    "<!DOCTYPE x [",
    "<!ENTITY a \"b\">",
    "]>",
    "<?pi x?>",
    "&amp;",
    "&x;",
    "&#x0;",
    "&#1114112;",
    "\r\n",
    "\n  ",
    "\u{feff}",
    "é",
    "\"",
    "'",
    "<",
    ">",
    "/>",
    "=",
    "{\"Data\": \"",
    "PGJyb2tlci8+",
    "\"}",
];

fn exercise(text: &str) {
    let file = SourceFile::new("fuzz", text);
    if let Ok(doc) = ConfigDoc::parse(SourceId(0), &file) {
        let (_map, _diags) = xml::read_map(&doc);
        let _ = xml::merge(&doc, &AuthzMap::default(), Some("h --"));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_strings_never_panic(s in any::<String>()) {
        exercise(&s);
    }

    #[test]
    fn arbitrary_bytes_never_panic(b in proptest::collection::vec(any::<u8>(), 0..256)) {
        exercise(&String::from_utf8_lossy(&b));
    }

    #[test]
    fn xml_soup_never_panics(ix in proptest::collection::vec(0..PIECES.len(), 0..40)) {
        let s: String = ix.iter().map(|&i| PIECES[i]).collect();
        exercise(&s);
    }
}

#[test]
fn json_diagnostics_point_at_data_until_the_xml_is_registered() {
    use base64::Engine;
    let xml = "<broker xmlns=\"http://activemq.apache.org/schema/core\">\n<plugins><authorizationPlugin><map>\n<authorizationMap><authorizationEntries>\n<authorizationEntry read=\"a\"/>\n</authorizationEntries></authorizationMap></map></authorizationPlugin></plugins></broker>";
    let data = base64::engine::general_purpose::STANDARD.encode(xml);
    let file = SourceFile::new(
        "c.json",
        format!("{{\"Id\": \"c-9\", \"Data\": \"{data}\"}}"),
    );
    let mut doc = ConfigDoc::parse(SourceId(7), &file).expect("parses");
    let (_, diags) = xml::read_map(&doc);
    assert_eq!(diags.len(), 1);
    let label = diags[0].primary_label().expect("label");
    assert_eq!(label.source, SourceId(7));
    assert_eq!(&file.text[label.span.range()], format!("\"{data}\""));
    assert!(diags[0]
        .notes
        .iter()
        .any(|n| n.contains("line 4, column 1")));

    let decoded = doc.decoded_xml_file("c.json").expect("decoded file");
    assert_eq!(&*decoded.text, xml);
    doc.set_xml_source(SourceId(8));
    let (_, diags) = xml::read_map(&doc);
    let label = diags[0].primary_label().expect("label");
    assert_eq!(label.source, SourceId(8));
    assert!(decoded.text[label.span.range()].starts_with("<authorizationEntry read"));
    assert!(diags[0].notes.is_empty());
}

const NAMES: &[&str] = &[
    "plugins",
    "authorizationPlugin",
    "map",
    "authorizationMap",
    "authorizationEntries",
    "authorizationEntry",
    "defaultEntry",
    "tempDestinationAuthorizationEntry",
    "entries",
    "destination",
    "queue",
    "topic",
    "cachedLDAPAuthorizationMap",
    "simpleAuthenticationPlugin",
    "users",
    "authenticationUser",
    "destinations",
    "amq:plugins",
];

const ATTRS: &[&str] = &[
    "queue=\"A.>\"",
    "queue=\" , \"",
    "queue=\"A,topic://B,temp-queue://C\"",
    "topic=\"T?x=1\"",
    "queue=\"\"",
    "read=\"a, b\"",
    "write=\"*\"",
    "admin=\"\"",
    "groupClass=\"x.Y\"",
    "tempQueue=\"true\"",
    "map=\"#m\"",
    "defaultEntry=\"#d\"",
    "physicalName=\"Q\"",
    "username=\"u\"",
    "groups=\"g\"",
    "bogus=\"1\"",
];

/// The attributes at `ix`, one per name.
fn attr_text(ix: &[usize]) -> String {
    let mut seen = std::collections::BTreeSet::new();
    ix.iter()
        .map(|&i| ATTRS[i])
        .filter(|a| seen.insert(a.split('=').next().unwrap_or("")))
        .collect::<Vec<_>>()
        .join(" ")
}

fn tree() -> impl Strategy<Value = String> {
    let leaf = (
        0..NAMES.len(),
        proptest::collection::vec(0..ATTRS.len(), 0..3),
    )
        .prop_map(|(n, attrs)| {
            let a = attr_text(&attrs);
            format!("<{} {}/>", NAMES[n], a)
        });
    leaf.prop_recursive(6, 64, 6, |inner| {
        (
            0..NAMES.len(),
            proptest::collection::vec(0..ATTRS.len(), 0..3),
            proptest::collection::vec(inner, 0..6),
        )
            .prop_map(|(n, attrs, kids)| {
                let a = attr_text(&attrs);
                format!("<{} {}>{}</{}>", NAMES[n], a, kids.concat(), NAMES[n])
            })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn well_formed_trees_are_read_and_merged(body in tree()) {
        let text = format!(
            "<broker xmlns=\"http://activemq.apache.org/schema/core\" xmlns:amq=\"http://activemq.apache.org/schema/core\">{body}</broker>"
        );
        let file = SourceFile::new("t.xml", text);
        let doc = match ConfigDoc::parse(SourceId(0), &file) {
            Ok(d) => d,
            // Two authorization plugins are refused; nothing else may be.
            Err(ds) => {
                prop_assert_eq!(ds[0].code.name, "several-authorization-plugins");
                return Ok(());
            }
        };
        let (_, diags) = xml::read_map(&doc);
        for d in &diags {
            prop_assert!(d.help.is_some());
            prop_assert!(!d.labels.is_empty());
        }
        let opts = xml::MergeOptions { replace_other_map: true, ..xml::MergeOptions::default() };
        let out = xml::merge_with(&doc, &AuthzMap::default(), &opts).expect("merges");
        let doc2 = ConfigDoc::parse(SourceId(0), &SourceFile::new("o.xml", out.clone())).expect("output parses");
        let again = xml::merge_with(&doc2, &AuthzMap::default(), &opts).expect("merges");
        prop_assert_eq!(again, out);
        let (map, _) = xml::read_map(&doc2);
        prop_assert_eq!(map, Some(AuthzMap::default()));
    }
}
