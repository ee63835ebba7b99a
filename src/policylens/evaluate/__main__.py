"""``python -m policylens.evaluate STAGE [options]``: print a stage's quality figures."""
from __future__ import annotations

import importlib
import sys

from policylens.evaluate import STAGES


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in {"-h", "--help"} or argv[0] not in STAGES:
        print(f"usage: python -m policylens.evaluate {{{','.join(STAGES)}}} [options]")
        return 0 if argv and argv[0] in {"-h", "--help"} else 2
    module = importlib.import_module(f"policylens.evaluate.{argv[0]}")
    return int(module.main(argv[1:]) or 0)


if __name__ == "__main__":
    raise SystemExit(main())
