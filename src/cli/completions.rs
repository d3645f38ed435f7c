//! `mqauthz completions SHELL`: a shell completion script on standard output.

use super::{Cli, ExitStatus, Io};
use crate::error::Error;
use clap::CommandFactory;
use clap_complete::Shell;

#[derive(Debug, clap::Args)]
#[command(after_help = "\
Install (one of):
  bash        mqauthz completions bash > ~/.local/share/bash-completion/completions/mqauthz
  zsh         mqauthz completions zsh > \"${fpath[1]}/_mqauthz\"
  fish        mqauthz completions fish > ~/.config/fish/completions/mqauthz.fish
  powershell  mqauthz completions powershell >> $PROFILE
  elvish      mqauthz completions elvish >> ~/.config/elvish/rc.elv

Exit status:
  0  the script was printed
  1  never
  2  could not run: bad arguments, standard output not writable")]
pub struct Args {
    /// The shell to complete in
    #[arg(value_enum, value_name = "SHELL")]
    shell: Shell,
}

/// The completion script for `shell`.
pub(super) fn script(shell: Shell) -> Vec<u8> {
    let mut cmd = Cli::command();
    let mut bytes = Vec::new();
    clap_complete::generate(shell, &mut cmd, "mqauthz", &mut bytes);
    bytes
}

pub(super) fn run(args: Args, io: &mut Io) -> Result<ExitStatus, Error> {
    super::man::write_stdout(io, &script(args.shell))
}
