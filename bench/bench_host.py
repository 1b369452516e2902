"""Host latency of tinycc next to LiteRT (XNNPACK, one thread), per instruction set, on the shared
models and on every corpus model LiteRT runs; run_batch scaling; compile time.

    python -m pytest bench/bench_host.py -q -s           # everything (about 10 minutes)
    python -m pytest bench/bench_host.py -q -s -k shared # the shared models only

Every latency is the median of interleaved rounds (tinycc under each instruction set this CPU has,
LiteRT+XNNPACK, LiteRT's builtin kernels, all in turn), so that a slow phase of the machine hits
every runtime alike. The ratios are tinycc / LiteRT+XNNPACK: under 1 is faster. The summary table
names the CPU they were measured on."""
import os
import pathlib
import platform
import subprocess
import sys

import numpy as np
import pytest

import tinycc
from tinycc import isa
from tinycc.oracle import TFLM, LiteRT, random_inputs

from harness import RESULTS, interleaved_median_us, machine_spin, median_us, record
from shared_models import ALL_MODELS, MODELS, model_path

CORPUS = sorted(str(p.relative_to(MODELS)) for p in (MODELS / "tflm").rglob("*.tflite")) \
    if (MODELS / "tflm").is_dir() else []
GOAL = {"int": 1.0, "float": 1.2}  # tinycc / XNNPACK, one thread


def cpu_name() -> str:
    try:
        for line in pathlib.Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def kind(m) -> str:
    """"float" when any activation is float32, else "int" (int8 / int16 models)."""
    return "float" if any(t.dtype == np.float32 for t in m.graph.tensors() if not t.is_const) else "int"


PROBE = """
import sys, numpy as np
from tinycc.oracle import LiteRT
for kernels in ("xnnpack", "builtin"):
    lr = LiteRT(sys.argv[1], kernels=kernels)
    xs = [np.zeros(d["shape"], d["dtype"]) for d in lr.ip.get_input_details()]
    for _ in range(20):
        lr(xs)
    del lr
"""


def litert_runs(path) -> bool:
    """Whether LiteRT runs the model without dying: some int16 models corrupt its heap (abort), so
    it is tried in a process of its own first."""
    r = subprocess.run([sys.executable, "-c", PROBE, str(path)], capture_output=True, timeout=300)
    return r.returncode == 0


def measure(table: str, name: str, path, tflm: bool = False):
    """Latency of tinycc under every ISA this CPU has and of LiteRT, interleaved; records the
    microseconds and the ratios. Returns the compiled model and its inputs (None when refused)."""
    try:
        m = tinycc.compile(path)
    except tinycc.UnsupportedError as e:
        record(f"{table}_latency_us", name, "tinycc", "refused")
        return None, str(e)
    xs = random_inputs(m.inputs, np.random.default_rng(0))
    x = xs[0] if len(xs) == 1 else xs
    fns = {f"tinycc@{lv}": (lambda mm=m.with_isa(lv): mm(x)) for lv in isa.cpu_levels()}
    for kernels in ("xnnpack", "builtin") if litert_runs(path) else ():
        try:
            lr = LiteRT(path, kernels=kernels)
            lr(xs)
            fns[f"litert_{kernels}"] = lambda lr=lr: lr(xs)
        except Exception as e:  # a runtime that cannot load this model is recorded, not hidden
            record(f"{table}_latency_us", name, f"litert_{kernels}", f"error: {type(e).__name__}")
    if len(fns) == len(isa.cpu_levels()):
        record(f"{table}_latency_us", name, "litert_xnnpack", "LiteRT dies")
    lat = interleaved_median_us(fns)
    lat["tinycc"] = lat[f"tinycc@{m.isa}"]
    if tflm:  # 10-100x slower than the others: timed on its own
        lat["tflm"] = median_us(lambda t=TFLM(path, len(m.outputs)): t(xs))
    for k, us in lat.items():
        record(f"{table}_latency_us", name, k, us)
    if "litert_xnnpack" in lat:
        record(f"{table}_ratio", name, "kind", kind(m))
        for k in [k for k in lat if k.startswith("tinycc@")] + ["litert_builtin", "tflm"]:
            if k in lat:
                record(f"{table}_ratio", name, f"{k}/xnnpack", lat[k] / lat["litert_xnnpack"])
        record(f"{table}_ratio", name, "tinycc/xnnpack", lat["tinycc"] / lat["litert_xnnpack"])
    return m, xs


