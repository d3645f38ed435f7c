//! Renderers: human (rustc style), concise (one line each) and JSON (a stable,
//! documented schema; see docs/json-schema.md). SARIF lives with the rule
//! registry, which it needs for rule metadata.

use super::{Counts, Diagnostic, Label, Severity};
use crate::source::{SourceFile, Sources};
use serde_json::{json, Value};
use std::fmt::Write as _;

/// Output formats for diagnostics.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    /// rustc-style snippets with carets, labels and help
    Human,
    /// one line per finding: `file:line:col: severity[CODE] message`
    Concise,
    /// a JSON document with a stable schema
    Json,
    /// SARIF 2.1.0, for code-scanning services
    Sarif,
    /// GitHub Actions workflow commands (`::error file=...::message`), shown
    /// as annotations on a pull request
    Github,
}

struct Style {
    on: bool,
}

impl Style {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
    fn severity(&self, s: Severity, text: &str) -> String {
        match s {
            Severity::Error => self.paint("1;31", text),
            Severity::Warning => self.paint("1;33", text),
            Severity::Note => self.paint("1;36", text),
        }
    }
    fn gutter(&self, text: &str) -> String {
        self.paint("1;34", text)
    }
    fn bold(&self, text: &str) -> String {
        self.paint("1", text)
    }
}

/// Render diagnostics for people. `color` adds ANSI colours.
pub(crate) fn human(diagnostics: &[Diagnostic], sources: &Sources, color: bool) -> String {
    let style = Style { on: color };
    let mut out = String::new();
    for d in diagnostics {
        render_one(&mut out, d, sources, &style);
        out.push('\n');
    }
    out
}

