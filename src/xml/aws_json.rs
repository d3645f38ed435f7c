//! Configurations given as AWS CLI JSON (`aws mq
//! describe-configuration-revision`): the XML is base64 in the `Data`
//! field; the rest of the object is kept, field order included, so a merge
//! can write the same JSON back with new `Data`.

use super::config::{root_format, ConfigDoc, ConfigFormat};
use super::parse::{bom_len, parse_xml, Locator};
use super::{INVALID_CONFIG_DATA, INVALID_CONFIG_JSON};
use crate::diagnostics::Diagnostic;
use crate::source::{SourceFile, SourceId, Span};
use std::sync::Arc;

/// The JSON wrapper of an AWS CLI configuration.
#[derive(Clone, Debug, PartialEq)]
pub struct AwsJson {
    /// The whole JSON object, field order kept.
    pub object: serde_json::Map<String, serde_json::Value>,
    /// Span of the `Data` string literal in the JSON text.
    pub data_span: Span,
    /// The format of the decoded XML (never `AwsJson`).
    pub inner: Box<ConfigFormat>,
}

/// Find the span of the string literal that is the value of top-level key
/// `key` in a JSON object text (best effort; `None` when not found).
fn json_string_span(text: &str, key: &str) -> Option<Span> {
    let needle = format!("\"{key}\"");
    let mut from = 0;
    while let Some(k) = text[from..].find(&needle) {
        let after = from + k + needle.len();
        let rest = &text[after..];
        let colon = rest.len() - rest.trim_start().len();
        if rest[colon..].starts_with(':') {
            let v = &rest[colon + 1..];
            let ws = v.len() - v.trim_start().len();
            let vstart = after + colon + 1 + ws;
            if text[vstart..].starts_with('"') {
                let bytes = text.as_bytes();
                let mut i = vstart + 1;
                while i < bytes.len() {
                    match bytes[i] {
                        b'\\' => i += 2,
                        b'"' => return Some(Span::new(vstart, i + 1)),
                        _ => i += 1,
                    }
                }
            }
            return Some(Span::new(vstart, text.len()));
        }
        from = after;
    }
    None
}

fn json_error(id: SourceId, file: &SourceFile, span: Span, message: String) -> Diagnostic {
    Diagnostic::error(INVALID_CONFIG_JSON, message)
        .primary(id, span, "")
        .help("give an AWS CLI configuration JSON (`aws mq describe-configuration-revision`) with the base64 XML in `Data`, or the XML itself")
        .note(format!("in `{}`", file.name))
}

pub(super) fn parse_json(id: SourceId, file: &SourceFile) -> Result<ConfigDoc, Vec<Diagnostic>> {
    let text = &file.text;
    let base = bom_len(text);
    let whole = Span::new(base, text.len());
    let value: serde_json::Value = match serde_json::from_str(&text[base..]) {
        Ok(v) => v,
        Err(e) => {
            let line = e.line().saturating_sub(1);
            let first_line_base = if line == 0 { base } else { 0 };
            let at = (file.line_start(line) + first_line_base + e.column().saturating_sub(1))
                .min(text.len());
            return Err(vec![json_error(
                id,
                file,
                Span::new(at, at),
                format!("the configuration is not valid JSON: {e}"),
            )]);
        }
    };
    let serde_json::Value::Object(object) = value else {
        return Err(vec![json_error(
            id,
            file,
            whole,
            "the configuration JSON is not an object".into(),
        )]);
    };
    let data_span = json_string_span(text, "Data").unwrap_or(whole);
    let data = match object.get("Data") {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(_) => {
            return Err(vec![json_error(
                id,
                file,
                data_span,
                "the `Data` field is not a string".into(),
            )])
        }
        None => {
            return Err(vec![json_error(
                id,
                file,
                whole,
                "the configuration JSON has no `Data` field".into(),
            )])
        }
    };
    use base64::Engine;
    let engine = base64::engine::GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        base64::engine::GeneralPurposeConfig::new()
            .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
    );
    let compact: String = data.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    let bytes = engine.decode(compact.as_bytes()).map_err(|e| {
        vec![Diagnostic::error(
            INVALID_CONFIG_DATA,
            format!("the `Data` field is not valid base64: {e}"),
        )
        .primary(id, data_span, "")
        .help(
            "`Data` holds the XML encoded with standard base64, e.g. `base64 --wrap=0 broker.xml`",
        )]
    })?;
    let xml = String::from_utf8(bytes).map_err(|e| {
        vec![Diagnostic::error(
            INVALID_CONFIG_DATA,
            format!("the XML decoded from `Data` is not UTF-8: {e}"),
        )
        .primary(id, data_span, "")
        .help("encode the configuration as UTF-8 before base64")]
    })?;
    let xml: Arc<str> = Arc::from(xml);
    let loc = Locator {
        id,
        json_data: Some(data_span),
        xml: &xml,
    };
    let skeleton = parse_xml(&xml, &loc)?;
    let mut doc = ConfigDoc::from_skeleton(id, Arc::clone(&xml), skeleton, None, &loc)?;
    let inner = root_format(&doc);
    doc.format = ConfigFormat::AwsJson(AwsJson {
        object,
        data_span,
        inner: Box::new(inner),
    });
    Ok(doc)
}
