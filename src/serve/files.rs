//! Which file a request path names, and how it is served: the only place where a
//! URL becomes a path, so the rules that keep `serve` inside OUT live here, as
//! pure functions with a table test.
//!
//! A request path is percent-decoded once, then split on `/`. A segment that is
//! empty is skipped (`//x` is `/x`); a segment that starts with a dot (`.`,
//! `..`, hidden files, our own `.walkaway-*.tmp` files mid-write) or that is not
//! a plain file name (a backslash, a drive prefix, a NUL) makes the request a
//! 404. Segments are joined onto OUT one by one, so an absolute path cannot
//! replace the root, and the result is canonicalized (symlinks resolved) and must
//! still lie under the canonical OUT: a symlink out of OUT is a 404 too.
//!
//! A folder is never listed. A folder with an `index.html` serves it (OUT itself
//! serves the index page); any other folder is a 404. The brief folders hold
//! nothing the index does not already link, and a listing would show files in
//! the middle of being written.

use std::path::{Component, Path, PathBuf};

/// What a request path names.
#[derive(Debug, PartialEq, Eq)]
pub enum Target {
    /// A file under OUT (canonical path).
    File(PathBuf),
    /// A folder with an `index.html`, asked for without the trailing slash:
    /// redirect there, so that the page's relative links resolve.
    Redirect(String),
    NotFound,
}

/// Resolve `raw` (the request's path, still percent-encoded, without the query)
/// under `root`, which must be canonical.
pub fn resolve(root: &Path, raw: &str) -> Target {
    let Some(segments) = segments(raw) else {
        return Target::NotFound;
    };
    let mut candidate = root.to_path_buf();
    for s in &segments {
        candidate.push(s);
    }
    let Some(real) = inside(root, &candidate) else {
        return Target::NotFound;
    };
    if real.is_file() {
        // `/x.html/` names a folder that is not there; serving the file would
        // resolve its relative links against a folder that does not exist.
        return if raw.ends_with('/') {
            Target::NotFound
        } else {
            Target::File(real)
        };
    }
    if !real.is_dir() {
        return Target::NotFound;
    }
    match inside(root, &real.join(crate::index::FILE_NAME)) {
        Some(index) if index.is_file() => {
            if segments.is_empty() || raw.ends_with('/') {
                Target::File(index)
            } else {
                // Built from the checked segments, never from the raw path: a
                // request for `//elsewhere.example` cannot redirect off the site.
                let path: Vec<String> = segments
                    .iter()
                    .map(|s| crate::index::url_segment(s))
                    .collect();
                Target::Redirect(format!("/{}/", path.join("/")))
            }
        }
        _ => Target::NotFound,
    }
}

/// The decoded, checked segments of a request path; None when any is refused.
/// The path is split before it is decoded: an encoded `/` (`%2F`) is part of a
/// name, and no name holds one.
pub fn segments(raw: &str) -> Option<Vec<String>> {
    let mut out = Vec::new();
    for s in raw.split('/') {
        let s = percent_decode(s)?;
        let s = s.as_str();
        if s.is_empty() {
            continue;
        }
        if s.contains('/') {
            return None;
        }
        let mut parts = Path::new(s).components();
        let plain = matches!(parts.next(), Some(Component::Normal(_))) && parts.next().is_none();
        if s.starts_with('.') || s.contains(['\\', '\0']) || !plain {
            return None;
        }
        out.push(s.to_string());
    }
    Some(out)
}

/// `path` canonicalized, when it exists and lies under `root`.
fn inside(root: &Path, path: &Path) -> Option<PathBuf> {
    let real = std::fs::canonicalize(path).ok()?;
    real.starts_with(root).then_some(real)
}

