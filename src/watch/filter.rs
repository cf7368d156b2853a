//! The watcher's event filter: which paths matter and what kind of change each
//! one is. A pure function over paths (no file system access), so the whole
//! decision table is tested below, like zola's `fs_utils.rs`.
//!
//! Editors save in many ways (in place, truncate-and-write, write a temporary
//! file and rename it over the original) and leave swap, backup and lock files
//! behind; none of those may trigger a build. Nor may our own outputs, or the
//! watcher would rebuild forever when the output folder lies inside the watched one.

use std::path::{Path, PathBuf};

use notify::EventKind;
use notify::event::{AccessKind, AccessMode, MetadataKind, ModifyKind};

/// What a changed path means to the watcher.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// A file that looks like a brief (the loop confirms with `build::discover`).
    Brief(PathBuf),
    /// Something else under the watched folder that is not ignored: possibly a
    /// folder of briefs moved in or out, so the briefs are looked for again.
    Tree,
    /// The rules file in use (or one it was built from).
    Rules,
    /// A template in the templates folder in use, or that folder itself.
    Template,
    /// `walkaway.yaml` (the one in use, or where one would be found).
    Config,
    Ignore,
}

/// Where things are. All paths absolute and canonical (event paths are reported
/// under the canonical roots the watcher was given), so plain prefix tests work.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    /// The folder holding the briefs.
    pub dir: PathBuf,
    /// The output folder (ignored even when it lies inside `dir`).
    pub out: PathBuf,
    pub config: Option<PathBuf>,
    /// The user's rules files (empty for the built-in rules).
    pub rules: Vec<PathBuf>,
    /// The templates folder (None for the built-in templates only).
    pub templates: Option<PathBuf>,
}

/// Whether an event of this kind can mean new content. Opening and reading a
/// file is not a change: the build itself reads every brief, and counting those
/// reads (inotify reports them) would make the watcher rebuild forever.
pub fn matters(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime)) => false,
        _ => true,
    }
}

/// Editor swap, backup, lock and temporary files, and our own atomic-write
/// temporaries. Matched on the file name alone.
pub fn is_editor_temp(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    // vim: `.x.swp`, `.x.swo`, … (`.sw[a-z]`); the probe file `4913` it writes to
    // test whether the folder is writable; backups `x~`. Compared as bytes: a
    // name may hold any character, and slicing a `str` mid-character panics.
    let vim_swap = matches!(lower.as_bytes(), [.., b'.', b's', b'w', c] if c.is_ascii_lowercase());
    vim_swap
        || name == "4913"
        || name.ends_with('~')
        // emacs: auto-save `#x#`, lock symlink `.#x`.
        || (name.starts_with('#') && name.ends_with('#') && name.len() > 1)
        || name.starts_with(".#")
        // JetBrains "safe write": `x___jb_tmp___`, `x___jb_old___`.
        || name.contains("___jb_tmp___")
        || name.contains("___jb_old___")
        || name.contains("__jb_tmp__")
        // Generic temporaries (VS Code, gedit's `.goutputstream-*`, kate's
        // `.kate-swp`, ours `.walkaway-*.tmp`), and Finder's litter.
        || lower.ends_with(".tmp")
        || lower.ends_with(".temp")
        || lower.ends_with(".bak")
        || lower.ends_with(".kate-swp")
        || name.starts_with(".goutputstream-")
        || name.starts_with(".walkaway-")
        || name == ".DS_Store"
}

