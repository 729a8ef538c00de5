"""The command line: build, serve, check and new, with the contract's exit codes."""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

from . import __version__, pipeline, signals, write
from .errors import BuildError

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2


KINDS = ("article", "faq", "page")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="build.py", description="Build the site from content/.")
    parser.add_argument(
        "--root",
        type=Path,
        help="the project folder, with site.toml (default: this folder or the nearest above it)",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    common = argparse.ArgumentParser(add_help=False)  # --root after the command works too
    common.add_argument("--root", type=Path, default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    commands = parser.add_subparsers(dest="command")
    b = commands.add_parser(
        "build", parents=[common], help="write the site to the output folder (the default)"
    )
    b.add_argument("--out", type=Path, help="output folder (default: [site] output, _site)")
    b.add_argument("--base-url", help="override [site] base_url for this build")
    b.add_argument("--drafts", action="store_true", help="include articles marked draft: true")
    b.add_argument("--no-search", action="store_true", help="skip the search index (Pagefind)")
    b.add_argument("--force", action="store_true", help="build even if nothing has changed")
    b.add_argument("--repo-url", help="override [site] repo_url (Suggest a change links)")
    b.add_argument("--branch", help="override [site] branch, with --repo-url")
    s = commands.add_parser(
        "serve", parents=[common], help="build, serve, watch and reload the browser"
    )
    s.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    s.add_argument(
        "--port", type=_port, default=8000, help="port, 0 for any free one (default 8000)"
    )
    s.add_argument(
        "--no-drafts",
        action="store_true",
        help="leave drafts out, as build does (default: show them)",
    )
    s.add_argument("--drafts", action="store_true", help=argparse.SUPPRESS)  # the default now
    n = commands.add_parser(
        "new", parents=[common], help="write a new article, FAQ entry or page to fill in"
    )
    n.add_argument("kind", choices=KINDS, help="what to make: article, faq or page")
    n.add_argument(
        "title", help='its title (an FAQ entry: its question), in quotes: "Why tears help"'
    )
    n.add_argument("--topic", help="a topic id from site.toml (articles and FAQ entries)")
    n.add_argument("--lang", help="a further language's code from site.toml, e.g. es")
    n.add_argument(
        "--slug",
        help="its file name and web address, e.g. why-tears-help (default: made from the title)",
    )
    n.add_argument(
        "--translates",
        help="the file it translates, e.g. content/articles/why-tears-help.md (with --lang)",
    )
    c = commands.add_parser("check", parents=[common], help="validate everything, write nothing")
    c.add_argument("--strict", action="store_true", help="also enforce the [quality] targets")
    c.add_argument(
        "--format",
        choices=("text", "github"),
        default="text",
        help="github: each problem as a GitHub Actions annotation on its file and line",
    )
    r = commands.add_parser("reviews", parents=[common], help="list the pages whose review is due")
    r.add_argument("--within", type=_days, default=0, help="also those due within this many days")
    r.add_argument("--today", type=date.fromisoformat, default=None, help=argparse.SUPPRESS)
    r.add_argument("--format", choices=("text", "markdown"), default="text")
    return parser


def _days(text: str) -> int:
    if not text.isdigit() or int(text) > 36500:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of days (0 to 36500)")
    return int(text)


def find_root(start: Path) -> Path:
    """The nearest folder holding site.toml, from ``start`` upwards; ``start`` when none does
    (then the missing site.toml is reported there)."""
    for folder in (start, *start.parents):
        if os.path.lexists(folder / "site.toml"):  # whatever it is, load_config says what is wrong
            return folder
    return start


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (0 to 65535)")
    return port


def main(argv: list[str] | None = None) -> int:
    try:
        args = _parser().parse_args(argv)
        if args.command is None:  # plain `build.py` means `build.py build` with its defaults
            args = _parser().parse_args([*(sys.argv[1:] if argv is None else argv), "build"])
        with _terminate_as_interrupt(), signals.keep_swallowed():
            code = _run(args)
            signals.raise_swallowed()  # one Python swallowed after the last check
            return code
    except KeyboardInterrupt:  # anywhere: before, during or after the command's own work
        write.remove_unfinished()  # a second interrupt may have cut a build's cleanup short
        # True wherever it landed: the output is the previous site or the new one, whole.
        print("Interrupted; no half-built site was left behind.", file=sys.stderr)
        return 130


@contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM (sent by a service manager or `kill`) cleans up as Ctrl-C does: the temporary
    folder goes, a search indexer is stopped, the previous site stays."""
    first: list[int] = []

    def interrupt(signum: int, frame: object) -> None:
        """The first interrupt stops the command; a later one (even one that arrived with it)
        is held until the process ends, so that it cannot cut the cleanup short: stopping the
        workers, removing the staging folder."""
        if first:
            return
        first.append(signum)
        signals.hold()
        raise KeyboardInterrupt

    try:
        previous = {sig: signal.signal(sig, interrupt) for sig in signals.SIGNALS}
    except ValueError:  # not the main thread (a test calling main()): signals are not ours
        yield
        return
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _run(args: argparse.Namespace) -> int:
    root = (args.root or find_root(Path.cwd())).resolve()
    if not os.path.lexists(root / "site.toml"):  # the wrong folder: a mistake in the command
        where = "this folder or any folder above it" if args.root is None else str(root)
        print(f"build.py: no site.toml in {where}", file=sys.stderr)
        print(
            "    hint: run it inside the project (the folder with site.toml, or any folder in "
            "it), or name the project with --root DIR",
            file=sys.stderr,
        )
        return EXIT_USAGE
    command = args.command
    try:
        if command == "build":
            options = (root, args.out, args.base_url, args.drafts, not args.no_search)
            repo = (args.repo_url, args.branch) if args.repo_url or args.branch else None
            if args.force:  # no cache of any kind: every file parsed, every page written
                loaded, out = pipeline.build(*options, use_cache=False, repo=repo)
            else:
                loaded, out = pipeline.build_unless_current(*options, repo=repo)
            if loaded is None:
                print(f"Up to date: nothing changed since the last build into {out}")
            else:
                print(f"Built {len(loaded.pages)} pages into {out}")
        elif command == "serve":
            return _serve(root, args)
        elif command == "new":
            from .config import load_config
            from .scaffold import new_file

            path = new_file(
                load_config(root),
                args.kind,
                args.title,
                args.topic,
                date.today(),
                args.lang,
                args.translates,
                args.slug,
            )
            print(path.relative_to(root).as_posix())
            print(
                "Fill in every TODO, write the text, then remove 'draft: true'. "
                "The preview (build.py serve) shows drafts."
            )
        elif command == "check":
            return _check(root, args.strict, args.format)
        elif command == "reviews":
            return _reviews(root, args.within, args.today or date.today(), args.format)
    except BuildError as exc:
        report(exc, getattr(args, "format", "text"))
        # A mistake in the command itself (a missing or unknown --topic) exits 2, as others do.
        if all(e.path.startswith("--") for e in exc.errors):
            return EXIT_USAGE
        return EXIT_CONTENT
    except BrokenPipeError:  # the output piped into a command that stopped reading (head)
        sys.stderr.close()
        return EXIT_OK
    return EXIT_OK


def _check(root: Path, strict: bool, form: str) -> int:
    from . import quality  # its readability library is needed only here

    loaded = pipeline.load(root, save_cache=False)  # check writes nothing
    today = date.today()
    problems, warnings = pipeline.draft_links(loaded), []
    for site in loaded.sites:  # each language's edition
        problems += quality.placeholders(site)
        # An unfinished draft publishes nothing, so its TODOs never stop a deploy (which runs
        # plain check); the pull request's strict check still holds it back.
        unfinished = [item.in_a_draft() for item in quality.placeholders(site, drafts=True)]
        (problems if strict else warnings).extend(unfinished)
        if strict:
            problems += quality.check(site, today)
        warnings += quality.overdue(site, today)
    notes, lagging, stale = quality.translations(loaded.sites, today)
    warnings += lagging
    (problems if strict else warnings).extend(stale)
    for level, found in (("notice", notes), ("warning", warnings)):
        label = "note" if level == "notice" else level
        for item in found:
            print(item.annotation(level) if form == "github" else f"{label}: {item}")
    if problems:
        raise BuildError(problems)
    gates = " and the [quality] targets" if strict else ""
    count = sum(len(site.documents) for site in loaded.sites)
    print(f"OK: {count} content files checked{gates}, no problems found")
    return EXIT_OK


def _reviews(root: Path, within: int, today: date, form: str) -> int:
    from . import quality

    loaded = pipeline.load(root, save_cache=False)
    due = sorted(
        (item for site in loaded.sites for item in quality.reviews_due(site, today, within)),
        key=lambda item: (item[0], item[1].path),
    )
    if form == "markdown":
        print(f"Pages whose review is due by {today + timedelta(days=within)}: {len(due)}\n")
        for when, doc in due:
            last = f"last reviewed {doc.reviewed}" if doc.reviewed else "never reviewed"
            print(f"- [ ] `{doc.path}`: {doc.title} (due {when}, {last})")
    else:
        for when, doc in due:
            last = f"last reviewed {doc.reviewed}" if doc.reviewed else "never reviewed"
            print(f"{doc.path}: review due {when} ({last})")
        print(f"{len(due)} page{'s' if len(due) != 1 else ''} due for review")
    return EXIT_OK


def report(exc: BuildError, form: str = "text") -> None:
    for error in exc.errors:
        if form == "github":
            print(error.annotation())  # on stdout, where GitHub reads workflow commands
        else:
            print(error, file=sys.stderr)
    n = len(exc.errors)
    print(f"\n{n} problem{'s' if n != 1 else ''} found; nothing was written.", file=sys.stderr)


def _say(text: str) -> None:
    print(text, flush=True)  # seen at once, even through a pipe or in a log file


def _serve(root: Path, args: argparse.Namespace) -> int:
    from . import serve, write
    from .config import load_config
    from .incremental import Builder

    config = load_config(root)
    out = write.check_output(pipeline.output_folder(config), root)
    builder = Builder(root, out, drafts=not args.no_drafts)
    try:
        with write.locked(out):  # no other build swaps the folder away while the preview runs
            serve.run(root, args.host, args.port, builder, config.base_path, say=_say)
    except KeyboardInterrupt:
        print("\nStopped.")
    except OSError as exc:
        print(f"cannot listen on {args.host}:{args.port}: {exc.strerror}", file=sys.stderr)
        print("    hint: another preview may be running; try --port 8001", file=sys.stderr)
        return EXIT_USAGE
    return EXIT_OK