@pytest.mark.parametrize("name", ALL_MODELS)
def test_shared_latency_and_batch(name, benchmark):
    m, xs = measure("host_shared", name, model_path(name), tflm=True)
    if m is None:
        pytest.skip(xs)
    # run_batch: microseconds per sample over one thread and two (models of 1 M MACs and more)
    if m.report()["macs"] >= 1_000_000:
        n = max(64, int(40_000 / RESULTS["host_shared_latency_us"][name]["tinycc"]))  # ~40 ms a call
        X = [np.stack([x] * n) for x in xs]
        X = X[0] if len(X) == 1 else X
        spin = machine_spin()
        fns = {t: (lambda t=t: m.run_batch(X, threads=t)) for t in (1, 2)}
        fns.update({f"spin{t}": (lambda t=t: spin(t)) for t in (1, 2)})
        us = interleaved_median_us(fns, per_round=0.2)
        record("host_batch", name, "us_per_sample_1thread", us[1] / n)
        record("host_batch", name, "us_per_sample_2threads", us[2] / n)
        record("host_batch", name, "scaling_2threads", us[1] / us[2])
        # the machine's own: a SIMD loop without memory traffic, in the same interleaved rounds
        record("host_batch", name, "machine_scaling_2threads", us["spin1"] / us["spin2"])
        record("host_batch", name, "cores", os.cpu_count())
    benchmark.pedantic(lambda: m(xs[0] if len(xs) == 1 else xs), rounds=20, iterations=5, warmup_rounds=1)


@pytest.mark.parametrize("name", CORPUS)
def test_corpus_latency(name):
    m, why = measure("host_corpus", name, MODELS / name)
    if m is None:
        pytest.skip(why)


def test_summary():
    """Per table and kind: how many models, the geometric mean and the worst tinycc / XNNPACK ratio
    (best ISA, and each ISA), and the models over the goal."""
    for table in ("host_shared_ratio", "host_corpus_ratio"):
        rows = RESULTS.get(table, {})
        for k in ("int", "float"):
            mine = {n: r for n, r in rows.items() if r.get("kind") == k}
            if not mine:
                continue
            key = f"{table.removesuffix('_ratio')} {k} ({len(mine)} models)"
            for col in sorted({c for r in mine.values() for c in r if c.startswith("tinycc")}):
                vals = [r[col] for r in mine.values() if col in r]
                record("host_summary", key, f"geomean {col}", float(np.exp(np.mean(np.log(vals)))))
            worst = max(mine, key=lambda n: mine[n]["tinycc/xnnpack"])
            record("host_summary", key, "worst", f"{mine[worst]['tinycc/xnnpack']:.2f} {pathlib.Path(worst).stem}")
            over = sum(r["tinycc/xnnpack"] > GOAL[k] for r in mine.values())
            record("host_summary", key, f"over {GOAL[k]}x", over)
    record("host_summary", "measured on", "cpu", cpu_name())
    record("host_summary", "measured on", "levels", ",".join(isa.cpu_levels()))


@pytest.mark.parametrize("name", ALL_MODELS)
def test_compile_time(name, benchmark):
    data = model_path(name).read_bytes()

    def go():
        try:
            tinycc.compile(data)
        except tinycc.UnsupportedError:
            pass
    record("compile_time_s", name, "tinycc", median_us(go, min_time=0.5, min_runs=3) / 1e6)
    benchmark.pedantic(go, rounds=3, iterations=1)
