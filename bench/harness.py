"""Shared by the benchmarks: side-by-side timing and the result tables conftest prints."""
import time

import numpy as np

RESULTS = {}  # table name -> {model: {column: value}}


def record(table, model, column, value):
    RESULTS.setdefault(table, {}).setdefault(model, {})[column] = value


def median_us(fn, min_time=0.2, min_runs=5):
    """Median of repeated calls in microseconds, after a warm-up, each call timed alone."""
    fn()
    times = []
    start = time.perf_counter()
    while len(times) < min_runs or time.perf_counter() - start < min_time:
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return float(np.median(times) * 1e6)
