"""`python -m clean` is the `clean` command."""

from clean.cli import main

raise SystemExit(main())
