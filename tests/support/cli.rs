//! Running the real `mqauthz` binary from tests.

use std::ffi::OsStr;
use std::process::{Command, Output};

/// Run `mqauthz ARGS` in the project folder, without colour.
pub fn mqauthz<S: AsRef<OsStr>>(args: &[S]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mqauthz"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .output()
        .expect("run mqauthz")
}

/// Output bytes as text.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}
