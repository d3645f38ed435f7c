//! `mqauthz man [COMMAND] [--out DIR]`: manual pages in roff.

use super::{Cli, ExitStatus, Io};
use crate::error::Error;
use crate::fsutil::write_atomic;
use clap::CommandFactory;
use std::path::Path;

#[derive(Debug, clap::Args)]
#[command(after_help = "\
Without --out, prints one page on standard output: mqauthz(1), or the named command's \
(mqauthz man check | man -l -).

With --out, writes every page (mqauthz.1, mqauthz-check.1, ...) into DIR, creating it \
(mqauthz man --out /usr/local/share/man/man1).

Exit status:
  0  written
  1  never
  2  could not run: bad arguments, an unknown command, a folder or file that cannot be written")]
pub struct Args {
    /// Print the page of this command (check, compile, ...) instead of mqauthz(1)
    #[arg(value_name = "COMMAND", conflicts_with = "out")]
    command: Option<String>,
    /// Write every page, one per command, into DIR (atomically; DIR is created when missing)
    #[arg(long, value_name = "DIR")]
    out: Option<String>,
}

/// Every manual page: (file name, roff text), mqauthz.1 first, then one
/// per command in the order of `mqauthz --help`.
pub(super) fn pages() -> Result<Vec<(String, Vec<u8>)>, Error> {
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    let mut pages = vec![render(cmd.clone())?];
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        pages.push(render(sub.clone())?);
    }
    Ok(pages)
}

fn render(cmd: clap::Command) -> Result<(String, Vec<u8>), Error> {
    // no date: the pages are the same on every run
    let man = clap_mangen::Man::new(cmd).manual("mqauthz manual");
    let mut bytes = Vec::new();
    man.render(&mut bytes)
        .map_err(|e| Error::io("render", man.get_filename(), e))?;
    Ok((man.get_filename(), bytes))
}

pub(super) fn run(args: Args, io: &mut Io) -> Result<ExitStatus, Error> {
    let pages = pages()?;
    if let Some(dir) = &args.out {
        let dir = Path::new(dir);
        if dir.exists() && !dir.is_dir() {
            return Err(Error::Usage(format!(
                "`{}` is not a folder; --out takes the folder to write the pages into",
                dir.display()
            )));
        }
        std::fs::create_dir_all(dir).map_err(|e| Error::io("create", dir, e))?;
        for (name, bytes) in &pages {
            let path = dir.join(name);
            write_atomic(&path, bytes).map_err(|e| Error::io("write", &path, e))?;
        }
        return Ok(ExitStatus::Success);
    }
    let wanted = match &args.command {
        None => "mqauthz".to_string(),
        Some(c) => format!("mqauthz-{c}"),
    };
    let Some((_, bytes)) = pages
        .iter()
        .find(|(name, _)| name.strip_suffix(".1") == Some(wanted.as_str()))
    else {
        let names: Vec<&str> = pages
            .iter()
            .skip(1)
            .filter_map(|(n, _)| n.strip_prefix("mqauthz-")?.strip_suffix(".1"))
            .collect();
        return Err(Error::Usage(format!(
            "no manual page for command `{}`; pages exist for: {}",
            args.command.as_deref().unwrap_or_default(),
            names.join(", ")
        )));
    };
    write_stdout(io, bytes)
}

/// Write a command's product to standard output; a closed standard output
/// (`mqauthz man | head`) ends the run quietly.
pub(super) fn write_stdout(io: &mut Io, bytes: &[u8]) -> Result<ExitStatus, Error> {
    match io.out.write_all(bytes).and_then(|()| io.out.flush()) {
        Ok(()) => Ok(ExitStatus::Success),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(ExitStatus::Success),
        Err(e) => Err(Error::io("write", "<stdout>", e)),
    }
}
