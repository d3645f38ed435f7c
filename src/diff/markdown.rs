//! `mqauthz diff --format md`: a change review for a pull-request comment.
//!
//! The comment opens with a summary (how many groups gain and lose access,
//! how many destination patterns become writable), then lists new access
//! before removed access. Each direction has a table by destination
//! namespace (who gains or loses which right there) and a section per group
//! with every change: right, kind, pattern, an example destination and the
//! grant behind it (`file:line` of the policy statement or of the
//! configuration entry, on the side that grants the access).
//!
//! A section of more than [`FOLD_ROWS`] rows folds into `<details>`. The
//! whole comment stays within [`LIMIT`] bytes (so under GitHub's 65,536
//! characters): when the changes do not fit, the last ones are left out and
//! the comment says how many, and how to see them all. Removed access is
//! kept at least a third of the room when there is new access too.
//!
//! With the per-user changes of `diff --members`, the summary counts the
//! users who gain and lose access, and a "By user" section follows the
//! groups' sections: the users gaining access, then those losing it, each
//! change with its example and the grant behind it (the grant of one of
//! the user's groups, or of everyone). It keeps at least a quarter of the
//! room, and its changes left out are counted in the same note.
//!
//! The namespace of a pattern is its first segment (`ORDERS` for
//! `ORDERS.IN.>`), `ActiveMQ.Advisory` for the advisory topics, and
//! `(any)` for a pattern starting with a wildcard (`>`, `*.IN`), which
//! reaches into every namespace. Temporary destinations have their own
//! namespace `(temporary)`.

use super::{shown, Direction, MapDiff, Origin, UserDiff};
use crate::semantics::{DestKind, Right, RightSet, EVERYONE};
use crate::source::Sources;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

/// The most bytes of a comment: under GitHub's 65,536 characters with room
/// to spare for a line a workflow adds around it.
pub const LIMIT: usize = 65_000;

/// Sections with more rows than this fold into `<details>`.
pub const FOLD_ROWS: usize = 8;

/// Groups named in one cell of a namespace table before `+N more`.
const CELL_GROUPS: usize = 5;

/// What the review needs besides the difference: the two inputs' names as
/// the user gave them, and the sources their locations point into.
pub struct Sides<'a> {
    pub old: &'a str,
    pub new: &'a str,
    pub sources: &'a Sources,
}

/// The Markdown change review of `d`, within [`LIMIT`] bytes.
pub fn render_markdown(d: &MapDiff, sides: &Sides) -> String {
    render_markdown_within(d, None, sides, LIMIT)
}

/// [`render_markdown`] with the per-user changes of `diff --members`: a
/// "By user" section after the groups' sections.
pub fn render_markdown_with_users(d: &MapDiff, users: Option<&UserDiff>, sides: &Sides) -> String {
    render_markdown_within(d, users, sides, LIMIT)
}

/// One change, or several of one group that differ only in the right, as a
/// row of the group's section.
struct Row<'d> {
    group: &'d str,
    direction: Direction,
    /// `queue`, `topic` or `temp`.
    kind: &'static str,
    /// The first right (the order of the rows).
    right: Right,
    rights: RightSet,
    /// How many changes the row stands for.
    count: usize,
    namespace: Namespace,
    /// Pattern and example (none for temp).
    pattern: Option<(&'d str, &'d str)>,
    grant: Origin,
}

/// A namespace, ordered: wildcard-led patterns first, then by name,
/// temporary destinations last.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Namespace {
    Any,
    Named(String),
    Temporary,
}

impl Namespace {
    fn of(pattern: &str) -> Namespace {
        const ADVISORY: &str = "ActiveMQ.Advisory";
        if pattern
            .strip_prefix(ADVISORY)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
        {
            return Namespace::Named(ADVISORY.to_string());
        }
        let first = pattern.split('.').next().unwrap_or_default();
        if first == "*" || first == ">" {
            Namespace::Any
        } else {
            Namespace::Named(first.to_string())
        }
    }

    fn cell(&self) -> String {
        match self {
            Namespace::Any => "(any)".to_string(),
            Namespace::Named(n) => code(n),
            Namespace::Temporary => "(temporary)".to_string(),
        }
    }
}

