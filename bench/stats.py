"""Summaries of a run: latency percentiles, throughput, time per stage."""

from __future__ import annotations

import math
import statistics
from typing import Iterable, Mapping, Sequence


def percentile(values: Sequence[float], p: float) -> float:
    """The ``p``-th percentile by linear interpolation between ranks (numpy's default)."""
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def latency(ms: Sequence[float], wall_s: float) -> dict:
    """p50/p95/p99/mean/max in ms, and letters per second over the wall time of the run."""
    return {
        "n": len(ms),
        "p50_ms": round(percentile(ms, 50), 1),
        "p95_ms": round(percentile(ms, 95), 1),
        "p99_ms": round(percentile(ms, 99), 1),
        "mean_ms": round(statistics.fmean(ms), 1),
        "max_ms": round(max(ms), 1),
        "wall_s": round(wall_s, 2),
        "per_s": round(len(ms) / wall_s, 2),
    }


def stages(per_request: Iterable[Mapping[str, float]]) -> dict:
    """Mean and median of each stage over the requests (a request without the stage counts 0)."""
    rows = list(per_request)
    names = sorted({name for row in rows for name in row}, key=lambda n: _first_seen(rows, n))
    return {
        name: {
            "mean_ms": round(statistics.fmean(row.get(name, 0.0) for row in rows), 1),
            "median_ms": round(statistics.median(row.get(name, 0.0) for row in rows), 1),
        }
        for name in names
    }


def _first_seen(rows: list[Mapping[str, float]], name: str) -> int:
    """Stages in the order a request passes them."""
    return min(list(row).index(name) for row in rows if name in row)
