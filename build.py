#!/usr/bin/env python3
"""Build, preview and check the site. Run `python build.py --help` for the commands."""

import sys

if __name__ == "__main__":
    try:
        from sitegen.cli import main
    except ModuleNotFoundError as exc:  # run outside the virtual environment, most likely
        if sys.argv[1:] == ["--version"]:  # the one answer that needs nothing installed
            from sitegen import __version__

            print(f"build.py {__version__}")
            sys.exit(0)
        print(f"build.py: the Python package '{exc.name}' is not installed here.", file=sys.stderr)
        print(
            "    hint: activate the project's environment first: . .venv/bin/activate "
            "(Windows: .venv\\Scripts\\activate), or create it as the README's quick start says",
            file=sys.stderr,
        )
        sys.exit(2)
    except KeyboardInterrupt:  # Ctrl-C while Python starts up: nothing has begun
        sys.exit(130)
    try:
        code = main()
    except KeyboardInterrupt:  # a second Ctrl-C while the first one's message is printed
        code = 130
    sys.exit(code)
