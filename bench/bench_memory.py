"""Arena bytes: tinycc's plan next to TFLite Micro's own arena, measured in the same run.

TFLite Micro's figure is its recorded "head" (the planned activation memory) from
print_allocations(), plus its variable tensors (state, in its tail); tinycc's arena_bytes counts
everything: activations, state, scratch, line buffers.
Tables: the MLPerf models, every integer model of the corpus, MobileNetV2- / MCUNet-style networks
and DS-CNN-L built with tinycc.testing, mobilenet_v2 224 (with and without the NHWC-input option, and
under a RAM budget; blocks run in patches with the MACs they compute again), and on cortex-m55 the instructions the streamed plans execute next to the
unstreamed ones (the price of the memory saved).

    python -m pytest bench/bench_memory.py -q -s
"""
import time

import numpy as np
import pytest

import tinycc
from tinycc import streaming
from tinycc.oracle import tflm_arena, tflm_head
from tinycc.testing import dscnn_model, inverted_residual_model

from harness import record
from shared_models import ALL_MODELS, MODELS, model_path

GOALS = {"kws_ref_model": 9000, "vww_96_int8": 40000, "pretrainedResnet_quant": 34000,
         "str_ww_ref_model": 4300, "ad01_int8": 768}
MOBILENET_V2 = MODELS / "tflm" / "mobilenet_v2_quantized_1x3x224x224.tflite"

def _row(table, name, model, goal_ratio=None, **kw):
    """Record tinycc's arena (plan "small") next to TFLM's head; no model may be above TFLM."""
    head = tflm_head(model)
    m = tinycc.compile(model, plan="small", **kw)
    rep = m.report()
    record(table, name, "tinycc", rep["arena_bytes"])
    record(table, name, "tflm_head", head)
    record(table, name, "streamed_blocks", len(rep["streamed_blocks"]))
    if rep["patches"]:  # blocks run in patches: the MACs computed again at their seams
        record(table, name, "patched_blocks", len(rep["patches"]))
        record(table, name, "extra_macs_pct", round(100 * rep["extra_macs"] / rep["macs"], 2))
    if head:
        record(table, name, "ratio_tinycc/tflm", round(rep["arena_bytes"] / head, 3))
    if goal_ratio:
        record(table, name, "goal_ratio", goal_ratio)
    assert head is None or rep["arena_bytes"] <= head, f"{name}: tinycc {rep['arena_bytes']} > TFLM {head}"
    return m, head


@pytest.mark.parametrize("name", ALL_MODELS)
def test_arena_vs_tflm(name):
    path = model_path(name)
    try:
        m, _ = _row("arena_bytes", name, path)
    except tinycc.UnsupportedError:
        record("arena_bytes", name, "tinycc", "refused")
        record("arena_bytes", name, "tflm_head", tflm_head(path))
        return
    record("arena_bytes", name, "tinycc_lower_bound_no_inplace", m.report()["lower_bound_bytes"])
    if name in GOALS:
        record("arena_bytes", name, "goal", GOALS[name])


def test_corpus_integer_models():
    """Every integer model of the corpus TFLM runs: tinycc at or below TFLM's head (its variable
    tensors included; the state TFLM keeps in its kernels' persistent buffers instead -- the audio
    front end's noise estimate -- is in no figure of its, so tinycc's state is left out there too)."""
    from corpus import corpus
    above, n = [], 0
    for name, path in corpus():
        try:
            m = tinycc.compile(path, plan="small")
        except tinycc.TinyccError:
            continue
        if any(t.dtype == np.float32 for t in m.graph.tensors() if not t.is_const):
            continue
        tflm = tflm_arena(path)
        if not tflm:
            continue
        head = tflm["head"] + tflm["variables"]
        rep = m.report()
        a = rep["arena_bytes"] - (rep["state_bytes"] if tflm["variables"] == 0 else 0)
        n += 1
        record("corpus_arena_bytes", name, "tinycc", a)
        record("corpus_arena_bytes", name, "tflm_head", head)
        record("corpus_arena_bytes", name, "ratio_tinycc/tflm", round(a / head, 3))
        if a > head:
            above.append(name)
    assert n >= 100 and not above, (n, above)


