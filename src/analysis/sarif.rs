//! SARIF 2.1.0 output, as code-scanning services accept it: one run, the
//! tool's rules with their documentation, one result per diagnostic.

use super::registry::RULES;
use crate::diagnostics::{Code, Diagnostic, Label, Severity};
use crate::source::Sources;
use serde_json::{json, Value};

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

fn rule_descriptors() -> Vec<(Code, Value)> {
    let mut out: Vec<(Code, Value)> = super::registry::other_codes()
        .into_iter()
        .map(|c| {
            (
                c,
                json!({
                    "id": c.id,
                    "name": c.name,
                    "shortDescription": {"text": c.name.replace('-', " ")},
                    "defaultConfiguration": {"level": "error"},
                }),
            )
        })
        .collect();
    for rule in RULES {
        let m = rule.meta();
        out.push((
            m.code,
            json!({
                "id": m.code.id,
                "name": m.code.name,
                "shortDescription": {"text": m.summary},
                "fullDescription": {"text": m.summary},
                "help": {"text": m.docs, "markdown": m.docs},
                "defaultConfiguration": {"level": level(m.severity)},
                "properties": {"tags": ["security", "activemq"]},
            }),
        ));
    }
    out.sort_by_key(|(c, _)| c.id);
    out
}

fn location(label: &Label, sources: &Sources) -> Option<Value> {
    let file = sources.get(label.source)?;
    let start = file.line_col(label.span.start as usize);
    let end = file.line_col(label.span.end as usize);
    let mut loc = json!({
        "physicalLocation": {
            "artifactLocation": {"uri": file.name.replace('\\', "/")},
            "region": {
                "startLine": start.line,
                "startColumn": start.col,
                "endLine": end.line,
                "endColumn": end.col.max(start.col + usize::from(start.line == end.line && end.col == start.col)),
            }
        }
    });
    if let (Some(msg), Some(obj)) = (&label.message, loc.as_object_mut()) {
        obj.insert("message".into(), json!({"text": msg}));
    }
    Some(loc)
}

/// Render diagnostics as a SARIF 2.1.0 log.
pub(crate) fn render(diagnostics: &[Diagnostic], sources: &Sources) -> String {
    let rules = rule_descriptors();
    let results: Vec<Value> = diagnostics
        .iter()
        .map(|d| {
            let index = rules.iter().position(|(c, _)| c.id == d.code.id);
            let mut text = d.message.clone();
            if let Some(help) = &d.help {
                text.push_str("\nhelp: ");
                text.push_str(help);
            }
            let primary: Vec<Value> = d
                .primary_label()
                .and_then(|l| location(l, sources))
                .into_iter()
                .collect();
            let related: Vec<Value> = d
                .labels
                .iter()
                .filter(|l| !l.primary)
                .enumerate()
                .filter_map(|(i, l)| {
                    let mut v = location(l, sources)?;
                    v.as_object_mut()?.insert("id".into(), json!(i));
                    Some(v)
                })
                .collect();
            let mut r = json!({
                "ruleId": d.code.id,
                "level": level(d.severity),
                "message": {"text": text},
                "locations": primary,
            });
            if let Some(obj) = r.as_object_mut() {
                if let Some(i) = index {
                    obj.insert("ruleIndex".into(), json!(i));
                }
                if !related.is_empty() {
                    obj.insert("relatedLocations".into(), json!(related));
                }
            }
            r
        })
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "mqauthz",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules.into_iter().map(|(_, v)| v).collect::<Vec<_>>(),
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}
