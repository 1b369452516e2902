"""Per model and C target: executed instructions per inference (QEMU TCG plugin, counted in the
model's code only), MACs per instruction, code bytes, weights bytes and arena bytes.

The figures to compare against (CMSIS-NN with MVE, muRISCV-NN with RVV) are in the shared
models' README; the vector kernels are the next step, so today's cortex-m55 and rv64gcv
builds use the portable kernels."""
import os

import numpy as np
import pytest

import tinycc
from tinycc.oracle import random_inputs

from harness import record
from shared_models import INT8_MODELS, model_path

CONFIGS = [("cortex-m55", 128, "-O2"), ("cortex-m55", 128, "-Os"), ("rv64gcv", 128, "-O2"), ("rv64gcv", 256, "-O2")]


@pytest.mark.parametrize("target,vlen,opt", CONFIGS, ids=[f"{t}-vlen{v}{o}" for t, v, o in CONFIGS])
@pytest.mark.parametrize("name", INT8_MODELS)
def test_target_figures(name, target, vlen, opt, monkeypatch):
    monkeypatch.setenv("TINYCC_OPT", opt)
    m = tinycc.compile(model_path(name), target=target, vlen=vlen)
    m.count_instructions = True
    m(random_inputs(m.inputs, np.random.default_rng(0)))
    rep = m.report()
    col = f"{target}{'' if target != 'rv64gcv' else f'@{vlen}'}{opt}"
    record("target_instructions", name, col, m.last_instructions)
    record("target_macs_per_insn", name, col, round(rep["macs"] / m.last_instructions, 3))
    record("target_code_bytes", name, col, rep["code_bytes"])
    record("target_weights_bytes", name, col, rep["weights_bytes"])
    record("target_arena_bytes", name, col, rep["arena_bytes"])
    assert os.environ["TINYCC_OPT"] == opt
