//! The pipeline, assembled once for every command: load an input (a path,
//! or `-` for standard input), tell a policy from a broker configuration by
//! its content, check it, and compile a policy once. Commands in
//! [`crate::cli`] parse their arguments, call these functions and render.
//!
//! ```text
//! read ─┬─ policy ─ front end (syntax, model) ─ analysis ─ compile (once) ─┐
//!       └─ configuration (XML, AWS JSON) ─ read the authorization map ─────┴─ Loaded
//! ```

use crate::analysis::{self, BrokerFacts, Options};
use crate::compile;
use crate::diagnostics::{Diagnostic, Severity};
use crate::error::Error;
use crate::load::{self, Front};
use crate::membership::Membership;
use crate::semantics::AuthzMap;
use crate::source::{SourceFile, SourceId, Sources, Span};
use crate::xml::{self, ConfigDoc};

/// What an input is, told by its name and content.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A policy in the mqauthz language.
    Policy,
    /// A broker configuration: activemq.xml, Amazon MQ XML or AWS CLI JSON.
    Config,
}

/// Tell a policy from a configuration: by extension (`.mqa`; `.xml`,
/// `.json`), else by the first character that is not white space (`<` or
/// `{` for a configuration; a policy never starts with either).
pub fn kind_of(path: &str, bytes: &[u8]) -> Kind {
    let lower = path.to_ascii_lowercase();
    if lower.ends_with(".mqa") {
        return Kind::Policy;
    }
    if lower.ends_with(".xml") || lower.ends_with(".json") {
        return Kind::Config;
    }
    let text = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    match text.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'<') | Some(b'{') => Kind::Config,
        _ => Kind::Policy,
    }
}

/// How far a policy goes through the pipeline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Goal {
    /// The findings (assertions and rules); the policy is not compiled
    /// (`check`, and `compile`, which compiles only a policy it accepts).
    Findings,
    /// The findings and the compiled map (`compile`, `explain`, `review`).
    FindingsAndMap,
    /// The map only; the rules are not run and the model is dropped once the
    /// map is built (`diff`).
    Map,
}

/// A policy after the pipeline.
#[derive(Debug)]
pub struct Analysed {
    /// The front end's result; its syntax tree is dropped (the formatter
    /// alone needs it, through [`load::policy`]).
    pub front: Front,
    /// The compiled map: `Some` when the goal asks for it and the policy
    /// resolved without errors.
    pub map: Option<AuthzMap>,
    /// The front end's diagnostics followed by the analysis findings.
    pub diagnostics: Vec<Diagnostic>,
}

impl Analysed {
    /// Did the front end (syntax, names, patterns) find errors? Such a
    /// policy is not analysed nor compiled.
    pub fn unusable(&self) -> bool {
        has_errors(&self.front.diagnostics)
    }
}

fn has_errors(diagnostics: &[Diagnostic]) -> bool {
    diagnostics.iter().any(|d| d.severity == Severity::Error)
}

/// Front end a registered policy, then, when it resolved without errors,
/// compile it once and run the assertions and rules as `goal` asks.
fn analyse_front(mut front: Front, options: &Options, goal: Goal) -> Analysed {
    // the syntax tree is for the formatter; analyses use the model
    front.ast = Default::default();
    let mut diagnostics = front.diagnostics.clone();
    if has_errors(&diagnostics) {
        return Analysed {
            front,
            map: None,
            diagnostics,
        };
    }
    let (map, found) = match goal {
        Goal::Findings => (None, analysis::run(&front.policy, options)),
        Goal::FindingsAndMap => {
            // the analysis compiles only the grants it asks about; the map
            // is built once, after it, so the two are not held together
            let found = analysis::run(&front.policy, options);
            (Some(compile::compile(&front.policy)), found)
        }
        Goal::Map => {
            let map = compile::compile(&front.policy);
            front.policy = Default::default();
            // a command that wants the map alone shows no findings
            diagnostics.clear();
            (Some(map), Vec::new())
        }
    };
    // the findings are many: moved, not copied, when nothing precedes them
    if diagnostics.is_empty() {
        diagnostics = found;
    } else {
        diagnostics.extend(found);
    }
    Analysed {
        front,
        map,
        diagnostics,
    }
}