NETWORKS = {
    "mbv2_96_x6": dict(size=96),
    "mbv2_96_x6_pad": dict(size=96, explicit_pad=True),
    "mbv2_128_x4_w0.5": dict(size=128, width=0.5, expansion=4),
    "mbv2_160_x3_pad": dict(size=160, expansion=3, explicit_pad=True),
    "mbv2_176_x6_w0.35": dict(size=176),
    "mcunet_144_k357": dict(size=144, expansion=[1, 3, 4, 5, 6, 3, 6], kernel=[3, 5, 7, 3, 5, 7, 3]),
    "mcunet_112_k5_pad": dict(size=112, width=0.5, expansion=[1, 4, 5, 5, 4, 6, 6], kernel=5, explicit_pad=True),
}


@pytest.mark.parametrize("name", NETWORKS)
def test_inverted_residual_networks(name):
    _row("streamed_networks", name, inverted_residual_model(**NETWORKS[name]), goal_ratio=0.4)


def test_dscnn_l_and_person_detect():
    _row("streamed_networks", "dscnn_276ch", dscnn_model(channels=276), goal_ratio=0.45)
    _row("streamed_networks", "person_detect", MODELS / "tflm" / "person_detect.tflite", goal_ratio=0.5)


def test_mobilenet_v2():
    """mobilenet_v2 224: arena (goal 490,000 B), with the NHWC-input option and without, under a RAM
    budget of 300,000 B, and the compile time (goal < 2 s)."""
    t = time.perf_counter()
    m, head = _row("mobilenet_v2", "nhwc input", MOBILENET_V2, input_layout="nhwc")
    record("mobilenet_v2", "nhwc input", "compile_s", round(time.perf_counter() - t, 2))
    record("mobilenet_v2", "nhwc input", "goal", 490000)
    _row("mobilenet_v2", "model's NCHW input", MOBILENET_V2)
    for row, kw in (("ram budget 300000", dict(input_layout="nhwc")), ("NCHW, ram budget 300000", {})):
        try:
            b = tinycc.compile(MOBILENET_V2, plan="small", ram_budget=300000, **kw).report()
            record("mobilenet_v2", row, "tinycc", b["arena_bytes"])
            record("mobilenet_v2", row, "streamed_blocks", len(b["streamed_blocks"]))
            record("mobilenet_v2", row, "patched_blocks", len(b["patches"]))
        except tinycc.TinyccError as e:
            record("mobilenet_v2", row, "tinycc", str(e))


def _count(model, **kw):
    m = tinycc.compile(model, target="cortex-m55", **kw)
    m.count_instructions = True
    t = m.source.tensor(m.source.inputs[0])
    m(np.random.default_rng(0).integers(-128, 128, t.shape).astype(t.dtype))
    return m.report()["arena_bytes"], m.last_instructions, len(streaming.members(m.graph))


@pytest.mark.parametrize("name", ["mbv2_96_x6", "mcunet_144_k357", "mobilenet_v2 224", "kws_ref_model", "dscnn_276ch"])
def test_streamed_instructions_on_cortex_m55(name):
    """The price of streaming: instructions per inference of the smallest plan next to the plan with no
    streamed block (the fewest blocks under an unlimited budget), both on cortex-m55."""
    model = MOBILENET_V2 if name.startswith("mobilenet") else model_path(name) if name in ALL_MODELS else \
        dscnn_model(channels=276) if name == "dscnn_276ch" else inverted_residual_model(**NETWORKS[name])
    kw = dict(input_layout="nhwc") if name.startswith("mobilenet") else {}
    a_s, i_s, n_s = _count(model, **kw)
    a_u, i_u, n_u = _count(model, ram_budget=1 << 40, **kw)
    assert n_u == 0 and n_s > 0
    record("streaming_price_cortex_m55", name, "tinycc_streamed_arena", a_s)
    record("streaming_price_cortex_m55", name, "tinycc_unstreamed_arena", a_u)
    record("streaming_price_cortex_m55", name, "streamed_instructions", i_s)
    record("streaming_price_cortex_m55", name, "unstreamed_instructions", i_u)
    record("streaming_price_cortex_m55", name, "instructions_ratio", round(i_s / i_u, 3))
