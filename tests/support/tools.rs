//! Gates for tests that need tools outside Rust: pre-commit and
//! check-jsonschema (PyPI, in a virtual environment), vscode-textmate and
//! vscode-oniguruma (npm), bash, man, git. `scripts/install-test-deps.sh`
//! installs them; `scripts/test.sh` then sets `MQAUTHZ_REQUIRE_TOOLS=1` so a
//! missing tool fails the test instead of skipping it.

use std::path::{Path, PathBuf};

/// Environment variables that turn a missing tool into a failure.
pub const REQUIRE_ENVS: [&str; 2] = ["MQAUTHZ_REQUIRE_TOOLS", "MQAUTHZ_REQUIRE_ACTIVEMQ"];

/// The project folder.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The virtual environment `scripts/install-test-deps.sh` creates.
pub fn venv_bin(name: &str) -> PathBuf {
    root().join(".tools/venv/bin").join(name)
}

/// `name` on `PATH`, if there.
pub fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

/// `Ok(())` when every tool is usable, else what is missing.
pub fn check(missing: &[String]) -> Result<(), String> {
    if missing.is_empty() {
        Ok(())
    } else {
        Err(missing.join("; "))
    }
}

/// Gate: `true` when `available` is `Ok`. Otherwise fails the test when a
/// `REQUIRE_ENVS` variable is `1`, else prints a skip notice and returns
/// `false` (the caller returns early).
pub fn or_skip(what: &str, available: Result<(), String>) -> bool {
    match available {
        Ok(()) => true,
        Err(missing) => {
            let required = REQUIRE_ENVS
                .iter()
                .any(|v| std::env::var(v).is_ok_and(|v| v.trim() == "1"));
            assert!(
                !required,
                "{what} is required (MQAUTHZ_REQUIRE_TOOLS=1 or MQAUTHZ_REQUIRE_ACTIVEMQ=1) \
                 but not usable: {missing}. Run scripts/install-test-deps.sh to install it."
            );
            eprintln!(
                "skipping: {what} not usable ({missing}); scripts/install-test-deps.sh installs it"
            );
            false
        }
    }
}

/// Files ending in `ext` under `dir`, recursively, sorted.
pub fn files_with_ext(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == ext) {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}
