"""`nianbao serve`: the archivist web UI on the configured catalogue and WARC directory."""

from __future__ import annotations

import argparse
from typing import Any

from kernel.config import redact_url

DEFAULT_REPLAY_URL = "http://127.0.0.1:8080"


def register(sub: Any) -> None:
    p = sub.add_parser("serve", help="start the web UI (coverage, sites, reports, versions, originals)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: loopback only)")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--replay-url", default=DEFAULT_REPLAY_URL,
                   help="pywb base URL for 'replay' links (see `nianbao archive pywb`)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from kernel.config import Config

    serve(Config.load(), args.host, args.port, args.replay_url)
    return 0


def serve(config: Any, host: str, port: int, replay_url: str = DEFAULT_REPLAY_URL) -> None:
    """Run the UI until interrupted; prints the URL once it listens."""
    import uvicorn

    from web.app import UiOptions, create_app

    app = create_app(config, UiOptions(replay_url=replay_url))
    print(f"nianbao UI: http://{_url_host(host)}:{port}/  (database {redact_url(config.database_url)}; "
          "Ctrl-C stops it)", flush=True)
    if not config.ui_password:
        print("read-only: set NIANBAO_UI_PASSWORD to enable operator actions (crawl, add site)", flush=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")


def _url_host(host: str) -> str:
    if host in ("0.0.0.0", "::", ""):
        return "127.0.0.1"
    return f"[{host}]" if ":" in host else host
