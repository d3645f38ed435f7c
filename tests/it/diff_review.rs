//! Import, diff and review: fixture pairs that must be silent or report a
//! change with a correct example, imports that round-trip to the same
//! meaning, snapshots of the reviews of every example.

use crate::support::cli::{mqauthz, text};

use mqauthz::diff::{diff, Direction, MapDiff};
use mqauthz::semantics::pattern::Pattern;
use mqauthz::semantics::{Acl, AuthzMap, DestKind, Entry, GroupList, Right, EVERYONE};
use mqauthz::source::{SourceFile, SourceId};
use mqauthz::xml::{self, ConfigDoc, EmitOptions};
use proptest::prelude::*;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

#[path = "../../benches/support/gen.rs"]
#[allow(dead_code)]
mod gen;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn rel(path: &Path) -> String {
    path.strip_prefix(root())
        .unwrap_or(path)
        .to_string_lossy()
        .into_owned()
}

/// Read a configuration's map from its text.
fn config_map(name: &str, xml_text: &str) -> AuthzMap {
    let doc = match ConfigDoc::parse(SourceId(0), &SourceFile::new(name, xml_text)) {
        Ok(d) => d,
        Err(d) => panic!("{name} does not parse: {d:?}"),
    };
    let r = xml::read(&doc);
    assert!(
        !r.diagnostics
            .iter()
            .any(|d| d.severity == mqauthz::diagnostics::Severity::Error),
        "{name}: {:?}",
        r.diagnostics
    );
    r.map.unwrap_or_else(mqauthz::diff::open_map)
}

/// Compile a policy text; it must resolve without errors.
fn policy_map(name: &str, policy: &str) -> AuthzMap {
    let file = SourceFile::new(name, policy);
    let parsed = mqauthz::syntax::parse(SourceId(0), &file);
    let mut diagnostics = parsed.diagnostics;
    let policy = mqauthz::model::resolve(SourceId(0), &parsed.file, &mut diagnostics);
    assert!(
        !diagnostics
            .iter()
            .any(|d| d.severity == mqauthz::diagnostics::Severity::Error),
        "{name} does not resolve: {diagnostics:#?}\n{}",
        file.text
    );
    mqauthz::compile::compile(&policy)
}

fn load(path: &Path) -> AuthzMap {
    let t = std::fs::read_to_string(path).expect("read fixture");
    let name = rel(path);
    if name.ends_with(".mqa") {
        policy_map(&name, &t)
    } else {
        config_map(&name, &t)
    }
}

fn side(dir: &Path, stem: &str) -> PathBuf {
    for ext in ["xml", "mqa", "json"] {
        let p = dir.join(format!("{stem}.{ext}"));
        if p.exists() {
            return p;
        }
    }
    panic!("no {stem}.* in {}", dir.display());
}

