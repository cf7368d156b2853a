//! `walkaway watch` end to end: the real binary on a temporary project, changed
//! the ways editors change files. Every step waits (with a timeout) for what a
//! user would see — the new verdict in `assessment.json`, a diagnostic — never
//! for a fixed time; a fixed wait would be either slow or flaky.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const TIMEOUT: Duration = Duration::from_secs(10);

fn van(offer: u32) -> String {
    format!(
        "title: Used van\nside: buyer\nterms:\n  - id: price\n    unit: EUR\n    wish: 7500\n    want: 8200\n    walk: 9000\n    offer: {offer}\nalternatives:\n  - {{ name: Van from the auction, terms: {{ price: 8900 }} }}\n"
    )
}

/// A project: walkaway.yaml pointing at a rules file that extends the defaults,
/// the output folder inside the watched one (so a rebuild loop would show), one brief.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path();
    std::fs::create_dir_all(p.join("rules")).expect("mkdir");
    std::fs::write(
        p.join("walkaway.yaml"),
        "rules: rules/house.yaml\nout: out/\n",
    )
    .expect("write");
    std::fs::write(p.join("rules/house.yaml"), "version: 1\nextends: default\n").expect("write");
    std::fs::write(p.join("van.yaml"), van(8100)).expect("write");
    dir
}

/// The running watcher; killed when dropped, so a failing test leaves no process behind.
struct Watcher {
    child: Child,
    log: Arc<Mutex<String>>,
}

impl Drop for Watcher {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Watcher {
    fn start(dir: &Path, extra: &[&str]) -> Watcher {
        Watcher::start_on(dir, ".", extra)
    }

    /// Watch `target` (a folder inside `dir`).
    fn start_on(dir: &Path, target: &str, extra: &[&str]) -> Watcher {
        let w = Watcher::spawn_on(dir, target, extra);
        w.wait_log("watching", "the banner");
        w
    }

    /// Start watching without waiting for the banner.
    fn spawn_on(dir: &Path, target: &str, extra: &[&str]) -> Watcher {
        let mut child = Command::new(env!("CARGO_BIN_EXE_walkaway"))
            .args([
                "watch",
                target,
                "--today",
                "2026-11-23",
                "--format",
                "md,json",
            ])
            .args(extra)
            .current_dir(dir)
            .env("NO_COLOR", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start walkaway watch");
        let log = Arc::new(Mutex::new(String::new()));
        for stream in [
            child
                .stdout
                .take()
                .map(|s| Box::new(s) as Box<dyn Read + Send>),
            child
                .stderr
                .take()
                .map(|s| Box::new(s) as Box<dyn Read + Send>),
        ]
        .into_iter()
        .flatten()
        {
            let log = Arc::clone(&log);
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    let mut l = log.lock().expect("log");
                    l.push_str(&line);
                    l.push('\n');
                }
            });
        }
        Watcher { child, log }
    }

    fn log(&self) -> String {
        self.log.lock().expect("log").clone()
    }

    fn alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Wait until `ok` holds, or fail with what the watcher printed.
    fn wait(&self, what: &str, mut ok: impl FnMut() -> bool) {
        let start = Instant::now();
        while start.elapsed() < TIMEOUT {
            if ok() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!(
            "timed out waiting for {what}; the watcher printed:\n{}",
            self.log()
        );
    }

    fn wait_log(&self, needle: &str, what: &str) {
        self.wait(what, || self.log().contains(needle));
    }

    fn wait_verdict(&self, file: &Path, verdict: &str) {
        let needle = format!("\"verdict\": \"{verdict}\"");
        self.wait(&format!("{} to say {verdict}", file.display()), || {
            std::fs::read_to_string(file).is_ok_and(|s| s.contains(&needle))
        });
    }

    /// How many build lines name this brief.
    fn lines_for(&self, name: &str) -> usize {
        self.log()
            .lines()
            .filter(|l| l.split_whitespace().nth(1) == Some(name))
            .count()
    }
}

fn assessment(dir: &Path, brief: &str) -> PathBuf {
    dir.join("out").join(brief).join("assessment.json")
}

