"""``python -m policylens.evaluate STAGE [options]`` = ``policylens evaluate STAGE [options]``."""
from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    """Delegate to the ``policylens evaluate`` subcommand."""
    from policylens.cli import main as cli_main

    return cli_main(["evaluate", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    raise SystemExit(main())
