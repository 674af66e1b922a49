"""`python -m launcher …` is the `wartemarke` command (for checkouts without the console script)."""

from launcher.cli import main

raise SystemExit(main())
