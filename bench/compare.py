#!/usr/bin/env python3
"""Compare the cold build of several commits, and the floor, in one interleaved loop.

    python bench/compare.py 7563886 HEAD                 # 5 rounds at 1,000 articles
    python bench/compare.py a404bb8 d6121b2 . --rounds 8 --size 500

Each REV (a commit, or "." for the working tree as it is now) gets a git worktree and a corpus
made by that commit's own bench/corpus.py (same size and seed, so the same articles; the
templates and site.toml are the commit's own). Each round then builds every REV cold
(`build.py build --no-search`, cache and output deleted first) and runs the floor once, in the
same order every round. On a machine whose speed drifts from minute to minute, only builds run
side by side like this can be compared: the report gives each REV's median and its ratio to the
floor of the same round. Everything goes under bench/.work/compare/ (git-ignored); the worktrees
are removed at the end.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
WORK = BENCH / ".work" / "compare"


def _git(*args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(REPO), *args], check=True, capture_output=True, text=True
    ).stdout.strip()


def _checkout(rev: str) -> tuple[str, Path]:
    """(a short name, the folder holding that revision's build.py and bench/)."""
    if rev == ".":
        return "working tree", REPO
    sha = _git("rev-parse", "--short", f"{rev}^{{commit}}")
    folder = WORK / f"tree-{sha}"
    if not folder.exists():
        _git("worktree", "add", "--detach", "--force", str(folder), sha)
    return sha, folder


def _corpus(name: str, tree: Path, size: int, seed: int | None) -> Path:
    folder = WORK / f"corpus-{name.replace(' ', '-')}-{size}-{seed or 'default'}"
    if not (folder / "sitegen").is_dir():
        shutil.rmtree(folder, ignore_errors=True)
        command = [sys.executable, str(tree / "bench/corpus.py"), str(size), str(folder)]
        command += [] if seed is None else ["--seed", str(seed)]  # older corpus.py: no --seed
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return folder / "sitegen"


def _timed(command: list[str], cwd: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the process and its children) of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def _cold(tree: Path, site: Path) -> tuple[float, float]:
    out = WORK / "out"
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(site / ".sitegen-cache", ignore_errors=True)
    command = [sys.executable, str(tree / "build.py"), "--root", str(site), "build"]
    return _timed([*command, "--no-search", "--out", str(out)], tree)


def _floor(site: Path) -> tuple[float, float]:
    out = WORK / "floor-out"
    return _timed([sys.executable, str(BENCH / "floor.py"), str(site), "--out", str(out)], REPO)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("revs", nargs="+", help='commits to compare; "." is the working tree')
    parser.add_argument("--rounds", type=int, default=5, help="rounds (default 5)")
    parser.add_argument("--size", type=int, default=1000, help="articles (default 1000)")
    parser.add_argument("--seed", type=int, help="corpus seed (default: corpus.py's own)")
    args = parser.parse_args(argv)
    if args.rounds < 1 or args.size < 1:
        parser.error("--rounds and --size must be at least 1")
    WORK.mkdir(parents=True, exist_ok=True)
    made: list[Path] = []
    try:
        runs = []
        for rev in args.revs:
            name, tree = _checkout(rev)
            if tree != REPO:
                made.append(tree)
            runs.append((name, tree, _corpus(name, tree, args.size, args.seed)))
        floor_site = _corpus("working tree", REPO, args.size, args.seed)
        walls: dict[str, list[float]] = {name: [] for name, _, _ in runs}
        cpus: dict[str, list[float]] = {name: [] for name, _, _ in runs}
        ratios: dict[str, list[float]] = {name: [] for name, _, _ in runs}
        floors: list[float] = []
        for round_number in range(1, args.rounds + 1):
            floor_wall, _ = _floor(floor_site)
            floors.append(floor_wall)
            for name, tree, site in runs:
                wall, cpu = _cold(tree, site)
                walls[name].append(wall)
                cpus[name].append(cpu)
                ratios[name].append(wall / floor_wall)
            print(f"round {round_number}/{args.rounds} done", file=sys.stderr)
    finally:
        for tree in made:
            subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(tree)])
    seed = "corpus.py's default seed" if args.seed is None else f"seed {args.seed}"
    print(f"{args.size} articles ({seed}), {args.rounds} rounds, medians")
    print(f"floor: {statistics.median(floors):.2f} s")
    print("\n| revision | cold build | CPU | ÷ floor (same round) | per round |")
    print("|---|---|---|---|---|")
    for name, _, _ in runs:
        each = ", ".join(f"{r:.2f}" for r in ratios[name])
        print(
            f"| {name} | {statistics.median(walls[name]):.2f} s | "
            f"{statistics.median(cpus[name]):.2f} s | {statistics.median(ratios[name]):.2f}× | "
            f"{each} |"
        )
    return 0


if __name__ == "__main__":
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)  # byte-compiled modules, as users run them
    sys.exit(main())