fn kind_rank(kind: &str) -> u8 {
    match kind {
        "queue" => 0,
        "topic" => 1,
        _ => 2,
    }
}

/// A row for one change of `who` on a queue or topic pattern.
fn destination_row<'d>(
    who: &'d str,
    direction: Direction,
    kind: DestKind,
    right: Right,
    (pattern, example): (&'d str, &'d str),
    grant: Origin,
) -> Row<'d> {
    Row {
        group: who,
        direction,
        kind: kind.as_str(),
        right,
        rights: RightSet::of(right),
        count: 1,
        namespace: Namespace::of(pattern),
        pattern: Some((pattern, example)),
        grant,
    }
}

/// A row for one change of `who` on temporary destinations.
fn temp_row(who: &str, direction: Direction, right: Right, grant: Origin) -> Row<'_> {
    Row {
        group: who,
        direction,
        kind: "temp",
        right,
        rights: RightSet::of(right),
        count: 1,
        namespace: Namespace::Temporary,
        pattern: None,
        grant,
    }
}

/// The rows of one direction, by group (everyone first, then by name), then
/// namespace, kind, pattern, right; the changes of a group on one pattern
/// with the same example and grant share a row.
fn rows(d: &MapDiff, direction: Direction) -> Vec<Row<'_>> {
    let changes = d.changes.iter().filter(|c| c.change == direction).map(|c| {
        destination_row(
            &c.group,
            direction,
            c.kind,
            c.right,
            (&c.pattern, &c.example),
            c.grant,
        )
    });
    let temp = (d.temp.iter())
        .filter(|c| c.change == direction)
        .map(|c| temp_row(&c.group, direction, c.right, c.grant));
    merge(changes.chain(temp).collect())
}

/// The rows of one direction of the per-user changes, by user, in the order
/// of [`rows`].
fn user_rows(d: &UserDiff, direction: Direction) -> Vec<Row<'_>> {
    let changes = d.changes.iter().filter(|c| c.change == direction).map(|c| {
        destination_row(
            &c.user,
            direction,
            c.kind,
            c.right,
            (&c.pattern, &c.example),
            c.grant,
        )
    });
    let temp = (d.temp.iter())
        .filter(|c| c.change == direction)
        .map(|c| temp_row(&c.user, direction, c.right, c.grant));
    merge(changes.chain(temp).collect())
}

/// Sort rows and let the changes of one principal on one pattern with the
/// same example and grant share a row.
fn merge(mut out: Vec<Row<'_>>) -> Vec<Row<'_>> {
    out.sort_by(|a, b| {
        (a.group != EVERYONE, a.group)
            .cmp(&(b.group != EVERYONE, b.group))
            .then_with(|| a.namespace.cmp(&b.namespace))
            .then_with(|| kind_rank(a.kind).cmp(&kind_rank(b.kind)))
            .then_with(|| a.pattern.map(|p| p.0).cmp(&b.pattern.map(|p| p.0)))
            .then_with(|| a.right.cmp(&b.right))
            .then_with(|| a.pattern.cmp(&b.pattern))
    });
    let mut merged: Vec<Row> = Vec::with_capacity(out.len());
    for r in out {
        match merged.last_mut() {
            Some(last)
                if last.group == r.group
                    && last.kind == r.kind
                    && last.pattern == r.pattern
                    && last.grant == r.grant =>
            {
                last.rights = last.rights.union(r.rights);
                last.count += r.count;
            }
            _ => merged.push(r),
        }
    }
    merged
}

/// Markdown text: escaped so that names cannot start markup or HTML.
fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' | '|' | '*' | '_' | '`' | '[' | ']' | '#' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' | '\r' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

/// Inline code, safe against backticks and table pipes.
fn code(s: &str) -> String {
    let t = s.replace('|', "\\|").replace(['\n', '\r'], " ");
    if t.contains('`') {
        format!("`` {t} ``")
    } else {
        format!("`{t}`")
    }
}

/// A path as a shell word: quoted when it holds anything but plain characters.
fn shell(path: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "/._-+,:@%=".contains(c);
    if !path.is_empty() && path.chars().all(plain) {
        path.to_string()
    } else {
        format!("'{}'", path.replace('\'', "'\\''"))
    }
}

