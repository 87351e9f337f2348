"""The README's picture of a run: latency distribution and throughput, both systems."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import FuncFormatter, NullFormatter  # noqa: E402

SYSTEMS = {"suratkerja": "tab:blue", "baseline": "tab:red"}
STYLES = {1: "-", 2: "--", 4: ":"}


def _ecdf(axis, ms: list[float], label: str, color: str, style: str) -> None:
    ordered = sorted(ms)
    share = [(i + 1) / len(ordered) for i in range(len(ordered))]
    axis.step(ordered, share, where="post", color=color, linestyle=style, label=label)


def draw(result: dict, target: Path) -> None:
    """Left: share of letters done within x ms (log scale). Right: letters/s against clients."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.8))
    for system, color in SYSTEMS.items():
        runs = result[system]["runs"]
        for run in runs:
            style = STYLES.get(run["clients"], "-.")
            _ecdf(left, run["latencies_ms"], f"{system}, {run['clients']} concurrent", color, style)
        right.plot([r["clients"] for r in runs], [r["per_s"] for r in runs], marker="o", color=color, label=system)
    left.set_xscale("log")
    left.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    left.xaxis.set_minor_formatter(NullFormatter())
    left.set_xlabel("create-and-sign latency per letter (ms, log scale)")
    left.set_ylabel("share of letters done")
    left.set_title("Latency distribution")
    left.grid(True, which="both", alpha=0.3)
    left.legend(fontsize=8)
    right.axhline(12, color="grey", linestyle="--", linewidth=1, label="target at 4 clients (12/s)")
    right.set_xlabel("concurrent clients / worker processes")
    right.set_ylabel("signed letters per second")
    right.set_title("Throughput")
    right.set_xticks(sorted({r["clients"] for s in SYSTEMS for r in result[s]["runs"]}))
    right.set_ylim(bottom=0)
    right.grid(True, alpha=0.3)
    right.legend(fontsize=8)
    machine = result["machine"]
    fig.suptitle(f"suratkerja vs the naive baseline: create and sign a letter ({machine['cpus']} cores, "
                 f"{result['date'][:10]})")
    fig.tight_layout()
    fig.savefig(target, dpi=110)
    plt.close(fig)
