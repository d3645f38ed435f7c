//! Property test of the per-user answers: for random policies and
//! memberships, `explain --user` equals the union over the user's groups of
//! `explain --group` (each of which includes `everyone`), and a user without
//! groups (a `simpleAuthenticationPlugin` or Amazon MQ user) gets nothing,
//! not even `everyone`'s grants. Checked on queues, topics, temporary
//! destinations and the "everything they may do" listing.

use mqauthz::explain::{explain, Explanation, Question, Subject, UserQuestion};
use mqauthz::pipeline::Loaded;
use mqauthz::semantics::DestKind;
use mqauthz::source::{SourceFile, Sources};
use proptest::prelude::*;
use std::collections::BTreeSet;

const GROUPS: &[&str] = &["g1", "g2", "g3", "ops"];
const SEGMENTS: &[&str] = &["A", "B", "C"];

fn pattern() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(prop::sample::select(SEGMENTS), 1..3),
        0..4u8,
    )
        .prop_map(|(segs, tail)| {
            let mut s = segs.join(".");
            match tail {
                0 => s.push_str(".>"),
                1 => s.push_str(".*"),
                _ => {}
            }
            s
        })
}

fn grant() -> impl Strategy<Value = String> {
    (
        prop::collection::btree_set(0..GROUPS.len() + 1, 1..3),
        prop::collection::btree_set(0..3usize, 1..4),
        prop::bool::ANY,
        pattern(),
        0..8u8,
    )
        .prop_map(|(who, rights, queue, pattern, temp)| {
            let who: Vec<&str> = who
                .into_iter()
                .map(|i| GROUPS.get(i).copied().unwrap_or("everyone"))
                .collect();
            let rights: Vec<&str> = rights
                .into_iter()
                .map(|i| ["read", "write", "admin"][i])
                .collect();
            let target = if temp == 0 {
                "temp".to_string()
            } else {
                format!("{} {pattern}", if queue { "queue" } else { "topic" })
            };
            format!(
                "grant {} {} on {target}\n",
                who.join(", "),
                rights.join(", ")
            )
        })
}

fn policy() -> impl Strategy<Value = String> {
    prop::collection::vec(grant(), 1..7).prop_map(|grants| {
        let mut text: String = GROUPS.iter().map(|g| format!("group {g}\n")).collect();
        text.extend(grants);
        text.push_str("grant everyone read, admin on advisory\n");
        text
    })
}

/// A user's groups: some of the policy's and maybe one it does not know.
fn users() -> impl Strategy<Value = Vec<Vec<String>>> {
    prop::collection::vec(
        (
            prop::collection::btree_set(prop::sample::select(GROUPS), 0..3),
            prop::bool::weighted(0.2),
        )
            .prop_map(|(gs, stranger)| {
                let mut v: Vec<String> = gs.into_iter().map(str::to_string).collect();
                if stranger {
                    v.push("stranger".into());
                }
                v
            }),
        1..5,
    )
}

fn dest() -> impl Strategy<Value = (bool, String)> {
    (
        prop::bool::ANY,
        prop::collection::vec(
            prop::sample::select(&["A", "B", "C", "D", "*", ">"][..]),
            1..4,
        ),
    )
        .prop_map(|(queue, segs)| (queue, segs.join(".")))
}

fn ask(
    sources: &Sources,
    loaded: &Loaded,
    subject: &Subject,
    group: Option<&str>,
    user: Option<&[String]>,
) -> Explanation {
    let question = Question {
        subject: subject.clone(),
        group: group.map(str::to_string),
        user: user.map(|groups| UserQuestion {
            name: "u".into(),
            groups: groups.to_vec(),
            // a simpleAuthenticationPlugin user holds a principal when it holds a group
            everyone: !groups.is_empty(),
        }),
    };
    explain(sources, loaded, "p.mqa", &question).expect("explains")
}

/// The rights allowed, and the (right, group) pairs named behind them.
fn allowed(x: &Explanation) -> (Vec<bool>, BTreeSet<(String, String)>) {
    let rights = x.rights.iter().map(|r| r.allowed == Some(true)).collect();
    let holders = x
        .rights
        .iter()
        .flat_map(|r| {
            r.groups
                .iter()
                .map(|h| (r.right.as_str().to_string(), h.group.clone()))
        })
        .collect();
    (rights, holders)
}

/// What the everything listing gives: (kind, pattern, right, group).
fn listing(x: &Explanation) -> BTreeSet<(String, String, String, String)> {
    x.permissions
        .iter()
        .flatten()
        .flat_map(|p| {
            let what = (
                p.kind.to_string(),
                p.pattern.clone().unwrap_or_default(),
                p.right.as_str().to_string(),
            );
            let mut v: Vec<_> = p
                .groups
                .iter()
                .map(|h| {
                    (
                        what.0.clone(),
                        what.1.clone(),
                        what.2.clone(),
                        h.group.clone(),
                    )
                })
                .collect();
            if p.open {
                v.push((
                    what.0.clone(),
                    what.1.clone(),
                    what.2.clone(),
                    "(open)".into(),
                ));
            }
            v
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn explain_user_is_the_union_over_the_users_groups(
        text in policy(),
        users in users(),
        dests in prop::collection::vec(dest(), 1..4),
    ) {
        let mut sources = Sources::new();
        let id = sources.add(SourceFile::new("p.mqa", text.clone()));
        let front = mqauthz::load::front_end(&sources, id, Vec::new());
        let map = mqauthz::compile::compile(&front.policy);
        let loaded = Loaded::Policy { front: Box::new(front), map, findings: Vec::new() };
        let mut subjects: Vec<Subject> = dests
            .into_iter()
            .map(|(queue, name)| Subject::Destination {
                kind: if queue { DestKind::Queue } else { DestKind::Topic },
                name,
            })
            .collect();
        subjects.push(Subject::Temp);
        for groups in &users {
            // every group the user holds, the policy's and the stranger (the
            // library answers for any group name; the command line refuses
            // one that no input names)
            let held: Vec<&str> = groups.iter().map(String::as_str).collect();
            for subject in &subjects {
                let by_user = allowed(&ask(&sources, &loaded, subject, None, Some(groups)));
                let mut union = (vec![false; 3], BTreeSet::new());
                for g in &held {
                    let (rights, holders) = allowed(&ask(&sources, &loaded, subject, Some(g), None));
                    for (u, r) in union.0.iter_mut().zip(rights) {
                        *u |= r;
                    }
                    union.1.extend(holders);
                }
                prop_assert_eq!(&by_user, &union, "{:?} {:?}\n{}", groups, subject, text);
            }
            let by_user = listing(&ask(&sources, &loaded, &Subject::Everything, None, Some(groups)));
            let mut union = BTreeSet::new();
            for g in &held {
                union.extend(listing(&ask(&sources, &loaded, &Subject::Everything, Some(g), None)));
            }
            if groups.is_empty() {
                // no group, no principal: nothing at all, not even everyone's
                prop_assert!(by_user.is_empty(), "{:?}", by_user);
            }
            prop_assert_eq!(&by_user, &union, "{:?}\n{}", groups, text);
        }
    }
}
