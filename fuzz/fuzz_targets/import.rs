//! Arbitrary bytes as a configuration to import. When its authorization map
//! reads, the imported policy must load without errors, be in canonical
//! form, and, when nothing was left out as unexpressible, compile to a map
//! with the same meaning as the one read.

#![no_main]

use libfuzzer_sys::fuzz_target;
use mqauthz::diagnostics::Severity;
use mqauthz::load;
use mqauthz::source::{SourceFile, SourceId, Sources};
use mqauthz::xml::{self, ConfigDoc};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let file = SourceFile::new("fuzz.xml", text);
    let Ok(doc) = ConfigDoc::parse(SourceId(0), &file) else {
        return;
    };
    let (Some(read), _) = xml::read_map(&doc) else {
        return;
    };
    let imported = mqauthz::import::import(&read);
    let mut sources = Sources::new();
    let id = sources.add(SourceFile::new("imported.mqa", imported.text.as_str()));
    let front = load::front_end(&sources, id, Vec::new());
    if front.diagnostics.iter().any(|d| d.severity == Severity::Error) {
        panic!(
            "the imported policy has errors: {:?}\n{}",
            front.diagnostics, imported.text
        );
    }
    let policy_file = SourceFile::new("imported.mqa", imported.text.as_str());
    let parsed = mqauthz::syntax::parse(SourceId(0), &policy_file);
    let formatted = mqauthz::fmt::format(&policy_file, &parsed.file);
    assert_eq!(formatted, imported.text, "the imported policy is not canonical");
    if imported.unexpressible.is_empty() {
        let compiled = mqauthz::compile::compile(&front.policy);
        let d = mqauthz::diff::diff(&read, &compiled);
        assert!(
            d.is_empty(),
            "the import changed the meaning: {}\n{}",
            mqauthz::diff::render_text(&d, false),
            imported.text
        );
    }
});
