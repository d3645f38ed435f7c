//! Failures that have no position in user input: unreadable files, failed
//! writes, bad combinations of arguments. They exit with status 2.

use std::fmt;
use std::io;
use std::path::PathBuf;

#[derive(Debug)]
pub enum Error {
    /// Reading or writing a file failed.
    Io {
        action: &'static str,
        path: PathBuf,
        source: io::Error,
    },
    /// The command line asks for something that cannot be done.
    Usage(String),
    /// mqauthz found a fault of its own (its output failed translation
    /// validation); nothing was written.
    Internal(String),
}

impl Error {
    pub fn io(action: &'static str, path: impl Into<PathBuf>, source: io::Error) -> Error {
        Error::Io {
            action,
            path: path.into(),
            source,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io {
                action,
                path,
                source,
            } => write!(f, "cannot {action} `{}`: {source}", path.display()),
            Error::Usage(msg) => f.write_str(msg),
            Error::Internal(msg) => write!(f, "internal error: {msg}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            Error::Usage(_) | Error::Internal(_) => None,
        }
    }
}
