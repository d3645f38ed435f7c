//! Diagnostics as data: a code, a severity, a message, labels pointing at
//! source spans, a help line and notes. Renderers live in submodules; only
//! they turn spans into lines and columns.

pub mod codes;
pub mod mask;
pub(crate) mod render;

use crate::source::{SourceId, Span};
use serde::Serialize;
use std::fmt;

/// How serious a finding is. `check` fails on errors (and on warnings under
/// `--deny-warnings`); notes never fail a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Note,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A stable diagnostic code (`MQA101`) with its kebab-case name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Code {
    pub id: &'static str,
    pub name: &'static str,
}

impl Code {
    /// The code's family, from the code table ([`codes::TABLE`]).
    pub fn family(self) -> Option<codes::Family> {
        codes::family(self)
    }
}

/// A span in a source file, with an optional message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub source: SourceId,
    pub span: Span,
    pub message: Option<String>,
    pub primary: bool,
}

/// How many principals or destinations a message names before it says
/// "and N more", and how many secondary labels a diagnostic carries.
pub const SHOWN: usize = 3;

/// The principals or destinations a message names: the first few shown and
/// how many there are in all, so that a message stays short however large
/// the policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Named {
    pub shown: Vec<String>,
    pub total: usize,
}

impl Named {
    /// `` `a`, `b`, `c` and 12 more `` (or `` `a`, `b` `` when all are shown).
    pub fn text(&self) -> String {
        let names: Vec<String> = self.shown.iter().map(|n| format!("`{n}`")).collect();
        let more = self.total.saturating_sub(self.shown.len());
        if more == 0 {
            names.join(", ")
        } else {
            format!("{} and {more} more", names.join(", "))
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    pub labels: Vec<Label>,
    pub help: Option<String>,
    pub notes: Vec<String>,
    /// The names the message lists, when it lists some (bounded).
    pub named: Option<Named>,
    /// Secondary labels left out to keep the diagnostic short.
    pub labels_omitted: usize,
}

impl Diagnostic {
    pub fn new(code: Code, severity: Severity, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            severity,
            message: message.into(),
            labels: Vec::new(),
            help: None,
            notes: Vec::new(),
            named: None,
            labels_omitted: 0,
        }
    }

    pub fn error(code: Code, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(code, Severity::Error, message)
    }

    pub fn warning(code: Code, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(code, Severity::Warning, message)
    }

    /// The primary label: the thing to change.
    pub fn primary(mut self, source: SourceId, span: Span, message: impl Into<String>) -> Self {
        let message = message.into();
        self.labels.push(Label {
            source,
            span,
            message: (!message.is_empty()).then_some(message),
            primary: true,
        });
        self
    }

    /// A secondary label: another party to the problem.
    pub(crate) fn secondary(
        mut self,
        source: SourceId,
        span: Span,
        message: impl Into<String>,
    ) -> Self {
        let message = message.into();
        self.labels.push(Label {
            source,
            span,
            message: (!message.is_empty()).then_some(message),
            primary: false,
        });
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    /// Record the names the message lists: the shown ones and the total.
    pub fn named(mut self, named: Named) -> Self {
        self.named = Some(named);
        self
    }

    /// Record how many secondary labels were left out.
    pub fn labels_omitted(mut self, n: usize) -> Self {
        self.labels_omitted = n;
        self
    }

    pub fn primary_label(&self) -> Option<&Label> {
        self.labels
            .iter()
            .find(|l| l.primary)
            .or(self.labels.first())
    }

    /// Sort key: source, position, code, message.
    fn sort_key(&self) -> (Option<(SourceId, u32, u32)>, &'static str, &str) {
        (
            self.primary_label()
                .map(|l| (l.source, l.span.start, l.span.end)),
            self.code.id,
            &self.message,
        )
    }
}

/// Sort diagnostics by position, so output is stable and reads top to bottom.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
}

/// Counts by severity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Counts {
    pub errors: usize,
    pub warnings: usize,
    pub notes: usize,
}

impl Counts {
    pub(crate) fn of(diagnostics: &[Diagnostic]) -> Counts {
        let mut c = Counts::default();
        for d in diagnostics {
            match d.severity {
                Severity::Error => c.errors += 1,
                Severity::Warning => c.warnings += 1,
                Severity::Note => c.notes += 1,
            }
        }
        c
    }
}
