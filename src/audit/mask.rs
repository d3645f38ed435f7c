//! Passwords are never printed: the text audit registers for a file has
//! every password replaced by `***`, and spans found in the original text
//! are moved onto the masked one before findings are rendered.

use crate::diagnostics::Diagnostic;
use crate::source::{SourceId, Span};
use std::collections::BTreeMap;

/// What a password reads as in every output.
pub const MASK: &str = "***";

/// The masked spans of each source whose text was masked.
#[derive(Clone, Debug, Default)]
pub struct Masks {
    /// Per source: the spans of the original text that were replaced by
    /// [`MASK`], sorted and disjoint.
    per_source: BTreeMap<SourceId, Vec<Span>>,
}

/// `text` with each of `spans` (sorted, disjoint, within the text; values
/// spanning a line end are left as they are) replaced by [`MASK`], and the
/// spans actually replaced.
pub fn mask(text: &str, spans: &[Span]) -> (String, Vec<Span>) {
    let mut spans: Vec<Span> = spans
        .iter()
        .copied()
        .filter(|s| {
            !s.is_empty()
                && text
                    .get(s.range())
                    .is_some_and(|t| !t.contains(['\n', '\r']))
        })
        .collect();
    spans.sort();
    spans.dedup_by(|b, a| b.start < a.end);
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for s in &spans {
        out.push_str(&text[at..s.start as usize]);
        out.push_str(MASK);
        at = s.end as usize;
    }
    out.push_str(&text[at..]);
    (out, spans)
}

impl Masks {
    /// Record the spans [`mask`] replaced in the text registered as `id`.
    pub fn add(&mut self, id: SourceId, spans: Vec<Span>) {
        if !spans.is_empty() {
            self.per_source.insert(id, spans);
        }
    }

    /// An offset of the original text of `id` in the masked text.
    fn offset(&self, id: SourceId, offset: u32) -> u32 {
        let Some(spans) = self.per_source.get(&id) else {
            return offset;
        };
        let mask_len = MASK.len() as u32;
        let mut shift: i64 = 0;
        for s in spans {
            if offset >= s.end {
                shift += i64::from(mask_len) - i64::from(s.end - s.start);
            } else if offset > s.start {
                let inside = (offset - s.start).min(mask_len);
                return (i64::from(s.start) + shift + i64::from(inside)).max(0) as u32;
            } else {
                break;
            }
        }
        (i64::from(offset) + shift).max(0) as u32
    }

    /// A span of the original text of `id` on the masked text.
    pub fn span(&self, id: SourceId, span: Span) -> Span {
        let start = self.offset(id, span.start);
        let end = self.offset(id, span.end).max(start);
        Span { start, end }
    }

    /// Move every label of `diagnostics` onto the masked texts.
    pub fn apply(&self, diagnostics: &mut [Diagnostic]) {
        if self.per_source.is_empty() {
            return;
        }
        for d in diagnostics {
            for l in &mut d.labels {
                l.span = self.span(l.source, l.span);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::codes;

    #[test]
    fn masks_and_moves_spans() {
        let text = "a=secret\nb=pw\nc=1";
        let (masked, spans) = mask(text, &[Span::new(2, 8), Span::new(11, 13)]);
        assert_eq!(masked, "a=***\nb=***\nc=1");
        let mut masks = Masks::default();
        masks.add(SourceId(0), spans);
        let mut d = vec![
            crate::diagnostics::Diagnostic::error(codes::SYNTAX_ERROR, "x")
                .primary(SourceId(0), Span::new(14, 17), "")
                .secondary(SourceId(0), Span::new(9, 13), ""),
        ];
        masks.apply(&mut d);
        assert_eq!(&masked[d[0].labels[0].span.range()], "c=1");
        assert_eq!(&masked[d[0].labels[1].span.range()], "b=***");
    }
}
