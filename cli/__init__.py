"""The `nianbao` command: one module per command group; each exposes `register(subparsers)` and sets `run`.

To add a command: write cli/<name>.py with a `register` function and list it in COMMANDS.
"""

COMMANDS = ["crawl", "reports", "parse", "sampleweb", "demo", "archive", "reparse", "search", "coverage", "serve",
            "sites", "schedule", "status", "worker", "db",
            "export"]
