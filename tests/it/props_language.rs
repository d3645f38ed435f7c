//! Property tests of the language core: the parser never panics, `fmt` is
//! idempotent and formatting never changes a policy's meaning.

use mqauthz::load;
use mqauthz::model::{Policy, TargetKind, Who};
use mqauthz::source::{SourceFile, Sources};
use proptest::prelude::*;

fn front(text: &str) -> (Sources, load::Front) {
    let mut sources = Sources::new();
    let id = sources.add(SourceFile::new("p.mqa", text));
    let front = load::front_end(&sources, id, Vec::new());
    (sources, front)
}

/// A policy's meaning without spans: groups, grants and assertions.
fn meaning(p: &Policy) -> String {
    let name = |w: Who| p.group_name(w).to_string();
    let mut out = String::new();
    for g in &p.groups {
        out.push_str(&format!("group {} {:?}\n", g.name, g.description));
    }
    let target = |k: &TargetKind| format!("{k:?}");
    for g in &p.grants {
        let who: Vec<_> = g.principals.iter().map(|r| name(r.who)).collect();
        let targets: Vec<_> = g.targets.iter().map(|t| target(&t.kind)).collect();
        out.push_str(&format!("grant {who:?} {:?} {targets:?}\n", g.right_set()));
    }
    for a in &p.assertions {
        let who: Vec<_> = a.principals.iter().map(|r| name(r.who)).collect();
        out.push_str(&format!(
            "assert {:?} {who:?} {:?} {}\n",
            a.kind,
            a.rights,
            target(&a.target.kind)
        ));
    }
    out
}

fn group() -> impl Strategy<Value = String> {
    prop::sample::select(vec!["ops", "app", "\"ops team\"", "svc-1", "a.b"])
        .prop_map(str::to_string)
}

fn pattern() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        ">",
        "A",
        "A.>",
        "A.*.B",
        "*.X",
        "\"R&D.>\"",
        "ORDERS.IN",
        "$x:y/z@w",
    ])
    .prop_map(str::to_string)
}

fn sep() -> impl Strategy<Value = String> {
    prop::sample::select(vec![" ", "  ", "\n", " # note\n  ", "\t", "\r\n "])
        .prop_map(str::to_string)
}

fn statement() -> impl Strategy<Value = Vec<String>> {
    let rights = prop::sample::subsequence(vec!["read", "write", "admin", "all"], 1..=3);
    let targets = prop::collection::vec(
        prop_oneof![
            (
                prop::sample::select(vec!["queue", "topic"]),
                prop::collection::vec(pattern(), 1..3)
            )
                .prop_map(|(k, ps)| format!("{k} {}", ps.join(", "))),
            Just("temp".to_string()),
            Just("advisory".to_string()),
        ],
        1..3,
    );
    prop_oneof![
        (
            prop::collection::vec(group(), 1..3),
            rights.clone(),
            targets
        )
            .prop_map(|(g, r, t)| {
                vec![
                    "grant".into(),
                    g.join(" , "),
                    r.join(","),
                    "on".into(),
                    t.join(", "),
                ]
            }),
        (
            group(),
            prop::sample::select(vec!["can", "cannot"]),
            rights,
            pattern()
        )
            .prop_map(|(g, c, r, p)| vec![
                "assert".into(),
                g,
                c.into(),
                r.join(", "),
                format!("queue {p}")
            ]),
    ]
}

fn policy_text() -> impl Strategy<Value = String> {
    (prop::collection::vec((statement(), sep()), 0..6), sep()).prop_map(|(stmts, s)| {
        let mut text = String::from(
            "group ops \"operators\"\ngroup app\ngroup \"ops team\"\ngroup svc-1\ngroup a.b\n",
        );
        for (tokens, sep) in stmts {
            text.push_str(&tokens.join(&sep));
            text.push('\n');
        }
        text.push_str(&s);
        text
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn parser_never_panics_on_arbitrary_text(text in "\\PC*") {
        let _ = front(&text);
    }

    #[test]
    fn parser_never_panics_on_bytes(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let mut sources = Sources::new();
        let mut diags = Vec::new();
        let id = load::add_source(&mut sources, "p".into(), bytes, &mut diags);
        let _ = load::front_end(&sources, id, diags);
    }

    #[test]
    fn parser_never_panics_on_mutations(text in policy_text(), cuts in prop::collection::vec((any::<prop::sample::Index>(), prop::sample::select(vec!["", "\"", ",", "#", ".", ">", "*", "on", "\n", "\\"])), 1..4)) {
        let mut t = text.clone();
        for (i, ins) in cuts {
            let mut at = i.index(t.len() + 1);
            while !t.is_char_boundary(at) { at -= 1; }
            let end = (at + 2).min(t.len());
            let end = if t.is_char_boundary(end) { end } else { at };
            t.replace_range(at..end, ins);
        }
        let (sources, f) = front(&t);
        // every diagnostic points inside the file
        for d in &f.diagnostics {
            for l in &d.labels {
                prop_assert!(l.span.end as usize <= sources.get(l.source).map_or(0, |s| s.text.len()));
            }
        }
    }

    #[test]
    fn fmt_is_idempotent_and_keeps_meaning(text in policy_text()) {
        let (sources, f) = front(&text);
        prop_assert!(f.diagnostics.is_empty(), "{:?}", f.diagnostics);
        let once = mqauthz::fmt::format(sources.get(f.id).expect("file"), &f.ast);
        let (sources2, f2) = front(&once);
        prop_assert!(f2.diagnostics.is_empty(), "{once}\n{:?}", f2.diagnostics);
        let twice = mqauthz::fmt::format(sources2.get(f2.id).expect("file"), &f2.ast);
        prop_assert_eq!(&once, &twice);
        prop_assert_eq!(meaning(&f.policy), meaning(&f2.policy));
    }
}
