//! Inputs that may be a policy or a broker configuration (explain, diff,
//! review, import): both become an authorization map.

use super::check::analyse;
use super::config;
use crate::analysis::Options;
use crate::compile;
use crate::diagnostics::{Diagnostic, Severity};
use crate::error::Error;
use crate::load::{self, Front};
use crate::semantics::AuthzMap;
use crate::source::Sources;

pub enum Loaded {
    /// A policy that resolved without errors, its map and the analysis findings.
    Policy {
        front: Box<Front>,
        map: AuthzMap,
        findings: Vec<Diagnostic>,
    },
    /// A configuration's map (`None` without an authorizationPlugin) and what
    /// could not be modelled.
    Config {
        doc: Box<crate::xml::ConfigDoc>,
        map: Option<AuthzMap>,
        findings: Vec<Diagnostic>,
    },
}

impl Loaded {
    pub fn findings(&self) -> &[Diagnostic] {
        match self {
            Loaded::Policy { findings, .. } | Loaded::Config { findings, .. } => findings,
        }
    }
}

/// Is `path` a configuration rather than a policy? By extension, else by the
/// first character (`<` or `{`).
pub fn is_config(path: &str, bytes: &[u8]) -> bool {
    let lower = path.to_ascii_lowercase();
    if lower.ends_with(".mqa") {
        return false;
    }
    if lower.ends_with(".xml") || lower.ends_with(".json") {
        return true;
    }
    let text = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    matches!(
        text.iter().find(|b| !b.is_ascii_whitespace()),
        Some(b'<') | Some(b'{')
    )
}

/// Load a policy or a configuration. `Err(diagnostics)` when it cannot be
/// used at all (syntax errors, malformed XML).
pub fn load_any(
    sources: &mut Sources,
    path: &str,
    options: &Options,
) -> Result<Result<Loaded, Vec<Diagnostic>>, Error> {
    let config = if path == "-" {
        false
    } else {
        let head = std::fs::read(path).map_err(|e| Error::io("read", path, e))?;
        is_config(path, &head)
    };
    if config {
        let doc = match config::load(sources, path)? {
            Ok(doc) => doc,
            Err(d) => return Ok(Err(d)),
        };
        let read = config::read_map(&doc);
        if read
            .diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
            && read.map.is_none()
        {
            return Ok(Err(read.diagnostics));
        }
        return Ok(Ok(Loaded::Config {
            doc: Box::new(doc),
            map: read.map,
            findings: read.diagnostics,
        }));
    }
    let (front, diagnostics) = analyse(sources, path, options)?;
    if front
        .diagnostics
        .iter()
        .any(|d| d.severity == Severity::Error)
    {
        return Ok(Err(diagnostics));
    }
    let map = compile::compile(&front.policy);
    Ok(Ok(Loaded::Policy {
        front: Box::new(front),
        map,
        findings: diagnostics,
    }))
}

/// [`load_any`] with default analysis options; when the input cannot be used
/// its diagnostics are reported on `io` and `None` is returned, and the caller
/// picks the exit status.
pub fn load_or_report(
    io: &mut super::Io,
    sources: &mut Sources,
    path: &str,
) -> Result<Option<Loaded>, Error> {
    match load_any(sources, path, &Options::default())? {
        Ok(loaded) => Ok(Some(loaded)),
        Err(d) => {
            io.report(&super::sorted(d), sources);
            Ok(None)
        }
    }
}

/// The display name of an input.
pub fn name(path: &str) -> String {
    load::display_name(path)
}
