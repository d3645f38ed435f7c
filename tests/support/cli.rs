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

/// A path inside the project folder.
pub fn manifest(rel: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// A fresh, empty folder `AREA/NAME` under the test binaries' scratch folder.
pub fn scratch_in(area: &str, name: &str) -> std::path::PathBuf {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(area)
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create scratch folder");
    dir
}

/// Copy a fixture into `dir`, returning the copy's path.
pub fn copy_fixture(dir: &std::path::Path, rel: &str) -> std::path::PathBuf {
    let from = manifest(rel);
    let to = dir.join(from.file_name().expect("a file name"));
    std::fs::copy(&from, &to).expect("copy fixture");
    to
}

/// Assert a run's exit code, showing both streams when it differs.
pub fn assert_exit(out: &Output, code: i32, what: &str) {
    assert_eq!(
        out.status.code(),
        Some(code),
        "{what}: exit status\nstdout:\n{}\nstderr:\n{}",
        text(&out.stdout),
        text(&out.stderr)
    );
}
