"""Per model and C target: executed instructions per inference (QEMU TCG plugin, counted between
the harness's marks around the invoke: the model's code and the library functions it calls), MACs per instruction, code bytes, weights bytes and arena bytes; and, in the
same run, the same model built with the portable C kernels on the same core, and the anchors of
Arm's CMSIS-NN (Cortex-M55, MVE; Cortex-M4, DSP) and muRISCV-NN (RVV) from the shared models' README. Besides
the shared int8 models, dscnn_16x8 (tests/synthetic_models.py): the KWS DS-CNN layer shapes with
int16 activations (16x8), for the int16 kernels.

Tables: target_instructions (vector build), target_portable_instructions, target_speedup
(portable / vector instructions: goal >= 4), target_vs_anchor (vector / anchor instructions: goal
<= 1), target_macs_per_insn, target_code_bytes (the model's kernels and glue; -Os is the size goal: < 10 KB on
cortex-m55 and cortex-m4), target_library_code_bytes (the C library functions that code calls: memcpy, ...),
target_weights_bytes, target_arena_bytes.

The Cortex-M4 anchors: with CMSIS_NN_DIR set to a CMSIS-NN checkout (never copied into this
repository), each int8 model is built with every layer on CMSIS-NN for cortex-m4 at -O2 and counted on
mps2-an386 the same way as tinycc's builds, in the same run (bench/cmsis_nn.py; its outputs checked
bit-exact with TFLite Micro; table target_cmsis_nn_instructions), and target_vs_anchor uses that
count; without it, the README's figures (a Cortex-M55 built without MVE). Each test prints which:

    CMSIS_NN_DIR=/path/to/CMSIS-NN python -m pytest bench/bench_targets.py -q -s -k cortex-m4"""
import os

import numpy as np
import pytest

import tinycc
from tinycc.oracle import TFLM, random_inputs

import cmsis_nn
from harness import record
from shared_models import INT8_MODELS, model_path
from synthetic_models import SYNTHETIC

CONFIGS = [("cortex-m55", 128, "-O2"), ("cortex-m55", 128, "-Os"), ("rv64gcv", 128, "-O2"), ("rv64gcv", 256, "-O2"),
           ("cortex-m4", 128, "-O2"), ("cortex-m4", 128, "-Os")]

#: instructions per inference of the reference libraries (shared models README)
ANCHORS = {
    ("kws_ref_model", "cortex-m55"): 1_783_396, ("vww_96_int8", "cortex-m55"): 6_423_269,
    # CMSIS-NN with its DSP kernels only (Armv7E-M SIMD, built +nomve, README); the goal is 0.8 of these
    ("kws_ref_model", "cortex-m4"): 7_683_276, ("vww_96_int8", "cortex-m4"): 24_245_605,
    ("kws_ref_model", "rv64gcv", 128): 4_043_472, ("vww_96_int8", "rv64gcv", 128): 13_205_811,
    ("kws_ref_model", "rv64gcv", 256): 2_798_684, ("vww_96_int8", "rv64gcv", 256): 9_927_450,
}


_CMSIS_NN = {}  # model -> CMSIS-NN's instructions on cortex-m4, measured in this run


def _anchor(name, target, vlen, x, want):
    """(instructions, how): the reference library's count for the model on the target; on cortex-m4
    with CMSIS_NN_DIR set (an int8 model), CMSIS-NN measured here, else the figure quoted above."""
    if target == "cortex-m4" and os.environ.get("CMSIS_NN_DIR") and name in INT8_MODELS:
        if name not in _CMSIS_NN:
            y, _CMSIS_NN[name] = cmsis_nn.count(model_path(name), x, os.environ["CMSIS_NN_DIR"])
            assert np.array_equal(y, want), "CMSIS-NN bit-exact with TFLite Micro"
            record("target_cmsis_nn_instructions", name, "cortex-m4-O2", _CMSIS_NN[name])
        return _CMSIS_NN[name], "CMSIS-NN measured (CMSIS_NN_DIR)"
    return ANCHORS.get((name, target) if target != "rv64gcv" else (name, target, vlen)), "quoted (README)"


def _model(name):
    return SYNTHETIC[name]() if name in SYNTHETIC else model_path(name)


def _count(name, target, vlen, portable, x):
    m = tinycc.compile(_model(name), target=target, vlen=vlen, portable_kernels=portable)
    m.count_instructions = True
    y = m(x)
    return m, y, m.last_instructions


@pytest.mark.parametrize("target,vlen,opt", CONFIGS, ids=[f"{t}-vlen{v}{o}" for t, v, o in CONFIGS])
@pytest.mark.parametrize("name", INT8_MODELS + sorted(SYNTHETIC))
def test_target_figures(name, target, vlen, opt, monkeypatch):
    monkeypatch.setenv("TINYCC_OPT", opt)
    x = random_inputs(tinycc.compile(_model(name)).inputs, np.random.default_rng(0))
    m, y, insns = _count(name, target, vlen, False, x[0])
    _, y_port, port = _count(name, target, vlen, True, x[0])
    want = TFLM(_model(name))(x)[0]
    assert np.array_equal(y, want) and np.array_equal(y_port, want), "bit-exact with TFLite Micro"
    rep = m.report()
    col = f"{target}{'' if target != 'rv64gcv' else f'@{vlen}'}{opt}"
    record("target_instructions", name, col, insns)
    record("target_portable_instructions", name, col, port)
    record("target_speedup", name, col, round(port / insns, 2))
    if opt == "-O2":
        anchor, how = _anchor(name, target, vlen, x[0], want)
        if anchor is not None:
            print(f"\n{name} {col}: anchor {anchor:,} instructions, {how}")
            record("target_vs_anchor", name, col, round(insns / anchor, 3))
    record("target_macs_per_insn", name, col, round(rep["macs"] / insns, 3))
    record("target_code_bytes", name, col, rep["code_bytes"])
    record("target_library_code_bytes", name, col, sum(rep.get("library_code_bytes", {}).values()))
    record("target_weights_bytes", name, col, rep["weights_bytes"])
    record("target_arena_bytes", name, col, rep["arena_bytes"])
    record("target_portable_fallbacks", name, col, " ".join(rep["portable_fallbacks"]) or "-")
