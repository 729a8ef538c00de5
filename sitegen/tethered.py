"""Run a command that cannot outlive the process that started this one.

    python -I sitegen/tethered.py COMMAND [ARG ...]

The starter passes the read end of a pipe as standard input and keeps the write end open. When
the write end closes (the starter let go, or ended in any way, kill -9 included), the command is
killed. Exits with the command's exit code.

The search step runs Pagefind through this: a build killed mid-index must not leave Pagefind
writing into its staging folder, unwatched, for as long as it likes. Run by its path, with only
the standard library: nothing of the package is imported.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading


def main(argv: list[str]) -> int:
    # close_fds=False: the descriptors the starter passed on are the command's too
    command = subprocess.Popen(argv, stdin=subprocess.DEVNULL, close_fds=False)

    def watch() -> None:
        with contextlib.suppress(OSError):  # no standard input at all: no starter to wait for
            while os.read(0, 4096):
                pass
        command.kill()  # nothing, once the command has ended and been waited for

    threading.Thread(target=watch, daemon=True).start()
    code = command.wait()
    return code if code >= 0 else 128 - code  # killed by a signal: as a shell reports it


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
