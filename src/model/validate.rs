//! Validation of destination patterns and group names (language reference,
//! "Names" and "Destination patterns"). Each problem carries a message, the
//! byte range inside the value it concerns, and help.

use std::ops::Range;

/// A problem found in a name or pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Problem {
    pub message: String,
    /// Byte range inside the value (unescaped text) the problem concerns.
    pub range: Option<Range<usize>>,
    pub help: String,
}

fn problem(
    message: impl Into<String>,
    range: Option<Range<usize>>,
    help: impl Into<String>,
) -> Problem {
    Problem {
        message: message.into(),
        range,
        help: help.into(),
    }
}

pub(crate) use crate::semantics::MAX_SEGMENTS;

/// Check a destination pattern as written (`quoted` tells whether it was a
/// string). Returns every problem found.
pub(crate) fn pattern(value: &str, quoted: bool) -> Vec<Problem> {
    let mut out = Vec::new();
    if value.is_empty() {
        out.push(problem(
            "empty destination pattern",
            None,
            "write a destination name or pattern, such as `ORDERS.>`",
        ));
        return out;
    }
    if !quoted {
        if let Some(p) = prefix_problem(value) {
            out.push(p);
            return out;
        }
    }
    if quoted && value.trim() != value {
        out.push(problem(
            format!("pattern `{value}` has whitespace at its start or end"),
            None,
            "ActiveMQ trims destination names, so the spaces would be lost; remove them",
        ));
    }
    if let Some(i) = value.find(',') {
        out.push(problem(
            format!("pattern `{value}` contains a comma"),
            Some(i..i + 1),
            "ActiveMQ reads a comma as a composite destination; list the patterns separately: `queue A, B`",
        ));
        return out;
    }
    if let Some((i, c)) = value.char_indices().find(|(_, c)| c.is_control()) {
        out.push(problem(
            format!("pattern contains the control character {c:?}"),
            Some(i..i + c.len_utf8()),
            "destination names hold printable characters only",
        ));
    }
    if let Some(count) = crate::semantics::pattern::too_many_segments(value) {
        out.push(problem(
            format!("pattern has {count} segments, more than the {MAX_SEGMENTS} mqauthz accepts"),
            None,
            "no real destination has this many segments; check the pattern",
        ));
        return out;
    }
    let segments: Vec<(usize, &str)> = {
        let mut v = Vec::new();
        let mut start = 0;
        for seg in value.split('.') {
            v.push((start, seg));
            start += seg.len() + 1;
        }
        v
    };
    let last = segments.len() - 1;
    for (n, (start, seg)) in segments.iter().enumerate() {
        let range = *start..*start + seg.len();
        if seg.is_empty() {
            let what = if n == 0 {
                "starts with `.`"
            } else if n == last {
                "ends with `.`"
            } else {
                "has an empty segment (`..`)"
            };
            out.push(problem(
                format!("pattern `{value}` {what}"),
                Some(if seg.is_empty() && *start > 0 { start - 1..*start } else { range.clone() }),
                "segments are separated by single dots and may not be empty; `FOO.>` also matches `FOO` itself",
            ));
            continue;
        }
        if *seg == ">" {
            if n != last {
                out.push(problem(
                    format!("`>` must be the last segment of `{value}`"),
                    Some(range),
                    "`>` matches all further segments, so nothing may follow it; use `*` for exactly one segment",
                ));
            }
            continue;
        }
        if *seg == "*" || quoted {
            continue;
        }
        if seg.contains('*') || seg.contains('>') {
            let wildcard = if seg.contains('*') { '*' } else { '>' };
            let stem = seg.trim_end_matches(['*', '>']);
            let suggestion = if !stem.is_empty() && !stem.contains(['*', '>']) {
                let mut v = value[..*start].to_string();
                v.push_str(stem);
                v.push('.');
                v.push(wildcard);
                format!("`{v}`")
            } else {
                "a whole segment".to_string()
            };
            out.push(problem(
                format!("`{wildcard}` inside the segment `{seg}` of `{value}`"),
                Some(range),
                format!(
                    "wildcards are whole segments: write {suggestion}, or quote the pattern (`\"{value}\"`) if a literal `{wildcard}` is meant"
                ),
            ));
        }
    }
    out
}

