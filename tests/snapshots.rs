//! Snapshots of the rendered Markdown prep pack of every brief in `examples/`,
//! rendered by the binary with a fixed date. Review every change to a snapshot
//! (`cargo insta review`, or read the `.snap.new` files) before accepting it.

mod common;

use common::*;

#[test]
fn example_prep_packs() {
    let examples = manifest_dir().join("examples");
    let mut briefs: Vec<_> = std::fs::read_dir(&examples)
        .expect("examples/")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
        .collect();
    briefs.sort();
    assert!(
        briefs.len() >= 3,
        "expected at least three examples, found {briefs:?}"
    );

    for brief in briefs {
        let stem = brief
            .file_stem()
            .expect("stem")
            .to_string_lossy()
            .into_owned();
        // Run outside the repository, so that no project file or templates folder
        // of the working tree is picked up: only the built-in templates.
        let work = tempfile::tempdir().expect("temp dir");
        let r = run_in(
            work.path(),
            &[
                "render",
                brief.to_str().expect("utf-8 path"),
                "-o",
                "out",
                "--format",
                "md",
                "--today",
                TODAY,
            ],
        );
        assert_eq!(r.code, 0, "{stem}: {r:?}");
        let md = std::fs::read_to_string(work.path().join("out").join(&stem).join("prep-pack.md"))
            .unwrap_or_else(|e| panic!("{stem}: {e}"));
        insta::assert_snapshot!(format!("prep_pack_{stem}"), md);
    }
}
