"""One module per `nianbao` command group; each exposes `register(subparsers)` and sets `run` defaults.

To add a command: write crawler/commands/<name>.py with a `register` function and list it in COMMANDS.
"""

COMMANDS = ["crawl", "reports", "parse", "sampleweb", "demo", "archive", "reparse", "search", "coverage", "serve",
            "sites", "schedule", "status", "worker"]