fn group_text(group: &str) -> String {
    if group == EVERYONE {
        "**everyone**".to_string()
    } else {
        text(shown(group))
    }
}

/// Text for a principal inside HTML (`<summary>`).
fn group_html(group: &str) -> String {
    shown(group)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The grant behind a row, on the side that grants the access.
fn grant_cell(row: &Row, sides: &Sides) -> String {
    let file = match row.direction {
        Direction::Gained => sides.new,
        Direction::Lost => sides.old,
    };
    match row.grant {
        Origin::At(loc) => match sides.sources.get(loc.source) {
            Some(f) => {
                let line = f.line_col(loc.span.start as usize).line;
                code(&format!("{}:{line}", f.name))
            }
            None => code(file),
        },
        Origin::DefaultEntry => format!("`defaultEntry` of {}", code(file)),
        Origin::TempEntry => format!("temp entry of {}", code(file)),
        Origin::NoTempEntry => format!("no temp entry in {} (open to every user)", code(file)),
        Origin::Unknown => code(file),
    }
}

fn row_line(row: &Row, sides: &Sides) -> String {
    let (pattern, example) = match row.pattern {
        Some((p, e)) => (code(p), code(e)),
        None => ("every temporary destination".to_string(), "-".to_string()),
    };
    let rights: Vec<&str> = row.rights.iter().map(Right::as_str).collect();
    format!(
        "| {} | {} | {pattern} | {example} | {} |\n",
        rights.join(", "),
        row.kind,
        grant_cell(row, sides)
    )
}

/// `n` with thousands separated: `12,345`.
fn number(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{} {many}", number(n))
    }
}

/// `everyone and 2 groups`, `1 group`, `everyone`.
fn who(groups: &BTreeSet<&str>) -> String {
    let everyone = groups.contains(EVERYONE);
    let named = groups.len() - usize::from(everyone);
    match (everyone, named) {
        (true, 0) => "everyone".to_string(),
        (true, n) => format!("everyone and {}", plural(n, "group", "groups")),
        (false, n) => plural(n, "group", "groups"),
    }
}

/// The summary sentence.
fn summary(gains: &[Row], losses: &[Row]) -> String {
    let mut parts = Vec::new();
    let gaining: BTreeSet<&str> = gains.iter().map(|r| r.group).collect();
    let losing: BTreeSet<&str> = losses.iter().map(|r| r.group).collect();
    if !gaining.is_empty() {
        let verb = if gaining.len() == 1 { "gains" } else { "gain" };
        parts.push(format!("{} {verb} access", who(&gaining)));
    }
    if !losing.is_empty() {
        let verb = if losing.len() == 1 { "loses" } else { "lose" };
        parts.push(format!("{} {verb} access", who(&losing)));
    }
    let writable: BTreeSet<(&str, &str)> = gains
        .iter()
        .filter(|r| r.rights.contains(Right::Write))
        .map(|r| (r.kind, r.pattern.map_or("", |(p, _)| p)))
        .collect();
    if !writable.is_empty() {
        parts.push(format!(
            "{} newly writable",
            plural(
                writable.len(),
                "destination pattern",
                "destination patterns"
            )
        ));
    }
    let mut s = parts.join(", ");
    if let Some(first) = s.get(..1) {
        let upper = first.to_uppercase();
        s.replace_range(..1, &upper);
    }
    s
}

/// One direction's part of the comment, bounded.
struct Part {
    text: String,
    /// Changes left out.
    omitted: usize,
}

