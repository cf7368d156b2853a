#!/usr/bin/env python3
"""Save-to-new-output latency of `walkaway watch` (issue 7: median <= 120 ms).

Run from the repository root:

    cargo build --release
    python3 benches/watch.py                 # 30 saves, default debounce (50 ms)
    python3 benches/watch.py --saves 60 --debounce 50 --bin path/to/walkaway

(With CARGO_TARGET_DIR set, the binary is looked for there.) It copies
examples/ to a temporary folder, starts the release binary's `walkaway watch`
on it, then saves examples' car-purchase.yaml repeatedly, alternating the price
offer, alternately in place (truncate and write) and by rename (write a
temporary file, rename it over the brief), and times each save until the brief's
prep pack changes on disk: prep-pack.pdf when this walkaway writes PDF, else
prep-pack.md. The output is polled every 2 ms. The time includes the debounce,
the build and the atomic write: what a user with the PDF open beside the editor
waits for. It prints every sample, then the median and the worst case.

This is a script, not a timed test: timings on a shared machine are too noisy
to fail a build on.
"""

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BRIEF = "car-purchase.yaml"
OFFERS = ("offer: 98500", "offer: 98600")


def find_binary(given):
    if given:
        return Path(given)
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    return target / "release" / "walkaway"


def read(path):
    try:
        return path.read_bytes()
    except OSError:
        return None


def wait_for(pred, timeout):
    end = time.perf_counter() + timeout
    while time.perf_counter() < end:
        if pred():
            return True
        time.sleep(0.002)
    return False


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--saves", type=int, default=30)
    ap.add_argument("--debounce", type=int, default=50, help="ms, passed to --debounce")
    ap.add_argument("--bin", help="the walkaway binary (default: the release build)")
    ap.add_argument("--poll", action="store_true", help="pass --poll (expect ~200 ms more)")
    args = ap.parse_args()

    binary = find_binary(args.bin)
    if not binary.is_file():
        sys.exit(f"{binary} not found: run `cargo build --release` first (or pass --bin)")

    work = Path(tempfile.mkdtemp(prefix="walkaway-bench-"))
    proc = None
    try:
        shutil.copytree(ROOT / "examples", work / "briefs")
        brief = work / "briefs" / BRIEF
        text = brief.read_text()
        if OFFERS[0] not in text:
            sys.exit(f"{BRIEF} no longer contains `{OFFERS[0]}`: update OFFERS in this script")

        cmd = [str(binary), "watch", "briefs", "-o", "out", "--today", "2026-11-23", "--debounce", str(args.debounce)]
        if args.poll:
            cmd.append("--poll")
        env = dict(os.environ, NO_COLOR="1")
        proc = subprocess.Popen(cmd, cwd=work, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        log = []
        threading.Thread(target=lambda: log.extend(proc.stderr), daemon=True).start()

        outdir = work / "out" / Path(BRIEF).stem
        if not wait_for(lambda: (outdir / "prep-pack.md").exists() and any("watching" in l for l in log), 30):
            sys.exit("the watcher did not build the examples:\n" + "".join(log))
        # Wait for the first build to finish with every format before choosing.
        time.sleep(0.5)
        target = outdir / "prep-pack.pdf"
        if not target.exists():
            target = outdir / "prep-pack.md"
        print(f"timing {target.relative_to(work)}, debounce {args.debounce} ms, {args.saves} saves"
              f"{' (polling)' if args.poll else ''}")

        samples = []
        for i in range(args.saves):
            old, new = (OFFERS[0], OFFERS[1]) if i % 2 == 0 else (OFFERS[1], OFFERS[0])
            text = text.replace(old, new, 1)
            before = read(target)
            by_rename = (i // 2) % 2 == 1  # both offers are saved both ways
            start = time.perf_counter()
            if by_rename:
                tmp = brief.with_name(BRIEF + "___jb_tmp___")
                tmp.write_text(text)
                os.replace(tmp, brief)
            else:
                with open(brief, "w") as f:
                    f.write(text)
            if not wait_for(lambda: read(target) not in (None, before), 5):
                sys.exit(f"save {i + 1}: {target.name} did not change within 5 s:\n" + "".join(log[-20:]))
            ms = (time.perf_counter() - start) * 1000
            samples.append(ms)
            print(f"  save {i + 1:>3} {'rename' if by_rename else 'write ':<6} {ms:7.1f} ms")
            # Let the watcher go idle so saves are not batched together.
            time.sleep(0.15)

        samples.sort()
        print(f"median {statistics.median(samples):.1f} ms, worst {samples[-1]:.1f} ms, "
              f"best {samples[0]:.1f} ms, mean {statistics.mean(samples):.1f} ms over {len(samples)} saves")
    finally:
        if proc is not None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