/// A one-line summary such as `2 errors, 1 warning`, or `None` when empty.
pub(crate) fn summary(diagnostics: &[Diagnostic]) -> Option<String> {
    let c = Counts::of(diagnostics);
    let mut parts = Vec::new();
    for (n, word) in [
        (c.errors, "error"),
        (c.warnings, "warning"),
        (c.notes, "note"),
    ] {
        if n > 0 {
            parts.push(format!("{n} {word}{}", if n == 1 { "" } else { "s" }));
        }
    }
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// The closing line of `check` and `audit` in human output, like ruff's and
/// cargo's: `2 errors, 3 warnings, 12 notes in 4 files` (`None` when there
/// is nothing to report). Under `--deny-warnings`, when warnings alone fail
/// the run, a second line says so.
pub(crate) fn closing(
    diagnostics: &[Diagnostic],
    files: usize,
    deny_warnings: bool,
) -> Option<String> {
    let counts = summary(diagnostics)?;
    let c = Counts::of(diagnostics);
    let mut s = format!(
        "{counts} in {files} file{}",
        if files == 1 { "" } else { "s" }
    );
    if deny_warnings && c.errors == 0 && c.warnings > 0 {
        s.push_str(&format!(
            "\nerror: the run failed on {} (--deny-warnings)",
            if c.warnings == 1 {
                "1 warning".to_string()
            } else {
                format!("{} warnings", c.warnings)
            }
        ));
    }
    Some(s)
}

fn location(label: &Label, sources: &Sources) -> Option<(String, usize, usize)> {
    let file = sources.get(label.source)?;
    let lc = file.line_col(label.span.start as usize);
    Some((file.name.clone(), lc.line, lc.col))
}

fn render_one(out: &mut String, d: &Diagnostic, sources: &Sources, style: &Style) {
    let head = format!("{}[{}]", d.severity, d.code.id);
    let _ = writeln!(
        out,
        "{}{}",
        style.severity(d.severity, &head),
        style.bold(&format!(": {}", d.message))
    );
    let primary = d.primary_label();
    let mut labels: Vec<&Label> = d.labels.iter().collect();
    // group by source, primary's source first, then by position
    let first_source = primary.map(|l| l.source);
    labels.sort_by_key(|l| {
        (
            Some(l.source) != first_source,
            l.source,
            l.span.start,
            !l.primary,
        )
    });
    let width = labels
        .iter()
        .filter_map(|l| {
            let f = sources.get(l.source)?;
            Some(f.line_col(l.span.start as usize).line.to_string().len())
        })
        .max()
        .unwrap_or(1);
    let pad = " ".repeat(width);
    let mut current_source = None;
    let mut last_line: Option<usize> = None;
    for label in &labels {
        let Some(file) = sources.get(label.source) else {
            continue;
        };
        if current_source != Some(label.source) {
            let head = primary
                .filter(|p| p.source == label.source)
                .unwrap_or(label);
            let (name, line, col) = location(head, sources).unwrap_or_default();
            let arrow = if current_source.is_none() {
                "-->"
            } else {
                ":::"
            };
            let _ = writeln!(out, "{pad}{} {name}:{line}:{col}", style.gutter(arrow));
            let _ = writeln!(out, "{pad} {}", style.gutter("|"));
            current_source = Some(label.source);
            last_line = None;
        }
        render_label(out, file, label, d.severity, width, &mut last_line, style);
    }
    if !labels.is_empty() && (d.help.is_some() || !d.notes.is_empty() || d.labels_omitted > 0) {
        let _ = writeln!(out, "{pad} {}", style.gutter("|"));
    }
    if d.labels_omitted > 0 {
        let n = d.labels_omitted;
        let _ = writeln!(
            out,
            "{pad} {} {}: {n} more related location{} not shown",
            style.gutter("="),
            style.bold("note"),
            if n == 1 { "" } else { "s" }
        );
    }
    for note in &d.notes {
        let _ = writeln!(
            out,
            "{pad} {} {}: {note}",
            style.gutter("="),
            style.bold("note")
        );
    }
    if let Some(help) = &d.help {
        let _ = writeln!(
            out,
            "{pad} {} {}: {help}",
            style.gutter("="),
            style.bold("help")
        );
    }
}

/// Tabs are shown as this many spaces (as rustc does), so that a caret line
/// and the source line above it line up whatever the terminal's tab stops.
const TAB: &str = "    ";

/// A source line as shown: tabs expanded.
fn expand_tabs(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains('\t') {
        text.replace('\t', TAB).into()
    } else {
        text.into()
    }
}

/// The terminal columns `text` takes once tabs are expanded: East Asian wide
/// characters and most emoji take two, combining marks none (Unicode's
/// width tables, through `unicode-width`).
///
/// The renderer is our own rather than annotate-snippets' (what rustc and
/// cargo use): both place carets by display width, but ours keeps the exact
/// layout its users and tests already read (label ordering, the `:::` lines
/// of other files, bounded label counts) and needs only the width tables.
fn columns(text: &str) -> usize {
    use unicode_width::UnicodeWidthStr;
    // control characters count one column, as the terminal's stand-in for them
    text.split('\t').map(UnicodeWidthStr::width).sum::<usize>()
        + TAB.len() * text.matches('\t').count()
}

fn render_label(
    out: &mut String,
    file: &SourceFile,
    label: &Label,
    severity: Severity,
    width: usize,
    last_line: &mut Option<usize>,
    style: &Style,
) {
    let start = label.span.start as usize;
    let line = file.line_index(start);
    let text = file.line_text(line);
    let line_start = file.line_start(line);
    if let Some(prev) = *last_line {
        if line > prev + 1 {
            let _ = writeln!(out, "{}", style.gutter("..."));
        }
    }
    // passwords never reach the screen: the line is shown masked, and the
    // marks below follow the mask
    let masked = super::mask::line(&file.name, text);
    let in_line = |offset: usize, end: bool| {
        masked.map(offset.saturating_sub(line_start).min(text.len()), end)
    };
    let text = masked.text();
    if *last_line != Some(line) {
        let shown = expand_tabs(text);
        let _ = writeln!(
            out,
            "{} {}",
            style.gutter(&format!("{:>width$} |", line + 1)),
            shown.trim_end()
        );
    }
    *last_line = Some(line);
    // columns on screen, not characters: the carets sit under the text
    // however wide its characters are
    let start_in_line = in_line(start, false);
    let col = text.get(..start_in_line).map_or(0, columns);
    let end = (label.span.end as usize).max(start);
    let end_in_line = in_line(end, true).max(start_in_line);
    let len = text
        .get(..end_in_line)
        .map_or(0, |through_end| columns(through_end).saturating_sub(col))
        .max(1);
    let mark = if label.primary { "^" } else { "-" };
    let marks = mark.repeat(len);
    let msg = label.message.as_deref().unwrap_or("");
    let body = format!("{}{} {}", " ".repeat(col), marks, msg);
    let body = body.trim_end();
    let painted = if label.primary {
        style.severity(severity, body)
    } else {
        style.gutter(body)
    };
    let _ = writeln!(
        out,
        "{} {}",
        style.gutter(&format!("{:width$} |", "")),
        painted
    );
}

/// Escape the message of a GitHub Actions workflow command.
pub(crate) fn github_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escape a property value (`file=`, `title=`) of a workflow command.
pub(crate) fn github_property(text: &str) -> String {
    github_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// A place for a workflow command: the file, and the start and end as
/// 1-based (line, column).
pub(crate) type GithubPlace<'a> = (&'a str, (usize, usize), (usize, usize));

/// One GitHub Actions workflow command: `::LEVEL PROPERTIES::MESSAGE`, the
/// level `error`, `warning` or `notice`; `location` is the file and the
/// start and end (line, column), when there is one.
pub(crate) fn github_command(
    level: &str,
    location: Option<GithubPlace>,
    title: &str,
    message: &str,
) -> String {
    let mut props = Vec::new();
    if let Some((file, (line, col), (end_line, end_col))) = location {
        props.push(format!("file={}", github_property(file)));
        props.push(format!("line={line}"));
        props.push(format!("col={col}"));
        props.push(format!("endLine={end_line}"));
        // GitHub reads endColumn as inclusive-exclusive alike on one line;
        // an empty span still marks one column
        if end_line == line {
            props.push(format!("endColumn={}", end_col.max(col + 1)));
        }
    }
    props.push(format!("title={}", github_property(title)));
    format!("::{level} {}::{}\n", props.join(","), github_data(message))
}

/// GitHub Actions workflow commands, one per diagnostic: errors as
/// `::error`, warnings as `::warning`, notes as `::notice`, at the primary
/// label; the help line follows the message.
pub(crate) fn github(diagnostics: &[Diagnostic], sources: &Sources) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let level = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "notice",
        };
        let place = d.primary_label().and_then(|l| {
            let file = sources.get(l.source)?;
            let a = file.line_col(l.span.start as usize);
            let b = file.line_col(l.span.end as usize);
            Some((file.name.as_str(), (a.line, a.col), (b.line, b.col)))
        });
        let mut message = d.message.clone();
        if let Some(help) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        let title = format!("{} {}", d.code.id, d.code.name);
        out.push_str(&github_command(level, place, &title, &message));
    }
    out
}

