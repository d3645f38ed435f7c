//! Arbitrary bytes as a policy: load (encoding check), parse, resolve,
//! analyse, render the diagnostics, format, and compile when clean.

#![no_main]

use libfuzzer_sys::fuzz_target;
use mqauthz::analysis::{self, Options};
use mqauthz::diagnostics::{render, Severity};
use mqauthz::load;
use mqauthz::source::Sources;

fuzz_target!(|data: &[u8]| {
    let mut sources = Sources::new();
    let mut diagnostics = Vec::new();
    let id = load::add_source(
        &mut sources,
        "fuzz.mqa".into(),
        data.to_vec(),
        &mut diagnostics,
    );
    let front = load::front_end(&sources, id, diagnostics);
    let mut all = front.diagnostics.clone();
    let clean = !all.iter().any(|d| d.severity == Severity::Error);
    if clean {
        all.extend(analysis::run(&front.policy, &Options::default()));
    }
    let _ = render::human(&all, &sources, false);
    let _ = render::json(&all, &sources);
    if let Some(file) = sources.get(id) {
        if clean {
            let _ = mqauthz::fmt::format(file, &front.ast);
        }
    }
    if clean {
        let map = mqauthz::compile::compile(&front.policy);
        let _ = mqauthz::xml::fragment(&map, &mqauthz::xml::EmitOptions::default());
    }
});
