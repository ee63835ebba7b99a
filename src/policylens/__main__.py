"""``python -m policylens`` = ``policylens`` (the one front door, :mod:`policylens.cli`)."""
from policylens.cli import main

raise SystemExit(main())
