//! The canonical form of a policy (`mqauthz fmt`): one statement per line with
//! single spaces, comments and single blank lines kept, a statement with a
//! comment inside it broken at that comment, the input's line ends, and one
//! line end at the end of the file.

use crate::ast::{Comment, PolicyFile, Statement};
use crate::source::SourceFile;

/// Continuation indent for a statement broken at an inner comment.
const INDENT: &str = "    ";

enum Item<'a> {
    /// Index into the file's statements.
    Statement(usize),
    Comment(&'a Comment),
}

/// Format a parsed file. The file must have parsed without errors; a file
/// with errors is never formatted.
pub fn format(source: &SourceFile, file: &PolicyFile) -> String {
    let text = &*source.text;
    let eol = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let mut out = String::new();
    if text.starts_with('\u{feff}') {
        out.push('\u{feff}');
    }

    // Split comments into inner (inside a statement), trailing (after a
    // statement on its last line) and free-standing ones.
    let mut items: Vec<Item> = Vec::new();
    let mut inner: Vec<Vec<&Comment>> = vec![Vec::new(); file.statements.len()];
    let mut trailing: Vec<Option<&Comment>> = vec![None; file.statements.len()];
    let mut si = 0;
    for comment in &file.comments {
        let at = comment.span.start as usize;
        while si < file.statements.len() && (file.statements[si].span.end as usize) < at {
            si += 1;
        }
        // `si` is the first statement ending at or after the comment.
        if let Some(s) = file.statements.get(si) {
            if (s.span.start as usize) < at && at < s.span.end as usize {
                inner[si].push(comment);
                continue;
            }
        }
        if !comment.own_line && si > 0 {
            let prev = &file.statements[si - 1];
            let prev_end_line = source.line_index((prev.span.end as usize).saturating_sub(1));
            if prev_end_line == source.line_index(at) && trailing[si - 1].is_none() {
                trailing[si - 1] = Some(comment);
                continue;
            }
        }
        items.push(Item::Comment(comment));
    }
    items.extend((0..file.statements.len()).map(Item::Statement));
    let start = |item: &Item| match item {
        Item::Statement(i) => file.statements[*i].span.start as usize,
        Item::Comment(c) => c.span.start as usize,
    };
    items.sort_by_key(start);

    let mut prev_end: Option<usize> = None;
    for item in &items {
        if let Some(end) = prev_end {
            let gap = text.get(end..start(item)).unwrap_or("");
            if gap.matches('\n').count() >= 2 {
                out.push_str(eol);
            }
        }
        match item {
            Item::Comment(c) => {
                out.push_str(&c.text);
                out.push_str(eol);
                prev_end = Some(c.span.end as usize);
            }
            Item::Statement(i) => {
                let i = *i;
                let s = &file.statements[i];
                write_statement(&mut out, source, s, &inner[i], eol);
                let mut end = s.span.end as usize;
                if let Some(c) = trailing[i] {
                    out.push(' ');
                    out.push_str(&c.text);
                    end = c.span.end as usize;
                }
                out.push_str(eol);
                prev_end = Some(end);
            }
        }
    }
    out
}

fn write_statement(
    out: &mut String,
    source: &SourceFile,
    s: &Statement,
    inner: &[&Comment],
    eol: &str,
) {
    let mut comments = inner.iter().peekable();
    let mut line_empty = true;
    for (i, token) in s.tokens.iter().enumerate() {
        let text = source.slice(token.span);
        if i > 0 && text != "," && !line_empty {
            out.push(' ');
        }
        out.push_str(text);
        line_empty = false;
        let next_start = s
            .tokens
            .get(i + 1)
            .map_or(usize::MAX, |t| t.span.start as usize);
        let mut broke = false;
        while let Some(c) = comments.next_if(|c| (c.span.start as usize) < next_start) {
            out.push(' ');
            out.push_str(&c.text);
            out.push_str(eol);
            out.push_str(INDENT);
            broke = true;
        }
        if broke {
            line_empty = true;
        }
    }
}
