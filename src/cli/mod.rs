//! The command line: argument definitions and dispatch. Each command writes
//! its product to `out` and everything else to `err`.

mod audit;
mod check;
mod compile;
mod completions;
mod diff;
mod exit;
mod explain;
mod fmt;
mod import;
mod man;
mod review;
mod rules;

use crate::analysis::Options;
use crate::diagnostics::render::{self, Format};
use crate::diagnostics::{self, Diagnostic, Severity};
use crate::error::Error;
use crate::pipeline::{self, Goal};
use crate::source::Sources;
use clap::{Parser, Subcommand, ValueEnum};
use std::io::Write;

/// How a run ended; mapped to the process exit code in `main`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitStatus {
    /// 0: success, nothing found.
    Success,
    /// 1: findings, differences, or a file that would change.
    Findings,
    /// 2: the command could not run.
    Error,
}

impl ExitStatus {
    pub fn code(self) -> u8 {
        match self {
            ExitStatus::Success => 0,
            ExitStatus::Findings => 1,
            ExitStatus::Error => 2,
        }
    }

    pub fn worst(self, other: ExitStatus) -> ExitStatus {
        if self.code() >= other.code() {
            self
        } else {
            other
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

/// Compile, check and review ActiveMQ authorization policies.
#[derive(Debug, Parser)]
#[command(name = "mqauthz", version, about, long_about = None, max_term_width = 100)]
pub struct Cli {
    /// When to use colour: auto (a terminal, unless NO_COLOR is set or
    /// TERM=dumb; CLICOLOR_FORCE forces it), always, never
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check policies: syntax, names, assertions and every analysis rule
    #[command(after_help = exit::CHECK)]
    Check(check::Args),
    /// Compile a policy to an authorizationPlugin, or merge it into a broker configuration
    #[command(after_help = exit::COMPILE)]
    Compile(compile::Args),
    /// Who may read, write or administer a destination, and through which grants
    #[command(after_help = exit::EXPLAIN)]
    Explain(explain::Args),
    /// What changes in who may do what between two policies or configurations
    #[command(after_help = exit::DIFF)]
    Diff(diff::Args),
    /// Rewrite policies in canonical form
    #[command(after_help = exit::FMT)]
    Fmt(fmt::Args),
    /// Turn a broker configuration's authorization map into a policy
    #[command(after_help = exit::IMPORT)]
    Import(import::Args),
    /// Effective permissions of a policy or configuration, for a pull request
    #[command(after_help = exit::REVIEW)]
    Review(review::Args),
    /// List the analysis rules, or print one rule's documentation
    #[command(after_help = exit::RULES)]
    Rules(rules::Args),
    /// Check a broker's files against the security practices (Amazon MQ or self-hosted)
    Audit(audit::Args),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish)
    Completions(completions::Args),
    /// Print or write the manual pages
    Man(man::Args),
}

/// The streams a command writes to, and whether each is a colour terminal.
pub(crate) struct Io<'a> {
    pub out: &'a mut dyn Write,
    pub err: &'a mut dyn Write,
    pub out_color: bool,
    pub err_color: bool,
}

impl Io<'_> {
    /// Print diagnostics to stderr (for commands whose product is not them).
    pub(crate) fn report(&mut self, diagnostics: &[Diagnostic], sources: &Sources) {
        // a piece at a time: each finding renders on its own
        for piece in diagnostics.chunks(RENDER_PIECE) {
            let text = render::human(piece, sources, self.err_color);
            let _ = self.err.write_all(text.as_bytes());
        }
        if let Some(summary) = render::summary(diagnostics) {
            let _ = writeln!(self.err, "{summary}");
        }
    }
}

