"""Host latency of tinycc next to LiteRT (XNNPACK, builtin kernels) and TFLite Micro, run_batch
throughput, and compile time per model. Run: python -m pytest bench -q -s (see README)."""

import numpy as np
import pytest

import tinycc
from tinycc.oracle import TFLM, LiteRT, random_inputs

from harness import interleaved_median_us, median_us, record
from shared_models import ALL_MODELS, model_path

RUNTIMES = ["tinycc", "litert_xnnpack", "litert_builtin", "tflm"]


def make_runner(runtime, path, m):
    if runtime == "tinycc":
        return lambda xs: m(xs[0] if len(xs) == 1 else xs)
    if runtime == "tflm":
        return TFLM(path, len(m.outputs))
    return LiteRT(path, kernels=runtime.split("_")[1])


@pytest.mark.parametrize("name", ALL_MODELS)
def test_host_latency(name, benchmark):
    path = model_path(name)
    try:
        m = tinycc.compile(path)
    except tinycc.UnsupportedError as e:
        record("host_latency_us", name, "tinycc", "refused")
        pytest.skip(str(e))
    xs = random_inputs(m.inputs, np.random.default_rng(0))
    runners = {}
    for runtime in RUNTIMES:
        if runtime == "tflm" and m.inputs[0].dtype == np.float32 and name.endswith("float32"):
            continue
        try:
            runners[runtime] = make_runner(runtime, path, m)
        except Exception as e:  # an oracle that cannot load this model is recorded, not hidden
            record("host_latency_us", name, runtime, f"error: {type(e).__name__}")
    # TFLM is 10-100x slower than the others: fewer, longer rounds keep its share of the time down
    fast = {k: (lambda run=run: run(xs)) for k, run in runners.items() if k != "tflm"}
    lat = interleaved_median_us(fast)
    if "tflm" in runners:
        lat["tflm"] = median_us(lambda: runners["tflm"](xs))
    for runtime in RUNTIMES:
        if runtime in lat:
            record("host_latency_us", name, runtime, lat[runtime])
    for other in RUNTIMES[1:]:
        if other in lat:
            record("host_latency_ratio", name, f"tinycc/{other}", lat["tinycc"] / lat[other])
    # throughput: microseconds per sample of m.run_batch over a batch (one thread, and two)
    n = max(8, min(512, int(20000 / lat["tinycc"])))
    X = [np.stack([x] * n) for x in xs]
    for threads in (1, 2):
        us = median_us(lambda: m.run_batch(X[0] if len(X) == 1 else X, threads=threads), min_runs=3) / n
        record("host_batch_us_per_sample", name, f"tinycc_batch_{threads}thread", us)
    record("host_batch_us_per_sample", name, "tinycc_call", lat["tinycc"])
    benchmark.pedantic(lambda: m(xs[0]), rounds=50, iterations=10, warmup_rounds=1)


@pytest.mark.parametrize("name", ALL_MODELS)
def test_compile_time(name, benchmark):
    path = model_path(name)
    data = path.read_bytes()

    def go():
        try:
            tinycc.compile(data)
        except tinycc.UnsupportedError:
            pass
    t = median_us(go, min_time=0.5, min_runs=3) / 1e6
    record("compile_time_s", name, "tinycc", t)
    benchmark.pedantic(go, rounds=3, iterations=1)
