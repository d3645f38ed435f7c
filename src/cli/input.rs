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

    /// Move the findings out (they can be many: no copy).
    pub fn take_findings(&mut self) -> Vec<Diagnostic> {
        match self {
            Loaded::Policy { findings, .. } | Loaded::Config { findings, .. } => {
                std::mem::take(findings)
            }
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

/// Is the input at `path` a configuration (`-`, standard input, is a policy)?
fn config_path(path: &str) -> Result<bool, Error> {
    if path == "-" {
        return Ok(false);
    }
    let head = std::fs::read(path).map_err(|e| Error::io("read", path, e))?;
    Ok(is_config(path, &head))
}

/// Load a configuration and read its map.
fn load_config(
    sources: &mut Sources,
    path: &str,
) -> Result<Result<Loaded, Vec<Diagnostic>>, Error> {
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
    Ok(Ok(Loaded::Config {
        doc: Box::new(doc),
        map: read.map,
        findings: read.diagnostics,
    }))
}

/// Load a policy or a configuration. `Err(diagnostics)` when it cannot be
/// used at all (syntax errors, malformed XML).
pub fn load_any(
    sources: &mut Sources,
    path: &str,
    options: &Options,
) -> Result<Result<Loaded, Vec<Diagnostic>>, Error> {
    if config_path(path)? {
        return load_config(sources, path);
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

/// What [`load_map_any`] keeps of an input: its map (`None`: a configuration
/// without an authorizationPlugin) and, for a configuration, what could not
/// be modelled.
pub struct MapOnly {
    pub map: Option<AuthzMap>,
    pub findings: Vec<Diagnostic>,
}

/// Like [`load_any`] for a command that uses only the map (diff): a policy
/// is front-ended and compiled without running the analysis rules, whose
/// findings such a command never shows, and its syntax tree and model are
/// dropped once the map is built. The inputs that cannot be used are the
/// same as for [`load_any`], with the same diagnostics.
pub fn load_map_any(
    sources: &mut Sources,
    path: &str,
) -> Result<Result<MapOnly, Vec<Diagnostic>>, Error> {
    if config_path(path)? {
        return Ok(load_config(sources, path)?.map(|loaded| match loaded {
            Loaded::Config { map, findings, .. } => MapOnly { map, findings },
            Loaded::Policy { map, .. } => MapOnly {
                map: Some(map),
                findings: Vec::new(),
            },
        }));
    }
    let mut front = load::policy(sources, path)?;
    front.ast = Default::default();
    if front
        .diagnostics
        .iter()
        .any(|d| d.severity == Severity::Error)
    {
        return Ok(Err(front.diagnostics));
    }
    let map = compile::compile(&front.policy);
    Ok(Ok(MapOnly {
        map: Some(map),
        findings: Vec::new(),
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