#[test]
fn regenerates_on_every_kind_of_save_and_survives_broken_ones() {
    let project = project();
    let p = project.path();
    let w = Watcher::start(p, &[]);
    let van_json = assessment(p, "van");
    w.wait_verdict(&van_json, "proceed");

    // An in-place write (truncate and write, as most editors do).
    std::fs::write(p.join("van.yaml"), van(9400)).expect("write");
    w.wait_verdict(&van_json, "walk");

    // A save by rename: write a temporary file, rename it over the brief (vim with
    // backupcopy=no, JetBrains' safe write, VS Code on some systems).
    std::fs::write(p.join("van.yaml___jb_tmp___"), van(8000)).expect("write");
    std::fs::rename(p.join("van.yaml___jb_tmp___"), p.join("van.yaml")).expect("rename");
    w.wait_verdict(&van_json, "proceed");

    // vim's way: back up by rename, write the new file, delete the backup.
    std::fs::rename(p.join("van.yaml"), p.join("van.yaml~")).expect("rename");
    std::fs::write(p.join("van.yaml"), van(9500)).expect("write");
    std::fs::remove_file(p.join("van.yaml~")).expect("remove");
    w.wait_verdict(&van_json, "walk");

    // A broken save: the diagnostic, located; the process lives; outputs untouched.
    let md = p.join("out/van/prep-pack.md");
    let before = (
        std::fs::read(&van_json).expect("read"),
        std::fs::read(&md).expect("read"),
    );
    std::fs::write(p.join("van.yaml"), "title: [Used van\nside: buyer\n").expect("write");
    w.wait_log("van.yaml:", "the located diagnostic");
    w.wait_log("the last good outputs were kept", "the failure line");
    let mut w = w;
    assert!(
        w.alive(),
        "the watcher died on a broken brief:\n{}",
        w.log()
    );
    let after = (
        std::fs::read(&van_json).expect("read"),
        std::fs::read(&md).expect("read"),
    );
    assert!(before == after, "a broken save changed the outputs");

    // Fixed: regenerated.
    std::fs::write(p.join("van.yaml"), van(8100)).expect("write");
    w.wait_verdict(&van_json, "proceed");

    // A new brief is built.
    std::fs::write(p.join("truck.yaml"), van(8150).replace("Used van", "Truck")).expect("write");
    let truck_json = assessment(p, "truck");
    w.wait_verdict(&truck_json, "proceed");

    // The rules change: every brief is built again under the new rules.
    std::fs::write(
        p.join("rules/house.yaml"),
        "version: 1\nextends: default\ncaution_below: 99\n",
    )
    .expect("write");
    w.wait_verdict(&van_json, "caution");
    w.wait_verdict(&truck_json, "caution");

    // A broken rules file: the diagnostic; the old rules are kept; nothing is written.
    let before = std::fs::read(&van_json).expect("read");
    std::fs::write(
        p.join("rules/house.yaml"),
        "version: 1\nextends: default\ncaution_below: [99\n",
    )
    .expect("write");
    w.wait_log("not reloaded", "the failed reload");
    assert!(
        w.alive(),
        "the watcher died on a broken rules file:\n{}",
        w.log()
    );
    assert_eq!(std::fs::read(&van_json).expect("read"), before);
    let (van_before, truck_before) = (w.lines_for("van"), w.lines_for("truck"));
    std::fs::write(p.join("rules/house.yaml"), "version: 1\nextends: default\n").expect("write");
    w.wait_verdict(&van_json, "proceed");
    w.wait_verdict(&truck_json, "proceed");
    // The outputs are written before the build's line is printed: wait for the
    // lines too, so that the count below starts after them.
    w.wait("the rebuilds' lines", || {
        w.lines_for("van") > van_before && w.lines_for("truck") > truck_before
    });

    // Swap, backup and temporary files trigger nothing. A save of the other brief
    // afterwards is the marker: once it is built, anything the junk would have
    // triggered (or a loop on our own outputs) would have shown.
    let van_lines = w.lines_for("van");
    for junk in [
        ".van.yaml.swp",
        ".van.yaml.swx",
        "van.yaml~",
        "#van.yaml#",
        ".#van.yaml",
        "4913",
        "van.yaml.tmp",
        ".DS_Store",
    ] {
        std::fs::write(p.join(junk), van(9900)).expect("write junk");
    }
    std::fs::write(p.join("truck.yaml"), van(9900).replace("Used van", "Truck")).expect("write");
    w.wait_verdict(&truck_json, "walk");
    assert_eq!(
        w.lines_for("van"),
        van_lines,
        "junk files or our own outputs triggered a build:\n{}",
        w.log()
    );
    assert!(w.alive());
}

#[test]
fn a_deleted_brief_keeps_its_outputs_unless_pruned() {
    for prune in [false, true] {
        let project = project();
        let p = project.path();
        std::fs::write(p.join("truck.yaml"), van(8150)).expect("write");
        let w = Watcher::start(p, if prune { &["--prune"] } else { &[] });
        let truck_json = assessment(p, "truck");
        w.wait_verdict(&truck_json, "proceed");
        std::fs::remove_file(p.join("truck.yaml")).expect("remove");
        w.wait_log("truck.yaml was removed", "the removal message");
        assert_eq!(truck_json.exists(), !prune, "{}", w.log());
        assert!(assessment(p, "van").exists());
    }
}

