"""Arena bytes: tinycc's plan next to TFLite Micro's own arena, measured in the same run.

TFLite Micro's figure is its recorded "head" (the planned activation memory) from
print_allocations(); tinycc's arena_bytes counts everything: activations and scratch.
"""
import re
import subprocess
import sys

import pytest

import tinycc

from harness import record
from shared_models import ALL_MODELS, model_path

GOALS = {"kws_ref_model": 9000, "vww_96_int8": 40000, "pretrainedResnet_quant": 34000,
         "str_ww_ref_model": 4300, "ad01_int8": 768}

_TFLM = """
import sys
from tflite_micro.python.tflite_micro import runtime
data = open(sys.argv[1], "rb").read()
ip = runtime.Interpreter.from_bytes(data, arena_size=10 * len(data) + (4 << 20))
ip.print_allocations()
"""


def tflm_head(path):
    """TFLM's planned activation bytes, or None when TFLM refuses the model."""
    r = subprocess.run([sys.executable, "-c", _TFLM, str(path)], capture_output=True, text=True, timeout=120)
    m = re.search(r"Arena allocation head (\d+) bytes", r.stdout + r.stderr)
    return int(m.group(1)) if m else None


@pytest.mark.parametrize("name", ALL_MODELS)
def test_arena_vs_tflm(name):
    path = model_path(name)
    head = tflm_head(path)
    try:
        m = tinycc.compile(path, plan="small")  # the device's plan (the host runs "fast" by default)
    except tinycc.UnsupportedError:
        record("arena_bytes", name, "tinycc", "refused")
        record("arena_bytes", name, "tflm_head", head)
        return
    rep = m.report()
    record("arena_bytes", name, "tinycc", rep["arena_bytes"])
    record("arena_bytes", name, "tinycc_lower_bound_no_inplace", rep["lower_bound_bytes"])
    record("arena_bytes", name, "tflm_head", head)
    if head:
        record("arena_bytes", name, "ratio_tinycc/tflm", round(rep["arena_bytes"] / head, 3))
    if name in GOALS:
        record("arena_bytes", name, "goal", GOALS[name])
    assert head is None or rep["arena_bytes"] <= head, f"{name}: tinycc {rep['arena_bytes']} > TFLM {head}"
