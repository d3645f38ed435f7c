//! Arbitrary bytes as a configuration that a fixed map is merged into. When
//! the merge succeeds, the result must parse, hold exactly one
//! `<authorizationPlugin>` whose map reads back as the merged one, and
//! merging again must give the same bytes.

#![no_main]

use libfuzzer_sys::fuzz_target;
use mqauthz::load;
use mqauthz::semantics::AuthzMap;
use mqauthz::source::{SourceFile, SourceId, Sources};
use mqauthz::xml::{self, ConfigDoc};
use std::sync::OnceLock;

const POLICY: &str = r#"group admins
group "app team"
grant admins all on queue >, topic >
grant "app team" read, write on queue "R&D.<in>", topic "it's \"x\""
grant everyone admin on advisory
grant admins all on temp
"#;

fn map() -> &'static AuthzMap {
    static MAP: OnceLock<AuthzMap> = OnceLock::new();
    MAP.get_or_init(|| {
        let mut sources = Sources::new();
        let id = sources.add(SourceFile::new("fixed.mqa", POLICY));
        let front = load::front_end(&sources, id, Vec::new());
        assert!(front.diagnostics.is_empty(), "{:?}", front.diagnostics);
        mqauthz::compile::compile(&front.policy)
    })
}

fn parse(text: &str) -> Result<ConfigDoc, Vec<mqauthz::diagnostics::Diagnostic>> {
    ConfigDoc::parse(SourceId(0), &SourceFile::new("fuzz.xml", text))
}

fn acl_text(map: &AuthzMap) -> Vec<String> {
    let mut v: Vec<String> = map
        .entries
        .iter()
        .map(|e| format!("{} {} {:?}", e.kind, e.pattern, e.acl))
        .collect();
    v.push(format!("default {:?}", map.default_entry));
    v.push(format!("temp {:?}", map.temp));
    v
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(doc) = parse(text) else { return };
    let map = map();
    let Ok(merged) = xml::merge(&doc, map, Some("fuzz")) else {
        return;
    };
    let again = match parse(&merged) {
        Ok(d) => d,
        Err(ds) => panic!("merged output does not parse: {ds:?}\n{merged}"),
    };
    assert!(
        again.authorization_plugin.is_some(),
        "no authorizationPlugin after merge:\n{merged}"
    );
    let plugins = again
        .elements
        .iter()
        .filter(|e| e.is_amq("authorizationPlugin"))
        .count();
    assert_eq!(plugins, 1, "{merged}");
    let (read, _) = xml::read_map(&again);
    let read = read.expect("the merged plugin has a map");
    assert_eq!(acl_text(&read), acl_text(map), "{merged}");
    let twice = xml::merge(&again, map, Some("fuzz")).expect("merging again works");
    assert_eq!(twice, merged, "merging twice changes the output");
});
