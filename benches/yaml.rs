//! Benchmark: reading the bundled examples into the located tree: the way
//! briefs are read (`yaml::parse_str`, the lean reading for all of them), the
//! quick reading alone (straight from granit-parser's events), serde-saphyr's
//! (`yaml::parse_full`), and granit-parser's events alone, the floor of the
//! last two. Median of 200 rounds, one core, in microseconds per brief. Run
//! with `cargo bench --bench yaml`.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use walkaway::yaml;

const ROUNDS: usize = 200;

fn median_us(mut v: Vec<Duration>, per: usize) -> f64 {
    v.sort();
    v[v.len() / 2].as_secs_f64() * 1e6 / per as f64
}

fn time(briefs: &[(PathBuf, String)], mut read: impl FnMut(&Path, &str)) -> f64 {
    let runs = (0..ROUNDS)
        .map(|_| {
            let start = Instant::now();
            for (path, text) in briefs {
                read(path, text);
            }
            start.elapsed()
        })
        .collect();
    median_us(runs, briefs.len())
}

fn main() {
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut briefs: Vec<(PathBuf, String)> = std::fs::read_dir(&examples)
        .expect("examples/")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("an example");
            (p, text)
        })
        .collect();
    briefs.sort();
    assert!(
        briefs.iter().all(|(_, t)| yaml::lean_reading(t).is_some()),
        "every example is read the lean way"
    );
    let lean = time(&briefs, |p, t| {
        std::hint::black_box(yaml::parse_str(p, t).expect("parses"));
    });
    let quick = time(&briefs, |_, t| {
        std::hint::black_box(yaml::quick_reading(t).expect("parses"));
    });
    let full = time(&briefs, |p, t| {
        std::hint::black_box(yaml::parse_full(p, t).expect("parses"));
    });
    let events = time(&briefs, |_, t| {
        let mut parser = granit_parser::Parser::new_from_str(t);
        while let Some(Ok((event, _))) = parser.next_event() {
            if matches!(event, granit_parser::Event::StreamEnd) {
                break;
            }
        }
    });
    println!(
        "{} examples, median of {ROUNDS} rounds, one core, µs per brief",
        briefs.len()
    );
    println!("  parse_str (lean reading)   {lean:8.1}");
    println!(
        "  quick reading              {quick:8.1}   {:.2}x",
        quick / lean
    );
    println!(
        "  parse_full (serde-saphyr)  {full:8.1}   {:.2}x",
        full / lean
    );
    println!(
        "  granit-parser events only  {events:8.1}   {:.2}x",
        events / lean
    );
}
