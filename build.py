#!/usr/bin/env python3
"""Build, preview and check the site. Run `python build.py --help` for the commands."""

import sys

from sitegen.cli import main

if __name__ == "__main__":
    sys.exit(main())
