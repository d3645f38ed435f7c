//! A line-based unified diff for the `--check` modes, in diff(1)'s format:
//! hunks of three lines of context, `@@ -l,s +l,s @@` headers (`-l` alone for
//! one line), and `\ No newline at end of file` after a last line that has
//! none. Lines are matched by `similar` (Myers' algorithm, O((N+M)·D)); when
//! two large texts differ throughout, the differing middle is shown as one
//! removed and one added block instead, so the time stays bounded.
//! Optionally coloured as `diff --color` colours a terminal: file headers
//! bold, hunk headers cyan, removed lines red, added lines green.

use similar::{Algorithm, DiffOp};
use std::fmt::Write as _;

const CONTEXT: usize = 3;
/// Above this many line pairs in the differing middle (10,000 by 10,000
/// lines: Myers' worst case there is about a second) the middle is shown as
/// one removed and one added block.
const MYERS_LIMIT: usize = 100_000_000;

/// A unified diff of `old` and `new`, or an empty string when they are equal.
#[cfg(test)]
pub(crate) fn unified(old: &str, new: &str, old_name: &str, new_name: &str) -> String {
    unified_colored(old, new, old_name, new_name, false)
}

/// A unified diff of `old` and `new`, or an empty string when they are
/// equal, with ANSI colours when `color` is set.
pub(crate) fn unified_colored(
    old: &str,
    new: &str,
    old_name: &str,
    new_name: &str,
    color: bool,
) -> String {
    if old == new {
        return String::new();
    }
    let a: Vec<&str> = old.split_inclusive('\n').collect();
    let b: Vec<&str> = new.split_inclusive('\n').collect();
    let ops = diff_ops(&a, &b);
    let paint = Paint { on: color };
    let mut out = String::new();
    paint.line(&mut out, Paint::HEADER, &format!("--- {old_name}"));
    paint.line(&mut out, Paint::HEADER, &format!("+++ {new_name}"));
    for group in similar::group_diff_ops(ops, CONTEXT) {
        let (Some(first), Some(last)) = (group.first(), group.last()) else {
            continue;
        };
        let header = format!(
            "@@ -{} +{} @@",
            range(first.old_range().start, last.old_range().end),
            range(first.new_range().start, last.new_range().end)
        );
        paint.line(&mut out, Paint::HUNK, &header);
        for op in &group {
            for (sign, style, lines, at, all) in [
                ('-', Paint::DELETE, &a, op.old_range(), a.len()),
                (' ', Paint::NONE, &a, op.old_range(), a.len()),
                ('+', Paint::INSERT, &b, op.new_range(), b.len()),
            ] {
                let wanted = match op {
                    DiffOp::Equal { .. } => sign == ' ',
                    DiffOp::Delete { .. } => sign == '-',
                    DiffOp::Insert { .. } => sign == '+',
                    DiffOp::Replace { .. } => sign != ' ',
                };
                if !wanted {
                    continue;
                }
                for i in at {
                    let line = lines[i];
                    let body = line.strip_suffix('\n').unwrap_or(line);
                    let body = body.strip_suffix('\r').unwrap_or(body);
                    paint.line(&mut out, style, &format!("{sign}{body}"));
                    if i + 1 == all && !line.ends_with('\n') {
                        out.push_str("\\ No newline at end of file\n");
                    }
                }
            }
        }
    }
    out
}

/// diff(1)'s hunk range: `start,len` counted from 1, `start` alone for one
/// line, and the line before for an empty range.
fn range(start: usize, end: usize) -> String {
    let len = end.saturating_sub(start);
    match len {
        1 => format!("{}", start + 1),
        0 => format!("{start},0"),
        _ => format!("{},{len}", start + 1),
    }
}

/// The edit script: the common head and tail kept, the middle matched by
/// Myers' algorithm, or shown as a whole when it is large and unlike.
fn diff_ops(a: &[&str], b: &[&str]) -> Vec<DiffOp> {
    let head = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let tail = a[head..]
        .iter()
        .rev()
        .zip(b[head..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (am, bm) = (a.len() - head - tail, b.len() - head - tail);
    if am.saturating_mul(bm) <= MYERS_LIMIT {
        return similar::capture_diff_slices(Algorithm::Myers, a, b);
    }
    let mut ops = Vec::new();
    if head > 0 {
        ops.push(DiffOp::Equal {
            old_index: 0,
            new_index: 0,
            len: head,
        });
    }
    if am > 0 {
        ops.push(DiffOp::Delete {
            old_index: head,
            old_len: am,
            new_index: head,
        });
    }
    if bm > 0 {
        ops.push(DiffOp::Insert {
            old_index: head + am,
            new_index: head,
            new_len: bm,
        });
    }
    if tail > 0 {
        ops.push(DiffOp::Equal {
            old_index: head + am,
            new_index: head + bm,
            len: tail,
        });
    }
    ops
}

struct Paint {
    on: bool,
}

impl Paint {
    const NONE: anstyle::Style = anstyle::Style::new();
    const HEADER: anstyle::Style = anstyle::Style::new().bold();
    const HUNK: anstyle::Style = anstyle::AnsiColor::Cyan.on_default();
    const DELETE: anstyle::Style = anstyle::AnsiColor::Red.on_default();
    const INSERT: anstyle::Style = anstyle::AnsiColor::Green.on_default();

    fn line(&self, out: &mut String, style: anstyle::Style, text: &str) {
        if self.on && style != Self::NONE {
            let _ = writeln!(out, "{}{text}{}", style.render(), style.render_reset());
        } else {
            out.push_str(text);
            out.push('\n');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_shows_one_hunk() {
        let d = unified("a\nb\nc\n", "a\nB\nc\n", "old", "new");
        assert_eq!(d, "--- old\n+++ new\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n");
        assert_eq!(unified("x\n", "x\n", "o", "n"), "");
    }

    #[test]
    fn missing_final_newline_is_marked_as_diff_does() {
        let d = unified("a\nb", "a\nb\n", "old", "new");
        assert_eq!(
            d,
            "--- old\n+++ new\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n"
        );
        let d = unified("a\n", "a\nc", "old", "new");
        assert_eq!(
            d,
            "--- old\n+++ new\n@@ -1 +1,2 @@\n a\n+c\n\\ No newline at end of file\n"
        );
    }

    #[test]
    fn one_line_and_empty_ranges_as_diff_writes_them() {
        assert_eq!(
            unified("", "x\n", "o", "n"),
            "--- o\n+++ n\n@@ -0,0 +1 @@\n+x\n"
        );
    }

    #[test]
    fn colours_like_diff_on_a_terminal() {
        let d = unified_colored("a\nb\n", "a\nc\n", "o", "n", true);
        assert!(
            d.starts_with("\x1b[1m--- o\x1b[0m\n\x1b[1m+++ n\x1b[0m\n"),
            "{d:?}"
        );
        assert!(d.contains("\x1b[36m@@ -1,2 +1,2 @@\x1b[0m\n"), "{d:?}");
        assert!(
            d.contains(" a\n\x1b[31m-b\x1b[0m\n\x1b[32m+c\x1b[0m\n"),
            "{d:?}"
        );
    }

    #[test]
    fn a_large_unlike_middle_is_one_block() {
        let old: String = (0..12_000).map(|i| format!("o{i}\n")).collect();
        let new: String = (0..12_000).map(|i| format!("n{i}\n")).collect();
        let d = unified(&old, &new, "o", "n");
        assert!(d.starts_with("--- o\n+++ n\n@@ -1,12000 +1,12000 @@\n-o0\n"));
        assert_eq!(d.lines().count(), 3 + 24_000);
    }
}
