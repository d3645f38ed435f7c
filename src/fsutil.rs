//! File system helpers.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Write `bytes` to `path` atomically: a temporary file in the same folder
/// is written, flushed to disk and renamed over `path`. The original file's
/// owner, group and mode are kept (also when run as root: the temporary file
/// is given them before the rename); a new file gets the mode the umask
/// gives (`0o666 & !umask`), as `>` in a shell would. A symbolic link
/// at `path` is followed, so the file it points to is replaced. A device or
/// pipe at `path` (`/dev/null`, `/dev/stdout`) is written to directly. On any
/// failure the original file is untouched and the temporary file removed;
/// the error never names the temporary file (the caller names `path`).
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_atomic_with(path, bytes, |w, b| w.write_all(b))
}

/// [`write_atomic`] with the writing step injected (for tests of failures).
pub(crate) fn write_atomic_with(
    path: &Path,
    bytes: &[u8],
    write: impl FnOnce(&mut dyn Write, &[u8]) -> io::Result<()>,
) -> io::Result<()> {
    write_atomic_inner(path, bytes, write).map_err(without_path)
}

/// The error without the context that names a file: errors about the
/// temporary file carry its name, which means nothing to the user.
fn without_path(e: io::Error) -> io::Error {
    // tempfile wraps an error about its file as `ERROR at path "NAME"`
    let Some(wrapped) = e.get_ref() else {
        return e;
    };
    let message = wrapped.to_string();
    match message.rfind(" at path \"") {
        Some(at) => io::Error::new(e.kind(), message[..at].to_string()),
        None => e,
    }
}

fn write_atomic_inner(
    path: &Path,
    bytes: &[u8],
    write: impl FnOnce(&mut dyn Write, &[u8]) -> io::Result<()>,
) -> io::Result<()> {
    // A device or pipe (`/dev/null`, `/dev/stdout`, through any links):
    // write to it, never rename a file over it.
    if fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
        let mut f = fs::OpenOptions::new().write(true).open(path)?;
        write(&mut f, bytes)?;
        return f.flush();
    }
    let target = resolve_target(path)?;
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let existing = match fs::metadata(&target) {
        Ok(m) => {
            if m.is_dir() {
                return Err(io::Error::other(format!(
                    "`{}` is a folder",
                    target.display()
                )));
            }
            Some(m)
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(e),
    };
    let prefix = format!(
        ".{}.",
        target
            .file_name()
            .map_or_else(|| "mqauthz".into(), |n| n.to_string_lossy())
    );
    // The temporary file is deleted when `tmp` is dropped on any early return.
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    if existing.is_none() {
        // created with the mode a new file gets: the umask applies
        new_file_mode(&mut builder);
    }
    let mut tmp = builder.tempfile_in(&dir)?;
    if let Some(meta) = &existing {
        // before any byte is written: the content is never readable by
        // more people than the original allowed
        keep_owner_and_mode(tmp.as_file(), meta)?;
    }
    write(tmp.as_file_mut(), bytes)?;
    tmp.as_file_mut().flush()?;
    tmp.as_file().sync_all()?;
    tmp.persist(&target).map_err(|e| e.error)?;
    // Make the rename durable where the platform allows opening folders.
    if let Ok(d) = fs::File::open(&dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Follow symbolic links at `path` to the file that should be replaced.
fn resolve_target(path: &Path) -> io::Result<PathBuf> {
    let mut p = path.to_path_buf();
    for _ in 0..40 {
        match fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => {
                let link = fs::read_link(&p)?;
                p = match p.parent() {
                    Some(parent) if link.is_relative() => parent.join(link),
                    _ => link,
                };
            }
            _ => return Ok(p),
        }
    }
    Err(io::Error::other(format!(
        "too many symbolic links at `{}`",
        path.display()
    )))
}

/// A new file is opened with `0o666`; the kernel takes the umask away.
#[cfg(unix)]
fn new_file_mode(builder: &mut tempfile::Builder) {
    use std::os::unix::fs::PermissionsExt;
    builder.permissions(fs::Permissions::from_mode(0o666));
}

#[cfg(not(unix))]
fn new_file_mode(_builder: &mut tempfile::Builder) {}

/// Give the temporary file the original's owner, group and mode. Owner and
/// group first: changing them clears set-user-ID bits, which the mode then
/// restores. Only root may give a file away; others keep what they may
/// (the group when they belong to it), and the mode in every case.
#[cfg(unix)]
fn keep_owner_and_mode(file: &fs::File, original: &fs::Metadata) -> io::Result<()> {
    use std::os::unix::fs::{fchown, MetadataExt, PermissionsExt};
    let mine = file.metadata()?;
    if (mine.uid(), mine.gid()) != (original.uid(), original.gid()) {
        match fchown(file, Some(original.uid()), Some(original.gid())) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::PermissionDenied => {
                // not root: the group alone, when allowed
                let _ = fchown(file, None, Some(original.gid()));
            }
            Err(e) => return Err(e),
        }
    }
    file.set_permissions(fs::Permissions::from_mode(original.mode() & 0o7777))
}