/// Render `rows` (one direction) in at most `room` bytes.
fn part(rows: &[Row], direction: Direction, sides: &Sides, room: usize) -> Part {
    let mut out = String::new();
    if rows.is_empty() {
        return Part {
            text: out,
            omitted: 0,
        };
    }
    let title = match direction {
        Direction::Gained => "New access",
        Direction::Lost => "Removed access",
    };
    let changes: usize = rows.iter().map(|r| r.count).sum();
    let _ = writeln!(
        out,
        "\n### {title} ({})\n",
        plural(changes, "change", "changes")
    );
    if out.len() > room {
        return Part {
            text: String::new(),
            omitted: changes,
        };
    }

    // by namespace: who gains (loses) which right where
    let mut spaces: BTreeMap<(&Namespace, u8), [BTreeSet<&str>; 3]> = BTreeMap::new();
    for r in rows {
        let cell = &mut spaces.entry((&r.namespace, kind_rank(r.kind))).or_default();
        for (i, right) in Right::ALL.into_iter().enumerate() {
            if r.rights.contains(right) {
                cell[i].insert(r.group);
            }
        }
    }
    let mut table =
        String::from("| namespace | kind | read | write | admin |\n|---|---|---|---|---|\n");
    // the table takes at most half the room: the changes come first
    let table_room = (room / 2).saturating_sub(out.len() + 128);
    let mut listed = 0;
    for ((ns, kind), cells) in &spaces {
        let kind = match kind {
            0 => "queue",
            1 => "topic",
            _ => "temp",
        };
        let cell = |set: &BTreeSet<&str>| -> String {
            if set.is_empty() {
                return "-".to_string();
            }
            let mut names: Vec<String> = set
                .iter()
                .take(CELL_GROUPS)
                .map(|g| group_text(g))
                .collect();
            if set.len() > CELL_GROUPS {
                names.push(format!("+{} more", number(set.len() - CELL_GROUPS)));
            }
            names.join(", ")
        };
        let line = format!(
            "| {} | {kind} | {} | {} | {} |\n",
            ns.cell(),
            cell(&cells[0]),
            cell(&cells[1]),
            cell(&cells[2])
        );
        if table.len() + line.len() > table_room {
            break;
        }
        table.push_str(&line);
        listed += 1;
    }
    if listed < spaces.len() {
        let _ = writeln!(
            table,
            "| … | {} more | | | |",
            plural(spaces.len() - listed, "namespace", "namespaces")
        );
    }
    if listed > FOLD_ROWS {
        let _ = write!(
            out,
            "<details><summary>By namespace: {}</summary>\n\n{table}\n</details>\n",
            plural(spaces.len(), "namespace", "namespaces")
        );
    } else if listed > 0 {
        out.push_str("By namespace:\n\n");
        out.push_str(&table);
    }

    // by group: every change with its example and grant
    let omitted = sections(rows, sides, room, &mut out, |g| {
        (text(shown(g)), group_html(g))
    });
    Part { text: out, omitted }
}

/// A section per principal of `rows` (a group, or a user), appended to
/// `out` while it stays within `room` bytes; `label` gives a principal's
/// heading in Markdown and in HTML (a folded section's summary). Returns
/// how many changes were left out.
fn sections(
    rows: &[Row],
    sides: &Sides,
    room: usize,
    out: &mut String,
    label: impl Fn(&str) -> (String, String),
) -> usize {
    let mut omitted = 0;
    let mut full = false;
    let mut rest = rows;
    while let Some(first) = rest.first() {
        let n = rest.iter().take_while(|r| r.group == first.group).count();
        let (mine, after) = rest.split_at(n);
        rest = after;
        let count: usize = mine.iter().map(|r| r.count).sum();
        if full {
            omitted += count;
            continue;
        }
        let fold = mine.len() > FOLD_ROWS;
        let (heading, html) = label(first.group);
        let mut section = if fold {
            format!(
                "\n<details><summary><b>{html}</b>: {}</summary>\n\n",
                plural(count, "change", "changes")
            )
        } else {
            format!("\n#### {heading}\n\n")
        };
        section.push_str("| rights | kind | pattern | e.g. | grant |\n|---|---|---|---|---|\n");
        let close = if fold { "\n</details>\n" } else { "" };
        let mut shown_rows = 0;
        let mut shown_changes = 0;
        for r in mine {
            let line = row_line(r, sides);
            if out.len() + section.len() + line.len() + close.len() > room {
                full = true;
                break;
            }
            section.push_str(&line);
            shown_rows += 1;
            shown_changes += r.count;
        }
        omitted += count - shown_changes;
        if shown_rows > 0 {
            out.push_str(&section);
            out.push_str(close);
        }
    }
    omitted
}

