//! Loading broker configurations for the commands: read, register as a
//! source (and the decoded XML of AWS JSON as a second one), parse.

use crate::analysis::BrokerFacts;
use crate::diagnostics::Diagnostic;
use crate::error::Error;
use crate::load;
use crate::source::Sources;
use crate::xml::{self, ConfigDoc};

/// A parsed configuration, or the diagnostics that refused it.
pub fn load(
    sources: &mut Sources,
    path: &str,
) -> Result<Result<ConfigDoc, Vec<Diagnostic>>, Error> {
    let bytes = load::read_bytes(path)?;
    let mut diagnostics = Vec::new();
    let name = load::display_name(path);
    let id = load::add_source(sources, name.clone(), bytes, &mut diagnostics);
    if !diagnostics.is_empty() {
        return Ok(Err(diagnostics));
    }
    let Some(file) = sources.get(id) else {
        return Ok(Err(diagnostics));
    };
    let mut doc = match ConfigDoc::parse(id, file) {
        Ok(doc) => doc,
        Err(d) => return Ok(Err(d)),
    };
    if let Some(decoded) = doc.decoded_xml_file(&name) {
        let xml_id = sources.add(decoded);
        doc.set_xml_source(xml_id);
    }
    Ok(Ok(doc))
}

/// What the analysis needs to know of a configuration.
pub fn facts_of(doc: &ConfigDoc) -> BrokerFacts {
    BrokerFacts {
        advisory_support: doc.facts().advisory_support_enabled,
        destinations: doc
            .facts()
            .destinations
            .iter()
            .map(|d| (d.kind, d.name.clone()))
            .collect(),
    }
}

/// Load a configuration for its facts only (`check --config`).
pub fn broker_facts(
    sources: &mut Sources,
    path: &str,
) -> Result<(BrokerFacts, Vec<Diagnostic>), Error> {
    match load(sources, path)? {
        Ok(doc) => Ok((facts_of(&doc), Vec::new())),
        Err(d) => Ok((BrokerFacts::default(), d)),
    }
}

/// Read the authorization map of a configuration, with what could not be
/// modelled; a configuration without a plugin yields `None`.
pub fn read_map(doc: &ConfigDoc) -> xml::ReadResult {
    xml::read(doc)
}