#[cfg(not(unix))]
fn keep_owner_and_mode(file: &fs::File, original: &fs::Metadata) -> io::Result<()> {
    file.set_permissions(original.permissions())
}

/// The policy files named on a command line: a file (or `-`) as given, a
/// folder walked for `*.mqa` files the way ripgrep walks one (`.gitignore`,
/// `.ignore` and hidden files respected, also outside a git repository),
/// the files of each folder in sorted path order so the output is stable.
/// A folder holding no policy is an error.
pub(crate) fn policy_files(paths: &[String]) -> Result<Vec<String>, crate::error::Error> {
    use crate::error::Error;
    let mut out = Vec::new();
    for path in paths {
        if path == "-" || !Path::new(path).is_dir() {
            out.push(path.clone());
            continue;
        }
        let mut found = Vec::new();
        let walk = ignore::WalkBuilder::new(path)
            .require_git(false)
            .sort_by_file_path(|a, b| a.cmp(b))
            .build();
        for entry in walk {
            let entry = entry.map_err(|e| {
                let source = e
                    .io_error()
                    .map(|io| io::Error::new(io.kind(), io.to_string()))
                    .unwrap_or_else(|| io::Error::other(e.to_string()));
                Error::io("read", path, source)
            })?;
            let p = entry.path();
            if entry.file_type().is_some_and(|t| t.is_file())
                && p.extension().is_some_and(|x| x == "mqa")
            {
                found.push(p.to_string_lossy().into_owned());
            }
        }
        if found.is_empty() {
            return Err(Error::Usage(format!(
                "`{path}` holds no policy files (*.mqa)"
            )));
        }
        found.sort();
        out.extend(found);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .expect("read dir")
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn replaces_and_creates() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("broker.xml");
        write_atomic(&p, b"one").expect("create");
        assert_eq!(fs::read(&p).expect("read"), b"one");
        write_atomic(&p, b"two").expect("replace");
        assert_eq!(fs::read(&p).expect("read"), b"two");
        assert_eq!(names(dir.path()), vec!["broker.xml"]);
    }

    #[cfg(unix)]
    #[test]
    fn keeps_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("b.xml");
        fs::write(&p, b"x").expect("write");
        fs::set_permissions(&p, fs::Permissions::from_mode(0o640)).expect("chmod");
        write_atomic(&p, b"y").expect("write");
        let mode = fs::metadata(&p).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
    }

    #[cfg(unix)]
    #[test]
    fn keeps_owner_and_group() {
        use std::os::unix::fs::{chown, MetadataExt};
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("b.xml");
        fs::write(&p, b"x").expect("write");
        // only root can give a file away; others check the mode only
        if chown(&p, Some(65534), Some(65534)).is_err() {
            return;
        }
        write_atomic(&p, b"y").expect("write");
        let m = fs::metadata(&p).expect("meta");
        assert_eq!((m.uid(), m.gid()), (65534, 65534));
        assert_eq!(fs::read(&p).expect("read"), b"y");
    }

    #[cfg(unix)]
    #[test]
    fn follows_symlinks() {
        let dir = tempfile::tempdir().expect("tempdir");
        let real = dir.path().join("real.xml");
        fs::write(&real, b"x").expect("write");
        let link = dir.path().join("link.xml");
        std::os::unix::fs::symlink("real.xml", &link).expect("symlink");
        write_atomic(&link, b"y").expect("write");
        assert_eq!(fs::read(&real).expect("read"), b"y");
        assert!(fs::symlink_metadata(&link)
            .expect("meta")
            .file_type()
            .is_symlink());
    }

    #[test]
    fn failing_writer_leaves_original_and_no_temp() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("b.xml");
        fs::write(&p, b"original").expect("write");
        let err = write_atomic_with(&p, b"new", |w, b| {
            w.write_all(&b[..1])?;
            Err(io::Error::other("disk full"))
        })
        .expect_err("fails");
        assert_eq!(err.to_string(), "disk full");
        assert_eq!(fs::read(&p).expect("read"), b"original");
        assert_eq!(names(dir.path()), vec!["b.xml"]);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn full_disk_leaves_original_and_no_temp() {
        // The temporary file's bytes go to /dev/full, which fails with ENOSPC.
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("b.xml");
        fs::write(&p, b"original").expect("write");
        let err = write_atomic_with(&p, &[b'x'; 1 << 16], |_, b| {
            let mut full = fs::OpenOptions::new().write(true).open("/dev/full")?;
            full.write_all(b)
        })
        .expect_err("fails");
        assert_eq!(err.raw_os_error(), Some(28), "{err}");
        assert_eq!(fs::read(&p).expect("read"), b"original");
        assert_eq!(names(dir.path()), vec!["b.xml"]);
    }

    #[test]
    fn failure_after_a_partial_write_of_a_new_file_leaves_nothing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("new.xml");
        let big = vec![b'y'; 1 << 20];
        write_atomic_with(&p, &big, |w, b| {
            w.write_all(&b[..b.len() / 2])?;
            w.flush()?;
            Err(io::Error::new(io::ErrorKind::Interrupted, "killed"))
        })
        .expect_err("fails");
        assert!(!p.exists());
        assert!(names(dir.path()).is_empty());
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn devices_are_written_not_replaced() {
        use std::os::unix::fs::FileTypeExt;
        write_atomic(Path::new("/dev/null"), b"x").expect("write /dev/null");
        let err = write_atomic(Path::new("/dev/full"), b"x").expect_err("full");
        assert_eq!(err.raw_os_error(), Some(28));
        for dev in ["/dev/null", "/dev/full"] {
            let t = fs::metadata(dev).expect("meta").file_type();
            assert!(t.is_char_device(), "{dev}");
        }
    }

    #[test]
    fn parent_is_a_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let f = dir.path().join("file");
        fs::write(&f, b"x").expect("write");
        assert!(write_atomic(&f.join("b.xml"), b"y").is_err());
        assert_eq!(fs::read(&f).expect("read"), b"x");
        assert_eq!(names(dir.path()), vec!["file"]);
    }

    #[test]
    fn target_is_a_folder() {
        let dir = tempfile::tempdir().expect("tempdir");
        let sub = dir.path().join("sub");
        fs::create_dir(&sub).expect("mkdir");
        assert!(write_atomic(&sub, b"y").is_err());
        assert_eq!(names(dir.path()), vec!["sub"]);
    }

    #[cfg(unix)]
    #[test]
    fn read_only_folder() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let sub = dir.path().join("ro");
        fs::create_dir(&sub).expect("mkdir");
        let p = sub.join("b.xml");
        fs::write(&p, b"original").expect("write");
        fs::set_permissions(&sub, fs::Permissions::from_mode(0o555)).expect("chmod");
        let result = write_atomic(&p, b"new");
        fs::set_permissions(&sub, fs::Permissions::from_mode(0o755)).expect("chmod back");
        // Root may write anyway; either way nothing half-written remains.
        match result {
            Ok(()) => assert_eq!(fs::read(&p).expect("read"), b"new"),
            Err(_) => assert_eq!(fs::read(&p).expect("read"), b"original"),
        }
        assert_eq!(names(&sub), vec!["b.xml"]);
    }
}
