//! Reading a user's input file (a brief, a rules file, `walkaway.yaml`, a
//! template) without trusting what the path names.
//!
//! A path may name a named pipe (opening it blocks until a writer comes, which
//! may be never), a device such as `/dev/zero` (reading never ends), a folder,
//! or a file far larger than any brief. So: only regular files are read, the
//! file is opened non-blocking (should the path be swapped for a pipe between
//! the check and the open, the open still returns, and the opened file is
//! checked again), and no more than the limit plus one byte is ever read.

use std::fs::{File, Metadata, OpenOptions};
use std::io::Read;
use std::path::Path;

/// Why a file was not read.
#[derive(Debug)]
pub enum ReadError {
    /// Not a regular file; says what it is instead ("a named pipe (FIFO)").
    NotAFile(&'static str),
    /// Larger than the limit. `head` holds the first `limit + 1` bytes read
    /// (empty when the size was known without reading).
    TooLarge {
        len: u64,
        head: Vec<u8>,
    },
    Io(std::io::Error),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::NotAFile(what) => write!(f, "this is {what}, not a file"),
            ReadError::TooLarge { len, .. } => write!(f, "the file is {len} bytes long"),
            ReadError::Io(e) => write!(f, "{e}"),
        }
    }
}

/// The bytes of the regular file at `path`, at most `limit` of them.
pub fn read_limited(path: &Path, limit: usize) -> Result<Vec<u8>, ReadError> {
    // `metadata` follows symbolic links: a link to a brief is a brief.
    let meta = std::fs::metadata(path).map_err(ReadError::Io)?;
    regular(&meta)?;
    let file = open_nonblocking(path).map_err(ReadError::Io)?;
    // What was opened may not be what was looked at a moment ago.
    regular(&file.metadata().map_err(ReadError::Io)?)?;
    // Sized from the file's length up front: `take` hides the size from
    // `read_to_end`, which would otherwise grow the buffer step by step.
    let expected = usize::try_from(meta.len()).unwrap_or(limit).min(limit) + 1;
    let mut bytes = Vec::with_capacity(expected);
    file.take(limit as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() > limit {
        let len = meta.len().max(bytes.len() as u64);
        return Err(ReadError::TooLarge { len, head: bytes });
    }
    Ok(bytes)
}

/// Whether the path names a regular file (following links), without opening it.
pub fn is_regular_file(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.is_file())
}

fn regular(meta: &Metadata) -> Result<(), ReadError> {
    if meta.is_file() {
        return Ok(());
    }
    Err(ReadError::NotAFile(kind(meta)))
}

/// What a path that is not a regular file is, in plain words.
fn kind(meta: &Metadata) -> &'static str {
    if meta.is_dir() {
        return "a folder";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
    }
    "a special file"
}

fn open_nonblocking(path: &Path) -> std::io::Result<File> {
    let mut opts = OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.custom_flags(libc::O_NONBLOCK);
    }
    opts.open(path)
}

/// The names of the YAML files (`*.yaml`, `*.yml`) in `folder`, for a "did
/// you mean" when a named file is missing; none when it cannot be read.
pub fn yaml_file_names(folder: &Path) -> Vec<String> {
    std::fs::read_dir(folder)
        .map(|entries| {
            entries
                .flatten()
                .filter(|e| e.path().is_file())
                .filter_map(|e| e.file_name().into_string().ok())
                .filter(|n| n.ends_with(".yaml") || n.ends_with(".yml"))
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_regular_files_up_to_the_limit() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("a.yaml");
        std::fs::write(&p, "title: x\n").expect("write");
        assert_eq!(read_limited(&p, 9).expect("fits"), b"title: x\n");
        match read_limited(&p, 4) {
            Err(ReadError::TooLarge { len, head }) => {
                assert_eq!(len, 9);
                assert_eq!(head, b"title");
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            read_limited(dir.path(), 10),
            Err(ReadError::NotAFile("a folder"))
        ));
    }

    #[cfg(unix)]
    #[test]
    fn devices_and_pipes_are_refused_without_reading() {
        assert!(matches!(
            read_limited(Path::new("/dev/zero"), 10),
            Err(ReadError::NotAFile("a device"))
        ));
        let dir = tempfile::tempdir().expect("tempdir");
        let fifo = dir.path().join("pipe.yaml");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo");
        assert!(made.success());
        assert!(matches!(
            read_limited(&fifo, 10),
            Err(ReadError::NotAFile("a named pipe (FIFO)"))
        ));
        assert!(!is_regular_file(&fifo));
    }
}