/// `%XX` escapes decoded (once); None for a malformed escape or text that is
/// not UTF-8.
fn percent_decode(raw: &str) -> Option<String> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The `Content-Type` of a served file, by extension. Markdown, e-mails and
/// Typst source are sent as plain text, so that the browser shows them instead
/// of offering a download.
pub fn content_type(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "pdf" => "application/pdf",
        "json" => "application/json",
        "md" | "eml" | "typ" | "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "css" => "text/css; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// The brief whose outputs a request path names (`/van/prep-pack.html` → `van`).
pub fn brief_of(raw: &str) -> Option<String> {
    let segments = segments(raw)?;
    (segments.len() >= 2).then(|| segments[0].clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_resolve_inside_out_or_not_at_all() {
        let dir = tempfile::tempdir().expect("tempdir");
        let base = std::fs::canonicalize(dir.path()).expect("canonical");
        let root = base.join("out");
        std::fs::create_dir_all(root.join("van")).expect("mkdir");
        std::fs::create_dir_all(root.join("site")).expect("mkdir");
        std::fs::write(root.join("index.html"), "index").expect("write");
        std::fs::write(root.join("van/prep-pack.html"), "pack").expect("write");
        std::fs::write(root.join("van/.walkaway-1.tmp"), "half").expect("write");
        std::fs::write(root.join("site/index.html"), "site").expect("write");
        std::fs::write(base.join("secret.txt"), "secret").expect("write");
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(base.join("secret.txt"), root.join("van/out.txt"))
                .expect("symlink");
            std::os::unix::fs::symlink(&base, root.join("up")).expect("symlink");
            std::os::unix::fs::symlink(root.join("van/prep-pack.html"), root.join("pack.html"))
                .expect("symlink");
        }
        let file = |p: &str| Target::File(root.join(p));
        let cases: Vec<(&str, Target)> = vec![
            ("/", file("index.html")),
            ("/index.html", file("index.html")),
            ("/van/prep-pack.html", file("van/prep-pack.html")),
            ("//van//prep-pack.html", file("van/prep-pack.html")),
            ("/%76an/prep-pack.html", file("van/prep-pack.html")),
            ("/site", Target::Redirect("/site/".into())),
            ("/site/", file("site/index.html")),
            ("/van/", Target::NotFound),
            ("/van", Target::NotFound),
            ("/../secret.txt", Target::NotFound),
            ("/van/../../secret.txt", Target::NotFound),
            ("/%2e%2e/secret.txt", Target::NotFound),
            ("/%2E%2E/secret.txt", Target::NotFound),
            ("/..%2fsecret.txt", Target::NotFound),
            ("/van%2f..%2f..%2fsecret.txt", Target::NotFound),
            ("/%2fetc%2fpasswd", Target::NotFound),
            ("/..\\secret.txt", Target::NotFound),
            ("/..%5csecret.txt", Target::NotFound),
            ("/%252e%252e/secret.txt", Target::NotFound),
            ("/van/prep-pack.html%00", Target::NotFound),
            ("/%zz", Target::NotFound),
            ("/%ff", Target::NotFound),
            ("/./index.html", Target::NotFound),
            ("/van/.walkaway-1.tmp", Target::NotFound),
            ("/missing.html", Target::NotFound),
            ("/etc/passwd", Target::NotFound),
            ("/C:/secret.txt", Target::NotFound),
            ("/index.html/", Target::NotFound),
            ("/van/prep-pack.html/", Target::NotFound),
            ("/van%2fprep-pack.html", Target::NotFound),
            ("/van%2Fprep-pack.html", Target::NotFound),
        ];
        for (raw, want) in cases {
            assert_eq!(resolve(&root, raw), want, "{raw}");
        }
        #[cfg(unix)]
        for (raw, want) in [
            ("/van/out.txt", Target::NotFound),
            ("/up/secret.txt", Target::NotFound),
            ("/pack.html", file("van/prep-pack.html")),
        ] {
            assert_eq!(resolve(&root, raw), want, "{raw}");
        }
        let absolute = base.join("secret.txt");
        assert_eq!(
            resolve(&root, &absolute.to_string_lossy()),
            Target::NotFound
        );
    }

    #[test]
    fn content_types_let_the_browser_show_each_output() {
        for (name, ty) in [
            ("prep-pack.html", "text/html; charset=utf-8"),
            ("prep-pack.pdf", "application/pdf"),
            ("assessment.json", "application/json"),
            ("email.eml", "text/plain; charset=utf-8"),
            ("letter.md", "text/plain; charset=utf-8"),
            ("prep-pack.typ", "text/plain; charset=utf-8"),
            ("x.bin", "application/octet-stream"),
        ] {
            assert_eq!(content_type(Path::new(name)), ty, "{name}");
        }
    }

    #[test]
    fn the_brief_of_a_path_is_its_first_folder() {
        assert_eq!(brief_of("/van/prep-pack.html").as_deref(), Some("van"));
        assert_eq!(brief_of("/a%20b/prep-pack.html").as_deref(), Some("a b"));
        assert_eq!(brief_of("/index.html"), None);
        assert_eq!(brief_of("/"), None);
    }
}
