#!/usr/bin/env python3
"""Whole-pipeline benchmark: `walkaway build` and `walkaway check` of 400 briefs,
and the Typst compiler on the same prep packs (issue 15).

Run from the repository root:

    cargo build --release
    python3 benches/pipeline.py                # 400 briefs, 7 runs of each command
    python3 benches/pipeline.py --briefs 1000 --runs 11 --bin path/to/walkaway
    python3 benches/pipeline.py --baseline path/to/older/walkaway

(With CARGO_TARGET_DIR set, the binary is looked for there.) It generates the
briefs in a temporary folder from the bundled examples (each example in turn,
its title numbered, so every brief is its own document), then runs, each
`--runs` times, as a user would:

- `walkaway build DIR -o OUT` in every format (Markdown, HTML, PDF, Typst,
  e-mail, JSON; letters where an exit script applies), into an empty folder,
  then again into the same folder with nothing changed;
- `walkaway check` of the same briefs in one process;
- `walkaway check` of one brief (a cold start, each run a new process);

and prints the median wall time of each, briefs per second and milliseconds per
brief, the peak memory (maximum resident set) of the build, and the sizes of
the prep packs' PDFs. When the `typst` Python module is present (scripts/test.sh
installs it), one warm compiler then compiles every generated `prep-pack.typ` to
PDF in turn, as Typst's own watch mode would: the median time per document is
set against the build's wall time per brief (all formats, every core).

With `--baseline BIN`, another build of walkaway (say, of the previous
commit) runs the same commands in the same run, interleaved with ours so that
the machine's noise falls on both alike, and the ratios are printed.

This is a script, not a timed test: timings on a shared machine are too noisy
to fail a build on.
"""

import argparse
import atexit
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TODAY = "2026-11-23"


def find_binary(given):
    if given:
        return Path(given).resolve()
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target")).resolve()
    return target / "release" / "walkaway"


def generate(folder, count):
    """`count` briefs from the examples, each title numbered."""
    examples = sorted((ROOT / "examples").glob("*.yaml"))
    for i in range(count):
        src = examples[i % len(examples)]
        text = src.read_text(encoding="utf-8")

        def numbered(m):
            title = m.group(2)
            quote = m.group(1)
            return f"title: {quote}{title} ({i:04d}){quote}"

        text = re.sub(r'^title: (["\']?)(.*?)\1\s*$', numbered, text, count=1, flags=re.M)
        (folder / f"{src.stem}-{i:04d}.yaml").write_text(text, encoding="utf-8")


# Every command runs in an empty folder of its own: run from the repository
# root, walkaway would take its `templates/` (and any `walkaway.yaml`) as the
# project's own, and a baseline from another commit would render ours.
NEUTRAL = tempfile.mkdtemp(prefix="walkaway-bench-cwd-")
atexit.register(shutil.rmtree, NEUTRAL, True)


def timed(cmd):
    start = time.perf_counter()
    r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=NEUTRAL)
    elapsed = time.perf_counter() - start
    if r.returncode != 0:
        sys.exit(f"{' '.join(map(str, cmd))} failed ({r.returncode}):\n{r.stderr.decode()[:2000]}")
    return elapsed


def peak_rss_mb(cmd):
    """The peak resident set of one run of `cmd`, in MB (a fresh child process)."""
    code = (
        "import resource, subprocess, sys\n"
        "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, *map(str, cmd)], capture_output=True, check=True, cwd=NEUTRAL
    )
    return int(out.stdout.decode().strip()) / 1024


