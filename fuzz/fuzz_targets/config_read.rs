//! Arbitrary bytes as a broker configuration: parse (XML or AWS JSON), read
//! the authorization map and facts, render what was reported.

#![no_main]

use libfuzzer_sys::fuzz_target;
use mqauthz::diagnostics::render;
use mqauthz::load;
use mqauthz::source::Sources;
use mqauthz::xml::{self, ConfigDoc};

fuzz_target!(|data: &[u8]| {
    let mut sources = Sources::new();
    let mut diagnostics = Vec::new();
    let id = load::add_source(
        &mut sources,
        "fuzz.xml".into(),
        data.to_vec(),
        &mut diagnostics,
    );
    if !diagnostics.is_empty() {
        return;
    }
    let Some(file) = sources.get(id) else { return };
    match ConfigDoc::parse(id, file) {
        Ok(mut doc) => {
            if let Some(decoded) = doc.decoded_xml_file("fuzz.xml") {
                let xml_id = sources.add(decoded);
                doc.set_xml_source(xml_id);
            }
            let r = xml::read(&doc);
            let _ = render::human(&r.diagnostics, &sources, false);
        }
        Err(ds) => {
            assert!(!ds.is_empty(), "a refusal without a diagnostic");
            let _ = render::human(&ds, &sources, false);
        }
    }
});
