//! Destination names as ActiveMQ reads them (`ActiveMQDestination`), and
//! the limits and reserved names mqauthz knows about. See
//! `docs/semantics.md#composite-destinations` and
//! `docs/semantics.md#advisory-topics`.

use super::{is_java_trim, DestKind};

/// The pattern of every advisory topic (ActiveMQ publishes advisories on
/// topics under `ActiveMQ.Advisory.`).
pub const ADVISORY_PATTERN: &str = "ActiveMQ.Advisory.>";

/// One destination a key names: its namespace and physical name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KeyComponent<'a> {
    /// The namespace (a component's own prefix, or the key's kind).
    pub kind: DestKind,
    /// A `temp-queue://` or `temp-topic://` component of a composite. Entries
    /// never live in the temporary namespaces of an [`AuthzMap`], so such a
    /// component matches no entry.
    pub temporary: bool,
    /// The physical name: trimmed, prefix and options removed.
    pub name: &'a str,
}

/// A lookup key after ActiveMQ's name normalisation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParsedKey<'a> {
    /// A plain name (a `queue://` prefix here is part of the name).
    Single(KeyComponent<'a>),
    /// A composite name: its distinct non-empty components.
    Composite(Vec<KeyComponent<'a>>),
}

fn java_trim(s: &str) -> &str {
    s.trim_matches(is_java_trim)
}

/// Normalise a destination name as `ActiveMQDestination.setPhysicalName`
/// does: trim, cut the options from the first `?`, split composites.
///
/// Entry destination attributes (`queue="A, topic://B"`) are normalised the
/// same way, one [`Entry`] per component.
///
/// An empty name is rejected by ActiveMQ; here it is looked up as the single
/// empty segment. A composite with no non-empty component (`","`) makes
/// ActiveMQ fail with an exception; here it has no components and matches no
/// entry.
pub fn parse_key(kind: DestKind, key: &str) -> ParsedKey<'_> {
    let key = java_trim(key);
    let name = match key.find('?') {
        Some(q) => &key[..q],
        None => key,
    };
    if !name.contains(',') {
        return ParsedKey::Single(KeyComponent {
            kind,
            temporary: false,
            name,
        });
    }
    let mut out: Vec<KeyComponent<'_>> = Vec::new();
    for (c, _) in components(kind, name) {
        if !out.contains(&c) {
            out.push(c);
        }
    }
    ParsedKey::Composite(out)
}

/// The components of a composite name (after the options are cut off):
/// each token trimmed, empty ones skipped, a `queue://`, `topic://`,
/// `temp-queue://` or `temp-topic://` prefix read as `createDestination`
/// reads it; with each component, its token as written.
fn components(kind: DestKind, name: &str) -> impl Iterator<Item = (KeyComponent<'_>, &str)> {
    name.split(',').filter_map(move |token| {
        let token = java_trim(token);
        if token.is_empty() {
            return None;
        }
        let (kind, temporary, rest) = if let Some(r) = token.strip_prefix("queue://") {
            (DestKind::Queue, false, r)
        } else if let Some(r) = token.strip_prefix("topic://") {
            (DestKind::Topic, false, r)
        } else if let Some(r) = token.strip_prefix("temp-queue://") {
            (DestKind::Queue, true, r)
        } else if let Some(r) = token.strip_prefix("temp-topic://") {
            (DestKind::Topic, true, r)
        } else {
            (kind, false, token)
        };
        let c = KeyComponent {
            kind,
            temporary,
            name: java_trim(rest),
        };
        Some((c, token))
    })
}

/// Split the destination attribute of an entry (`queue="A, topic://B"`) as
/// [`parse_key`] does. `None` for a name that is empty after trimming
/// (which ActiveMQ rejects); otherwise the distinct components with their
/// kind and, for temporary ones, `Err(token as written)`.
pub(crate) fn split_destination(
    raw: &str,
    own: DestKind,
) -> Option<Vec<Result<(DestKind, String), String>>> {
    if java_trim(raw).is_empty() {
        return None;
    }
    let cs = match parse_key(own, raw) {
        ParsedKey::Single(c) => return Some(vec![Ok((c.kind, c.name.to_string()))]),
        ParsedKey::Composite(cs) => cs,
    };
    let name = java_trim(raw);
    let name = name.find('?').map_or(name, |q| &name[..q]);
    let tokens: Vec<(KeyComponent<'_>, &str)> = components(own, name).collect();
    Some(
        cs.into_iter()
            .map(|c| {
                if c.temporary {
                    let token = tokens.iter().find(|(t, _)| *t == c).map_or(c.name, |t| t.1);
                    Err(token.to_string())
                } else {
                    Ok((c.kind, c.name.to_string()))
                }
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn composites_split() {
        let got = split_destination(" CA,CB , topic://CT,,CA?x", DestKind::Queue).expect("some");
        assert_eq!(
            got,
            vec![
                Ok((DestKind::Queue, "CA".to_string())),
                Ok((DestKind::Queue, "CB".to_string())),
                Ok((DestKind::Topic, "CT".to_string())),
            ]
        );
        assert_eq!(
            split_destination("topic://X", DestKind::Queue),
            Some(vec![Ok((DestKind::Queue, "topic://X".to_string()))])
        );
        assert_eq!(split_destination("  ", DestKind::Queue), None);
        // A component's name is trimmed after its prefix, as the
        // destination's own constructor trims it.
        assert_eq!(
            split_destination("A, queue:// B ,temp-queue://T", DestKind::Topic),
            Some(vec![
                Ok((DestKind::Topic, "A".to_string())),
                Ok((DestKind::Queue, "B".to_string())),
                Err("temp-queue://T".to_string()),
            ])
        );
    }
}