/// Whether to colour a stream. `auto` asks anstream, which follows the
/// conventions: `NO_COLOR` (set and not empty) turns colour off,
/// `CLICOLOR_FORCE` turns it on even when the stream is not a terminal,
/// `CLICOLOR=0` and `TERM=dumb` turn it off, and otherwise a terminal gets
/// colour.
fn use_color<S: anstream::stream::RawStream>(choice: Color, stream: &S) -> bool {
    match choice {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => !matches!(
            anstream::AutoStream::choice(stream),
            anstream::ColorChoice::Never
        ),
    }
}

/// Standard output that notes when its reader has gone away (`| head`):
/// the run then ends quietly with status 0.
struct PipeOut<W> {
    inner: W,
    closed: bool,
}

impl<W: Write> PipeOut<W> {
    fn note<T>(&mut self, result: std::io::Result<T>) -> std::io::Result<T> {
        if let Err(e) = &result {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                self.closed = true;
            }
        }
        result
    }
}

impl<W: Write> Write for PipeOut<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let result = self.inner.write(buf);
        self.note(result)
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        let result = self.inner.write_all(buf);
        self.note(result)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let result = self.inner.flush();
        self.note(result)
    }
}

/// Run a parsed command line against real standard streams.
pub fn run(cli: Cli) -> ExitStatus {
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    let out_color = use_color(cli.color, &stdout);
    let err_color = use_color(cli.color, &stderr);
    let mut out = PipeOut {
        inner: stdout.lock(),
        closed: false,
    };
    let mut err = stderr.lock();
    let mut io = Io {
        out: &mut out,
        err: &mut err,
        out_color,
        err_color,
    };
    let result = dispatch(cli.command, &mut io);
    let _ = io.out.flush();
    if out.closed {
        // the reader of standard output went away: nothing more to say
        return ExitStatus::Success;
    }
    match result {
        Ok(status) => status,
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            ExitStatus::Error
        }
    }
}

fn dispatch(command: Command, io: &mut Io) -> Result<ExitStatus, Error> {
    match command {
        Command::Check(args) => check::run(args, io),
        Command::Compile(args) => compile::run(args, io),
        Command::Explain(args) => explain::run(args, io),
        Command::Diff(args) => diff::run(args, io),
        Command::Fmt(args) => fmt::run(args, io),
        Command::Import(args) => import::run(args, io),
        Command::Review(args) => review::run(args, io),
        Command::Rules(args) => rules::run(args, io),
        Command::Audit(args) => audit::run(args, io),
        Command::Completions(args) => completions::run(args, io),
        Command::Man(args) => man::run(args, io),
    }
}

/// Render diagnostics in the chosen format to `out`.
/// Findings rendered per write.
pub(crate) const RENDER_PIECE: usize = 512;

/// What the closing summary of human output says: how many files were
/// looked at, and whether warnings fail the run.
#[derive(Clone, Copy, Debug, Default)]
pub struct Closing {
    pub files: usize,
    pub deny_warnings: bool,
}

pub(crate) fn write_diagnostics(
    out: &mut dyn Write,
    format: Format,
    diagnostics: &[Diagnostic],
    sources: &Sources,
    color: bool,
    closing: Closing,
) -> Result<(), Error> {
    let write = |out: &mut dyn Write, text: &str| {
        out.write_all(text.as_bytes())
            .map_err(|e| Error::io("write", "<stdout>", e))
    };
    // human and concise output render each finding on its own: written a
    // piece at a time rather than held whole
    let text = match format {
        Format::Human => {
            for piece in diagnostics.chunks(RENDER_PIECE) {
                write(out, &render::human(piece, sources, color))?;
            }
            let mut s = String::new();
            if let Some(summary) =
                render::closing(diagnostics, closing.files, closing.deny_warnings)
            {
                s.push_str(&summary);
                s.push('\n');
            }
            s
        }
        Format::Github => {
            for piece in diagnostics.chunks(RENDER_PIECE) {
                write(out, &render::github(piece, sources))?;
            }
            String::new()
        }
        Format::Concise => {
            for piece in diagnostics.chunks(RENDER_PIECE) {
                write(out, &render::concise(piece, sources))?;
            }
            String::new()
        }
        Format::Json => render::json(diagnostics, sources),
        Format::Sarif => crate::analysis::sarif::render(diagnostics, sources),
    };
    write(out, &text)
}

