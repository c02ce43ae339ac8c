"""`python -m cli …` runs the `nianbao` command (subprocesses of the scheduler, the UI and the tests)."""

from cli.main import main

raise SystemExit(main())