/// What a change at `path` means.
pub fn classify(path: &Path, scope: &Scope) -> Change {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return Change::Ignore;
    };
    if is_editor_temp(name) || path.starts_with(&scope.out) {
        return Change::Ignore;
    }
    if scope.config.as_deref() == Some(path) {
        return Change::Config;
    }
    if scope.rules.iter().any(|r| r == path) {
        return Change::Rules;
    }
    if let Some(t) = &scope.templates {
        if path == t || (path.parent() == Some(t.as_path()) && name.ends_with(".tera")) {
            return Change::Template;
        }
        if path.starts_with(t) {
            return Change::Ignore;
        }
    }
    let Ok(rel) = path.strip_prefix(&scope.dir) else {
        return Change::Ignore;
    };
    // Hidden files and folders (.git, .idea, …) never hold briefs (as in `discover`).
    if rel
        .components()
        .any(|c| c.as_os_str().to_string_lossy().starts_with('.'))
    {
        return Change::Ignore;
    }
    if crate::build::is_brief_name(name) {
        return Change::Brief(path.to_path_buf());
    }
    if rel.as_os_str().is_empty() || path.extension().is_none() {
        // The watched folder itself, or something without an extension: maybe a
        // folder (an event for a moved folder names only the folder).
        Change::Tree
    } else {
        Change::Ignore
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{CreateKind, DataChange, RemoveKind, RenameMode};

    fn scope() -> Scope {
        Scope {
            dir: PathBuf::from("/p"),
            out: PathBuf::from("/p/out"),
            config: Some(PathBuf::from("/p/walkaway.yaml")),
            rules: vec![PathBuf::from("/p/rules/house.yaml")],
            templates: Some(PathBuf::from("/p/templates")),
        }
    }

    #[test]
    fn classifies_paths() {
        let brief = |p: &str| Change::Brief(PathBuf::from(p));
        let table: &[(&str, Change)] = &[
            // Briefs, at any depth.
            ("/p/van.yaml", brief("/p/van.yaml")),
            ("/p/briefs/van.yml", brief("/p/briefs/van.yml")),
            ("/p/briefs/deep/job.yaml", brief("/p/briefs/deep/job.yaml")),
            // Rule fixtures of `walkaway test` are not briefs.
            ("/p/briefs/van.test.yaml", Change::Ignore),
            ("/p/tests/van.test.yml", Change::Ignore),
            // The inputs shared by every brief.
            ("/p/walkaway.yaml", Change::Config),
            ("/p/rules/house.yaml", Change::Rules),
            ("/p/templates/prep-pack.md.tera", Change::Template),
            ("/p/templates", Change::Template),
            ("/p/templates/notes.txt", Change::Ignore),
            ("/p/templates/.prep-pack.md.tera.swp", Change::Ignore),
            // A yaml file in rules/ that is not the one in use: the loop's
            // `discover` decides (it skips rules/).
            ("/p/rules/other.yaml", brief("/p/rules/other.yaml")),
            // Our own output folder, even though it lies inside the watched one.
            ("/p/out/van/prep-pack.md", Change::Ignore),
            ("/p/out/van/assessment.json", Change::Ignore),
            ("/p/out/van", Change::Ignore),
            ("/p/out", Change::Ignore),
            ("/p/out/van/.walkaway-a1B2c3.tmp", Change::Ignore),
            // vim (backupcopy=no): probe file, backup, swap files.
            ("/p/4913", Change::Ignore),
            ("/p/van.yaml~", Change::Ignore),
            ("/p/.van.yaml.swp", Change::Ignore),
            ("/p/.van.yaml.swx", Change::Ignore),
            ("/p/.van.yaml.swo", Change::Ignore),
            // emacs: auto-save and lock files.
            ("/p/#van.yaml#", Change::Ignore),
            ("/p/.#van.yaml", Change::Ignore),
            // JetBrains safe write.
            ("/p/van.yaml___jb_tmp___", Change::Ignore),
            ("/p/van.yaml___jb_old___", Change::Ignore),
            // Other temporaries and litter.
            ("/p/van.yaml.tmp", Change::Ignore),
            ("/p/.goutputstream-XYZ123", Change::Ignore),
            ("/p/.van.yaml.kate-swp", Change::Ignore),
            ("/p/.DS_Store", Change::Ignore),
            ("/p/.walkaway-x.tmp", Change::Ignore),
            // Hidden files and folders.
            ("/p/.hidden.yaml", Change::Ignore),
            ("/p/.git/config.yaml", Change::Ignore),
            ("/p/.git/index", Change::Ignore),
            // Not briefs.
            ("/p/README.md", Change::Ignore),
            ("/p/notes.txt", Change::Ignore),
            // Possibly a folder moved in or out.
            ("/p/briefs", Change::Tree),
            ("/p", Change::Tree),
            // Outside everything we watch.
            ("/elsewhere/van.yaml", Change::Ignore),
            ("/elsewhere/walkaway.yaml", Change::Ignore),
        ];
        let s = scope();
        for (path, want) in table {
            assert_eq!(classify(Path::new(path), &s), *want, "{path}");
        }
    }

    #[test]
    fn output_folder_outside_and_shared_inputs_outside_the_watched_folder() {
        let s = Scope {
            dir: PathBuf::from("/p/briefs"),
            out: PathBuf::from("/q/out"),
            config: Some(PathBuf::from("/p/walkaway.yaml")),
            rules: vec![PathBuf::from("/shared/house.yaml")],
            templates: Some(PathBuf::from("/shared/templates")),
        };
        assert_eq!(classify(Path::new("/shared/house.yaml"), &s), Change::Rules);
        assert_eq!(
            classify(Path::new("/shared/house.yaml~"), &s),
            Change::Ignore
        );
        assert_eq!(
            classify(Path::new("/shared/other.yaml"), &s),
            Change::Ignore
        );
        assert_eq!(
            classify(Path::new("/shared/templates/letter.md.tera"), &s),
            Change::Template
        );
        assert_eq!(classify(Path::new("/p/walkaway.yaml"), &s), Change::Config);
        assert_eq!(classify(Path::new("/p/other.yaml"), &s), Change::Ignore);
        assert_eq!(
            classify(Path::new("/q/out/van/prep-pack.md"), &s),
            Change::Ignore
        );
        assert_eq!(
            classify(Path::new("/p/briefs/van.yaml"), &s),
            Change::Brief(PathBuf::from("/p/briefs/van.yaml"))
        );
    }

    #[test]
    fn built_in_rules_and_templates() {
        let s = Scope {
            rules: Vec::new(),
            templates: None,
            ..scope()
        };
        assert_eq!(
            classify(Path::new("/p/templates/prep-pack.md.tera"), &s),
            Change::Ignore
        );
        assert_eq!(
            classify(Path::new("/p/rules/house.yaml"), &s),
            Change::Brief(PathBuf::from("/p/rules/house.yaml"))
        );
    }

    #[test]
    fn event_kinds() {
        let table: &[(EventKind, bool)] = &[
            (EventKind::Create(CreateKind::File), true),
            (EventKind::Remove(RemoveKind::File), true),
            (EventKind::Modify(ModifyKind::Data(DataChange::Any)), true),
            (EventKind::Modify(ModifyKind::Name(RenameMode::To)), true),
            (EventKind::Modify(ModifyKind::Name(RenameMode::From)), true),
            (EventKind::Modify(ModifyKind::Name(RenameMode::Both)), true),
            (
                EventKind::Modify(ModifyKind::Metadata(MetadataKind::WriteTime)),
                true,
            ),
            (
                EventKind::Modify(ModifyKind::Metadata(MetadataKind::Any)),
                true,
            ),
            (
                EventKind::Access(AccessKind::Close(AccessMode::Write)),
                true,
            ),
            (EventKind::Any, true),
            // Reading is not changing (the build reads every brief).
            (EventKind::Access(AccessKind::Open(AccessMode::Any)), false),
            (
                EventKind::Access(AccessKind::Close(AccessMode::Read)),
                false,
            ),
            (EventKind::Access(AccessKind::Read), false),
            (
                EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime)),
                false,
            ),
        ];
        for (kind, want) in table {
            assert_eq!(matters(kind), *want, "{kind:?}");
        }
    }
}
