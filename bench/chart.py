"""The PNG chart of one throughput run (bench/throughput.py runs it): the contenders' medians side by side.

    .venv/bin/python -m bench.chart bench/results/<timestamp>.json   # writes <timestamp>.png beside it
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display: files only

import matplotlib.pyplot as plt  # noqa: E402 - after the backend is chosen

PANELS = (("per_s", "responses / s"), ("cpu_s", "CPU s (process tree)"), ("peak_rss_mb", "peak RSS MB (tree)"),
          ("wall_s", "wall s"))


def draw(table: dict[str, dict[str, float]], params: dict[str, object], path: Path) -> None:
    """One bar panel per measure, one bar per contender."""
    names = list(table)
    fig, axes = plt.subplots(1, len(PANELS), figsize=(4.2 * len(PANELS), 4.2))
    for ax, (key, label) in zip(axes, PANELS, strict=True):
        ax.barh(names, [table[n][key] for n in names], color="#4a78a8")
        ax.set_title(label)
        ax.invert_yaxis()
        if ax is not axes[0]:
            ax.set_yticklabels([])
    fig.suptitle(f"{params['sites']} sites, latency {params['latency_ms']} ms, median of {params['rounds']} "
                 f"round(s), {params['cores']} cores")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    for name in argv if argv is not None else sys.argv[1:]:
        path = Path(name)
        result = json.loads(path.read_text(encoding="utf-8"))
        draw(result["medians"], result["params"], path.with_suffix(".png"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