/// ActiveMQ's destination prefixes. They mean a kind only inside a
/// composite destination; on their own they are part of the name.
const PREFIXES: &[(&str, &str)] = &[
    ("queue://", "queue"),
    ("topic://", "topic"),
    ("temp-queue://", "temp"),
    ("temp-topic://", "temp"),
];

/// A bare pattern written with a `queue://`-style prefix.
fn prefix_problem(value: &str) -> Option<Problem> {
    let (prefix, kind) = PREFIXES.iter().find(|(p, _)| {
        value
            .get(..p.len())
            .is_some_and(|h| h.eq_ignore_ascii_case(p))
    })?;
    let name = &value[prefix.len()..];
    let instead = if *kind == "temp" {
        "`temp` (every temporary destination)".to_string()
    } else {
        format!("`{kind} {name}`")
    };
    Some(problem(
        format!("the prefix `{}` is not part of the name `{value}`", &value[..prefix.len()]),
        Some(0..prefix.len()),
        format!(
            "the kind is the word before the pattern: write {instead}. Written like this it names a destination literally called `{value}`; quote it (`\"{value}\"`) if that is meant"
        ),
    ))
}

/// Check a group name as written.
pub(crate) fn group_name(value: &str) -> Vec<Problem> {
    let mut out = Vec::new();
    if value.is_empty() {
        out.push(problem(
            "empty group name",
            None,
            "write the group's name; ActiveMQ ignores empty names",
        ));
        return out;
    }
    if value == "*" {
        out.push(problem(
            "`*` is not a group name",
            None,
            "ActiveMQ reads `*` as every user; write `everyone` for that",
        ));
    }
    if value.trim() != value {
        out.push(problem(
            format!("group name `{value}` has whitespace at its start or end"),
            None,
            "ActiveMQ trims group names, so the spaces would be lost; remove them",
        ));
    }
    if let Some(i) = value.find(',') {
        out.push(problem(
            format!("group name `{value}` contains a comma"),
            Some(i..i + 1),
            "ActiveMQ splits group lists on commas, so this would name two groups; rename the group",
        ));
    }
    if let Some((i, c)) = value
        .char_indices()
        .find(|(_, c)| matches!(c, '"' | '<' | '>' | '&') || c.is_control())
    {
        out.push(problem(
            format!("group name `{}` contains {c:?}", value.escape_debug()),
            Some(i..i + c.len_utf8()),
            "group names may not hold `\"`, `<`, `>`, `&` or control characters",
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns() {
        assert!(pattern("ORDERS.>", false).is_empty());
        assert!(pattern("*.A", false).is_empty());
        assert!(pattern("ORD*", true).is_empty());
        assert_eq!(pattern("", false).len(), 1);
        assert_eq!(pattern("FOO..BAR", false).len(), 1);
        assert_eq!(pattern(".FOO", false).len(), 1);
        assert_eq!(pattern("FOO.", false).len(), 1);
        assert_eq!(pattern("FOO.>.BAR", false).len(), 1);
        assert_eq!(pattern("FOO>", false).len(), 1);
        assert_eq!(pattern("ORD*", false).len(), 1);
        assert!(pattern("ORD*", false)[0].help.contains("`ORD.*`"));
        assert_eq!(pattern("A,B", true).len(), 1);
        assert_eq!(pattern(" A", true).len(), 1);
        assert_eq!(pattern("FOO.>.BAR", true).len(), 1);
        assert!(pattern("queue://X", false)[0].help.contains("`queue X`"));
        assert!(pattern("topic://A.>", false)[0]
            .help
            .contains("`topic A.>`"));
        assert!(pattern("temp-queue://X", false)[0].help.contains("`temp`"));
        assert!(pattern("queue://X", true).is_empty());
        assert!(pattern("my-queue://X", false).is_empty());
        // not a char boundary where a prefix would end
        assert!(pattern("queu€€", false).is_empty());
    }

    #[test]
    fn group_names() {
        assert!(group_name("ops team").is_empty());
        assert_eq!(group_name("").len(), 1);
        assert_eq!(group_name("*").len(), 1);
        assert_eq!(group_name(" a").len(), 1);
        assert_eq!(group_name("a,b").len(), 1);
        assert_eq!(group_name("a<b").len(), 1);
    }
}
