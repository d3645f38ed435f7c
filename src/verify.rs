//! Translation validation: before `compile` writes anything, its output is
//! read back with the configuration reader, as the broker would read it, and
//! compared by meaning with the policy's map, as `diff` compares. Any
//! difference is an internal error of the emitter or of the merge, reported
//! with a witness (a group, a right and a destination), and nothing is
//! written.

use crate::diff::{self, Direction, MapDiff};
use crate::semantics::AuthzMap;
use crate::source::{SourceFile, SourceId};
use crate::xml::{self, ConfigDoc, AMQ_NS};
use std::fmt;

/// What `compile` is about to write.
#[derive(Clone, Copy, Debug)]
pub enum Output<'a> {
    /// An `<authorizationPlugin>` fragment on its own.
    Fragment(&'a str),
    /// A whole configuration: XML, or AWS JSON with the XML in `Data`.
    Config(&'a str),
}

/// Why the output does not stand for the policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mismatch {
    /// The output cannot be read back (not well-formed, no map...).
    Unreadable(String),
    /// It reads as a map that means something else; the differences as
    /// `diff` reports them, the policy being the old side.
    Meaning(MapDiff),
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Mismatch::Unreadable(why) => write!(f, "the output cannot be read back: {why}"),
            Mismatch::Meaning(d) => {
                let n = d.changes.len() + d.temp.len();
                let witness = if let Some(c) = d.changes.first() {
                    let verb = match c.change {
                        Direction::Gained => "would gain",
                        Direction::Lost => "would lose",
                    };
                    format!(
                        "group `{}` {verb} {} on {} `{}` (pattern `{}`)",
                        diff::shown(&c.group),
                        c.right,
                        c.kind,
                        c.example,
                        c.pattern
                    )
                } else if let Some(t) = d.temp.first() {
                    let verb = match t.change {
                        Direction::Gained => "would gain",
                        Direction::Lost => "would lose",
                    };
                    format!(
                        "group `{}` {verb} {} on temporary destinations",
                        diff::shown(&t.group),
                        t.right
                    )
                } else {
                    String::from("no witness")
                };
                write!(
                    f,
                    "the output does not mean what the policy means ({n} difference{}): {witness}",
                    if n == 1 { "" } else { "s" }
                )
            }
        }
    }
}

/// Read `output` back and compare it with `expected`.
pub fn check(expected: &AuthzMap, output: Output) -> Result<(), Mismatch> {
    let text = match output {
        Output::Fragment(fragment) => {
            format!("<broker xmlns=\"{AMQ_NS}\">\n<plugins>\n{fragment}</plugins>\n</broker>\n")
        }
        Output::Config(config) => config.to_string(),
    };
    let file = SourceFile::new("<output>", text);
    let doc = ConfigDoc::parse(SourceId::default(), &file).map_err(|d| {
        Mismatch::Unreadable(d.first().map_or_else(String::new, |d| d.message.clone()))
    })?;
    let read = xml::read(&doc);
    if let Some(d) = read
        .diagnostics
        .iter()
        .find(|d| d.severity == crate::diagnostics::Severity::Error)
    {
        return Err(Mismatch::Unreadable(d.message.clone()));
    }
    let Some(map) = read.map else {
        return Err(Mismatch::Unreadable(
            "it holds no authorizationPlugin".to_string(),
        ));
    };
    let d = diff::diff(expected, &map);
    if d.is_empty() {
        Ok(())
    } else {
        Err(Mismatch::Meaning(d))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::semantics::DestKind;

    fn map() -> AuthzMap {
        let file = SourceFile::new(
            "p.mqa",
            "group app\ngroup ops\ngrant app read, write on queue APP.>\ngrant ops all on queue >, temp\ngrant everyone read, admin on advisory\n",
        );
        let mut sources = crate::source::Sources::new();
        let id = sources.add(file);
        let front = crate::load::front_end(&sources, id, Vec::new());
        assert!(front.diagnostics.is_empty(), "{:?}", front.diagnostics);
        crate::compile::compile(&front.policy)
    }

    #[test]
    fn the_emitted_fragment_means_the_map() {
        let m = map();
        let text = xml::fragment(&m, &xml::EmitOptions::default());
        assert_eq!(check(&m, Output::Fragment(&text)), Ok(()));
    }

    #[test]
    fn a_tampered_output_is_caught_with_a_witness() {
        let m = map();
        let text = xml::fragment(&m, &xml::EmitOptions::default());
        // one group renamed in the text
        let tampered = text.replacen("write=\"app\"", "write=\"apps\"", 1);
        assert_ne!(tampered, text);
        let Err(Mismatch::Meaning(d)) = check(&m, Output::Fragment(&tampered)) else {
            panic!("not caught");
        };
        let lost = d
            .changes
            .iter()
            .find(|c| c.change == Direction::Lost)
            .expect("a loss");
        assert_eq!(
            (lost.group.as_str(), lost.right, lost.kind),
            ("app", crate::semantics::Right::Write, DestKind::Queue)
        );
        let shown = check(&m, Output::Fragment(&tampered))
            .expect_err("caught")
            .to_string();
        assert!(
            shown.contains("group `app` would lose write on queue"),
            "{shown}"
        );
        // the temp entry left out
        let start = text
            .find("<tempDestinationAuthorizationEntry>")
            .expect("temp");
        let end = text
            .rfind("</tempDestinationAuthorizationEntry>")
            .expect("temp end");
        let no_temp = format!(
            "{}{}",
            &text[..start],
            &text[end + "</tempDestinationAuthorizationEntry>".len()..]
        );
        assert!(matches!(
            check(&m, Output::Fragment(&no_temp)),
            Err(Mismatch::Meaning(d)) if !d.temp.is_empty()
        ));
        // not a configuration at all
        assert!(matches!(
            check(&m, Output::Config("<beans/>")),
            Err(Mismatch::Unreadable(_))
        ));
    }
}