/// Read a policy file (`-`: standard input) and take it through the
/// pipeline as `goal` asks.
pub fn analyse(
    sources: &mut Sources,
    path: &str,
    options: &Options,
    goal: Goal,
) -> Result<Analysed, Error> {
    let front = load::policy(sources, path)?;
    Ok(analyse_front(front, options, goal))
}

/// Register a configuration's bytes and parse it; the decoded XML of AWS
/// JSON is registered as a second source.
fn parse_config(
    sources: &mut Sources,
    path: &str,
    bytes: Vec<u8>,
) -> Result<ConfigDoc, Vec<Diagnostic>> {
    let mut diagnostics = Vec::new();
    let name = load::display_name(path);
    let id = load::add_source(sources, name.clone(), bytes, &mut diagnostics);
    if !diagnostics.is_empty() {
        return Err(diagnostics);
    }
    let Some(file) = sources.get(id) else {
        return Err(diagnostics);
    };
    if let Some(d) = policy_given(id, file) {
        return Err(vec![d]);
    }
    let mut doc = ConfigDoc::parse(id, file)?;
    if let Some(decoded) = doc.decoded_xml_file(&name) {
        let xml_id = sources.add(decoded);
        doc.set_xml_source(xml_id);
    }
    Ok(doc)
}

/// A policy given where a broker configuration is expected (`--into`,
/// `--config`): the file starts with a `#` comment or a statement keyword
/// rather than `<` or `{`.
fn policy_given(id: SourceId, file: &SourceFile) -> Option<Diagnostic> {
    let text = file.text.trim_start_matches('\u{feff}');
    let body = text.trim_start();
    let at = file.text.len() - body.len();
    let word: String = body
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '#')
        .collect();
    let is_policy = body.starts_with('#') || matches!(word.as_str(), "group" | "grant" | "assert");
    if !is_policy {
        return None;
    }
    let len = if body.starts_with('#') { 1 } else { word.len() };
    Some(
        Diagnostic::error(
            xml::MALFORMED_XML,
            format!("`{}` is a policy, not a broker configuration", file.name),
        )
        .primary(id, Span::new(at, at + len), "a configuration starts with `<` (XML) or `{` (AWS CLI JSON)")
        .help(
            "a policy goes where POLICY stands: `mqauthz compile POLICY --into CONFIG`, \
             `mqauthz check POLICY --config CONFIG`; `--into`, `--config` and `import` take a broker \
             configuration (activemq.xml, Amazon MQ XML or the AWS CLI JSON)",
        ),
    )
}

/// Read and parse a broker configuration, or the diagnostics that refused it.
pub fn load_config(
    sources: &mut Sources,
    path: &str,
) -> Result<Result<ConfigDoc, Vec<Diagnostic>>, Error> {
    let bytes = load::read_bytes(path)?;
    Ok(parse_config(sources, path, bytes))
}

/// What the analysis needs to know of a configuration.
pub fn facts_of(doc: &ConfigDoc) -> BrokerFacts {
    BrokerFacts {
        advisory_support: doc.facts().advisory_support_enabled,
        destinations: doc
            .facts()
            .destinations
            .iter()
            .map(|d| (d.kind, d.name.clone()))
            .collect(),
    }
}

/// Load a configuration for its facts only (`check --config`).
pub fn broker_facts(
    sources: &mut Sources,
    path: &str,
) -> Result<(BrokerFacts, Vec<Diagnostic>), Error> {
    match load_config(sources, path)? {
        Ok(doc) => Ok((facts_of(&doc), Vec::new())),
        Err(d) => Ok((BrokerFacts::default(), d)),
    }
}

