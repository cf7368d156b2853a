//! Benchmark: renders each bundled example's prep pack to PDF through the real
//! pipeline (load, assess, compose, Markdown, PDF) and prints the median time per render
//! and the file sizes. Run with `cargo bench --bench pdf`. Single-threaded; the
//! first render of a process (which parses the bundled fonts) is reported apart.
//! Briefs whose exit script has a letter also render `letter.pdf` in the same call,
//! so the prep pack's PDF alone (from the pipeline's Markdown) is timed apart,
//! beside the whole render and the Markdown alone.

use std::path::Path;
use std::time::{Duration, Instant};

use walkaway::artifact::{Format, Paper};
use walkaway::compose;
use walkaway::render::pdf;
use walkaway::render::templates::Templates;
use walkaway::render::{RenderOptions, plan, render};

const RUNS: usize = 30;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    // One thread: `render` renders a pack's artifacts at once, on rayon's pool.
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
    let mut first = true;
    for paper in [Paper::A4, Paper::Letter] {
        for path in &paths {
            let (brief, _) = walkaway::brief::load_file(path).expect("example loads");
            let a = walkaway::assess::assess(&brief, &rules, today).expect("assesses");
            let copts = compose::Options {
                today,
                paper,
                force_letter: false,
            };
            let opts = RenderOptions {
                templates: &templates,
                typst_cmd: None,
            };
            // Compose, then render: what a build does after assessing.
            let time = |formats: &[Format]| {
                let start = Instant::now();
                let pack = compose::compose(&brief, &a, &rules, copts).expect("composes");
                let (out, _) = render(&pack, &plan(&pack, formats), &opts).expect("renders");
                (start.elapsed(), out)
            };
            if first {
                let (t, _) = time(&[Format::Pdf]);
                println!(
                    "first PDF render in this process (parses fonts): {:.1} ms",
                    t.as_secs_f64() * 1e3
                );
                first = false;
            }
            let all: Vec<Duration> = (0..RUNS).map(|_| time(&[Format::Pdf]).0).collect();
            let md: Vec<Duration> = (0..RUNS).map(|_| time(&[Format::Markdown]).0).collect();
            // The prep pack's PDF on its own, from the pipeline's own Markdown.
            let (_, out) = time(&[Format::Markdown]);
            let markdown = String::from_utf8_lossy(&out[0].bytes).into_owned();
            let gauges = compose::gauges::gauges(&brief, &a.facts.terms);
            // Read as Markdown within the time, as the pipeline reads it.
            let pack: Vec<Duration> = (0..RUNS)
                .map(|_| {
                    let start = Instant::now();
                    let events = walkaway::markdown::events(&markdown);
                    let doc = pdf::PrepPackPdf {
                        markdown: &events,
                        title: &brief.title,
                        date: None,
                        verdict: pdf::Verdict::Walk,
                        verdict_headline: "headline",
                        gauges: &gauges,
                        paper,
                        author: None,
                    };
                    let _ = pdf::render_prep_pack(&doc).expect("renders");
                    start.elapsed()
                })
                .collect();
            let (_, out) = time(&[Format::Pdf]);
            let sizes: Vec<String> = out
                .iter()
                .map(|o| format!("{} {} B", o.artifact.file_name(), o.bytes.len()))
                .collect();
            println!(
                "{:<7} {:<18} prep-pack.pdf {:>6.2} ms | whole render {:>6.2} ms (markdown alone {:>4.2} ms) | {}",
                format!("{paper:?}"),
                brief.name,
                median(pack).as_secs_f64() * 1e3,
                median(all).as_secs_f64() * 1e3,
                median(md).as_secs_f64() * 1e3,
                sizes.join(", ")
            );
        }
    }
}
