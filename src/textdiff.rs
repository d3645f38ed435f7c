//! A line-based unified diff, for `--check` modes. The common head and tail
//! are skipped first, so a change in one region of a large file costs time
//! proportional to the file plus the changed region.

use std::fmt::Write as _;

const CONTEXT: usize = 3;
/// Above this many cells the middle is shown as one removed and one added block.
const LCS_LIMIT: usize = 4_000_000;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Op {
    Keep,
    Del,
    Add,
}

/// A unified diff of `old` and `new`, or an empty string when they are equal.
pub(crate) fn unified(old: &str, new: &str, old_name: &str, new_name: &str) -> String {
    if old == new {
        return String::new();
    }
    let a: Vec<&str> = old.split_inclusive('\n').collect();
    let b: Vec<&str> = new.split_inclusive('\n').collect();
    let head = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let tail = a[head..]
        .iter()
        .rev()
        .zip(b[head..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (am, bm) = (&a[head..a.len() - tail], &b[head..b.len() - tail]);
    let mut ops: Vec<(Op, &str)> = a[..head].iter().map(|l| (Op::Keep, *l)).collect();
    ops.extend(middle(am, bm));
    ops.extend(a[a.len() - tail..].iter().map(|l| (Op::Keep, *l)));

    let mut out = format!("--- {old_name}\n+++ {new_name}\n");
    // group changes into hunks with context
    let changed: Vec<usize> = (0..ops.len()).filter(|&i| ops[i].0 != Op::Keep).collect();
    let mut i = 0;
    while i < changed.len() {
        let start = changed[i].saturating_sub(CONTEXT);
        let mut end = changed[i];
        let mut j = i;
        while j < changed.len() && changed[j] <= end + 2 * CONTEXT + 1 {
            end = changed[j];
            j += 1;
        }
        let end = (end + CONTEXT + 1).min(ops.len());
        let (mut ol, mut nl) = (0, 0);
        for (op, _) in &ops[..start] {
            match op {
                Op::Keep => {
                    ol += 1;
                    nl += 1;
                }
                Op::Del => ol += 1,
                Op::Add => nl += 1,
            }
        }
        let oc = ops[start..end]
            .iter()
            .filter(|(o, _)| *o != Op::Add)
            .count();
        let nc = ops[start..end]
            .iter()
            .filter(|(o, _)| *o != Op::Del)
            .count();
        let _ = writeln!(out, "@@ -{},{oc} +{},{nc} @@", ol + 1, nl + 1);
        for (op, line) in &ops[start..end] {
            let sign = match op {
                Op::Keep => ' ',
                Op::Del => '-',
                Op::Add => '+',
            };
            out.push(sign);
            out.push_str(line.trim_end_matches(['\n', '\r']));
            out.push('\n');
        }
        i = j;
    }
    out
}

fn middle<'a>(a: &[&'a str], b: &[&'a str]) -> Vec<(Op, &'a str)> {
    if a.len().saturating_mul(b.len()) > LCS_LIMIT {
        let mut v: Vec<(Op, &str)> = a.iter().map(|l| (Op::Del, *l)).collect();
        v.extend(b.iter().map(|l| (Op::Add, *l)));
        return v;
    }
    // LCS table from the end
    let (n, m) = (a.len(), b.len());
    let mut t = vec![0u32; (n + 1) * (m + 1)];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            t[i * (m + 1) + j] = if a[i] == b[j] {
                t[(i + 1) * (m + 1) + j + 1] + 1
            } else {
                t[(i + 1) * (m + 1) + j].max(t[i * (m + 1) + j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut v = Vec::new();
    while i < n && j < m {
        if a[i] == b[j] {
            v.push((Op::Keep, a[i]));
            i += 1;
            j += 1;
        } else if t[(i + 1) * (m + 1) + j] >= t[i * (m + 1) + j + 1] {
            v.push((Op::Del, a[i]));
            i += 1;
        } else {
            v.push((Op::Add, b[j]));
            j += 1;
        }
    }
    v.extend(a[i..].iter().map(|l| (Op::Del, *l)));
    v.extend(b[j..].iter().map(|l| (Op::Add, *l)));
    v
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
}