def med(samples):
    return statistics.median(samples)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--briefs", type=int, default=400)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--bin")
    ap.add_argument("--baseline", help="another walkaway binary to compare with, run interleaved")
    ap.add_argument("--no-typst", action="store_true", help="skip the Typst comparison")
    ap.add_argument(
        "--out",
        help="build into folders under this one (e.g. /dev/shm, to leave the disk out); default: the temporary folder",
    )
    args = ap.parse_args()
    exe = find_binary(args.bin)
    if not exe.is_file():
        sys.exit(f"{exe} not found: run `cargo build --release` first")
    n = args.briefs

    with tempfile.TemporaryDirectory(prefix="walkaway-bench-") as tmp:
        tmp = Path(tmp)
        briefs = tmp / "briefs"
        briefs.mkdir()
        generate(briefs, n)
        paths = sorted(briefs.glob("*.yaml"))
        outs = Path(tempfile.mkdtemp(prefix="walkaway-bench-out-", dir=args.out)) if args.out else tmp
        if args.out:
            atexit.register(shutil.rmtree, outs, True)
        out = outs / "out"

        fresh = iter(range(1 << 30))

        def build(exe):
            # Each build into a new, empty folder, deleted only at the end: on
            # ext4 without a journal, creating thousands of files just after
            # deleting thousands costs the kernel ~1 ms a file (it scans for
            # recently freed inodes), which would time the deletion, not us.
            return timed([exe, "build", briefs, "-o", outs / f"out-{next(fresh)}", "--today", TODAY])

        def check(exe):
            return timed([exe, "check", *paths, "--today", TODAY])

        def cold(exe):
            return timed([exe, "check", paths[0], "--today", TODAY])

        exes = [exe] + ([Path(args.baseline).resolve()] if args.baseline else [])
        for e in exes:
            build(e)  # warm the page cache
        runs = {e: {"build": [], "check": [], "cold": []} for e in exes}
        for i in range(max(args.runs, 21)):
            for e in exes:
                if i < args.runs:
                    runs[e]["build"].append(build(e))
                    runs[e]["check"].append(check(e))
                runs[e]["cold"].append(cold(e))
        if args.baseline:
            base = Path(args.baseline)
            base_rss = peak_rss_mb([base, "build", briefs, "-o", outs / "out-rss-base", "--today", TODAY])
            r = runs[base]
            bb, bc, bk = med(r["build"]), med(r["check"]), med(r["cold"])
        rss = peak_rss_mb([exe, "build", briefs, "-o", out, "--today", TODAY])
        # Built again into the same folder with nothing changed, as `build` run
        # twice or a watcher's first pass: identical bytes are not rewritten.
        again = med([timed([exe, "build", briefs, "-o", out, "--today", TODAY]) for _ in range(args.runs)])
        builds, checks, colds = runs[exe]["build"], runs[exe]["check"], runs[exe]["cold"]

        packs = sorted(out.glob("*/prep-pack.pdf"))
        sizes = [p.stat().st_size for p in packs]
        files = sum(1 for p in out.rglob("*") if p.is_file())

        b, c, k = med(builds), med(checks), med(colds)
        print(f"walkaway {exe}")
        print(f"{n} briefs, {files} files written, {args.runs} runs each, {os.cpu_count()} cores; medians:")
        print(f"  build, every format   {b:7.3f} s   {n / b:8.0f} briefs/s   {b / n * 1000:6.2f} ms/brief")
        print(f"  build again, unchanged{again:7.3f} s   {n / again:8.0f} briefs/s   {again / n * 1000:6.2f} ms/brief")
        print(f"  check, one process    {c:7.3f} s   {n / c:8.0f} briefs/s   {c / n * 1000:6.3f} ms/brief")
        print(f"  check, one brief      {k * 1000:7.1f} ms (a new process each run)")
        print(f"  peak memory of build  {rss:7.1f} MB")
        print(
            f"  prep-pack.pdf sizes   median {med(sizes) / 1024:.1f} KB, "
            f"largest {max(sizes) / 1024:.1f} KB"
        )
        if args.baseline:
            print(f"baseline {base}, same runs, interleaved; medians (ours / baseline):")
            print(f"  build, every format   {bb:7.3f} s   {n / bb:8.0f} briefs/s   {bb / b:5.2f}x")
            print(f"  check, one process    {bc:7.3f} s   {n / bc:8.0f} briefs/s   {bc / c:5.2f}x")
            print(f"  check, one brief      {bk * 1000:7.1f} ms                   {bk / k:5.2f}x")
            print(f"  peak memory of build  {base_rss:7.1f} MB")

        if args.no_typst:
            return
        try:
            import typst
        except ImportError:
            print("typst Python module not found: no comparison (scripts/test.sh installs it)")
            return
        typs = sorted(out.glob("*/prep-pack.typ"))
        compiler = typst.Compiler()
        compiler.compile(input=typs[0].read_bytes(), format="pdf")  # fonts, caches
        per_doc = []
        for t in typs:
            source = t.read_bytes()
            start = time.perf_counter()
            compiler.compile(input=source, format="pdf")
            per_doc.append(time.perf_counter() - start)
        ours = b / n
        theirs = med(per_doc)
        print(
            f"  typst {typst.__version__}, warm, one document at a time: "
            f"{theirs * 1000:.2f} ms per prep-pack.typ (median of {len(per_doc)})"
        )
        print(
            f"  walkaway: {ours * 1000:.2f} ms per brief, every format: "
            f"{theirs / ours:.1f}x faster per document"
        )


if __name__ == "__main__":
    main()
