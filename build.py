#!/usr/bin/env python3
"""Build, preview and check the site. Run `python build.py --help` for the commands."""

import sys

if __name__ == "__main__":
    from sitegen import interrupts

    try:
        with interrupts.handled():  # from the first import on, Ctrl-C is never lost
            from sitegen.cli import main

            interrupts.check()
            code = main()
    except KeyboardInterrupt:  # Ctrl-C while starting up, before the command line takes over
        print("Interrupted; nothing was changed.", file=sys.stderr)
        sys.exit(130)
    sys.exit(code)
