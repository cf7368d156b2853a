//! Atomic writes: a temporary file in the same folder, then a rename over the
//! target. A reader (a PDF viewer, a browser) never sees half a file, and a failed
//! render leaves the previous good file in place.

use std::io::Write;
use std::path::Path;

pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let existing = std::fs::metadata(path).ok();
    // Skip the write when nothing changed: viewers do not reload, and the watcher
    // sees no event for it.
    if existing.as_ref().is_some_and(|m| unchanged(m, path, bytes)) {
        return Ok(());
    }
    write_through_temporary(path, bytes, existing.is_some())
}

/// [`write_atomic`] into a folder this process has just made ([`new_folder`]):
/// there is nothing at `path` to compare with or to keep safe, so no question
/// is asked about it first.
pub fn write_new(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_through_temporary(path, bytes, false)
}

/// Makes the folder `dir`; true when it did not exist before (its parents
/// are made as needed). A folder that exists already, or cannot be made,
/// gives false: writes into it then check what is there, and report why
/// they fail.
pub fn new_folder(dir: &Path) -> bool {
    match std::fs::create_dir(dir) {
        Ok(()) => true,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => dir.parent().is_some_and(|p| {
            std::fs::create_dir_all(p).is_ok() && std::fs::create_dir(dir).is_ok()
        }),
        Err(_) => false,
    }
}

/// Writes `bytes` to a temporary file beside `path`, then renames it over
/// `path`; `replacing`: a file is there now.
fn write_through_temporary(path: &Path, bytes: &[u8], replacing: bool) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut builder = tempfile::Builder::new();
    builder.prefix(".walkaway-").suffix(".tmp");
    // Outputs are documents to open and share, not secrets: readable like any
    // file the user saves (tempfile's default is owner-only).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o644));
    }
    // The folder is made only when it is missing: asking for it before each
    // file cost two system calls a file (1% of a 400-brief build).
    let mut tmp = match builder.tempfile_in(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(dir)?;
            builder.tempfile_in(dir)?
        }
        made => made?,
    };
    tmp.write_all(bytes)?;
    // When a file is replaced, its new bytes reach the disk before the rename
    // does, so that a crash or power cut leaves the previous good file or the
    // new one, never an empty one. A file new to this build has nothing to
    // lose, and outputs can always be built again: syncing each of those cost
    // a third of a 400-brief build's wall time on ext4 (README, Benchmarks).
    if replacing {
        tmp.as_file().sync_data()?;
    }
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// How old a temporary of ours must be before it counts as left behind: a write
/// takes milliseconds, so an older one belongs to a build that was killed (and
/// a younger one may be another build's, mid-write).
const STALE_AFTER: std::time::Duration = std::time::Duration::from_secs(10);

/// Remove the temporaries (`.walkaway-*.tmp`) a killed build left in `dir`.
/// Errors are ignored: this is tidying, and the next build tries again.
pub fn remove_stale_temporaries(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if !(name.starts_with(".walkaway-") && name.ends_with(".tmp")) {
            continue;
        }
        let old = entry
            .metadata()
            .ok()
            .filter(|m| m.is_file())
            .and_then(|m| m.modified().ok())
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > STALE_AFTER);
        if old {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Whether `path` is a regular file holding exactly `bytes`. Only a regular file
/// of the same length is read: whatever else sits at the path (a named pipe
/// would block the read) is replaced.
fn unchanged(meta: &std::fs::Metadata, path: &Path, bytes: &[u8]) -> bool {
    meta.is_file()
        && meta.len() == bytes.len() as u64
        && crate::input::read_limited(path, bytes.len()).is_ok_and(|old| old == bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_temporaries_are_removed_and_fresh_ones_kept() {
        let dir = tempfile::tempdir().expect("tempdir");
        let old = dir.path().join(".walkaway-AbC123.tmp");
        let fresh = dir.path().join(".walkaway-XyZ789.tmp");
        let other = dir.path().join("notes.tmp");
        for p in [&old, &fresh, &other] {
            std::fs::write(p, "x").expect("write");
        }
        let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        for p in [&old, &other] {
            let f = std::fs::File::options().write(true).open(p).expect("open");
            f.set_modified(hour_ago).expect("set mtime");
        }
        remove_stale_temporaries(dir.path());
        assert!(!old.exists());
        assert!(
            fresh.exists(),
            "another build's write in progress is left alone"
        );
        assert!(other.exists(), "only our own temporaries");
    }

    #[test]
    fn replaces_content_and_leaves_no_temporary_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        // Two folders that do not exist yet: both are made.
        let target = dir.path().join("sub/deeper/out.txt");
        write_atomic(&target, b"one").expect("write");
        write_atomic(&target, b"two").expect("write");
        assert_eq!(std::fs::read(&target).expect("read"), b"two");
        let names: Vec<_> = std::fs::read_dir(target.parent().expect("parent"))
            .expect("list")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
    }

    #[test]
    fn a_new_folder_is_made_once_and_written_into_without_temporaries() {
        let dir = tempfile::tempdir().expect("tempdir");
        let folder = dir.path().join("out/brief");
        assert!(new_folder(&folder), "made, with its parent");
        assert!(!new_folder(&folder), "there already");
        let file = dir.path().join("a-file");
        std::fs::write(&file, "x").expect("write");
        assert!(!new_folder(&file), "a file is no new folder");
        write_new(&folder.join("prep-pack.md"), b"one").expect("write");
        assert_eq!(
            std::fs::read(folder.join("prep-pack.md")).expect("read"),
            b"one"
        );
        let names: Vec<_> = std::fs::read_dir(&folder)
            .expect("list")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(names, ["prep-pack.md"]);
    }
}
