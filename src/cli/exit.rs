//! The exit codes of every command, one contract: shown at the end of each
//! command's `--help`; the README's table repeats them (a test keeps the two
//! equal). `audit`, `completions` and `man` state theirs after their own notes.

macro_rules! exit_status {
    ($ok:expr, $findings:expr, $error:expr) => {
        concat!(
            "Exit status:\n  0  ",
            $ok,
            "\n  1  ",
            $findings,
            "\n  2  ",
            $error
        )
    };
}

pub(super) const CHECK: &str = exit_status!(
    "nothing fails the run (warnings and notes alone)",
    "findings that fail the run: errors, warnings under --deny-warnings, located errors in the input",
    "could not run: an unreadable file, bad arguments (every other file is still checked, into one document)"
);

pub(super) const COMPILE: &str = exit_status!(
    "written; with --check: CONFIG is up to date",
    "input refused with located diagnostics, nothing written; with --check: CONFIG would change, and nothing else",
    "could not run: an unreadable or unwritable file, bad arguments, an internal error; with --check: could not decide (also a malformed configuration or a policy with errors)"
);

pub(super) const EXPLAIN: &str = exit_status!(
    "answered",
    "input refused with located diagnostics",
    "could not run: an unreadable file, an unknown group, bad arguments"
);

pub(super) const DIFF: &str = exit_status!(
    "the same (with --fail-on new-access: nothing new is granted)",
    "different (with --fail-on new-access: NEW grants what OLD does not), and nothing else",
    "could not decide: an unreadable file, a malformed configuration, a policy with errors, bad arguments"
);

pub(super) const FMT: &str = exit_status!(
    "formatted; with --check or --diff: every file is formatted",
    "a file refused with located syntax errors; with --check or --diff: a file would change, and nothing else",
    "could not run: an unreadable or unwritable file, bad arguments; with --check or --diff: could not decide (also syntax errors). Every file is processed; the worst status wins"
);

pub(super) const IMPORT: &str = exit_status!(
    "imported",
    "input refused with located diagnostics, or a configuration without a map to import",
    "could not run: an unreadable file, a policy instead of a configuration, bad arguments"
);

pub(super) const REVIEW: &str = exit_status!(
    "rendered; with --check: REVIEW_FILE is up to date",
    "input refused with located diagnostics; with --check: REVIEW_FILE is stale, and nothing else",
    "could not run: an unreadable or unwritable file, bad arguments; with --check: could not decide (also input refused with located diagnostics)"
);

pub(super) const RULES: &str = exit_status!("listed", "never", "an unknown rule, bad arguments");