/// Exit status for a set of diagnostics.
pub(crate) fn status_of(diagnostics: &[Diagnostic], deny_warnings: bool) -> ExitStatus {
    let failing = diagnostics.iter().any(|d| {
        d.severity == Severity::Error || (deny_warnings && d.severity == Severity::Warning)
    });
    if failing {
        ExitStatus::Findings
    } else {
        ExitStatus::Success
    }
}

/// Values for the Spring property placeholders (`${admin.group}`) of a
/// configuration, shared by every command that reads one.
#[derive(Clone, Debug, Default, clap::Args)]
pub struct PropertyArgs {
    /// Resolve the placeholder `${KEY}` of a configuration to VALUE, as the broker's property configurer would (repeatable; wins over --properties)
    #[arg(long = "property", value_name = "KEY=VALUE")]
    property: Vec<String>,
    /// Read placeholder values from a Java .properties file (repeatable; later files win)
    #[arg(long = "properties", value_name = "FILE")]
    properties: Vec<String>,
}

impl PropertyArgs {
    /// The values, files first, then `--property` in order.
    pub fn values(&self) -> Result<crate::xml::Properties, Error> {
        let mut p = crate::xml::Properties::new();
        for file in &self.properties {
            let bytes = crate::load::read_bytes(file)?;
            let text = String::from_utf8(bytes).map_err(|_| {
                Error::Usage(format!(
                    "`{}` is not valid UTF-8; save the properties file as UTF-8 (or use \\uXXXX escapes)",
                    crate::load::display_name(file)
                ))
            })?;
            p.load(&text);
        }
        for kv in &self.property {
            match kv.split_once('=') {
                Some((k, v)) if !k.trim().is_empty() => p.set(k.trim(), v),
                _ => {
                    return Err(Error::Usage(format!(
                        "`--property {kv}`: expected KEY=VALUE, for example `--property admin.group=admins`"
                    )))
                }
            }
        }
        Ok(p)
    }
}

/// Load a policy or a configuration through the pipeline with default
/// analysis options; when the input cannot be used its diagnostics are
/// reported on `io` and `None` is returned, and the caller picks the exit
/// status.
fn load_or_report(
    io: &mut Io,
    sources: &mut Sources,
    path: &str,
    properties: &PropertyArgs,
) -> Result<Option<pipeline::Loaded>, Error> {
    load_or_report_with(io, sources, path, &Options::default(), properties)
}

/// [`load_or_report`] with analysis options (`--members` for the
/// membership rules).
fn load_or_report_with(
    io: &mut Io,
    sources: &mut Sources,
    path: &str,
    options: &Options,
    properties: &PropertyArgs,
) -> Result<Option<pipeline::Loaded>, Error> {
    let values = properties.values()?;
    match pipeline::load_with(sources, path, options, Goal::FindingsAndMap, &values)? {
        Ok(loaded) => Ok(Some(loaded)),
        Err(d) => {
            io.report(&sorted(d), sources);
            Ok(None)
        }
    }
}

/// Standard input can be read once per command line: a second `-` among
/// the inputs is refused (it would read nothing, silently).
pub(crate) fn stdin_once<'a>(inputs: impl IntoIterator<Item = &'a str>) -> Result<(), Error> {
    let n = inputs.into_iter().filter(|p| *p == "-").count();
    if n > 1 {
        return Err(Error::Usage(format!(
            "standard input (`-`) is given {n} times; it can be read once per command line"
        )));
    }
    Ok(())
}

/// Sort diagnostics for output.
pub(crate) fn sorted(mut diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    diagnostics::sort(&mut diagnostics);
    diagnostics
}
