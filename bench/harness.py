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


def interleaved_median_us(fns: dict, rounds: int = 10, per_round: float = 0.05) -> dict:
    """Median microseconds per call of each function, measured in interleaved rounds (every
    function for ``per_round`` seconds, then the next, ``rounds`` times), so that a slow phase
    of a shared machine hits every runtime alike instead of whichever ran then."""
    times = {k: [] for k in fns}
    for fn in fns.values():
        fn()  # warm-up
    for _ in range(rounds):
        for k, fn in fns.items():
            start = time.perf_counter()
            while True:
                t0 = time.perf_counter()
                fn()
                t1 = time.perf_counter()
                times[k].append(t1 - t0)
                if t1 - start >= per_round:
                    break
    return {k: float(np.median(v) * 1e6) for k, v in times.items()}