fn subdirs(dir: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(root().join(dir))
        .expect("fixture folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    v.sort();
    v
}

/// Does `group` (or everyone) hold `right` on `dest`?
fn holds(map: &AuthzMap, group: &str, kind: DestKind, dest: &str, right: Right) -> bool {
    let g = map.acl_groups(kind, dest, right);
    let indexed = mqauthz::semantics::eval::Evaluator::new(map).acl_groups(kind, dest, right);
    assert_eq!(g, indexed, "the evaluators disagree on {kind} {dest}");
    g.contains(EVERYONE) || g.contains(group)
}

fn right_of(s: &str) -> Right {
    match s {
        "read" => Right::Read,
        "write" => Right::Write,
        _ => Right::Admin,
    }
}

/// Every change's example is matched by its pattern, held on the granting
/// side and not held on the other.
fn check_examples(d: &MapDiff, old: &AuthzMap, new: &AuthzMap, what: &str) {
    for c in &d.changes {
        assert!(
            Pattern::parse(&c.pattern).matches(&c.example),
            "{what}: {c:?}: example not matched by the pattern"
        );
        let (has, lacks) = match c.change {
            Direction::Gained => (new, old),
            Direction::Lost => (old, new),
        };
        assert!(
            holds(has, &c.group, c.kind, &c.example, c.right),
            "{what}: {c:?}: the granting side does not hold the example"
        );
        let other = lacks.acl_groups(c.kind, &c.example, c.right);
        if c.group == EVERYONE {
            assert!(!other.contains(EVERYONE), "{what}: {c:?}");
        } else {
            assert!(
                !other.contains(EVERYONE) && !other.contains(&c.group),
                "{what}: {c:?}: the other side holds the example"
            );
        }
    }
}

#[test]
fn equal_meaning_is_silent() {
    let dirs = subdirs("tests/fixtures/diff/equal");
    assert!(dirs.len() >= 5);
    for dir in dirs {
        let (old, new) = (side(&dir, "old"), side(&dir, "new"));
        let d = diff(&load(&old), &load(&new));
        assert!(d.is_empty(), "{}: {d:#?}", dir.display());
        for (a, b) in [(&old, &new), (&new, &old)] {
            let out = mqauthz(&["diff", &rel(a), &rel(b)]);
            assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
            assert!(out.stdout.is_empty(), "{}", text(&out.stdout));
        }
        let out = mqauthz(&["diff", "--format", "md", &rel(&old), &rel(&new)]);
        assert_eq!(out.status.code(), Some(0));
        assert_eq!(
            text(&out.stdout),
            format!(
                "## Access changes: `{}` → `{}`\n\nNo access changes: both grant the same.\n",
                rel(&old),
                rel(&new)
            )
        );
    }
}

#[test]
fn changes_are_reported_with_examples() {
    let dirs = subdirs("tests/fixtures/diff/change");
    assert!(dirs.len() >= 5);
    for dir in dirs {
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let (old, new) = (side(&dir, "old"), side(&dir, "new"));
        let (om, nm) = (load(&old), load(&new));
        let d = diff(&om, &nm);
        assert!(!d.is_empty(), "{name}");
        check_examples(&d, &om, &nm, &name);
        let out = mqauthz(&["diff", &rel(&old), &rel(&new)]);
        assert_eq!(out.status.code(), Some(1), "{name}");
        insta::assert_snapshot!(format!("diff-{name}"), text(&out.stdout));
        let out = mqauthz(&["diff", "--format", "json", &rel(&old), &rel(&new)]);
        assert_eq!(out.status.code(), Some(1), "{name}");
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        assert_eq!(json["version"], 1);
        for c in json["changes"].as_array().into_iter().flatten() {
            let kind = if c["kind"] == "queue" {
                DestKind::Queue
            } else {
                DestKind::Topic
            };
            let example = c["example"].as_str().unwrap_or_default();
            let group = c["group"].as_str().unwrap_or_default();
            let right = right_of(c["right"].as_str().unwrap_or_default());
            assert!(Pattern::parse(c["pattern"].as_str().unwrap_or_default()).matches(example));
            let has = if c["change"] == "gained" { &nm } else { &om };
            assert!(holds(has, group, kind, example, right), "{name}: {c}");
        }
        insta::assert_snapshot!(format!("diff-json-{name}"), text(&out.stdout));
        let out = mqauthz(&["diff", "--format", "md", &rel(&old), &rel(&new)]);
        assert_eq!(out.status.code(), Some(1), "{name}");
        let md = text(&out.stdout);
        check_markdown(&md, &d);
        insta::assert_snapshot!(format!("diff-md-{name}"), md);
    }
}

/// A Markdown change review: within the comment limit, new access before
/// removed access, every change's grant named, nothing left out when small.
fn check_markdown(md: &str, d: &MapDiff) {
    assert!(
        md.len() <= mqauthz::diff::markdown::LIMIT,
        "{} bytes",
        md.len()
    );
    let summary = md.lines().nth(2).unwrap_or_default();
    assert!(
        summary.starts_with("**") && summary.ends_with(".**"),
        "{md}"
    );
    let (gained, lost) = (md.find("### New access"), md.find("### Removed access"));
    assert_eq!(gained.is_some(), d.has_gains(), "{md}");
    if let (Some(g), Some(l)) = (gained, lost) {
        assert!(g < l, "new access comes first:\n{md}");
    }
    for c in &d.changes {
        let row = format!("| `{}` | `{}` |", c.pattern, c.example);
        assert!(md.contains(&row), "{c:?} not in\n{md}");
    }
    assert!(!md.contains("not shown"), "{md}");
}

#[test]
fn everyone_replaced_by_named_groups_grants_nothing_new() {
    let dir = root().join("tests/fixtures/diff/change/everyone-replaced");
    let d = diff(&load(&side(&dir, "old")), &load(&side(&dir, "new")));
    assert!(!d.has_gains(), "{d:#?}");
    assert!(d
        .changes
        .iter()
        .all(|c| c.group == EVERYONE && c.change == Direction::Lost));
    // the reverse: named groups replaced by everyone is a gain for everyone only
    let r = diff(&load(&side(&dir, "new")), &load(&side(&dir, "old")));
    assert!(r.changes.iter().all(|c| c.group == EVERYONE));
}

#[test]
fn fail_on_new_access() {
    let loss = "tests/fixtures/diff/change/loss";
    let gain = "tests/fixtures/diff/change/gain";
    let out = mqauthz(&[
        "diff",
        "--fail-on",
        "new-access",
        &format!("{loss}/old.xml"),
        &format!("{loss}/new.xml"),
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert!(!out.stdout.is_empty());
    let out = mqauthz(&[
        "diff",
        "--fail-on",
        "new-access",
        &format!("{gain}/old.xml"),
        &format!("{gain}/new.xml"),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let out = mqauthz(&[
        "diff",
        "tests/fixtures/diff/missing.xml",
        &format!("{gain}/new.xml"),
    ]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn diff_colours_only_when_asked() {
    let old = "tests/fixtures/diff/change/gain/old.xml";
    let new = "tests/fixtures/diff/change/gain/new.xml";
    let out = mqauthz(&["diff", "--color", "always", old, new]);
    assert!(text(&out.stdout).contains("\u{1b}[32m+ billing-svc"));
    let out = mqauthz(&["diff", old, new]);
    assert!(!text(&out.stdout).contains('\u{1b}'));
}

#[test]
fn import_fixture() {
    let path = "tests/fixtures/import/unexpressible.xml";
    let out = mqauthz(&["import", path]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let policy = text(&out.stdout);
    insta::assert_snapshot!("import-unexpressible", policy);
    insta::assert_snapshot!("import-unexpressible-stderr", text(&out.stderr));
    // what was expressible means the same; what was not is only lost
    let original = load(&root().join(path));
    let imported = policy_map("imported.mqa", &policy);
    let d = diff(&original, &imported);
    assert!(!d.has_gains(), "{d:#?}");
    let lost: BTreeSet<&str> = d.changes.iter().map(|c| c.pattern.as_str()).collect();
    assert_eq!(
        lost,
        BTreeSet::from(["A.>.B", "ODD.>", "USERS.>"]),
        "{d:#?}"
    );
}

#[test]
fn import_examples_round_trip() {
    for example in ["amazon-mq", "orders", "saas"] {
        let policy = format!("examples/{example}.mqa");
        let out = mqauthz(&[
            "compile",
            &policy,
            "--into",
            "tests/fixtures/merge/amazonmq.xml",
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let dir = std::env::temp_dir().join(format!("mqauthz-import-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let config = dir.join(format!("{example}.xml"));
        std::fs::write(&config, &out.stdout).expect("write config");
        let config = config.to_string_lossy().into_owned();
        let out = mqauthz(&["import", &config]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let imported = dir.join(format!("{example}.mqa"));
        std::fs::write(&imported, &out.stdout).expect("write policy");
        let out = mqauthz(&["diff", &policy, &imported.to_string_lossy()]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{example}: {}",
            text(&out.stdout)
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[test]
fn diff_without_plugin() {
    let open = "tests/fixtures/merge/spring-no-plugins.xml";
    let out = mqauthz(&["diff", open, open]);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stderr).contains("no authorizationPlugin"));
    let out = mqauthz(&[
        "diff",
        open,
        "tests/fixtures/diff/equal/policy-vs-config/new.xml",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let out = mqauthz(&[
        "diff",
        "--fail-on",
        "new-access",
        open,
        "tests/fixtures/diff/equal/policy-vs-config/old.mqa",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
}

#[test]
fn import_without_plugin() {
    let out = mqauthz(&["import", "tests/fixtures/merge/spring-no-plugins.xml"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(text(&out.stderr).contains("no authorizationPlugin"));
}

#[test]
fn reviews_of_examples() {
    let mut examples: Vec<String> = std::fs::read_dir(root().join("examples"))
        .expect("examples")
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.strip_suffix(".mqa").map(str::to_string)
        })
        .collect();
    examples.sort();
    assert!(!examples.is_empty());
    for example in &examples {
        let path = format!("examples/{example}.mqa");
        let out = mqauthz(&["review", &path]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        insta::assert_snapshot!(format!("review-md-{example}"), text(&out.stdout));
        let out = mqauthz(&["review", "--format", "json", &path]);
        assert_eq!(out.status.code(), Some(0));
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        insta::assert_json_snapshot!(format!("review-json-{example}"), json);
    }
}

#[test]
fn review_of_configurations() {
    let out = mqauthz(&[
        "review",
        "--format",
        "text",
        "tests/fixtures/import/unexpressible.xml",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    insta::assert_snapshot!("review-text-config", text(&out.stdout));
    let out = mqauthz(&["review", "tests/fixtures/merge/spring-no-plugins.xml"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stdout).contains("No authorizationPlugin"));
}

#[test]
fn review_lists_findings_and_failures() {
    for path in [
        "tests/fixtures/assertions/can-fails.mqa",
        "tests/fixtures/rules/redundant-grant.mqa",
    ] {
        let out = mqauthz(&["review", path]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let md = text(&out.stdout);
        let tail = md.find("### Findings").map_or("", |i| &md[i..]);
        let name = Path::new(path)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        insta::assert_snapshot!(format!("review-findings-{name}"), tail);
    }
}

#[test]
fn review_check_and_output() {
    let dir = std::env::temp_dir().join(format!("mqauthz-review-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("review.md");
    let f = file.to_string_lossy().into_owned();
    let out = mqauthz(&["review", "examples/orders.mqa", "-o", &f]);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
    // it says what it wrote, as `compile -o` does
    assert_eq!(text(&out.stderr), format!("wrote {f}\n"));
    assert!(std::fs::read_to_string(&file)
        .expect("written")
        .starts_with("## Authorization review: orders.mqa"));
    let out = mqauthz(&["review", "examples/orders.mqa", "--check", &f]);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
    let out = mqauthz(&["review", "examples/saas.mqa", "--check", &f]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).starts_with("--- "));
    let _ = std::fs::remove_dir_all(&dir);
}

// ---------------------------------------------------------------- properties

/// Groups, some needing quotes in a policy (`"ops team"`, `"everyone"`).
const GROUPS: &[&str] = &["a", "b", "ops team", "everyone", "*"];

fn arb_pattern() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => (
            prop::collection::vec(prop::sample::select(vec!["A", "B", "*", "R&D", "temp"]), 1..=3),
            any::<bool>(),
        )
            .prop_map(|(segs, tail)| {
                let mut s = segs.join(".");
                if tail {
                    s.push_str(".>");
                }
                s
            }),
        1 => Just(">".to_string()),
    ]
}

fn arb_groups() -> impl Strategy<Value = GroupList> {
    prop::collection::btree_set(prop::sample::select(GROUPS.to_vec()), 0..=2)
        .prop_map(GroupList::from_groups)
}

fn arb_acl() -> impl Strategy<Value = Acl> {
    (arb_groups(), arb_groups(), arb_groups()).prop_map(|(read, write, admin)| Acl {
        read,
        write,
        admin,
        group_class: None,
    })
}

fn arb_kind() -> impl Strategy<Value = DestKind> {
    prop::sample::select(vec![DestKind::Queue, DestKind::Topic])
}

fn arb_map() -> impl Strategy<Value = AuthzMap> {
    (
        prop::collection::vec((arb_kind(), arb_pattern(), arb_acl()), 0..6),
        prop::option::of(arb_acl()),
        prop::option::of(arb_acl().prop_filter("a temp entry grants something", |a| {
            !(a.read.is_empty() && a.write.is_empty() && a.admin.is_empty())
        })),
    )
        .prop_map(|(entries, default_entry, temp)| AuthzMap {
            entries: entries
                .into_iter()
                .enumerate()
                .map(|(id, (kind, pattern, acl))| Entry {
                    kind,
                    pattern,
                    acl,
                    id,
                    provenance: Vec::new(),
                    location: None,
                })
                .collect(),
            default_entry,
            temp,
        })
}

fn to_config(map: &AuthzMap) -> String {
    format!(
        "<broker xmlns=\"http://activemq.apache.org/schema/core\">\n<plugins>\n{}</plugins>\n</broker>\n",
        xml::fragment(map, &EmitOptions::default())
    )
}

/// Every concrete destination over the fixtures' alphabet plus a fresh
/// literal, up to one segment longer than any generated pattern.
fn universe() -> Vec<String> {
    let mut out = Vec::new();
    let mut layer = vec![String::new()];
    for _ in 0..4 {
        let mut next = Vec::new();
        for p in &layer {
            for s in ["A", "B", "R&D", "temp", "Z"] {
                next.push(if p.is_empty() {
                    s.to_string()
                } else {
                    format!("{p}.{s}")
                });
            }
        }
        out.extend(next.iter().cloned());
        layer = next;
    }
    out
}

/// Brute force: do the maps differ for some user on some destination?
fn differ_brute(old: &AuthzMap, new: &AuthzMap, universe: &[String]) -> bool {
    let names = ["a", "b", "ops team", "everyone", "d"];
    let same = |o: &BTreeSet<String>, n: &BTreeSet<String>| {
        o.contains(EVERYONE) == n.contains(EVERYONE)
            && names.iter().all(|g| {
                (o.contains(EVERYONE) || o.contains(*g)) == (n.contains(EVERYONE) || n.contains(*g))
            })
    };
    for kind in [DestKind::Queue, DestKind::Topic] {
        for right in Right::ALL {
            for d in universe {
                if !same(
                    &old.acl_groups(kind, d, right),
                    &new.acl_groups(kind, d, right),
                ) {
                    return true;
                }
            }
        }
    }
    let star = || BTreeSet::from([EVERYONE.to_string()]);
    Right::ALL.iter().any(|r| {
        !same(
            &old.temp_groups(*r).unwrap_or_else(star),
            &new.temp_groups(*r).unwrap_or_else(star),
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn import_round_trips_to_the_same_meaning(map in arb_map()) {
        let config = to_config(&map);
        let read = config_map("generated.xml", &config);
        prop_assert!(diff(&map, &read).is_empty());
        let imported = mqauthz::import::import(&read);
        prop_assert!(imported.unexpressible.is_empty(), "{:?}", imported.unexpressible);
        let compiled = policy_map("imported.mqa", &imported.text);
        let d = diff(&read, &compiled);
        prop_assert!(d.is_empty(), "{}\n{:#?}", imported.text, d);
        let file = SourceFile::new("imported.mqa", imported.text.as_str());
        let parsed = mqauthz::syntax::parse(SourceId(0), &file);
        prop_assert_eq!(mqauthz::fmt::format(&file, &parsed.file), imported.text.clone());
    }

    #[test]
    fn review_folding_keeps_access(map in arb_map()) {
        use mqauthz::semantics::coverage::PatternSet;
        let input = mqauthz::review::Input {
            name: "generated".into(),
            map: &map,
            open: false,
            descriptions: Default::default(),
            declared: Vec::new(),
            findings: Vec::new(),
            assertions: None,
            users: None,
        };
        let r = mqauthz::review::review(&input);
        let everyone = |kind: &str, right: &str| -> Vec<String> {
            r.everyone
                .iter()
                .filter(|a| a.kind == kind && a.right == right)
                .flat_map(|a| a.patterns.clone())
                .collect()
        };
        for g in &r.groups {
            for kind in [DestKind::Queue, DestKind::Topic] {
                for right in Right::ALL {
                    let mut folded: PatternSet<()> = PatternSet::new();
                    for p in g
                        .access
                        .iter()
                        .filter(|a| a.kind == kind.as_str() && a.right == right.as_str())
                        .flat_map(|a| a.patterns.iter())
                        .chain(everyone(kind.as_str(), right.as_str()).iter())
                    {
                        folded.insert(&Pattern::parse(p), ());
                    }
                    for e in map.entries.iter().filter(|e| e.kind == kind) {
                        if e.acl.get(right).groups.contains(&g.group) {
                            prop_assert!(
                                folded.union_covers(&Pattern::parse(&e.pattern)).is_ok(),
                                "{} {} {}: {} lost", g.group, right, kind, e.pattern
                            );
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn diff_is_exact(old in arb_map(), new in arb_map()) {
        let d = diff(&old, &new);
        let universe = universe();
        prop_assert_eq!(d.is_empty(), !differ_brute(&old, &new, &universe), "{:#?}", d);
        check_examples(&d, &old, &new, "generated");
        let back = diff(&new, &old);
        prop_assert_eq!(d.has_gains(), back.changes.iter().any(|c| c.change == Direction::Lost)
            || back.temp.iter().any(|c| c.change == Direction::Lost));
    }
}

/// A large map: many namespaces and groups, operators on `>`, everyone on
/// advisories. Diffing it against a one-entry change stays fast (no
/// all-pairs work over entries).
#[test]
fn diff_scales_with_entries() {
    let acl = |r: &str, w: &str| Acl {
        read: GroupList::parse(r),
        write: GroupList::parse(w),
        admin: GroupList::parse(w),
        group_class: None,
    };
    let mut entries = Vec::new();
    let mut push = |kind, pattern: String, acl: Acl| {
        let id = entries.len();
        entries.push(Entry {
            kind,
            pattern,
            acl,
            id,
            provenance: Vec::new(),
            location: None,
        });
    };
    push(DestKind::Queue, ">".into(), acl("ops", "ops"));
    push(DestKind::Topic, "ActiveMQ.Advisory.>".into(), acl("*", "*"));
    for i in 0..4000 {
        let g = format!("app{}", i % 300);
        push(DestKind::Queue, format!("NS{i}.IN"), acl(&g, ""));
        push(DestKind::Queue, format!("NS{i}.OUT.>"), acl("", &g));
        push(
            DestKind::Topic,
            format!("EV.NS{i}.*"),
            acl(&format!("{g},*"), &g),
        );
    }
    let old = AuthzMap {
        entries,
        default_entry: None,
        temp: None,
    };
    let mut new = old.clone();
    new.entries[5].pattern = "NS1.>".into();
    let start = std::time::Instant::now();
    let d = diff(&old, &new);
    let elapsed = start.elapsed();
    assert!(!d.is_empty());
    check_examples(&d, &old, &new, "large");
    assert!(diff(&old, &old).is_empty());
    assert!(elapsed.as_secs() < 30, "{elapsed:?}");
}

/// A change of 100,000 grants (the generator's 100,000-grant policy against
/// a policy granting nothing) still fits one pull-request comment, which
/// says how many changes it leaves out and how to see them all.
#[test]
fn markdown_review_of_a_100000_grant_change_fits_one_comment() {
    use mqauthz::diff::markdown::{render_markdown, Sides, LIMIT};
    let mut sources = mqauthz::source::Sources::new();
    let id = sources.add(SourceFile::new("big.mqa", gen::policy(100_000, 1)));
    let new = {
        let file = sources.get(id).expect("source");
        let parsed = mqauthz::syntax::parse(id, file);
        let mut diagnostics = parsed.diagnostics;
        let policy = mqauthz::model::resolve(id, &parsed.file, &mut diagnostics);
        assert!(diagnostics
            .iter()
            .all(|d| d.severity != mqauthz::diagnostics::Severity::Error));
        assert_eq!(policy.grants.len(), 100_000);
        mqauthz::compile::compile(&policy)
    };
    let d = diff(&AuthzMap::default(), &new);
    let total = d.changes.len() + d.temp.len();
    assert!(total > 100_000, "{total} changes");
    let sides = Sides {
        old: "empty.mqa",
        new: "big.mqa",
        sources: &sources,
    };
    let md = render_markdown(&d, &sides);
    assert!(md.len() <= LIMIT, "{} bytes", md.len());
    assert!(md.chars().count() < 65_536);
    // the summary counts every change, not only the ones shown
    let groups: BTreeSet<&str> = d.changes.iter().map(|c| c.group.as_str()).collect();
    let named = groups.len() - usize::from(groups.contains(EVERYONE));
    let summary = md.lines().nth(2).unwrap_or_default();
    assert!(
        summary.contains(&format!("and {} groups gain access", thousands(named))),
        "{summary}"
    );
    // what was left out, and how to see it
    let shown = md
        .lines()
        .filter(|l| l.starts_with("| ") && l.contains("`big.mqa:"))
        .count();
    assert!(shown > 100, "{shown} rows shown");
    let note = md
        .lines()
        .find(|l| l.contains("are not shown"))
        .unwrap_or_else(|| panic!("no note on what was left out:\n{}", &md[..2000]));
    assert!(
        note.contains(&format!("of {} are not shown", thousands(total))),
        "{note}"
    );
    assert!(note.contains("`mqauthz diff empty.mqa big.mqa`"), "{note}");
    assert!(note.contains("`--format json`"), "{note}");
    // deterministic
    assert_eq!(md, render_markdown(&d, &sides));
}

fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}
