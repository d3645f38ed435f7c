//! Loading inputs: read a file (or standard input for `-`), check its
//! encoding, and run the front end (parse + resolve).

use crate::ast::PolicyFile;
use crate::diagnostics::{codes, Diagnostic};
use crate::error::Error;
use crate::model::{self, Policy};
use crate::source::{SourceFile, SourceId, Sources, Span};
use crate::syntax;
use std::io::Read;
use std::path::Path;

/// Read a file's bytes; `-` reads standard input.
pub(crate) fn read_bytes(path: &str) -> Result<Vec<u8>, Error> {
    if path == "-" {
        let mut buf = Vec::new();
        std::io::stdin()
            .read_to_end(&mut buf)
            .map_err(|e| Error::io("read", "<stdin>", e))?;
        return Ok(buf);
    }
    std::fs::read(Path::new(path)).map_err(|e| Error::io("read", path, e))
}

/// The display name of a path (`<stdin>` for `-`).
pub(crate) fn display_name(path: &str) -> String {
    if path == "-" {
        "<stdin>".to_string()
    } else {
        path.to_string()
    }
}

/// Register bytes as a source. Invalid UTF-8 gives a diagnostic at the first
/// bad byte; the text is then decoded lossily so the problem can be shown.
pub fn add_source(
    sources: &mut Sources,
    name: String,
    bytes: Vec<u8>,
    diagnostics: &mut Vec<Diagnostic>,
) -> SourceId {
    match String::from_utf8(bytes) {
        Ok(text) => sources.add(SourceFile::new(name, text)),
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
            let id = sources.add(SourceFile::new(name, text));
            diagnostics.push(
                Diagnostic::error(codes::INVALID_ENCODING, "the file is not valid UTF-8")
                    .primary(id, Span::new(valid, valid + 1), "invalid byte here")
                    .help("save the file as UTF-8"),
            );
            id
        }
    }
}

/// A policy after the front end.
#[derive(Clone, Debug)]
pub struct Front {
    pub id: SourceId,
    pub ast: PolicyFile,
    pub policy: Policy,
    pub diagnostics: Vec<Diagnostic>,
}

/// Parse and resolve a registered source.
pub fn front_end(sources: &Sources, id: SourceId, mut diagnostics: Vec<Diagnostic>) -> Front {
    let Some(file) = sources.get(id) else {
        return Front {
            id,
            ast: PolicyFile::default(),
            policy: Policy::default(),
            diagnostics,
        };
    };
    if diagnostics
        .iter()
        .any(|d| d.code == codes::INVALID_ENCODING)
    {
        return Front {
            id,
            ast: PolicyFile::default(),
            policy: Policy::default(),
            diagnostics,
        };
    }
    let parsed = syntax::parse(id, file);
    diagnostics.extend(parsed.diagnostics);
    let policy = model::resolve(id, &parsed.file, &mut diagnostics);
    Front {
        id,
        ast: parsed.file,
        policy,
        diagnostics,
    }
}

/// Read, register and front-end a policy file.
pub fn policy(sources: &mut Sources, path: &str) -> Result<Front, Error> {
    let bytes = read_bytes(path)?;
    let mut diagnostics = Vec::new();
    let id = add_source(sources, display_name(path), bytes, &mut diagnostics);
    Ok(front_end(sources, id, diagnostics))
}