/// One line per diagnostic: `file:line:col: severity[CODE] message`.
pub(crate) fn concise(diagnostics: &[Diagnostic], sources: &Sources) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let loc = d
            .primary_label()
            .and_then(|l| location(l, sources))
            .map(|(f, l, c)| format!("{f}:{l}:{c}: "))
            .unwrap_or_default();
        let _ = writeln!(out, "{loc}{}[{}] {}", d.severity, d.code.id, d.message);
    }
    out
}

fn position(file: &SourceFile, offset: usize) -> Value {
    let lc = file.line_col(offset);
    json!({"line": lc.line, "column": lc.col, "offset": offset})
}

fn label_json(label: &Label, sources: &Sources) -> Value {
    let Some(file) = sources.get(label.source) else {
        return Value::Null;
    };
    json!({
        "file": file.name,
        "start": position(file, label.span.start as usize),
        "end": position(file, label.span.end as usize),
        "message": label.message,
        "primary": label.primary,
    })
}

/// The JSON value of one diagnostic (schema version 1).
pub(crate) fn diagnostic_json(d: &Diagnostic, sources: &Sources) -> Value {
    let primary = d.primary_label().map(|l| label_json(l, sources));
    let (file, start, end) = match &primary {
        Some(Value::Object(o)) => (
            o.get("file").cloned().unwrap_or(Value::Null),
            o.get("start").cloned().unwrap_or(Value::Null),
            o.get("end").cloned().unwrap_or(Value::Null),
        ),
        _ => (Value::Null, Value::Null, Value::Null),
    };
    let mut v = json!({
        "code": d.code.id,
        "name": d.code.name,
        "severity": d.severity,
        "message": d.message,
        "file": file,
        "start": start,
        "end": end,
        "labels": d.labels.iter().map(|l| label_json(l, sources)).collect::<Vec<_>>(),
        "help": d.help,
        "notes": d.notes,
    });
    // bounded lists: present only on the diagnostics that have them
    if let Some(obj) = v.as_object_mut() {
        if let Some(named) = &d.named {
            obj.insert(
                "named".into(),
                json!({"shown": named.shown, "total": named.total}),
            );
        }
        if d.labels_omitted > 0 {
            obj.insert("labels_omitted".into(), json!(d.labels_omitted));
        }
    }
    v
}

/// The JSON document: `{"version": 1, "diagnostics": [...], "summary": {...}}`.
pub(crate) fn json(diagnostics: &[Diagnostic], sources: &Sources) -> String {
    let c = Counts::of(diagnostics);
    let doc = json!({
        "version": 1,
        "diagnostics": diagnostics.iter().map(|d| diagnostic_json(d, sources)).collect::<Vec<_>>(),
        "summary": {"errors": c.errors, "warnings": c.warnings, "notes": c.notes},
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}