#[test]
fn ctrl_c_exits_cleanly() {
    let project = project();
    let p = project.path();
    let mut w = Watcher::start(p, &[]);
    w.wait_verdict(&assessment(p, "van"), "proceed");
    let status = Command::new("kill")
        .args(["-INT", &w.child.id().to_string()])
        .status()
        .expect("run kill");
    assert!(status.success());
    let start = Instant::now();
    let code = loop {
        if let Some(s) = w.child.try_wait().expect("wait") {
            break s;
        }
        assert!(
            start.elapsed() < TIMEOUT,
            "still running after Ctrl-C:\n{}",
            w.log()
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(code.code(), Some(0), "{}", w.log());
}

#[test]
fn polling_sees_saves_too() {
    let project = project();
    let p = project.path();
    let w = Watcher::start(p, &["--poll"]);
    let van_json = assessment(p, "van");
    w.wait_verdict(&van_json, "proceed");
    std::fs::write(p.join("van.yaml"), van(9400)).expect("write");
    w.wait_verdict(&van_json, "walk");
    std::fs::write(p.join("van.yaml.tmp"), van(8000)).expect("write");
    std::fs::rename(p.join("van.yaml.tmp"), p.join("van.yaml")).expect("rename");
    w.wait_verdict(&van_json, "proceed");
}

// ---------------------------------------------------------------------------
// Hostile saves (issue 14): the watcher survives them, stays responsive to
// Ctrl-C, and recovers when they are fixed.

/// Send SIGINT and wait for a clean exit (a hang fails at `TIMEOUT`).
fn interrupt(w: &mut Watcher) {
    let status = Command::new("kill")
        .args(["-INT", &w.child.id().to_string()])
        .status()
        .expect("run kill");
    assert!(status.success());
    let start = Instant::now();
    let code = loop {
        if let Some(s) = w.child.try_wait().expect("wait") {
            break s;
        }
        assert!(
            start.elapsed() < TIMEOUT,
            "still running after Ctrl-C:\n{}",
            w.log()
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(code.code(), Some(0), "{}", w.log());
}

fn red_flag(when: &str, advice: &str) -> String {
    format!(
        "  - id: odd\n    severity: low\n    title: Odd\n    when: {}\n    advice: {}\n",
        serde_json::to_string(when).expect("json"),
        serde_json::to_string(advice).expect("json")
    )
}

#[test]
fn survives_hostile_rules_and_recovers_when_they_are_fixed() {
    let project = project();
    let p = project.path();
    let mut w = Watcher::start(p, &[]);
    let van_json = assessment(p, "van");
    w.wait_verdict(&van_json, "proceed");
    let ten = "[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]";
    let hostile = [
        (
            red_flag(&format!("{}1 > 0", "1 + ".repeat(900)), "A."),
            "chains too many operations",
        ),
        (
            red_flag(
                &format!(
                    "{}true{}",
                    format!("{ten}.all(a, ").repeat(8),
                    ")".repeat(8)
                ),
                "A.",
            ),
            "does too much work",
        ),
        (
            red_flag(
                "true",
                "{% set_global s = 'ab' %}{% for i in range(end=40) %}{% set_global s = s ~ s %}{% endfor %}{{ s }}",
            ),
            "larger than 4 MB",
        ),
    ];
    for (offer, (flag, words)) in [9400, 8100, 9400].into_iter().zip(hostile) {
        std::fs::write(
            p.join("rules/house.yaml"),
            format!("version: 1\nextends: default\nred_flags:\n{flag}"),
        )
        .expect("write");
        w.wait_log(words, words);
        assert!(w.alive(), "the watcher died:\n{}", w.log());
        // Fixed: the brief is built again, with what changed meanwhile.
        std::fs::write(p.join("van.yaml"), van(offer)).expect("write");
        std::fs::write(p.join("rules/house.yaml"), "version: 1\nextends: default\n")
            .expect("write");
        w.wait_verdict(&van_json, if offer > 9000 { "walk" } else { "proceed" });
    }
    interrupt(&mut w);
}

#[cfg(unix)]
#[test]
fn a_named_pipe_in_the_folder_freezes_nothing() {
    let project = project();
    let p = project.path();
    let mut w = Watcher::start(p, &[]);
    let van_json = assessment(p, "van");
    w.wait_verdict(&van_json, "proceed");
    let made = Command::new("mkfifo")
        .arg(p.join("pipe.yaml"))
        .status()
        .expect("mkfifo");
    assert!(made.success());
    std::fs::write(p.join("van.yaml"), van(9400)).expect("write");
    w.wait_verdict(&van_json, "walk");
    interrupt(&mut w);
}

#[test]
fn ctrl_c_is_heard_in_the_middle_of_a_slow_build() {
    let project = project();
    let p = project.path();
    // Forty conditions that each run to the end of their budget: far longer
    // than `TIMEOUT` to build, unless Ctrl-C cuts it short.
    let ten = "[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]";
    let slow = format!(
        "{}true{}",
        format!("{ten}.all(a, ").repeat(8),
        ")".repeat(8)
    );
    let flags: String = (0..40)
        .map(|i| red_flag(&slow, "A.").replace("id: odd", &format!("id: slow_{i}")))
        .collect();
    std::fs::write(
        p.join("rules/house.yaml"),
        format!("version: 1\nextends: default\nred_flags:\n{flags}"),
    )
    .expect("write");
    let mut w = Watcher::start(p, &[]);
    std::thread::sleep(Duration::from_millis(300));
    interrupt(&mut w);
}

#[test]
fn a_folder_removed_and_made_again_is_watched_again() {
    let project = project();
    let p = project.path();
    std::fs::create_dir_all(p.join("briefs")).expect("mkdir");
    std::fs::write(p.join("briefs/truck.yaml"), van(8100)).expect("write");
    let mut w = Watcher::start_on(p, "briefs", &["-o", "out"]);
    let truck_json = assessment(p, "truck");
    w.wait_verdict(&truck_json, "proceed");
    std::fs::remove_dir_all(p.join("briefs")).expect("rm -rf");
    std::fs::create_dir(p.join("briefs")).expect("mkdir");
    w.wait_log("is there again", "the folder to be watched again");
    std::fs::write(p.join("briefs/truck.yaml"), van(9400)).expect("write");
    w.wait_verdict(&truck_json, "walk");
    std::fs::write(p.join("briefs/truck.yaml"), van(8000)).expect("write");
    w.wait_verdict(&truck_json, "proceed");
    interrupt(&mut w);
}

#[cfg(unix)]
#[test]
fn links_back_up_the_tree_neither_hang_nor_hide_saves() {
    let project = project();
    let p = project.path();
    std::fs::create_dir_all(p.join("briefs")).expect("mkdir");
    std::fs::write(p.join("briefs/truck.yaml"), van(8100)).expect("write");
    // Through `up` the watched folder is reachable under a second name.
    std::os::unix::fs::symlink("..", p.join("briefs/up")).expect("symlink");
    std::os::unix::fs::symlink(".", p.join("briefs/loop")).expect("symlink");
    let mut w = Watcher::start_on(p, "briefs", &["-o", "out"]);
    let truck_json = assessment(p, "truck");
    w.wait_verdict(&truck_json, "proceed");
    std::fs::write(p.join("briefs/truck.yaml"), van(9400)).expect("write");
    w.wait_verdict(&truck_json, "walk");
    interrupt(&mut w);
}

/// Rules that do not load when `watch` starts: it says why and waits for the
/// fix, then builds (it exited with code 2). Ctrl-C while it waits exits 0.
#[test]
fn rules_broken_at_the_start_are_waited_on_until_fixed() {
    let project = project();
    let p = project.path();
    let broken = format!(
        "version: 1\nextends: default\nred_flags:\n{}",
        red_flag("'x' in observd", "x")
    );
    std::fs::write(p.join("rules/house.yaml"), &broken).expect("write");
    let mut w = Watcher::spawn_on(p, ".", &[]);
    w.wait_log("waiting for a fix", "the watcher to wait");
    assert!(w.log().contains("`observd`"), "{}", w.log());
    interrupt(&mut w);

    let mut w = Watcher::spawn_on(p, ".", &[]);
    w.wait_log("waiting for a fix", "the watcher to wait");
    assert!(w.alive(), "{}", w.log());
    assert!(!assessment(p, "van").exists());
    std::fs::write(p.join("rules/house.yaml"), "version: 1\nextends: default\n").expect("write");
    w.wait_verdict(&assessment(p, "van"), "proceed");
    w.wait_log("watching", "the banner");
    // And it watches as usual from then on.
    std::fs::write(p.join("van.yaml"), van(9400)).expect("write");
    w.wait_verdict(&assessment(p, "van"), "walk");
    interrupt(&mut w);
}
