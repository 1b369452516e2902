"""Shared by the benchmarks: side-by-side timing and the result tables conftest prints."""
import ctypes
import functools
import pathlib
import subprocess
import tempfile
import threading
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


# A loop of nothing but independent AVX2 multiply-adds on registers (no memory traffic): what two
# threads of throughput-bound SIMD code can get from this machine, next to what run_batch gets.
_SPIN_C = r"""
#include <immintrin.h>
__attribute__((target("avx2,fma"))) float tc_bench_spin(long n) {
  __m256 a[10], x = _mm256_set1_ps(0.999f), y = _mm256_set1_ps(1e-3f);
  float out[8], s = 0;
  int k;
  for (k = 0; k < 10; k++) a[k] = _mm256_set1_ps((float)k);
  for (; n > 0; n--)
    for (k = 0; k < 10; k++) a[k] = _mm256_fmadd_ps(a[k], x, y);
  for (k = 0; k < 10; k++) { _mm256_storeu_ps(out, a[k]); s += out[0]; }
  return s;
}
"""


@functools.lru_cache(maxsize=None)
def _spin_lib():
    """The loop, built once per process with the host compiler."""
    d = pathlib.Path(tempfile.mkdtemp(prefix="tinycc_spin_"))
    (d / "spin.c").write_text(_SPIN_C)
    subprocess.run(["gcc", "-O2", "-shared", "-fPIC", "-o", str(d / "spin.so"), str(d / "spin.c")], check=True)
    lib = ctypes.CDLL(str(d / "spin.so"))
    lib.tc_bench_spin.argtypes, lib.tc_bench_spin.restype = [ctypes.c_long], ctypes.c_float
    return lib


def machine_spin(seconds: float = 0.04):
    """fn(threads): the same amount of SIMD work (about ``seconds`` on one thread) split over
    ``threads`` threads (ctypes releases the GIL), for interleaved_median_us."""
    lib = _spin_lib()
    t0 = time.perf_counter()
    lib.tc_bench_spin(1_000_000)
    n = max(1000, int(1_000_000 * seconds / (time.perf_counter() - t0)))

    def run(threads):
        pool = [threading.Thread(target=lib.tc_bench_spin, args=(n // threads,)) for _ in range(threads)]
        for t in pool:
            t.start()
        for t in pool:
            t.join()
    return run
