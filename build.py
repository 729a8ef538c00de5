#!/usr/bin/env python3
"""Build, preview and check the site. Run `python build.py --help` for the commands."""

import sys

if __name__ == "__main__":
    try:
        from sitegen.cli import main

        sys.exit(main())
    except KeyboardInterrupt:  # Ctrl-C while starting up, before the command line takes over
        print("Interrupted; nothing was changed.", file=sys.stderr)
        sys.exit(130)