/// One direction of the per-user changes, in at most `room` bytes: a line
/// naming it, then a section per user.
fn user_part(rows: &[Row], direction: Direction, sides: &Sides, room: usize) -> Part {
    let changes: usize = rows.iter().map(|r| r.count).sum();
    if rows.is_empty() {
        return Part {
            text: String::new(),
            omitted: 0,
        };
    }
    let title = match direction {
        Direction::Gained => "Users gaining access",
        Direction::Lost => "Users losing access",
    };
    let mut out = format!(
        "\n**{title}** ({}):\n",
        plural(changes, "change", "changes")
    );
    if out.len() > room {
        return Part {
            text: String::new(),
            omitted: changes,
        };
    }
    let omitted = sections(rows, sides, room, &mut out, |u| {
        (format!("user {}", code(u)), format!("user {}", html(u)))
    });
    Part { text: out, omitted }
}

/// The "By user" section: gains before losses, losses keeping at least a
/// third of the room when there are both.
fn users_section(gains: &[Row], losses: &[Row], sides: &Sides, room: usize) -> Part {
    let head = "\n### By user\n";
    let mut text = head.to_string();
    if gains.is_empty() && losses.is_empty() {
        text.push_str("\nNo user gains or loses access.\n");
        return Part { text, omitted: 0 };
    }
    let room = room.saturating_sub(head.len());
    let first_losses = user_part(losses, Direction::Lost, sides, room / 3);
    let gained = user_part(
        gains,
        Direction::Gained,
        sides,
        room.saturating_sub(first_losses.text.len()),
    );
    let lost = if gained.omitted == 0 {
        user_part(
            losses,
            Direction::Lost,
            sides,
            room.saturating_sub(gained.text.len()),
        )
    } else {
        first_losses
    };
    if gained.text.is_empty() && lost.text.is_empty() {
        return Part {
            text: String::new(),
            omitted: gained.omitted + lost.omitted,
        };
    }
    text.push_str(&gained.text);
    text.push_str(&lost.text);
    Part {
        text,
        omitted: gained.omitted + lost.omitted,
    }
}

/// `2 users gain access, 1 user loses access`, or that none does.
fn users_summary(gains: &[Row], losses: &[Row]) -> String {
    let gaining: BTreeSet<&str> = gains.iter().map(|r| r.group).collect();
    let losing: BTreeSet<&str> = losses.iter().map(|r| r.group).collect();
    let mut parts = Vec::new();
    if !gaining.is_empty() {
        let verb = if gaining.len() == 1 { "gains" } else { "gain" };
        parts.push(format!(
            "{} {verb} access",
            plural(gaining.len(), "user", "users")
        ));
    }
    if !losing.is_empty() {
        let verb = if losing.len() == 1 { "loses" } else { "lose" };
        parts.push(format!(
            "{} {verb} access",
            plural(losing.len(), "user", "users")
        ));
    }
    if parts.is_empty() {
        "no user gains or loses access".to_string()
    } else {
        parts.join(", ")
    }
}

