//! Benchmark: where one brief's time goes. For each bundled example, on one
//! core, the median of 50 runs of each stage of the pipeline — load (read,
//! parse, validate), assess, compose, and the render of each artifact on its
//! own — then the whole of a build's work for the brief (every artifact from one
//! pack, as `build` does it, without the writes). Run with
//! `cargo bench --bench stages`. A render that shares work with another (the
//! prep pack's Markdown feeds the HTML page and the PDF) includes that work.

use std::path::Path;
use std::time::{Duration, Instant};

use walkaway::artifact::{Artifact, Format, Paper};
use walkaway::compose;
use walkaway::render::templates::Templates;
use walkaway::render::{RenderOptions, plan, render};

const RUNS: usize = 50;

fn median(mut v: Vec<Duration>) -> f64 {
    v.sort();
    v[v.len() / 2].as_secs_f64() * 1e3
}

fn time<T>(mut f: impl FnMut() -> T) -> f64 {
    median(
        (0..RUNS)
            .map(|_| {
                let start = Instant::now();
                std::hint::black_box(f());
                start.elapsed()
            })
            .collect(),
    )
}

fn main() {
    // One core: `render` renders a pack's artifacts at once, on rayon's pool.
    rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build_global()
        .expect("a one-thread pool");
    let today = jiff::civil::date(2026, 11, 23);
    let rules = walkaway::rules::load_default().expect("built-in rules load");
    let templates = Templates::load(None).expect("built-in templates load");
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut paths: Vec<_> = std::fs::read_dir(&examples)
        .expect("examples/")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    paths.sort();
    let opts = RenderOptions {
        templates: &templates,
        typst_cmd: None,
    };
    let copts = compose::Options {
        today,
        paper: Paper::A4,
        force_letter: false,
    };
    println!("milliseconds, median of {RUNS} runs, one core");
    let columns = [
        ("md", Artifact::PrepPackMarkdown),
        ("html", Artifact::PrepPackHtml),
        ("pdf", Artifact::PrepPackPdf),
        ("typ", Artifact::PrepPackTypst),
        ("json", Artifact::Assessment),
        ("l.md", Artifact::LetterMarkdown),
        ("l.pdf", Artifact::LetterPdf),
        ("l.typ", Artifact::LetterTypst),
        ("eml", Artifact::Email),
    ];
    print!(
        "{:<18} {:>6} {:>6} {:>6}",
        "brief", "load", "assess", "compose"
    );
    for (name, _) in &columns {
        print!(" {name:>6}");
    }
    println!(" {:>6}", "all");
    // The first render of a process parses the fonts: not part of any column.
    let (b, _) = walkaway::brief::load_file(&paths[0]).expect("example loads");
    let a = walkaway::assess::assess(&b, &rules, today).expect("assesses");
    let pack = compose::compose(&b, &a, &rules, copts).expect("composes");
    let _ = render(&pack, &plan(&pack, Format::ALL), &opts);
    for path in &paths {
        let load = time(|| walkaway::brief::load_file(path).expect("example loads"));
        let (b, _) = walkaway::brief::load_file(path).expect("example loads");
        let assess = time(|| walkaway::assess::assess(&b, &rules, today).expect("assesses"));
        let a = walkaway::assess::assess(&b, &rules, today).expect("assesses");
        let comp = time(|| compose::compose(&b, &a, &rules, copts).expect("composes"));
        let pack = compose::compose(&b, &a, &rules, copts).expect("composes");
        let all_plan = plan(&pack, Format::ALL);
        print!("{:<18} {load:>6.3} {assess:>6.3} {comp:>6.3}", b.name);
        for (_, artifact) in &columns {
            if all_plan.contains(artifact) {
                let t = time(|| render(&pack, &[*artifact], &opts).expect("renders"));
                print!(" {t:>6.3}");
            } else {
                print!(" {:>6}", "-");
            }
        }
        let all = time(|| {
            let (b, _) = walkaway::brief::load_file(path).expect("example loads");
            let a = walkaway::assess::assess(&b, &rules, today).expect("assesses");
            let pack = compose::compose(&b, &a, &rules, copts).expect("composes");
            render(&pack, &plan(&pack, Format::ALL), &opts).map(|(o, _)| o.len())
        });
        println!(" {all:>6.3}");
    }
}
