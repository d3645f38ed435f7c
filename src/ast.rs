//! The syntax tree: what was written, with a byte span on every node. No
//! meaning is attached here; `model::resolve` does that.

use crate::semantics::DestKind;
use crate::source::Span;

/// A parsed policy file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PolicyFile {
    pub statements: Vec<Statement>,
    /// Every comment in the file, in order.
    pub comments: Vec<Comment>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    pub span: Span,
    /// The comment's text, `#` included, trailing whitespace removed.
    pub text: String,
    /// True when only whitespace precedes it on its line.
    pub own_line: bool,
}

/// A `# mqauthz: allow(rule, ...) reason` comment attached to a statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Allow {
    pub span: Span,
    pub rules: Vec<Ident>,
    pub reason: String,
}

/// A name, pattern or string as written: its value after unescaping, and
/// whether it was quoted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ident {
    pub value: String,
    pub span: Span,
    pub quoted: bool,
}

/// One token of a statement, for the formatter; its text is the source's
/// text at `span`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statement {
    pub kind: StatementKind,
    pub span: Span,
    pub tokens: Vec<Token>,
    pub allows: Vec<Allow>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StatementKind {
    Group(GroupDecl),
    Grant(Grant),
    Assert(Assertion),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupDecl {
    pub name: Ident,
    pub description: Option<Ident>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Principal {
    Everyone(Span),
    Group(Ident),
}

/// A right keyword as written; `all` stays `all` here.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RightWord {
    Read,
    Write,
    Admin,
    All,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RightTok {
    pub word: RightWord,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    Dest {
        kind: DestKind,
        /// The kind keyword, or the pattern itself for later patterns of a list.
        kind_span: Span,
        pattern: Ident,
    },
    Temp(Span),
    Advisory(Span),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grant {
    pub principals: Vec<Principal>,
    pub rights: Vec<RightTok>,
    /// Targets in order; a kind written once applies to each following pattern.
    pub targets: Vec<Target>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AssertKind {
    Can,
    Cannot,
    Only,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assertion {
    pub kind: AssertKind,
    pub principals: Vec<Principal>,
    pub rights: Vec<RightTok>,
    pub target: Target,
}