/// Read the membership files of `--members` (each told by content and file
/// name, passwords masked) into one membership: a user named in several
/// holds the union of the groups. `Err(diagnostics)` when a file is
/// malformed; every file is read before the diagnostics are returned.
pub fn load_members(
    sources: &mut Sources,
    paths: &[String],
) -> Result<Result<Membership, Vec<Diagnostic>>, Error> {
    let mut all = Membership::default();
    let mut diagnostics = Vec::new();
    for path in paths {
        match crate::membership::load(sources, path)? {
            Ok(m) => all.merge(m),
            Err(d) => diagnostics.extend(d),
        }
    }
    if diagnostics.is_empty() {
        Ok(Ok(all))
    } else {
        Ok(Err(diagnostics))
    }
}

/// An input after the pipeline: a policy or a configuration, both with an
/// authorization map.
#[derive(Debug)]
pub enum Loaded {
    /// A policy that resolved without errors, its map and the analysis
    /// findings (none under [`Goal::Map`], whose model is also dropped).
    Policy {
        front: Box<Front>,
        map: AuthzMap,
        findings: Vec<Diagnostic>,
    },
    /// A configuration's map (`None` without an authorizationPlugin, or with
    /// another kind of map) and what could not be modelled.
    Config {
        doc: Box<ConfigDoc>,
        map: Option<AuthzMap>,
        findings: Vec<Diagnostic>,
    },
}

impl Loaded {
    pub fn findings(&self) -> &[Diagnostic] {
        match self {
            Loaded::Policy { findings, .. } | Loaded::Config { findings, .. } => findings,
        }
    }

    /// Move the findings out (they can be many: no copy).
    pub fn take_findings(&mut self) -> Vec<Diagnostic> {
        match self {
            Loaded::Policy { findings, .. } | Loaded::Config { findings, .. } => {
                std::mem::take(findings)
            }
        }
    }

    /// The authorization map, if there is one.
    pub fn map(&self) -> Option<&AuthzMap> {
        match self {
            Loaded::Policy { map, .. } => Some(map),
            Loaded::Config { map, .. } => map.as_ref(),
        }
    }

    /// Is this a configuration without an authorizationPlugin, where every
    /// authenticated user may do everything?
    pub fn without_plugin(&self) -> bool {
        match self {
            Loaded::Config { doc, map: None, .. } => doc.authorization_plugin.is_none(),
            _ => false,
        }
    }
}

/// Load a policy or a configuration (told by [`kind_of`]), read once, and
/// take it through the pipeline as `goal` asks; a policy is always compiled
/// ([`Goal::Findings`] means [`Goal::FindingsAndMap`] here). `Err(diagnostics)`
/// when it cannot be used at all (syntax errors, malformed XML).
pub fn load(
    sources: &mut Sources,
    path: &str,
    options: &Options,
    goal: Goal,
) -> Result<Result<Loaded, Vec<Diagnostic>>, Error> {
    let bytes = load::read_bytes(path)?;
    if kind_of(path, &bytes) == Kind::Config {
        let doc = match parse_config(sources, path, bytes) {
            Ok(doc) => doc,
            Err(d) => return Ok(Err(d)),
        };
        let read = xml::read(&doc);
        if has_errors(&read.diagnostics) && read.map.is_none() {
            return Ok(Err(read.diagnostics));
        }
        return Ok(Ok(Loaded::Config {
            doc: Box::new(doc),
            map: read.map,
            findings: read.diagnostics,
        }));
    }
    let mut diagnostics = Vec::new();
    let id = load::add_source(sources, load::display_name(path), bytes, &mut diagnostics);
    let front = load::front_end(sources, id, diagnostics);
    let goal = match goal {
        Goal::Findings => Goal::FindingsAndMap,
        other => other,
    };
    let analysed = analyse_front(front, options, goal);
    match analysed.map {
        Some(map) if !analysed.unusable() => Ok(Ok(Loaded::Policy {
            front: Box::new(analysed.front),
            map,
            findings: analysed.diagnostics,
        })),
        _ => Ok(Err(analysed.diagnostics)),
    }
}
