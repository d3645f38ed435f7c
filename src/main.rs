use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match mqauthz::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    ExitCode::from(mqauthz::cli::run(cli).code())
}