/// Text inside HTML (`<summary>`).
fn html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// [`render_markdown`] within `limit` bytes (at least a few hundred); with
/// `users`, the per-user changes follow the groups' sections.
pub fn render_markdown_within(
    d: &MapDiff,
    users: Option<&UserDiff>,
    sides: &Sides,
    limit: usize,
) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "## Access changes: {} → {}\n",
        code(sides.old),
        code(sides.new)
    );
    let gains = rows(d, Direction::Gained);
    let losses = rows(d, Direction::Lost);
    if gains.is_empty() && losses.is_empty() {
        out.push_str("No access changes: both grant the same.\n");
        return out;
    }
    let user_gains = users.map(|u| user_rows(u, Direction::Gained));
    let user_losses = users.map(|u| user_rows(u, Direction::Lost));
    match (&user_gains, &user_losses) {
        (Some(ug), Some(ul)) => {
            let _ = writeln!(
                out,
                "**{}; {}.**",
                summary(&gains, &losses),
                users_summary(ug, ul)
            );
        }
        _ => {
            let _ = writeln!(out, "**{}.**", summary(&gains, &losses));
        }
    }
    if gains.iter().chain(&losses).any(|r| r.group == EVERYONE) {
        out.push_str(
            "\n**everyone** is every user holding a group; a group's own rows list only what changes for it beyond everyone's access.\n",
        );
    }
    // the note on what was left out, written once its numbers are known
    const NOTE_ROOM: usize = 600;
    let whole = limit.saturating_sub(out.len() + NOTE_ROOM);
    // the per-user section keeps at least a quarter of the room
    let user_room = if users.is_some() { whole / 4 } else { 0 };
    let room = whole - user_room;
    // removed access keeps at least a third of the room
    let first_losses = part(&losses, Direction::Lost, sides, room / 3);
    let gained = part(
        &gains,
        Direction::Gained,
        sides,
        room.saturating_sub(first_losses.text.len()),
    );
    let lost = if gained.omitted == 0 {
        part(
            &losses,
            Direction::Lost,
            sides,
            room.saturating_sub(gained.text.len()),
        )
    } else {
        first_losses
    };
    let by_user = match (&user_gains, &user_losses) {
        (Some(ug), Some(ul)) => users_section(
            ug,
            ul,
            sides,
            whole.saturating_sub(gained.text.len() + lost.text.len()),
        ),
        _ => Part {
            text: String::new(),
            omitted: 0,
        },
    };
    let omitted = gained.omitted + lost.omitted + by_user.omitted;
    if omitted > 0 {
        let total: usize = gains
            .iter()
            .chain(&losses)
            .chain(user_gains.iter().flatten())
            .chain(user_losses.iter().flatten())
            .map(|r| r.count)
            .sum();
        let _ = writeln!(
            out,
            "\n> [!NOTE]\n> {} of {} {} not shown: the comment would be too long. \
             {} lists them all, one per line ({} for a program).",
            plural(omitted, "change", "changes"),
            number(total),
            if omitted == 1 { "is" } else { "are" },
            code(&format!(
                "mqauthz diff {} {}",
                shell(sides.old),
                shell(sides.new)
            )),
            code("--format json")
        );
    }
    out.push_str(&gained.text);
    out.push_str(&lost.text);
    out.push_str(&by_user.text);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_namespaces() {
        assert_eq!(number(0), "0");
        assert_eq!(number(999), "999");
        assert_eq!(number(1000), "1,000");
        assert_eq!(number(199_351), "199,351");
        assert_eq!(number(1_234_567), "1,234,567");
        assert_eq!(
            Namespace::of("ORDERS.IN.>"),
            Namespace::Named("ORDERS".into())
        );
        assert_eq!(Namespace::of("ORDERS"), Namespace::Named("ORDERS".into()));
        assert_eq!(Namespace::of(">"), Namespace::Any);
        assert_eq!(Namespace::of("*.IN"), Namespace::Any);
        assert_eq!(
            Namespace::of("ActiveMQ.Advisory.Connection"),
            Namespace::Named("ActiveMQ.Advisory".into())
        );
        assert_eq!(
            Namespace::of("ActiveMQ.DLQ"),
            Namespace::Named("ActiveMQ".into())
        );
    }

    #[test]
    fn a_long_change_is_cut_with_a_note() {
        use crate::diff::{Change, TempChange};
        let sources = Sources::new();
        let sides = Sides {
            old: "a.mqa",
            new: "b.mqa",
            sources: &sources,
        };
        let change = |group: &str, n: usize, change: Direction| Change {
            group: group.to_string(),
            right: Right::Write,
            kind: DestKind::Queue,
            change,
            pattern: format!("Q{n:03}.>"),
            example: format!("Q{n:03}.X"),
            class: None,
            composite: false,
            grant: Origin::Unknown,
        };
        let mut d = MapDiff::default();
        for n in 0..300 {
            d.changes.push(change("g", n, Direction::Gained));
        }
        for n in 0..50 {
            d.changes.push(change("h", n, Direction::Lost));
        }
        d.temp.push(TempChange {
            group: EVERYONE.to_string(),
            right: Right::Read,
            change: Direction::Lost,
            class: None,
            grant: Origin::NoTempEntry,
        });
        let whole = render_markdown_within(&d, None, &sides, LIMIT);
        assert!(!whole.contains("not shown"), "{whole}");
        assert!(whole.contains("<details><summary><b>g</b>: 300 changes</summary>"));
        let cut = render_markdown_within(&d, None, &sides, 8_000);
        assert!(cut.len() <= 8_000, "{}", cut.len());
        let note = cut.lines().find(|l| l.contains("not shown")).expect("note");
        let shown = cut.lines().filter(|l| l.starts_with("| write |")).count();
        assert!(
            note.contains(&format!(
                "> {} changes of 351 are not shown",
                351 - shown - 1
            )),
            "{note}"
        );
        assert!(note.contains("`mqauthz diff a.mqa b.mqa`"), "{note}");
        // new access comes first, removed access keeps a part of the room
        let (gained, lost) = (cut.find("### New access"), cut.find("### Removed access"));
        assert!(gained < lost && lost.is_some(), "{cut}");
        assert!(cut.contains("| read | temp |"), "{cut}");
        // the folded section is closed
        assert_eq!(
            cut.matches("<details>").count(),
            cut.matches("</details>").count()
        );
    }

    #[test]
    fn the_user_section_stays_within_the_limit() {
        use crate::diff::{Change, UserChange, UserTempChange};
        let sources = Sources::new();
        let sides = Sides {
            old: "a.mqa",
            new: "b.mqa",
            sources: &sources,
        };
        let mut d = MapDiff::default();
        let mut users = UserDiff::default();
        for n in 0..400 {
            let (pattern, example) = (format!("Q{n:03}.>"), format!("Q{n:03}.X"));
            d.changes.push(Change {
                group: "g".to_string(),
                right: Right::Read,
                kind: DestKind::Queue,
                change: Direction::Gained,
                pattern: pattern.clone(),
                example: example.clone(),
                grant: Origin::Unknown,
                class: None,
                composite: false,
            });
            for u in ["u1", "u2", "u3"] {
                users.changes.push(UserChange {
                    user: u.to_string(),
                    right: Right::Read,
                    kind: DestKind::Queue,
                    change: Direction::Gained,
                    pattern: pattern.clone(),
                    example: example.clone(),
                    grant: Origin::Unknown,
                });
            }
        }
        users.temp.push(UserTempChange {
            user: "u9".to_string(),
            right: Right::Write,
            change: Direction::Lost,
            grant: Origin::TempEntry,
        });
        let md = render_markdown_within(&d, Some(&users), &sides, 12_000);
        assert!(md.len() <= 12_000, "{}", md.len());
        assert!(
            md.contains("**1 group gains access; 3 users gain access, 1 user loses access.**"),
            "{md}"
        );
        // the user section has its room, the loss of a user is kept
        let by_user = md.find("### By user").expect("by user");
        assert!(
            md[by_user..].contains("<b>user u1</b>: 400 changes"),
            "{md}"
        );
        assert!(md[by_user..].contains("**Users losing access** (1 change)"));
        assert!(md[by_user..].contains(
            "| write | temp | every temporary destination | - | temp entry of `a.mqa` |"
        ));
        // the note counts the users' changes left out with the groups'
        let shown = md.lines().filter(|l| l.starts_with("| read |")).count() + 1;
        let note = md.lines().find(|l| l.contains("not shown")).expect("note");
        assert!(
            note.contains(&format!(
                "> {} changes of 1,601 are not shown",
                number(1_601 - shown)
            )),
            "{note}"
        );
        assert_eq!(
            md.matches("<details>").count(),
            md.matches("</details>").count()
        );
        // without users: no section, and no room kept for it
        let plain = render_markdown_within(&d, None, &sides, 12_000);
        assert!(!plain.contains("By user") && !plain.contains("users"));
    }

    #[test]
    fn escaping() {
        assert_eq!(text("a|b_c<d>"), "a\\|b\\_c&lt;d&gt;");
        assert_eq!(code("a`b|c"), "`` a`b\\|c ``");
        assert_eq!(shell("a/b.xml"), "a/b.xml");
        assert_eq!(shell("my file.xml"), "'my file.xml'");
        assert_eq!(shell("it's.xml"), "'it'\\''s.xml'");
    }
}
